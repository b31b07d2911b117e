"""The classical reference every backend must equal (shared/DESIGN.md §1).

For classical input, a noise-free circuit, the ``"exact"`` schedule and statevector readout,
the output is the per-window ideal spectral projection ``ifftn(fftn(y_j) * mask_j)`` with the
mask of :func:`qdn.classical.thresholds.frequency_mask` (1-D: ``min(k, M - k) <= tau_j``, or
``k <= tau_j`` one-sided; 2-D patches: square or disc low-pass).
"""

from __future__ import annotations

import numpy as np

from .thresholds import frequency_mask

__all__ = ["spectral_projection", "marked_weight"]


def spectral_projection(windows: np.ndarray, thresholds, *, two_sided: bool = True, mask: str | None = None,
                        ndim: int = 1) -> np.ndarray:
    """Per-window projection onto the kept bins; ``windows`` has shape ``(..., P, *(M,)*ndim)``.

    ``mask`` (default: from ``two_sided`` in 1-D, ``"separable"`` in N-D) names the kept
    frequencies. Real for real input and symmetric masks (up to float error); complex for the
    one-sided mask or complex input (a quantum state).
    """
    windows = np.asarray(windows)
    mask = mask or ("separable" if ndim > 1 else "two-sided" if two_sided else "one-sided")
    keep = frequency_mask(windows.shape[-1], thresholds, mask, ndim)
    axes = tuple(range(-ndim, 0))
    out = np.fft.ifftn(np.fft.fftn(windows, axes=axes) * keep, axes=axes)
    return out if mask == "one-sided" or np.iscomplexobj(windows) else out.real


def marked_weight(amplitudes: np.ndarray, thresholds, *, two_sided: bool = True, mask: str | None = None,
                  ndim: int = 1) -> float:
    """Probability of the good subspace in the prepared state ``A|0>``.

    ``amplitudes`` are the ``cos(theta)`` values, shape ``(P, *(M,)*ndim)``; the prepared state
    carries them with the factor ``1/sqrt(N)``.
    """
    amplitudes = np.asarray(amplitudes, float)
    mask = mask or ("separable" if ndim > 1 else "two-sided" if two_sided else "one-sided")
    M = amplitudes.shape[-1]
    axes = tuple(range(-ndim, 0))
    spec = np.abs(np.fft.fftn(amplitudes, axes=axes)) ** 2 / M**ndim
    return float((spec * frequency_mask(M, thresholds, mask, ndim)).sum() / amplitudes.size)
