r"""Exact emulator of the in-circuit cycle spinning (:mod:`qdn.circuits.spinning`).

With ``W_k`` the mark of shift ``k`` (the hard mask of its cutoffs, or soft weights),
``g_k = R_k^{-1} F^{-1} W_k F R_k c / sqrt(N)`` and ``h_k = R_k^{-1} F^{-1} sqrt(1 - W_k^2) F R_k c /
sqrt(N)`` (``h_k = c / sqrt(N) - g_k`` for a hard mask), and ``s_n = sqrt(1 - c^2) / sqrt(N)``,
the prepared state ``A_S|0>`` reads, on ``(s', flag, anc, x)`` after the final Hadamards on ``s``,

.. math::

    s' = 0:\;& |1,0\rangle\,\bar g + |0,0\rangle\,\bar h + |0,1\rangle\, s_n,
    \qquad \bar g = \tfrac1S \textstyle\sum_k g_k,\; \bar h = \tfrac1S \textstyle\sum_k h_k,\\
    s' \ne 0:\;& |1,0\rangle\, \tfrac1S \textstyle\sum_k (-1)^{k\cdot s'} g_k
               + |0,0\rangle\, \tfrac1S \textstyle\sum_k (-1)^{k\cdot s'} h_k;

the good component is ``|s'=0, flag=1> g-bar`` and every schedule maps ``A_S|0>`` to
``sb A_S|0> + (sg - sb) good`` (:mod:`qdn.emulator.spectral`). The readout state is the ``s' = 0``
slice: O(S N log M) time, O(N) memory for hard masks; ``full=True`` adds the other ``s'`` (a
Walsh–Hadamard transform over ``k``, O(S N) memory), for comparison with a statevector.
"""

from __future__ import annotations

import numpy as np
from scipy.linalg import hadamard

from .spectral import ScheduleSpec, schedule_scales
from ..classical.spinning import shift_offsets, spin_filter, spin_projection

__all__ = ["emulate_spin_state"]


def _per_shift(c: np.ndarray, M: int, thresholds: np.ndarray, weights: np.ndarray | None, mask: str):
    """``(g_k, h_k)`` per shift, shape ``(S, N)`` each, without the ``1/sqrt(N)``."""
    S = thresholds.shape[0]
    if weights is None:
        g = np.stack([np.roll(spin_projection(np.roll(c, -int(d)), M, taus[None], mask=mask), int(d))
                      for d, taus in zip(shift_offsets(M, S), thresholds)])
        return g, c[None, :] - g
    pairs = list(zip(weights, shift_offsets(M, S)))
    g = np.stack([np.roll(spin_filter(np.roll(c, -int(d)), M, w[None]), int(d)) for w, d in pairs])
    h = np.stack([np.roll(spin_filter(np.roll(c, -int(d)), M, np.sqrt(1.0 - w[None] ** 2)), int(d)) for w, d in pairs])
    return g, h


def emulate_spin_state(
    amplitudes: np.ndarray,
    thresholds: np.ndarray,
    schedule: ScheduleSpec = "exact",
    *,
    mask: str = "two-sided",
    weights: np.ndarray | None = None,
    full: bool = False,
    **schedule_options,
) -> tuple[np.ndarray, int]:
    """Final amplitudes of the spinning circuit and its rounds.

    ``amplitudes`` ``(P, M)`` ``cos(theta)``; ``thresholds`` ``(S, P)``; ``weights`` None (hard
    masks) or ``(S, P, M)``. Returns the state on ``(flag, anc, j, i)`` at ``s = 0``, shape
    ``(2, 2, P, M)`` (``full``: on ``(s, flag, anc, j, i)``, shape ``(S, 2, 2, P, M)``), and the
    number of rounds.
    """
    c = np.asarray(amplitudes, float)
    thresholds = np.atleast_2d(np.asarray(thresholds))
    P, M = c.shape
    S, N = thresholds.shape[0], c.size
    root_n = np.sqrt(N)
    sn = np.sqrt(np.clip(1.0 - c**2, 0.0, None)) / root_n
    if weights is None and not full:  # the fast path: one accumulated projection
        good = spin_projection(c.ravel(), M, thresholds, mask=mask).reshape(P, M) / root_n
        rest = c / root_n - good
    elif not full:
        good = spin_filter(c.ravel(), M, weights).reshape(P, M) / root_n
        rest = spin_filter(c.ravel(), M, np.sqrt(np.clip(1.0 - weights**2, 0.0, None))).reshape(P, M) / root_n
    else:
        g, h = _per_shift(c.ravel(), M, thresholds, weights, mask)
        good, rest = g.mean(axis=0).reshape(P, M) / root_n, h.mean(axis=0).reshape(P, M) / root_n
    g2 = np.vdot(good, good).real
    total = np.vdot(c, c).real / N + np.vdot(sn, sn).real
    sg, sb, iters = schedule_scales(np.asarray(g2), np.asarray(max(total - g2, 0.0)), schedule, schedule_options)
    sg, sb = complex(sg), complex(sb)
    out = np.zeros(((S,) if full else ()) + (2, 2, P, M), complex)
    zero = out[0] if full else out
    zero[1, 0] = sg * good
    zero[0, 0] = sb * rest
    zero[0, 1] = sb * sn
    if full and sb != 0:
        walsh = hadamard(S) / S  # row s': (-1)^{k.s'} / S
        out[1:, 1, 0] = sb * np.tensordot(walsh, g, axes=(1, 0))[1:].reshape(S - 1, P, M) / root_n
        out[1:, 0, 0] = sb * np.tensordot(walsh, h, axes=(1, 0))[1:].reshape(S - 1, P, M) / root_n
    return out, int(iters)
