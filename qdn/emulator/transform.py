"""The emulator for the hardware trades of issue 21: any window transform, signed encodings,
post-selected (flag) schedules.

:func:`emulate_transform_state` is :func:`~qdn.emulator.spectral.emulate_state` with the FFT
replaced by a dense ``M x M`` window transform ``U`` (the approximate QFT's matrix,
:func:`qdn.circuits.qft.window_transform`) and the ``anc = 1`` branch given by signed sines (a
compressed encoding's angles may leave ``[0, pi]``): ``O(P M^2)``, for the window sizes a device
takes. :func:`postselected` turns the state of a schedule that reaches the good subspace into
what a flag schedule reads: the good component with probability the schedule's success.
"""

from __future__ import annotations

import numpy as np

from ..circuits.amplification import Schedule
from ..classical.thresholds import frequency_mask
from .spectral import ScheduleSpec, schedule_scales

__all__ = ["emulate_transform_state", "postselected"]


def emulate_transform_state(
    cosines: np.ndarray,
    sines: np.ndarray,
    thresholds: np.ndarray,
    schedule: ScheduleSpec,
    transform: np.ndarray,
    *,
    mask: str = "two-sided",
) -> tuple[np.ndarray, np.ndarray]:
    """Final amplitudes on ``(anc, j, i)`` (shape ``(2, P, M)``) and the rounds, for the prepared
    state ``(cos|0> + sin|1>)_anc |j, i> / sqrt(N)`` under ``transform`` ``U`` on ``i``:
    ``spec = U x``, good = ``anc = 0`` on the kept bins, the schedule's factors, then ``U^dagger``."""
    c, s = np.asarray(cosines, float), np.asarray(sines, float)
    P, M = c.shape
    spec = np.stack([c, s]).astype(complex) @ np.asarray(transform).T / np.sqrt(P * M)
    good = spec[0] * frequency_mask(M, np.broadcast_to(thresholds, (P,)), mask)
    g2 = np.sum(np.abs(good) ** 2)
    b2 = max(np.sum(np.abs(spec) ** 2) - g2, 0.0)
    sg, sb, iters = schedule_scales(np.array(g2), np.array(b2), schedule, {})
    final = spec * sb
    final[0] += good * (sg - sb)
    return final @ np.conj(transform), iters


def postselected(state: np.ndarray, schedule: Schedule, weight: float) -> np.ndarray:
    """``state`` (all in the good subspace: an exact schedule's) scaled to the probability that
    ``schedule`` leaves there, ``anc = 1`` emptied: what a flag schedule keeps (``flag = 1``); the
    missing probability is the discarded shots (:func:`~qdn.emulator.spectral.sample_state`)."""
    out = np.array(state, complex)
    out[1] = 0.0
    norm = np.linalg.norm(out)
    return out * (np.sqrt(schedule.success_probability(weight)) / norm if norm > 0 else 0.0)
