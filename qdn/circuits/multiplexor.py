r"""The amplitude multiplexor of the encoding, and a synthesis of it that transpiles fast.

The encoding writes every sample with one uniformly controlled Y rotation (DESIGN.md §1; Dutta
et al. 2023, eq. 3):

.. math::

    \mathrm{UCRY}(\theta) = \sum_{x} |x\rangle\langle x|_{ctrl} \otimes R_Y(\theta_x).

Qiskit's :class:`~qiskit.circuit.library.UCRYGate` synthesises it (Möttönen et al. 2004) as N
``ry`` on the target between N CX whose controls follow a Gray code. Two details of that gate
cost a lot when qdn's circuits are lowered at optimisation level 3:

* ``UCRYGate.inverse()`` is Qiskit's generic inverse, an opaque ``ucry_dg`` whose definition is
  the reversed chain; the amplification round's ``A^dagger`` holds one. :class:`MultiplexedRY`
  is a ``UCRYGate`` (same name, same definition) whose inverse is the multiplexor of the negated
  angles, :math:`\mathrm{UCRY}(\theta)^\dagger = \mathrm{UCRY}(-\theta)`, so both stay visible
  to high-level synthesis.
* Every ``ry`` becomes ``rz``/``sx`` gates, and the X rotations then drift through the CX
  targets and merge a few at a time, one layer per pass of level 3's optimisation loop (11–13
  passes at N = 1024–4096, each dominated by ``CommutativeCancellation``, whose cost grows about
  quadratically with the multiplexor: the CX sharing a control commute, and the
  least-significant control carries N/2 of them). :func:`ucry_z_chain` writes
  the same unitary with the basis change :math:`R_X(-\pi/2) Z R_X(\pi/2) = Y` on the target:

  .. math::

      \mathrm{UCRY}(\theta) = R_X(-\pi/2)_t \,\mathrm{UCRZ}(\theta)\, R_X(\pi/2)_t,

  a chain of N ``rz`` and N CX (CX is unchanged: :math:`R_X` commutes with X) between two
  fixed X rotations. ``rz`` is native to IBM bases, so there is nothing left to merge:
  N CX as before, 1.0 N single-qubit gates instead of 2.7 N (at N = 4096: 4 119 ``rz`` and 14
  ``sx``/``x`` against 6 485 and 4 748), and level 3 reaches its fixed point in 3 passes
  (benchmarks/README.md). :class:`UCRYZChainSynthesis` is that synthesis as a high-level-synthesis plugin;
  :func:`hls_config` selects it (qdn's resource reports and :func:`qdn.hardware.prepare` use
  it). Simulation paths keep Qiskit's default synthesis, so noise attached per gate instance
  (:mod:`qdn.noise.rewrite`) sees the same gates as before.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from qiskit import QuantumCircuit
from qiskit.circuit.library import UCRYGate, UCRZGate
from qiskit.transpiler.passes.synthesis.high_level_synthesis import HLSConfig
from qiskit.transpiler.passes.synthesis.plugin import HighLevelSynthesisPlugin

__all__ = ["MultiplexedRY", "ucry_z_chain", "UCRYZChainSynthesis", "hls_config"]


class MultiplexedRY(UCRYGate):
    """A :class:`~qiskit.circuit.library.UCRYGate` whose inverse is again a ``UCRYGate``.

    Qubit 0 is the target, the others the controls (Qiskit's convention); ``angles[x]`` is the
    rotation applied when the controls hold ``x``.
    """

    def inverse(self, annotated: bool = False) -> MultiplexedRY:
        """``UCRY(theta)^dagger = UCRY(-theta)``."""
        return MultiplexedRY([-float(a) for a in self.params])


def ucry_z_chain(angles: Sequence[float]) -> QuantumCircuit:
    """``UCRY(angles)`` as ``RX(pi/2)``, the ``UCRZ(angles)`` chain, ``RX(-pi/2)`` on the target.

    Parameters
    ----------
    angles : sequence of float
        ``2**k`` rotation angles (``k`` controls); qubit 0 of the result is the target.

    Returns
    -------
    QuantumCircuit
        ``k + 1`` qubits; the same operator as ``UCRYGate(angles)`` (no global phase).
    """
    angles = [float(a) for a in angles]
    chain = UCRZGate(angles).definition
    qc = QuantumCircuit(chain.num_qubits, name="ucry_z_chain")
    qc.rx(np.pi / 2, 0)
    _inline(qc, chain, list(qc.qubits))
    qc.rx(-np.pi / 2, 0)
    return qc


def _inline(qc: QuantumCircuit, circuit: QuantumCircuit, qubits: list) -> None:
    """Append ``circuit`` to ``qc`` on ``qubits`` with its wrappers opened down to rz and CX."""
    qc.global_phase += circuit.global_phase
    for ins in circuit.data:
        op, where = ins.operation, [qubits[circuit.find_bit(q).index] for q in ins.qubits]
        if op.name in ("rz", "cx"):
            qc.append(op, where)
        else:
            _inline(qc, op.definition, where)


class UCRYZChainSynthesis(HighLevelSynthesisPlugin):
    """High-level-synthesis plugin for ``ucry``: :func:`ucry_z_chain` of the gate's angles."""

    def run(self, high_level_object, coupling_map=None, target=None, qubits=None, **options):
        if not isinstance(high_level_object, UCRYGate):
            return None  # not ours: let the next method (Qiskit's default) synthesise it
        return ucry_z_chain(high_level_object.params)


def hls_config() -> HLSConfig:
    """``HLSConfig`` that synthesises every ``ucry`` with :class:`UCRYZChainSynthesis`."""
    return HLSConfig(ucry=[UCRYZChainSynthesis(), "default"])
