r"""Cycle spinning inside the circuit: the average of ``S`` shifted projections as one linear
combination of unitaries.

A shift register ``s`` (``log2 S`` qubits) in uniform superposition selects the shift
``d_k = k M / S``; the state preparation ``A_S`` is

.. math::

    A_S = (H_s \otimes I)\; R^{\dagger}\; F^{\dagger}_M\; X_{flag}^{[\mathrm{kept}(s, j, k)]}\; F_M\; R\;
          (H_s \otimes T),\qquad R\,|k\rangle_s|x\rangle = |k\rangle_s|x - d_k \bmod N\rangle,

with ``T`` the paper's amplitude encoding, ``F_M`` the windowed QFT and the *mark* stage
flipping a ``flag`` qubit on the kept bins of window ``j`` of shift ``k`` (``anc = 0``). With the
good subspace ``flag = 1, s = 0`` (oracle: a phase on those two registers only),

.. math::

    \Pi_{good} A_S |0\rangle = |0\rangle_s|1\rangle_{flag}|0\rangle_{anc} \otimes
    \frac{1}{\sqrt N}\,\frac{1}{S}\sum_k R_{d_k}^{-1} P_k R_{d_k}\, c,

the cycle-spun projection (:func:`qdn.classical.spinning.spin_projection`) of the encoded
amplitudes ``c``, which amplitude amplification with the exact schedule returns with certainty.
``S = 1`` is not built here: it is the paper's circuit (:class:`~qdn.circuits.problem.DenoisingProblem`).

* The shift is Qiskit's :class:`~qiskit.circuit.library.ModularAdderGate` on the ``p + log2 S``
  most significant position qubits (its inverse subtracts), the ``s`` register padded with clean
  ``work`` qubits to the same width.
* The mark stage is the paper's oracle (:mod:`qdn.circuits.oracle`) for ``S P`` windows (the
  ``j`` register extended by ``s``) with phase pi, each phase gate controlled by the flag and
  conjugated by H on it: ``H Z^{[good] flag} H = X^{[good]}``. In the register variant the
  ``thre`` register is written from ``(s, j)`` before it and erased after it; no ``mean`` register
  (the cutoffs are set directly).

Reference: R. R. Coifman and D. L. Donoho, "Translation-invariant de-noising", 1995 (cycle
spinning); A. M. Childs and N. Wiebe, QIC 12 (2012) (linear combinations of unitaries).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from qiskit import ClassicalRegister, QuantumCircuit
from qiskit.circuit import AncillaRegister, QuantumRegister
from qiskit.circuit.library import MCPhaseGate, ModularAdderGate

from .amplification import Schedule, amplification_round
from .encode import amplitude_encoding, value_setting
from .multiplexor import MultiplexedRY
from .gates import pattern_phase
from .layout import VARIANTS, Layout, holds_codes, work_size
from .oracle import oracle_circuit
from .qft import append_windowed_qft
from .registers import reg
from ..classical.spinning import mask_weights, spin_filter, spin_projection
from ..common.registry import check_choice

__all__ = ["SpinningProblem", "spin_frame", "shift_circuit", "mark_circuit", "weighted_mark_circuit", "flag_controlled",
           "spin_qubits", "spin_oracle", "spinning_circuit"]


def spin_qubits(qc: QuantumCircuit) -> list:
    """The shift registers' qubits of a spinning frame: ``s`` (1-D) or ``sx`` then ``sy`` (2-D)."""
    return reg(qc, "s") + reg(qc, "sx") + reg(qc, "sy")


def _shift_bits(shifts: int) -> int:
    return int(shifts).bit_length() - 1


def spin_frame(layout: Layout, shifts: int, variant: str = "compact", mask: str = "two-sided",
               name: str = "qdn") -> QuantumCircuit:
    """An empty circuit with registers ``i, j, [thre], anc, flag, s, work`` (little-endian).

    ``work`` holds the comparator's work qubits or the adder's padding (``p`` clean qubits),
    whichever is more.
    """
    regs: list = [QuantumRegister(layout.m, "i")]
    if layout.p:
        regs.append(QuantumRegister(layout.p, "j"))
    if holds_codes(variant):
        regs.append(QuantumRegister(layout.b, "thre"))
    regs += [QuantumRegister(1, "anc"), QuantumRegister(1, "flag"), QuantumRegister(_shift_bits(shifts), "s")]
    regs.append(AncillaRegister(max(work_size(1, variant, mask), layout.p), "work"))
    return QuantumCircuit(*regs, name=name)


def shift_circuit(template: QuantumCircuit, layout: Layout, *, inverse: bool = False) -> QuantumCircuit:
    """``|k>_s|x> -> |k>_s|x - d_k mod N>`` (``inverse``: ``+ d_k``) on the frame of ``template``:
    a ``ModularAdderGate`` adding ``s`` (padded by clean work qubits) to the position bits from
    ``m - log2 S`` up. Name ``"shift"`` / ``"unshift"``."""
    qc = template.copy_empty_like(name="unshift" if inverse else "shift", vars_mode="drop")
    s, x = reg(qc, "s"), reg(qc, "i") + reg(qc, "j")
    high = x[layout.m - len(s):]
    pad = reg(qc, "work")[: len(high) - len(s)]
    adder = ModularAdderGate(len(high))
    qc.append(adder if inverse else adder.inverse(), s + pad + high)
    return qc


def flag_controlled(oracle: QuantumCircuit, qubit_map: dict, target: QuantumCircuit, flag) -> None:
    """Append ``oracle`` to ``target`` (qubits through ``qubit_map``) with every phase gate also
    controlled by ``flag``: with phase pi and H on ``flag`` around it, the oracle's phase on its
    good subspace becomes an X on the flag."""
    for ins in oracle.data:
        qubits = [qubit_map[q] for q in ins.qubits]
        op = ins.operation
        if op.name in ("p", "mcphase"):
            target.append(MCPhaseGate(op.params[0], len(qubits)), qubits + [flag])
        elif op.name.startswith("IntComp"):
            # as its definition: the inverse of A_S would invert IntComp_dg into a bare "IntComp"
            # Gate that high-level synthesis mistakes for an IntegerComparatorGate
            definition = op.definition.copy(name="comparator" + op.name[7:])
            target.append(definition.to_gate(), qubits)
        elif not op.params:
            target.append(op, qubits)
        else:
            raise ValueError(f"cannot control the oracle's {op.name!r} gate on the flag")


def mark_circuit(template: QuantumCircuit, layout: Layout, thresholds: np.ndarray, *, variant: str,
                 mask: str, synthesize_mcx: bool = True) -> QuantumCircuit:
    """``flag ^= [anc = 0 and bin k kept in window j of shift s]`` (name ``"mark"``); in the
    register variant the ``thre`` register is written from ``(s, j)`` around it and erased."""
    qc = template.copy_empty_like(name="mark", vars_mode="drop")
    thresholds = np.asarray(thresholds, dtype=np.int64)
    S = thresholds.shape[0]
    window = reg(qc, "j") + reg(qc, "s")  # the oracle's window index j + P k
    virtual = Layout(layout.m, layout.p + _shift_bits(S), layout.a)
    oracle = oracle_circuit(virtual, thresholds.ravel(), np.pi, variant=variant, mask=mask)
    names = {"i": reg(qc, "i"), "j": window, "thre": reg(qc, "thre"), "anc": reg(qc, "anc"), "work": reg(qc, "work")}
    qubit_map = {q: names[r.name][k] for r in oracle.qregs if r.name in names for k, q in enumerate(r)}
    flag = reg(qc, "flag")[0]
    codes = thresholds.ravel()
    if holds_codes(variant):
        value_setting(qc, window, reg(qc, "thre"), codes, reg(qc, "work"), synthesize_mcx=synthesize_mcx)
    qc.h(flag)
    flag_controlled(oracle, qubit_map, qc, flag)
    qc.h(flag)
    if holds_codes(variant):
        value_setting(qc, window, reg(qc, "thre"), codes, reg(qc, "work"), synthesize_mcx=synthesize_mcx)
    return qc


def weighted_mark_circuit(template: QuantumCircuit, weights: np.ndarray) -> QuantumCircuit:
    r"""``|k, j, s>|0>_anc|0>_flag -> |k, j, s>|0>_anc (sqrt(1 - w^2)|0> + w|1>)_flag`` with
    ``w = weights[s, j, k]`` (name ``"mark"``): one UCRY multiplexor on the flag, controlled by
    ``i, j``, the shift registers (:func:`spin_qubits`) and ``anc`` (angle ``2 arcsin w`` for
    ``anc = 0``, 0 for ``anc = 1``), ``2 S N`` CX. Hard masks are the 0/1 weights; soft weights
    make the good component a weighted filter. 1-D windows and 2-D patches (``k = (ky, kx)``,
    ``s = sx + Sx sy``) alike."""
    qc = template.copy_empty_like(name="mark", vars_mode="drop")
    w = np.clip(np.asarray(weights, float).ravel(), 0.0, 1.0)  # index k + M j + N s
    angles = np.concatenate([2.0 * np.arcsin(w), np.zeros(w.size)])  # anc = 0, then anc = 1
    controls = reg(qc, "i") + reg(qc, "j") + spin_qubits(qc) + reg(qc, "anc")
    qc.append(MultiplexedRY(angles.tolist()), reg(qc, "flag") + controls)
    return qc


def spin_oracle(frame: QuantumCircuit, phase: float = np.pi) -> QuantumCircuit:
    """Phase ``phase`` on ``flag = 1`` and every shift register at 0, appended to the empty
    ``frame`` (named ``"oracle"`` by the caller)."""
    s = spin_qubits(frame)
    pattern_phase(frame, reg(frame, "flag") + s, [1] + [0] * len(s), phase)
    return frame


def spinning_circuit(problem, schedule: Schedule, metadata: dict, *, measure: bool = False,
                     synthesize_mcx: bool = True) -> QuantumCircuit:
    """``A_S`` of a spinning ``problem`` (1-D or 2-D) then the schedule's rounds, with
    ``metadata``. ``measure=True`` reads ``i, j, anc, flag`` and the shift registers into ``meas``
    (integer ``i + M j + N anc + 2 N flag + 4 N s``)."""
    prep = problem.state_preparation(synthesize_mcx=synthesize_mcx)
    qc = problem.frame("qdn")
    qc.append(prep.to_gate(), qc.qubits)
    for alpha, beta in zip(schedule.alphas, schedule.betas):
        qc.append(amplification_round(prep, problem.oracle(beta), alpha).to_gate(), qc.qubits)
    qc.metadata = {"schedule": schedule.name, "iterations": schedule.iterations, "variant": problem.variant,
                   "shifts": problem.shifts, **metadata}
    if measure:
        read = reg(qc, "i") + reg(qc, "j") + reg(qc, "anc") + reg(qc, "flag") + spin_qubits(qc)
        creg = ClassicalRegister(len(read), "meas")
        qc.add_register(creg)
        qc.measure(read, creg)
    return qc


@dataclass(frozen=True)
class SpinningProblem:
    """Amplitude-amplification problem of a cycle-spun 1-D windowed signal.

    ``amplitudes`` ``cos(theta)`` of shape ``(P, M)`` (the unshifted windows); ``thresholds`` the
    cutoffs per (shift, window), shape ``(S, P)``, ``S >= 2`` a power of two ``<= M``. ``weights``
    (compact variant, two-sided mask) are soft per-bin weights ``(S, P, M)`` in [0, 1]
    (:data:`qdn.classical.spinning.WEIGHTS`); None is the hard mask of the cutoffs. The compact
    two-sided mark is a UCRY on the flag (:func:`weighted_mark_circuit`); the register variant and
    the one-sided mask use the comparator oracle (:func:`mark_circuit`).
    """

    layout: Layout
    amplitudes: np.ndarray
    thresholds: np.ndarray
    variant: str = "compact"
    mask: str = "two-sided"
    weights: np.ndarray | None = None
    _cache: dict = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        check_choice("variant", self.variant, VARIANTS)
        if self.layout.ndim != 1:
            raise ValueError("in-circuit cycle spinning is built for 1-D signals; spin images by runs")
        S = np.shape(self.thresholds)[0]
        if np.shape(self.thresholds) != (S, self.layout.P) or S < 2 or S & (S - 1) or S > self.layout.M:
            raise ValueError(f"thresholds must have shape (S, {self.layout.P}) with S a power of two in [2, {self.layout.M}]")
        if np.shape(self.amplitudes) != (self.layout.P, self.layout.M):
            raise ValueError(f"amplitudes must have shape {(self.layout.P, self.layout.M)}")
        if self.weights is not None:
            if holds_codes(self.variant) or self.mask != "two-sided":
                raise ValueError("soft weights need variant='compact' and the two-sided mask")
            if np.shape(self.weights) != (S, self.layout.P, self.layout.M):
                raise ValueError(f"weights must have shape {(S, self.layout.P, self.layout.M)}")
            w = np.asarray(self.weights)
            # the mark weighs QFT outputs (ifft bins), the classical filter fft bins: the same
            # for weights symmetric in k <-> M - k, which keep real signals real
            if not np.allclose(w[..., 1:], w[..., :0:-1]) or w.min() < 0 or w.max() > 1:
                raise ValueError("weights must lie in [0, 1] and be symmetric in k <-> M - k")

    @property
    def uses_multiplexed_mark(self) -> bool:
        """Whether the mark stage is the UCRY of :func:`weighted_mark_circuit`."""
        return not holds_codes(self.variant) and self.mask == "two-sided"

    @property
    def shifts(self) -> int:
        return int(np.shape(self.thresholds)[0])

    @property
    def two_sided(self) -> bool:
        return self.mask != "one-sided"

    def good_amplitudes(self) -> np.ndarray:
        """The good component of ``A_S|0>`` on ``(j, i)``: the cycle-spun projection of the
        amplitudes over ``sqrt(N)``."""
        if "good" not in self._cache:
            c = np.asarray(self.amplitudes, float).ravel()
            if self.weights is None:
                good = spin_projection(c, self.layout.M, self.thresholds, mask=self.mask)
            else:
                good = spin_filter(c, self.layout.M, self.weights)
            self._cache["good"] = good.reshape(self.layout.P, self.layout.M) / np.sqrt(self.layout.N)
        return self._cache["good"]

    @property
    def weight(self) -> float:
        """Marked weight: probability of ``flag = 1, s = 0`` in ``A_S|0>``."""
        g = self.good_amplitudes()
        return float(np.vdot(g, g).real)

    @property
    def num_qubits(self) -> int:
        return self.frame("qdn").num_qubits

    def frame(self, name: str) -> QuantumCircuit:
        return spin_frame(self.layout, self.shifts, self.variant, self.mask, name=name)

    def state_preparation(self, *, synthesize_mcx: bool = True) -> QuantumCircuit:
        """``A_S``, each stage one labelled instruction (``encode``, ``shift``, ``qft``, ``mark``,
        ``iqft``, ``unshift``)."""
        key = ("A", synthesize_mcx)
        if key not in self._cache:
            qc = self.frame("A")
            enc = self.frame("encode")
            amplitude_encoding(enc, 2.0 * np.arccos(np.clip(np.asarray(self.amplitudes).ravel(), -1.0, 1.0)))
            enc.h(reg(enc, "s"))
            qft = append_windowed_qft(self.frame("qft"), self.layout)
            iqft = append_windowed_qft(self.frame("iqft"), self.layout, inverse=True)
            if self.uses_multiplexed_mark:
                weights = mask_weights(self.layout.M, self.thresholds) if self.weights is None else self.weights
                mark = weighted_mark_circuit(qc, weights)
            else:
                mark = mark_circuit(qc, self.layout, self.thresholds, variant=self.variant, mask=self.mask,
                                    synthesize_mcx=synthesize_mcx)
            unspin = self.frame("unspin")
            unspin.h(reg(unspin, "s"))
            for stage in (enc, shift_circuit(qc, self.layout), qft, mark, iqft,
                          shift_circuit(qc, self.layout, inverse=True), unspin):
                qc.append(stage.to_gate(), qc.qubits)
            self._cache[key] = qc
        return self._cache[key]

    def oracle(self, phase: float = np.pi) -> QuantumCircuit:
        """Phase ``phase`` on ``flag = 1, s = 0`` (name ``"oracle"``)."""
        return spin_oracle(self.frame("oracle"), phase)

    def circuit(self, schedule: Schedule, *, measure: bool = False, synthesize_mcx: bool = True) -> QuantumCircuit:
        """:func:`spinning_circuit` of this problem."""
        return spinning_circuit(self, schedule, {"two_sided": self.two_sided, "window": self.layout.M,
                                                 "windows": self.layout.P}, measure=measure,
                                synthesize_mcx=synthesize_mcx)
