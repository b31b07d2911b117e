"""The planner: data and options in, a :class:`Plan` out — the problem the executor runs (1-D
windows or 2-D patches, amplitudes, thresholds, mean codes), its schedule, and the amplitude
map that decodes the readout. :func:`qdn.denoise`, :func:`qdn.denoise_image` (one plan per
cycle-spin shift) and :func:`qdn.hardware.build_program` all plan here.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..circuits.amplification import Schedule, make_schedule
from ..circuits.compression import compress_angles
from ..circuits.layout import Layout
from ..circuits.problem import DenoisingProblem
from ..circuits.spinning import SpinningProblem
from ..circuits.spinning2d import SpinningImageProblem
from ..classical.amplitude_map import AmplitudeMap
from ..classical.spinning import WEIGHTS, shift_thresholds, wiener_weights
from ..classical.spinning2d import image_shift_thresholds, image_spins
from ..classical.thresholds import ThresholdSpec, mad_sigma, resolve_thresholds
from ..common.registry import check_choice
from ..classical.windows import from_windows, to_windows
from ..execution.executor import Readout

__all__ = ["Plan", "plan"]


@dataclass(frozen=True)
class Plan:
    """A planned denoising run: ``problem`` under ``schedule``; ``amplitude_map`` maps samples to
    amplitudes and back."""

    problem: DenoisingProblem | SpinningProblem | SpinningImageProblem
    schedule: Schedule
    amplitude_map: AmplitudeMap

    @property
    def layout(self) -> Layout:
        return self.problem.layout

    @property
    def weight(self) -> float:
        return self.problem.weight

    @property
    def total(self) -> float:
        """Sum of the encoded amplitudes: the scale the readout restores."""
        return float(np.sum(self.problem.amplitudes))

    def decode(self, readout: Readout) -> np.ndarray:
        """Denoised samples, in the data's shape, from a readout of this plan's problem."""
        windows = self.amplitude_map.decode(readout.amplitudes(self.total))
        return from_windows(windows, self.layout.shape)


def plan(
    data: np.ndarray,
    window: int,
    *,
    threshold: ThresholdSpec = "auto",
    schedule: str = "exact",
    variant: str = "register",
    mask: str = "two-sided",
    encoding: str = "linear",
    floor: float = 0.25,
    mean_bits: int = 4,
    min_weight: float | None = None,
    delta: float = 0.05,
    sigma: float | None = None,
    amplitude_map: AmplitudeMap | None = None,
    shifts: int | tuple[int, int] = 1,
    weights: str = "hard",
    compression: float = 0.0,
    qft_degree: int = 0,
) -> Plan:
    """Plan the denoising of ``data`` (validated; every side a power of two and >= ``window``).

    ``data.ndim`` = 1 cuts windows of ``window`` samples, 2 cuts ``window x window`` patches.
    ``sigma`` (``threshold="auto"``) defaults to the MAD estimate from ``data``;
    ``amplitude_map`` (default: fitted to ``data``) lets shifted copies share one map.
    ``shifts`` > 1 (1-D) plans the in-circuit cycle spinning over ``shifts`` evenly spaced
    shifts (:class:`~qdn.circuits.spinning.SpinningProblem`), cutoffs per (shift, window), and
    ``weights`` (:data:`qdn.classical.spinning.WEIGHTS`) on the kept bins. For 2-D data
    ``shifts`` is ``(Sy, Sx)`` or an int split by :func:`~qdn.classical.spinning2d.image_spins`;
    more than one shift plans :class:`~qdn.circuits.spinning2d.SpinningImageProblem` (compact
    variant, hard masks of ``mask``), cutoffs per (shift, patch).

    Hardware trades (1-D, one shift; issue 21): ``compression`` drops that fraction of the
    encoding's Walsh coefficients (:func:`~qdn.circuits.compression.compress_angles`; the problem
    then encodes the compressed angles, which the emulator reads too), ``qft_degree`` approximates
    the QFT (:func:`~qdn.circuits.qft.approximate_qft`). Thresholds are resolved on the data, as
    without them.
    """
    check_choice("weights", weights, WEIGHTS)
    trades = bool(compression) or bool(qft_degree)
    if trades and (data.ndim != 1 or shifts != 1):
        raise ValueError("compression and qft_degree are for 1-D signals with shifts=1 (the paper's circuit)")
    if weights != "hard" and data.ndim == 2:
        raise ValueError(f"weights={weights!r}: images take the hard masks only (in-circuit spinning included)")
    if weights != "hard" and shifts < 2:
        raise ValueError(f"weights={weights!r} is built into the spinning circuit: use shifts >= 2")
    layout = Layout.for_shape(data.shape, window, mean_bits)
    amap = amplitude_map or AmplitudeMap.fit(data, encoding, floor=floor, bits=mean_bits)
    windows = to_windows(data, window, data.ndim)
    if data.ndim == 2 and image_spins(shifts, window) != (1, 1):
        spins = image_spins(shifts, window)
        taus = image_shift_thresholds(data, window, spins, threshold, mask=mask, sigma=sigma)
        problem = SpinningImageProblem(layout, amap.amplitudes(windows), taus, spins, variant, mask)
        return _unflagged(Plan(problem, make_schedule(schedule, problem.weight, min_weight=min_weight, delta=delta), amap))
    if shifts > 1:
        taus = shift_thresholds(data, window, shifts, threshold, mask=mask, sigma=sigma)
        soft = None if weights == "hard" else wiener_weights(data, window, taus, mad_sigma(data) if sigma is None else sigma)
        problem = SpinningProblem(layout, amap.amplitudes(windows), taus, variant, mask, soft)
        return _unflagged(Plan(problem, make_schedule(schedule, problem.weight, min_weight=min_weight, delta=delta), amap))
    taus = resolve_thresholds(windows, threshold, mask=mask, sigma=sigma, signal=data, grid=layout.grid_shape)
    means = windows.reshape(layout.P, -1).mean(axis=1)
    amplitudes, angles = amap.amplitudes(windows), None
    if compression:
        angles, _ = compress_angles(2.0 * np.arccos(np.clip(amplitudes, -1.0, 1.0)).ravel(), compression)
        amplitudes = np.cos(angles / 2).reshape(amplitudes.shape)
    problem = DenoisingProblem(layout, amplitudes, taus, amap.quantize_mean(means, mean_bits), variant, mask,
                               angles=angles, qft_degree=qft_degree)
    sched = make_schedule(schedule, problem.weight, min_weight=min_weight, delta=delta)
    return Plan(problem, sched, amap) if data.ndim == 1 else _unflagged(Plan(problem, sched, amap))


def _unflagged(p: Plan) -> Plan:
    """``p``, refused when its schedule reads through a flag (1-D signals with one shift only)."""
    if p.schedule.flag:
        raise ValueError(f"schedule {p.schedule.name!r} (a post-selected flag) is for 1-D signals with shifts=1")
    return p
