r"""Quantum noise scenarios of Dutta et al. (2023), Sec. IV and supplement (shared/DESIGN.md §3).

Two noise processes, each realised twice — as a circuit transformation for Qiskit/Aer and as the
same unitary process applied with NumPy to a state vector — so that both paths give the same
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

Randomness. One seed (int, ``SeedSequence`` or None) drives everything; noise component ``c``
(in the order given) draws from child ``c`` of ``SeedSequence(seed).spawn(n_components)``, and
realisation ``k`` is the ``k``-th block of that stream, so realisation 0 does not depend on how
many realisations are asked for, and adding a bit-flip component after a phase component keeps
the phase angles. Slots are numbered in circuit order (the order of ``QuantumCircuit.data``,
depth first), then by the gate's qubit order.

**Stages.** ``stages=None`` puts noise on the whole circuit. Otherwise ``stages`` is a tuple of
selectors naming instructions of the circuit: ``"qft"`` matches every instruction named
``qft`` at any depth; ``"/qft"`` only top-level ones; ``"amplify/oracle"`` an ``oracle``
directly inside an ``amplify``. The outermost match wins: a matched instruction is lowered whole
and everything inside it gets the noise. The search descends only into composite instructions
(the plain ``Gate``/``Instruction`` objects that ``to_gate``/``to_instruction``/``inverse`` make,
which is how qdn labels its stages), not into library gates. In qdn's denoising circuit
(:func:`qdn.circuits.problem.build_circuit`) the top level is ``encode``, ``qft``, ``amplify`` (one
per round), ``iqft``; each ``amplify`` holds ``oracle``, then ``qft_dg`` and ``encode_dg`` (the
``A^dagger`` half), the zero reflection's gates (unlabelled: Qiskit's ``grover_operator``
composes it inline), then ``encode`` and ``qft`` (the ``A`` half). So ``stages=("qft",
"iqft")`` hits the first QFT, the QFT of every ``A`` and the final inverse QFT;
add ``"qft_dg"`` for the ``A^dagger`` halves too; ``("/qft", "/iqft")`` hits only the two
top-level transforms. A selector that matches nothing, or noise that finds no gate to act on in
what it matched, raises ``ValueError`` naming what it expected and what is there.

**The noisy quantum signal** (:func:`noisy_quantum_signal`). The clean signal's normalised
state ``psi = y / ||y||`` (n qubits, little-endian sample index) goes through an n-qubit QFT
then an inverse QFT with the noise above, which gives a density matrix ``rho`` (pure for one
phase-noise realisation). The noisy *signal* is

.. math:: \tilde y = \|y\|\, \mathrm{Re}\big(\rho\,\psi\big) / \|\rho\,\psi\|,

i.e. for a pure output ``phi`` the real part of ``phi`` after removing the global phase
``arg <psi|phi>`` (the phase that best aligns it with the input, which the process knows),
times ``||y||``; the imaginary residue is dropped. For several trajectories ``rho`` is their
average. The noise-free denoiser (:func:`qdn.denoise`) then cleans ``tilde y``.

**Injectable noise.** :func:`qdn.noise.runs.run_noisy` is what ``qdn.denoise(..., noise=...)`` calls; see its
docstring for the backends and readouts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Union

import numpy as np
from qiskit import QuantumCircuit
from qiskit.circuit import Gate, Instruction, Parameter
from qiskit.circuit.library import QFTGate, RZGate, UGate
from qiskit.transpiler import generate_preset_pass_manager

from ..common.validation import as_signal, is_power_of_two
from .signals import awgn, poisson

__all__ = [
    "DEFAULT_BASIS",
    "PhaseNoise",
    "BitFlipNoise",
    "AerNoise",
    "NoiseSpec",
    "Instance",
    "NoisyCircuit",
    "fourier_roundtrip",
    "fourier_roundtrip_2d",
    "axis_angle_to_u",
    "noisy_quantum_signal",
    "phase_noise_signal",
    "awgn_phase",
    "poisson_phase",
    "bitflip_phase",
    "emulate_noisy_state",
    "check_noise_model_matches",
    "noise_components",
    "emulator_fourier_slots",
]

#: Basis the noise is defined on: the elementary gates the QFT/IQFT and the rest lower to.
DEFAULT_BASIS: tuple[str, ...] = ("cx", "rz", "sx", "x", "h")

#: Instructions that are not gates and get no noise.
_NON_GATES = frozenset({"barrier", "measure", "reset", "delay"})


def _stages(stages) -> tuple[str, ...] | None:
    if stages is None:
        return None
    if isinstance(stages, str):
        stages = (stages,)
    stages = tuple(stages)
    if not stages or not all(isinstance(s, str) and s.strip("/") for s in stages):
        raise ValueError(f"stages must be None or non-empty stage labels, got {stages!r}")
    return stages


def _realisations(k) -> int:
    if not isinstance(k, (int, np.integer)) or isinstance(k, bool) or k < 1:
        raise ValueError(f"realisations must be a positive integer, got {k!r}")
    return int(k)


@dataclass(frozen=True)
class PhaseNoise:
    """Coherent, time-varying phase noise: a rotation by ``U(-epsilon, epsilon)`` after every gate.

    Parameters
    ----------
    epsilon : float
        Amplitude of the random angle (the paper uses 0.1); ``epsilon = 0`` is noise-free.
    stages : str, tuple of str or None
        Stage selectors (module docstring); None = the whole circuit.
    axis : {"z", "random"}
        ``RZ(delta)`` on each touched qubit, or a rotation by ``delta`` about a random axis.
    realisations : int
        Independent draws K; results are averaged over them (see :func:`run_noisy`).
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
        object.__setattr__(self, "realisations", _realisations(self.realisations))
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
        Stage selectors (module docstring); None = the whole circuit. The paper's scenario is
        a QFT followed by an IQFT, where every H belongs to one of them.
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
        object.__setattr__(self, "realisations", _realisations(self.realisations))
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


# ----------------------------------------------------------------------------------------------
# small matrices


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


def _u_matrix(theta: float, phi: float, lam: float) -> np.ndarray:
    c, s = np.cos(theta / 2), np.sin(theta / 2)
    return np.array(
        [[c, -np.exp(1j * lam) * s], [np.exp(1j * phi) * s, np.exp(1j * (phi + lam)) * c]], complex
    )


def _rz_matrix(theta: float) -> np.ndarray:
    return np.diag([np.exp(-0.5j * theta), np.exp(0.5j * theta)])


def _apply(t: np.ndarray, mat: np.ndarray, qubits: Sequence[int], n: int, base: int = 0) -> np.ndarray:
    """Apply a k-qubit matrix (Qiskit's little-endian convention) to ``qubits`` of a tensor whose
    axes ``base .. base+n-1`` are qubits ``n-1 .. 0``."""
    k = len(qubits)
    u = np.asarray(mat).reshape((2,) * (2 * k))
    axes = [base + n - 1 - q for q in reversed(qubits)]
    out = np.tensordot(u, t, axes=(list(range(k, 2 * k)), axes))
    return np.moveaxis(out, list(range(k)), axes)


# ----------------------------------------------------------------------------------------------
# the circuit transformation


@dataclass
class Instance:
    """One matched instruction, lowered: ``ops`` is its program in the top circuit's qubit indices.

    Each op is ``("gate", qubits, matrix)``, ``("global", (), phase)``, ``("phase", (q,), c, s)``,
    ``("flip", (q,), c, s)`` (component ``c``, slot ``s``) or ``("error", qubits, QuantumError)``.
    """

    path: tuple[str, ...]
    top: int
    qubits: tuple[int, ...]
    ops: list = field(default_factory=list)


def noise_components(noise) -> tuple:
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
        "noise must be a qdn.noise.quantum scenario (PhaseNoise, BitFlipNoise, AerNoise), a "
        f"qiskit_aer.noise.NoiseModel, a BackendV2, or a sequence of them; got {type(noise).__name__}"
    )


def _selector_matches(selector: str, path: tuple[str, ...]) -> bool:
    parts = tuple(selector.strip("/").split("/"))
    if selector.startswith("/"):
        return path == parts
    return len(path) >= len(parts) and path[-len(parts):] == parts


def _is_container(op) -> bool:
    return type(op) in (Gate, Instruction) and op.definition is not None


class NoisyCircuit:
    """``circuit`` with noise attached, as a parametrised circuit plus its NumPy program.

    Parameters
    ----------
    circuit : QuantumCircuit
        The noise-free circuit.
    noise : PhaseNoise, BitFlipNoise, AerNoise or a sequence of them
        Components; an ``AerNoise`` without stages is not inserted here (the simulator carries
        it) and is ignored.

    Attributes
    ----------
    circuit : QuantumCircuit
        The noisy circuit: each matched instruction replaced by an instruction of the same name
        holding its lowered gates, each followed by its noise gates (``RZ``/``U`` with unbound
        parameters, or Aer errors); containers on the way keep their names too.
    components : tuple
    instances : list of Instance
        Matched instructions in circuit order.
    slots : list of int
        Noise sites per component.
    parameters : list of list of Parameter
        Per component, slot-major (``axis="random"`` phase noise: 3 per slot).
    """

    def __init__(self, circuit: QuantumCircuit, noise) -> None:
        comps = tuple(c for c in noise_components(noise) if not (isinstance(c, AerNoise) and c.stages is None))
        self.source = circuit
        self.components = comps
        self.instances: list[Instance] = []
        self.slots = [0] * len(comps)
        self.parameters: list[list[Parameter]] = [[] for _ in comps]
        self._inserted = [0] * len(comps)  # AerNoise errors inserted
        self._matched = [False] * len(comps)
        self._lowered: dict = {}
        self._keep: list = []  # keeps lowered ops alive while their ids are cache keys
        self._below: dict = {}
        self._gates_seen: dict[int, set] = {c: set() for c in range(len(comps))}
        qmap = tuple(range(circuit.num_qubits))
        if comps:
            out = self._rewrite(circuit, (), qmap, frozenset(), None)
            self.circuit = circuit.copy() if out is None else out
        else:
            self.circuit = circuit.copy()
        self.circuit.metadata = dict(circuit.metadata or {})
        self._check()

    # -- matching ------------------------------------------------------------------------------

    def _matches(self, c: int, path: tuple[str, ...]) -> bool:
        stages = self.components[c].stages
        if stages is None:
            return len(path) == 1
        return any(_selector_matches(s, path) for s in stages)

    def _match_below(self, op, path: tuple[str, ...], pending: frozenset) -> bool:
        """Whether a component in ``pending`` matches some instruction inside ``op``."""
        if not pending or not _is_container(op):
            return False
        key = (id(op), path, pending)
        if key not in self._below:
            self._keep.append(op)
            hit = False
            for inst in op.definition.data:
                sub = path + (inst.operation.name,)
                if any(self._matches(c, sub) for c in pending) or self._match_below(inst.operation, sub, pending):
                    hit = True
                    break
            self._below[key] = hit
        return self._below[key]

    # -- rewriting -----------------------------------------------------------------------------

    def _rewrite(self, circ: QuantumCircuit, path, qmap, active: frozenset, top):
        out = circ.copy_empty_like(vars_mode="drop")
        changed = False
        all_comps = frozenset(range(len(self.components)))
        for idx, inst in enumerate(circ.data):
            op = inst.operation
            p = path + (op.name,)
            t = idx if top is None else top
            qs = tuple(qmap[circ.find_bit(q).index] for q in inst.qubits)
            newly = frozenset(c for c in all_comps - active if self._matches(c, p))
            for c in newly:
                self._matched[c] = True
            act = active | newly
            pending = all_comps - act
            if act and not self._match_below(op, p, pending):
                self._emit(out, inst, p, t, qs, act)
                changed = True
            elif self._match_below(op, p, pending):
                sub = self._rewrite(op.definition, p, qs, act, t)
                if sub is None:
                    out.append(inst)
                else:
                    gate_only = all(isinstance(i.operation, Gate) for i in sub.data) and not sub.num_clbits
                    new = sub.to_gate() if gate_only else sub.to_instruction()
                    new.name = op.name
                    out.append(new, inst.qubits, inst.clbits)
                    changed = True
            else:
                out.append(inst)
        return out if changed else None

    def _lower(self, op, basis: tuple[str, ...]) -> QuantumCircuit:
        key = (id(op), basis)
        if key not in self._lowered:
            self._keep.append(op)
            qc = QuantumCircuit(op.num_qubits)
            qc.append(op, qc.qubits)
            # the block runs mid-circuit: synthesis must not borrow its idle qubits as clean
            # ancillas (it would, by default, for a circuit starting in |0>)
            pm = generate_preset_pass_manager(
                optimization_level=0, basis_gates=list(basis), qubits_initially_zero=False
            )
            low = pm.run(qc)
            if low.num_qubits != op.num_qubits or low.layout is not None:
                raise RuntimeError(f"lowering {op.name!r} changed its qubits")
            self._lowered[key] = low
        return self._lowered[key]

    def _basis(self, act: frozenset) -> tuple[str, ...]:
        bases = {self.components[c].basis for c in act}
        if len(bases) > 1:
            raise ValueError(f"noise components acting on the same gates need one lowering basis, got {sorted(bases)}")
        return bases.pop()

    def _emit(self, out: QuantumCircuit, inst, path, top, qs, act) -> None:
        op = inst.operation
        if op.name in _NON_GATES or not isinstance(op, Gate):
            out.append(inst)
            return
        low = self._lower(op, self._basis(act))
        instance = Instance(path=path, top=top, qubits=qs)
        body = QuantumCircuit(op.num_qubits, name=op.name, global_phase=low.global_phase)
        instance.ops.append(("global", (), float(low.global_phase)))
        for linst in low.data:
            g = linst.operation
            local = [low.find_bit(q).index for q in linst.qubits]
            gq = tuple(qs[i] for i in local)
            oq = [body.qubits[i] for i in local]
            body.append(g, oq)
            try:
                mat = g.to_matrix()
            except Exception as exc:  # unbound parameters, opaque gates
                raise ValueError(f"cannot attach noise to {g.name!r} in {'/'.join(path)}: {exc}") from None
            instance.ops.append(("gate", gq, mat))
            # errors that sit right after the gate (bit flips, Aer errors) first, then the phase
            # rotation: the order an Aer NoiseModel on the same gate gives
            for c in sorted(act, key=lambda c: (isinstance(self.components[c], PhaseNoise), c)):
                self._gates_seen[c].add(g.name)
                self._attach(body, instance, c, g, gq, oq)
        # the lowered, noisy body keeps the stage's name (a gate unless Aer errors sit inside)
        gate_only = all(isinstance(i.operation, Gate) for i in body.data)
        new_op = body.to_gate() if gate_only else body.to_instruction()
        new_op.name = op.name
        out.append(new_op, inst.qubits)
        self.instances.append(instance)

    def _attach(self, out, instance, c, g, gq, oq) -> None:
        comp = self.components[c]
        if isinstance(comp, PhaseNoise):
            for q, oqb in zip(gq, oq):
                s = self.slots[c]
                self.slots[c] += 1
                if comp.axis == "z":
                    par = Parameter(f"_qdn{c}_phase[{s}]")
                    self.parameters[c].append(par)
                    out.append(RZGate(par), [oqb])
                else:
                    pars = [Parameter(f"_qdn{c}_{a}[{s}]") for a in ("theta", "phi", "lam")]
                    self.parameters[c].extend(pars)
                    out.append(UGate(*pars), [oqb])
                instance.ops.append(("phase", (q,), c, s))
        elif isinstance(comp, BitFlipNoise):
            if g.name not in comp.after:
                return
            for q, oqb in zip(gq, oq):
                s = self.slots[c]
                self.slots[c] += 1
                par = Parameter(f"_qdn{c}_flip[{s}]")
                self.parameters[c].append(par)
                out.append(UGate(np.pi * par, 0.0, np.pi * par), [oqb])
                instance.ops.append(("flip", (q,), c, s))
        else:  # AerNoise with stages
            err = _error_for(comp.noise_model, g.name, gq)
            if err is not None:
                out.append(err, oq)
                self._inserted[c] += 1
                instance.ops.append(("error", gq, err))

    # -- checks --------------------------------------------------------------------------------

    def stage_names(self) -> list[str]:
        """Instruction names a selector can match, as paths (top level and one level down)."""
        names: list[str] = []
        for inst in self.source.data:
            op = inst.operation
            if op.name not in names:
                names.append(op.name)
            if _is_container(op):
                for sub in op.definition.data:
                    label = f"{op.name}/{sub.operation.name}"
                    if label not in names:
                        names.append(label)
        return names

    def _check(self) -> None:
        for c, comp in enumerate(self.components):
            kind = type(comp).__name__
            if not self._matched[c]:
                raise ValueError(
                    f"{kind} targets stages {list(comp.stages)}, which match no instruction of the "
                    f"circuit; its instructions are {self.stage_names()}"
                )
            seen = sorted(self._gates_seen[c])
            if isinstance(comp, BitFlipNoise) and self.slots[c] == 0:
                raise ValueError(
                    f"BitFlipNoise expects gates {list(comp.after)} in its stages "
                    f"{list(comp.stages) if comp.stages else 'all'}, but after lowering to "
                    f"{list(comp.basis)} they hold only {seen}"
                )
            if isinstance(comp, PhaseNoise) and self.slots[c] == 0:
                raise ValueError(
                    f"PhaseNoise found no gate in stages {list(comp.stages) if comp.stages else 'all'} "
                    f"(instructions there: {seen or 'none'})"
                )
            if isinstance(comp, AerNoise) and self._inserted[c] == 0:
                raise ValueError(
                    f"the noise model has errors on {sorted(comp.noise_model.noise_instructions)} but "
                    f"stages {list(comp.stages)}, lowered to {list(comp.basis)}, hold gates {seen}: "
                    "no error would be applied"
                )

    # -- values --------------------------------------------------------------------------------

    @property
    def realisations(self) -> int:
        return max((c.realisations for c in self.components), default=1)

    def draws(self, seed=None, realisations: int | None = None) -> list[list[np.ndarray]]:
        """Noise values: ``draws[k][c]`` is realisation ``k`` of component ``c`` (module docstring)."""
        k_total = self.realisations if realisations is None else _realisations(realisations)
        children = _seed_sequence(seed).spawn(max(1, len(self.components)))
        rngs = [np.random.default_rng(ch) for ch in children]
        out = []
        for _ in range(k_total):
            row = []
            for c, comp in enumerate(self.components):
                row.append(comp.draw(rngs[c], self.slots[c]) if hasattr(comp, "draw") else np.zeros(0))
            out.append(row)
        return out

    def parameter_values(self, draws: list[list[np.ndarray]]) -> tuple[list[Parameter], np.ndarray]:
        """The circuit's noise parameters and their values, shape ``(K, n_parameters)``."""
        params = [p for plist in self.parameters for p in plist]
        values = np.array(
            [np.concatenate([np.ravel(d) for d in row]) if params else np.zeros(0) for row in draws]
        ).reshape(len(draws), len(params))
        return params, values

    def bind(self, draws_k: list[np.ndarray]) -> QuantumCircuit:
        """The circuit of one realisation, all noise parameters bound."""
        params, values = self.parameter_values([draws_k])
        return self.circuit.assign_parameters(dict(zip(params, values[0])))

    # -- NumPy ---------------------------------------------------------------------------------

    @property
    def complete(self) -> bool:
        """Whether the instances cover every instruction of the circuit (then :meth:`simulate`
        applies)."""
        return all(self._matches_top(i) for i in range(len(self.source.data)))

    def _matches_top(self, idx: int) -> bool:
        op = self.source.data[idx].operation
        if op.name in _NON_GATES or not isinstance(op, Gate):
            return op.name == "barrier"
        return any(inst.top == idx and len(inst.path) == 1 for inst in self.instances)

    def _program_matrix(self, op, draws_k):
        kind = op[0]
        if kind == "gate":
            return op[2]
        c, s = op[2], op[3]
        d = draws_k[c]
        if kind == "phase":
            return _rz_matrix(d[s]) if self.components[c].axis == "z" else _u_matrix(*d[s])
        if kind == "flip":
            return _u_matrix(np.pi * d[s], 0.0, np.pi * d[s])
        raise ValueError(f"op {kind!r} has no matrix")

    def run_program(self, instances: Sequence[Instance], state: np.ndarray, n: int, draws_k, *,
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
                    x = np.array([[0, 1], [1, 0]], complex)
                    flipped = _apply(_apply(state, x, op[1], n), x, op[1], n, base=n)
                    state = (1 - p) * state + p * flipped
                    continue
                mat = self._program_matrix(op, draws_k)
                state = _apply(state, mat, op[1], n)
                if density:
                    state = _apply(state, mat.conj(), op[1], n, base=n)
        return state

    def simulate(self, initial: np.ndarray, draws_k, *, density: bool = False) -> np.ndarray:
        """NumPy statevector (or density matrix, ``density=True``) of the whole noisy circuit for
        one realisation, from ``initial`` (a statevector); needs :attr:`complete`."""
        if not self.complete:
            raise ValueError("the noise does not cover the whole circuit; simulate() needs stages=None or all top-level stages")
        n = self.source.num_qubits
        psi = np.asarray(initial, complex)
        if density:
            state = np.outer(psi, psi.conj()).reshape((2,) * (2 * n))
            out = self.run_program(self.instances, state, n, draws_k, density=True)
            return out.reshape(1 << n, 1 << n) * 1.0
        state = psi.reshape((2,) * n)
        out = self.run_program(self.instances, state, n, draws_k)
        phase = np.exp(1j * float(self.source.global_phase)) if self.source.global_phase else 1.0
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
        out = self.run_program([inst], ident, qubits, draws_k)
        return out.reshape(dim, dim)


def _seed_sequence(seed) -> np.random.SeedSequence:
    if isinstance(seed, np.random.SeedSequence):
        return np.random.SeedSequence(seed.entropy, spawn_key=seed.spawn_key)
    if isinstance(seed, np.random.Generator):
        return np.random.SeedSequence(int(seed.integers(2**63)))
    return np.random.SeedSequence(seed)


def _error_for(nm, name: str, qubits: Sequence[int]):
    """The model's error for gate ``name`` on ``qubits``: local first, else all-qubit, else None."""
    local = getattr(nm, "_local_quantum_errors", {}).get(name, {})
    err = local.get(tuple(qubits))
    if err is None:
        err = getattr(nm, "_default_quantum_errors", {}).get(name)
    return err


def check_noise_model_matches(circuit: QuantumCircuit, noise_model) -> None:
    """Raise ``ValueError`` when ``noise_model`` would apply no error to ``circuit``.

    ``circuit`` is the circuit as it will run (lowered; physical qubit indices for a backend).
    A gate matches when the model has an error for its name on its qubits (or for its name on all
    qubits); a measurement matches a readout error.
    """
    present: set[tuple[str, tuple[int, ...]]] = set()
    for inst in circuit.data:
        present.add((inst.operation.name, tuple(circuit.find_bit(q).index for q in inst.qubits)))
    ro_default = getattr(noise_model, "_default_readout_error", None)
    ro_local = getattr(noise_model, "_local_readout_errors", {})
    for name, qubits in present:
        if _error_for(noise_model, name, qubits) is not None:
            return
        if name == "measure" and (ro_default is not None or tuple(qubits) in ro_local):
            return
    names = sorted({n for n, _ in present} - {"barrier"})
    raise ValueError(
        f"the noise model expects gates {sorted(noise_model.noise_instructions)} "
        f"(on qubits {sorted(noise_model.noise_qubits) or 'all'}), but the circuit it would run on "
        f"has gates {names}: it would be a silent no-op. Lower the circuit to the model's basis "
        f"{list(noise_model.basis_gates)} or attach the errors to gates that are present"
    )


# ----------------------------------------------------------------------------------------------
# the noisy quantum signal


def fourier_roundtrip(num_qubits: int) -> QuantumCircuit:
    """An n-qubit QFT followed by its inverse, as two instructions named ``qft`` and ``iqft``."""
    if num_qubits < 1:
        raise ValueError(f"need at least one qubit, got {num_qubits}")
    qc = QuantumCircuit(num_qubits, name="roundtrip")
    fwd = QuantumCircuit(num_qubits, name="qft")
    fwd.append(QFTGate(num_qubits), fwd.qubits)
    inv = QuantumCircuit(num_qubits, name="iqft")
    inv.append(QFTGate(num_qubits).inverse(), inv.qubits)
    qc.append(fwd.to_gate(), qc.qubits)
    qc.append(inv.to_gate(), qc.qubits)
    return qc


def fourier_roundtrip_2d(row_qubits: int, col_qubits: int) -> QuantumCircuit:
    """The 2-D QFT of an image's state, then its inverse, as instructions ``qft`` and ``iqft``.

    The image's state is row-major (``i = col + C * row``): qubits ``0..c-1`` hold the column,
    ``c..c+r-1`` the row. The 2-D QFT is one ``QFTGate(c)`` on the column bits and one
    ``QFTGate(r)`` on the row bits (as in :mod:`qdn.api.image`).
    """
    if row_qubits < 1 or col_qubits < 1:
        raise ValueError(f"need at least one row and one column qubit, got {row_qubits}, {col_qubits}")
    n = row_qubits + col_qubits
    cols, rows = list(range(col_qubits)), list(range(col_qubits, n))
    qc = QuantumCircuit(n, name="roundtrip_2d")
    fwd = QuantumCircuit(n, name="qft")
    fwd.append(QFTGate(col_qubits), cols)
    fwd.append(QFTGate(row_qubits), rows)
    inv = QuantumCircuit(n, name="iqft")
    inv.append(QFTGate(col_qubits).inverse(), cols)
    inv.append(QFTGate(row_qubits).inverse(), rows)
    qc.append(fwd.to_gate(), qc.qubits)
    qc.append(inv.to_gate(), qc.qubits)
    return qc


def _roundtrip_for(y) -> tuple[np.ndarray, QuantumCircuit]:
    """Validate a signal (1-D) or image (2-D) and return it with its Fourier round trip."""
    arr = np.asarray(y)
    if arr.ndim == 2:
        img = as_signal(arr, name="image", ndim=2)
        if not all(is_power_of_two(d) and d >= 2 for d in img.shape):
            raise ValueError(f"image sides must be powers of two >= 2, got shape {img.shape}")
        r, c = (d.bit_length() - 1 for d in img.shape)
        return img, fourier_roundtrip_2d(r, c)
    y = as_signal(y)
    if not is_power_of_two(y.size) or y.size < 2:
        raise ValueError(f"signal length must be a power of two >= 2, got {y.size}")
    return y, fourier_roundtrip(y.size.bit_length() - 1)


def _components_for_signal(epsilon: float, p: float, axis: str, realisations: int, basis) -> list:
    comps: list = [PhaseNoise(epsilon, axis=axis, realisations=realisations, basis=basis)]
    if p > 0:
        comps.append(BitFlipNoise(p, realisations=realisations, basis=basis))
    return comps


def _aer_density_matrices(nc: NoisyCircuit, psi: np.ndarray, draws, p: float, seed) -> list[np.ndarray]:
    """Density matrices on Aer: phase noise bound per realisation, bit flips as the Aer
    ``NoiseModel`` of :meth:`BitFlipNoise.noise_model` on the H gates."""
    from qiskit_aer import AerSimulator

    n = nc.source.num_qubits
    phase_only = [c for c in nc.components if isinstance(c, PhaseNoise)]
    nc_phase = NoisyCircuit(nc.source, phase_only)
    nm = BitFlipNoise(p, basis=nc_phase.components[0].basis).noise_model() if p > 0 else None
    sim = AerSimulator(method="density_matrix", noise_model=nm)
    qc = QuantumCircuit(n)
    qc.set_density_matrix(np.outer(psi, psi.conj()))
    qc.compose(nc_phase.circuit, inplace=True)
    qc.save_density_matrix()
    isa = generate_preset_pass_manager(optimization_level=0, backend=sim).run(qc)
    if nm is not None:
        check_noise_model_matches(isa, nm)
    params, values = nc_phase.parameter_values([[row[0]] for row in draws])
    binds = [{par: values[:, i].tolist() for i, par in enumerate(params) if par in set(isa.parameters)}]
    result = sim.run(isa, parameter_binds=binds if params else None).result()
    if not result.success:
        raise RuntimeError(f"Aer failed: {result.status}")
    return [np.asarray(result.data(k)["density_matrix"]) for k in range(len(draws))]


def noisy_quantum_signal(
    y,
    epsilon: float = 0.1,
    *,
    p: float = 0.0,
    axis: str = "z",
    realisations: int = 1,
    method: str = "trajectory",
    seed=None,
    basis: Sequence[str] = DEFAULT_BASIS,
    return_state: bool = False,
):
    r"""The paper's noisy quantum signal: ``y``'s state through a noisy QFT then IQFT.

    Parameters
    ----------
    y : array_like, shape (N,) or (R, C)
        Signal (N a power of two, not all zero); its state is ``y / ||y||`` on n = log2 N qubits.
        An image (R, C powers of two) is flattened row-major and goes through the 2-D QFT and its
        inverse (:func:`fourier_roundtrip_2d`); the result has the image's shape.
    epsilon : float
        Phase-noise amplitude (:class:`PhaseNoise`; the paper: 0.1).
    p : float
        Bit-flip probability after each Hadamard of the QFT and IQFT (:class:`BitFlipNoise`).
    axis : {"z", "random"}
        Phase-noise rotation axis.
    realisations : int
        Independent phase-noise draws (and bit-flip trajectories) averaged into one density
        matrix. 1 (default) is one run of the noisy process, as in the paper.
    method : {"trajectory", "density", "aer"}
        ``"trajectory"``: NumPy statevectors, bit flips sampled per trajectory. ``"density"``:
        NumPy density matrix, bit flips as the exact channel. ``"aer"``: Aer density matrix with
        the phase angles bound as parameters and the bit flips as the Aer ``NoiseModel``
        (:meth:`BitFlipNoise.noise_model`) on the H gates. All three use the same phase angles
        for the same seed; ``"density"`` and ``"aer"`` agree to float error.
    seed : int, SeedSequence or None
    basis : sequence of str
        Lowering basis of the QFT/IQFT (must keep ``h`` when ``p > 0``).
    return_state : bool
        Also return the density matrix ``rho`` (``(N, N)``).

    Returns
    -------
    ndarray, shape (N,)
        ``||y|| Re(rho psi) / ||rho psi||`` (module docstring): for one pure realisation, the
        output state's real part after removing its global phase relative to the input, in the
        signal's units. With ``return_state``, ``(signal, rho)``.
    """
    y, roundtrip = _roundtrip_for(y)
    shape = y.shape
    y = y.ravel()
    norm = float(np.linalg.norm(y))
    if norm == 0:
        raise ValueError("the signal is all zeros: it has no quantum state")
    if method not in ("trajectory", "density", "aer"):
        raise ValueError(f"method must be 'trajectory', 'density' or 'aer', got {method!r}")
    psi = y / norm
    comps = _components_for_signal(epsilon, p, axis, realisations, tuple(basis))
    nc = NoisyCircuit(roundtrip, comps)
    draws = nc.draws(seed)
    if method == "aer":
        rhos = _aer_density_matrices(nc, psi, draws, p, seed)
        rho_psi = np.mean([r @ psi for r in rhos], axis=0)
        rho = np.mean(rhos, axis=0) if return_state else None
    elif method == "density":
        rhos = [nc.simulate(psi, row, density=True) for row in draws]
        rho_psi = np.mean([r @ psi for r in rhos], axis=0)
        rho = np.mean(rhos, axis=0) if return_state else None
    else:
        phis = [nc.simulate(psi, row) for row in draws]
        rho_psi = np.mean([phi * np.vdot(phi, psi) for phi in phis], axis=0)
        rho = np.mean([np.outer(phi, phi.conj()) for phi in phis], axis=0) if return_state else None
    scale = np.linalg.norm(rho_psi)
    if scale < 1e-300:
        raise RuntimeError("the noisy state is orthogonal to the input; no phase reference")
    signal = (norm * rho_psi.real / scale).reshape(shape)
    return (signal, rho) if return_state else signal


def phase_noise_signal(y, epsilon: float = 0.1, *, seed=None, **kwargs) -> np.ndarray:
    """Quantum phase noise alone (the paper's scenario ii): :func:`noisy_quantum_signal`."""
    return noisy_quantum_signal(y, epsilon, seed=seed, **kwargs)


#: Spawn key of the classical stream in the mixed scenarios, apart from the quantum children.
_CLASSICAL_KEY = 0x5EED_C1A5


def _two_seeds(seed) -> tuple[np.random.SeedSequence, np.random.SeedSequence]:
    """(classical, quantum) seeds of a mixed scenario. The quantum one is ``seed`` itself, so the
    phase angles equal those of :func:`phase_noise_signal` with the same seed (the scenarios are
    paired); the classical one is a stream of its own."""
    quantum = _seed_sequence(seed)
    classical = np.random.SeedSequence(quantum.entropy, spawn_key=tuple(quantum.spawn_key) + (_CLASSICAL_KEY,))
    return classical, quantum


def awgn_phase(y, snr_db: float = 15.0, epsilon: float = 0.1, *, seed=None, **kwargs) -> np.ndarray:
    """Mixed noise (scenario iii): AWGN at ``snr_db`` on the classical signal, whose state then
    goes through the phase-noisy QFT + IQFT (the same gates and angles as
    :func:`phase_noise_signal` with the same seed; the AWGN has a stream of its own)."""
    s_c, s_q = _two_seeds(seed)
    noisy = awgn(y, snr_db, seed=np.random.default_rng(s_c))
    return noisy_quantum_signal(noisy, epsilon, seed=s_q, **kwargs)


def poisson_phase(y, scale: float = 100.0, epsilon: float = 0.1, *, seed=None, **kwargs) -> np.ndarray:
    """Poisson noise (``Poisson(scale y) / scale``, ``y >= 0``) then phase noise (supplement)."""
    s_c, s_q = _two_seeds(seed)
    noisy = poisson(y, scale=scale, seed=np.random.default_rng(s_c))
    return noisy_quantum_signal(noisy, epsilon, seed=s_q, **kwargs)


def bitflip_phase(y, p: float = 0.01, epsilon: float = 0.1, *, seed=None, **kwargs) -> np.ndarray:
    """Bit flips after each H of the QFT and IQFT together with phase noise (supplement)."""
    return noisy_quantum_signal(y, epsilon, p=p, seed=seed, **kwargs)


# ----------------------------------------------------------------------------------------------
# denoising with noise


def _fourier(M: int, inverse: bool) -> np.ndarray:
    k = np.arange(M)
    f = np.exp(2j * np.pi * np.outer(k, k) / M) / np.sqrt(M)
    return f.conj().T if inverse else f


def emulate_noisy_state(
    amplitudes: np.ndarray,
    thresholds: np.ndarray,
    schedule,
    fourier: Sequence[np.ndarray | None],
    *,
    two_sided: bool = True,
) -> np.ndarray:
    r"""Exact final amplitudes on ``(anc, j, i)`` when the windowed QFTs are noisy.

    ``fourier`` gives the M x M matrix of every Fourier instance in circuit order — the first
    QFT, then per round the QFT of ``A^dagger`` and of ``A``, then the final inverse QFT
    (``2 * rounds + 2`` entries); ``None`` is the noise-free transform. The encode stage ``E`` is
    noise-free, so ``A S_0 A^dagger = Q E S_0 E^dagger W = Q W + (e^{i alpha} - 1) Q psi_E
    <psi_E| W`` with ``Q``, ``W`` the two noisy transforms of the round: O(N M) per round and no
    restriction to the two-dimensional plane of the noise-free emulator.
    """
    from ..classical.thresholds import frequency_mask, side_mask

    c = np.asarray(amplitudes, float)
    P, M = c.shape
    s = np.sqrt(np.clip(1.0 - c**2, 0.0, None))
    psi_e = np.stack([c, s]).astype(complex) / np.sqrt(P * M)
    rounds = len(schedule.alphas)
    if len(fourier) != 2 * rounds + 2:
        raise ValueError(f"need {2 * rounds + 2} Fourier matrices for {rounds} rounds, got {len(fourier)}")
    mask = np.zeros((2, P, M), bool)
    mask[0] = frequency_mask(M, np.asarray(thresholds), side_mask(two_sided))

    def apply(u, v, inverse):
        return v @ (_fourier(M, inverse) if u is None else u).T

    v = apply(fourier[0], psi_e, False)
    for r, (alpha, beta) in enumerate(zip(schedule.alphas, schedule.betas)):
        v = np.where(mask, v * np.exp(1j * beta), v)
        w = apply(fourier[1 + 2 * r], v, True)
        w = w + (np.exp(1j * alpha) - 1.0) * psi_e * np.vdot(psi_e, w)
        v = -apply(fourier[2 + 2 * r], w, False)
    return apply(fourier[-1], v, True)


def emulator_fourier_slots(nc: NoisyCircuit, m: int, rounds: int) -> dict[int, Instance]:
    """Map each matched instance to its Fourier slot, or raise if the emulator cannot run it."""
    slots: dict[int, Instance] = {}
    M = 1 << m
    for inst in nc.instances:
        slot = None
        if inst.path[0] == "qft" and inst.top == 1:
            slot, inverse = 0, False
        elif inst.path[0] == "iqft" and inst.top == rounds + 2:
            slot, inverse = 2 * rounds + 1, True
        elif inst.path[0] == "amplify" and len(inst.path) > 1 and 2 <= inst.top < rounds + 2:
            r = inst.top - 2
            if inst.path[1] == "qft_dg":
                slot, inverse = 1 + 2 * r, True
            elif inst.path[1] == "qft":
                slot, inverse = 2 + 2 * r, False
        ok = slot is not None and slot not in slots
        if ok:
            try:
                ideal = nc.instance_unitary(inst, m)
            except ValueError:
                ok = False
            else:
                ok = np.allclose(ideal, _fourier(M, inverse), atol=1e-9)
        if not ok:
            raise ValueError(
                f"the emulator can put noise only on whole Fourier stages (qft, iqft, and the qft / "
                f"qft_dg inside amplify), not on {'/'.join(inst.path)}; use backend='statevector' "
                "or 'aer'"
            )
        slots[slot] = inst
    return slots
