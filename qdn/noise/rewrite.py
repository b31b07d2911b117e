"""The circuit half of circuit noise: rewriting a circuit so that its targeted stages carry
noise gates (:class:`NoisyCircuit`).

**Stages.** A scenario's ``stages=None`` puts noise on the whole circuit. Otherwise ``stages`` is
a tuple of selectors naming instructions of the circuit: ``"qft"`` matches every instruction
named ``qft`` at any depth; ``"/qft"`` only top-level ones; ``"amplify/oracle"`` an ``oracle``
directly inside an ``amplify``. The outermost match wins: a matched instruction is lowered whole
(to the scenario's ``basis``) and everything inside it gets the noise. The search descends only
into composite instructions (the plain ``Gate``/``Instruction`` objects that
``to_gate``/``to_instruction``/``inverse`` make, which is how qdn labels its stages), not into
library gates. In qdn's denoising circuit (:func:`qdn.circuits.problem.build_circuit`) the top
level is ``encode``, ``qft``, ``amplify`` (one per round), ``iqft``; each ``amplify`` holds
``oracle``, then ``qft_dg`` and ``encode_dg`` (the ``A^dagger`` half), ``zero_reflection``, then
``encode`` and ``qft`` (the ``A`` half). So ``stages=("qft", "iqft")`` hits the first QFT, the
QFT of every ``A`` and the final inverse QFT; add ``"qft_dg"`` for the ``A^dagger`` halves too;
``("/qft", "/iqft")`` hits only the two top-level transforms. A selector that matches nothing, or
noise that finds no gate to act on in what it matched, raises ``ValueError`` naming what it
expected and what is there.

**Noise gates.** After each lowered gate, on each of its qubits: phase noise as ``RZ`` (or ``U``
for ``axis="random"``) with unbound parameters, bit flips as ``U(pi b, 0, pi b)``, an
:class:`~qdn.noise.scenarios.AerNoise` with stages as the model's error instruction
(:func:`qdn.noise.aer.error_for`). The parameters get values per realisation from
:meth:`NoisyCircuit.draws` and :meth:`NoisyCircuit.parameter_values`; the same sites, as
``(component, slot)`` references, make the NumPy program (:attr:`NoisyCircuit.program`,
:mod:`qdn.noise.program`).
"""

from __future__ import annotations

import numpy as np
from qiskit import QuantumCircuit
from qiskit.circuit import Gate, Instruction, Parameter
from qiskit.circuit.library import RZGate, UGate
from qiskit.transpiler import generate_preset_pass_manager

from .aer import error_for
from .program import Instance, NoiseProgram
from .scenarios import AerNoise, BitFlipNoise, PhaseNoise, as_realisations, noise_components, seed_sequence

__all__ = ["NoisyCircuit"]

#: Instructions that are not gates and get no noise.
_NON_GATES = frozenset({"barrier", "measure", "reset", "delay"})


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
    program : NoiseProgram
        The instances as a NumPy program (:mod:`qdn.noise.program`).
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
        self.program = NoiseProgram(tuple(self.instances), comps, circuit.num_qubits, circuit.global_phase)

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
            err = error_for(comp.noise_model, g.name, gq)
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

    # -- values --------------------------------------------------------------------------------

    @property
    def realisations(self) -> int:
        return max((c.realisations for c in self.components), default=1)

    def draws(self, seed=None, realisations: int | None = None) -> list[list[np.ndarray]]:
        """Noise values: ``draws[k][c]`` is realisation ``k`` of component ``c``
        (:mod:`qdn.noise.scenarios`)."""
        k_total = self.realisations if realisations is None else as_realisations(realisations)
        children = seed_sequence(seed).spawn(max(1, len(self.components)))
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

    def simulate(self, initial: np.ndarray, draws_k, *, density: bool = False) -> np.ndarray:
        """NumPy statevector (or density matrix, ``density=True``) of the whole noisy circuit for
        one realisation, from ``initial`` (a statevector): :meth:`NoiseProgram.simulate
        <qdn.noise.program.NoiseProgram.simulate>`, which needs :attr:`complete`."""
        if not self.complete:
            raise ValueError("the noise does not cover the whole circuit; simulate() needs stages=None or all top-level stages")
        return self.program.simulate(initial, draws_k, density=density)
