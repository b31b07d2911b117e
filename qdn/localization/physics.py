"""The blind choice of the physics, ``hbar2m = hbar**2/2m`` and the blur of the potential, per input.

The paper's (Dutta et al. 2021, the QAB MATLAB code): fixed values, ``hbar2m = 3`` and blur
variance 7.5 for images, 0.4 and 15 for signals (:data:`qdn.localization.options.PAPER`); the
localization paper (Hashemi et al. 2025) states that no hyperparameter is tuned, but not how.

Ours, the blind rule (:func:`choose_physics`): every ``(hbar2m, blur)`` pair of a small grid
(:data:`qdn.localization.options.GRIDS`: hbar2m from half to four times the paper's value, blur
variance from about half to four times, the paper's pair included) is scored by Stein's unbiased
risk (SURE) of the method's own reconstruction, summed over a deterministic subsample of the
input's patches (at most :data:`SAMPLE`, evenly spaced in the patch order), with the noise level
estimated as the driver does (MAD); the pair with the least risk is used for every patch. The
per-patch SURE is the one the weight rule already minimises
(:func:`qdn.localization.reconstruction.sure_step`, garrote divergence included for
``"localization"``), rescaled to the data's units (``* scale**2``) so that patches add up. It treats
each patch's basis as fixed, although the basis depends on the noisy data through the blurred
potential (an approximation: the smaller the blur, the more the basis follows the noise and the
more optimistic SURE is; so the grid starts at the paper's blur variance).
The rule never sees clean data: its only inputs are the noisy data and the options. An explicit
``hbar2m`` or ``blur`` is used as given (the grid then runs over the other one alone).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..common.registry import check_choice
from .adaptive_basis import patch_basis
from .blas import single_thread_blas
from .driver import noise_level
from .options import GRIDS, Settings, settings
from .patches import patch_slices
from .reconstruction import sure_step

__all__ = ["SAMPLE", "Physics", "sample_slices", "patch_risk", "choose_physics", "blind_physics"]

#: Most patches the rule scores per candidate pair.
SAMPLE = 32


@dataclass(frozen=True)
class Physics:
    """The physics a run uses and how it was set.

    Attributes
    ----------
    hbar2m, blur : float
        The values used.
    chosen : bool
        True when the blind rule picked at least one of them (False: both given).
    candidates : ndarray, shape (G, 2)
        The ``(hbar2m, blur)`` pairs scored (empty when both were given).
    risks : ndarray, shape (G,)
        SURE of each candidate, summed over the sampled patches, in the data's units squared.
    patches : int
        Patches sampled.
    """

    hbar2m: float
    blur: float
    chosen: bool
    candidates: np.ndarray
    risks: np.ndarray
    patches: int


def sample_slices(shape: tuple[int, ...], patch: int, stride: int, count: int = SAMPLE) -> list[tuple[slice, ...]]:
    """At most ``count`` of the patches :func:`~qdn.localization.patches.patch_slices` gives,
    evenly spaced in its order (all of them when there are no more than ``count``)."""
    slices = list(patch_slices(shape, patch, stride))
    picks = np.unique(np.round(np.linspace(0, len(slices) - 1, min(count, len(slices)))).astype(int))
    return [slices[i] for i in picks]


def patch_risk(patch: np.ndarray, sigma: float, *, hbar2m: float, blur: float, per_mode: bool) -> float:
    """SURE of one patch rebuilt by the blind step (``per_mode``: times the garrote) in the basis
    of ``(hbar2m, blur)``, basis treated as fixed; in the data's units (``sigma`` too)."""
    pb = patch_basis(patch, hbar2m=hbar2m, blur=blur, count=None)
    risk = sure_step(pb.alpha, pb.norm2, sigma / pb.scale, pb.alpha.size, per_mode=per_mode)[2]
    return risk * pb.scale**2


@single_thread_blas()
def choose_physics(s: Settings, *, per_mode: bool) -> Physics:
    """The physics for the validated input ``s`` (module docstring): ``s.hbar2m`` and ``s.blur``
    where given, the least-SURE grid pair otherwise (ties: the first in grid order)."""
    if s.hbar2m is not None and s.blur is not None:
        return Physics(s.hbar2m, s.blur, False, np.empty((0, 2)), np.empty(0), 0)
    grid_h, grid_b = GRIDS[s.data.ndim]
    candidates = np.array([(h, b) for h in ((s.hbar2m,) if s.hbar2m is not None else grid_h)
                           for b in ((s.blur,) if s.blur is not None else grid_b)], float)
    sigma = noise_level(s)
    slices = sample_slices(s.data.shape, s.patch, s.stride)
    risks = np.array([sum(patch_risk(s.data[sl], sigma, hbar2m=h, blur=b, per_mode=per_mode) for sl in slices)
                      for h, b in candidates])
    best = int(np.argmin(risks))
    return Physics(float(candidates[best, 0]), float(candidates[best, 1]), True, candidates, risks, len(slices))


def blind_physics(y, *, method: str = "localization", patch: int | None = None, stride: int | None = None,
                  hbar2m: float | None = None, blur: float | None = None, sigma: float | None = None) -> Physics:
    """The physics :func:`~qdn.localization.localization` (``method="localization"``) or
    :func:`~qdn.localization.qab` (``"qab"``) uses on ``y`` with these options: the same call
    they make, so the same choice (deterministic). Raises ``ValueError`` as they do."""
    check_choice("method", method, ("localization", "qab"))
    s = settings(y, patch=patch, stride=stride, hbar2m=hbar2m, blur=blur, sigma=sigma)
    return choose_physics(s, per_mode=method == "localization")
