"""The error model shared by the success estimate and the placement of ISA circuits.

The estimated success probability of a circuit on a backend (:func:`qdn.hardware.estimate_success`,
and the placement score of :mod:`qdn.hardware.placement`) is a product over its operations of
``1 - error`` as ``backend.target`` reports it, times an idle factor per qubit. This module holds
the pieces both compute it from:

* :func:`instruction_properties`: what the target reports for one instruction on given qubits.
  With ``strict=True`` (the estimate of a circuit that must already be ISA) an instruction the
  target does not offer there is an error; with ``strict=False`` (the placement, which rejects
  unoffered placements itself) it simply has no properties.
* :func:`log_survival`: ``log(1 - error)``, a missing error counting as 0.
* :func:`log_idle_factor` and :func:`qubit_log_idle`: decoherence while a qubit waits, the
  no-error probability ``(1 + exp(-t/T1) + 2 exp(-t/T2)) / 4`` of the Pauli-twirled thermal
  relaxation channel of duration ``t``.
* :class:`Timeline`: the ASAP schedule that gives each qubit's idle time.
"""

from __future__ import annotations

import math

from qiskit.transpiler import Target

__all__ = ["instruction_properties", "log_survival", "log_idle_factor", "qubit_log_idle", "Timeline"]


def instruction_properties(target: Target, name: str, qargs: tuple[int, ...], *, strict: bool = False):
    """The ``InstructionProperties`` ``target`` reports for ``name`` on ``qargs`` (the global
    entry of an ideal simulator when there is no entry for ``qargs``), or ``None``.

    ``None`` also when the target has the instruction without properties. An instruction the
    target does not have, or does not offer on ``qargs``, raises ``ValueError`` (the circuit was
    not transpiled for it) with ``strict``, and gives ``None`` without.
    """
    if name not in target.operation_names:
        if strict:
            raise ValueError(
                f"{name} is not an instruction of the target: transpile the circuit first (qdn.hardware.prepare)"
            )
        return None
    mapping = target[name]
    if mapping is None:
        return None
    if qargs in mapping:
        return mapping[qargs]
    if None in mapping:  # global instruction (ideal simulators)
        return mapping[None]
    if strict:
        raise ValueError(f"{name} on qubits {qargs} is not in the target: transpile the circuit first")
    return None


def log_survival(error: float | None) -> float:
    """``log(1 - error)``: ``0`` for a missing error (``None``), ``-inf`` for an error of 1 or more."""
    error = 0.0 if error is None else float(error)
    return -math.inf if error >= 1.0 else math.log1p(-error)


def log_idle_factor(idle: float, t1: float, t2: float) -> float:
    """``log`` of the no-error probability of the Pauli-twirled thermal relaxation of ``idle``."""
    return math.log((1.0 + math.exp(-idle / t1) + 2.0 * math.exp(-idle / t2)) / 4.0)


def qubit_log_idle(target: Target, qubit: int, idle: float) -> float:
    """:func:`log_idle_factor` of physical ``qubit`` idling ``idle`` seconds, with the T1 and T2
    of ``target.qubit_properties``; ``0`` when the target does not report both."""
    qprops = getattr(target, "qubit_properties", None) or []
    props = qprops[qubit] if qubit < len(qprops) else None
    t1, t2 = getattr(props, "t1", None), getattr(props, "t2", None)
    return log_idle_factor(idle, t1, t2) if t1 and t2 else 0.0


class Timeline:
    """ASAP schedule built gate by gate: per qubit, the start of its first gate, the end of its
    last one and the time spent in gates (measurements only advance the clock)."""

    def __init__(self) -> None:
        self.free: dict[int, float] = {}
        self.first: dict[int, float] = {}
        self.last: dict[int, float] = {}
        self.busy: dict[int, float] = {}

    def add(self, qargs: tuple[int, ...], duration: float, *, gate: bool = True) -> None:
        start = max(self.free.get(q, 0.0) for q in qargs)
        for q in qargs:
            self.free[q] = start + duration
            if gate:
                self.first.setdefault(q, start)
                self.last[q] = start + duration
                self.busy[q] = self.busy.get(q, 0.0) + duration

    def idle(self) -> dict[int, float]:
        """Time between each qubit's first and last gate not spent in gates."""
        return {q: max(0.0, self.last[q] - t - self.busy[q]) for q, t in self.first.items()}

    @property
    def duration(self) -> float:
        return max(self.free.values(), default=0.0)
