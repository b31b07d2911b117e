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

from .thresholds import ThresholdSpec, frequency_mask, mad_sigma, resolve_thresholds
from ..common.registry import lookup
from ..common.validation import is_power_of_two

__all__ = ["BOUNDARIES", "WEIGHTS", "check_shifts", "shift_offsets", "shift_thresholds", "spin_projection",
           "mask_weights", "wiener_weights", "spin_filter", "extend"]

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
    if isinstance(threshold, str) and threshold == "auto" and mask == "two-sided":
        return _sure_two_sided(y, window, shifts, sigma)
    if isinstance(threshold, str) or callable(threshold) or np.isscalar(threshold):
        # one call over every (shift, window): a rule per window does not care which shift it is
        windows = _shifted_windows(y, window, shifts).reshape(-1, window)
        return resolve_thresholds(windows, threshold, mask=mask, sigma=sigma, signal=y).reshape(shifts, -1)
    return np.stack([resolve_thresholds(w, threshold, mask=mask, sigma=sigma, signal=y)
                     for w in _shifted_windows(y, window, shifts)])


def _sure_two_sided(y: np.ndarray, window: int, shifts: int, sigma: float) -> np.ndarray:
    """:func:`~qdn.classical.thresholds.sure_thresholds` of the shifted copies' windows under
    the two-sided mask, ``(S, P)``, from real FFTs and a cumulative sum: bins ``k`` and
    ``M - k`` carry the same power, so ``kept(t) = |Y_0|^2 + 2 sum_{1 <= k <= t} |Y_k|^2``
    (``|Y_{M/2}|^2`` once)."""
    M = window
    scale = float(np.max(np.abs(y)))  # SURE's argmin is scale-free: avoid over/underflow
    if scale > 0:
        y, sigma = y / scale, sigma / scale
    power = _half_power(_shifted_windows(y, M, shifts))
    kept = np.cumsum(power, axis=-1)  # kept(t) for t = 0 .. M/2
    count = np.minimum(2 * np.arange(M // 2 + 1) + 1, M)
    risk = kept[..., -1:] - kept + 2.0 * sigma**2 * count
    return np.argmin(risk, axis=-1).astype(np.int64)


def _half_power(windows: np.ndarray) -> np.ndarray:
    """Power of bins ``0 .. M/2`` of real windows (Parseval-normalised), bins ``1 .. M/2 - 1``
    counted twice (they stand for ``k`` and ``M - k``)."""
    M = windows.shape[-1]
    spec = np.fft.rfft(windows, axis=-1)
    power = spec.real**2
    power += spec.imag**2
    power /= M
    power[..., 1 : (M + 1) // 2] *= 2.0
    return power


def spin_projection(y: np.ndarray, window: int, thresholds: np.ndarray, *, mask: str = "two-sided") -> np.ndarray:
    """The cycle-spun projection of ``y`` (shape ``(N,)``) with cutoffs ``(S, P)``.

    Real FFTs for the two-sided mask (O(S N log M)); complex output for the one-sided mask.
    """
    y = np.asarray(y)
    thresholds = np.atleast_2d(np.asarray(thresholds))
    M = window
    real = mask == "two-sided" and not np.iscomplexobj(y)
    k = np.arange(M // 2 + 1)
    kept = (lambda sl: k <= thresholds[sl][..., None]) if real else (
        lambda sl: frequency_mask(M, thresholds[sl], mask))
    return _spin_apply(y, M, thresholds.shape[0], kept, real=real) / thresholds.shape[0]


def _spin_apply(y: np.ndarray, window: int, shifts: int, multiplier, *, real: bool,
                per_shift: bool = False) -> np.ndarray:
    """``sum_k roll(F^-1(multiplier_k F(windows of roll(y, -d_k))), d_k)`` (``per_shift``: the
    ``(S, N)`` terms). ``multiplier(slice of shifts)`` gives the bins' factors of those shifts:
    over ``rfft`` bins when ``real`` (then the filter must be symmetric in ``k <-> M - k``), over
    ``fft`` bins otherwise. Shifts go in blocks of about 4 M samples."""
    M, n = window, y.shape[-1]
    offsets = shift_offsets(M, shifts)
    out = np.zeros((shifts, n) if per_shift else n, float if real else complex)
    block = max(1, (1 << 22) // n)
    for start in range(0, shifts, block):
        sl = slice(start, start + block)
        off = offsets[sl]
        win = _rolled(y, off).reshape(len(off), -1, M)
        if real:
            part = np.fft.irfft(np.fft.rfft(win, axis=-1) * multiplier(sl), n=M, axis=-1)
        else:
            part = np.fft.ifft(np.fft.fft(win, axis=-1) * multiplier(sl), axis=-1)
        part = part.reshape(len(off), n)
        if per_shift:
            out[sl] = [np.roll(p, int(d)) for p, d in zip(part, off)]
        else:
            _add_rolled_back(out, part, off)
    return out


def _rolled(y: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    """``(S, N)``: row ``k`` is ``np.roll(y, -offsets[k])`` (offsets below ``N``), copied from
    windows of ``y`` extended by its first samples (no index arithmetic)."""
    n = y.shape[-1]
    ext = np.concatenate([y, y[: int(np.max(offsets, initial=0))]])
    return np.lib.stride_tricks.sliding_window_view(ext, n)[np.asarray(offsets)]


def _add_rolled_back(acc: np.ndarray, parts: np.ndarray, offsets: np.ndarray) -> None:
    """``acc += sum_k np.roll(parts[k], offsets[k])``, by slices."""
    n = acc.shape[-1]
    for part, d in zip(parts, offsets):
        d = int(d)
        acc[d:] += part[: n - d]
        acc[:d] += part[n - d :]


def _shifted_windows(y: np.ndarray, window: int, shifts: int) -> np.ndarray:
    """``(S, P, M)``: the windows of each shifted copy ``np.roll(y, -d_k)``."""
    return _rolled(y, shift_offsets(window, shifts)).reshape(shifts, -1, window)


def mask_weights(window: int, thresholds: np.ndarray, mask: str = "two-sided", ndim: int = 1) -> np.ndarray:
    """The hard masks as weights, shape ``thresholds.shape + (M,) * ndim`` (FFT bin order)."""
    return frequency_mask(window, np.asarray(thresholds), mask, ndim).astype(float)


def wiener_weights(y: np.ndarray, window: int, thresholds: np.ndarray, sigma: float) -> np.ndarray:
    """Per (shift, window, bin) weights of :data:`WEIGHTS` ``"wiener"`` (two-sided masks), shape
    ``(S, P, M)``: symmetric in ``k <-> M - k``, so real signals stay real; ``k = 0`` keeps weight
    1, so window means, and with them the amplitude map, are preserved."""
    thresholds = np.atleast_2d(thresholds)
    M = window
    y = np.asarray(y, float)
    scale = float(np.max(np.abs(y)))  # the weights are scale-free: avoid over/underflow
    if scale > 0:
        y, sigma = y / scale, sigma / scale
    spec = np.fft.rfft(_shifted_windows(y, M, thresholds.shape[0]), axis=-1)
    power = spec.real**2
    power += spec.imag**2  # |Y_k|^2, k = 0 .. M/2
    power *= np.arange(M // 2 + 1) <= thresholds[..., None]  # the hard projection as pilot
    half = np.divide(power, power + M * sigma**2, out=np.zeros_like(power), where=power > 0)
    half[..., 0] = 1.0
    # full FFT order: bin M - k carries the weight of bin k
    return np.concatenate([half, half[..., (M + 1) // 2 - 1 : 0 : -1]], axis=-1)


def spin_filter(y: np.ndarray, window: int, weights: np.ndarray, *, per_shift: bool = False) -> np.ndarray:
    """``mean_k roll(ifft(W_k fft(roll(y, -d_k))), d_k)`` for weights ``(S, P, M)``
    (``per_shift``: the ``(S, N)`` terms instead of their mean).

    Real input and weights symmetric in ``k <-> M - k`` (every weight qdn builds) use real FFTs.
    """
    y = np.asarray(y)
    S, M = weights.shape[0], window
    real = not np.iscomplexobj(y) and np.array_equal(weights[..., 1:], weights[..., :0:-1])
    out = _spin_apply(y, M, S, (lambda sl: weights[sl][..., : M // 2 + 1]) if real else (lambda sl: weights[sl]),
                      real=real, per_shift=per_shift)
    out = out if per_shift else out / S
    return out if np.iscomplexobj(y) else out.real


def extend(y: np.ndarray, boundary: str) -> np.ndarray:
    """``y`` (a signal or an image) prepared for spinning under ``boundary`` (:data:`BOUNDARIES`):
    ``"reflect"`` mirrors it along every axis (``(2N,)``, or ``(2H, 2W)`` with the image in the
    top-left quarter); an output of the extended data is cropped back to ``y``'s shape."""
    lookup(BOUNDARIES, "boundary", boundary)
    y = np.asarray(y)
    if boundary == "reflect":
        for axis in range(y.ndim):
            y = np.concatenate([y, np.flip(y, axis)], axis=axis)
    return y
