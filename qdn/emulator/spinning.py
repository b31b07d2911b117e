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
from ..classical.spinning import mask_weights, spin_filter, spin_projection

__all__ = ["emulate_spin_state", "spin_state"]


def spin_state(c: np.ndarray, good: np.ndarray, rest: np.ndarray, schedule: ScheduleSpec, schedule_options: dict,
               parts: tuple[np.ndarray, np.ndarray] | None = None) -> tuple[np.ndarray, int]:
    """The amplified state of a spinning circuit from its prepared components (see the module
    docstring), 1-D windows or 2-D patches alike: ``c`` the encoded amplitudes, ``good`` and
    ``rest`` the ``s' = 0`` parts on ``flag = 1`` and ``flag = 0`` of the ``anc = 0`` branch (over
    ``sqrt(N)``), shaped like ``c``. ``parts = (g, h)``, the per-shift terms ``(S, *c.shape)``, adds
    the ``s' != 0`` slices: the state has shape ``(S, 2, 2, *c.shape)`` instead of ``(2, 2, *c.shape)``."""
    N = c.size
    sn = np.sqrt(np.clip(1.0 - c**2, 0.0, None)) / np.sqrt(N)
    g2 = np.vdot(good, good).real
    total = np.vdot(c, c).real / N + np.vdot(sn, sn).real
    sg, sb, iters = schedule_scales(np.asarray(g2), np.asarray(max(total - g2, 0.0)), schedule, schedule_options)
    sg, sb = complex(sg), complex(sb)
    S = 1 if parts is None else parts[0].shape[0]
    out = np.zeros(((S,) if parts is not None else ()) + (2, 2) + c.shape, complex)
    zero = out[0] if parts is not None else out
    zero[1, 0] = sg * good
    zero[0, 0] = sb * rest
    zero[0, 1] = sb * sn
    if parts is not None and sb != 0:
        walsh = hadamard(S) / S  # row s': (-1)^{popcount(k & s')} / S
        out[1:, 1, 0] = sb * np.tensordot(walsh, parts[0], axes=(1, 0))[1:]
        out[1:, 0, 0] = sb * np.tensordot(walsh, parts[1], axes=(1, 0))[1:]
    return out, int(iters)


def emulate_spin_state(
    amplitudes: np.ndarray,
    thresholds: np.ndarray,
    schedule: ScheduleSpec = "exact",
    *,
    mask: str = "two-sided",
    weights: np.ndarray | None = None,
    full: bool = False,
    good: np.ndarray | None = None,
    **schedule_options,
) -> tuple[np.ndarray, int]:
    """Final amplitudes of the spinning circuit and its rounds.

    ``amplitudes`` ``(P, M)`` ``cos(theta)``; ``thresholds`` ``(S, P)``; ``weights`` None (hard
    masks) or ``(S, P, M)``. Returns the state on ``(flag, anc, j, i)`` at ``s = 0``, shape
    ``(2, 2, P, M)`` (``full``: on ``(s, flag, anc, j, i)``, shape ``(S, 2, 2, P, M)``), and the
    number of rounds. ``good``: the good component already computed
    (:meth:`~qdn.circuits.spinning.SpinningProblem.good_amplitudes`).
    """
    c = np.asarray(amplitudes, float)
    thresholds = np.atleast_2d(np.asarray(thresholds))
    P, M = c.shape
    root_n = np.sqrt(c.size)
    if weights is None and not full:  # the fast path: one accumulated projection
        if good is None:
            good = spin_projection(c.ravel(), M, thresholds, mask=mask).reshape(P, M) / root_n
        return spin_state(c, good, c / root_n - good, schedule, schedule_options)
    w = mask_weights(M, thresholds, mask) if weights is None else weights
    rest_w = np.sqrt(np.clip(1.0 - w**2, 0.0, None))
    if not full:
        if good is None:
            good = spin_filter(c.ravel(), M, w).reshape(P, M) / root_n
        return spin_state(c, good, spin_filter(c.ravel(), M, rest_w).reshape(P, M) / root_n, schedule,
                          schedule_options)
    g = spin_filter(c.ravel(), M, w, per_shift=True).reshape((-1, P, M)) / root_n
    h = spin_filter(c.ravel(), M, rest_w, per_shift=True).reshape((-1, P, M)) / root_n
    return spin_state(c, g.mean(axis=0), h.mean(axis=0), schedule, schedule_options, (g, h))
