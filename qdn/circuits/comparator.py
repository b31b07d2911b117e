"""Comparators between two quantum registers, built from a ripple carry chain.

Only the carry-out of an addition is needed to compare, so the chain is the MAJ half of the
Cuccaro–Draper–Kutin–Moulton adder (quant-ph/0410184): MAJ gates carry the running carry through
the ``x`` register, the final carry is copied to a flag, and the MAJ gates are undone. Both
registers and the carry-in ancilla are restored; cost ``2 m`` Toffolis and ``4 m + 1`` CX.

* :func:`carry_flag`:  ``flag ^= [x + y + c_in >= 2**m]``
* :func:`leq_flag`:    ``flag ^= [x <= y]`` (``y + (2**m - 1 - x) + 1 >= 2**m``)
* :func:`wrap_flag`:   ``flag ^= [x + y >= 2**m]``, i.e. ``[2**m - x <= y]`` for ``x > 0``
"""

from __future__ import annotations

from collections.abc import Sequence

from qiskit import QuantumCircuit
from qiskit.circuit import AncillaRegister, QuantumRegister
from ..common.registry import unknown

__all__ = ["carry_flag", "leq_flag", "wrap_flag", "comparator_circuit"]


def _maj(qc: QuantumCircuit, c, b, a) -> None:
    qc.cx(a, b)
    qc.cx(a, c)
    qc.ccx(c, b, a)


def _maj_inverse(qc: QuantumCircuit, c, b, a) -> None:
    qc.ccx(c, b, a)
    qc.cx(a, c)
    qc.cx(a, b)


def carry_flag(qc: QuantumCircuit, x: Sequence, y: Sequence, carry_in, flag) -> None:
    """Append ``flag ^= carry_out(x + y + carry_in)``; ``x``, ``y``, ``carry_in`` are restored."""
    if len(x) != len(y) or not x:
        raise ValueError("x and y must be non-empty registers of equal width")
    chain = [carry_in] + list(x)
    for idx in range(len(x)):
        _maj(qc, chain[idx], y[idx], x[idx])
    qc.cx(x[-1], flag)
    for idx in reversed(range(len(x))):
        _maj_inverse(qc, chain[idx], y[idx], x[idx])


def leq_flag(qc: QuantumCircuit, x: Sequence, y: Sequence, carry_in, flag) -> None:
    """Append ``flag ^= [x <= y]`` (unsigned, equal widths); ``carry_in`` must start in 0."""
    qc.x(list(x) + [carry_in])
    carry_flag(qc, x, y, carry_in, flag)
    qc.x(list(x) + [carry_in])


def wrap_flag(qc: QuantumCircuit, x: Sequence, y: Sequence, carry_in, flag) -> None:
    """Append ``flag ^= [x + y >= 2**m]``; ``carry_in`` must start in 0."""
    carry_flag(qc, x, y, carry_in, flag)


def comparator_circuit(num_bits: int, kind: str = "leq") -> QuantumCircuit:
    """Stand-alone comparator on registers ``x``, ``y``, ``flag`` and one ancilla ``cin``.

    ``kind`` is ``"leq"`` (``[x <= y]``) or ``"wrap"`` (``[x + y >= 2**m]``).
    """
    x, y = QuantumRegister(num_bits, "x"), QuantumRegister(num_bits, "y")
    flag, cin = QuantumRegister(1, "flag"), AncillaRegister(1, "cin")
    qc = QuantumCircuit(x, y, flag, cin, name=f"cmp_{kind}")
    if kind == "leq":
        leq_flag(qc, list(x), list(y), cin[0], flag[0])
    elif kind == "wrap":
        wrap_flag(qc, list(x), list(y), cin[0], flag[0])
    else:
        raise ValueError(unknown("comparator kind", kind, ("leq", "wrap")))
    return qc
