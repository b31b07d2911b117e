"""Noisy runs of the denoising circuit: what ``qdn.denoise(..., noise=...)`` executes.

:func:`run_noisy` runs the circuit of a problem under phase / bit-flip noise (unitary per
realisation: exact readout per realisation or pooled samples) or under an Aer ``NoiseModel``
or a backend's noise (a channel: sampled on Aer). :class:`NoisyExecution` adapts it to the
executor (:func:`qdn.execution.executor.execute`'s ``noise=``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from qiskit import QuantumCircuit

from .aer import check_noise_model_matches
from .emulate import emulate_noisy_state, emulator_fourier_slots
from .rewrite import NoisyCircuit
from .scenarios import AerNoise, noise_components
from ..emulator.spectral import sample_state
from ..circuits.problem import build_circuit
from ..execution.backends import DEFAULT_SHOTS, backend_label, check_fits
from ..execution.executor import Readout, resolve_backend
from ..execution.readout import kept_from_counts, state_amplitudes
from ..execution.runs import run_sampler, run_statevectors

__all__ = ["NoisyRun", "NoisyExecution", "mean_aligned_state", "run_noisy"]


@dataclass
class NoisyRun:
    """What :func:`run_noisy` measured.

    ``states`` (exact readout) has one ``(2, P, M)`` state per realisation; ``counts`` (sampled
    readout) sums the shots of all realisations.
    """

    backend: Any
    circuit: QuantumCircuit | None
    states: np.ndarray | None = None
    counts: dict | None = None
    shots: int | None = None
    realisations: int = 1


def mean_aligned_state(states: np.ndarray) -> np.ndarray:
    """Average of realisations' ``(2, P, M)`` states, each first rotated so that the sum of its
    ``anc = 0`` amplitudes is real and positive (the global phase readout removes)."""
    states = np.asarray(states)
    if len(states) == 1:
        return states[0]
    z = states[:, 0].sum(axis=(-2, -1))
    phase = np.where(np.abs(z) > 0, np.conj(z) / np.where(np.abs(z) > 0, np.abs(z), 1.0), 1.0)
    return (states * phase[:, None, None, None]).mean(axis=0)


def _exact_or_sampled(label, circuit, states, shots, realisations, rng) -> NoisyRun:
    """Exact states, or ``ceil(shots / K)`` shots sampled from each realisation and pooled."""
    if shots is None:
        return NoisyRun(label, circuit, states=states, realisations=realisations)
    per = -(-shots // realisations)
    counts: dict[int, int] = {}
    for st in states:
        for key, cnt in sample_state(st, per, rng).items():
            counts[key] = counts.get(key, 0) + cnt
    return NoisyRun(label, circuit, counts=counts, shots=per * realisations, realisations=realisations)


def _is_backend(obj) -> bool:
    from qiskit.providers import BackendV2

    return isinstance(obj, BackendV2)


def run_noisy(problem, schedule, noise, *, backend=None, shots: int | None = None, seed=0) -> NoisyRun:
    """Run the denoising circuit of ``problem`` under ``noise`` (what ``qdn.denoise(noise=...)``
    does).

    ``noise`` is a :class:`~qdn.noise.scenarios.PhaseNoise`,
    :class:`~qdn.noise.scenarios.BitFlipNoise`, :class:`~qdn.noise.scenarios.AerNoise`, a
    ``qiskit_aer.noise.NoiseModel``, a ``BackendV2`` (its ``AerSimulator.from_backend`` noise:
    the circuit is transpiled for the device, coupling map included) or a sequence of them (at
    most one model or backend).

    Backends and readouts:

    * Phase and bit-flip noise are unitary per realisation. ``backend="emulator"`` (only noise on
      the Fourier stages: :func:`emulate_noisy_state`) and ``"statevector"`` (Aer, K parameter
      bindings in one job) read each realisation's state exactly; :mod:`qdn.api.signal` decodes each and
      averages the decoded signals (averaged-trajectory exact readout). ``"aer"`` or a
      ``BackendV2`` sample ``ceil(shots / K)`` shots per realisation and pool the counts; with
      the emulator and ``shots`` each realisation's state is sampled likewise.
    * An Aer noise model or a backend is a channel: sampled readout on Aer only
      (``backend=None`` or ``"aer"``), the circuit lowered first (to the model's basis gates at
      optimisation level 0, so no gate the model names is optimised away; for a backend, for its
      target at level 1), then checked with :func:`check_noise_model_matches`.

    ``backend=None`` follows :func:`qdn.execution.backends.choose_backend` for unitary noise and means ``"aer"``
    for a channel. ``seed`` seeds the noise draws and the simulators.
    """
    items = list(noise) if isinstance(noise, (list, tuple)) else [noise]
    device = [x for x in items if _is_backend(x)]
    comps = noise_components([x for x in items if not _is_backend(x)]) if len(device) < len(items) else ()
    models = [c for c in comps if isinstance(c, AerNoise)]
    if len(device) + len(models) > 1:
        raise ValueError("give at most one Aer NoiseModel or backend as noise")
    unitary = [c for c in comps if not isinstance(c, AerNoise)]
    channel = bool(device or models)
    num_qubits = problem.num_qubits
    backend = "aer" if channel and backend is None else resolve_backend(backend, num_qubits)
    if channel and backend != "aer":
        raise ValueError(
            f"a noise model or noisy backend is a channel: it runs with sampled readout on Aer "
            f"(backend=None or 'aer'), not on {backend!r}"
        )
    realisations = max((c.realisations for c in unitary), default=1)
    rng = np.random.default_rng(seed)
    layout = problem.layout

    if backend == "emulator":
        circuit = build_circuit(problem, schedule)
        nc = NoisyCircuit(circuit, unitary)
        slots = emulator_fourier_slots(nc, layout.m, schedule.iterations)
        states = []
        for row in nc.draws(seed):
            fourier = [None] * (2 * schedule.iterations + 2)
            for slot, inst in slots.items():
                fourier[slot] = nc.program.instance_unitary(inst, layout.m, row)
            states.append(
                emulate_noisy_state(problem.amplitudes, problem.thresholds, schedule, fourier,
                                    two_sided=problem.two_sided)
            )
        return _exact_or_sampled("emulator", nc.circuit, np.array(states), shots, realisations, rng)

    check_fits(num_qubits, backend)
    sampled = backend != "statevector"
    circuit = build_circuit(problem, schedule, measure=sampled)
    staged = [c for c in unitary + models if c.stages is not None or not isinstance(c, AerNoise)]
    nc = NoisyCircuit(circuit, staged) if staged else None
    noisy = nc.circuit if nc is not None else circuit
    draws = nc.draws(seed) if nc is not None else [[]]
    params, values = nc.parameter_values(draws) if nc is not None else ([], np.zeros((1, 0)))
    if not sampled:
        full = run_statevectors(noisy, params, values, seed=seed)
        states = np.array([state_amplitudes(sv, layout, problem.variant, problem.mask) for sv in full])
        return _exact_or_sampled("statevector", noisy, states, shots, realisations, rng)
    shots = DEFAULT_SHOTS if shots is None else shots
    per = -(-shots // realisations)
    if device:
        from qiskit_aer import AerSimulator

        sim = AerSimulator.from_backend(device[0], seed_simulator=seed)
        counts = run_sampler(noisy, sim, shots=per, seed=seed, parameter_values=(params, values),
                             check=lambda isa: check_noise_model_matches(isa, sim.options.noise_model))
        label = f"aer+{getattr(device[0], 'name', 'backend')}"
    elif models and models[0].stages is None:
        nm = models[0].noise_model
        counts = run_sampler(noisy, "aer", shots=per, seed=seed, parameter_values=(params, values),
                             noise_model=nm, optimization_level=0,
                             check=lambda isa: check_noise_model_matches(isa, nm))
        label = "aer+noise_model"
    else:
        counts = run_sampler(noisy, backend, shots=per, seed=seed, parameter_values=(params, values))
        label = backend
    return NoisyRun(label, noisy, counts=counts, shots=per * realisations, realisations=realisations)


@dataclass(frozen=True)
class NoisyExecution:
    """``noise`` (anything :func:`run_noisy` takes) as the executor's noise runner."""

    noise: Any

    def run(self, problem, schedule, *, backend: Any, shots: int | None, seed: Any) -> Readout:
        run = run_noisy(problem, schedule, self.noise, backend=backend, shots=shots, seed=seed)
        label = backend_label(run.backend)
        if run.states is not None:
            # averaged-trajectory exact readout: each realisation decoded, the outputs averaged
            return Readout(run.states[:, 0], label, run.shots, run.circuit, state=mean_aligned_state(run.states))
        return Readout(kept_from_counts(problem, run.counts)[None], label, run.shots, run.circuit, counts=run.counts)
