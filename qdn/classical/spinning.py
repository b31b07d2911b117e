r"""Cycle spinning of the per-window projection (Coifman & Donoho, "Translation-invariant
de-noising", 1995), the classical reference of the spinning circuit.

With ``S`` evenly spaced shifts ``d_k = k M / S`` (``k < S``) of a signal of ``N`` samples cut
into windows of ``M``, the estimate is

.. math::

    \hat y = \frac{1}{S} \sum_{k<S} R_{d_k}^{-1} F_k R_{d_k} y,\qquad (R_d y)[x] = y[(x + d) \bmod N],

``F_k`` the per-window projection (:func:`qdn.classical.reference.spectral_projection`) with the
cutoffs of shift ``k``. ``S = 1`` is the paper's algorithm; ``S = M`` averages over every window
position, so no sample sits at a window edge in every term. Each ``F_k`` keeps the windows' means,
so the average stays affine-equivariant and decodes like a single projection.
"""

from __future__ import annotations

import numpy as np

from .thresholds import ThresholdSpec, mad_sigma, resolve_thresholds
from .windows import to_windows
from ..common.validation import is_power_of_two

__all__ = ["BOUNDARIES", "check_shifts", "shift_offsets", "shift_thresholds", "spin_projection", "extend", "crop"]

#: Boundary handling of the cyclic shifts -> what it does to the signal before spinning.
BOUNDARIES = {
    "periodic": "the signal is taken as one period (its two ends may share a window)",
    "reflect": "the signal is extended by its mirror image to twice its length (one more qubit), so "
               "the two ends never share a window; the first half is returned",
}


def check_shifts(shifts, window: int) -> int:
    """``shifts`` validated: an int, a power of two, at most ``window``."""
    if isinstance(shifts, (bool, np.bool_)) or not isinstance(shifts, (int, np.integer)):
        raise ValueError(f"shifts must be a power of two or 'auto', got {shifts!r}")
    shifts = int(shifts)
    if shifts < 1 or not is_power_of_two(shifts):
        raise ValueError(f"shifts must be a power of two (1, 2, 4, ...), got {shifts}")
    if shifts > window:
        raise ValueError(f"shifts ({shifts}) must not exceed the window ({window}): shifts are k*window/shifts")
    return shifts


def shift_offsets(window: int, shifts: int) -> np.ndarray:
    """The offsets ``d_k = k * window / shifts``, ``k < shifts``."""
    return np.arange(shifts) * (window // shifts)


def shift_thresholds(y: np.ndarray, window: int, shifts: int, threshold: ThresholdSpec = "auto", *,
                     mask: str = "two-sided", sigma: float | None = None) -> np.ndarray:
    """Cutoffs per (shift, window), shape ``(S, P)``: :func:`resolve_thresholds` of each shifted
    signal's windows, the noise level (``"auto"``) estimated once from ``y``."""
    y = np.asarray(y, float)
    if isinstance(threshold, str) and sigma is None:
        sigma = mad_sigma(y)
    return np.stack([
        resolve_thresholds(to_windows(np.roll(y, -int(d)), window), threshold, mask=mask, sigma=sigma, signal=y)
        for d in shift_offsets(window, shifts)
    ])


def spin_projection(y: np.ndarray, window: int, thresholds: np.ndarray, *, mask: str = "two-sided") -> np.ndarray:
    """The cycle-spun projection of ``y`` (shape ``(..., N)``) with cutoffs ``(S, P)``.

    Real FFTs for the two-sided mask (O(S N log M)); complex output for the one-sided mask.
    """
    y = np.asarray(y)
    thresholds = np.atleast_2d(np.asarray(thresholds))
    S, M = thresholds.shape[0], window
    k = np.arange(M // 2 + 1)
    acc = None
    for d, taus in zip(shift_offsets(M, S), thresholds):
        w = np.roll(y, -int(d), axis=-1).reshape(y.shape[:-1] + (-1, M))
        if mask == "two-sided" and not np.iscomplexobj(w):
            part = np.fft.irfft(np.fft.rfft(w, axis=-1) * (k <= taus[:, None]), n=M, axis=-1)
        else:
            from .reference import spectral_projection

            part = spectral_projection(w, taus, mask=mask)
        part = np.roll(part.reshape(y.shape), int(d), axis=-1)
        acc = part if acc is None else acc + part
    return acc / S


def extend(y: np.ndarray, boundary: str) -> np.ndarray:
    """``y`` prepared for spinning under ``boundary`` (:data:`BOUNDARIES`)."""
    from ..common.registry import lookup

    lookup(BOUNDARIES, "boundary", boundary)
    return np.concatenate([y, y[::-1]]) if boundary == "reflect" else y


def crop(y: np.ndarray, boundary: str, n: int) -> np.ndarray:
    """Inverse of :func:`extend` for an output of the extended signal."""
    return y[..., :n]
