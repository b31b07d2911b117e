"""The classical reference every backend must equal (shared/DESIGN.md §1).

For classical input, a noise-free circuit, the ``"exact"`` schedule and statevector readout,
the output is the per-window ideal spectral projection ``ifft(fft(y_j) * mask_j)`` with
``mask_j[k] = [min(k, M - k) <= tau_j]`` (or ``k <= tau_j`` one-sided).
"""

from __future__ import annotations

import numpy as np

from .thresholds import frequency_mask

__all__ = ["spectral_projection", "marked_weight"]


def spectral_projection(windows: np.ndarray, thresholds: np.ndarray, *, two_sided: bool = True) -> np.ndarray:
    """Per-window projection onto the kept bins; ``windows`` has shape ``(..., P, M)``.

    Real for real input and two-sided masks (up to float error); complex for one-sided masks
    or complex input (a quantum state).
    """
    windows = np.asarray(windows)
    mask = frequency_mask(windows.shape[-1], thresholds, two_sided)
    out = np.fft.ifft(np.fft.fft(windows, axis=-1) * mask, axis=-1)
    return out.real if two_sided and not np.iscomplexobj(windows) else out


def marked_weight(amplitudes: np.ndarray, thresholds: np.ndarray, *, two_sided: bool = True) -> float:
    """Probability of the good subspace in the prepared state ``A|0>``.

    ``amplitudes`` are the ``cos(theta)`` values, shape ``(P, M)``; the prepared state carries
    them with the factor ``1/sqrt(N)``.
    """
    amplitudes = np.asarray(amplitudes, float)
    P, M = amplitudes.shape
    mask = frequency_mask(M, thresholds, two_sided)
    spec = np.abs(np.fft.fft(amplitudes, axis=-1)) ** 2 / M
    return float((spec * mask).sum() / (P * M))
