"""Input and option checks shared by :func:`~qdn.localization.qab.qab` and
:func:`~qdn.localization.denoise.localization` (each raises ``ValueError`` naming the problem),
the defaults and the grids of the blind physics rule.

Physics: ``hbar2m`` and ``blur`` left at None are chosen per input by the blind rule of
:mod:`qdn.localization.physics` (ours) from the grid :data:`GRIDS`; a value given is used as
given. :data:`PAPER` keeps the paper's fixed physics for images (``hbar2m = 3``, blur variance
7.5) and signals (0.4 and 15; QAB MATLAB scripts): the centre of each grid, and what
:func:`~qdn.localization.qab.qab_oracle` (the group's code) uses by default. Patch sides are ours,
measured (see the benchmark note):
16x16 patches with stride 8 for images (their 64x64 patches need a dense 4096x4096 eigenproblem
each, 6 s to 14 s on 2 cores; 16x16 scored higher under SURE on our test images as well), and
windows of 64 samples with stride 32 for signals (64 scored highest of 64, 128, 256 and
the whole signal under SURE on ECG, Doppler and Blocks at 15 dB).
"""

from __future__ import annotations

from dataclasses import dataclass
from numbers import Real

import numpy as np

from ..common.validation import as_signal, check_int

__all__ = ["Settings", "settings", "DEFAULTS", "PAPER", "GRIDS"]

#: ndim -> default patch side
DEFAULTS = {1: 64, 2: 16}
#: ndim -> the paper's fixed (hbar2m, blur variance)
PAPER = {1: (0.4, 15.0), 2: (3.0, 7.5)}
#: ndim -> (hbar2m candidates, blur-variance candidates) of the blind rule; each holds the paper's value
GRIDS = {1: ((0.1, 0.4, 1.6, 6.4, 25.6), (15.0, 45.0, 135.0)), 2: ((1.5, 3.0, 6.0, 12.0), (7.5, 15.0, 30.0))}


@dataclass(frozen=True)
class Settings:
    """Validated input and options (``hbar2m``, ``blur``, ``sigma``: None for "choose from the data")."""

    data: np.ndarray
    patch: int
    stride: int
    hbar2m: float | None
    blur: float | None
    sigma: float | None


def _positive(value, name: str, *, allow_zero: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, Real) or not np.isfinite(value):
        raise ValueError(f"{name} must be a finite real number, got {value!r}")
    if value < 0 or (value == 0 and not allow_zero):
        raise ValueError(f"{name} must be {'>= 0' if allow_zero else '> 0'}, got {value!r}")
    return float(value)


def settings(y, *, patch: int | None, stride: int | None, hbar2m: float | None, blur: float | None,
             sigma: float | None) -> Settings:
    """Check ``y`` (finite, real, 1-D or 2-D, not constant, at least one patch) and the options;
    a None patch or stride takes the default for the data's dimension, a None ``hbar2m``, ``blur``
    or ``sigma`` stays None (chosen from the data later)."""
    ndim = np.ndim(y) if np.ndim(y) in (1, 2) else 1
    data = as_signal(y, name="image" if ndim == 2 else "signal", ndim=ndim)
    if np.ptp(data) == 0:
        raise ValueError("input is constant: there is no potential to build a basis from (and nothing to denoise)")
    d_patch = DEFAULTS[ndim]
    # the default shrinks to a small input; a patch asked for does not
    patch = min(d_patch, min(data.shape)) if patch is None else check_int(patch, "patch", minimum=4)
    if patch > min(data.shape) or patch < 4:
        raise ValueError(f"patch ({patch}) must be between 4 and the smallest side of the data {data.shape}"
                         f" (the data is too small for one patch)")
    stride = max(1, patch // 2) if stride is None else check_int(stride, "stride", minimum=1)
    if stride > patch:
        raise ValueError(f"stride ({stride}) must be <= patch ({patch}), or some samples belong to no patch")
    return Settings(
        data=data, patch=patch, stride=stride,
        hbar2m=None if hbar2m is None else _positive(hbar2m, "hbar2m"),
        blur=None if blur is None else _positive(blur, "blur", allow_zero=True),
        sigma=None if sigma is None else _positive(sigma, "sigma", allow_zero=True),
    )
