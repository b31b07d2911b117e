"""The one executor: run a planned problem on a backend and read its output.

:func:`execute` is the only place that validates a backend and the shots, picks the backend
behind ``backend=None`` and the default shots, checks that the circuit fits, and runs the
emulator, Aer's statevector, a sampler (Aer or any ``BackendV2``) or a noisy run; then it
post-selects. Every front door (:mod:`qdn.api`) and the hardware program
(:mod:`qdn.hardware`) call it, or its pieces, rather than writing that branch again.

Noise is injected by the caller as an object with a ``run(problem, schedule, *, backend,
shots, seed) -> Readout`` method (:class:`qdn.noise.runs.NoisyExecution`), so this layer does not
import the noise layer above it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
from qiskit import QuantumCircuit

from .backends import (
    DEFAULT_SHOTS, backend_label, check_backend, check_device, check_fits, check_shots, choose_backend, is_ideal_aer,
)
from .readout import flag_branch, flag_counts, kept_amplitudes, kept_from_counts, read_statevector, rescale
from .runs import run_sampler, run_statevector
from ..emulator.problems import emulate
from ..emulator.spectral import sample_state

__all__ = ["Readout", "NoiseRunner", "execute", "resolve_backend"]


@dataclass(frozen=True)
class Readout:
    """What a run gives back.

    ``kept`` holds the kept (post-selected) amplitudes, one row per noise realisation (one row
    without noise), each shaped like the problem's amplitudes: complex for exact readout,
    ``sqrt(frequency)`` for sampled readout. ``state`` is the readout state of an exact run
    (mean over realisations, aligned), ``counts`` the counts of a sampled one.
    """

    kept: np.ndarray
    backend: str
    shots: int | None
    circuit: QuantumCircuit | None = None
    state: np.ndarray | None = None
    counts: dict | None = None
    simulation: dict | None = None

    def amplitudes(self, total: float) -> np.ndarray:
        """Real amplitudes with the global phase removed and the scale fixed so that they sum to
        ``total`` (:func:`~qdn.execution.readout.rescale`), averaged over realisations."""
        return np.mean([rescale(row, total) for row in self.kept], axis=0)


class NoiseRunner(Protocol):
    def run(self, problem: Any, schedule: Any, *, backend: Any, shots: int | None, seed: Any) -> Readout: ...


def resolve_backend(backend: Any, num_qubits: int) -> Any:
    """``backend`` validated; ``None`` replaced by :func:`choose_backend`."""
    check_backend(backend)
    return choose_backend(num_qubits) if backend is None else backend


def execute(
    problem: Any,
    schedule: Any,
    backend: Any = None,
    *,
    shots: int | None = None,
    seed: int | None = 0,
    noise: NoiseRunner | None = None,
    circuit_ok: bool = True,
    rng: np.random.Generator | None = None,
    device: str = "CPU",
    max_seconds: float | None = None,
) -> Readout:
    """Run ``problem`` under ``schedule`` and read it out.

    ``backend``: None (:func:`~qdn.execution.backends.choose_backend`; the emulator when
    ``circuit_ok`` is False, for problems with no circuit), ``"emulator"``, ``"statevector"``,
    ``"aer"`` or a ``BackendV2``. ``shots``: None reads the exact state (sampled backends take
    :data:`~qdn.execution.backends.DEFAULT_SHOTS`); an int samples that many (the emulator and
    the statevector sample the exact state). ``seed`` seeds sampling and simulators; ``rng``
    (default: from ``seed``) draws the samples of an exact state, so repeated runs can share it.
    ``device`` is Aer's device ("CPU", or "GPU" with qiskit-aer-gpu). For a fake IBM device the
    Aer method is picked by cost and reported in ``Readout.simulation``; a run estimated over
    ``max_seconds`` (:mod:`qdn.execution.cost`) is refused before it starts.
    """
    check_backend(backend)
    check_shots(shots)
    device = "CPU" if device == "CPU" else check_device(device)
    if noise is not None:
        return noise.run(problem, schedule, backend=backend, shots=shots, seed=seed)
    if backend is None:
        backend = choose_backend(problem.num_qubits) if circuit_ok else "emulator"
    circuit = counts = state = None
    simulation: dict = {}
    if backend == "emulator":
        state = emulate(problem, schedule)
    else:
        flagged = getattr(schedule, "flag", False)  # post-selected on one more (flag) qubit
        check_fits(problem.num_qubits + flagged, backend)
        sampled = backend != "statevector"
        if sampled and shots is None:
            shots = DEFAULT_SHOTS
        # ideal Aer applies an MCX in one pass: keep the value setting's MCX gates whole there
        circuit = problem.circuit(schedule, measure=sampled, synthesize_mcx=not is_ideal_aer(backend))
        if sampled:
            counts = run_sampler(circuit, backend, shots=shots, seed=seed, device=device, info=simulation,
                                 max_seconds=max_seconds)
            counts = flag_counts(counts, problem.layout.N) if flagged else counts
        else:
            sv = run_statevector(circuit, seed=seed, device=device)
            state = read_statevector(problem, flag_branch(sv) if flagged else sv)
    if counts is None and shots is not None:
        counts = sample_state(state, shots, np.random.default_rng(seed) if rng is None else rng)
    kept = kept_from_counts(problem, counts) if counts is not None else kept_amplitudes(problem, state)
    return Readout(kept[None], backend_label(backend), shots, circuit, state, counts, simulation or None)
