"""The result object shared by every denoising method."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from qiskit import QuantumCircuit

from ..circuits.amplification import Schedule
from ..classical.amplitude_map import AmplitudeMap
from ..circuits.layout import Layout

__all__ = ["DenoiseResult"]


@dataclass
class DenoiseResult:
    """Output of :func:`denoise`.

    Attributes
    ----------
    denoised : ndarray
        The denoised signal, same shape as the input.
    circuit : QuantumCircuit or None
        The circuit that ran (None for the emulator unless ``build_circuit=True``).
    thresholds : ndarray
        Per-window cutoffs (frequency bins); for ``method="qft"`` the global cutoff, for
        ``"qwt"`` the number of removed detail bands.
    iterations : int
        Amplitude-amplification rounds.
    schedule : Schedule or None
        Phases of every round (None for methods without amplification).
    marked_weight : float
        Good-subspace probability of the prepared state.
    success_probability : float
        Good-subspace probability after amplification (from the schedule).
    backend : str
    shots : int or None
    state : ndarray or None
        Final amplitudes on ``(anc, j, i)``, shape ``(2, P, M)``, for exact readout.
    counts : dict or None
        Measured counts keyed by ``i + M*j + N*anc``, for sampled readout.
    """

    denoised: np.ndarray
    circuit: QuantumCircuit | None
    thresholds: np.ndarray
    iterations: int
    schedule: Schedule | None
    marked_weight: float
    success_probability: float
    backend: str
    shots: int | None
    layout: Layout | None
    amplitude_map: AmplitudeMap | None
    method: str = "qdn"
    state: np.ndarray | None = None
    counts: dict | None = None
