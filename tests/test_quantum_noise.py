"""Quantum noise (qdn.noise: scenarios, rewrite, program, emulate, aer, quantum): phase and bit-flip noise as circuits and as NumPy programs,
the noisy quantum signal, and noise injected into qdn.denoise.

Tolerances: paths that compute the same unitary process in different code (NumPy vs Qiskit/Aer)
agree to 1e-9 (they differ by float rounding, ~1e-15). "epsilon = 0 / p = 0 equals noise-free"
holds to 1e-12 relative: the noisy path applies the lowered gates (rz(0) included) where the
noise-free path uses FFTs or the unlowered circuit, so the two differ by float rounding only.
"""

import numpy as np
import pytest
from numpy.testing import assert_allclose
from qiskit.quantum_info import Operator, Statevector
from qiskit_aer.noise import NoiseModel, depolarizing_error

import qdn
from _paper import paper_denoise
from qdn.circuits.amplification import make_schedule
from qdn.emulator.spectral import emulate_state
from qdn.execution.runs import run_statevectors
from qdn.classical.metrics import snr
from qdn.circuits.problem import build_circuit
from qdn.noise.emulate import emulate_noisy_state
from qdn.noise.program import axis_angle_to_u
from qdn.noise.quantum import awgn_phase, bitflip_phase, fourier_roundtrip, noisy_quantum_signal, poisson_phase
from qdn.noise.rewrite import NoisyCircuit
from qdn.noise.scenarios import AerNoise, BitFlipNoise, PhaseNoise
from qdn.execution.readout import counts_amplitudes
from qdn.noise.runs import run_noisy

FOURIER = ("qft", "qft_dg", "iqft")


def _signal(rng, n=16, offset=10.0):
    return np.cumsum(rng.normal(size=n)) + offset


# ---------------------------------------------------------------------------------------------
# the transformation and its NumPy twin


@pytest.mark.parametrize("axis", ["z", "random"])
def test_numpy_program_equals_qiskit_circuit(axis, rng):
    nc = NoisyCircuit(fourier_roundtrip(4), [PhaseNoise(0.3, axis=axis), BitFlipNoise(0.3)])
    psi = rng.normal(size=16) + 1j * rng.normal(size=16)
    psi /= np.linalg.norm(psi)
    for row in nc.draws(seed=7, realisations=3):
        ours = nc.simulate(psi, row)
        ref = Statevector(psi).evolve(nc.bind(row)).data
        assert_allclose(ours, ref, rtol=0, atol=1e-9)


def test_numpy_program_equals_aer_parameter_bindings(rng):
    nc = NoisyCircuit(fourier_roundtrip(3), PhaseNoise(0.2, realisations=4))
    params, values = nc.parameter_values(nc.draws(seed=3))
    sv = run_statevectors(nc.circuit, params, values, seed=0)  # from |000>
    e0 = np.zeros(8)
    e0[0] = 1
    for k, row in enumerate(nc.draws(seed=3)):
        assert_allclose(sv[k], nc.simulate(e0, row), rtol=0, atol=1e-9)


def test_every_gate_gets_a_rotation_on_each_qubit():
    nc = NoisyCircuit(fourier_roundtrip(3), [PhaseNoise(0.1), BitFlipNoise(0.1)])
    gates = [op for inst in nc.instances for op in inst.ops if op[0] == "gate"]
    assert nc.slots[0] == sum(len(op[1]) for op in gates)
    hadamard = np.array([[1, 1], [1, -1]]) / np.sqrt(2)
    n_h = sum(1 for op in gates if op[2].shape == (2, 2) and np.allclose(op[2], hadamard))
    assert nc.slots[1] == n_h == 6  # 3 H in the QFT, 3 in the IQFT
    assert set(nc.circuit.count_ops()) == {"qft", "iqft"}  # stage labels survive


def test_noise_free_lowering_is_exact(rng):
    nc = NoisyCircuit(fourier_roundtrip(4), PhaseNoise(0.0))
    bound = nc.bind(nc.draws(0)[0])
    assert Operator(bound).equiv(Operator(fourier_roundtrip(4)), atol=1e-12)
    assert_allclose(Operator(bound).data, np.eye(16), atol=1e-12)


def test_draws_are_seeded_and_stable():
    nc = NoisyCircuit(fourier_roundtrip(3), PhaseNoise(0.1))
    a, b = nc.draws(5, 1), nc.draws(5, 4)
    assert_allclose(a[0][0], b[0][0], rtol=0, atol=0)  # realisation 0 does not depend on K
    assert not np.allclose(b[0][0], b[1][0])
    assert np.all(np.abs(b[2][0]) <= 0.1)
    both = NoisyCircuit(fourier_roundtrip(3), [PhaseNoise(0.1), BitFlipNoise(0.5)])
    assert_allclose(both.draws(5, 1)[0][0], a[0][0], rtol=0, atol=0)  # bit flips keep the angles


def test_axis_angle_to_u_is_the_rotation_up_to_phase(rng):
    axes = rng.normal(size=(20, 3))
    axes /= np.linalg.norm(axes, axis=1, keepdims=True)
    angles = rng.uniform(-np.pi, np.pi, 20)
    from qiskit.circuit.library import UGate

    paulis = [np.array([[0, 1], [1, 0]]), np.array([[0, -1j], [1j, 0]]), np.diag([1, -1])]
    for n, d, (t, p, l) in zip(axes, angles, axis_angle_to_u(axes, angles)):
        rot = np.cos(d / 2) * np.eye(2) - 1j * np.sin(d / 2) * sum(c * s for c, s in zip(n, paulis))
        assert Operator(UGate(t, p, l)).equiv(Operator(rot), atol=1e-12)


# ---------------------------------------------------------------------------------------------
# the noisy quantum signal


def test_noisy_signal_epsilon_zero_is_the_signal(rng):
    y = rng.normal(size=32)
    for method in ("trajectory", "density", "aer"):
        assert_allclose(noisy_quantum_signal(y, 0.0, seed=1, method=method), y, rtol=0, atol=1e-12 * np.abs(y).max())
    assert_allclose(noisy_quantum_signal(y, 0.0, p=0.0, axis="random", seed=1), y, rtol=0, atol=1e-12 * np.abs(y).max())


def test_noisy_signal_is_noisy_and_seeded(rng):
    y = _signal(rng, 64)
    a = noisy_quantum_signal(y, 0.1, seed=4)
    assert_allclose(a, noisy_quantum_signal(y, 0.1, seed=4), rtol=0, atol=0)
    assert not np.allclose(a, noisy_quantum_signal(y, 0.1, seed=5))
    assert 5 < snr(y, a) < 60  # distorted, not destroyed
    assert snr(y, noisy_quantum_signal(y, 0.3, seed=4)) < snr(y, a)


def test_bit_flip_numpy_channel_equals_aer_noise_model(rng):
    y = rng.normal(size=16)
    kw = dict(p=0.05, seed=11, realisations=2, return_state=True)
    s_np, rho_np = noisy_quantum_signal(y, 0.1, method="density", **kw)
    s_aer, rho_aer = noisy_quantum_signal(y, 0.1, method="aer", **kw)
    assert_allclose(rho_np, rho_aer, rtol=0, atol=1e-9)
    assert_allclose(s_np, s_aer, rtol=0, atol=1e-9 * np.abs(y).max())


def test_bit_flip_trajectories_average_to_the_channel(rng):
    y = rng.normal(size=4)
    kw = dict(p=0.1, seed=2, return_state=True)
    _, rho_channel = noisy_quantum_signal(y, 0.0, method="density", **kw)
    _, rho_traj = noisy_quantum_signal(y, 0.0, method="trajectory", realisations=1000, **kw)
    assert np.abs(rho_traj - rho_channel).max() < 0.06  # 3 x ~1/(2 sqrt(1000)) statistical error


def test_mixed_scenarios_are_seeded(rng):
    y = _signal(rng, 64)
    for fn, kw in ((awgn_phase, {}), (poisson_phase, {"scale": 50.0}), (bitflip_phase, {"p": 0.02})):
        a = fn(y, seed=3, **kw)
        assert a.shape == y.shape
        assert_allclose(a, fn(y, seed=3, **kw), rtol=0, atol=0)
        assert not np.allclose(a, y)
    # AWGN at 15 dB then phase noise: worse than either alone
    assert snr(y, awgn_phase(y, 15, 0.1, seed=3)) < 15.5
    # paired scenarios: with no AWGN / no flips the mixed functions are the phase scenario
    phase = noisy_quantum_signal(y, 0.1, seed=3)
    assert_allclose(awgn_phase(y, 300.0, 0.1, seed=3), phase, rtol=1e-9)
    assert_allclose(bitflip_phase(y, 0.0, 0.1, seed=3), phase, rtol=0, atol=0)


def test_scenario_validation():
    with pytest.raises(ValueError, match="epsilon"):
        PhaseNoise(-0.1)
    with pytest.raises(ValueError, match="axis"):
        PhaseNoise(0.1, axis="y")
    with pytest.raises(ValueError, match="lacks"):
        BitFlipNoise(0.1, basis=("cx", "rz", "sx", "x"))
    with pytest.raises(ValueError, match="power of two"):
        noisy_quantum_signal(np.ones(12))
    with pytest.raises(TypeError, match="noise must be"):
        paper_denoise(np.arange(16.0), 4, noise="phase")


# ---------------------------------------------------------------------------------------------
# stages


def _problem(y, window=4, variant="compact", schedule="exact"):
    """The DenoisingProblem qdn.denoise builds for ``y`` with threshold 1."""
    from qdn.classical.amplitude_map import AmplitudeMap
    from qdn.circuits.layout import Layout
    from qdn.circuits.problem import DenoisingProblem

    layout = Layout.from_sizes(y.size, window)
    amap = AmplitudeMap.fit(y, "linear", floor=0.25, bits=4)
    windows = y.reshape(layout.P, layout.M)
    problem = DenoisingProblem(
        layout, amap.amplitudes(windows), np.ones(layout.P, int),
        amap.quantize_mean(windows.mean(axis=1), 4), variant,
    )
    return problem, make_schedule(schedule, problem.weight)


def test_stage_selectors(rng):
    problem, sched = _problem(_signal(rng))
    qc = build_circuit(problem, sched)
    rounds = sched.iterations
    assert rounds >= 1

    def paths(stages):
        return [(i.top, i.path) for i in NoisyCircuit(qc, PhaseNoise(0.1, stages=stages)).instances]

    assert paths("/qft") == [(1, ("qft",))]
    assert paths(("qft", "iqft")) == [(1, ("qft",))] + [(2 + r, ("amplify", "qft")) for r in range(rounds)] + [(rounds + 2, ("iqft",))]
    assert [p for _, p in paths("amplify/qft_dg")] == [("amplify", "qft_dg")] * rounds
    assert [p for _, p in paths("oracle")] == [("amplify", "oracle")] * rounds
    assert len(paths(None)) == 3 + rounds  # every top-level instruction


def test_stage_matching_nothing_raises(rng):
    y = _signal(rng)
    with pytest.raises(ValueError, match=r"\['diffuser'\].*match no instruction.*amplify/zero_reflection"):
        paper_denoise(y, 4, noise=PhaseNoise(0.1, stages="diffuser"), backend="statevector", variant="compact")
    # the reflection is a labelled stage of its own, so it can be targeted
    clean = paper_denoise(y, 4, backend="statevector", variant="compact").denoised
    hit = paper_denoise(y, 4, noise=PhaseNoise(0.3, stages="zero_reflection"), backend="statevector", variant="compact")
    assert np.max(np.abs(hit.denoised - clean)) > 1e-6
    from qiskit import QuantumCircuit

    stage = QuantumCircuit(2, name="entangle")
    stage.cx(0, 1)
    stage.rz(0.3, 1)
    qc = QuantumCircuit(2)
    qc.h(0)
    qc.append(stage.to_gate(), [0, 1])
    with pytest.raises(ValueError, match=r"BitFlipNoise expects gates \['h'\].*hold only \['cx', 'rz'\]"):
        NoisyCircuit(qc, BitFlipNoise(0.1, stages="entangle"))


# ---------------------------------------------------------------------------------------------
# denoise(noise=...)


def _exact_noise_free(y, **kw):
    return paper_denoise(y, 4, threshold=1, backend="emulator", **kw)


@pytest.mark.parametrize("stages", [("qft", "iqft"), FOURIER, ("/qft",)])
@pytest.mark.parametrize("variant", ["compact", "register"])
def test_denoise_emulator_equals_statevector_under_phase_noise(stages, variant, rng):
    y = _signal(rng)
    noise = PhaseNoise(0.2, stages=stages, realisations=2)
    em = paper_denoise(y, 4, threshold=1, noise=noise, backend="emulator")
    sv = paper_denoise(y, 4, threshold=1, noise=noise, backend="statevector", variant=variant)
    assert np.max(np.abs(em.state - sv.state)) <= 1e-9
    assert_allclose(em.denoised, sv.denoised, rtol=0, atol=1e-9 * np.ptp(y))
    assert np.max(np.abs(em.denoised - _exact_noise_free(y).denoised)) > 1e-3  # the noise acts


def test_denoise_bit_flip_and_phase_emulator_equals_statevector(rng):
    y = _signal(rng)
    noise = (PhaseNoise(0.1, stages=FOURIER), BitFlipNoise(0.2, stages=FOURIER, realisations=3))
    em = paper_denoise(y, 4, threshold=1, noise=noise, backend="emulator")
    sv = paper_denoise(y, 4, threshold=1, noise=noise, backend="statevector", variant="compact")
    assert_allclose(em.denoised, sv.denoised, rtol=0, atol=1e-9 * np.ptp(y))


def test_denoise_epsilon_zero_and_p_zero_equal_noise_free(rng):
    y = _signal(rng)
    ref = _exact_noise_free(y)
    tol = 1e-12 * np.ptp(y)
    for noise in (PhaseNoise(0.0, stages=FOURIER), BitFlipNoise(0.0, stages=FOURIER),
                  (PhaseNoise(0.0, stages=FOURIER), BitFlipNoise(0.0, stages=FOURIER))):
        assert_allclose(paper_denoise(y, 4, threshold=1, noise=noise, backend="emulator").denoised, ref.denoised, rtol=0, atol=tol)
    # the whole circuit lowered to the basis, every gate followed by rz(0)
    sv = paper_denoise(y, 4, threshold=1, noise=PhaseNoise(0.0), backend="statevector", variant="compact")
    assert_allclose(sv.denoised, ref.denoised, rtol=0, atol=tol)


def test_emulator_rejects_non_fourier_stages(rng):
    with pytest.raises(ValueError, match="only on whole Fourier stages.*amplify/oracle"):
        paper_denoise(_signal(rng), 4, noise=PhaseNoise(0.1, stages="oracle"), backend="emulator")


def test_noisy_emulator_without_noise_equals_emulator(rng):
    c = rng.uniform(0.3, 0.9, size=(4, 8))
    taus = np.array([0, 1, 2, 3])
    from qdn.classical.reference import marked_weight

    sched = make_schedule("grover", marked_weight(c, taus))
    ref, _ = emulate_state(c, taus, sched)
    ours = emulate_noisy_state(c, taus, sched, [None] * (2 * sched.iterations + 2))
    assert_allclose(ours, ref, rtol=0, atol=1e-12)


def test_sampled_phase_noise_on_aer_matches_exact_realisations(rng):
    y = _signal(rng)
    noise = PhaseNoise(0.3, stages=FOURIER, realisations=2)
    aer = paper_denoise(y, 4, threshold=1, noise=noise, backend="aer", shots=20000, variant="compact", seed=0)
    assert aer.shots == 20000
    # the same two realisations (seed 0), exactly, on the emulator
    problem, sched = _problem(y)
    states = run_noisy(problem, sched, noise, backend="emulator", seed=0).states
    probs = np.mean(np.abs(states) ** 2, axis=0)
    amps, _ = counts_amplitudes(aer.counts, aer.layout)
    # pooled counts estimate the realisation-averaged probabilities
    assert np.max(np.abs(amps - np.sqrt(probs[0] / probs[0].sum()))) < 0.03  # ~1/sqrt(shots/16)


def test_aer_noise_model_is_applied(rng):
    y = _signal(rng)
    ref = paper_denoise(y, 4, threshold=1, backend="aer", shots=4000, variant="compact")
    nm = NoiseModel(basis_gates=["cx", "rz", "sx", "x"])
    nm.add_all_qubit_quantum_error(depolarizing_error(0.05, 2), ["cx"])
    res = paper_denoise(y, 4, threshold=1, noise=nm, shots=4000, variant="compact")
    assert res.backend == "aer+noise_model" and res.shots == 4000
    assert res.counts.get(next(iter(ref.counts))) != ref.counts[next(iter(ref.counts))]
    assert snr(ref.denoised, res.denoised) < 40


def test_bit_flip_noise_model_equals_trajectories_on_a_stage(rng):
    """p = 1: X after every H of the first QFT, as an Aer error inserted there, equals the
    deterministic trajectory (exact emulator), up to sampling error."""
    y = _signal(rng)
    exact = paper_denoise(y, 4, threshold=1, noise=BitFlipNoise(1.0, stages="/qft"), backend="emulator")
    model = AerNoise(BitFlipNoise(1.0).noise_model(), stages="/qft")
    sampled = paper_denoise(y, 4, threshold=1, noise=model, shots=4000, variant="compact")
    amps, _ = counts_amplitudes(sampled.counts, sampled.layout)
    probs = np.abs(exact.state[0]) ** 2
    assert np.max(np.abs(amps - np.sqrt(probs / probs.sum()))) < 0.05  # ~1/(2 sqrt(shots/16)) each


def test_noise_model_that_matches_no_gate_raises(rng):
    y = _signal(rng)
    nm = NoiseModel(basis_gates=["cx", "rz", "sx", "x"])
    nm.add_quantum_error(depolarizing_error(0.1, 2), ["cx"], [40, 41])  # qubits the circuit lacks
    with pytest.raises(ValueError, match=r"expects gates \['cx'\].*has gates \[.*'cx'.*silent no-op"):
        paper_denoise(y, 4, noise=nm, shots=100, variant="compact")
    nm_id = NoiseModel(basis_gates=["cx", "rz", "sx", "x", "id"])
    nm_id.add_all_qubit_quantum_error(depolarizing_error(0.1, 1), ["id"])
    with pytest.raises(ValueError, match=r"expects gates \['id'\]"):
        paper_denoise(y, 4, noise=nm_id, shots=100, variant="compact")
    with pytest.raises(ValueError, match="no error would be applied"):
        paper_denoise(y, 4, noise=AerNoise(nm_id, stages="qft"), shots=100, variant="compact")
    with pytest.raises(ValueError, match="sampled readout on Aer"):
        paper_denoise(y, 4, noise=nm_id, backend="statevector", variant="compact")


def test_fake_backend_noise(rng):
    from qiskit_ibm_runtime.fake_provider import FakeNairobiV2

    y = _signal(rng, 16)  # compact variant: 7 qubits, Nairobi's size
    res = paper_denoise(y, 4, threshold=1, noise=FakeNairobiV2(), shots=2000, variant="compact")
    assert res.backend.startswith("aer+") and res.shots == 2000
    assert res.denoised.shape == y.shape and np.all(np.isfinite(res.denoised))


@pytest.mark.slow
def test_fake_torino_noise(rng):
    from qiskit_ibm_runtime.fake_provider import FakeTorino

    y = _signal(rng, 16)
    res = paper_denoise(y, 4, threshold=1, noise=FakeTorino(), shots=2000, variant="compact")
    assert res.backend == "aer+fake_torino"
    assert np.all(np.isfinite(res.denoised))
