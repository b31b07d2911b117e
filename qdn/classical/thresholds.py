"""Per-window frequency cutoffs tau_j (the paper's tau(A_j)), computed classically, for 1-D
windows and N-D patches alike.

``threshold`` may be

* an ``int``: the same cutoff in every window;
* an array with one entry per window (shape ``(P,)``, or the window grid's shape);
* a callable ``f(mean) -> int`` of the window mean, applied per window (the paper's form);
* ``"auto"`` (default): per-window SURE for the spectral projection estimator, with the noise
  level from the median absolute deviation of the finest Haar detail coefficients. It sees only
  the noisy data.

Which frequencies a cutoff keeps is the *mask* (:data:`MASKS`), with ``d(k) = min(k, M - k)``
per axis of an ``M``-sample (per side) window:

* ``"two-sided"`` (1-D default) / ``"separable"`` (its N-D name): ``max over axes d(k) <= tau``
  (``2 tau + 1`` bins in 1-D; all of them once ``tau >= M // 2``);
* ``"one-sided"`` (1-D, the paper's literal form): ``k <= tau``;
* ``"radial"`` (N-D): ``sum over axes d(k)**2 <= tau**2``, a disc.
"""

from __future__ import annotations

import math
from typing import Callable, Union

import numpy as np
import pywt

from ..common.registry import check_choice, unknown

__all__ = [
    "MASKS",
    "ThresholdSpec",
    "side_mask",
    "resolve_thresholds",
    "sure_thresholds",
    "mad_sigma",
    "max_threshold",
    "frequency_mask",
    "fixed_cutoffs",
]

ThresholdSpec = Union[int, str, np.ndarray, Callable[[float], int]]

#: Mask name -> the number of dimensions it exists in (None: any).
MASKS = {"two-sided": None, "separable": None, "one-sided": 1, "radial": None}

# 0.6745 = the median of |N(0, 1)|: MAD / 0.6745 estimates sigma
_MAD_TO_SIGMA = 0.6744897501960817


def side_mask(two_sided: bool) -> str:
    """The 1-D mask name for the ``two_sided`` flag of the 1-D API."""
    return "two-sided" if two_sided else "one-sided"


def _check_mask(mask: str, ndim: int) -> None:
    check_choice("mask", mask, MASKS)
    if MASKS[mask] is not None and MASKS[mask] != ndim:
        raise ValueError(f"mask {mask!r} exists for {MASKS[mask]}-D windows only, not {ndim}-D")


def _distance(window: int, mask: str, ndim: int) -> np.ndarray:
    """Per-frequency distance compared with ``tau`` (``tau**2`` for radial), shape ``(M,)*ndim``."""
    k = np.arange(window)
    if mask == "one-sided":
        return k
    d = np.minimum(k, window - k)
    grids = np.meshgrid(*([d] * ndim), indexing="ij")
    if mask == "radial":
        return sum(g**2 for g in grids)
    return np.maximum.reduce(grids) if ndim > 1 else d


def max_threshold(window: int, mask: str = "two-sided", ndim: int = 1) -> int:
    """Smallest cutoff that keeps every frequency of a window of side ``window``."""
    _check_mask(mask, ndim)
    if mask == "one-sided":
        return window - 1
    if mask == "radial":
        r2 = ndim * (window // 2) ** 2
        return math.isqrt(r2 - 1) + 1 if r2 > 0 else 0
    return window // 2


def frequency_mask(window: int, thresholds, mask: str = "two-sided", ndim: int = 1) -> np.ndarray:
    """Kept frequencies per cutoff: boolean, shape ``thresholds.shape + (window,)*ndim``
    (axis order of ``numpy.fft.fftn``: the last axis is the fastest index)."""
    _check_mask(mask, ndim)
    taus = np.asarray(thresholds)
    if mask == "radial":
        taus = taus**2
    return _distance(window, mask, ndim) <= taus[(...,) + (None,) * ndim]


def mad_sigma(x: np.ndarray) -> float:
    """Noise standard deviation from the MAD of the finest Haar detail coefficients (Donoho):
    ``pywt.dwtn``'s all-detail band (``"d"`` in 1-D, the diagonal ``"dd"`` in 2-D), as
    ``skimage.restoration.estimate_sigma`` does.

    Exactly-zero coefficients are left out: flat stretches (counts, quantised data, a padded
    border, a zero background) say nothing about the noise and would drive the estimate to 0.
    """
    x = np.asarray(x, float)
    detail = pywt.dwtn(x, "haar")["d" * x.ndim]
    nonzero = np.abs(detail[detail != 0])
    return float(np.median(nonzero) / _MAD_TO_SIGMA) if nonzero.size else 0.0


def sure_thresholds(windows: np.ndarray, sigma: float, mask: str = "two-sided", ndim: int = 1) -> np.ndarray:
    """Per-window cutoff minimising Stein's unbiased risk of the spectral projection.

    For window ``y_j`` (``windows`` shape ``(P, *(M,)*ndim)``) and its projection ``P_t y_j``
    onto the kept bins, ``SURE(t) = ||y_j - P_t y_j||^2 + 2 sigma^2 (kept bins) - M^ndim sigma^2``.
    Returns ``(P,)`` ints.
    """
    windows = np.asarray(windows, float)
    P, M = windows.shape[0], windows.shape[-1]
    axes = tuple(range(1, ndim + 1))
    power = (np.abs(np.fft.fftn(windows, axes=axes)) ** 2 / M**ndim).reshape(P, -1)  # Parseval
    taus = np.arange(max_threshold(M, mask, ndim) + 1)
    masks = frequency_mask(M, taus, mask, ndim).reshape(len(taus), -1)
    kept = power @ masks.T  # (P, T)
    risk = power.sum(axis=1, keepdims=True) - kept + 2.0 * sigma**2 * masks.sum(axis=1)[None, :]
    return np.argmin(risk, axis=1).astype(np.int64)


def _as_cutoffs(taus: np.ndarray, t_max: int, what: str, where: str) -> np.ndarray:
    if taus.dtype.kind not in "iuf":
        raise ValueError(f"{what} must be numeric, got dtype {taus.dtype}")
    if taus.dtype.kind == "f":
        if not np.all(np.isfinite(taus)):
            raise ValueError(f"{what} contains non-finite values")
        if not np.all(taus == np.round(taus)):
            bad = taus.ravel()[np.flatnonzero(taus.ravel() != np.round(taus.ravel()))[0]]
            raise ValueError(f"{what} must be whole numbers of frequency bins, got {bad!r}")
    taus = taus.astype(np.int64)
    if taus.min() < 0 or taus.max() > t_max:
        raise ValueError(f"{what} must lie in [0, {t_max}] for {where}, got values in [{taus.min()}, {taus.max()}]")
    return taus


def resolve_thresholds(
    windows: np.ndarray,
    threshold: ThresholdSpec = "auto",
    *,
    mask: str = "two-sided",
    sigma: float | None = None,
    signal: np.ndarray | None = None,
    grid: tuple[int, ...] | None = None,
) -> np.ndarray:
    """Turn a threshold specification into an int array of per-window cutoffs, shape ``(P,)``.

    ``windows`` has shape ``(P, M)`` (1-D) or ``(P, M, M, ...)`` (N-D patches). ``sigma`` (for
    ``"auto"``) defaults to :func:`mad_sigma` of ``signal`` (or of the windows). An array
    threshold has shape ``(P,)`` or ``grid`` (the window grid's shape).
    """
    windows = np.asarray(windows, float)
    P, M, ndim = windows.shape[0], windows.shape[-1], windows.ndim - 1
    unit = "window" if ndim == 1 else "patch"
    t_max = max_threshold(M, mask, ndim)
    where = "this window" if ndim == 1 else f"{M}x{M} patches ({mask})"
    if isinstance(threshold, str):
        if threshold != "auto":
            raise ValueError(unknown("threshold", threshold, ("auto",),
                                     extra=f"an int, an array with one entry per {unit}, or a callable of the {unit} mean"))
        if sigma is None:
            sigma = mad_sigma(windows.reshape(P, -1).ravel() if signal is None else signal)
        # SURE's argmin does not change when data and sigma scale together: normalise, so that
        # squared spectra neither overflow (|y| ~ 1e154) nor underflow to 0 (|y| ~ 1e-165)
        scale = float(np.max(np.abs(windows)))
        if scale > 0:
            windows, sigma = windows / scale, sigma / scale
        return sure_thresholds(windows, sigma, mask, ndim)
    return fixed_cutoffs(threshold, windows.reshape(P, -1).mean(axis=1), t_max, unit=unit, where=where, grid=grid)


def fixed_cutoffs(
    threshold: ThresholdSpec,
    means: np.ndarray,
    t_max: int,
    *,
    unit: str = "window",
    where: str = "this window",
    grid: tuple[int, ...] | None = None,
) -> np.ndarray:
    """Per-window cutoffs from an int, an array (shape ``(P,)`` or ``grid``) or a callable of the
    window ``means`` — every form but ``"auto"`` — checked to be whole numbers in ``[0, t_max]``."""
    P = len(means)
    if isinstance(threshold, str):
        raise ValueError(unknown("threshold", threshold, ("auto",),
                                 extra=f"an int, an array with one entry per {unit}, or a callable of the {unit} mean"))
    if callable(threshold):
        return _as_cutoffs(np.array([threshold(float(a)) for a in means]), t_max,
                           "thresholds returned by the callable", where)
    if isinstance(threshold, (bool, np.bool_)):
        raise ValueError("threshold must be an int, an array, a callable or 'auto', not a bool")
    if np.isscalar(threshold):
        return _as_cutoffs(np.full(P, threshold), t_max, "threshold", where)
    taus = np.asarray(threshold)
    if taus.shape != (P,) and (grid is None or taus.shape != tuple(grid)):
        shapes = f"({P},)" + (f" or {tuple(grid)}" if grid is not None and len(grid) > 1 else "")
        raise ValueError(f"threshold array must have one entry per {unit} (shape {shapes}), got shape {taus.shape}")
    return _as_cutoffs(taus.ravel(), t_max, "threshold array", where)
