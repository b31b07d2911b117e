"""Figures of merit, one module for tests and benchmarks alike (shared/DESIGN.md §4)."""

from __future__ import annotations

import numpy as np

__all__ = ["snr", "psnr", "mse"]


def _pair(clean, estimate):
    clean = np.asarray(clean, float)
    estimate = np.asarray(estimate, float)
    if clean.shape != estimate.shape:
        raise ValueError(f"shapes differ: clean {clean.shape} vs estimate {estimate.shape}")
    if clean.size == 0:
        raise ValueError("empty input")
    return clean, estimate


def mse(clean, estimate) -> float:
    """Mean squared error."""
    clean, estimate = _pair(clean, estimate)
    return float(np.mean((clean - estimate) ** 2))


def snr(clean, estimate) -> float:
    """``10 log10(sum x^2 / sum (x - x_hat)^2)`` in dB (``inf`` for a perfect estimate)."""
    clean, estimate = _pair(clean, estimate)
    err = np.sum((clean - estimate) ** 2)
    return float("inf") if err == 0 else float(10 * np.log10(np.sum(clean**2) / err))


def psnr(clean, estimate, *, data_range: float | None = None) -> float:
    """``10 log10(R^2 / MSE)`` in dB.

    ``R`` is ``data_range`` if given, else the clean signal's peak-to-peak range
    ``max(x) - min(x)`` (the convention of ``skimage.metrics.peak_signal_noise_ratio`` for
    signed data), so the figure does not depend on the signal's offset.
    """
    clean, estimate = _pair(clean, estimate)
    r = float(np.ptp(clean)) if data_range is None else float(data_range)
    if r <= 0:
        raise ValueError("PSNR needs a clean signal with a non-zero range (or data_range)")
    err = mse(clean, estimate)
    return float("inf") if err == 0 else float(10 * np.log10(r**2 / err))
