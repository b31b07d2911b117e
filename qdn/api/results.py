"""The result objects of the front doors: :class:`DenoiseResult` (signals, and every method) and
:class:`ImageDenoiseResult` (:func:`qdn.denoise_image`). Built by keyword."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from qiskit import QuantumCircuit

from ..circuits.amplification import Schedule
from ..classical.amplitude_map import AmplitudeMap
from ..circuits.layout import Layout

__all__ = ["DenoiseResult", "ImageDenoiseResult"]


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
    simulation : dict or None
        How a fake IBM device was simulated: Aer ``method`` (picked by cost:
        :func:`qdn.execution.backends.aer_method`), ``active_qubits``, ``device``.
    window : int or None
        The window used (chosen by ``window="auto"``, or given).
    window_risks : dict or None
        ``window="auto"``: the Monte-Carlo SURE of each candidate window.
    shifts, spin, runs : int, str or None, int
        Cycle-spinning shifts, how they ran ("circuit", "runs"; None for one shift) and the
        circuits run. With ``shifts`` > 1, ``thresholds`` has shape ``(shifts, P)``; ``state`` is
        the spinning circuit's ``s = 0`` slice on ``(flag, anc, j, i)`` (spin "circuit") or the
        first run's state (spin "runs").
    noise_model, boundary, weights : str
    num_qubits : int or None
        Qubits of the circuit that runs (or would run, on the emulator); per run for spin "runs".
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
    layout: Layout | None = None
    amplitude_map: AmplitudeMap | None = None
    method: str = "qdn"
    state: np.ndarray | None = None
    counts: dict | None = None
    simulation: dict | None = None
    window: int | None = None
    window_risks: dict | None = None
    shifts: int = 1
    spin: str | None = None
    runs: int = 1
    noise_model: str = "gaussian"
    boundary: str = "periodic"
    num_qubits: int | None = None
    weights: str = "hard"


@dataclass
class ImageDenoiseResult:
    """Output of :func:`denoise_image`.

    Attributes
    ----------
    denoised : ndarray, shape (H, W)
        The denoised image, same shape as the input.
    thresholds : ndarray, shape (Py, Px)
        Per-patch cutoffs of the unshifted copy (of the padded image).
    iterations : int
        Amplification rounds of the unshifted copy's circuit.
    circuit : QuantumCircuit or None
        The unshifted copy's circuit when a circuit ran (None for the emulator).
    runs : int
        Copies denoised (1 + extra cycle-spin shifts): circuits run on a circuit backend.
    shifts : tuple of (dy, dx)
    all_thresholds : ndarray, shape (runs, Py, Px)
    all_iterations : ndarray, shape (runs,)
    sigma : float or None
        Noise level used by ``threshold="auto"`` (estimated from the noisy image unless given).
    state : ndarray or None
        Unshifted copy's final amplitudes on ``(anc, j, iy, ix)``, shape ``(2, P, M, M)``
        (exact readout).
    counts : dict or None
        Unshifted copy's counts keyed by ``i + M*M*j + N*anc`` (sampled readout).
    """

    denoised: np.ndarray
    thresholds: np.ndarray
    iterations: int
    circuit: QuantumCircuit | None
    schedule: Schedule
    marked_weight: float
    success_probability: float
    backend: str
    shots: int | None
    window: int
    shape: str
    variant: str
    layout: Layout
    amplitude_map: AmplitudeMap
    runs: int = 1
    shifts: tuple = ((0, 0),)
    all_thresholds: np.ndarray | None = None
    all_iterations: np.ndarray | None = None
    sigma: float | None = None
    padded_shape: tuple = ()
    state: np.ndarray | None = None
    counts: dict | None = None
    method: str = "qdn"
    extras: dict = field(default_factory=dict)
