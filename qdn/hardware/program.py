"""Programs: the qdn circuit of a signal and what is needed to decode its counts.

:func:`build_program` makes a :class:`QdnProgram` from a signal and the run parameters of
:func:`qdn.denoise` (the same pieces: ``Layout``, ``AmplitudeMap``, ``resolve_thresholds``,
``DenoisingProblem``, ``make_schedule``, ``build_circuit``); :func:`program_from_params` rebuilds
it from the JSON parameters a journal keeps; :func:`synthetic_program` is a seeded random
problem of a given size for resource and feasibility tables (no signal, nothing to decode).
:func:`as_program` turns what the hardware functions accept (a circuit, a program, or a mapping
of run parameters) into a program or a circuit, and :func:`circuit_of` gives the circuit to send.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from qiskit import QuantumCircuit

from ..api.results import DenoiseResult
from ..api.plan import plan
from ..circuits.amplification import Schedule, make_schedule
from ..circuits.layout import Layout
from ..circuits.problem import DenoisingProblem, build_circuit
from ..classical.amplitude_map import AmplitudeMap
from ..classical.thresholds import side_mask
from ..common.validation import as_signal, check_window, pad_pow2
from ..execution.readout import flag_counts, kept_from_counts, rescale
from .resources import make_problem

__all__ = [
    "DEFAULT_VARIANT",
    "QdnProgram",
    "build_program",
    "program_from_params",
    "synthetic_program",
    "as_program",
    "circuit_of",
]

#: Hardware runs default to the compact variant: same output as "register", 7 instead of 14
#: qubits and 4-8x fewer 2-qubit gates at N = 16 (see docs/hardware.md).
DEFAULT_VARIANT = "compact"


@dataclass
class QdnProgram:
    """The qdn circuit of one signal plus what is needed to decode its counts.

    Built by :func:`build_program` with the planner :func:`qdn.denoise` uses
    (:func:`qdn.api.plan.plan`), decoded with the executor's readout
    (:func:`qdn.execution.readout.kept_from_counts`). ``amplitude_map`` is ``None`` for :func:`synthetic_program` (sizes only).

    Attributes
    ----------
    problem : DenoisingProblem
    schedule : Schedule
    params : dict
        JSON-serialisable run parameters (the journal keeps them); ``program_from_params``
        rebuilds the program from them.
    amplitude_map : AmplitudeMap or None
    amplitude_total : float
        ``sum cos(theta)`` of the encoded signal (fixes the readout scale).
    n_orig : int
        Length before padding.
    """

    problem: DenoisingProblem
    schedule: Schedule
    params: dict
    amplitude_map: AmplitudeMap | None
    amplitude_total: float
    n_orig: int
    _circuit: QuantumCircuit | None = field(default=None, repr=False)

    @property
    def layout(self) -> Layout:
        return self.problem.layout

    @property
    def num_qubits(self) -> int:
        return self.problem.num_qubits

    @property
    def circuit(self) -> QuantumCircuit:
        """The measured circuit (register ``meas`` = ``i + M*j + N*anc``), built once."""
        if self._circuit is None:
            self._circuit = build_circuit(self.problem, self.schedule, measure=True)
        return self._circuit

    def decode(self, counts: Mapping[int, int]) -> np.ndarray:
        """Denoised signal from integer counts of ``meas`` (as :func:`qdn.denoise` decodes)."""
        if self.amplitude_map is None:
            raise ValueError("this program has no amplitude map (synthetic sizes only); nothing to decode")
        if self.schedule.flag:  # keep the flag = 1 shots
            counts = flag_counts(counts, self.layout.N)
        c_hat = rescale(kept_from_counts(self.problem, counts), self.amplitude_total)
        return self.amplitude_map.decode(c_hat).ravel()[: self.n_orig]

    def kept_shots(self, counts: Mapping[int, int]) -> int:
        """Shots the readout keeps: ``anc = 0``, and ``flag = 1`` for a flag schedule."""
        if self.schedule.flag:
            counts = flag_counts(counts, self.layout.N)
        return int(sum(v for k, v in counts.items() if int(k) < self.layout.N))

    def shots_for(self, kept: int) -> int:
        """Shots to send for about ``kept`` kept ones: a flag schedule keeps the fraction its
        success probability (``ceil(kept / success)``); the other schedules send ``kept``."""
        if not self.schedule.flag:
            return int(kept)
        return int(np.ceil(kept / self.schedule.success_probability(self.problem.weight)))

    def result(self, counts: Mapping[int, int], *, backend: str, shots: int | None) -> DenoiseResult:
        """A :class:`~qdn.api.results.DenoiseResult` of ``counts`` (``state`` is ``None``)."""
        return DenoiseResult(
            denoised=self.decode(counts),
            circuit=self.circuit,
            thresholds=np.asarray(self.problem.thresholds),
            iterations=self.schedule.iterations,
            schedule=self.schedule,
            marked_weight=self.problem.weight,
            success_probability=self.schedule.success_probability(self.problem.weight),
            backend=backend,
            shots=shots,
            layout=self.layout,
            amplitude_map=self.amplitude_map,
            counts=dict(counts),
        )


def _jsonable_threshold(threshold: Any) -> Any:
    if isinstance(threshold, str):
        return threshold
    if callable(threshold):
        return "callable"
    if np.isscalar(threshold):
        return int(threshold) if not isinstance(threshold, (bool, np.bool_)) else threshold
    return np.asarray(threshold).tolist()


def build_program(
    signal,
    window: int = 16,
    *,
    threshold="auto",
    schedule: str = "exact",
    variant: str = DEFAULT_VARIANT,
    encoding: str = "linear",
    two_sided: bool = True,
    pad: bool = True,
    mean_bits: int = 4,
    floor: float = 0.25,
    min_weight: float | None = None,
    delta: float = 0.05,
    compression: float = 0.0,
    qft_degree: int = 0,
) -> QdnProgram:
    """The qdn circuit of ``signal`` with the parameters of :func:`qdn.denoise` (``method="qdn"``).

    Same steps and checks as :func:`qdn.denoise`; ``variant`` defaults to ``"compact"`` here
    (same output, far fewer qubits and gates on hardware). The hardware trades of
    :func:`qdn.api.plan.plan`: ``compression`` (fraction of the encoding's Walsh coefficients
    dropped), ``qft_degree`` (approximate QFT), and the flag schedules ``"postselect"`` and
    ``"grover-1"``; :func:`qdn.hardware.choose_trades` picks them from an output-error budget.
    """
    y = as_signal(signal)
    n_orig = y.size
    if y.size < 2:
        raise ValueError(f"signal needs at least 2 samples, got {y.size}")
    if not isinstance(mean_bits, (int, np.integer)) or mean_bits < 1:
        raise ValueError(f"mean_bits must be a positive integer, got {mean_bits!r}")
    y = pad_pow2(y, pad=pad)
    window = check_window(window, y.size)
    p = plan(y, window, threshold=threshold, schedule=schedule, variant=variant, mask=side_mask(two_sided),
             encoding=encoding, floor=floor, mean_bits=mean_bits, min_weight=min_weight, delta=delta,
             compression=compression, qft_degree=qft_degree)
    taus = p.problem.thresholds
    params = {
        "signal": [float(v) for v in as_signal(signal)],
        "window": int(window),
        "threshold": _jsonable_threshold(threshold),
        "thresholds": [int(t) for t in taus],
        "schedule": schedule,
        "variant": variant,
        "encoding": encoding,
        "two_sided": bool(two_sided),
        "pad": bool(pad),
        "mean_bits": int(mean_bits),
        "floor": float(floor),
        "min_weight": None if min_weight is None else float(min_weight),
        "delta": float(delta),
    }
    if compression or qft_degree:  # journals of runs without them keep their old form
        params.update(compression=float(compression), qft_degree=int(qft_degree))
    return QdnProgram(p.problem, p.schedule, params, p.amplitude_map, p.total, n_orig)


def program_from_params(params: Mapping[str, Any]) -> QdnProgram:
    """Rebuild a :class:`QdnProgram` from its :attr:`QdnProgram.params` (e.g. from a journal);
    the resolved per-window thresholds are reused, so the program is the same."""
    p = dict(params)
    p.pop("threshold", None)
    taus = p.pop("thresholds", None)
    signal = p.pop("signal")
    return build_program(signal, threshold=np.asarray(taus) if taus is not None else "auto", **p)


def synthetic_program(
    n_samples: int, window: int | None = None, variant: str = DEFAULT_VARIANT, *, seed: int = 0,
    schedule: str = "exact",
) -> QdnProgram:
    """A seeded random problem of a given size, for resource and feasibility tables.

    The problem is :func:`qdn.hardware.resources.make_problem` (amplitudes uniform in (0.25, 1],
    threshold ``window // 4``, window :func:`qdn.hardware.resources.default_window`) so these tables
    describe the same circuits as the resources report. It has no amplitude map: it can be
    transpiled and counted but not decoded.
    """
    problem = make_problem(int(n_samples), window, variant, seed=seed)
    sched = make_schedule(schedule, problem.weight)
    params = {"synthetic": True, "n_samples": int(n_samples), "window": problem.layout.M,
              "variant": variant, "seed": int(seed), "schedule": schedule}
    return QdnProgram(problem, sched, params, None, float(np.sum(problem.amplitudes)), int(n_samples))


def as_program(obj: Any) -> QdnProgram | QuantumCircuit:
    """``obj`` as a :class:`QdnProgram` or a circuit: circuits and programs as they are, a
    mapping of run parameters through :func:`program_from_params` (when it holds the resolved
    ``thresholds``) or :func:`build_program`."""
    if isinstance(obj, (QuantumCircuit, QdnProgram)):
        return obj
    if isinstance(obj, Mapping):
        if "signal" not in obj:
            raise ValueError("run parameters need a 'signal' (and optionally window, threshold, variant, schedule, ...)")
        return program_from_params(obj) if "thresholds" in obj else build_program(**obj)
    raise ValueError(
        f"expected a QuantumCircuit, a QdnProgram or a mapping of run parameters, got {type(obj).__name__}"
    )


def circuit_of(program: QdnProgram | QuantumCircuit) -> QuantumCircuit:
    """The measured circuit of a program, or the circuit itself."""
    return program.circuit if isinstance(program, QdnProgram) else program
