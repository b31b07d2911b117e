"""Quantum baselines (QFT and Haar-QWT thresholding) and the classical methods."""

import numpy as np
import pytest
import pywt
from numpy.testing import assert_allclose
from qiskit.quantum_info import Statevector

import qdn
from qdn.baselines import (
    haar_coefficient_index,
    haar_transform,
    qft_filter_circuit,
    qft_filter_state,
    qwt_filter_circuit,
    qwt_filter_state,
)
from qdn.data import demo_signal
from qdn.execution import run_statevector
from qdn.noise import awgn


@pytest.mark.parametrize("n,levels", [(2, 1), (3, 2), (4, 1), (4, 3), (4, 4), (5, 3)])
def test_haar_circuit_equals_pywt_wavedec_on_basis_inputs(n, levels):
    qc = haar_transform(n, levels)
    idx = haar_coefficient_index(n, levels)
    assert sorted(idx) == list(range(1 << n))
    for x in range(1 << n):
        out = Statevector.from_int(x, 1 << n).evolve(qc).data
        ref = np.concatenate(pywt.wavedec(np.eye(1 << n)[x], "haar", level=levels, mode="periodization"))
        assert_allclose(out[idx], ref, atol=1e-12)  # same signs and normalisation


@pytest.mark.parametrize("n", [3, 4, 5])
def test_qft_filter_circuit_equals_emulator(n, rng):
    c = rng.uniform(0.25, 1, size=1 << n)
    for tau in [0, 1, (1 << n) // 4, (1 << n) // 2]:
        sv = run_statevector(qft_filter_circuit(c, tau)).reshape(-1, 2, 2, 1 << n)
        assert_allclose(sv[1:], 0, atol=1e-12)  # comparator work qubits restored
        assert_allclose(sv[0], qft_filter_state(c, tau), atol=1e-9)


@pytest.mark.parametrize("n", [3, 4, 5])
def test_qwt_filter_circuit_equals_emulator(n, rng):
    c = rng.uniform(0.25, 1, size=1 << n)
    for level in range(1, n + 1):
        sv = run_statevector(qwt_filter_circuit(c, level)).reshape(2, 2, 1 << n)
        assert_allclose(sv, qwt_filter_state(c, level), atol=1e-9)


def test_baseline_outputs_equal_classical_transforms(rng):
    y = rng.normal(size=64)
    qft = qdn.denoise(y, method="qft", threshold=5, backend="statevector")
    k = np.arange(64)
    ref = np.fft.ifft(np.fft.fft(y) * (np.minimum(k, 64 - k) <= 5)).real
    assert_allclose(qft.denoised, ref, atol=1e-9 * np.ptp(y))
    qwt = qdn.denoise(y, method="qwt", threshold=2, backend="statevector")
    assert_allclose(qwt.denoised, np.repeat(y.reshape(-1, 4).mean(1), 4), atol=1e-9 * np.ptp(y))


@pytest.mark.parametrize("method", ["qft", "qwt"])
def test_baseline_sampled_readout_converges(method):
    clean = demo_signal("HeaviSine", 64)
    noisy = awgn(clean, 15, seed=0)
    exact = qdn.denoise(noisy, method=method, backend="emulator").denoised
    errs = [
        np.max(np.abs(qdn.denoise(noisy, method=method, backend="aer", shots=s, seed=2).denoised - exact))
        for s in (2_000, 200_000)
    ]
    assert errs[1] < errs[0] / 3 and errs[1] < 0.06 * np.ptp(noisy)


@pytest.mark.parametrize("method", ["qft", "qwt", "fft-window", "wavelet", "wiener", "savgol"])
def test_every_method_denoises_heavisine(method):
    clean = demo_signal("HeaviSine", 1024)
    noisy = awgn(clean, 15, seed=4)
    res = qdn.denoise(noisy, 16, method=method, backend="emulator")
    assert res.method == method and res.denoised.shape == clean.shape
    assert qdn.metrics.psnr(clean, res.denoised) > qdn.metrics.psnr(clean, noisy) + 1.0


def test_fft_window_is_qdn_classical_twin():
    clean = demo_signal("Doppler", 512)
    noisy = awgn(clean, 15, seed=1)
    twin = qdn.denoise(noisy, 16, method="fft-window")
    quantum = qdn.denoise(noisy, 16, backend="emulator")
    assert_allclose(twin.denoised, quantum.denoised, atol=1e-9 * np.ptp(noisy))
    assert list(twin.thresholds) == list(quantum.thresholds)


def test_method_errors():
    with pytest.raises(ValueError, match="valid: 'qdn', 'qft', 'qwt'"):
        qdn.denoise(np.arange(16.0), 4, method="bm3d")
    with pytest.raises(ValueError, match=r"\[1, 4\]"):
        qdn.denoise(np.arange(16.0), 4, method="qwt", threshold=9)
    with pytest.raises(ValueError, match="one global int threshold"):
        qdn.denoise(np.arange(16.0), 4, method="qft", threshold=[1, 2])
