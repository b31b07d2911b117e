"""The loop every adaptive-basis denoiser shares: noise level, patches, basis, weights, average.

Ours: one noise level for the whole input, ``sigma`` from the MAD of the finest Haar detail
(:func:`qdn.classical.thresholds.mad_sigma`, never the clean data), rescaled per patch by the
patch's scale; the physics (``hbar2m``, blur) fixed for the whole input (given, or chosen by
:mod:`qdn.localization.physics` before the loop); one BLAS thread while the loop runs
(:mod:`qdn.localization.blas`: the same results, several times faster on a busy machine).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ..classical.thresholds import mad_sigma
from .adaptive_basis import PatchBasis, patch_basis
from .blas import single_thread_blas
from .options import Settings
from .patches import map_patches

__all__ = ["WeightRule", "noise_level", "denoise_patches"]

#: ``(basis, sigma of the scaled patch, patch slices) -> weights (K,)``
WeightRule = Callable[[PatchBasis, float, tuple], np.ndarray]


def noise_level(s: Settings) -> float:
    """``s.sigma``, or the MAD estimate from the noisy data."""
    return mad_sigma(s.data) if s.sigma is None else s.sigma


@single_thread_blas()
def denoise_patches(s: Settings, rule: WeightRule, *, hbar2m: float, blur: float, count: int | None = None) -> np.ndarray:
    """Each patch rebuilt from its adaptive basis (physics ``hbar2m``, ``blur``) with the weights
    ``rule`` gives, overlaps averaged."""
    sigma = noise_level(s)

    def one(patch: np.ndarray, sl: tuple) -> np.ndarray:
        pb = patch_basis(patch, hbar2m=hbar2m, blur=blur, count=count)
        return pb.synthesize(rule(pb, sigma / pb.scale, sl)).reshape(patch.shape)

    return map_patches(s.data, s.patch, s.stride, one)
