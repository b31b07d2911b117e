"""One global cutoff for the quantum baselines (QFT and wavelet thresholding of the whole
signal or image, :mod:`qdn.circuits.baselines`), chosen by SURE from the noisy data alone, and
the wavelets those baselines accept.

* QFT thresholding keeps ``max over axes min(k, S - k) <= tau``: SURE of that projection
  (:func:`qdn.classical.thresholds.sure_thresholds` with one window covering everything).
* Wavelet thresholding removes the ``level`` finest detail bands: SURE is
  ``||details||^2 + 2 sigma^2 (approximation size)``, over ``pywt.wavedecn`` (periodised).
"""

from __future__ import annotations

import warnings

import numpy as np
import pywt

from .thresholds import mad_sigma, sure_thresholds
from ..common.registry import unknown

__all__ = ["WAVELETS", "wavelet_name", "qft_sure_cutoff", "qwt_sure_level", "global_cutoff"]

#: Wavelets of the QWT baseline: the name used here (PyWavelets' name) -> accepted spellings.
#: ``"db2"`` is PyWavelets' name of the 4-tap Daubechies wavelet (Daubechies' / Fijany-Williams'
#: "D4"); PyWavelets' ``"db4"`` is the 8-tap one (the classical ``method="wavelet"`` default), so
#: ``"db4"`` is refused rather than silently read as either.
WAVELETS = {"haar": ("haar",), "db2": ("db2", "d4")}


def wavelet_name(wavelet: str) -> str:
    """PyWavelets' name for an accepted spelling of a QWT wavelet, or ``ValueError``."""
    for name, spellings in WAVELETS.items():
        if isinstance(wavelet, str) and wavelet.lower() in spellings:
            return name
    hint = " ('db4' is PyWavelets' 8-tap wavelet; the 4-tap Daubechies D4 is 'db2')" if wavelet == "db4" else ""
    raise ValueError(unknown("wavelet", wavelet, [s for spellings in WAVELETS.values() for s in spellings]) + hint)


def approximation_bands(x: np.ndarray, level: int, wavelet: str) -> list:
    """``pywt.wavedecn(x, wavelet, level=level, mode="periodization")``: the approximation, then
    per level a dict of detail bands."""
    with warnings.catch_warnings():  # db2 beyond dwt_max_level: "boundary effects", still exact
        warnings.filterwarnings("ignore", "Level value of .* is too high", UserWarning)
        return pywt.wavedecn(x, wavelet, level=level, mode="periodization")


def qft_sure_cutoff(x: np.ndarray, sigma: float) -> int:
    """Global cutoff minimising SURE of the spectral projection of ``x`` (1-D or a square image)."""
    x = np.asarray(x, float)
    return int(sure_thresholds(x[None], sigma, "two-sided", x.ndim)[0])


def qwt_sure_level(x: np.ndarray, sigma: float, wavelet: str = "haar") -> int:
    """Levels of detail to remove (1..log2 side) minimising SURE of the projection on the
    approximation: ``||details||^2 + 2 sigma^2 (approximation size)``."""
    x = np.asarray(x, float)
    name = wavelet_name(wavelet)
    best = None
    for level in range(1, int(np.log2(x.shape[0])) + 1):
        coeffs = approximation_bands(x, level, name)
        residual = sum(float(np.sum(d**2)) for band in coeffs[1:] for d in band.values())
        risk = residual + 2 * sigma**2 * coeffs[0].size
        if best is None or risk < best[0]:
            best = (risk, level)
    return best[1]


def global_cutoff(method: str, x: np.ndarray, threshold, wavelet: str = "haar") -> int:
    """The cutoff of baseline ``method`` ("qft": frequency bins, "qwt": detail levels removed)
    from an int or ``"auto"`` (SURE with :func:`~qdn.classical.thresholds.mad_sigma`)."""
    side_qubits = int(np.log2(np.shape(x)[0]))
    if isinstance(threshold, str):
        if threshold != "auto":
            raise ValueError(unknown("threshold", threshold, ("auto",), extra="or an int"))
        sigma = mad_sigma(x)
        return qft_sure_cutoff(x, sigma) if method == "qft" else qwt_sure_level(x, sigma, wavelet)
    if not isinstance(threshold, (int, np.integer)) or isinstance(threshold, bool):
        raise ValueError(f"method {method!r} takes one global int threshold or 'auto', got {threshold!r}")
    lo, hi = (0, (1 << side_qubits) // 2) if method == "qft" else (1, side_qubits)
    if not lo <= threshold <= hi:
        raise ValueError(f"threshold for method {method!r} must lie in [{lo}, {hi}], got {threshold}")
    return int(threshold)
