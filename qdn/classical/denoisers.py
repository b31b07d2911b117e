"""Classical denoisers to compare with, each a thin call into the library that does it well.

All take a 1-D array and keyword-only options; parameters left at ``None`` are chosen by the
method's own automatic rule (never by looking at a clean signal):

* :func:`fft_window` — per-window FFT projection with per-window SURE cutoffs (qdn's twin).
* :func:`wavelet` — soft wavelet thresholding, BayesShrink or VisuShrink
  (``skimage.restoration.denoise_wavelet`` over PyWavelets), sigma from the MAD of the finest
  details.
* :func:`wiener` — ``scipy.signal.wiener`` with the noise power from the MAD estimate.
* :func:`savgol` — ``scipy.signal.savgol_filter``; the window length minimises SURE for this
  linear smoother (``||y - S y||^2 + 2 sigma^2 tr(S)``, with ``tr(S)`` from
  ``scipy.signal.savgol_coeffs``).
"""

from __future__ import annotations

import numpy as np
from scipy import signal as sps

from ..common.registry import unknown
from ..common.validation import as_signal, check_window
from .reference import spectral_projection
from .thresholds import mad_sigma, resolve_thresholds, side_mask
from .windows import from_windows, to_windows

__all__ = ["fft_window", "wavelet", "wiener", "savgol", "CLASSICAL_METHODS"]



def fft_window(y, *, window: int = 16, threshold="auto", two_sided: bool = True, mask: str | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Per-window (1-D) or per-patch (2-D) spectral projection; returns ``(denoised, thresholds)``.
    Every side must be a multiple of ``window``; ``mask`` defaults to ``two_sided``'s in 1-D and
    to "separable" for images."""
    ndim = max(1, min(np.ndim(y), 2))
    y = as_signal(y, name="image" if ndim == 2 else "signal", ndim=ndim)
    window = check_window(window, min(y.shape))
    if any(s % window for s in y.shape):
        raise ValueError(f"signal length {y.size} is not a multiple of the window {window}" if ndim == 1
                         else f"image sides {y.shape} are not multiples of the window {window}")
    mask = mask or ("separable" if ndim > 1 else side_mask(two_sided))
    win = to_windows(y, window, ndim)
    grid = tuple(s // window for s in y.shape)
    taus = resolve_thresholds(win, threshold, mask=mask, signal=y, grid=grid)
    return from_windows(np.real(spectral_projection(win, taus, mask=mask, ndim=ndim)), y.shape), taus


def wavelet(y, *, method: str = "BayesShrink", wavelet_name: str = "db4", sigma: float | None = None) -> np.ndarray:
    """Soft wavelet thresholding (``method`` = "BayesShrink" or "VisuShrink")."""
    from skimage.restoration import denoise_wavelet

    y = as_signal(y)
    if method not in ("BayesShrink", "VisuShrink"):
        raise ValueError(unknown("wavelet method", method, ("BayesShrink", "VisuShrink")))
    sigma = mad_sigma(y) if sigma is None else sigma
    if sigma <= 0:  # no measurable noise: nothing to threshold
        return y.copy()
    return denoise_wavelet(y, sigma=sigma, wavelet=wavelet_name, mode="soft", method=method, rescale_sigma=False)


def wiener(y, *, size: int = 5, noise: float | None = None) -> np.ndarray:
    """Adaptive Wiener filter of ``size`` samples; noise power from the MAD estimate."""
    y = as_signal(y)
    noise = mad_sigma(y) ** 2 if noise is None else noise
    noise = max(noise, np.finfo(float).tiny)  # noise 0 makes scipy divide 0 by 0 on flat stretches
    # scipy divides by the local variance before replacing flat neighbourhoods by their mean;
    # the division warning on those (discarded) samples is harmless
    with np.errstate(divide="ignore", invalid="ignore"):
        return sps.wiener(y, mysize=size, noise=noise)


def savgol(y, *, window_length: int | None = None, polyorder: int = 3) -> np.ndarray:
    """Savitzky–Golay smoothing; ``window_length=None`` picks it by SURE."""
    y = as_signal(y)
    if window_length is None:
        sigma = mad_sigma(y)
        best = None
        for wl in range(polyorder + 2 + (polyorder % 2 == 0), min(y.size, 129), 2):
            est = sps.savgol_filter(y, wl, polyorder, mode="interp")
            trace = y.size * sps.savgol_coeffs(wl, polyorder)[wl // 2]  # central weight per sample
            risk = np.sum((y - est) ** 2) + 2 * sigma**2 * trace
            if best is None or risk < best[0]:
                best = (risk, wl)
        window_length = best[1]
    return sps.savgol_filter(y, window_length, polyorder, mode="interp")


#: Classical method name -> ``(data, window, threshold) -> (denoised, thresholds)``; the
#: thresholds are empty for methods without per-window cutoffs.
CLASSICAL_METHODS = {
    "fft-window": lambda y, window, threshold: fft_window(y, window=window, threshold=threshold),
    "wavelet": lambda y, window, threshold: (wavelet(y), np.array([], dtype=np.int64)),
    "wiener": lambda y, window, threshold: (wiener(y), np.array([], dtype=np.int64)),
    "savgol": lambda y, window, threshold: (savgol(y), np.array([], dtype=np.int64)),
}
