r"""Stages 2 and 4: the windowed QFT and its inverse, one ``QFTGate`` per window axis on ``i``.

.. math:: F_M |i\rangle = \frac{1}{\sqrt{M}} \sum_k e^{2\pi i\, ik/M} |k\rangle

acting on ``i`` alone applies the same M-point transform to all P windows at once (the ``j``
register is untouched). For a window's amplitude vector ``x`` the result is
``sqrt(M) * numpy.fft.ifft(x)``. For 2-D patches one ``QFTGate(m/2)`` acts on the column bits
and one on the row bits of ``i``: on a patch ``x`` (rows ``iy``, columns ``ix``) that is
``M * numpy.fft.ifft2(x)`` with ``M`` the patch side.
"""

from __future__ import annotations

from qiskit import QuantumCircuit
from qiskit.circuit.library import QFTGate

from .layout import Layout
from .registers import frame, reg

__all__ = ["windowed_qft", "append_windowed_qft"]


def append_windowed_qft(qc: QuantumCircuit, layout: Layout, *, inverse: bool = False) -> QuantumCircuit:
    """Append the QFT (or inverse QFT) on each axis of ``qc``'s ``i`` register; returns ``qc``."""
    i = reg(qc, "i")
    k = layout.m // layout.ndim
    gate = QFTGate(k)
    gate = gate.inverse() if inverse else gate
    for axis in range(layout.ndim):
        qc.append(gate, i[axis * k : (axis + 1) * k])
    return qc


def windowed_qft(layout: Layout, *, inverse: bool = False, variant: str = "register", mask: str = "two-sided") -> QuantumCircuit:
    """QFT (or inverse QFT) on each axis of the ``i`` register; circuit name ``"qft"`` or ``"iqft"``."""
    return append_windowed_qft(frame(layout, variant, mask, name="iqft" if inverse else "qft"), layout, inverse=inverse)
