"""Per-window frequency cutoffs tau_j (the paper's tau(A_j)), computed classically.

``threshold`` may be

* an ``int``: the same cutoff in every window;
* an array of length P: one cutoff per window;
* a callable ``f(mean) -> int`` of the window mean, applied per window (the paper's form);
* ``"auto"`` (default): per-window SURE for the spectral projection estimator, with the noise
  level from the median absolute deviation of the finest Haar detail coefficients. It sees only
  the noisy signal.

A cutoff tau keeps the bins with ``min(k, M - k) <= tau`` (two-sided, default: ``2 tau + 1``
bins, all ``M`` bins once ``tau >= M // 2``) or ``k <= tau`` (one-sided: ``tau + 1`` bins).
"""

from __future__ import annotations

from typing import Callable, Union

import numpy as np
import pywt

__all__ = ["resolve_thresholds", "sure_thresholds", "mad_sigma", "max_threshold", "kept_bins", "frequency_mask"]

ThresholdSpec = Union[int, str, np.ndarray, Callable[[float], int]]


def max_threshold(window: int, two_sided: bool = True) -> int:
    """Largest meaningful cutoff: every bin is kept at this value."""
    return window // 2 if two_sided else window - 1


def frequency_mask(window: int, thresholds: np.ndarray, two_sided: bool = True) -> np.ndarray:
    """Boolean mask of kept bins, shape ``(P, M)``: ``min(k, M-k) <= tau_j`` or ``k <= tau_j``."""
    k = np.arange(window)
    dist = np.minimum(k, window - k) if two_sided else k
    return dist[None, :] <= np.asarray(thresholds)[:, None]


def kept_bins(window: int, thresholds: np.ndarray, two_sided: bool = True) -> np.ndarray:
    """Number of kept bins per window."""
    return frequency_mask(window, thresholds, two_sided).sum(axis=1)


def mad_sigma(y: np.ndarray) -> float:
    """Noise standard deviation from the MAD of the finest Haar detail coefficients (Donoho),
    exactly-zero coefficients left out."""
    detail = pywt.wavedec(np.asarray(y, float), "haar", level=1)[-1]
    # exactly-zero details (flat stretches of counts, quantised data) say nothing about the
    # noise and would drive the estimate to 0; leave them out, as skimage's estimate_sigma does
    nonzero = detail[detail != 0]
    if nonzero.size == 0:
        return 0.0
    return float(np.median(np.abs(nonzero)) / 0.6744897501960817)


def sure_thresholds(windows: np.ndarray, sigma: float, two_sided: bool = True) -> np.ndarray:
    """Per-window cutoff minimising Stein's unbiased risk of the spectral projection.

    For window ``y_j`` and its projection ``P_t y_j`` onto the kept bins,
    ``SURE(t) = ||y_j - P_t y_j||^2 + 2 sigma^2 (kept bins) - M sigma^2``.
    """
    windows = np.asarray(windows, float)
    M = windows.shape[-1]
    power = np.abs(np.fft.fft(windows, axis=-1)) ** 2 / M  # Parseval: sum equals ||y_j||^2
    t_max = max_threshold(M, two_sided)
    taus = np.arange(t_max + 1)
    mask = frequency_mask(M, taus, two_sided)  # (T, M)
    kept_energy = power @ mask.T  # (P, T)
    residual = power.sum(axis=-1, keepdims=True) - kept_energy
    risk = residual + 2.0 * sigma**2 * mask.sum(axis=1)[None, :]
    return np.argmin(risk, axis=1).astype(np.int64)


def _check_range(taus: np.ndarray, t_max: int, what: str) -> np.ndarray:
    if taus.dtype.kind == "f":
        if not np.all(np.isfinite(taus)):
            raise ValueError(f"{what} contains non-finite values")
        if not np.all(taus == np.round(taus)):
            raise ValueError(f"{what} must be whole numbers of frequency bins, got {taus}")
    taus = taus.astype(np.int64)
    if taus.min() < 0 or taus.max() > t_max:
        raise ValueError(f"{what} must lie in [0, {t_max}] for this window, got values in [{taus.min()}, {taus.max()}]")
    return taus


def resolve_thresholds(
    windows: np.ndarray,
    threshold: ThresholdSpec = "auto",
    *,
    two_sided: bool = True,
    sigma: float | None = None,
    signal: np.ndarray | None = None,
) -> np.ndarray:
    """Turn a threshold specification into an int array of per-window cutoffs, shape ``(P,)``.

    ``windows`` has shape ``(P, M)``. ``sigma`` (for ``"auto"``) defaults to :func:`mad_sigma`
    of ``signal`` (or of the concatenated windows).
    """
    windows = np.asarray(windows, float)
    P, M = windows.shape
    t_max = max_threshold(M, two_sided)
    if isinstance(threshold, str):
        if threshold != "auto":
            raise ValueError(f"unknown threshold {threshold!r}; valid: 'auto', an int, an array of length P, or a callable of the window mean")
        if sigma is None:
            sigma = mad_sigma(windows.ravel() if signal is None else signal)
        return sure_thresholds(windows, sigma, two_sided)
    if callable(threshold):
        means = windows.mean(axis=1)
        taus = np.array([threshold(float(a)) for a in means])
        return _check_range(taus, t_max, "thresholds returned by the callable")
    if isinstance(threshold, (bool, np.bool_)):
        raise ValueError("threshold must be an int, an array, a callable or 'auto', not a bool")
    if np.isscalar(threshold):
        taus = np.full(P, threshold)
        return _check_range(np.asarray(taus), t_max, "threshold")
    taus = np.asarray(threshold)
    if taus.shape != (P,):
        raise ValueError(f"threshold array must have one entry per window (shape ({P},)), got shape {taus.shape}")
    return _check_range(taus, t_max, "threshold array")
