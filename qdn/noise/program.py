"""The NumPy half of circuit noise: what a noisy circuit does, as matrices on a state tensor.

:class:`qdn.noise.rewrite.NoisyCircuit` records, for every instruction it puts noise on, an
:class:`Instance`: the lowered gates as matrices and the noise sites as ``(component, slot)``
references. A :class:`NoiseProgram` turns those references and one realisation's draws
(``draws_k[c][s]``, :meth:`qdn.noise.rewrite.NoisyCircuit.draws`) into matrices and applies them
to a statevector or density matrix — the same unitary process as the bound circuit, for the
NumPy signal path (:func:`qdn.noise.quantum.noisy_quantum_signal`), the noisy emulator
(:func:`qdn.noise.emulate.emulate_noisy_state`, through :meth:`NoiseProgram.instance_unitary`)
and the tests that compare them with Qiskit/Aer.

The 2 x 2 matrices come from Qiskit (``RZGate``/``UGate(...).to_matrix()``, bit for bit the
hand-written formulas they replaced): those were not measurably faster on the noise tests'
workloads (4-9 microseconds per call either way; by call counts at most ~5% of a run, below the
run-to-run scatter of the timings).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from qiskit.circuit.library import RZGate, UGate

__all__ = ["Instance", "NoiseProgram", "axis_angle_to_u", "apply_matrix"]

_X = np.array([[0, 1], [1, 0]], complex)


def axis_angle_to_u(axes: np.ndarray, angles: np.ndarray) -> np.ndarray:
    """``U(theta, phi, lambda)`` angles of the rotations ``exp(-i angle n.sigma / 2)``.

    ``axes`` has shape ``(..., 3)`` (unit vectors), ``angles`` shape ``(...)``. The returned
    ``(..., 3)`` angles give ``UGate`` matrices equal to the rotations up to a global phase.
    """
    axes = np.asarray(axes, float)
    half = np.asarray(angles, float) / 2
    c, s = np.cos(half), np.sin(half)
    r00 = c - 1j * s * axes[..., 2]
    r10 = s * (axes[..., 1] - 1j * axes[..., 0])
    r01 = -s * (axes[..., 1] + 1j * axes[..., 0])
    r11 = c + 1j * s * axes[..., 2]
    theta = 2 * np.arctan2(np.abs(r10), np.abs(r00))
    gamma = np.angle(r00)
    has_off = np.abs(r10) > 1e-300
    phi = np.where(has_off, np.angle(r10) - gamma, 0.0)
    lam = np.where(has_off, np.angle(-r01) - gamma, np.angle(r11) - gamma)
    return np.stack([theta, phi, lam], axis=-1)


def apply_matrix(t: np.ndarray, mat: np.ndarray, qubits: Sequence[int], n: int, base: int = 0) -> np.ndarray:
    """Apply a k-qubit matrix (Qiskit's little-endian convention) to ``qubits`` of a tensor whose
    axes ``base .. base+n-1`` are qubits ``n-1 .. 0``."""
    k = len(qubits)
    u = np.asarray(mat).reshape((2,) * (2 * k))
    axes = [base + n - 1 - q for q in reversed(qubits)]
    out = np.tensordot(u, t, axes=(list(range(k, 2 * k)), axes))
    return np.moveaxis(out, list(range(k)), axes)


@dataclass
class Instance:
    """One matched instruction, lowered: ``ops`` is its program in the top circuit's qubit indices.

    Each op is ``("gate", qubits, matrix)``, ``("global", (), phase)``, ``("phase", (q,), c, s)``,
    ``("flip", (q,), c, s)`` (component ``c``, slot ``s``) or ``("error", qubits, instruction)``
    (an Aer error, which has no NumPy program).
    """

    path: tuple[str, ...]
    top: int
    qubits: tuple[int, ...]
    ops: list = field(default_factory=list)


@dataclass(frozen=True)
class NoiseProgram:
    """The instances of a noisy circuit as a NumPy program.

    Parameters
    ----------
    instances : sequence of Instance
        In circuit order.
    components : tuple
        The noise components the ops' ``c`` index: a phase component needs ``axis``, a bit-flip
        component ``p`` (for the exact channel, ``density=True``).
    num_qubits : int
        Qubits of the whole circuit.
    global_phase : float
        The whole circuit's global phase (applied by :meth:`simulate`).
    """

    instances: tuple[Instance, ...]
    components: tuple
    num_qubits: int
    global_phase: Any = 0.0

    def op_matrix(self, op, draws_k) -> np.ndarray:
        """The matrix of a ``gate``, ``phase`` or ``flip`` op for one realisation's draws."""
        kind = op[0]
        if kind == "gate":
            return op[2]
        c, s = op[2], op[3]
        d = draws_k[c]
        if kind == "phase":
            return RZGate(d[s]).to_matrix() if self.components[c].axis == "z" else UGate(*d[s]).to_matrix()
        if kind == "flip":
            return UGate(np.pi * d[s], 0.0, np.pi * d[s]).to_matrix()
        raise ValueError(f"op {kind!r} has no matrix")

    def run(self, instances: Sequence[Instance], state: np.ndarray, n: int, draws_k, *,
            density: bool = False) -> np.ndarray:
        """Apply ``instances`` to a tensor ``(2,)*n [+ (2,)*n for density] + batch``.

        With ``density=True`` bit flips are the channel ``(1-p) rho + p X rho X`` (the draws are
        ignored for them) and Aer errors are not supported.
        """
        for inst in instances:
            for op in inst.ops:
                kind = op[0]
                if kind == "global":
                    if not density:
                        state = state * np.exp(1j * op[2])
                    continue
                if kind == "error":
                    raise ValueError("Aer quantum errors have no NumPy program; run them on Aer")
                if kind == "flip" and density:
                    p = self.components[op[2]].p
                    flipped = apply_matrix(apply_matrix(state, _X, op[1], n), _X, op[1], n, base=n)
                    state = (1 - p) * state + p * flipped
                    continue
                mat = self.op_matrix(op, draws_k)
                state = apply_matrix(state, mat, op[1], n)
                if density:
                    state = apply_matrix(state, mat.conj(), op[1], n, base=n)
        return state

    def simulate(self, initial: np.ndarray, draws_k, *, density: bool = False) -> np.ndarray:
        """Statevector (or density matrix, ``density=True``) after all instances for one
        realisation, from ``initial`` (a statevector). The instances must cover the whole
        circuit (:attr:`qdn.noise.rewrite.NoisyCircuit.complete`)."""
        n = self.num_qubits
        psi = np.asarray(initial, complex)
        if density:
            state = np.outer(psi, psi.conj()).reshape((2,) * (2 * n))
            out = self.run(self.instances, state, n, draws_k, density=True)
            return out.reshape(1 << n, 1 << n) * 1.0
        state = psi.reshape((2,) * n)
        out = self.run(self.instances, state, n, draws_k)
        phase = np.exp(1j * float(self.global_phase)) if self.global_phase else 1.0
        return out.reshape(-1) * phase

    def instance_unitary(self, inst: Instance, qubits: int, draws_k=None) -> np.ndarray:
        """Matrix of one instance on the first ``qubits`` qubits (it must act only there);
        ``draws_k=None`` gives the noise-free matrix."""
        if any(q >= qubits for op in inst.ops for q in op[1]):
            raise ValueError(f"instance {'/'.join(inst.path)} acts outside qubits 0..{qubits - 1}")
        dim = 1 << qubits
        ident = np.eye(dim, dtype=complex).reshape((2,) * qubits + (dim,))
        if draws_k is None:
            ops = [op for op in inst.ops if op[0] in ("gate", "global")]
            inst = Instance(inst.path, inst.top, inst.qubits, ops)
        out = self.run([inst], ident, qubits, draws_k)
        return out.reshape(dim, dim)
