"""ESP-driven placement of routed ISA circuits (qdn.hardware.placement) and its use in qdn.hardware."""

import math
from collections import Counter

import numpy as np
import pytest
from numpy.testing import assert_allclose
from qiskit import QuantumCircuit
from qiskit.quantum_info import Statevector

from qdn.execution.transpile import uses_dead_coupler
from qdn.hardware.placement import best_placement

hw = pytest.importorskip("qdn.hardware")
fake_provider = pytest.importorskip("qiskit_ibm_runtime.fake_provider")


@pytest.fixture(scope="module")
def torino():
    return fake_provider.FakeTorino()


def _measured_distribution(isa: QuantumCircuit) -> dict[str, float]:
    """Ideal probabilities of the classical register, from the statevector of ``isa`` without
    its final measurements (qubits in the order of the clbits they are measured into)."""
    order = sorted(
        (isa.find_bit(ins.clbits[0]).index, isa.find_bit(ins.qubits[0]).index)
        for ins in isa.data if ins.operation.name == "measure"
    )
    body = isa.remove_final_measurements(inplace=False)
    active = sorted({body.find_bit(q).index for ins in body.data for q in ins.qubits})
    small = QuantumCircuit(len(active))  # the statevector of the active qubits only
    pos = {q: k for k, q in enumerate(active)}
    for ins in body.data:
        if ins.operation.name != "barrier":
            small.append(ins.operation, [pos[body.find_bit(q).index] for q in ins.qubits])
    probs = Statevector(small).probabilities_dict(qargs=[pos[q] for _, q in order])
    return {k: v for k, v in probs.items() if v > 1e-12}


def _random_circuit(n: int, rng) -> QuantumCircuit:
    qc = QuantumCircuit(n, n)
    for _ in range(3):
        for q in range(n):
            qc.ry(rng.uniform(0, np.pi), q)
        for q in range(n - 1):
            qc.cx(q, q + 1)
        qc.cx(n - 1, 0)
    qc.measure(range(n), range(n))
    return qc


@pytest.mark.parametrize("backend_name", ["FakeGuadalupeV2", "FakeManilaV2"])
def test_relabelled_circuit_is_the_same_computation(backend_name, rng):
    """The placement only renames physical qubits: same measured distribution, layouts composed."""
    backend = getattr(fake_provider, backend_name)()
    qc = _random_circuit(4, rng)
    isa = hw.prepare(qc, backend, placement=None, seed_transpiler=1)
    found = best_placement(isa, backend.target, max_candidates=500)
    hw.check_isa(found.circuit, backend)
    assert found.after >= found.before
    assert found.candidates >= 2
    want, got = _measured_distribution(isa), _measured_distribution(found.circuit)
    assert set(want) == set(got)
    assert_allclose([got[k] for k in sorted(want)], [want[k] for k in sorted(want)], atol=1e-10)
    perm = found.mapping
    assert found.moved == any(a != b for a, b in perm.items())

    def ops(circuit, rename):
        return Counter(
            (ins.operation.name, tuple(rename(circuit.find_bit(q).index) for q in ins.qubits),
             tuple(float(x) for x in ins.operation.params))
            for ins in circuit.data
        )

    assert ops(isa, perm.__getitem__) == ops(found.circuit, lambda q: q)  # the same gates, renamed
    old, new = isa.layout.initial_index_layout(), found.circuit.layout.initial_index_layout()
    assert [new[v] for v in range(4)] == [perm[old[v]] for v in range(4)]
    oldf, newf = isa.layout.final_index_layout(), found.circuit.layout.final_index_layout()
    assert [newf[v] for v in range(4)] == [perm[oldf[v]] for v in range(4)]


def test_placement_raises_the_estimate_on_torino(torino):
    """The compact N = 16 circuit, level 2, seed 0: Qiskit's placement estimated 0.18 (full) in
    this build; the best embedding is worth more, and the closed-form score used to choose it
    matches :func:`qdn.hardware.estimate_success` of the moved circuit within 10 %."""
    prog = hw.synthetic_program(16, None, "compact")
    plain = hw.prepare(prog, torino, placement=None)
    found = best_placement(plain, torino.target)
    placed = hw.prepare(prog, torino)  # placement="full" is the default
    before, after = hw.estimate_success(plain, torino).total, hw.estimate_success(placed, torino).total
    assert found.moved and after > before
    assert after == pytest.approx(hw.estimate_success(found.circuit, torino).total)
    assert found.after == pytest.approx(after, rel=0.1)
    assert found.before == pytest.approx(before, rel=0.1)
    assert not uses_dead_coupler(placed, torino.target)
    hw.check_isa(placed, torino)


def test_directed_two_qubit_gates_stay_on_offered_directions():
    """FakeSherbrooke's ECR is offered in one direction per coupler: a moved circuit keeps it."""
    sherbrooke = fake_provider.FakeSherbrooke()
    isa = hw.prepare(hw.synthetic_program(16, None, "compact"), sherbrooke)
    hw.check_isa(isa, sherbrooke)
    assert "ecr" in isa.count_ops()


def test_gates_model_and_options(torino):
    prog = hw.synthetic_program(8, None, "compact")
    plain = hw.prepare(prog, torino, placement=None)
    gates = best_placement(plain, torino.target, model="gates")
    est = hw.estimate_success(gates.circuit, torino)
    assert gates.after == pytest.approx(est.gates_readout, rel=1e-9)  # no approximation without idle
    with pytest.raises(ValueError, match="model must be"):
        best_placement(plain, torino.target, model="idle")
    with pytest.raises(ValueError, match="placement must be"):
        hw.prepare(prog, torino, placement="best")


def test_explicit_initial_layout_is_kept(torino):
    prog = hw.synthetic_program(8, None, "compact")
    layout = [10, 11, 12, 13, 14, 15]
    isa = hw.prepare(prog, torino, initial_layout=layout, optimization_level=1)
    assert isa.layout.initial_index_layout()[: len(layout)] == layout


def test_circuit_without_two_qubit_gates_is_left_alone(torino):
    qc = QuantumCircuit(2, 2)
    qc.h([0, 1])
    qc.measure([0, 1], [0, 1])
    isa = hw.prepare(qc, torino, placement=None)
    found = best_placement(isa, torino.target)
    assert not found.moved and found.circuit is isa and math.isclose(found.before, found.after)
