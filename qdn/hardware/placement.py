"""Place a routed ISA circuit on the device qubits with the highest estimated success.

Qiskit's preset pass managers choose the physical qubits with ``VF2Layout`` / ``SabreLayout``
and then ``VF2PostLayout``, whose score is a heuristic of their own and whose search stops after
a bounded number of candidates. On qdn's circuits the result moves with small changes of the
circuit: the compact N = 16 circuit on FakeTorino (level 2, seed 0) landed on qubits whose
gate-error product is 0.32 or 0.45 depending on the order of the multiplexor's CX gates.

:func:`best_placement` keeps the routed circuit as it is and only relabels its physical qubits:
every embedding of the circuit's interaction graph (active qubits, edges where a 2-qubit gate
acts) into the device's coupling graph (``rustworkx.vf2_mapping``, up to ``max_candidates``)
is scored by the same model as :func:`qdn.hardware.estimate_success` (:mod:`qdn.hardware.error_model`),
computed in closed form for the relabelled circuit:

.. math::

    \\log \\mathrm{ESP} = \\sum_{g} \\log(1 - e_g) + \\sum_{q\\ \\mathrm{measured}} \\log(1 - e^{meas}_q)
        + \\sum_{q} \\log \\frac{1 + e^{-t_q/T_1} + 2 e^{-t_q/T_2}}{4}

(``model="gates"`` drops the idle term; ``t_q`` is the idle time of each active qubit in the
original ASAP schedule, an approximation since gate durations vary slightly between qubits). An
embedding that puts a gate where the target does not offer it (a directed ECR the wrong way
round, a coupler removed from the target) scores ``-inf``. The best embedding, if it beats the
current placement, is applied with Qiskit's ``ApplyLayout`` post-layout step, so the circuit's
``TranspileLayout`` stays consistent.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

import rustworkx as rx
from qiskit import QuantumCircuit
from qiskit.transpiler import AnalysisPass, Layout, PassManager, Target
from qiskit.transpiler.passes import ApplyLayout

from .cost import qubit_indices
from .error_model import Timeline, instruction_properties, log_survival, qubit_log_idle

__all__ = ["Placement", "best_placement", "placement_score"]

_SKIP = ("barrier", "delay")


@dataclass(frozen=True)
class Placement:
    """The outcome of :func:`best_placement`.

    Attributes
    ----------
    circuit : QuantumCircuit
        The ISA circuit, relabelled when a better embedding was found (else the input).
    before, after : float
        Model ESP of the input placement and of the returned one.
    candidates : int
        Embeddings scored.
    moved : bool
        Whether the circuit was relabelled.
    mapping : dict of int to int
        Physical qubit of the input -> physical qubit of the output, for every qubit that
        carries an operation (the identity when not moved).
    """

    circuit: QuantumCircuit
    before: float
    after: float
    candidates: int
    moved: bool
    mapping: dict[int, int]


class _Profile:
    """What the score needs from the routed circuit, independent of where it is placed."""

    def __init__(self, isa: QuantumCircuit, target: Target):
        self.gates: Counter = Counter()  # (name, physical qargs) -> count
        self.measured: set[int] = set()
        timeline = Timeline()
        timed = True
        for ins in isa.data:
            name = ins.operation.name
            if name in _SKIP or getattr(ins.operation, "_directive", False):
                continue
            qargs = qubit_indices(isa, ins.qubits)
            if name == "measure":
                self.measured.update(qargs)
            else:
                self.gates[(name, qargs)] += 1
            props = instruction_properties(target, name, qargs)
            dur = None if props is None else props.duration
            if dur is None:
                timed, dur = False, 0.0
            timeline.add(qargs, dur, gate=name != "measure")
        self.active = sorted({q for _, qargs in self.gates for q in qargs} | self.measured)
        self.idle = timeline.idle() if timed else {}
        self.edges = sorted({tuple(sorted(qargs)) for (_, qargs) in self.gates if len(qargs) == 2})


def placement_score(profile: _Profile, target: Target, where: dict[int, int], model: str = "full") -> float:
    """``log ESP`` of the profiled circuit with physical qubit ``q`` moved to ``where[q]``."""
    total = 0.0
    for (name, qargs), count in profile.gates.items():
        mapped = tuple(where[q] for q in qargs)
        if name not in target.operation_names:
            return -math.inf
        mapping = target[name]
        if mapping is not None and mapped not in mapping and None not in mapping:
            return -math.inf  # not offered there (direction, removed coupler)
        props = instruction_properties(target, name, mapped)
        total += count * log_survival(None if props is None else props.error)
        if total == -math.inf:
            return total
    for q in profile.measured:
        props = instruction_properties(target, "measure", (where[q],))
        total += log_survival(None if props is None else props.error)
    if model == "full":
        for q, idle in profile.idle.items():
            total += qubit_log_idle(target, where[q], idle)
    return total


class _PostLayout(AnalysisPass):
    """Hand the circuit's own layout and the relabelling to ``ApplyLayout``."""

    def __init__(self, transpile_layout, post_layout: Layout):
        super().__init__()
        self.transpile_layout, self.post_layout = transpile_layout, post_layout

    def run(self, dag):
        self.transpile_layout.write_into_property_set(self.property_set)
        self.property_set["post_layout"] = self.post_layout


def best_placement(
    isa: QuantumCircuit, target: Target, *, model: str = "full", max_candidates: int = 20_000
) -> Placement:
    """Relabel the physical qubits of the routed ISA circuit ``isa`` onto the embedding of its
    interaction graph in ``target``'s coupling graph with the highest estimated success.

    Parameters
    ----------
    isa : QuantumCircuit
        A circuit already transpiled for ``target`` (with its ``layout``).
    target : Target
    model : {"full", "gates"}
        Score with the idle factor (``"full"``) or gates and readout only.
    max_candidates : int
        Embeddings scored at most (the current placement is always one of them).

    Returns
    -------
    Placement
    """
    if model not in ("full", "gates"):
        raise ValueError(f"model must be 'full' or 'gates', got {model!r}")
    profile = _Profile(isa, target)
    identity = {q: q for q in profile.active}
    before = placement_score(profile, target, identity, model)
    best, best_score, seen = identity, before, 1
    two_qubit_qubits = {q for e in profile.edges for q in e}
    if isa.layout is None or not profile.edges or set(profile.active) != two_qubit_qubits:
        # no layout to keep consistent, or a qubit without a 2-qubit gate (it could go anywhere)
        return Placement(isa, math.exp(before), math.exp(before), seen, False, identity)
    circuit_graph = rx.PyGraph()
    index = {q: circuit_graph.add_node(q) for q in profile.active}
    circuit_graph.add_edges_from_no_data([(index[a], index[b]) for a, b in profile.edges])
    device = target.build_coupling_map()
    if device is None:
        return Placement(isa, math.exp(before), math.exp(before), seen, False, identity)
    device_graph = device.graph.to_undirected(multigraph=False)
    for mapping in rx.vf2_mapping(device_graph, circuit_graph, subgraph=True, induced=False, id_order=False):
        if seen >= max_candidates:
            break
        seen += 1
        where = {circuit_graph[c]: d for d, c in mapping.items()}
        score = placement_score(profile, target, where, model)
        if score > best_score:
            best, best_score = where, score
    if best is identity:
        return Placement(isa, math.exp(before), math.exp(before), seen, False, identity)
    # a full permutation of the device: the moved qubits, then the others in order
    taken = set(best.values())
    rest_from = [q for q in range(isa.num_qubits) if q not in best]
    rest_to = [q for q in range(isa.num_qubits) if q not in taken]
    perm = dict(best)
    perm.update(zip(rest_from, rest_to))
    post = Layout({isa.qubits[q]: p for q, p in perm.items()})
    moved = PassManager([_PostLayout(isa.layout, post), ApplyLayout()]).run(isa)
    return Placement(moved, math.exp(before), math.exp(best_score), seen, True, dict(best))
