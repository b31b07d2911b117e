"""The amplitude multiplexor: its inverse, its z-chain synthesis, and the plugin that uses it."""

import numpy as np
import pytest
from numpy.testing import assert_allclose
from qiskit import QuantumCircuit
from qiskit.circuit.library import RYGate, UCRYGate
from qiskit.quantum_info import Operator
from qiskit.transpiler import generate_preset_pass_manager

from qdn.circuits.amplification import make_schedule
from qdn.circuits.multiplexor import MultiplexedRY, UCRYZChainSynthesis, hls_config, ucry_z_chain
from qdn.circuits.problem import build_circuit
from qdn.hardware.resources import GENERIC_BASIS, make_problem


def _ucry_by_blocks(angles) -> np.ndarray:
    """sum_x |x><x|_controls (x) RY(angles[x]) with the target as qubit 0 (little-endian)."""
    k = int(np.log2(len(angles)))
    out = np.zeros((2 << k, 2 << k), complex)
    for x, theta in enumerate(angles):
        ry = RYGate(theta).to_matrix()
        for a in range(2):
            for b in range(2):
                out[2 * x + a, 2 * x + b] = ry[a, b]
    return out


@pytest.mark.parametrize("k", [0, 1, 2, 3, 4, 5])
def test_z_chain_is_the_multiplexor(k, rng):
    """Equal to the block-diagonal matrix built independently, global phase included."""
    angles = rng.uniform(-2 * np.pi, 2 * np.pi, 1 << k)
    angles[0] = 0.0  # Qiskit drops rotations below 1e-10: the chain must still be exact
    assert_allclose(Operator(ucry_z_chain(angles)).data, _ucry_by_blocks(angles), atol=1e-12)
    assert_allclose(Operator(UCRYGate(list(angles))).data, _ucry_by_blocks(angles), atol=1e-12)


@pytest.mark.parametrize("k", [1, 3, 6])
def test_z_chain_gates(k, rng):
    """2^k CX, 2^k rz at most, and only the two X rotations of the basis change besides."""
    ops = ucry_z_chain(rng.uniform(-3, 3, 1 << k)).count_ops()
    assert ops["cx"] == 1 << k and ops["rz"] <= 1 << k and ops["rx"] == 2
    assert set(ops) == {"cx", "rz", "rx"}


@pytest.mark.parametrize("k", [1, 2, 4])
def test_multiplexed_ry_inverse_is_a_ucry(k, rng):
    gate = MultiplexedRY(list(rng.uniform(-3, 3, 1 << k)))
    inv = gate.inverse()
    assert isinstance(inv, UCRYGate) and inv.name == "ucry"
    assert_allclose(Operator(inv).data, Operator(gate).data.conj().T, atol=1e-12)
    assert_allclose(Operator(gate).data, Operator(UCRYGate(gate.params)).data, atol=0)


def test_plugin_declines_other_objects():
    assert UCRYZChainSynthesis().run(RYGate(0.3)) is None


@pytest.mark.parametrize("k", [2, 5])
def test_generic_lowering_with_the_plugin(k, rng):
    """Level 3 with qdn's HLS config: N CX as Qiskit's default, N rz, a constant number of X
    rotations (the default leaves one ``sx`` per sample or more), same operator."""
    qc = QuantumCircuit(k + 1)
    qc.h(range(1, k + 1))
    qc.append(MultiplexedRY(list(rng.uniform(-3, 3, 1 << k))), range(k + 1))
    qc.append(MultiplexedRY(list(rng.uniform(-3, 3, 1 << k))).inverse(), range(k + 1))
    ours, default = (
        generate_preset_pass_manager(optimization_level=3, basis_gates=list(GENERIC_BASIS), seed_transpiler=0,
                                     hls_config=cfg).run(qc)
        for cfg in (hls_config(), None)
    )
    n = 1 << k
    assert ours.count_ops()["cx"] == default.count_ops()["cx"] == 2 * n
    assert ours.count_ops().get("sx", 0) + ours.count_ops().get("x", 0) <= 4 + k
    assert default.count_ops().get("sx", 0) >= n
    assert Operator.from_circuit(ours).equiv(Operator(qc))


@pytest.mark.parametrize("variant", ["compact", "register"])
def test_pipeline_lowered_with_the_plugin_is_the_pipeline(variant):
    """The whole N = 16 circuit (amplification round included, so A^dagger's multiplexor too)
    keeps its output under qdn's level-3 lowering, and the plugin removes the sx gates."""
    problem = make_problem(16, 4, variant)
    qc = build_circuit(problem, make_schedule("exact", problem.weight))
    assert "ucry_dg" not in qc.decompose(reps=3).count_ops()
    low, default = (
        generate_preset_pass_manager(optimization_level=3, basis_gates=list(GENERIC_BASIS), seed_transpiler=0,
                                     hls_config=cfg).run(qc)
        for cfg in (hls_config(), None)
    )
    if variant == "compact":  # 7 qubits; the register frame (14) is too large for an Operator here
        # level 3 uses the work qubits as clean ancillas: the lowering is exact on |0...0> only
        got, want = Operator.from_circuit(low).data[:, 0], Operator(qc).data[:, 0]
        phase = np.vdot(want, got)
        assert abs(abs(phase) - 1) < 1e-10
        assert_allclose(got, phase * want, atol=1e-10)
    # three multiplexors (encode, A^dagger, A): the default leaves at least one sx per sample in each
    assert default.count_ops()["sx"] - low.count_ops()["sx"] >= 3 * problem.layout.N
    assert low.count_ops()["cx"] <= default.count_ops()["cx"]
