"""The methods besides qdn, run on padded, validated data: the quantum baselines (``"qft"``,
``"qwt"``) through the planner's encoding and the one executor, and the classical denoisers
(:data:`qdn.classical.denoisers.CLASSICAL_METHODS`) in NumPy/SciPy.

Quantum baselines use the same encoding, backends and readout as qdn; their ``threshold`` is one
global cutoff (QFT bins, ``min(k, N-k) <= tau``) or the number of finest wavelet detail bands
removed (QWT; ``wavelet="haar"`` or the 4-tap Daubechies ``"db2"``, alias ``"d4"``), ``"auto"``
choosing it by SURE of the projection with the MAD noise estimate
(:mod:`qdn.classical.global_cutoffs`). On images (a square, power-of-two side) the 2-D circuits
of :mod:`qdn.circuits.baselines` run.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .results import DenoiseResult
from ..circuits.baselines import BaselineProblem
from ..classical.amplitude_map import AmplitudeMap
from ..classical.denoisers import CLASSICAL_METHODS
from ..classical.global_cutoffs import global_cutoff, wavelet_name
from ..emulator.problems import emulate
from ..execution.executor import execute

__all__ = ["QUANTUM_BASELINES", "run_baseline", "run_classical"]

QUANTUM_BASELINES = ("qft", "qwt")


def run_baseline(
    method: str,
    data: np.ndarray,
    *,
    threshold: Any = "auto",
    backend: Any = None,
    shots: int | None = None,
    seed: int | None = 0,
    encoding: str = "linear",
    floor: float = 0.25,
    mean_bits: int = 4,
    wavelet: str | None = None,
    **_: Any,
) -> DenoiseResult:
    """QFT (``method="qft"``) or wavelet (``"qwt"``) thresholding of a signal (length a power of
    two) or a square image (side a power of two); ``window`` and qdn's other options do not apply."""
    wavelet = wavelet_name("haar" if wavelet is None else wavelet)
    amap = AmplitudeMap.fit(data, encoding, floor=floor, bits=mean_bits)
    c = amap.amplitudes(data)
    cut = global_cutoff(method, data, threshold, wavelet)
    problem = BaselineProblem(method, c, cut, wavelet)
    readout = execute(problem, None, backend, shots=shots, seed=seed)
    kept_probability = float(np.sum(np.abs(emulate(problem, None)[1, 0]) ** 2))
    return DenoiseResult(
        denoised=amap.decode(readout.amplitudes(float(c.sum()))),
        circuit=readout.circuit,
        thresholds=np.array([cut]),
        iterations=0,
        schedule=None,
        marked_weight=kept_probability,
        success_probability=kept_probability,
        backend=readout.backend,
        shots=readout.shots,
        amplitude_map=amap,
        method=method,
        state=readout.state,
        counts=readout.counts,
    )


def run_classical(method: str, data: np.ndarray, *, window: int = 16, threshold: Any = "auto", **_: Any) -> DenoiseResult:
    """A classical denoiser of :data:`~qdn.classical.denoisers.CLASSICAL_METHODS`."""
    out, taus = CLASSICAL_METHODS[method](data, window, threshold)
    return DenoiseResult(
        denoised=out, circuit=None, thresholds=taus, iterations=0, schedule=None, marked_weight=1.0,
        success_probability=1.0, backend="classical", shots=None, method=method,
    )
