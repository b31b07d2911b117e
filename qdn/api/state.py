"""Denoising a state that a quantum process produced (the paper's eq. 4 and the text after it).

The process is run about P times (``shots_for_means``) measuring the window register ``j`` to
estimate each window's weight ``p_j``; the window mean is estimated as the RMS amplitude
``A_j = sqrt(p_j / M) * sqrt(N)`` (1.0 for a flat state; the sign of the amplitudes is not
observable this way). The ``mean``/``thre`` registers are written from those estimates, and the
windowed QFT, oracle, amplification and inverse QFT are appended to the process. The marked
weight is unknown, so the default schedule is fixed-point (Yoder–Low–Chuang), which only needs a
lower bound; the alternative ``schedule="exact"`` first estimates the weight by sampling the
prepared state in the frequency basis (``shots_for_weight`` process calls).

Every process call is counted: means, weight estimation, and ``1 + 2 * rounds`` calls for each
shot of the final readout (the amplification runs the preparation forward and backward).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from qiskit import ClassicalRegister, QuantumCircuit
from qiskit.circuit.library import QFTGate
from qiskit.quantum_info import Statevector

from ..common.validation import check_bool, check_int, check_seed, check_window
from ..execution.backends import check_backend, check_shots
from ..circuits.amplification import Schedule, exact_schedule, fixed_point_schedule
from ..execution.executor import execute
from ..execution.runs import run_sampler
from ..circuits.layout import Layout
from ..circuits.problem import DenoisingProblem
from ..classical.thresholds import fixed_cutoffs, frequency_mask, max_threshold, side_mask
from ..common.registry import unknown

__all__ = [
    "denoise_state",
    "StateDenoiseResult",
    "estimate_window_weights",
    "estimate_marked_weight",
    "signal_process",
    "noisy_signal_process",
]


@dataclass
class StateDenoiseResult:
    """Output of :func:`denoise_state`.

    ``state`` is the denoised state on ``(j, i)`` (unit norm, global phase removed so its sum is
    real positive) for exact readout; ``denoised`` its real part, flattened (sampled readout:
    ``sqrt(frequency)``). ``circuit`` prepares the denoised state (process + denoiser).
    ``success_probability`` is the probability of the kept band in the output (exact readout),
    or the schedule's prediction (sampled readout).
    """

    denoised: np.ndarray
    state: np.ndarray | None
    circuit: QuantumCircuit | None
    thresholds: np.ndarray
    mean_estimates: np.ndarray
    window_weights: np.ndarray
    schedule: Schedule
    weight_estimate: float | None
    success_probability: float
    process_calls: int
    backend: str
    counts: dict | None = None


def _sample(circuit: QuantumCircuit, qubits: list[int], shots: int, seed, backend) -> dict[int, int]:
    qc = circuit.copy()
    creg = ClassicalRegister(len(qubits), "meas")
    qc.add_register(creg)
    qc.measure(qubits, creg)
    return run_sampler(qc, "aer" if isinstance(backend, str) else backend, shots=shots, seed=seed)


def estimate_window_weights(
    process: QuantumCircuit | None, layout: Layout, shots: int, *, seed=None, backend: Any = "aer", statevector=None
) -> np.ndarray:
    """Estimated probability of each window, from ``shots`` runs of the process measuring ``j``."""
    if statevector is not None:  # emulator: sample the same distribution with NumPy
        probs = np.sum(np.abs(np.asarray(statevector).reshape(layout.P, layout.M)) ** 2, axis=1)
        counts = np.random.default_rng(seed).multinomial(shots, probs / probs.sum())
        return counts / shots
    counts = _sample(process, list(range(layout.m, layout.n)), shots, seed, backend)
    hist = np.zeros(layout.P)
    for key, c in counts.items():
        hist[key] += c
    return hist / shots


def estimate_marked_weight(
    process: QuantumCircuit | None, layout: Layout, thresholds, shots: int, *, two_sided=True, seed=None,
    backend: Any = "aer", statevector=None,
) -> float:
    """Fraction of ``shots`` of process + windowed QFT whose frequency passes the cutoff."""
    mask = frequency_mask(layout.M, thresholds, side_mask(two_sided))
    if statevector is not None:
        spec = np.fft.ifft(np.asarray(statevector).reshape(layout.P, layout.M), axis=1) * np.sqrt(layout.M)
        probs = np.abs(spec.ravel()) ** 2
        counts = np.random.default_rng(seed).multinomial(shots, probs / probs.sum())
        return float(counts[mask.ravel()].sum() / shots)
    qc = process.copy()
    qc.append(QFTGate(layout.m), range(layout.m))
    counts = _sample(qc, list(range(layout.n)), shots, seed, backend)
    good = sum(c for key, c in counts.items() if mask.ravel()[key])
    return good / shots


def denoise_state(
    process: QuantumCircuit,
    window: int = 16,
    *,
    threshold: int | np.ndarray | Callable[[float], int] = 2,
    shots_for_means: int | None = None,
    schedule: str = "fixed-point",
    min_weight: float = 0.2,
    delta: float = 0.05,
    shots_for_weight: int = 1000,
    variant: str = "register",
    two_sided: bool = True,
    mean_bits: int = 4,
    backend: Any = "statevector",
    shots: int | None = None,
    seed: int | None = 0,
) -> StateDenoiseResult:
    """Denoise the n-qubit state prepared by ``process``.

    Parameters
    ----------
    process : QuantumCircuit
        Unitary circuit on n qubits preparing ``sum_x alpha_x |x>``, ``x = i + M*j``.
    window : int
        Window length M (power of two, <= 2**n).
    threshold : int, array of length P, or callable of the estimated window mean
        ``"auto"`` (SURE) is not available: it needs the samples themselves.
    shots_for_means : int, optional
        Process runs spent on estimating the window means (default ``4 * P``, "of the order of
        P" as in the paper).
    schedule : {"fixed-point", "exact"}
        Fixed-point needs only ``min_weight`` (a lower bound on the marked weight) and
        ``delta`` (success >= 1 - delta**2). "exact" estimates the weight with
        ``shots_for_weight`` process runs first.
    backend : "statevector", "aer", "emulator" or a BackendV2
        "emulator" uses the process's statevector (computed once with
        :class:`qiskit.quantum_info.Statevector`) and NumPy for everything else.
    shots : int, optional
        Sampled readout of the denoised state (``None``: exact amplitudes).
    """
    check_backend(backend)
    check_shots(shots)
    check_seed(seed)
    check_int(mean_bits, "mean_bits", minimum=1)
    check_bool(two_sided, "two_sided")
    check_int(shots_for_weight, "shots_for_weight", minimum=1)
    if not isinstance(process, QuantumCircuit):
        raise ValueError(f"process must be a QuantumCircuit, got {type(process).__name__}")
    if process.num_clbits or any(inst.operation.name in ("measure", "reset") for inst in process.data):
        raise ValueError("process must be unitary: remove its measurements and resets")
    n = process.num_qubits
    window = check_window(window, 1 << n)
    layout = Layout.from_sizes(1 << n, window, mean_bits)
    if isinstance(threshold, str):
        raise ValueError("threshold 'auto' needs the samples; for a quantum input give an int, an array or a callable of the mean")
    if schedule not in ("fixed-point", "exact"):
        raise ValueError(unknown("schedule", schedule, ("fixed-point", "exact"), extra="(for quantum input)"))
    shots_for_means = 4 * layout.P if shots_for_means is None else check_int(shots_for_means, "shots_for_means", minimum=1)
    emulate = backend == "emulator"
    psi = Statevector(process).data if emulate else None
    calls = shots_for_means

    weights = estimate_window_weights(process, layout, shots_for_means, seed=seed, backend=backend, statevector=psi)
    means = np.sqrt(weights / layout.M) * np.sqrt(layout.N)
    t_max = max_threshold(layout.M, side_mask(two_sided))
    taus = fixed_cutoffs(threshold, means, t_max)
    codes = np.rint(means / max(means.max(), 1e-300) * (2**mean_bits - 1)).astype(np.int64)

    weight_estimate = None
    if schedule == "fixed-point":
        sched = fixed_point_schedule(min_weight, delta)
    else:
        weight_estimate = estimate_marked_weight(
            process, layout, taus, shots_for_weight, two_sided=two_sided, seed=seed, backend=backend, statevector=psi
        )
        calls += shots_for_weight
        if weight_estimate == 0:
            raise RuntimeError("no sampled frequency passed the cutoff: the marked weight estimate is 0")
        sched = exact_schedule(weight_estimate)

    problem = DenoisingProblem(layout, None, taus, codes, variant, side_mask(two_sided), process=process)
    readout = execute(problem, sched, backend, shots=shots, seed=seed)
    circuit, counts, shots, state = readout.circuit, readout.counts, readout.shots, None
    if counts is not None:
        good = readout.kept[0]
        # the marked subspace is not observable in the position basis: report the schedule's
        # own prediction (at the estimated weight, or its guaranteed bound)
        success = sched.success_probability(weight_estimate) if weight_estimate else 1 - delta**2
        calls += shots * (1 + 2 * sched.iterations)
        denoised = good.ravel()
    else:
        good = readout.kept[0]
        spec = np.fft.ifft(good, axis=1) * np.sqrt(layout.M)
        success = float(np.sum(np.abs(spec[frequency_mask(layout.M, taus, side_mask(two_sided))]) ** 2))
        z = good.sum()
        state = good * (np.conj(z) / abs(z)) if abs(z) > 0 else good
        denoised = state.real.ravel()
    return StateDenoiseResult(
        denoised=denoised, state=state, circuit=circuit, thresholds=taus, mean_estimates=means,
        window_weights=weights, schedule=sched, weight_estimate=weight_estimate,
        success_probability=success, process_calls=calls,
        backend=readout.backend,
        counts=counts,
    )


def signal_process(y) -> QuantumCircuit:
    """A process preparing the state ``y / ||y||`` (Qiskit's ``StatePreparation``), name ``"process"``."""
    from qiskit.circuit.library import StatePreparation

    y = np.asarray(y, float)
    n = int(np.log2(y.size))
    if y.size < 2 or 1 << n != y.size:
        raise ValueError(f"signal length must be a power of two >= 2, got {y.size}")
    norm = np.linalg.norm(y)
    if norm == 0:
        raise ValueError("the signal is all zeros: it has no quantum state")
    qc = QuantumCircuit(n, name="process")
    qc.append(StatePreparation(y / norm), range(n))
    return qc


def noisy_signal_process(y, epsilon: float = 0.1, *, p: float = 0.0, seed=None) -> QuantumCircuit:
    """The paper's noisy quantum process: prepare ``y``'s state, then an n-qubit QFT and IQFT
    with phase noise ``epsilon`` (one realisation, bound) and, for ``p > 0``, bit flips after
    the Hadamards drawn as one trajectory (:mod:`qdn.noise.quantum`)."""
    from ..noise.quantum import fourier_roundtrip
    from ..noise.rewrite import NoisyCircuit
    from ..noise.scenarios import BitFlipNoise, PhaseNoise

    proc = signal_process(y)
    comps = [PhaseNoise(epsilon)] + ([BitFlipNoise(p)] if p > 0 else [])
    nc = NoisyCircuit(fourier_roundtrip(proc.num_qubits), comps)
    noisy = proc.copy()
    noisy.compose(nc.bind(nc.draws(seed)[0]), inplace=True)
    return noisy
