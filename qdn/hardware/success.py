"""Expected success probability of an ISA circuit from the errors its backend reports.

:func:`estimate_success` multiplies ``1 - error`` over the gates and measured qubits of the
circuit and an idle factor per qubit (:mod:`qdn.hardware.error_model`); the placement of
:func:`qdn.hardware.prepare` maximises the same estimate.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from qiskit import QuantumCircuit

from .cost import is_operation, qubit_indices
from .error_model import Timeline, instruction_properties, log_survival, qubit_log_idle

__all__ = ["SuccessEstimate", "estimate_success"]


@dataclass(frozen=True)
class SuccessEstimate:
    """Expected probability that a shot of an ISA circuit runs without any error.

    ``gates`` and ``readout`` are the products of ``1 - error`` the backend reports for each gate
    of the circuit and for each measured qubit (the usual "estimated success probability" of
    error-aware compilation). ``idle`` adds decoherence while a qubit waits between its first and
    last operation: per qubit ``(1 + exp(-t/T1) + 2 exp(-t/T2)) / 4``, the probability that the
    Pauli-twirled thermal-relaxation channel of duration ``t`` applies no error (gate errors
    already include decoherence during the gates). ``total`` is the product of the three.

    Attributes
    ----------
    gates, readout, idle : float
    duration : float or None
        Scheduled (ASAP) length of the circuit in seconds, when the target gives durations.
    """

    gates: float
    readout: float
    idle: float
    duration: float | None

    @property
    def total(self) -> float:
        return self.gates * self.readout * self.idle

    @property
    def gates_readout(self) -> float:
        return self.gates * self.readout


def estimate_success(circuit: QuantumCircuit, backend) -> SuccessEstimate:
    """:class:`SuccessEstimate` of an ISA ``circuit`` from ``backend.target``'s errors.

    Missing errors (``None``, e.g. ``reset`` or an ideal simulator) count as 0; ``rz`` is virtual
    (error 0). The schedule is ASAP with the target's durations; a qubit's idle time is the time
    between its first and its last gate not spent in gates (before its first gate it is in |0>,
    and the measurements are taken as aligned at the end). T1/T2 come from
    ``target.qubit_properties``; without durations or T1/T2 the idle factor is 1.

    Raises ``ValueError`` for an instruction the target does not offer on its qubits (the
    circuit is not ISA: transpile it with :func:`qdn.hardware.prepare` first).
    """
    target = backend.target
    log_g = log_r = 0.0
    timeline = Timeline()
    durations = True
    for ins in circuit.data:
        if not is_operation(ins):
            continue
        name = ins.operation.name
        qargs = qubit_indices(circuit, ins.qubits)
        props = instruction_properties(target, name, qargs, strict=True)
        if props is None or props.duration is None:
            durations, dur = False, 0.0
        else:
            dur = float(props.duration)
        if name == "measure":
            log_r += log_survival(None if props is None else props.error)
        else:
            log_g += log_survival(None if props is None else props.error)
        timeline.add(qargs, dur, gate=name != "measure")
    log_i = 0.0
    if durations:
        for q, idle in timeline.idle().items():
            log_i += qubit_log_idle(target, q, idle)
    duration = timeline.duration if (timeline.free and durations) else None
    return SuccessEstimate(math.exp(log_g), math.exp(log_r), math.exp(log_i), duration)
