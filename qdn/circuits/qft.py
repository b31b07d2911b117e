r"""Stages 2 and 4: the windowed QFT and its inverse, one m-qubit ``QFTGate`` on ``i``.

.. math:: F_M |i\rangle = \frac{1}{\sqrt{M}} \sum_k e^{2\pi i\, ik/M} |k\rangle

acting on ``i`` alone applies the same M-point transform to all P windows at once (the ``j``
register is untouched). For a window's amplitude vector ``x`` the result is
``sqrt(M) * numpy.fft.ifft(x)``.
"""

from __future__ import annotations

from qiskit import QuantumCircuit
from qiskit.circuit.library import QFTGate

from .layout import Layout
from .registers import frame, reg

__all__ = ["windowed_qft"]


def windowed_qft(layout: Layout, *, inverse: bool = False, variant: str = "register", two_sided: bool = True) -> QuantumCircuit:
    """QFT (or inverse QFT) on the ``i`` register; circuit name ``"qft"`` or ``"iqft"``."""
    qc = frame(layout, variant, two_sided, name="iqft" if inverse else "qft")
    gate = QFTGate(layout.m)
    qc.append(gate.inverse() if inverse else gate, reg(qc, "i"))
    return qc
