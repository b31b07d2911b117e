"""The named registers every qdn circuit is built on, in one fixed order."""

from __future__ import annotations

from qiskit import QuantumCircuit
from qiskit.circuit import AncillaRegister, QuantumRegister

from .layout import Layout, holds_codes, work_size

__all__ = ["frame", "reg", "reflection_qubits"]


def frame(layout: Layout, variant: str = "register", mask: str = "two-sided", name: str = "qdn") -> QuantumCircuit:
    """An empty circuit with registers ``i, [mean], j, [thre], anc, work`` (little-endian order).

    ``i`` has ``layout.m`` qubits (for 2-D patches: the column bits, then the row bits); the
    compact variant has no ``mean``/``thre`` registers; with ``p = 0`` the ``j`` register is
    absent (a single window); ``work`` has :func:`~qdn.circuits.layout.work_size` qubits.
    """
    regs: list = [QuantumRegister(layout.m, "i")]
    if holds_codes(variant):
        regs.append(QuantumRegister(layout.a, "mean"))
    if layout.p:
        regs.append(QuantumRegister(layout.p, "j"))
    if holds_codes(variant):
        regs.append(QuantumRegister(layout.b, "thre"))
    regs.append(QuantumRegister(1, "anc"))
    regs.append(AncillaRegister(work_size(layout.ndim, variant, mask), "work"))
    return QuantumCircuit(*regs, name=name)


def reg(qc: QuantumCircuit, name: str) -> list:
    """The qubits of register ``name`` (empty list when the register is absent, e.g. ``j`` at p=0)."""
    for r in qc.qregs:
        if r.name == name:
            return list(r)
    return []


def reflection_qubits(qc: QuantumCircuit) -> list:
    """Qubits the state preparation acts on: everything except the comparator's work qubits."""
    return [q for r in qc.qregs if r.name != "work" for q in r]
