"""Quantum input: denoising the state a process prepared (the paper's eq. 4)."""

import numpy as np
import pytest
from numpy.testing import assert_allclose
from qiskit import QuantumCircuit
from qiskit.circuit.library import StatePreparation

import qdn
from _paper import paper_denoise
from qdn.data import demo_signal
from qdn.noise import awgn
from qdn.api.state import denoise_state
from qdn.classical.reference import spectral_projection


def _process(y):
    psi = np.asarray(y, float) / np.linalg.norm(y)
    n = int(np.log2(psi.size))
    qc = QuantumCircuit(n, name="process")
    qc.append(StatePreparation(psi), range(n))
    return qc


def _unit(v):
    return v / np.linalg.norm(v)


@pytest.fixture(scope="module")
def noisy64():
    return awgn(demo_signal("HeaviSine", 64), 10, seed=1) + 6.0


@pytest.mark.parametrize("variant", ["register", "compact"])
@pytest.mark.parametrize("schedule", ["fixed-point", "exact"])
def test_circuit_equals_emulator(noisy64, variant, schedule):
    taus = np.array([1, 2, 3, 1])
    kw = dict(threshold=taus, schedule=schedule, variant=variant, seed=3)
    sv = denoise_state(_process(noisy64), 16, backend="statevector", **kw)
    em = denoise_state(_process(noisy64), 16, backend="emulator", **kw)
    assert sv.schedule.iterations == em.schedule.iterations
    # "exact" uses a sampled weight estimate: Aer's and NumPy's draws differ, the outputs barely
    tol = 1e-9 if schedule == "fixed-point" else 1e-3
    assert np.max(np.abs(sv.state - em.state)) < tol


@pytest.mark.parametrize("schedule,tol", [("fixed-point", 0.05), ("exact", 0.01)])
def test_matches_classical_denoise_of_the_same_signal(noisy64, schedule, tol):
    taus = np.array([1, 2, 3, 1])
    res = denoise_state(_process(noisy64), 16, threshold=taus, schedule=schedule, delta=0.05, backend="emulator")
    classical = paper_denoise(noisy64, 16, threshold=taus, backend="emulator").denoised
    ref = _unit(spectral_projection(noisy64.reshape(4, 16), taus).ravel())
    assert_allclose(_unit(classical), ref, atol=1e-9)
    # the fixed-point output differs from the projection by at most delta in norm
    assert np.linalg.norm(res.denoised - _unit(classical)) <= tol


def test_mean_estimates_and_callable_threshold(noisy64):
    seen = []

    def tau(mean):
        seen.append(mean)
        return 1 if mean < 1.0 else 3

    res = denoise_state(_process(noisy64), 16, threshold=tau, shots_for_means=20_000, backend="emulator")
    true_rms = np.sqrt(np.mean((_unit(noisy64).reshape(4, 16)) ** 2, axis=1)) * 8  # * sqrt(N)
    assert_allclose(res.mean_estimates, true_rms, rtol=0.03)  # ~1/sqrt(5000) per window
    assert list(res.thresholds) == [1 if a < 1.0 else 3 for a in seen]
    assert res.process_calls == 20_000


@pytest.mark.parametrize("min_weight,delta", [(0.1, 0.1), (0.3, 0.05)])
def test_fixed_point_reaches_promised_success_for_every_weight_above_bound(min_weight, delta, rng):
    # states with a controlled marked weight: low-frequency part plus high-frequency part
    k = np.arange(64)
    low, high = np.cos(2 * np.pi * k / 64) + 1.5, np.cos(np.pi * k)  # bin 1 (+DC) vs bin 32
    taus = np.full(4, 2)
    for w in np.linspace(min_weight, 1.0, 7):
        psi = np.sqrt(w) * _unit(low) + np.sqrt(1 - w) * _unit(high)
        res = denoise_state(_process(psi), 16, threshold=taus, min_weight=min_weight, delta=delta, backend="emulator")
        assert res.success_probability >= 1 - delta**2 - 1e-9, f"weight {w:.2f}"


def test_sampled_readout_and_call_count(noisy64):
    taus = np.array([1, 2, 3, 1])
    res = denoise_state(_process(noisy64), 16, threshold=taus, backend="aer", shots=20_000, variant="compact")
    exact = denoise_state(_process(noisy64), 16, threshold=taus, backend="emulator")
    assert np.max(np.abs(res.denoised - np.abs(exact.denoised))) < 0.03
    assert res.process_calls == 16 + 20_000 * (1 + 2 * res.schedule.iterations)


def test_bad_input():
    qc = QuantumCircuit(4)
    with pytest.raises(ValueError, match="'auto' needs the samples"):
        denoise_state(qc, 4, threshold="auto")
    with pytest.raises(ValueError, match="larger than the signal"):
        denoise_state(qc, 32, threshold=1)
    measured = QuantumCircuit(4, 1)
    measured.h(0)
    measured.measure(0, 0)
    with pytest.raises(ValueError, match="unitary"):
        denoise_state(measured, 4, threshold=1, backend="statevector", shots_for_means=4)


def test_noisy_process_experiment_runs_small(tmp_path):
    """The paper's quantum-noise experiment through this path, at CI size."""
    import importlib.util
    import sys
    from pathlib import Path

    path = Path(__file__).parent.parent / "benchmarks" / "quantum_input.py"
    spec = importlib.util.spec_from_file_location("quantum_input_bench", path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules["quantum_input_bench"] = mod
    spec.loader.exec_module(mod)
    assert mod.main(["--quick", "--out", str(tmp_path)]) == 0
    text = (tmp_path / "quantum_input.md").read_text()
    assert "PSNR (dB) vs phase-noise amplitude eps" in text and "| HeaviSine | fixed-point |" in text


def test_noisy_process_at_zero_noise_is_the_clean_process():
    from qiskit.quantum_info import Statevector

    from qdn.api.state import noisy_signal_process, signal_process

    y = demo_signal("Bumps", 32) + 1
    a = Statevector(noisy_signal_process(y, 0.0, seed=1)).data
    assert_allclose(a, Statevector(signal_process(y)).data, atol=1e-12)
    b = Statevector(noisy_signal_process(y, 0.2, seed=1)).data
    assert np.linalg.norm(b - a) > 1e-2
