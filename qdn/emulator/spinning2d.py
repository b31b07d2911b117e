r"""Exact emulator of the 2-D in-circuit cycle spinning (:mod:`qdn.circuits.spinning2d`).

As in 1-D (:mod:`qdn.emulator.spinning`), with ``W_k`` the mark of shift ``k = kx + Sx ky``,
``g_k = R_k^{-1} F^{-1} W_k F R_k c / sqrt(N)``, ``h_k`` the same with ``sqrt(1 - W_k^2)`` and
``s_n = sqrt(1 - c^2) / sqrt(N)``: on ``(s', flag, anc, j, iy, ix)`` after the Hadamards on
``sx, sy`` the slice ``s' = 0`` is ``|1,0> mean_k g_k + |0,0> mean_k h_k + |0,1> s_n``, and
``s' != 0`` carries the Walsh–Hadamard sums ``(1/S) sum_k (-1)^{k.s'} g_k`` (and ``h_k``). Every
schedule maps ``A_S|0>`` to ``sb A_S|0> + (sg - sb) good`` (:mod:`qdn.emulator.spectral`).
"""

from __future__ import annotations

import numpy as np

from .spectral import ScheduleSpec
from .spinning import spin_state
from ..classical.spinning import mask_weights
from ..classical.spinning2d import flip_frequencies, spin_image_filter
from ..classical.windows import from_windows, to_windows

__all__ = ["emulate_spin_image_state"]


def emulate_spin_image_state(
    amplitudes: np.ndarray,
    thresholds: np.ndarray,
    spins: tuple[int, int],
    schedule: ScheduleSpec = "exact",
    *,
    shape: tuple[int, int] | None = None,
    mask: str = "separable",
    weights: np.ndarray | None = None,
    full: bool = False,
    **schedule_options,
) -> tuple[np.ndarray, int]:
    """Final amplitudes of the 2-D spinning circuit and its rounds.

    ``amplitudes`` ``(P, M, M)`` ``cos(theta)`` of the image of ``shape`` (default: a square grid
    of patches); ``thresholds`` ``(Sy Sx, P)``; ``weights`` None (hard masks of ``mask``) or
    ``(S, P, M, M)``. Returns the state on ``(flag, anc, j, iy, ix)`` at ``sx = sy = 0``, shape
    ``(2, 2, P, M, M)`` (``full``: on ``(s, flag, anc, j, iy, ix)``, ``(S, 2, 2, P, M, M)``), and
    the number of rounds.
    """
    c = np.asarray(amplitudes, float)
    P, M = c.shape[0], c.shape[-1]
    if shape is None:
        side = int(round(np.sqrt(P))) * M
        shape = (side, side)
    N = c.size
    w = mask_weights(M, thresholds, mask, ndim=2) if weights is None else np.clip(np.asarray(weights, float), 0.0, 1.0)
    img = from_windows(c, shape)
    root_n = np.sqrt(N)
    spins = tuple(int(v) for v in spins)
    g = spin_image_filter(img, M, spins, flip_frequencies(w), per_shift=True)
    h = spin_image_filter(img, M, spins, flip_frequencies(np.sqrt(1.0 - w**2)), per_shift=True)
    g = to_windows(g, M, 2) / root_n  # (S, P, M, M)
    h = to_windows(h, M, 2) / root_n
    return spin_state(c, g.mean(axis=0), h.mean(axis=0), schedule, schedule_options, (g, h) if full else None)
