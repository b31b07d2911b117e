"""Small gate helpers shared by the circuit builders."""

from __future__ import annotations

from collections.abc import Sequence

from qiskit import QuantumCircuit

__all__ = ["pattern_phase", "controlled_x_on_value"]


def pattern_phase(qc: QuantumCircuit, qubits: Sequence, pattern: Sequence[int], phase: float) -> None:
    """Multiply by ``exp(i phase)`` the basis states whose ``qubits`` read ``pattern``.

    Zeros in the pattern are conjugated by X; the rest is one multi-controlled phase, which is
    symmetric in its qubits.
    """
    if len(qubits) != len(pattern) or not qubits:
        raise ValueError("pattern must give one bit per qubit (at least one)")
    flips = [q for q, bit in zip(qubits, pattern) if not bit]
    if flips:
        qc.x(flips)
    if len(qubits) == 1:
        qc.p(phase, qubits[0])
    else:
        qc.mcp(phase, list(qubits[:-1]), qubits[-1])
    if flips:
        qc.x(flips)


def controlled_x_on_value(qc: QuantumCircuit, controls: Sequence, value: int, target) -> None:
    """Flip ``target`` when the little-endian ``controls`` hold the integer ``value``."""
    if not controls:
        qc.x(target)
    else:
        qc.mcx(list(controls), target, ctrl_state=value)
