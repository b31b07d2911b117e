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

__all__ = ["BOUNDARIES", "WEIGHTS", "check_shifts", "shift_offsets", "shift_thresholds", "spin_projection",
           "mask_weights", "wiener_weights", "spin_filter", "extend", "crop"]

#: Per-bin weights of the kept frequencies -> what they are.
WEIGHTS = {
    "hard": "1 on the bins the cutoff keeps, 0 elsewhere (the paper's projection)",
    "wiener": "|P_k|^2 / (|P_k|^2 + M sigma^2) on the kept bins, P the hard projection's spectrum (an "
              "empirical Wiener filter with the projection as pilot), 1 at k = 0",
}

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
    if isinstance(threshold, str) or callable(threshold) or np.isscalar(threshold):
        # one call over every (shift, window): a rule per window does not care which shift it is
        windows = _shifted_windows(y, window, shifts).reshape(-1, window)
        return resolve_thresholds(windows, threshold, mask=mask, sigma=sigma, signal=y).reshape(shifts, -1)
    return np.stack([
        resolve_thresholds(to_windows(np.roll(y, -int(d)), window), threshold, mask=mask, sigma=sigma, signal=y)
        for d in shift_offsets(window, shifts)
    ])


def spin_projection(y: np.ndarray, window: int, thresholds: np.ndarray, *, mask: str = "two-sided") -> np.ndarray:
    """The cycle-spun projection of ``y`` (shape ``(N,)``) with cutoffs ``(S, P)``.

    Real FFTs for the two-sided mask (O(S N log M)), shifts in blocks of about 4 M samples;
    complex output for the one-sided mask.
    """
    y = np.asarray(y)
    thresholds = np.atleast_2d(np.asarray(thresholds))
    S, M, n = thresholds.shape[0], window, y.shape[-1]
    offsets = shift_offsets(M, S)
    block = max(1, (1 << 22) // n)
    acc = np.zeros(n, complex if (mask != "two-sided" or np.iscomplexobj(y)) else float)
    k = np.arange(M // 2 + 1)
    for start in range(0, S, block):
        off, taus = offsets[start : start + block], thresholds[start : start + block]
        w = _rolled(y, off).reshape(len(off), -1, M)
        if acc.dtype == float:
            part = np.fft.irfft(np.fft.rfft(w, axis=-1) * (k <= taus[..., None]), n=M, axis=-1)
        else:
            from .reference import spectral_projection

            part = spectral_projection(w, taus, mask=mask)
        part = part.reshape(len(off), n)
        acc += part[np.arange(len(off))[:, None], (np.arange(n)[None, :] - off[:, None]) % n].sum(axis=0)
    return acc / S


def _rolled(y: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    """``(S, N)``: row ``k`` is ``np.roll(y, -offsets[k])`` (one gather instead of S rolls)."""
    n = y.shape[-1]
    return y[(np.arange(n)[None, :] + np.asarray(offsets)[:, None]) % n]


def _shifted_windows(y: np.ndarray, window: int, shifts: int) -> np.ndarray:
    """``(S, P, M)``: the windows of each shifted copy ``np.roll(y, -d_k)``."""
    return _rolled(y, shift_offsets(window, shifts)).reshape(shifts, -1, window)


def mask_weights(window: int, thresholds: np.ndarray, mask: str = "two-sided") -> np.ndarray:
    """The hard masks as weights, shape ``thresholds.shape + (M,)`` (FFT bin order)."""
    from .thresholds import frequency_mask

    return frequency_mask(window, np.asarray(thresholds), mask).astype(float)


def wiener_weights(y: np.ndarray, window: int, thresholds: np.ndarray, sigma: float) -> np.ndarray:
    """Per (shift, window, bin) weights of :data:`WEIGHTS` ``"wiener"`` (two-sided masks), shape
    ``(S, P, M)``: symmetric in ``k <-> M - k``, so real signals stay real; ``k = 0`` keeps weight
    1, so window means, and with them the amplitude map, are preserved."""
    thresholds = np.atleast_2d(thresholds)
    spec = np.fft.fft(_shifted_windows(np.asarray(y, float), window, thresholds.shape[0]), axis=-1)
    hard = mask_weights(window, thresholds)
    power = np.abs(spec * hard) ** 2
    with np.errstate(invalid="ignore", divide="ignore"):
        w = np.where(power > 0, power / (power + window * sigma**2), 0.0)
    w[..., 0] = 1.0
    return w


def spin_filter(y: np.ndarray, window: int, weights: np.ndarray) -> np.ndarray:
    """``mean_k roll(ifft(W_k fft(roll(y, -d_k))), d_k)`` for weights ``(S, P, M)``."""
    y = np.asarray(y)
    S = weights.shape[0]
    spec = np.fft.fft(_shifted_windows(y, window, S), axis=-1)
    parts = np.fft.ifft(spec * weights, axis=-1).reshape(S, -1)
    back = parts[np.arange(S)[:, None], (np.arange(y.size)[None, :] - shift_offsets(window, S)[:, None]) % y.size]
    out = back.mean(axis=0)
    return out if np.iscomplexobj(y) else out.real


def extend(y: np.ndarray, boundary: str) -> np.ndarray:
    """``y`` prepared for spinning under ``boundary`` (:data:`BOUNDARIES`)."""
    from ..common.registry import lookup

    lookup(BOUNDARIES, "boundary", boundary)
    return np.concatenate([y, y[::-1]]) if boundary == "reflect" else y


def crop(y: np.ndarray, boundary: str, n: int) -> np.ndarray:
    """Inverse of :func:`extend` for an output of the extended signal."""
    return y[..., :n]
