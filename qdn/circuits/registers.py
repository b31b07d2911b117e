"""The named registers every qdn circuit is built on, in one fixed order."""

from __future__ import annotations

from qiskit import QuantumCircuit
from qiskit.circuit import AncillaRegister, QuantumRegister

from .layout import Layout

__all__ = ["VARIANTS", "frame", "work_size", "reflection_qubits"]

VARIANTS = ("register", "compact")


def work_size(variant: str, two_sided: bool) -> int:
    """Comparator work qubits: register variant uses a carry-in and one flag per spectrum side;
    the compact variant one comparator result per side."""
    if variant == "register":
        return 3 if two_sided else 2
    if variant == "compact":
        return 2 if two_sided else 1
    raise ValueError(f"unknown variant {variant!r}; valid: {', '.join(map(repr, VARIANTS))}")


def frame(layout: Layout, variant: str = "register", two_sided: bool = True, name: str = "qdn") -> QuantumCircuit:
    """An empty circuit with registers ``i, [mean], j, [thre], anc, work`` (little-endian order).

    The compact variant has no ``mean``/``thre`` registers. With ``p = 0`` the ``j`` register is
    absent (a single window).
    """
    regs: list = [QuantumRegister(layout.m, "i")]
    if variant == "register":
        regs.append(QuantumRegister(layout.a, "mean"))
    if layout.p:
        regs.append(QuantumRegister(layout.p, "j"))
    if variant == "register":
        regs.append(QuantumRegister(layout.b, "thre"))
    regs.append(QuantumRegister(1, "anc"))
    regs.append(AncillaRegister(work_size(variant, two_sided), "work"))
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
