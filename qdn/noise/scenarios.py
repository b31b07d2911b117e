"""Quantum noise scenarios of Dutta et al. (2023), Sec. IV and supplement (shared/DESIGN.md §3):
what the noise is, as data, and how its values are drawn.

Two noise processes, each realised twice — as a circuit transformation for Qiskit/Aer
(:class:`qdn.noise.rewrite.NoisyCircuit`) and as the same unitary process applied with NumPy to
a state vector (:class:`qdn.noise.program.NoiseProgram`) — so that both paths give the same
numbers (to float error) for the same seed:

**Phase noise** (:class:`PhaseNoise`, the paper's "quantum phase noise", refs. [32, 33]).
Every elementary gate instance is followed, *on each qubit it touches*, by a small rotation whose
angle is drawn uniformly in ``[-epsilon, epsilon]``, independently per gate instance and per
qubit (a time-varying coherent error). ``axis="z"`` (default) makes it ``RZ(delta)`` (a pure phase
error); ``axis="random"`` a rotation ``exp(-i delta n.sigma / 2)`` about an isotropic random unit
axis ``n``, emitted as ``U(theta, phi, lambda)`` (equal to that rotation up to a global phase).
"Elementary gate" means a gate of the circuit after lowering to an explicit basis,
:data:`DEFAULT_BASIS` = ``("cx", "rz", "sx", "x", "h")`` unless told otherwise; barriers,
measurements and the inserted noise gates themselves carry no noise.

**Bit-flip noise** (:class:`BitFlipNoise`, the supplement's last paragraph). After each
Hadamard, on its qubit, X with probability ``p``. As an Aer ``NoiseModel``
(:meth:`BitFlipNoise.noise_model`: a Pauli-X error attached to ``"h"``, on a circuit lowered to a
basis that keeps ``h``), or as seeded trajectories: each flip site gets a parameter ``b`` in
``{0, 1}`` bound per realisation to ``U(pi b, 0, pi b)`` (the identity or exactly X). On a
Hadamard with both noises the order is H, flip, phase rotation — the order the Aer
``NoiseModel`` (whose error sits right after its gate) produces, so both paths are one process.

**Any Aer noise model** (:class:`AerNoise`), on the whole circuit or on stages.

Randomness. One seed (int, ``SeedSequence`` or None; :func:`seed_sequence`) drives everything;
noise component ``c`` (in the order given) draws from child ``c`` of
``SeedSequence(seed).spawn(n_components)``, and realisation ``k`` is the ``k``-th block of that
stream (:meth:`qdn.noise.rewrite.NoisyCircuit.draws`), so realisation 0 does not depend on how
many realisations are asked for, and adding a bit-flip component after a phase component keeps
the phase angles. Slots are numbered in circuit order (the order of ``QuantumCircuit.data``,
depth first), then by the gate's qubit order.

Stages (which instructions get the noise) are selectors such as ``"qft"``, ``"/qft"`` or
``"amplify/oracle"``; :mod:`qdn.noise.rewrite` says how they match.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Union

import numpy as np

from .program import axis_angle_to_u

__all__ = [
    "DEFAULT_BASIS",
    "PhaseNoise",
    "BitFlipNoise",
    "AerNoise",
    "NoiseSpec",
    "noise_components",
    "as_realisations",
    "seed_sequence",
]

#: Basis the noise is defined on: the elementary gates the QFT/IQFT and the rest lower to.
DEFAULT_BASIS: tuple[str, ...] = ("cx", "rz", "sx", "x", "h")


def _stages(stages) -> tuple[str, ...] | None:
    if stages is None:
        return None
    if isinstance(stages, str):
        stages = (stages,)
    stages = tuple(stages)
    if not stages or not all(isinstance(s, str) and s.strip("/") for s in stages):
        raise ValueError(f"stages must be None or non-empty stage labels, got {stages!r}")
    return stages


def as_realisations(k) -> int:
    """``k`` as a number of realisations (a positive integer), else ``ValueError``."""
    if not isinstance(k, (int, np.integer)) or isinstance(k, bool) or k < 1:
        raise ValueError(f"realisations must be a positive integer, got {k!r}")
    return int(k)


def seed_sequence(seed) -> np.random.SeedSequence:
    """A fresh ``SeedSequence`` for ``seed`` (int, None, ``SeedSequence`` — copied, so spawning
    from the result leaves ``seed`` alone — or ``Generator``, which draws one integer)."""
    if isinstance(seed, np.random.SeedSequence):
        return np.random.SeedSequence(seed.entropy, spawn_key=seed.spawn_key)
    if isinstance(seed, np.random.Generator):
        return np.random.SeedSequence(int(seed.integers(2**63)))
    return np.random.SeedSequence(seed)


@dataclass(frozen=True)
class PhaseNoise:
    """Coherent, time-varying phase noise: a rotation by ``U(-epsilon, epsilon)`` after every gate.

    Parameters
    ----------
    epsilon : float
        Amplitude of the random angle (the paper uses 0.1); ``epsilon = 0`` is noise-free.
    stages : str, tuple of str or None
        Stage selectors (:mod:`qdn.noise.rewrite`); None = the whole circuit.
    axis : {"z", "random"}
        ``RZ(delta)`` on each touched qubit, or a rotation by ``delta`` about a random axis.
    realisations : int
        Independent draws K; results are averaged over them (see :func:`qdn.noise.runs.run_noisy`).
    basis : tuple of str
        Gates the noisy stages are lowered to before noise is attached.
    """

    epsilon: float
    stages: tuple[str, ...] | None = None
    axis: str = "z"
    realisations: int = 1
    basis: tuple[str, ...] = DEFAULT_BASIS

    def __post_init__(self) -> None:
        if not np.isfinite(self.epsilon) or self.epsilon < 0:
            raise ValueError(f"epsilon must be a finite number >= 0, got {self.epsilon!r}")
        if self.axis not in ("z", "random"):
            raise ValueError(f"axis must be 'z' or 'random', got {self.axis!r}")
        object.__setattr__(self, "stages", _stages(self.stages))
        object.__setattr__(self, "realisations", as_realisations(self.realisations))
        object.__setattr__(self, "basis", tuple(self.basis))

    def draw(self, rng: np.random.Generator, slots: int) -> np.ndarray:
        """One realisation: angles, shape ``(slots,)`` (``axis="z"``), or ``U`` angles
        ``(theta, phi, lambda)``, shape ``(slots, 3)`` (``axis="random"``)."""
        angles = rng.uniform(-self.epsilon, self.epsilon, slots)
        if self.axis == "z":
            return angles
        axes = rng.normal(size=(slots, 3))
        axes /= np.linalg.norm(axes, axis=1, keepdims=True)
        return axis_angle_to_u(axes, angles)


@dataclass(frozen=True)
class BitFlipNoise:
    """X with probability ``p`` after each gate named in ``after`` (the paper: each Hadamard).

    Parameters
    ----------
    p : float
        Flip probability, in [0, 1]; ``p = 0`` is noise-free.
    stages : str, tuple of str or None
        Stage selectors (:mod:`qdn.noise.rewrite`); None = the whole circuit. The paper's
        scenario is a QFT followed by an IQFT, where every H belongs to one of them.
    realisations : int
        Trajectories K (one flip pattern each).
    basis : tuple of str
        Lowering basis; it must keep the gates in ``after``.
    after : tuple of str
        Gate names followed by the flip.
    """

    p: float
    stages: tuple[str, ...] | None = None
    realisations: int = 1
    basis: tuple[str, ...] = DEFAULT_BASIS
    after: tuple[str, ...] = ("h",)

    def __post_init__(self) -> None:
        if not 0.0 <= self.p <= 1.0:
            raise ValueError(f"p must lie in [0, 1], got {self.p!r}")
        object.__setattr__(self, "stages", _stages(self.stages))
        object.__setattr__(self, "realisations", as_realisations(self.realisations))
        object.__setattr__(self, "basis", tuple(self.basis))
        object.__setattr__(self, "after", tuple(self.after))
        missing = [g for g in self.after if g not in self.basis]
        if missing:
            raise ValueError(
                f"bit-flip noise follows gates {list(self.after)} but the lowering basis "
                f"{list(self.basis)} lacks {missing}: lowering would remove them"
            )

    def draw(self, rng: np.random.Generator, slots: int) -> np.ndarray:
        """One trajectory: ``1.0`` where a flip happens, else ``0.0``, shape ``(slots,)``."""
        return (rng.random(slots) < self.p).astype(float)

    def noise_model(self):
        """The same channel as an Aer ``NoiseModel``: Pauli X with probability ``p`` after every
        gate in ``after`` (on all qubits), basis gates ``basis``. Attach it to a circuit lowered
        to ``basis`` (optimisation level 0, so that the H gates survive)."""
        from qiskit_aer.noise import NoiseModel, pauli_error

        nm = NoiseModel(basis_gates=list(self.basis))
        nm.add_all_qubit_quantum_error(pauli_error([("X", self.p), ("I", 1.0 - self.p)]), list(self.after))
        return nm


@dataclass(frozen=True)
class AerNoise:
    """An Aer ``NoiseModel``, optionally restricted to stages.

    With ``stages=None`` the model is attached to the simulator as is (every gate of the names it
    lists gets its error, readout errors included). With stages, the matched instructions are
    lowered to the model's basis gates and each lowered gate is followed by the model's error for
    that gate and those qubits (local error first, else the all-qubit one), inserted in the
    circuit as an explicit instruction; readout errors are then not applied.
    """

    noise_model: Any
    stages: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        from qiskit_aer.noise import NoiseModel

        if not isinstance(self.noise_model, NoiseModel):
            raise TypeError(f"AerNoise needs a qiskit_aer.noise.NoiseModel, got {type(self.noise_model).__name__}")
        object.__setattr__(self, "stages", _stages(self.stages))

    @property
    def basis(self) -> tuple[str, ...]:
        return tuple(self.noise_model.basis_gates)

    @property
    def realisations(self) -> int:
        return 1


NoiseSpec = Union[PhaseNoise, BitFlipNoise, AerNoise, Any, Sequence]


def noise_components(noise) -> tuple:
    """``noise`` (a scenario, an Aer ``NoiseModel`` or a nested sequence of them) as a flat tuple
    of scenarios, a ``NoiseModel`` wrapped in :class:`AerNoise`."""
    if isinstance(noise, (PhaseNoise, BitFlipNoise, AerNoise)):
        return (noise,)
    if isinstance(noise, (list, tuple)):
        comps = tuple(c for item in noise for c in noise_components(item))
        if not comps:
            raise ValueError("noise is an empty sequence")
        return comps
    from qiskit_aer.noise import NoiseModel

    if isinstance(noise, NoiseModel):
        return (AerNoise(noise),)
    raise TypeError(
        "noise must be a qdn.noise.scenarios scenario (PhaseNoise, BitFlipNoise, AerNoise), a "
        f"qiskit_aer.noise.NoiseModel, a BackendV2, or a sequence of them; got {type(noise).__name__}"
    )
