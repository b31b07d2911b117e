r"""Stage 1, *encode*: the unitary T of the paper's supplement.

.. math::

    T\,|0\rangle|0\rangle_I|0\rangle_{mean}|0\rangle_J|0\rangle_{thre}
    = \frac{1}{\sqrt{N}} \sum_{j,i} \big(\cos\theta_{ji}|0\rangle + \sin\theta_{ji}|1\rangle\big)
      |i\rangle_I |A_j\rangle_{mean} |j\rangle_J |\tau_j\rangle_{thre}

Built as H on ``i`` and ``j``; one :class:`~qiskit.circuit.library.UCRYGate` multiplexor
(angles ``2 theta_ji``, controls ``i`` then ``j``, so the control value is the flat sample index
``j*M + i``); and two value-setting operations controlled by ``j`` that write the a-bit mean code
and the b-bit threshold (a multiplexed X, one multi-controlled X per set bit: cost grows with
``P (a + b)``, not with N).

Reference: S. Dutta et al., "Quantum Algorithm for Signal Denoising", IEEE SPL 2024, eq. (2)
and supplementary material.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from qiskit import QuantumCircuit
from qiskit.circuit.library import UCRYGate

from ._gates import controlled_x_on_value
from .layout import Layout
from .registers import frame, reg

__all__ = ["value_setting", "amplitude_encoding", "encode_circuit", "process_encoding"]


def value_setting(
    qc: QuantumCircuit, controls: Sequence, target: Sequence, values: Sequence[int]
) -> QuantumCircuit:
    """Append ``|j>|0> -> |j>|values[j]>`` (little-endian ``target``) to ``qc``; returns ``qc``."""
    values = np.asarray(values, dtype=np.int64)
    if values.shape != (1 << len(controls),):
        raise ValueError(f"need one value per control state ({1 << len(controls)}), got {values.shape}")
    if values.min() < 0 or values.max() >= 1 << len(target):
        raise ValueError(f"values must fit in {len(target)} bits, got range [{values.min()}, {values.max()}]")
    for jv, val in enumerate(values):
        for bit, qubit in enumerate(target):
            if (int(val) >> bit) & 1:
                controlled_x_on_value(qc, controls, jv, qubit)
    return qc


def _set_window_codes(qc: QuantumCircuit, mean_codes, thresholds) -> None:
    """Write each window's mean code and threshold into ``mean`` and ``thre``, controlled by ``j``."""
    if mean_codes is None or thresholds is None:
        raise ValueError("the register variant needs mean_codes and thresholds")
    value_setting(qc, reg(qc, "j"), reg(qc, "mean"), mean_codes)
    value_setting(qc, reg(qc, "j"), reg(qc, "thre"), thresholds)


def amplitude_encoding(qc: QuantumCircuit, angles: np.ndarray) -> QuantumCircuit:
    """H on ``i`` and ``j``, then one UCRY multiplexor writing ``Ry(angles[j*M+i])`` on ``anc``."""
    i, j, anc = reg(qc, "i"), reg(qc, "j"), reg(qc, "anc")
    angles = np.asarray(angles, float).ravel()
    if angles.size != 1 << (len(i) + len(j)):
        raise ValueError(f"need {1 << (len(i) + len(j))} angles, got {angles.size}")
    qc.h(i + j)
    qc.append(UCRYGate(angles.tolist()), anc + i + j)
    return qc


def encode_circuit(
    layout: Layout,
    angles: np.ndarray,
    mean_codes: Sequence[int] | None = None,
    thresholds: Sequence[int] | None = None,
    *,
    variant: str = "register",
    two_sided: bool = True,
) -> QuantumCircuit:
    """The *encode* stage as a circuit on the qdn registers (name ``"encode"``).

    ``angles`` are the Ry angles ``2 theta_ji`` (length N, flat index ``j*M + i``). For the
    register variant ``mean_codes`` (a-bit) and ``thresholds`` (b-bit) give one value per window.
    """
    qc = frame(layout, variant, two_sided, name="encode")
    amplitude_encoding(qc, angles)
    if variant == "register":
        _set_window_codes(qc, mean_codes, thresholds)
    return qc


def process_encoding(
    layout: Layout,
    process: QuantumCircuit,
    mean_codes: Sequence[int] | None = None,
    thresholds: Sequence[int] | None = None,
    *,
    variant: str = "register",
    two_sided: bool = True,
) -> QuantumCircuit:
    """The *encode* stage for quantum input (the paper's eq. 4 turned into eq. 3).

    ``process`` (n = m + p qubits, no measurements) prepares ``sum_x alpha_x |x>`` with
    ``x = i + M*j``: its qubits 0..m-1 become ``i`` and m..n-1 become ``j``. The value-setting
    of the register variant follows; ``anc`` stays in 0 (the oracle's ``anc = 0`` condition is
    then always met).
    """
    if process.num_qubits != layout.n:
        raise ValueError(f"process acts on {process.num_qubits} qubits; the signal needs n = {layout.n}")
    if process.num_clbits or any(inst.operation.name in ("measure", "reset") for inst in process.data):
        raise ValueError("process must be unitary: remove its measurements and resets")
    qc = frame(layout, variant, two_sided, name="encode")
    gate = process.to_gate(label="process")
    qc.append(gate, reg(qc, "i") + reg(qc, "j"))
    if variant == "register":
        _set_window_codes(qc, mean_codes, thresholds)
    return qc
