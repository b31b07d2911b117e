"""QAB denoising (Dutta, Basarab, Georgeot, Kouamé, IEEE OJSP 2021), blind and oracle.

The paper's: per patch, the energy-sorted eigenvectors of ``H = diag(V) + p L`` (``V`` the
blurred noisy patch), coefficients of the noisy patch, the smooth step ``tau`` over the energy
index (:mod:`qdn.localization.reconstruction`); overlapping patches averaged. Their code picks the
step's cutoff and width by maximising the SNR against the clean image: that is
:func:`qab_oracle` here, for benchmarks only, labelled so.

Ours: :func:`qab`, the blind rule — the step's cutoff and width minimising SURE with the MAD
noise level, per patch; the physics (``hbar2m``, blur) at the paper's defaults; patch sizes and
the basis details in :mod:`qdn.localization.options` and :mod:`qdn.localization.hamiltonian`.
"""

from __future__ import annotations

import numpy as np

from ..common.validation import as_signal
from .driver import denoise_patches
from .options import settings
from .reconstruction import oracle_step, sure_step

__all__ = ["qab", "qab_oracle"]


def qab(y, *, patch: int | None = None, stride: int | None = None, hbar2m: float | None = None,
        blur: float | None = None, sigma: float | None = None) -> np.ndarray:
    """Blind QAB denoising of a signal or image.

    Parameters
    ----------
    y : array_like, shape (N,) or (H, W)
        Noisy data (finite, real, not constant).
    patch : int or None
        Patch side (None: 16 for images, 64 samples for signals, or the data's smallest side if
        smaller). At least 4.
    stride : int or None
        Step between patches (None: half a patch); at most ``patch``.
    hbar2m : float or None
        ``p = hbar**2 / 2m`` (None: 3 for images, 0.4 for signals; the paper's).
    blur : float or None
        Variance (pixels squared) of the Gaussian blur of the potential (None: 7.5 / 15).
    sigma : float or None
        Noise standard deviation; None estimates it (MAD of the finest Haar detail).

    Returns
    -------
    ndarray
        Same shape as ``y``.

    Raises
    ------
    ValueError
        Non-finite, complex or constant input; data smaller than one patch; a bad option.
    """
    s = settings(y, patch=patch, stride=stride, hbar2m=hbar2m, blur=blur, sigma=sigma)
    return denoise_patches(s, lambda pb, sig, sl: sure_step(pb.alpha, pb.norm2, sig, pb.alpha.size)[0])


def qab_oracle(y, clean, *, patch: int | None = None, stride: int | None = None, hbar2m: float | None = None,
               blur: float | None = None) -> np.ndarray:
    """ORACLE QAB (benchmarks only): the step of each patch chosen against ``clean``, as the
    group's MATLAB code does. Same options as :func:`qab`; ``clean`` has ``y``'s shape."""
    s = settings(y, patch=patch, stride=stride, hbar2m=hbar2m, blur=blur, sigma=None)
    ref = as_signal(clean, name="clean", ndim=s.data.ndim)
    if ref.shape != s.data.shape:
        raise ValueError(f"clean has shape {ref.shape}, the noisy data {s.data.shape}")

    def rule(pb, _sigma, sl):
        return oracle_step(pb.alpha, pb.modes.vectors.T @ (ref[sl].ravel() / pb.scale))[0]

    return denoise_patches(s, rule)
