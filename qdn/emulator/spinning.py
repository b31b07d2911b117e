r"""Exact emulator of the in-circuit cycle spinning (:mod:`qdn.circuits.spinning`).

With ``g_k = R_{d_k}^{-1} P_k R_{d_k} c / sqrt(N)`` the kept part of shift ``k`` and ``c``,
``s_n = sqrt(1 - c^2)`` the encoded amplitudes, the prepared state ``A_S|0>`` reads, on
``(s', flag, anc, x)`` after the final Hadamards on ``s``,

.. math::

    s' = 0:\;& |1,0\rangle\,\bar g + |0,0\rangle\,(c/\sqrt N - \bar g) + |0,1\rangle\, s_n/\sqrt N,
    \qquad \bar g = \tfrac1S \textstyle\sum_k g_k,\\
    s' \ne 0:\;& (|1,0\rangle - |0,0\rangle)\; \tfrac1S \textstyle\sum_k (-1)^{k\cdot s'} g_k,

the good component is ``|s'=0, flag=1> g-bar`` and every schedule maps ``A_S|0>`` to
``sb A_S|0> + (sg - sb) good`` (:mod:`qdn.emulator.spectral`). The readout state is the ``s' = 0``
slice, O(S N log M) time and O(N) memory; ``full=True`` adds the other ``s'`` (a Walsh–Hadamard
transform over ``k``, O(S N) memory), for comparison with a statevector.
"""

from __future__ import annotations

import numpy as np
from scipy.linalg import hadamard

from .spectral import ScheduleSpec, schedule_scales
from ..classical.spinning import shift_offsets, spin_projection

__all__ = ["emulate_spin_state"]


def emulate_spin_state(
    amplitudes: np.ndarray,
    thresholds: np.ndarray,
    schedule: ScheduleSpec = "exact",
    *,
    mask: str = "two-sided",
    full: bool = False,
    **schedule_options,
) -> tuple[np.ndarray, int]:
    """Final amplitudes of the spinning circuit and its rounds.

    ``amplitudes`` ``(P, M)`` ``cos(theta)``; ``thresholds`` ``(S, P)``. Returns the state on
    ``(flag, anc, j, i)`` at ``s = 0``, shape ``(2, 2, P, M)`` (``full``: on ``(s, flag, anc, j,
    i)``, shape ``(S, 2, 2, P, M)``), and the number of rounds.
    """
    c = np.asarray(amplitudes, float)
    thresholds = np.atleast_2d(np.asarray(thresholds))
    P, M = c.shape
    S, N = thresholds.shape[0], c.size
    root_n = np.sqrt(N)
    sn = np.sqrt(np.clip(1.0 - c**2, 0.0, None)) / root_n
    good = spin_projection(c.ravel(), M, thresholds, mask=mask).reshape(P, M) / root_n
    g2 = np.vdot(good, good).real
    total = np.vdot(c, c).real / N + np.vdot(sn, sn).real
    sg, sb, iters = schedule_scales(np.asarray(g2), np.asarray(max(total - g2, 0.0)), schedule, schedule_options)
    sg, sb = complex(sg), complex(sb)
    out = np.zeros(((S,) if full else ()) + (2, 2, P, M), complex)
    zero = out[0] if full else out
    zero[1, 0] = sg * good
    zero[0, 0] = sb * (c / root_n - good)
    zero[0, 1] = sb * sn
    if full and sb != 0:
        parts = np.stack([
            np.roll(spin_projection(np.roll(c.ravel(), -int(d)), M, taus[None], mask=mask), int(d))
            for d, taus in zip(shift_offsets(M, S), thresholds)
        ]).reshape(S, P, M) / root_n
        walsh = np.tensordot(hadamard(S), parts, axes=(1, 0)) / S  # row s': sum_k (-1)^{k.s'} g_k / S
        out[1:, 1, 0] = sb * walsh[1:]
        out[1:, 0, 0] = -sb * walsh[1:]
    return out, int(iters)
