"""QAB denoising (Dutta, Basarab, Georgeot, Kouamé, IEEE OJSP 2021), blind and oracle.

The paper's: per patch, the energy-sorted eigenvectors of ``H = diag(V) + p L`` (``V`` the
blurred noisy patch), coefficients of the noisy patch, the smooth step ``tau`` over the energy
index (:mod:`qdn.localization.reconstruction`); overlapping patches averaged. Their code picks the
step's cutoff and width by maximising the SNR against the clean image: that is
:func:`qab_oracle` here, for benchmarks only, labelled so.

Ours: :func:`qab`, the blind rule — the step's cutoff and width minimising SURE with the MAD
noise level, per patch; the physics (``hbar2m``, blur) chosen per input by SURE of the same
reconstruction over a grid around the paper's values (:mod:`qdn.localization.physics`; a value
passed is used as given); patch sizes and the basis details in :mod:`qdn.localization.options`
and :mod:`qdn.localization.hamiltonian`. :func:`qab_oracle` keeps the paper's fixed physics
(:data:`~qdn.localization.options.PAPER`) unless told otherwise, as their code does.
"""

from __future__ import annotations

import numpy as np

from ..common.validation import as_signal
from .driver import denoise_patches
from .options import PAPER, settings
from .physics import choose_physics
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
        ``p = hbar**2 / 2m`` (> 0). None: chosen by the blind rule from
        :data:`~qdn.localization.options.GRIDS` (the paper's fixed values: 3 for images, 0.4 for
        signals); :func:`qdn.localization.blind_physics` reports the choice.
    blur : float or None
        Variance (pixels squared, >= 0) of the Gaussian blur of the potential (None: chosen with
        ``hbar2m``; the paper's: 7.5 / 15).
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
    physics = choose_physics(s, per_mode=False)
    return denoise_patches(s, lambda pb, sig, sl: sure_step(pb.alpha, pb.norm2, sig, pb.alpha.size)[0],
                           hbar2m=physics.hbar2m, blur=physics.blur)


def qab_oracle(y, clean, *, patch: int | None = None, stride: int | None = None, hbar2m: float | None = None,
               blur: float | None = None) -> np.ndarray:
    """ORACLE QAB (benchmarks only): the step of each patch chosen against ``clean``, as the
    group's MATLAB code does. Same options as :func:`qab` (``hbar2m``, ``blur`` None: the paper's
    fixed values, :data:`~qdn.localization.options.PAPER`); ``clean`` has ``y``'s shape."""
    s = settings(y, patch=patch, stride=stride, hbar2m=hbar2m, blur=blur, sigma=None)
    ref = as_signal(clean, name="clean", ndim=s.data.ndim)
    if ref.shape != s.data.shape:
        raise ValueError(f"clean has shape {ref.shape}, the noisy data {s.data.shape}")

    def rule(pb, _sigma, sl):
        return oracle_step(pb.alpha, pb.modes.vectors.T @ (ref[sl].ravel() / pb.scale))[0]

    paper_hbar2m, paper_blur = PAPER[s.data.ndim]
    return denoise_patches(s, rule, hbar2m=paper_hbar2m if s.hbar2m is None else s.hbar2m,
                           blur=paper_blur if s.blur is None else s.blur)
