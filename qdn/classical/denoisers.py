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

from ..common.validation import as_signal, check_window
from .reference import spectral_projection
from .thresholds import mad_sigma, resolve_thresholds

__all__ = ["fft_window", "wavelet", "wiener", "savgol", "CLASSICAL_METHODS"]

CLASSICAL_METHODS = ("fft-window", "wavelet", "wiener", "savgol")


def fft_window(y, *, window: int = 16, threshold="auto", two_sided: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Per-window spectral projection; returns ``(denoised, thresholds)``. Length must be a
    multiple of ``window``."""
    y = as_signal(y)
    window = check_window(window, y.size)
    if y.size % window:
        raise ValueError(f"signal length {y.size} is not a multiple of the window {window}")
    win = y.reshape(-1, window)
    taus = resolve_thresholds(win, threshold, two_sided=two_sided, signal=y)
    return np.real(spectral_projection(win, taus, two_sided=two_sided)).ravel(), taus


def wavelet(y, *, method: str = "BayesShrink", wavelet_name: str = "db4", sigma: float | None = None) -> np.ndarray:
    """Soft wavelet thresholding (``method`` = "BayesShrink" or "VisuShrink")."""
    from skimage.restoration import denoise_wavelet

    y = as_signal(y)
    if method not in ("BayesShrink", "VisuShrink"):
        raise ValueError(f"unknown wavelet method {method!r}; valid: 'BayesShrink', 'VisuShrink'")
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
