"""Every method behind ``qdn.denoise(..., method=...)`` other than qdn itself.

Quantum baselines (``"qft"``, ``"qwt"``) use the same encoding, backends and readout as qdn;
their ``threshold`` is one global cutoff (QFT bins, ``min(k, N-k) <= tau``) or the number of
finest wavelet detail bands removed (QWT; ``wavelet="haar"`` or the 4-tap Daubechies ``"db2"``,
alias ``"d4"``), ``"auto"`` choosing it by SURE of the projection with the MAD noise estimate.
Classical methods (:mod:`qdn.classical.denoisers`) run in NumPy/SciPy.
"""

from __future__ import annotations

import warnings
from functools import partial
from typing import Any

import numpy as np
import pywt

from ..classical import denoisers as classical
from ..classical.amplitude_map import AmplitudeMap
from ..circuits.baselines import _wavelet, qft_filter_circuit, qft_filter_state, qwt_filter_circuit, qwt_filter_state
from ..emulator.spectral import sample_state
from .image import mad_sigma_2d
from ..circuits.image_baselines import (
    qft_image_filter_circuit,
    qft_image_filter_state,
    qft_image_sure_threshold,
    qwt_image_filter_circuit,
    qwt_image_filter_state,
    qwt_image_sure_level,
)
from ..execution.runs import backend_label, check_fits, run_sampler, run_statevector
from ..execution.readout import rescale
from .results import DenoiseResult
from ..classical.thresholds import mad_sigma, sure_thresholds

__all__ = ["METHODS", "QUANTUM_BASELINES", "run_method", "qwt_sure_level"]

QUANTUM_BASELINES = ("qft", "qwt")
METHODS = ("qdn",) + QUANTUM_BASELINES + classical.CLASSICAL_METHODS


def qwt_sure_level(y: np.ndarray, sigma: float, wavelet: str = "haar") -> int:
    """Number of finest wavelet bands to remove (1..n) minimising SURE of the projection."""
    n = int(np.log2(y.size))
    name = _wavelet(wavelet)
    best = None
    for level in range(1, n + 1):
        with warnings.catch_warnings():  # db2 beyond dwt_max_level: "boundary effects", still exact
            warnings.filterwarnings("ignore", "Level value of .* is too high", UserWarning)
            coeffs = pywt.wavedec(y, name, level=level, mode="periodization")
        residual = sum(float(np.sum(d**2)) for d in coeffs[1:])
        risk = residual + 2 * sigma**2 * coeffs[0].size
        if best is None or risk < best[0]:
            best = (risk, level)
    return best[1]


def _cutoff(method: str, y: np.ndarray, threshold, wavelet: str = "haar") -> int:
    n = int(np.log2(y.size))
    if isinstance(threshold, str):
        if threshold != "auto":
            raise ValueError(f"unknown threshold {threshold!r}; valid: 'auto' or an int")
        sigma = mad_sigma(y)
        if method == "qft":
            return int(sure_thresholds(y[None, :], sigma)[0])
        return qwt_sure_level(y, sigma, wavelet)
    if not isinstance(threshold, (int, np.integer)) or isinstance(threshold, bool):
        raise ValueError(f"method {method!r} takes one global int threshold or 'auto', got {threshold!r}")
    lo, hi = (0, y.size // 2) if method == "qft" else (1, n)
    if not lo <= threshold <= hi:
        raise ValueError(f"threshold for method {method!r} must lie in [{lo}, {hi}], got {threshold}")
    return int(threshold)


def _image_cutoff(method: str, image: np.ndarray, threshold, wavelet: str) -> int:
    s = int(np.log2(image.shape[0]))
    if isinstance(threshold, str):
        if threshold != "auto":
            raise ValueError(f"unknown threshold {threshold!r}; valid: 'auto' or an int")
        sigma = mad_sigma_2d(image)
        if method == "qft":
            return qft_image_sure_threshold(image, sigma)
        return qwt_image_sure_level(image, sigma, wavelet)
    if not isinstance(threshold, (int, np.integer)) or isinstance(threshold, bool):
        raise ValueError(f"method {method!r} takes one global int threshold or 'auto', got {threshold!r}")
    lo, hi = (0, image.shape[0] // 2) if method == "qft" else (1, s)
    if not lo <= threshold <= hi:
        raise ValueError(f"threshold for method {method!r} must lie in [{lo}, {hi}], got {threshold}")
    return int(threshold)


def run_method(
    method: str,
    y: np.ndarray,
    *,
    window: int,
    threshold: Any,
    backend: Any,
    shots: int | None,
    seed: int | None,
    encoding: str,
    floor: float,
    mean_bits: int,
    wavelet: str | None = None,
) -> DenoiseResult:
    """Run a non-qdn ``method`` on a padded, validated signal ``y`` (length a power of two), or,
    for ``"qft"``/``"qwt"``, on a square image ``y`` whose side is a power of two
    (:mod:`qdn.circuits.image_baselines`; ``window`` is then unused).

    ``wavelet`` (``method="qwt"`` only; None = "haar"): "haar" or "db2" (alias "d4").
    """
    if wavelet is not None and method != "qwt":
        raise ValueError(f"wavelet= applies to method='qwt' only, not {method!r}")
    wavelet = _wavelet("haar" if wavelet is None else wavelet)
    if method in classical.CLASSICAL_METHODS:
        taus = np.array([], dtype=np.int64)
        if method == "fft-window":
            out, taus = classical.fft_window(y, window=window, threshold=threshold)
        elif method == "wavelet":
            out = classical.wavelet(y)
        elif method == "wiener":
            out = classical.wiener(y)
        else:
            out = classical.savgol(y)
        return DenoiseResult(out, None, taus, 0, None, 1.0, 1.0, "classical", None, None, None, method)

    image = y.ndim == 2  # a square image, side a power of two (qdn.circuits.image_baselines)
    amap = AmplitudeMap.fit(y.ravel(), encoding, floor=floor, bits=mean_bits)
    c = amap.amplitudes(y.ravel()).reshape(y.shape)
    cut = _image_cutoff(method, y, threshold, wavelet) if image else _cutoff(method, y, threshold, wavelet)
    n = int(np.log2(y.size))
    N = y.size
    if method == "qft":
        emulate, build = (qft_image_filter_state, qft_image_filter_circuit) if image else (qft_filter_state, qft_filter_circuit)
    else:
        e2, b2 = (qwt_image_filter_state, qwt_image_filter_circuit) if image else (qwt_filter_state, qwt_filter_circuit)
        emulate, build = partial(e2, wavelet=wavelet), partial(b2, wavelet=wavelet)
    if backend is None:
        backend = "statevector" if n + 4 + 4 * (image and method == "qft") <= 20 else "emulator"
    rng = np.random.default_rng(seed)
    circuit = counts = state = None
    if backend == "emulator":
        state = emulate(c, cut)
        if shots is not None:
            counts = sample_state(state, shots, rng)  # C-order (keep, anc, i): key i + N anc + 2N keep
    else:
        circuit = build(c, cut, measure=backend != "statevector")
        check_fits(circuit.num_qubits, backend)
        if backend == "statevector":
            state = run_statevector(circuit, seed=seed).reshape(-1, 2, 2, N)[0]
            if shots is not None:
                counts = sample_state(state, shots, rng)
        else:
            shots = shots or 8192
            counts = run_sampler(circuit, backend, shots=shots, seed=seed)
    kept_probability = float(np.sum(np.abs(emulate(c, cut)[1, 0]) ** 2))
    if counts is not None:
        hist = np.zeros(4 * N)
        for key, v in counts.items():
            hist[key] += v
        good = hist[2 * N : 3 * N]  # keep = 1, anc = 0
        if good.sum() == 0:
            raise RuntimeError("no shot passed post-selection (keep = 1, anc = 0); increase shots")
        good = np.sqrt(good / good.sum())
    else:
        good = state[1, 0]
    denoised = amap.decode(rescale(good, float(c.sum()))).reshape(y.shape)
    return DenoiseResult(
        denoised, circuit, np.array([cut]), 0, None, kept_probability, kept_probability,
        backend_label(backend), shots, None, amap, method, state, counts,
    )
