"""Emulators of the quantum baselines (:mod:`qdn.circuits.baselines`): the four branches
``(keep, anc, i)`` of QFT and wavelet thresholding computed with ``numpy.fft`` and PyWavelets,
independently of the circuits, for a signal or a square image (``i = col + S*row``).
"""

from __future__ import annotations

import numpy as np
import pywt

from ..classical.global_cutoffs import approximation_bands, wavelet_name
from ..classical.thresholds import frequency_mask

__all__ = ["branches", "qft_filter_state", "qwt_filter_state"]


def branches(c: np.ndarray, project) -> np.ndarray:
    """``(keep, anc, i)`` amplitudes, shape ``(2, 2, N)``, given the projection onto the kept
    subspace (``project`` maps an array of ``c``'s shape to its projection)."""
    c = np.asarray(c, float)
    s = np.sqrt(np.clip(1 - c**2, 0, None))
    N = c.size
    out = np.empty((2, 2, N), complex)
    for a, v in enumerate((c, s)):
        kept = np.ravel(project(v))
        out[1, a] = kept / np.sqrt(N)
        out[0, a] = (v.ravel() - kept) / np.sqrt(N)
    return out


def qft_filter_state(amplitudes: np.ndarray, threshold: int) -> np.ndarray:
    """Emulator of QFT thresholding with the global two-sided (separable) cutoff ``threshold``:
    amplitudes on ``(keep, anc, i)``."""
    c = np.asarray(amplitudes, float)
    keep = frequency_mask(c.shape[0], threshold, "two-sided", c.ndim)
    return branches(c, lambda v: np.fft.ifftn(np.fft.fftn(v) * keep))


def qwt_filter_state(amplitudes: np.ndarray, level: int, *, wavelet: str = "haar") -> np.ndarray:
    """Emulator of wavelet thresholding: PyWavelets' periodised ``wavedecn`` with every detail
    band of the ``level`` finest levels set to zero, then ``waverecn``."""
    name = wavelet_name(wavelet)

    def project(v):
        coeffs = approximation_bands(v, level, name)
        zeroed = [coeffs[0]] + [{k: np.zeros_like(d) for k, d in band.items()} for band in coeffs[1:]]
        return pywt.waverecn(zeroed, name, mode="periodization")

    return branches(np.asarray(amplitudes, float), project)
