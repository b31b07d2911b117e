"""The translation-invariant options of :func:`qdn.denoise` on 1-D signals: the noise model
(Poisson counts through the Anscombe transform), the boundary, the window chosen from the data,
and cycle spinning — in the circuit (one circuit, a shift register) or by runs (one circuit per
shift, outputs averaged).

Measured on the paper's signals (``benchmarks/results/paper.md``): spinning over every window
position (``shifts = window``) and the window chosen by Monte-Carlo SURE are the defaults;
``shifts=1, window=16`` is the paper's algorithm.
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

from .plan import plan
from ..classical.anscombe import anscombe, inverse_anscombe
from ..classical.risk import WINDOW_CANDIDATES, choose_window
from ..classical.spinning import (
    WEIGHTS, check_shifts, shift_offsets, shift_thresholds, spin_filter, spin_projection, wiener_weights,
)
from ..classical.thresholds import ThresholdSpec, mad_sigma
from ..common.registry import check_choice, lookup
from ..common.validation import check_window
from ..execution.executor import Readout, execute

__all__ = ["NOISE_MODELS", "SPIN_MODES", "resolve_shifts", "resolve_spin", "twin_estimate", "resolve_window",
           "spin_by_runs", "NoiseTransform", "resolve_weights"]

#: Noise models -> (forward transform, inverse, noise level of the transformed data or None to estimate it).
NOISE_MODELS: dict[str, tuple[Callable, Callable, float | None]] = {
    "gaussian": (lambda y: y, lambda y: y, None),
    "poisson": (anscombe, inverse_anscombe, 1.0),
}

#: How shifts > 1 are run.
SPIN_MODES = {
    "circuit": "one circuit: a shift register in superposition, a modular adder, cutoffs per (shift, window)",
    "runs": "one circuit per shift (no extra qubits), the outputs shifted back and averaged",
}


class NoiseTransform:
    """The forward and inverse transform of a noise model and the noise level it implies."""

    def __init__(self, noise_model: str) -> None:
        self.forward, self.inverse, self.sigma = lookup(NOISE_MODELS, "noise_model", noise_model)
        self.name = noise_model

    def __call__(self, y: np.ndarray) -> np.ndarray:
        return self.forward(y)  # anscombe checks that the data are counts


def resolve_shifts(shifts: Any, window: int) -> int:
    """``"auto"`` -> ``window`` (every window position); an int validated."""
    if isinstance(shifts, str):
        check_choice("shifts", shifts, ("auto",))
        return window
    return check_shifts(shifts, window)


def resolve_spin(spin: str | None, backend: Any, noisy: bool) -> str:
    """``None`` -> ``"runs"`` for a ``BackendV2`` or with ``noise=`` (no extra register on a
    device), ``"circuit"`` otherwise."""
    if spin is None:
        return "runs" if noisy or not (backend is None or isinstance(backend, str)) else "circuit"
    check_choice("spin", spin, SPIN_MODES)
    return spin


def resolve_weights(weights: str | None, spin: str, shifts: int, variant: str) -> str:
    """``None`` -> ``"wiener"`` for the compact spinning circuit (measured best,
    ``benchmarks/results/paper.md``), ``"hard"`` otherwise; a soft choice is checked to be
    buildable (one circuit, compact variant)."""
    if weights is None:
        return "wiener" if shifts > 1 and spin == "circuit" and variant == "compact" else "hard"
    check_choice("weights", weights, WEIGHTS)
    if weights != "hard" and (shifts < 2 or spin != "circuit" or variant != "compact"):
        raise ValueError(f"weights={weights!r} is a rotation in the spinning circuit: it needs shifts >= 2, "
                         "spin='circuit' and variant='compact' (spinning by runs runs the paper's hard mask)")
    return weights


def twin_estimate(y: np.ndarray, window: int, shifts: int, threshold: ThresholdSpec, mask: str,
                  sigma: float, weights: str = "hard") -> np.ndarray:
    """The noise-free circuit's output computed classically (:func:`spin_projection` with the
    same cutoffs, or :func:`spin_filter` with the same soft weights): what ``window="auto"``
    scores."""
    taus = shift_thresholds(y, window, shifts, threshold, mask=mask, sigma=sigma)
    if weights == "wiener" and shifts > 1:
        return spin_filter(y, window, wiener_weights(y, window, taus, sigma))
    out = spin_projection(y, window, taus, mask=mask)
    return out.real if np.iscomplexobj(out) else out


def resolve_window(y: np.ndarray, window: Any, shifts: Any, *, threshold: ThresholdSpec, mask: str,
                   sigma: float | None, seed: int | None, weights: str = "hard",
                   size: int | None = None) -> tuple[int, dict | None]:
    """``window`` validated, or chosen (``"auto"``) by Monte-Carlo SURE of the whole estimator
    (:func:`qdn.classical.risk.choose_window`); returns it and the candidates' risks."""
    size = y.size if size is None else size  # the signal's own length (y may be its mirrored extension)
    if not isinstance(window, str):
        return check_window(window, size), None
    check_choice("window", window, ("auto",))
    sigma = mad_sigma(y) if sigma is None else sigma
    fixed = None if isinstance(shifts, str) else int(shifts)
    # the choice is scale-free: score the data divided by its peak (no over/underflow), report
    # the risks in the data's units
    scale = float(np.max(np.abs(y))) or 1.0
    y, sigma = y / scale, sigma / scale

    def estimate(v: np.ndarray, m: int) -> np.ndarray:
        return twin_estimate(v, m, m if fixed is None else min(fixed, m), threshold, mask, sigma, weights)

    candidates = [m for m in WINDOW_CANDIDATES if fixed is None or m >= fixed]
    best, risks = choose_window(estimate, y, sigma, candidates=candidates, seed=seed, size=size)
    with np.errstate(over="ignore"):
        return best, {m: float(r * scale**2) for m, r in risks.items()}


def spin_by_runs(y: np.ndarray, window: int, shifts: int, run: Callable[[np.ndarray, np.ndarray], np.ndarray],
                 *, threshold: ThresholdSpec, mask: str, sigma: float | None) -> np.ndarray:
    """Cycle spinning by runs: for each shift ``d``, ``run(np.roll(y, -d), cutoffs)`` denoises the
    shifted copy; the outputs are shifted back and averaged. The cutoffs are those the in-circuit
    spinning uses (:func:`shift_thresholds`)."""
    taus = shift_thresholds(y, window, shifts, threshold, mask=mask, sigma=sigma)
    outs = [np.roll(run(np.roll(y, -int(d)), cut), int(d)) for d, cut in zip(shift_offsets(window, shifts), taus)]
    return np.mean(outs, axis=0)


def run_planned(y: np.ndarray, window: int, *, shifts: int, threshold: ThresholdSpec, sigma: float | None,
                execute_options: dict, plan_options: dict) -> tuple[np.ndarray, Any, Readout]:
    """Plan (with ``shifts`` in the circuit) and execute once; the decoded output, the plan and
    the readout."""
    p = plan(y, window, threshold=threshold, sigma=sigma, shifts=shifts, **plan_options)
    readout = execute(p.problem, p.schedule, **execute_options)
    return p.decode(readout), p, readout
