"""Cutting a signal or an image into windows (1-D) or square patches (N-D), and back.

A signal of ``N`` samples becomes ``(P, M)`` windows; an image of ``H x W`` pixels becomes
``(P, M, M)`` patches with patch index ``j = jx + Px*jy`` (row-major over the patch grid), the
order the circuits' ``j`` register uses. Leading axes are a batch.
"""

from __future__ import annotations

import numpy as np

__all__ = ["to_windows", "from_windows"]


def to_windows(x: np.ndarray, window: int, ndim: int = 1) -> np.ndarray:
    """``(..., *shape)`` -> ``(..., P, *(window,)*ndim)`` over the last ``ndim`` axes."""
    x = np.asarray(x)
    lead, shape = x.shape[: x.ndim - ndim], x.shape[x.ndim - ndim :]
    grid = tuple(s // window for s in shape)
    split = x.reshape(*lead, *(d for g in grid for d in (g, window)))
    k = len(lead)
    # (..., g0, w, g1, w, ...) -> (..., g0, g1, ..., w, w, ...)
    order = list(range(k)) + [k + 2 * a for a in range(ndim)] + [k + 2 * a + 1 for a in range(ndim)]
    return split.transpose(order).reshape(*lead, int(np.prod(grid)), *(window,) * ndim)


def from_windows(windows: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """Inverse of :func:`to_windows`: ``(..., P, *(M,)*ndim)`` -> ``(..., *shape)``."""
    windows = np.asarray(windows)
    ndim = len(shape)
    window = windows.shape[-1]
    lead = windows.shape[: windows.ndim - ndim - 1]
    grid = tuple(s // window for s in shape)
    arr = windows.reshape(*lead, *grid, *(window,) * ndim)
    k = len(lead)
    order = list(range(k)) + [i for a in range(ndim) for i in (k + a, k + ndim + a)]
    return arr.transpose(order).reshape(*lead, *shape)
