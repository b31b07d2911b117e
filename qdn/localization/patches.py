"""Overlapping patches of a signal or image and their overlap-averaged reassembly.

The paper's (QAB MATLAB code): square patches, stride half a patch, overlaps averaged. Ours: the
last patch of each axis is moved back to end at the border, so that any size >= the patch is
covered (their code needs the side to be a multiple of the stride).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator

import numpy as np

__all__ = ["patch_starts", "patch_slices", "map_patches"]


def patch_starts(n: int, size: int, stride: int) -> list[int]:
    """Start of every patch along an axis of ``n`` samples, the last one ending at ``n``."""
    starts = list(range(0, n - size + 1, stride))
    if starts[-1] != n - size:
        starts.append(n - size)
    return starts


def patch_slices(shape: tuple[int, ...], size: int, stride: int) -> Iterator[tuple[slice, ...]]:
    """The slices of every patch of side ``size`` (every axis) of an array of ``shape``."""
    grids = [patch_starts(n, size, stride) for n in shape]
    for starts in itertools.product(*grids):
        yield tuple(slice(s, s + size) for s in starts)


def map_patches(x: np.ndarray, size: int, stride: int, func: Callable[[np.ndarray, tuple[slice, ...]], np.ndarray]) -> np.ndarray:
    """``func(patch, slices)`` on every patch of ``x``, the outputs averaged where they overlap."""
    total = np.zeros_like(x, dtype=float)
    count = np.zeros_like(x, dtype=float)
    for sl in patch_slices(x.shape, size, stride):
        total[sl] += func(x[sl], sl)
        count[sl] += 1.0
    return total / count
