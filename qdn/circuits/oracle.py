r"""Stage 3a, the *oracle*: a phase on the good subspace.

.. math::

    O(\varphi) = I + (e^{i\varphi} - 1)\,\Pi_{good},\qquad
    \Pi_{good} = |0\rangle\langle 0|_{anc} \otimes
        \sum_{\min(k, M-k) \le \tau} |k\rangle\langle k|_I \otimes |\tau\rangle\langle\tau|_{thre}

(one-sided option: ``k <= tau``). Postselection on ``anc = 0`` is folded into the marking, so
amplitude amplification removes the ``anc = 1`` branch and the high frequencies together
(shared/DESIGN.md §1). ``varphi = pi`` is the paper's oracle.

* :func:`register_oracle` compares ``i`` with the ``thre`` register through two carry chains
  (``[k <= tau]`` and ``[k + tau >= M]``), combines the flags by inclusion–exclusion of phases,
  and uncomputes the flags.
* :func:`compact_oracle` has no ``thre`` register: it compares ``i`` against each distinct
  classical cutoff with ``IntegerComparatorGate`` and applies the phase controlled by ``j``.
* 2-D patches (``i`` = column bits then row bits, ``d(k) = min(k, M - k)`` per axis):
  :func:`separable_register_oracle` / :func:`separable_compact_oracle` mark
  ``max(d(kx), d(ky)) <= tau`` (a square low-pass) and :func:`radial_compact_oracle`
  ``d(kx)**2 + d(ky)**2 <= tau**2`` (a disc; compact variant only).

:data:`ORACLES` maps (window dimensions, variant, mask) to the builder;
:func:`oracle_circuit` looks it up.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from qiskit import QuantumCircuit
from qiskit.circuit.library import DiagonalGate, IntegerComparatorGate

from .gates import controlled_x_on_value, pattern_phase
from .comparator import leq_flag, wrap_flag
from .layout import Layout, holds_codes
from .registers import frame, reg
from ..classical.thresholds import frequency_mask, max_threshold
from ..common.registry import unknown

__all__ = [
    "ORACLES",
    "register_oracle",
    "compact_oracle",
    "separable_register_oracle",
    "separable_compact_oracle",
    "radial_compact_oracle",
    "oracle_circuit",
]


def register_oracle(layout: Layout, thresholds=None, phase: float = np.pi, *, mask: str = "two-sided") -> QuantumCircuit:
    """Oracle of the register variant; name ``"oracle"``. Work qubits start and end in 0."""
    two_sided = mask == "two-sided"
    qc = frame(layout, "register", mask, name="oracle")
    i, thre, anc, work = reg(qc, "i"), reg(qc, "thre"), reg(qc, "anc")[0], reg(qc, "work")
    cin, f_low = work[0], work[1]

    compute = qc.copy_empty_like()
    leq_flag(compute, i, thre, cin, f_low)  # k <= tau
    if two_sided:
        wrap_flag(compute, i, thre, cin, work[2])  # M - k <= tau (k > 0; false at k = 0)
    qc.compose(compute, inplace=True)
    pattern_phase(qc, [anc, f_low], [0, 1], phase)
    if two_sided:
        # both flags hold only when tau >= M/2; the union gets the phase exactly once
        pattern_phase(qc, [anc, work[2]], [0, 1], phase)
        pattern_phase(qc, [anc, f_low, work[2]], [0, 1, 1], -phase)
    qc.compose(compute.inverse(), inplace=True)
    return qc


def compact_oracle(
    layout: Layout, thresholds: Sequence[int], phase: float = np.pi, *, mask: str = "two-sided"
) -> QuantumCircuit:
    """Oracle of the compact variant; name ``"oracle"``.

    For each distinct cutoff t: ``r1 = [k >= t + 1]`` and (two-sided) ``r2 = [k >= M - t]`` by
    ``IntegerComparatorGate``; the good bins are ``r1 = 0`` or ``r2 = 1`` (disjoint for
    ``t < M/2``); the phase is applied on ``anc = 0`` and ``j`` equal to each window with that
    cutoff (no ``j`` control when the cutoff is shared by every window).
    """
    two_sided = mask == "two-sided"
    qc = frame(layout, "compact", mask, name="oracle")
    i, j, anc, work = reg(qc, "i"), reg(qc, "j"), reg(qc, "anc")[0], reg(qc, "work")
    t_all = max_threshold(layout.M, mask)
    for t in np.unique(thresholds):
        windows = np.flatnonzero(thresholds == t)
        select = [[]] if len(windows) == layout.P else [
            [(jv >> bit) & 1 for bit in range(layout.p)] for jv in windows
        ]
        ctrl = [] if len(windows) == layout.P else j
        if t >= t_all:  # every bin kept
            for bits in select:
                pattern_phase(qc, [anc, *ctrl], [0, *bits], phase)
            continue
        compute = qc.copy_empty_like()
        compute.append(IntegerComparatorGate(layout.m, int(t) + 1, geq=True), i + [work[0]])
        if two_sided:
            compute.append(IntegerComparatorGate(layout.m, layout.M - int(t), geq=True), i + [work[1]])
        qc.compose(compute, inplace=True)
        for bits in select:
            pattern_phase(qc, [anc, *ctrl, work[0]], [0, *bits, 0], phase)
            if two_sided:
                pattern_phase(qc, [anc, *ctrl, work[1]], [0, *bits, 1], phase)
        qc.compose(compute.inverse(), inplace=True)
    return qc


def separable_register_oracle(layout: Layout, thresholds=None, phase: float = np.pi, *, mask: str = "separable") -> QuantumCircuit:
    """2-D register oracle, ``max(d(kx), d(ky)) <= tau_j`` against the ``thre`` register: per axis
    ``[k <= tau]`` and ``[k + tau >= M]`` by carry chains, four flags combined by
    inclusion-exclusion of phases."""
    qc = frame(layout, "register", "separable", name="oracle")
    i, thre, anc, work = reg(qc, "i"), reg(qc, "thre"), reg(qc, "anc")[0], reg(qc, "work")
    kx, ky = i[: layout.b], i[layout.b :]
    cin, lx, wx, ly, wy = work
    compute = qc.copy_empty_like()
    leq_flag(compute, kx, thre, cin, lx)  # kx <= tau
    wrap_flag(compute, kx, thre, cin, wx)  # kx + tau >= M, i.e. M - kx <= tau (false at kx = 0)
    leq_flag(compute, ky, thre, cin, ly)
    wrap_flag(compute, ky, thre, cin, wy)
    qc.compose(compute, inplace=True)
    # [(lx or wx) and (ly or wy)] = sum of signed products (lx or wx = lx + wx - lx wx)
    terms_x = (([lx], 1), ([wx], 1), ([lx, wx], -1))
    terms_y = (([ly], 1), ([wy], 1), ([ly, wy], -1))
    for fx, sx in terms_x:
        for fy, sy in terms_y:
            flags = fx + fy
            pattern_phase(qc, [anc, *flags], [0] + [1] * len(flags), sx * sy * phase)
    qc.compose(compute.inverse(), inplace=True)
    return qc


def window_selections(layout: Layout, thresholds: np.ndarray, t: int):
    """Bit patterns of ``j`` for the windows with cutoff ``t`` (``[[]], False`` when every window has it)."""
    windows = np.flatnonzero(thresholds == t)
    if len(windows) == layout.P:
        return [[]], False
    return [[(int(jv) >> bit) & 1 for bit in range(layout.p)] for jv in windows], True


def separable_compact_oracle(layout: Layout, thresholds, phase: float = np.pi, *, mask: str = "separable") -> QuantumCircuit:
    """2-D compact oracle, ``max(d(kx), d(ky)) <= t`` per distinct cutoff ``t`` by
    ``IntegerComparatorGate`` on each axis, the phase controlled by the patches with that cutoff."""
    qc = frame(layout, "compact", "separable", name="oracle")
    i, j, anc, work = reg(qc, "i"), reg(qc, "j"), reg(qc, "anc")[0], reg(qc, "work")
    kx, ky = i[: layout.b], i[layout.b :]
    M = layout.side
    for t in np.unique(thresholds):
        select, use_j = window_selections(layout, thresholds, t)
        ctrl = j if use_j else []
        if t >= max_threshold(M, "separable", 2):
            for bits in select:
                pattern_phase(qc, [anc, *ctrl], [0, *bits], phase)
            continue
        compute = qc.copy_empty_like()
        # r1 = [k >= t + 1], r2 = [k >= M - t]; kept along an axis: r1 = 0 or r2 = 1 (disjoint)
        compute.append(IntegerComparatorGate(layout.b, int(t) + 1, geq=True), kx + [work[0]])
        compute.append(IntegerComparatorGate(layout.b, M - int(t), geq=True), kx + [work[1]])
        compute.append(IntegerComparatorGate(layout.b, int(t) + 1, geq=True), ky + [work[2]])
        compute.append(IntegerComparatorGate(layout.b, M - int(t), geq=True), ky + [work[3]])
        qc.compose(compute, inplace=True)
        for bits in select:
            for qx, vx in ((work[0], 0), (work[1], 1)):
                for qy, vy in ((work[2], 0), (work[3], 1)):
                    pattern_phase(qc, [anc, *ctrl, qx, qy], [0, *bits, vx, vy], phase)
        qc.compose(compute.inverse(), inplace=True)
    return qc


def radial_compact_oracle(layout: Layout, thresholds, phase: float = np.pi, *, mask: str = "radial") -> QuantumCircuit:
    """2-D compact radial oracle, ``d(kx)**2 + d(ky)**2 <= t**2``: per distinct cutoff a flag
    ``[anc = 0 and j in windows(t)]`` and a ``DiagonalGate`` (a truth table of ``2 M**2`` phases)
    over the frequency qubits and the flag."""
    qc = frame(layout, "compact", "radial", name="oracle")
    i, j, anc, flag = reg(qc, "i"), reg(qc, "j"), reg(qc, "anc")[0], reg(qc, "work")[0]
    M = layout.side
    for t in np.unique(thresholds):
        select, use_j = window_selections(layout, thresholds, t)
        ctrl = j if use_j else []
        if t >= max_threshold(M, "radial", 2):
            for bits in select:
                pattern_phase(qc, [anc, *ctrl], [0, *bits], phase)
            continue
        compute = qc.copy_empty_like()
        for bits in select:  # flag = [anc = 0 and j in windows(t)] (disjoint patterns: XOR = OR)
            value = sum(bit << (k + 1) for k, bit in enumerate(bits))
            controlled_x_on_value(compute, [anc, *ctrl], value, flag)
        qc.compose(compute, inplace=True)
        kept = frequency_mask(M, int(t), "radial", 2)  # [ky, kx] -> index kx + M*ky of i
        diag = np.ones(2 * M * M, complex)
        diag[M * M :] = np.where(kept.ravel(), np.exp(1j * phase), 1.0)
        qc.append(DiagonalGate(diag.tolist()), i + [flag])
        qc.compose(compute.inverse(), inplace=True)
    return qc


ORACLES = {
    (1, "register", "two-sided"): register_oracle,
    (1, "register", "one-sided"): register_oracle,
    (1, "compact", "two-sided"): compact_oracle,
    (1, "compact", "one-sided"): compact_oracle,
    (2, "register", "separable"): separable_register_oracle,
    (2, "compact", "separable"): separable_compact_oracle,
    (2, "compact", "radial"): radial_compact_oracle,
}


def oracle_circuit(
    layout: Layout,
    thresholds: Sequence[int] | None = None,
    phase: float = np.pi,
    *,
    variant: str = "register",
    mask: str = "two-sided",
) -> QuantumCircuit:
    """Oracle ``I + (e^{i phase} - 1) Pi_good`` (circuit name ``"oracle"``) from :data:`ORACLES`.

    The compact variants need the per-window ``thresholds`` (shape ``(P,)`` or the window grid's);
    the register variants read them from the ``thre`` register.
    """
    if layout.ndim > 1 and mask == "two-sided":
        mask = "separable"
    key = (layout.ndim, variant, mask)
    if key not in ORACLES:
        from .layout import work_size

        work_size(*key)  # raises the message that names the problem
        raise ValueError(unknown("oracle", key, ORACLES))
    if not holds_codes(variant):
        if thresholds is None:
            raise ValueError(f"the compact oracle needs the per-{'window' if layout.ndim == 1 else 'patch'} thresholds")
        thresholds = np.asarray(thresholds, dtype=np.int64).ravel()
        if thresholds.shape != (layout.P,):
            raise ValueError(f"need {layout.P} thresholds, got {thresholds.size}")
    return ORACLES[key](layout, thresholds, phase, mask=mask)
