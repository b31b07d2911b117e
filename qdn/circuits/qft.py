r"""Stages 2 and 4: the windowed QFT and its inverse, one ``QFTGate`` per window axis on ``i``.

.. math:: F_M |i\rangle = \frac{1}{\sqrt{M}} \sum_k e^{2\pi i\, ik/M} |k\rangle

acting on ``i`` alone applies the same M-point transform to all P windows at once (the ``j``
register is untouched). For a window's amplitude vector ``x`` the result is
``sqrt(M) * numpy.fft.ifft(x)``. For 2-D patches one ``QFTGate(m/2)`` acts on the column bits
and one on the row bits of ``i``: on a patch ``x`` (rows ``iy``, columns ``ix``) that is
``M * numpy.fft.ifft2(x)`` with ``M`` the patch side.

``degree`` > 0 (1-D, issue 21) takes Coppersmith's approximate QFT instead
(:func:`qiskit.synthesis.synth_qft_full` with ``approximation_degree``: the controlled phases
``2 pi / 2**k`` with ``k > m - degree`` are dropped; D. Coppersmith, "An approximate Fourier
transform useful in quantum factoring", IBM RC19642 (1994)). :func:`window_transform` is its
matrix, which the emulator and the marked weight use in place of the FFT.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from qiskit import QuantumCircuit
from qiskit.circuit.library import QFTGate
from qiskit.quantum_info import Operator
from qiskit.synthesis import synth_qft_full

from .layout import Layout
from .registers import frame, reg

__all__ = ["windowed_qft", "append_windowed_qft", "approximate_qft", "window_transform"]


def approximate_qft(num_qubits: int, degree: int) -> QuantumCircuit:
    """Coppersmith's approximate QFT on ``num_qubits`` (degree 0: the exact QFT), name ``"aqft"``."""
    if isinstance(degree, bool) or not isinstance(degree, (int, np.integer)) or not 0 <= degree < max(1, num_qubits):
        raise ValueError(f"QFT approximation degree must be an integer in [0, {max(0, num_qubits - 1)}], got {degree!r}")
    return synth_qft_full(num_qubits, approximation_degree=int(degree), name="aqft")


@lru_cache(maxsize=64)
def window_transform(num_qubits: int, degree: int = 0) -> np.ndarray:
    """The ``M x M`` matrix of :func:`approximate_qft` (degree 0: ``sqrt(M) * ifft``), read-only."""
    mat = Operator(approximate_qft(num_qubits, degree)).data
    mat.setflags(write=False)
    return mat


def append_windowed_qft(qc: QuantumCircuit, layout: Layout, *, inverse: bool = False, degree: int = 0) -> QuantumCircuit:
    """Append the QFT (or inverse QFT) on each axis of ``qc``'s ``i`` register; returns ``qc``.
    ``degree`` > 0: the approximate QFT (1-D)."""
    i = reg(qc, "i")
    k = layout.m // layout.ndim
    if degree and layout.ndim > 1:
        raise ValueError("the approximate QFT is for 1-D windows only")
    gate = approximate_qft(k, degree).to_gate() if degree else QFTGate(k)
    gate = gate.inverse() if inverse else gate
    for axis in range(layout.ndim):
        qc.append(gate, i[axis * k : (axis + 1) * k])
    return qc


def windowed_qft(layout: Layout, *, inverse: bool = False, variant: str = "register", mask: str = "two-sided",
                 degree: int = 0) -> QuantumCircuit:
    """QFT (or inverse QFT) on each axis of the ``i`` register; circuit name ``"qft"`` or ``"iqft"``."""
    return append_windowed_qft(frame(layout, variant, mask, name="iqft" if inverse else "qft"), layout, inverse=inverse,
                               degree=degree)
