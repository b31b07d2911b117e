r"""Quantum baselines of the paper: QFT thresholding and quantum Haar wavelet thresholding.

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

The emulators compute the same four branches ``(keep, anc)`` with ``numpy.fft`` and
``pywt.wavedec/waverec``, independently of the circuits.
"""

from __future__ import annotations

import numpy as np
import pywt
from qiskit import ClassicalRegister, QuantumCircuit
from qiskit.circuit import AncillaRegister, QuantumRegister
from qiskit.circuit.library import HGate, IntegerComparatorGate, QFTGate, UCRYGate

__all__ = [
    "haar_transform",
    "qft_filter_circuit",
    "qwt_filter_circuit",
    "qft_filter_state",
    "qwt_filter_state",
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


def haar_coefficient_index(num_qubits: int, levels: int) -> np.ndarray:
    """Basis index of each entry of ``np.concatenate(pywt.wavedec(x, "haar", level=L))``."""
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
    enc.append(UCRYGate(angles.tolist()), [0] + list(range(1, len(i) + 1)))
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


def qwt_filter_circuit(amplitudes: np.ndarray, level: int, *, measure: bool = False) -> QuantumCircuit:
    """Quantum Haar wavelet thresholding: remove the ``level`` finest detail bands."""
    c = np.asarray(amplitudes, float).ravel()
    n = int(np.log2(c.size))
    if not 1 <= level <= n:
        raise ValueError(f"level must lie in [1, {n}], got {level}")
    qc, i, anc, keep = _filter_frame(n, 0, "qwt_threshold")
    _encode(qc, i, anc, c)
    qwt = haar_transform(n, level)
    qc.append(qwt.to_gate(), i)
    mark = QuantumCircuit(*qc.qregs, name="mark")
    mark.mcx(list(i[:level]), keep[0], ctrl_state=0)
    qc.append(mark.to_gate(), qc.qubits)
    qc.append(qwt.inverse().to_gate(label="iqwt"), i)
    return _finish(qc, i, anc, keep, measure)


def _branches(c: np.ndarray, project) -> np.ndarray:
    """``(keep, anc, i)`` amplitudes given the projection onto the kept subspace."""
    c = np.asarray(c, float).ravel()
    s = np.sqrt(np.clip(1 - c**2, 0, None))
    N = c.size
    out = np.empty((2, 2, N), complex)
    for a, v in enumerate((c, s)):
        kept = project(v)
        out[1, a] = kept / np.sqrt(N)
        out[0, a] = (v - kept) / np.sqrt(N)
    return out


def qft_filter_state(amplitudes: np.ndarray, threshold: int) -> np.ndarray:
    """Emulator of :func:`qft_filter_circuit`: amplitudes on ``(keep, anc, i)``."""
    c = np.asarray(amplitudes, float).ravel()
    k = np.arange(c.size)
    mask = np.minimum(k, c.size - k) <= threshold
    return _branches(c, lambda v: np.fft.ifft(np.fft.fft(v) * mask))


def qwt_filter_state(amplitudes: np.ndarray, level: int) -> np.ndarray:
    """Emulator of :func:`qwt_filter_circuit` (PyWavelets' Haar transform)."""

    def project(v):
        coeffs = pywt.wavedec(v, "haar", level=level, mode="periodization")
        coeffs = [coeffs[0]] + [np.zeros_like(d) for d in coeffs[1:]]
        return pywt.waverec(coeffs, "haar", mode="periodization")

    return _branches(amplitudes, project)
