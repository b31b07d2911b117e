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
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from qiskit import QuantumCircuit
from qiskit.circuit.library import IntegerComparatorGate

from .gates import pattern_phase
from .comparator import leq_flag, wrap_flag
from .layout import Layout
from .registers import frame, reg
from ..classical.thresholds import max_threshold

__all__ = ["register_oracle", "compact_oracle", "oracle_circuit"]


def register_oracle(layout: Layout, phase: float = np.pi, *, two_sided: bool = True) -> QuantumCircuit:
    """Oracle of the register variant; name ``"oracle"``. Work qubits start and end in 0."""
    qc = frame(layout, "register", two_sided, name="oracle")
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
    layout: Layout, thresholds: Sequence[int], phase: float = np.pi, *, two_sided: bool = True
) -> QuantumCircuit:
    """Oracle of the compact variant; name ``"oracle"``.

    For each distinct cutoff t: ``r1 = [k >= t + 1]`` and (two-sided) ``r2 = [k >= M - t]`` by
    ``IntegerComparatorGate``; the good bins are ``r1 = 0`` or ``r2 = 1`` (disjoint for
    ``t < M/2``); the phase is applied on ``anc = 0`` and ``j`` equal to each window with that
    cutoff (no ``j`` control when the cutoff is shared by every window).
    """
    thresholds = np.asarray(thresholds, dtype=np.int64)
    if thresholds.shape != (layout.P,):
        raise ValueError(f"need {layout.P} thresholds, got shape {thresholds.shape}")
    qc = frame(layout, "compact", two_sided, name="oracle")
    i, j, anc, work = reg(qc, "i"), reg(qc, "j"), reg(qc, "anc")[0], reg(qc, "work")
    t_all = max_threshold(layout.M, two_sided)
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


def oracle_circuit(
    layout: Layout,
    thresholds: Sequence[int] | None = None,
    phase: float = np.pi,
    *,
    variant: str = "register",
    two_sided: bool = True,
) -> QuantumCircuit:
    """Dispatch to :func:`register_oracle` or :func:`compact_oracle`."""
    if variant == "register":
        return register_oracle(layout, phase, two_sided=two_sided)
    if variant == "compact":
        if thresholds is None:
            raise ValueError("the compact oracle needs the per-window thresholds")
        return compact_oracle(layout, thresholds, phase, two_sided=two_sided)
    raise ValueError(f"unknown variant {variant!r}; valid: 'register', 'compact'")
