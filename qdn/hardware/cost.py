"""Counting circuits: qubits, depth, 2-qubit gates, and the stages of a qdn circuit.

:func:`circuit_counts` counts a circuit as it stands (no lowering): it is the one counter of the
package, used for the ISA circuits of :mod:`qdn.hardware.reports` and, after its own lowerings,
by :func:`qdn.hardware.resources.circuit_cost`. Barriers and other directives are not
operations; ``measure``, ``delay`` and ``reset`` are never 2-qubit gates.
:func:`split_stages` cuts a qdn circuit into its top-level stages (:data:`STAGE_NAMES`).
"""

from __future__ import annotations

from dataclasses import dataclass

from qiskit import QuantumCircuit

__all__ = [
    "STAGE_NAMES",
    "CircuitCounts",
    "circuit_counts",
    "is_operation",
    "is_two_qubit_gate",
    "qubit_indices",
    "split_stages",
]

#: Top-level instructions of :func:`qdn.circuits.problem.build_circuit`, in order (the flag
#: schedules have no ``amplify`` rounds, or one for ``"grover-1"``, and a ``mark`` before ``iqft``).
STAGE_NAMES = ("encode", "qft", "amplify", "iqft")


@dataclass(frozen=True)
class CircuitCounts:
    """Size of one (ISA) circuit.

    Attributes
    ----------
    qubits : int
        Qubits carrying at least one operation.
    depth : int
    two_qubit : int
        Number of 2-qubit gates.
    two_qubit_depth : int
        Depth counting only 2-qubit gates.
    size : int
        Number of operations (barriers excluded).
    """

    qubits: int
    depth: int
    two_qubit: int
    two_qubit_depth: int
    size: int


def is_operation(ins) -> bool:
    """Whether the circuit instruction ``ins`` acts (not a barrier or another directive)."""
    return not getattr(ins.operation, "_directive", False) and ins.operation.name != "barrier"


def is_two_qubit_gate(ins) -> bool:
    """Whether ``ins`` is a gate on two qubits (not a directive, ``measure``, ``delay`` or ``reset``)."""
    return is_operation(ins) and len(ins.qubits) == 2 and ins.operation.name not in ("measure", "delay", "reset")


def qubit_indices(circuit: QuantumCircuit, qubits) -> tuple[int, ...]:
    """Indices in ``circuit`` of ``qubits`` (for an ISA circuit: the physical qubits)."""
    return tuple(circuit.find_bit(q).index for q in qubits)


def circuit_counts(circuit: QuantumCircuit) -> CircuitCounts:
    """Count ``circuit`` as it stands (no lowering)."""
    ops = [ins for ins in circuit.data if is_operation(ins)]
    return CircuitCounts(
        qubits=len({q for ins in ops for q in ins.qubits}),
        depth=circuit.depth(),
        two_qubit=sum(1 for ins in ops if is_two_qubit_gate(ins)),
        two_qubit_depth=circuit.depth(filter_function=is_two_qubit_gate),
        size=len(ops),
    )


def split_stages(circuit: QuantumCircuit) -> dict[str, QuantumCircuit]:
    """The top-level stages of a qdn circuit, each as a circuit on the same qubits.

    Instructions with the same name are grouped (every ``amplify`` round in one circuit);
    measurements and barriers are left out.
    """
    out: dict[str, QuantumCircuit] = {}
    for ins in circuit.data:
        name = ins.operation.name
        if name in ("measure", "barrier"):
            continue
        if name not in out:
            out[name] = QuantumCircuit(circuit.qubits, name=name)
        out[name].append(ins.operation, ins.qubits)
    return out
