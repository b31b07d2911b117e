r"""Quantum baselines of the paper: QFT thresholding and quantum wavelet (Haar, D4) thresholding.

Both are *transform, mark, inverse transform, post-select* circuits on the whole signal
(no windows, no amplification):

.. math::

    |0\rangle \xrightarrow{\text{encode}} \tfrac{1}{\sqrt N}\sum_x (c_x|0\rangle + s_x|1\rangle)|x\rangle
    \xrightarrow{T} \xrightarrow{\text{flag } K} \xrightarrow{T^\dagger}

and the readout keeps ``anc = 0`` and ``keep = 1``: the kept branch is ``T^dagger K T c``.

* **QFT thresholding** (S. Caraiman, V. Manta, Adv. Electr. Comput. Eng. 13 (2013) 77):
  ``T`` = n-qubit ``QFTGate``; ``K`` keeps ``min(k, N - k) <= tau`` (one global cutoff).
* **QWT thresholding** (S. Chakraborty et al., Int. J. Theor. Phys. 59 (2020) 3348): ``T`` =
  L-level pyramid Haar transform: level l is an H on qubit ``q_{l-1}`` controlled on
  ``q_0 .. q_{l-2} = 0`` (the approximation subspace of the previous level). Coefficient
  ``cD_l[i]`` of ``pywt.wavedec(x, "haar", mode="periodization")`` sits at basis index
  ``2**(l-1) + 2**l * i`` and ``cA_L[i]`` at ``2**L * i``, with the same signs and
  normalisation (PyWavelets' orthonormal Haar: ``cD = (x_2i - x_2i+1) / sqrt 2``). ``K`` removes
  the ``level`` finest detail bands, i.e. keeps ``q_0 .. q_{level-1} = 0``.
  ``wavelet="db2"`` (alias ``"d4"``) swaps in the 4-tap Daubechies D4 transform
  (:func:`d4_transform`, A. Fijany and C. P. Williams, QCQC 1998, LNCS 1509 p. 10) with the same
  multi-level control, the same coefficient positions and again PyWavelets' exact signs
  (``pywt.wavedec(x, "db2", mode="periodization")``).

On images (a square of side ``S = 2**s``, amplitudes row-major, ``i = col + S * row``) the
same circuits act per axis: ``QFTGate(s)`` (or the wavelet transform) on the column bits and on
the row bits; ``keep`` where both axes pass (the separable mask, or ``V_L x V_L``, the
approximation space of ``pywt.wavedec2``).

:class:`BaselineProblem` is what :func:`qdn.execution.executor.execute` runs; the emulators
(:mod:`qdn.emulator.baselines`) compute the same four branches ``(keep, anc)`` with
``numpy.fft`` and PyWavelets, independently of the circuits.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from qiskit import ClassicalRegister, QuantumCircuit
from qiskit.circuit import AncillaRegister, QuantumRegister
from qiskit.circuit.library import HGate, IntegerComparatorGate, QFTGate, RYGate
from qiskit.synthesis import synth_qft_full

from .multiplexor import MultiplexedRY
from ..classical.global_cutoffs import wavelet_name

__all__ = [
    "BaselineProblem",
    "BASELINE_CIRCUITS",
    "haar_transform",
    "d4_transform",
    "cyclic_shift",
    "wavelet_transform",
    "qft_filter_circuit",
    "qwt_filter_circuit",
    "qft_image_filter_circuit",
    "qwt_image_filter_circuit",
    "haar_coefficient_index",
]


def haar_transform(num_qubits: int, levels: int) -> QuantumCircuit:
    """L-level pyramid Haar wavelet transform on ``num_qubits`` qubits (name ``"qwt"``)."""
    if not 1 <= levels <= num_qubits:
        raise ValueError(f"levels must lie in [1, {num_qubits}], got {levels}")
    qc = QuantumCircuit(num_qubits, name="qwt")
    for lev in range(levels):
        if lev == 0:
            qc.h(0)
        else:
            qc.append(HGate().control(lev, ctrl_state=0, annotated=True), list(range(lev)) + [lev])
    return qc


# D4 kernel angles (RY(theta) = [[cos theta/2, -sin theta/2], [sin theta/2, cos theta/2]]):
# C0 = RY(pi/3) on the odd pairs (2i-1, 2i), C1 = RY(-pi/6) on the even pairs (2i, 2i+1).
D4_ANGLES = (np.pi / 3, -np.pi / 6)


def cyclic_shift(num_qubits: int, step: int) -> QuantumCircuit:
    """``|x> -> |x + step mod 2**n>`` for ``step = +1`` (name ``"inc"``) or ``-1`` (``"dec"``).

    Draper's QFT adder with the constant 1: QFT without the final swaps, ``P(step * pi / 2**j)``
    on qubit ``j``, inverse QFT: ``2 n (n - 1)`` CX for ``n >= 2`` (an X on one qubit). An
    ancilla-free multi-controlled-X cascade is cheaper up to n = 4 only (n = 4: 19 against 24 CX;
    n = 5: 55 against 40; n = 8: 291 against 112).
    """
    if step not in (1, -1):
        raise ValueError(f"step must be +1 or -1, got {step}")
    qc = QuantumCircuit(num_qubits, name="inc" if step == 1 else "dec")
    if num_qubits == 1:
        qc.x(0)
        return qc
    qft = synth_qft_full(num_qubits, do_swaps=False)  # qubit j ends up holding Fourier bit n-1-j
    qc.compose(qft, inplace=True)
    for j in range(num_qubits):
        qc.p(step * np.pi / 2**j, j)
    qc.compose(qft.inverse(), inplace=True)
    return qc


def _cry(qc: QuantumCircuit, theta: float, lev: int, ctrl_state: int) -> None:
    """RY(theta) on ``q_lev`` controlled on ``q_0 .. q_{lev-1}`` being ``ctrl_state``."""
    if lev == 0:
        qc.ry(theta, 0)
    else:
        qc.append(RYGate(theta).control(lev, ctrl_state=ctrl_state, annotated=True), list(range(lev + 1)))


def d4_transform(num_qubits: int, levels: int) -> QuantumCircuit:
    r"""L-level periodic Daubechies D4 wavelet transform on ``num_qubits`` qubits (name ``"qwt_db2"``).

    It is PyWavelets' ``pywt.wavedec(x, "db2", mode="periodization", level=levels)`` ("db2" is
    PyWavelets' name of the 4-tap D4 filter; its "db4" has 8 taps), with coefficient ``k`` of the
    concatenated output at basis index ``haar_coefficient_index(num_qubits, levels)[k]`` and *the
    same signs and normalisation*: no sign flips (checked to 1e-10 on every basis input for
    ``n <= 6``, all levels).

    One level on an ``m``-qubit register is the factorisation of Fijany and Williams (1998),
    :math:`D^{(4)} = (I \otimes C_1)\, Q\, (I \otimes C_0)`, preceded by one cyclic shift:

    .. math::

        W_m = (I \otimes C_1)\; Q_{+1}\; (I \otimes C_0)\; Q_{-1},
        \qquad C_0 = R_Y(\pi/3),\quad C_1 = R_Y(-\pi/6),

    where :math:`Q_{\pm 1}|x\rangle = |x \pm 1 \bmod 2^m\rangle` (:func:`cyclic_shift`) and
    :math:`C_{0,1}` act on the least significant qubit. The extra :math:`Q_{-1}` is forced by
    PyWavelets' alignment: its periodised filters read ``x[2i-1 .. 2i+2]`` (three input pairs), so
    :math:`C_0` must act on the odd pairs ``(2i-1, 2i)``; Fijany-Williams' form alone equals
    PyWavelets' transform of ``x`` rolled by one sample. As for Haar, the output is interleaved
    (``cA_i`` at ``2i``, ``cD_i`` at ``2i+1``; no perfect shuffle needed), and level ``l`` is
    :math:`W_{n-l+1}` on ``q_{l-1} .. q_{n-1}`` controlled on ``q_0 .. q_{l-2} = 0`` (the
    approximation subspace). The controlled shifts cost nothing extra: with the controls as the
    low bits, a shift of the *whole* n-qubit register borrows into (carries out of)
    ``q_{l-1} ..`` exactly when ``q_0 .. q_{l-2} = 0`` (``= 1 .. 1`` after the decrement), so
    level ``l`` is ``dec_n``, :math:`C_0` on ``q_{l-1}`` controlled on ``q_0 .. q_{l-2} = 1``,
    ``inc_n``, :math:`C_1` controlled on ``q_0 .. q_{l-2} = 0``; the other states are shifted
    and shifted back. Level ``n`` (one qubit, :math:`W_1 = R_Y(-\pi/2)`) is one controlled RY.
    Levels beyond ``pywt.dwt_max_level(2**n, 4)`` (where PyWavelets warns of boundary effects)
    are exact too: the periodised filter wraps around.

    Cost (``generate_preset_pass_manager(optimization_level=1, basis_gates=["cx", "rz", "sx",
    "x"])``, n = 8): 224 CX for 1 level (Haar 0), 452 for 2 (Haar 1), 1868 for 7 (Haar 91),
    1948 for all 8 (Haar 261); per level two n-qubit shifts (``2 n (n - 1)`` CX each) and two
    ``(l-1)``-controlled RYs. A multi-controlled-X cascade instead of the QFT shifts: 4434 CX.
    The whole :func:`qwt_filter_circuit` (N = 256, encoding included): 705 CX at level 1 (Haar
    257), 4230 at level 8 (Haar 580).
    """
    if not 1 <= levels <= num_qubits:
        raise ValueError(f"levels must lie in [1, {num_qubits}], got {levels}")
    c0, c1 = D4_ANGLES
    qc = QuantumCircuit(num_qubits, name="qwt_db2")
    dec, inc = cyclic_shift(num_qubits, -1).to_gate(), cyclic_shift(num_qubits, +1).to_gate()
    for lev in range(levels):
        if lev == num_qubits - 1:
            _cry(qc, c1 - c0, lev, 0)  # W_1 = RY(c1) X RY(c0) X = RY(c1 - c0) = RY(-pi/2)
            continue
        qc.append(dec, qc.qubits)
        _cry(qc, c0, lev, (1 << lev) - 1)
        qc.append(inc, qc.qubits)
        _cry(qc, c1, lev, 0)
    return qc


def wavelet_transform(num_qubits: int, levels: int, wavelet: str = "haar") -> QuantumCircuit:
    """:func:`haar_transform` or :func:`d4_transform` (``wavelet`` = "haar", "db2" or "d4")."""
    return (haar_transform if wavelet_name(wavelet) == "haar" else d4_transform)(num_qubits, levels)


def haar_coefficient_index(num_qubits: int, levels: int) -> np.ndarray:
    """Basis index of each entry of ``np.concatenate(pywt.wavedec(x, w, level=L, mode="periodization"))``
    in the output of :func:`haar_transform` (``w = "haar"``) and :func:`d4_transform` (``w = "db2"``)."""
    parts = [np.arange(1 << (num_qubits - levels)) << levels]  # cA_L
    for lev in range(levels, 0, -1):  # cD_L ... cD_1
        parts.append((1 << (lev - 1)) + (np.arange(1 << (num_qubits - lev)) << lev))
    return np.concatenate(parts)


def _filter_frame(num_qubits: int, work: int, name: str):
    i = QuantumRegister(num_qubits, "i")
    anc = QuantumRegister(1, "anc")
    keep = QuantumRegister(1, "keep")
    regs = [i, anc, keep] + ([AncillaRegister(work, "work")] if work else [])
    return QuantumCircuit(*regs, name=name), i, anc, keep


def _encode(qc: QuantumCircuit, i, anc, amplitudes: np.ndarray) -> None:
    angles = 2.0 * np.arccos(np.clip(np.asarray(amplitudes, float).ravel(), -1, 1))
    enc = QuantumCircuit(len(i) + 1, name="encode")
    enc.h(range(1, len(i) + 1))
    enc.append(MultiplexedRY(angles.tolist()), [0] + list(range(1, len(i) + 1)))
    qc.append(enc.to_gate(), [anc[0]] + list(i))


def _finish(qc: QuantumCircuit, i, anc, keep, measure: bool) -> QuantumCircuit:
    if measure:
        creg = ClassicalRegister(len(i) + 2, "meas")
        qc.add_register(creg)
        qc.measure(list(i) + [anc[0], keep[0]], creg)
    return qc


def qft_filter_circuit(amplitudes: np.ndarray, threshold: int, *, measure: bool = False) -> QuantumCircuit:
    """QFT thresholding with one global two-sided cutoff ``threshold``.

    ``meas`` (if measured) reads ``i + N*anc + 2N*keep``; keep ``anc = 0``, ``keep = 1``.
    """
    c = np.asarray(amplitudes, float).ravel()
    n = int(np.log2(c.size))
    N = 1 << n
    if not 0 <= threshold <= N // 2:
        raise ValueError(f"threshold must lie in [0, {N // 2}], got {threshold}")
    qc, i, anc, keep = _filter_frame(n, 2, "qft_threshold")
    work = qc.ancillas
    _encode(qc, i, anc, c)
    qc.append(QFTGate(n), i)
    mark = QuantumCircuit(*qc.qregs, name="mark")
    if threshold >= N // 2:
        mark.x(keep)
    else:
        # keep = [k <= tau] xor [k >= N - tau]  (disjoint for tau < N/2)
        cmp_low = IntegerComparatorGate(n, threshold + 1, geq=True)
        cmp_high = IntegerComparatorGate(n, N - threshold, geq=True)
        mark.append(cmp_low, list(i) + [work[0]])
        mark.append(cmp_high, list(i) + [work[1]])
        mark.x(keep)
        mark.cx(work[0], keep)
        mark.cx(work[1], keep)
        mark.append(cmp_high, list(i) + [work[1]])  # the comparators are involutions
        mark.append(cmp_low, list(i) + [work[0]])
    qc.append(mark.to_gate(), qc.qubits)
    qc.append(QFTGate(n).inverse(), i)
    return _finish(qc, i, anc, keep, measure)


def qwt_filter_circuit(
    amplitudes: np.ndarray, level: int, *, measure: bool = False, wavelet: str = "haar"
) -> QuantumCircuit:
    """Quantum wavelet thresholding: remove the ``level`` finest detail bands.

    ``wavelet``: "haar" (default) or the 4-tap Daubechies "db2" (PyWavelets' name; alias "d4").
    """
    c = np.asarray(amplitudes, float).ravel()
    n = int(np.log2(c.size))
    if not 1 <= level <= n:
        raise ValueError(f"level must lie in [1, {n}], got {level}")
    qwt = wavelet_transform(n, level, wavelet)
    qc, i, anc, keep = _filter_frame(n, 0, "qwt_threshold")
    _encode(qc, i, anc, c)
    qc.append(qwt.to_gate(), i)
    mark = QuantumCircuit(*qc.qregs, name="mark")
    mark.mcx(list(i[:level]), keep[0], ctrl_state=0)
    qc.append(mark.to_gate(), qc.qubits)
    qc.append(qwt.inverse().to_gate(label="iqwt"), i)
    return _finish(qc, i, anc, keep, measure)


def _side_qubits(amplitudes) -> tuple[np.ndarray, int]:
    a = np.asarray(amplitudes, float)
    if a.ndim != 2 or a.shape[0] != a.shape[1] or a.shape[0] < 2 or a.shape[0] & (a.shape[0] - 1):
        raise ValueError(f"need a square image with a power-of-two side >= 2, got shape {a.shape}")
    return a, a.shape[0].bit_length() - 1


def _low_pass_flag(qc: QuantumCircuit, reg, tau: int, work, flag) -> None:
    """``flag ^= [min(k, S - k) <= tau]`` for the integer ``k`` held by ``reg`` (two comparators,
    uncomputed; ``work`` holds two clean qubits)."""
    S = 1 << len(reg)
    if tau >= S // 2:
        qc.x(flag)
        return
    low = IntegerComparatorGate(len(reg), tau + 1, geq=True)  # k >= tau + 1
    high = IntegerComparatorGate(len(reg), S - tau, geq=True)  # k >= S - tau
    qc.append(low, list(reg) + [work[0]])
    qc.append(high, list(reg) + [work[1]])
    qc.x(flag)  # kept = not(k >= tau+1) or (k >= S-tau); the two are disjoint for tau < S/2
    qc.cx(work[0], flag)
    qc.cx(work[1], flag)
    qc.append(high, list(reg) + [work[1]])  # comparators are involutions
    qc.append(low, list(reg) + [work[0]])


def qft_image_filter_circuit(amplitudes, threshold: int, *, measure: bool = False) -> QuantumCircuit:
    """2-D QFT thresholding of an ``S x S`` image with the separable cutoff ``threshold``.

    Registers ``i`` (2s qubits), ``anc``, ``keep``, ``work`` (4 clean ancillas, returned to 0).
    ``meas`` (if measured) reads ``i + N anc + 2N keep`` with ``N = S**2``; keep ``anc = 0``,
    ``keep = 1``.
    """
    a, s = _side_qubits(amplitudes)
    if not 0 <= threshold <= (1 << s) // 2:
        raise ValueError(f"threshold must lie in [0, {(1 << s) // 2}], got {threshold}")
    qc, i, anc, keep = _filter_frame(2 * s, 4, "qft2_threshold")
    work = qc.ancillas
    cols, rows = i[:s], i[s:]
    _encode(qc, i, anc, a.ravel())
    qft = QuantumCircuit(2 * s, name="qft2")
    qft.append(QFTGate(s), range(s))
    qft.append(QFTGate(s), range(s, 2 * s))
    qc.append(qft.to_gate(), i)
    mark = QuantumCircuit(*qc.qregs, name="mark")
    _low_pass_flag(mark, cols, threshold, work[:2], work[2])
    _low_pass_flag(mark, rows, threshold, work[:2], work[3])
    mark.ccx(work[2], work[3], keep[0])
    _low_pass_flag(mark, rows, threshold, work[:2], work[3])
    _low_pass_flag(mark, cols, threshold, work[:2], work[2])
    qc.append(mark.to_gate(), qc.qubits)
    qc.append(qft.inverse().to_gate(label="iqft2"), i)
    return _finish(qc, i, anc, keep, measure)


def qwt_image_filter_circuit(amplitudes, level: int, *, measure: bool = False, wavelet: str = "haar") -> QuantumCircuit:
    """2-D quantum wavelet thresholding: keep the level-``level`` approximation of both axes."""
    a, s = _side_qubits(amplitudes)
    if not 1 <= level <= s:
        raise ValueError(f"level must lie in [1, {s}], got {level}")
    qc, i, anc, keep = _filter_frame(2 * s, 0, "qwt2_threshold")
    _encode(qc, i, anc, a.ravel())
    w = wavelet_transform(s, level, wavelet)
    qwt = QuantumCircuit(2 * s, name="qwt2")
    qwt.append(w.to_gate(), range(s))
    qwt.append(w.to_gate(), range(s, 2 * s))
    qc.append(qwt.to_gate(), i)
    mark = QuantumCircuit(*qc.qregs, name="mark")
    mark.mcx(list(i[:level]) + list(i[s : s + level]), keep[0], ctrl_state=0)
    qc.append(mark.to_gate(), qc.qubits)
    qc.append(qwt.inverse().to_gate(label="iqwt2"), i)
    return _finish(qc, i, anc, keep, measure)


#: (method, dimensions) -> circuit builder ``(amplitudes, cutoff, *, measure, wavelet)``.
BASELINE_CIRCUITS = {
    ("qft", 1): lambda c, cut, *, measure, wavelet: qft_filter_circuit(c, cut, measure=measure),
    ("qwt", 1): lambda c, cut, *, measure, wavelet: qwt_filter_circuit(c, cut, measure=measure, wavelet=wavelet),
    ("qft", 2): lambda c, cut, *, measure, wavelet: qft_image_filter_circuit(c, cut, measure=measure),
    ("qwt", 2): lambda c, cut, *, measure, wavelet: qwt_image_filter_circuit(c, cut, measure=measure, wavelet=wavelet),
}


@dataclass(frozen=True)
class BaselineProblem:
    """A quantum baseline on the whole signal (``amplitudes`` shape ``(N,)``) or a square image
    (``(S, S)``): ``method`` "qft" (``cutoff`` in frequency bins) or "qwt" (``cutoff`` = detail
    levels removed, ``wavelet`` "haar" or "db2"). No amplification: the readout post-selects
    ``anc = 0``, ``keep = 1`` (count key ``i + N*anc + 2N*keep``)."""

    method: str
    amplitudes: np.ndarray
    cutoff: int
    wavelet: str = "haar"
    _cache: dict = field(default_factory=dict, compare=False, repr=False)

    @property
    def ndim(self) -> int:
        return np.ndim(self.amplitudes)

    def circuit(self, schedule=None, *, measure: bool = False, synthesize_mcx: bool = True) -> QuantumCircuit:
        """The baseline's circuit (``schedule`` and ``synthesize_mcx`` do not apply: no rounds, no MCX
        value setting)."""
        key = ("circuit", measure)
        if key not in self._cache:
            build = BASELINE_CIRCUITS[(self.method, self.ndim)]
            self._cache[key] = build(self.amplitudes, self.cutoff, measure=measure, wavelet=self.wavelet)
        return self._cache[key]

    @property
    def num_qubits(self) -> int:
        """``i`` (log2 of the sample count), ``anc``, ``keep`` and the QFT mark's clean work
        qubits (2 per axis), without building the circuit."""
        work = 2 * self.ndim if self.method == "qft" else 0
        return int(np.log2(np.size(self.amplitudes))) + 2 + work
