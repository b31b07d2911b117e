"""Quantum baselines (QFT and Haar/D4-QWT thresholding) and the classical methods."""

import warnings

import numpy as np
import pytest
import pywt
from numpy.testing import assert_allclose
from qiskit.quantum_info import Operator, Statevector

import qdn
from _paper import paper_denoise
from qdn.circuits.baselines import (
    cyclic_shift,
    d4_transform,
    haar_coefficient_index,
    haar_transform,
    qft_filter_circuit,
    qwt_filter_circuit,
)
from qdn.emulator.baselines import qft_filter_state, qwt_filter_state
from qdn.data import demo_signal
from qdn.execution.runs import run_statevector
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


def _wavedec_matrix(n, levels, wavelet):
    """Column k: ``np.concatenate(pywt.wavedec(e_k, wavelet, mode="periodization", level=levels))``."""
    with warnings.catch_warnings():  # db2 beyond dwt_max_level warns of boundary effects
        warnings.simplefilter("ignore", UserWarning)
        cols = [np.concatenate(pywt.wavedec(e, wavelet, level=levels, mode="periodization")) for e in np.eye(1 << n)]
    return np.array(cols).T


@pytest.mark.parametrize("n", [1, 2, 3, 4, 5])
@pytest.mark.parametrize("step", [1, -1])
def test_cyclic_shift_is_a_roll(n, step):
    assert_allclose(Operator(cyclic_shift(n, step)).data, np.roll(np.eye(1 << n), step, axis=0), atol=1e-12)


@pytest.mark.parametrize("n,levels", [(n, levels) for n in range(3, 7) for levels in range(1, n + 1)])
def test_d4_circuit_equals_pywt_db2_wavedec_on_basis_inputs(n, levels):
    # all levels, also those beyond pywt.dwt_max_level (the periodised filter wraps around)
    U = Operator(d4_transform(n, levels)).data
    idx = haar_coefficient_index(n, levels)
    ref = _wavedec_matrix(n, levels, "db2")
    # same signs and normalisation: no per-coefficient sign flip, no global phase
    assert_allclose(U[idx], ref, rtol=0, atol=1e-10)
    assert_allclose(U.imag, 0, atol=1e-10)
    assert_allclose(U.real.T @ U.real, np.eye(1 << n), atol=1e-10)  # orthogonal
    assert_allclose(ref @ ref.T, np.eye(1 << n), atol=1e-10)


def test_d4_one_level_is_the_paper_kernel_after_a_shift():
    # D4 = (I x C1) Q+1 (I x C0) (Fijany-Williams) is PyWavelets' db2 of the input rolled by one
    n = 4
    qc = d4_transform(n, 1)
    assert [inst.operation.name for inst in qc.data] == ["dec", "ry", "inc", "ry"]
    paper = qc.copy_empty_like()
    for inst in qc.data[1:]:
        paper.append(inst)
    ref = _wavedec_matrix(n, 1, "db2") @ np.roll(np.eye(1 << n), 1, axis=0)
    assert_allclose(Operator(paper).data[haar_coefficient_index(n, 1)], ref, atol=1e-12)


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


@pytest.mark.parametrize("n", [3, 4, 5])
def test_qwt_d4_filter_circuit_equals_emulator(n, rng):
    c = rng.uniform(0.25, 1, size=1 << n)
    for level in range(1, n + 1):
        sv = run_statevector(qwt_filter_circuit(c, level, wavelet="db2")).reshape(2, 2, 1 << n)
        assert_allclose(sv, qwt_filter_state(c, level, wavelet="d4"), atol=1e-9)
        if level < n:  # (all n levels keep only the mean, for any wavelet)
            assert not np.allclose(sv, qwt_filter_state(c, level), atol=1e-3)  # not the Haar filter


def test_qwt_d4_output_is_the_db2_projection(rng):
    y = rng.normal(size=64)
    coeffs = pywt.wavedec(y, "db2", level=2, mode="periodization")
    ref = pywt.waverec([coeffs[0]] + [np.zeros_like(d) for d in coeffs[1:]], "db2", mode="periodization")
    for backend in ("statevector", "emulator"):
        res = paper_denoise(y, method="qwt", wavelet="db2", threshold=2, backend=backend)
        assert_allclose(res.denoised, ref, atol=1e-9 * np.ptp(y))
    auto = paper_denoise(y, method="qwt", wavelet="db2", backend="emulator")  # SURE on db2 bands
    assert 1 <= auto.thresholds[0] <= 6


def test_wavelet_option_errors():
    with pytest.raises(ValueError, match="'db4' is PyWavelets' 8-tap"):
        paper_denoise(np.arange(16.0), method="qwt", wavelet="db4")
    with pytest.raises(ValueError, match="unknown wavelet 'sym2'"):
        qwt_filter_circuit(np.full(8, 0.5), 1, wavelet="sym2")
    with pytest.raises(ValueError, match="method='qwt' only"):
        paper_denoise(np.arange(16.0), method="qft", wavelet="haar")
    with pytest.raises(ValueError, match="method='qwt' only"):
        paper_denoise(np.arange(16.0), wavelet="db2")


def test_baseline_outputs_equal_classical_transforms(rng):
    y = rng.normal(size=64)
    qft = paper_denoise(y, method="qft", threshold=5, backend="statevector")
    k = np.arange(64)
    ref = np.fft.ifft(np.fft.fft(y) * (np.minimum(k, 64 - k) <= 5)).real
    assert_allclose(qft.denoised, ref, atol=1e-9 * np.ptp(y))
    qwt = paper_denoise(y, method="qwt", threshold=2, backend="statevector")
    assert_allclose(qwt.denoised, np.repeat(y.reshape(-1, 4).mean(1), 4), atol=1e-9 * np.ptp(y))


@pytest.mark.parametrize("method", ["qft", "qwt"])
def test_baseline_sampled_readout_converges(method):
    clean = demo_signal("HeaviSine", 64)
    noisy = awgn(clean, 15, seed=0)
    exact = paper_denoise(noisy, method=method, backend="emulator").denoised
    errs = [
        np.max(np.abs(paper_denoise(noisy, method=method, backend="aer", shots=s, seed=2).denoised - exact))
        for s in (2_000, 200_000)
    ]
    assert errs[1] < errs[0] / 3 and errs[1] < 0.06 * np.ptp(noisy)


@pytest.mark.parametrize("method", ["qft", "qwt", "fft-window", "wavelet", "wiener", "savgol"])
def test_every_method_denoises_heavisine(method):
    clean = demo_signal("HeaviSine", 1024)
    noisy = awgn(clean, 15, seed=4)
    res = paper_denoise(noisy, 16, method=method, backend="emulator")
    assert res.method == method and res.denoised.shape == clean.shape
    assert qdn.metrics.psnr(clean, res.denoised) > qdn.metrics.psnr(clean, noisy) + 1.0


def test_fft_window_is_qdn_classical_twin():
    clean = demo_signal("Doppler", 512)
    noisy = awgn(clean, 15, seed=1)
    twin = paper_denoise(noisy, 16, method="fft-window")
    quantum = paper_denoise(noisy, 16, backend="emulator")
    assert_allclose(twin.denoised, quantum.denoised, atol=1e-9 * np.ptp(noisy))
    assert list(twin.thresholds) == list(quantum.thresholds)


def test_method_errors():
    with pytest.raises(ValueError, match="valid: 'qdn', 'qft', 'qwt'"):
        paper_denoise(np.arange(16.0), 4, method="bm3d")
    with pytest.raises(ValueError, match=r"\[1, 4\]"):
        paper_denoise(np.arange(16.0), 4, method="qwt", threshold=9)
    with pytest.raises(ValueError, match="one global int threshold"):
        paper_denoise(np.arange(16.0), 4, method="qft", threshold=[1, 2])
