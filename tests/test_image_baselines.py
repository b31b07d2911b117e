"""2-D QFT / QWT baselines: circuits vs emulators vs independent classical projections."""

import numpy as np
import pytest
from numpy.testing import assert_allclose
from qiskit.quantum_info import Statevector

import qdn
from qdn.circuits.baselines import qft_image_filter_circuit, qwt_image_filter_circuit
from qdn.emulator.baselines import qft_filter_state as qft_image_filter_state
from qdn.emulator.baselines import qwt_filter_state as qwt_image_filter_state


def _amplitudes(side, seed=0):
    return np.random.default_rng(seed).uniform(0.1, 0.9, size=(side, side))


def _dft_projection(a, tau):
    """Separable low-pass with explicit DFT matrices (independent of numpy.fft.fft2)."""
    S = a.shape[0]
    k = np.arange(S)
    F = np.exp(-2j * np.pi * np.outer(k, k) / S)
    keep = np.diag((np.minimum(k, S - k) <= tau).astype(float))
    P = np.linalg.inv(F) @ keep @ F
    return P @ a @ P.T


@pytest.mark.parametrize("side", [4, 8])
def test_qft_image_circuit_equals_emulator_equals_dft(side):
    a = _amplitudes(side)
    N = side * side
    for tau in range(side // 2 + 1):
        sv = Statevector(qft_image_filter_circuit(a, tau)).data.reshape(-1, 2, 2, N)
        assert_allclose(sv[1:], 0, atol=1e-12)  # work qubits return to |0>
        state = qft_image_filter_state(a, tau)
        assert_allclose(sv[0], state, atol=1e-9)
        assert_allclose(state[1, 0] * np.sqrt(N), _dft_projection(a, tau).ravel(), atol=1e-12)


@pytest.mark.parametrize("wavelet", ["haar", "db2"])
def test_qwt_image_circuit_equals_emulator(wavelet):
    a = _amplitudes(8, seed=1)
    for level in (1, 2, 3):
        sv = Statevector(qwt_image_filter_circuit(a, level, wavelet=wavelet)).data.reshape(2, 2, 64)
        assert_allclose(sv, qwt_image_filter_state(a, level, wavelet=wavelet), atol=1e-9)


@pytest.mark.parametrize("level", [1, 2, 3])
def test_qwt_image_haar_is_block_average(level):
    a = _amplitudes(16, seed=2)
    b = 1 << level
    blocks = a.reshape(16 // b, b, 16 // b, b).mean(axis=(1, 3))
    expected = np.repeat(np.repeat(blocks, b, axis=0), b, axis=1)
    kept = qwt_image_filter_state(a, level)[1, 0].real.reshape(16, 16) * 16  # sqrt(N) = 16
    assert_allclose(kept, expected, atol=1e-12)


def test_denoise_image_with_baselines():
    rng = np.random.default_rng(3)
    yy, xx = np.mgrid[:32, :32]
    clean = 1.0 + ((xx - 16) ** 2 + (yy - 16) ** 2 < 80)
    noisy = clean + 0.2 * rng.standard_normal(clean.shape)
    # 2-D QFT thresholding is qdn's image pipeline with one patch covering the image
    qft = qdn.denoise(noisy, 8, method="qft", threshold=5, backend="emulator")
    one_patch = qdn.denoise(noisy, 32, threshold=5, backend="emulator")
    assert_allclose(qft.denoised, one_patch.denoised, atol=1e-9)
    # the classical per-patch FFT projection is qdn's exact output
    assert_allclose(qdn.denoise(noisy, 8, method="fft-window").denoised,
                    qdn.denoise(noisy, 8, backend="emulator").denoised, atol=1e-9)
    for method in ("qft", "qwt"):
        res = qdn.denoise(noisy, 8, method=method, backend="emulator")
        assert res.denoised.shape == clean.shape
        assert qdn.metrics.psnr(clean, res.denoised) > qdn.metrics.psnr(clean, noisy)
    # non-square input: padded to a square by reflection, cropped back
    assert qdn.denoise(noisy[:, :24], 8, method="qwt", backend="emulator").denoised.shape == (32, 24)
    with pytest.raises(ValueError, match="skimage.restoration"):
        qdn.denoise(noisy, 8, method="wiener")
    with pytest.raises(ValueError, match="square"):
        qdn.denoise(noisy[:, :24], 8, method="qft", pad=False)
