"""IBM Quantum: ISA circuits, resource and feasibility reports, journaled runs.

Four layers, each usable alone:

1. **ISA circuits.** :func:`prepare` lowers a circuit, or the qdn circuit of a signal and its run
   parameters (:func:`build_program`, the same pieces :func:`qdn.denoise` calls), to any
   ``BackendV2`` (IBM device or ``qiskit_ibm_runtime.fake_provider`` model) with
   ``generate_preset_pass_manager``. :func:`check_isa` verifies the result against
   ``backend.target``.
2. **Resources and feasibility.** :func:`resource_report` transpiles the assembled circuit and
   each of its stages (the top-level instructions ``encode``, ``qft``, ``amplify``, ``iqft``)
   and counts qubits, depth, 2-qubit gates and 2-qubit depth; :func:`estimate_success` gives the
   expected success probability from the backend's reported errors; :func:`feasibility` finds the
   largest signal whose estimate stays above a floor.
3. **Running.** :func:`submit` sends circuits through the client-side Sampler
   (``qiskit_ibm_runtime.executor_sampler.Sampler``): in local testing mode with any fake backend
   (no account), or on the IBM service with ``QiskitRuntimeService()`` (a saved account, or the
   ``QISKIT_IBM_TOKEN`` / ``QISKIT_IBM_INSTANCE`` / ``QISKIT_IBM_CHANNEL`` environment variables,
   which qiskit-ibm-runtime reads itself and prefers over a saved account). Many circuits go out
   in ``Batch`` (or ``Session``) mode. Dynamical decoupling and twirling are passed through
   (:func:`sampler_options`).
4. **Never lose a job.** Every submission is recorded in a :class:`qdn.hardware.journal.Journal` before
   it is sent; :func:`fetch` resumes a run after a crash (retrieves IBM jobs by id, or by the
   job tag when the id never made it to disk; resubmits local jobs) and decodes the counts into
   the denoised signal.

Errors are one line: ``ValueError`` for bad input (unknown backend, bad option), and
:class:`HardwareAccessError` (a ``RuntimeError``) for a missing account, a rejected token, no
network or a failed job. No message, log line or journal file carries the token.
"""

from __future__ import annotations

import copy
import math
import os
import re
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from qiskit import QuantumCircuit
from qiskit.transpiler import generate_preset_pass_manager

from ..common.progress import progress
from ..common.validation import as_signal, check_window, pad_pow2
from ..circuits.amplification import SCHEDULES, Schedule, make_schedule
from ..classical.amplitude_map import AmplitudeMap
from ..execution.runs import backend_label, check_fits, transpile_for_backend
from .journal import DEFAULT_ROOT, Journal, RunRecord
from ..circuits.layout import Layout
from ..circuits.problem import DenoisingProblem, build_circuit
from .placement import Timeline, best_placement, log_idle_factor
from ..execution.readout import counts_amplitudes, rescale
from ..circuits.registers import VARIANTS
from ..api.results import DenoiseResult
from ..classical.thresholds import resolve_thresholds

__all__ = [
    "HardwareAccessError",
    "TOKEN_ENV",
    "DEFAULT_OPTIMIZATION_LEVEL",
    "DEFAULT_VARIANT",
    "STAGE_NAMES",
    "QdnProgram",
    "build_program",
    "program_from_params",
    "synthetic_program",
    "prepare",
    "check_isa",
    "CircuitCounts",
    "circuit_counts",
    "split_stages",
    "SuccessEstimate",
    "estimate_success",
    "HardwareReport",
    "resource_report",
    "Feasibility",
    "feasibility",
    "get_backend",
    "is_local",
    "open_service",
    "sampler_options",
    "HardwareRun",
    "submit",
    "fetch",
    "run_denoise",
    "scrub",
]

#: Environment variable holding an IBM Quantum API key (read by qiskit-ibm-runtime itself;
#: ``QISKIT_IBM_INSTANCE`` and ``QISKIT_IBM_CHANNEL`` go with it).
TOKEN_ENV = "QISKIT_IBM_TOKEN"
#: Preset pass-manager level used unless told otherwise (Qiskit's own default).
DEFAULT_OPTIMIZATION_LEVEL = 2
#: How :func:`prepare` places the routed circuit: the estimate it maximises (qdn.hardware.placement).
DEFAULT_PLACEMENT = "full"
#: Hardware runs default to the compact variant: same output as "register", 7 instead of 14
#: qubits and 4-8x fewer 2-qubit gates at N = 16 (see docs/hardware.md).
DEFAULT_VARIANT = "compact"
#: Top-level instructions of :func:`qdn.circuits.problem.build_circuit`, in order.
STAGE_NAMES = ("encode", "qft", "amplify", "iqft")


class HardwareAccessError(RuntimeError):
    """No account, a rejected token, no network, or a job the service could not run."""


# ---------------------------------------------------------------------------------------------
# secrets
# ---------------------------------------------------------------------------------------------
_EXTRA_SECRETS: set[str] = set()
# API keys are long opaque strings; job ids (20 chars) and CRNs (with ':') stay readable.
_KEYLIKE = re.compile(r"(?<![A-Za-z0-9_\-])[A-Za-z0-9_\-]{40,}(?![A-Za-z0-9_\-])")


def scrub(text: str) -> str:
    """``text`` with the token of :data:`TOKEN_ENV` (and any token qdn was given) and any
    API-key-like string (40+ characters of ``[A-Za-z0-9_-]``) replaced by ``***``."""
    text = str(text)
    secrets = {s for s in (_EXTRA_SECRETS | {os.environ.get(TOKEN_ENV, "")}) if s and len(s) >= 4}
    for s in sorted(secrets, key=len, reverse=True):
        text = text.replace(s, "***")
    return _KEYLIKE.sub("***", text)


def _one_line(exc: BaseException | str) -> str:
    msg = str(exc) if not isinstance(exc, BaseException) else (str(exc) or type(exc).__name__)
    return scrub(" ".join(msg.split()))


def _require_runtime() -> None:
    """Raise a one-line ``RuntimeError`` unless qiskit-ibm-runtime with the client-side Sampler
    (``qiskit_ibm_runtime.executor_sampler``, 0.50 and later) is installed."""
    try:
        import qiskit_ibm_runtime.executor_sampler  # noqa: F401
    except ImportError as exc:
        raise HardwareAccessError(
            "qdn's IBM Quantum support needs qiskit-ibm-runtime with the client-side Sampler (0.50 or later) "
            f"({_one_line(exc)}); install it with: pip install -U 'qdn[ibm]'"
        ) from None


# ---------------------------------------------------------------------------------------------
# programs: the qdn circuit of a signal, and how to decode its counts
# ---------------------------------------------------------------------------------------------
@dataclass
class QdnProgram:
    """The qdn circuit of one signal plus what is needed to decode its counts.

    Built by :func:`build_program` from the same pieces :func:`qdn.denoise` uses (``Layout``,
    ``AmplitudeMap``, ``resolve_thresholds``, ``DenoisingProblem``, ``make_schedule``,
    ``build_circuit``). ``amplitude_map`` is ``None`` for :func:`synthetic_program` (sizes only).

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
        good, _ = counts_amplitudes(counts, self.layout)
        c_hat = rescale(good, self.amplitude_total)
        return self.amplitude_map.decode(c_hat).ravel()[: self.n_orig]

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
) -> QdnProgram:
    """The qdn circuit of ``signal`` with the parameters of :func:`qdn.denoise` (``method="qdn"``).

    Same steps and checks as :func:`qdn.denoise`; ``variant`` defaults to ``"compact"`` here
    (same output, far fewer qubits and gates on hardware).
    """
    y = as_signal(signal)
    n_orig = y.size
    if y.size < 2:
        raise ValueError(f"signal needs at least 2 samples, got {y.size}")
    if schedule not in SCHEDULES:
        raise ValueError(f"unknown schedule {schedule!r}; valid: {', '.join(map(repr, SCHEDULES))}")
    if variant not in VARIANTS:
        raise ValueError(f"unknown variant {variant!r}; valid: {', '.join(map(repr, VARIANTS))}")
    if not isinstance(mean_bits, (int, np.integer)) or mean_bits < 1:
        raise ValueError(f"mean_bits must be a positive integer, got {mean_bits!r}")
    y = pad_pow2(y, pad=pad)
    window = check_window(window, y.size)
    layout = Layout.from_sizes(y.size, window, mean_bits)
    amap = AmplitudeMap.fit(y, encoding, floor=floor, bits=mean_bits)
    windows = y.reshape(layout.P, layout.M)
    taus = resolve_thresholds(windows, threshold, two_sided=two_sided, signal=y)
    amps = amap.amplitudes(windows)
    problem = DenoisingProblem(
        layout, amps, taus, amap.quantize_mean(windows.mean(axis=1), mean_bits), variant, two_sided
    )
    sched = make_schedule(schedule, problem.weight, min_weight=min_weight, delta=delta)
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
    return QdnProgram(problem, sched, params, amap, float(amps.sum()), n_orig)


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
    from .resources import make_problem

    problem = make_problem(int(n_samples), window, variant, seed=seed)
    sched = make_schedule(schedule, problem.weight)
    params = {"synthetic": True, "n_samples": int(n_samples), "window": problem.layout.M,
              "variant": variant, "seed": int(seed), "schedule": schedule}
    return QdnProgram(problem, sched, params, None, float(np.sum(problem.amplitudes)), int(n_samples))


def _as_program(obj: Any) -> QdnProgram | QuantumCircuit:
    if isinstance(obj, (QuantumCircuit, QdnProgram)):
        return obj
    if isinstance(obj, Mapping):
        if "signal" not in obj:
            raise ValueError("run parameters need a 'signal' (and optionally window, threshold, variant, schedule, ...)")
        return program_from_params(obj) if "thresholds" in obj else build_program(**obj)
    raise ValueError(
        f"expected a QuantumCircuit, a QdnProgram or a mapping of run parameters, got {type(obj).__name__}"
    )


# ---------------------------------------------------------------------------------------------
# ISA circuits
# ---------------------------------------------------------------------------------------------
def _pass_manager(backend, optimization_level: int, seed_transpiler: int | None, initial_layout, **kwargs):
    if optimization_level not in (0, 1, 2, 3):
        raise ValueError(f"optimization_level must be 0, 1, 2 or 3, got {optimization_level!r}")
    return generate_preset_pass_manager(
        optimization_level=optimization_level, backend=backend, initial_layout=initial_layout,
        seed_transpiler=seed_transpiler, **kwargs,
    )


def prepare(
    circuit_or_params,
    backend,
    *,
    optimization_level: int = DEFAULT_OPTIMIZATION_LEVEL,
    initial_layout=None,
    seed_transpiler: int | None = 0,
    placement: str | None = DEFAULT_PLACEMENT,
    **pass_manager_options: Any,
):
    """ISA circuit(s) for ``backend`` (any ``BackendV2``, fake or real).

    A result that runs a gate on a coupler the backend reports out of service (error 1) is
    transpiled again without those couplers (:func:`qdn.execution.runs.transpile_for_backend`).
    Then, unless ``initial_layout`` is given or ``placement`` is None, the routed circuit is
    moved onto the embedding of its qubits in the device with the highest estimated success
    (:func:`qdn.hardware.placement.best_placement`): Qiskit's layout passes score placements by a
    heuristic of their own, and on qdn's circuits their choice varies by 1.5–30x in estimated
    success with small changes of the circuit (docs/hardware.md).

    Parameters
    ----------
    circuit_or_params : QuantumCircuit, QdnProgram, mapping, or a list of these
        A circuit is lowered as is. A :class:`QdnProgram` or a mapping of run parameters
        (``signal``, ``window``, ``threshold``, ``variant``, ``schedule``, ... as
        :func:`build_program` takes them) gives the measured qdn circuit first.
    backend : BackendV2 or str
        A backend, or a name :func:`get_backend` understands (``"fake_torino"``, ...).
    optimization_level : int
        Preset pass-manager level (default 2).
    initial_layout : list or Layout, optional
        Physical qubits for the circuit's virtual qubits.
    seed_transpiler : int or None
        Seed of the stochastic passes (default 0: reproducible).
    placement : {"full", "gates"} or None
        Model that scores the placements (:func:`estimate_success`: with the idle factor, or
        gates and readout only); None keeps the transpiler's placement.
    **pass_manager_options
        Passed to ``generate_preset_pass_manager`` (``layout_method``, ``routing_method``, ...).

    Returns
    -------
    QuantumCircuit or list of QuantumCircuit
        One ISA circuit per input (a list for a list input).
    """
    backend = get_backend(backend) if isinstance(backend, str) else backend
    many = isinstance(circuit_or_params, (list, tuple))
    objs = list(circuit_or_params) if many else [circuit_or_params]
    circuits = []
    for obj in objs:
        prog = _as_program(obj)
        qc = prog.circuit if isinstance(prog, QdnProgram) else prog
        check_fits(qc.num_qubits, backend)
        circuits.append(qc)
    if optimization_level not in (0, 1, 2, 3):
        raise ValueError(f"optimization_level must be 0, 1, 2 or 3, got {optimization_level!r}")
    if placement not in ("full", "gates", None):
        raise ValueError(f"placement must be 'full', 'gates' or None, got {placement!r}")
    # a layout that routes over a coupler the backend reports out of service is redone without it
    isa = [
        transpile_for_backend(
            qc, backend, optimization_level=optimization_level, seed_transpiler=seed_transpiler,
            initial_layout=initial_layout, **pass_manager_options,
        )
        for qc in circuits
    ]
    if placement is not None and initial_layout is None:
        isa = [best_placement(c, backend.target, model=placement).circuit for c in isa]
    return isa if many else isa[0]


def _qargs(circuit: QuantumCircuit, qubits) -> tuple[int, ...]:
    return tuple(circuit.find_bit(q).index for q in qubits)


def check_isa(circuit: QuantumCircuit, backend) -> None:
    """Raise ``ValueError`` unless every instruction of ``circuit`` is in ``backend.target`` on
    its qubits (so 2-qubit gates sit on coupled pairs) and the circuit fits the device."""
    target = backend.target
    if circuit.num_qubits > target.num_qubits:
        raise ValueError(f"circuit has {circuit.num_qubits} qubits, the backend {target.num_qubits}")
    for ins in circuit.data:
        op = ins.operation
        if op.name == "barrier":
            continue
        qargs = _qargs(circuit, ins.qubits)
        if not target.instruction_supported(op.name, qargs):
            raise ValueError(f"instruction {op.name} on qubits {qargs} is not in the target of {backend_label(backend)}")


# ---------------------------------------------------------------------------------------------
# counting
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class CircuitCounts:
    """Size of one (ISA) circuit.

    Attributes
    ----------
    qubits : int
        Qubits carrying at least one operation.
    depth : int
    two_qubit : int
        Number of 2-qubit gates.
    two_qubit_depth : int
        Depth counting only 2-qubit gates.
    size : int
        Number of operations (barriers excluded).
    """

    qubits: int
    depth: int
    two_qubit: int
    two_qubit_depth: int
    size: int


def _is_op(ins) -> bool:
    return not getattr(ins.operation, "_directive", False) and ins.operation.name != "barrier"


def _is_2q(ins) -> bool:
    return _is_op(ins) and len(ins.qubits) == 2 and ins.operation.name not in ("measure", "delay", "reset")


def circuit_counts(circuit: QuantumCircuit) -> CircuitCounts:
    """Count ``circuit`` as it stands (no lowering)."""
    ops = [ins for ins in circuit.data if _is_op(ins)]
    return CircuitCounts(
        qubits=len({q for ins in ops for q in ins.qubits}),
        depth=circuit.depth(),
        two_qubit=sum(1 for ins in ops if _is_2q(ins)),
        two_qubit_depth=circuit.depth(filter_function=_is_2q),
        size=len(ops),
    )


def split_stages(circuit: QuantumCircuit) -> dict[str, QuantumCircuit]:
    """The top-level stages of a qdn circuit, each as a circuit on the same qubits.

    Instructions with the same name are grouped (every ``amplify`` round in one circuit);
    measurements and barriers are left out.
    """
    out: dict[str, QuantumCircuit] = {}
    for ins in circuit.data:
        name = ins.operation.name
        if name in ("measure", "barrier"):
            continue
        if name not in out:
            out[name] = QuantumCircuit(circuit.qubits, name=name)
        out[name].append(ins.operation, ins.qubits)
    return out


# ---------------------------------------------------------------------------------------------
# success probability
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class SuccessEstimate:
    """Expected probability that a shot of an ISA circuit runs without any error.

    ``gates`` and ``readout`` are the products of ``1 - error`` the backend reports for each gate
    of the circuit and for each measured qubit (the usual "estimated success probability" of
    error-aware compilation). ``idle`` adds decoherence while a qubit waits between its first and
    last operation: per qubit ``(1 + exp(-t/T1) + 2 exp(-t/T2)) / 4``, the probability that the
    Pauli-twirled thermal-relaxation channel of duration ``t`` applies no error (gate errors
    already include decoherence during the gates). ``total`` is the product of the three.

    Attributes
    ----------
    gates, readout, idle : float
    duration : float or None
        Scheduled (ASAP) length of the circuit in seconds, when the target gives durations.
    """

    gates: float
    readout: float
    idle: float
    duration: float | None

    @property
    def total(self) -> float:
        return self.gates * self.readout * self.idle

    @property
    def gates_readout(self) -> float:
        return self.gates * self.readout


def _props(target, name: str, qargs: tuple[int, ...]):
    if name not in target.operation_names:
        raise ValueError(f"{name} is not an instruction of the target: transpile the circuit first (qdn.hardware.prepare)")
    mapping = target[name]
    if mapping is None:
        return None
    if qargs in mapping:
        return mapping[qargs]
    if None in mapping:  # global instruction (ideal simulators)
        return mapping[None]
    raise ValueError(f"{name} on qubits {qargs} is not in the target: transpile the circuit first")


def _log1m(err: float) -> float:
    return -math.inf if err >= 1.0 else math.log1p(-err)


def estimate_success(circuit: QuantumCircuit, backend) -> SuccessEstimate:
    """:class:`SuccessEstimate` of an ISA ``circuit`` from ``backend.target``'s errors.

    Missing errors (``None``, e.g. ``reset`` or an ideal simulator) count as 0; ``rz`` is virtual
    (error 0). The schedule is ASAP with the target's durations; a qubit's idle time is the time
    between its first and its last gate not spent in gates (before its first gate it is in |0>,
    and the measurements are taken as aligned at the end). T1/T2 come from
    ``target.qubit_properties``; without durations or T1/T2 the idle factor is 1.
    """
    target = backend.target
    log_g = log_r = 0.0
    timeline = Timeline()
    durations = True
    for ins in circuit.data:
        if not _is_op(ins):
            continue
        name = ins.operation.name
        qargs = _qargs(circuit, ins.qubits)
        props = _props(target, name, qargs)
        err = 0.0 if props is None or props.error is None else float(props.error)
        if props is None or props.duration is None:
            durations, dur = False, 0.0
        else:
            dur = float(props.duration)
        if name == "measure":
            log_r += _log1m(err)
        else:
            log_g += _log1m(err)
        timeline.add(qargs, dur, gate=name != "measure")
    log_i = 0.0
    qprops = getattr(target, "qubit_properties", None)
    if durations and qprops:
        for q, idle in timeline.idle().items():
            props = qprops[q] if q < len(qprops) else None
            t1, t2 = getattr(props, "t1", None), getattr(props, "t2", None)
            if t1 and t2:
                log_i += log_idle_factor(idle, t1, t2)
    duration = timeline.duration if (timeline.free and durations) else None
    return SuccessEstimate(math.exp(log_g), math.exp(log_r), math.exp(log_i), duration)


# ---------------------------------------------------------------------------------------------
# resource report
# ---------------------------------------------------------------------------------------------
@dataclass
class HardwareReport:
    """Resources of one qdn circuit on one backend.

    Attributes
    ----------
    backend : str
    backend_qubits : int
    n_samples, window : int or None
        Signal size and window (``None`` for a bare circuit).
    variant : str or None
    iterations : int or None
        Amplification rounds.
    logical_qubits : int
        Qubits of the circuit before lowering.
    optimization_level : int
    stages : dict of str to CircuitCounts
        Each stage transpiled on its own (same settings); empty when not requested.
    total : CircuitCounts
        The whole measured circuit as it would be sent.
    success : SuccessEstimate
    seconds : float
        Wall time of the report.
    """

    backend: str
    backend_qubits: int
    n_samples: int | None
    window: int | None
    variant: str | None
    iterations: int | None
    logical_qubits: int
    optimization_level: int
    stages: dict[str, CircuitCounts]
    total: CircuitCounts
    success: SuccessEstimate
    seconds: float

    def rows(self) -> list[dict[str, Any]]:
        """One row per stage then ``total``, as plain dicts."""
        base = {"backend": self.backend, "n_samples": self.n_samples, "window": self.window, "variant": self.variant}
        out = []
        for name, c in list(self.stages.items()) + [("total", self.total)]:
            row = dict(base, stage=name, qubits=c.qubits, depth=c.depth, two_qubit=c.two_qubit,
                       two_qubit_depth=c.two_qubit_depth)
            if name == "total":
                row.update(esp_gates_readout=self.success.gates_readout, esp=self.success.total,
                           duration_us=None if self.success.duration is None else self.success.duration * 1e6)
            out.append(row)
        return out

    def summary(self) -> dict[str, Any]:
        """The ``total`` row with the success factors spelled out."""
        return {
            "backend": self.backend, "n_samples": self.n_samples, "window": self.window,
            "variant": self.variant, "iterations": self.iterations, "logical_qubits": self.logical_qubits,
            "qubits": self.total.qubits, "depth": self.total.depth, "two_qubit": self.total.two_qubit,
            "two_qubit_depth": self.total.two_qubit_depth, "esp_gates": self.success.gates,
            "esp_readout": self.success.readout, "esp_idle": self.success.idle,
            "esp_gates_readout": self.success.gates_readout, "esp": self.success.total,
            "duration_us": None if self.success.duration is None else self.success.duration * 1e6,
        }


def resource_report(
    circuit_or_params,
    backend,
    *,
    stages: bool = True,
    optimization_level: int = DEFAULT_OPTIMIZATION_LEVEL,
    seed_transpiler: int | None = 0,
    initial_layout=None,
    placement: str | None = DEFAULT_PLACEMENT,
) -> HardwareReport:
    """Qubits, depth, 2-qubit count and depth, per stage and in total, plus the success estimate.

    Parameters
    ----------
    circuit_or_params : QdnProgram, mapping of run parameters, or QuantumCircuit
        What :func:`prepare` takes (one item). For the size of a signal without a signal, pass
        :func:`synthetic_program`.
    backend : BackendV2 or str
    stages : bool
        Also transpile each top-level stage (``encode``, ``qft``, ``amplify`` [all rounds],
        ``iqft``) separately. Stage counts do not add up to the total: the whole circuit is
        optimised and routed across stage boundaries.
    optimization_level, seed_transpiler, initial_layout, placement
        As in :func:`prepare` (``initial_layout`` and ``placement`` apply to the total only).
    """
    t0 = time.perf_counter()
    backend = get_backend(backend) if isinstance(backend, str) else backend
    prog = _as_program(circuit_or_params)
    qc = prog.circuit if isinstance(prog, QdnProgram) else prog
    isa = prepare(qc, backend, optimization_level=optimization_level, seed_transpiler=seed_transpiler,
                  initial_layout=initial_layout, placement=placement)
    stage_counts: dict[str, CircuitCounts] = {}
    if stages:
        pm = _pass_manager(backend, optimization_level, seed_transpiler, None)
        for name, sub in split_stages(qc).items():
            stage_counts[name] = circuit_counts(pm.run(sub))
    is_prog = isinstance(prog, QdnProgram)
    return HardwareReport(
        backend=backend_label(backend),
        backend_qubits=backend.target.num_qubits,
        n_samples=prog.n_orig if is_prog else None,
        window=prog.layout.M if is_prog else None,
        variant=prog.problem.variant if is_prog else None,
        iterations=prog.schedule.iterations if is_prog else None,
        logical_qubits=qc.num_qubits,
        optimization_level=optimization_level,
        stages=stage_counts,
        total=circuit_counts(isa),
        success=estimate_success(isa, backend),
        seconds=time.perf_counter() - t0,
    )


@dataclass
class Feasibility:
    """Largest signal whose success estimate stays above ``floor`` on one backend.

    Attributes
    ----------
    backend : str
    floor : float
    max_size : int or None
        Largest N tried with ``esp >= floor`` (``None`` if none).
    reports : list of HardwareReport
        One per size tried, smallest first (the sweep stops at the first size below the floor or
        that does not fit).
    stopped : str
        Why the sweep stopped.
    """

    backend: str
    floor: float
    max_size: int | None
    reports: list[HardwareReport]
    stopped: str

    def rows(self) -> list[dict[str, Any]]:
        return [dict(r.summary(), feasible=r.success.total >= self.floor) for r in self.reports]


def _doubling(start: int, stop: int):
    """start, 2 start, 4 start, ... up to stop."""
    n = start
    while n <= stop:
        yield n
        n *= 2


def feasibility(
    backend,
    floor: float,
    *,
    variant: str = DEFAULT_VARIANT,
    window: int | None = None,
    min_size: int = 4,
    max_size: int = 1 << 14,
    seed: int = 0,
    optimization_level: int = DEFAULT_OPTIMIZATION_LEVEL,
    model: str = "full",
) -> Feasibility:
    """Sweep N = min_size, 2 min_size, ... on :func:`synthetic_program` until the success estimate
    drops below ``floor`` (or the circuit no longer fits the backend).

    Parameters
    ----------
    backend : BackendV2 or str
    floor : float
        In (0, 1].
    variant : {"compact", "register"}
    window : int, optional
        Fixed window (capped at N); default :func:`qdn.hardware.resources.default_window` per size.
    model : {"full", "gates"}
        ``"full"`` uses :attr:`SuccessEstimate.total` (gates, readout, idle decoherence);
        ``"gates"`` the plain product over gates and readout. The placement of each circuit
        (:func:`prepare`) maximises the same estimate.
    """
    if not 0.0 < floor <= 1.0:
        raise ValueError(f"floor must lie in (0, 1], got {floor}")
    if model not in ("full", "gates"):
        raise ValueError(f"model must be 'full' or 'gates', got {model!r}")
    if min_size < 4 or min_size & (min_size - 1):
        raise ValueError(f"min_size must be a power of two >= 4, got {min_size}")
    backend = get_backend(backend) if isinstance(backend, str) else backend
    reports: list[HardwareReport] = []
    best = None
    stopped = f"reached max_size {max_size}"
    sizes = progress(_doubling(min_size, max_size), desc=f"feasibility on {backend_label(backend)}", unit="size",
                     total=max(0, max_size.bit_length() - min_size.bit_length() + 1))
    for n in sizes:
        w = None if window is None else min(int(window), n)
        prog = synthetic_program(n, w, variant, seed=seed)
        if prog.num_qubits > backend.target.num_qubits:
            stopped = f"N={n} needs {prog.num_qubits} qubits, more than the backend's {backend.target.num_qubits}"
            break
        rep = resource_report(prog, backend, stages=False, optimization_level=optimization_level, seed_transpiler=seed,
                              placement=model)
        reports.append(rep)
        esp = rep.success.total if model == "full" else rep.success.gates_readout
        if esp < floor:
            stopped = f"N={n}: estimate {esp:.3g} below floor {floor:g}"
            break
        best = n
    return Feasibility(backend_label(backend), float(floor), best, reports, stopped)


# ---------------------------------------------------------------------------------------------
# backends and the service
# ---------------------------------------------------------------------------------------------
def _fake_backend_class(name: str):
    _require_runtime()
    from qiskit_ibm_runtime import fake_provider

    key = name.lower()
    for attr in dir(fake_provider):
        cls = getattr(fake_provider, attr)
        if not (isinstance(cls, type) and attr.startswith("Fake")):
            continue
        bname = cls.__dict__.get("backend_name")
        if isinstance(bname, str) and key in (bname.lower(), attr.lower()):
            return cls
    return None


def _fake_names() -> list[str]:
    from qiskit_ibm_runtime import fake_provider

    names = []
    for attr in dir(fake_provider):
        cls = getattr(fake_provider, attr)
        bname = cls.__dict__.get("backend_name") if isinstance(cls, type) else None
        if isinstance(bname, str):
            names.append(bname)
    return sorted(names)


def is_local(backend) -> bool:
    """True unless ``backend`` is an ``IBMBackend`` of the IBM service (local testing mode)."""
    _require_runtime()
    from qiskit_ibm_runtime.ibm_backend import IBMBackend

    return not isinstance(backend, IBMBackend)


def open_service(*, channel: str | None = None, instance: str | None = None, account: str | None = None):
    """``QiskitRuntimeService`` from a saved account or :data:`TOKEN_ENV`.

    qiskit-ibm-runtime's own discovery order applies: a named saved account (``account``), then
    the ``QISKIT_IBM_TOKEN`` (+ ``QISKIT_IBM_INSTANCE``, ``QISKIT_IBM_URL``) environment
    variables, then the default saved account of ``channel`` (or ``QISKIT_IBM_CHANNEL``).

    Raises
    ------
    HardwareAccessError
        No account, a rejected token or no network (one line, never the token).
    """
    _require_runtime()
    from qiskit_ibm_runtime import QiskitRuntimeService
    from qiskit_ibm_runtime.accounts import AccountNotFoundError

    try:
        return QiskitRuntimeService(channel=channel, instance=instance, name=account)
    except AccountNotFoundError:
        raise HardwareAccessError(
            "no IBM Quantum account: save one with QiskitRuntimeService.save_account(...) or set "
            f"{TOKEN_ENV} (and QISKIT_IBM_INSTANCE)"
        ) from None
    except ValueError as exc:  # e.g. an unknown channel
        raise ValueError(f"IBM Quantum account settings rejected: {_one_line(exc)}") from None
    except Exception as exc:  # noqa: BLE001 - bad token, no network, service errors
        raise HardwareAccessError(f"cannot open the IBM Quantum service: {_one_line(exc)}") from None


def get_backend(backend, *, service=None, channel: str | None = None, instance: str | None = None,
                account: str | None = None):
    """A ``BackendV2`` from an instance or a name.

    ``"fake_torino"`` (or ``"FakeTorino"``) gives the fake-provider model (local testing mode,
    no account); ``"aer"`` an ideal ``AerSimulator``; any other name is looked up on the IBM
    service (``service``, or :func:`open_service` with ``channel``/``instance``/``account``).
    """
    if not isinstance(backend, str):
        if not hasattr(backend, "target"):
            raise ValueError(f"expected a BackendV2 or a backend name, got {type(backend).__name__}")
        return backend
    name = backend.strip()
    if not name:
        raise ValueError("empty backend name")
    if name.lower() in ("aer", "aer_simulator"):
        from qiskit_aer import AerSimulator

        return AerSimulator()
    m = re.fullmatch(r"aer_simulator_from\((.+)\)", name)
    if m:
        from qiskit_aer import AerSimulator

        return AerSimulator.from_backend(get_backend(m.group(1)))
    if name.lower().startswith("fake"):
        cls = _fake_backend_class(name)
        if cls is None:
            close = [n for n in _fake_names() if name.lower().replace("fake", "").strip("_") in n][:5]
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            raise ValueError(f"unknown fake backend {name!r}{hint}")
        return cls()
    from qiskit.providers.exceptions import QiskitBackendNotFoundError

    service = service or open_service(channel=channel, instance=instance, account=account)
    try:
        return service.backend(name)
    except QiskitBackendNotFoundError:
        raise ValueError(f"unknown backend {name!r} for this IBM Quantum account") from None
    except Exception as exc:  # noqa: BLE001
        raise HardwareAccessError(f"cannot get backend {name!r}: {_one_line(exc)}") from None


def _backend_spec(backend) -> str:
    """The name :func:`get_backend` takes back."""
    return backend_label(backend)


# ---------------------------------------------------------------------------------------------
# sampler options (mitigation)
# ---------------------------------------------------------------------------------------------
DD_SEQUENCES = ("XX", "XpXm", "XY4")
TWIRL_CHOICES = ("none", "gates", "measure", "all")


def _deep_merge(base: dict, extra: Mapping) -> dict:
    out = dict(base)
    for k, v in extra.items():
        out[k] = _deep_merge(out[k], v) if isinstance(v, Mapping) and isinstance(out.get(k), dict) else v
    return out


def sampler_options(
    *,
    shots: int = 4096,
    seed: int | None = None,
    local: bool = True,
    dynamical_decoupling: str | bool | None = None,
    twirl: str = "none",
    num_randomizations: int | str = "auto",
    shots_per_randomization: int | str = "auto",
    max_execution_time: int | None = None,
    options: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Options of the client-side Sampler as a plain (JSON-serialisable) dict.

    Parameters
    ----------
    shots : int
        ``default_shots``.
    seed : int, optional
        ``simulator.seed_simulator`` (local testing mode only).
    local : bool
        Whether the run is simulated (simulator options are only sent then).
    dynamical_decoupling : {"XX", "XpXm", "XY4"}, True or None
        Enable DD with that sequence (True: "XX"); scheduling ALAP.
    twirl : {"none", "gates", "measure", "all"}
        Pauli twirling of 2-qubit gate layers and/or measurements.
    num_randomizations, shots_per_randomization : int or "auto"
        Twirling randomizations.
    max_execution_time : int, optional
        Seconds of QPU time after which the service cancels the job.
    options : mapping, optional
        Any other ``SamplerOptions`` field, merged last (nested dicts merge).

    The client-side Sampler of qiskit-ibm-runtime 0.51 has no readout-error mitigation option
    (TREX/M3 are Estimator or add-on features); ``twirl="measure"`` symmetrises readout errors.
    """
    _require_runtime()
    from qiskit_ibm_runtime.options_models import SamplerOptions

    if not isinstance(shots, (int, np.integer)) or isinstance(shots, bool) or shots < 1:
        raise ValueError(f"shots must be a positive integer, got {shots!r}")
    if twirl not in TWIRL_CHOICES:
        raise ValueError(f"twirl must be one of {', '.join(TWIRL_CHOICES)}, got {twirl!r}")
    dd = "XX" if dynamical_decoupling is True else (dynamical_decoupling or None)
    if dd is not None and dd not in DD_SEQUENCES:
        raise ValueError(f"dynamical_decoupling must be one of {', '.join(DD_SEQUENCES)}, got {dd!r}")
    opts: dict[str, Any] = {
        "default_shots": int(shots),
        "dynamical_decoupling": {"enable": dd is not None, **({"sequence_type": dd} if dd else {})},
        "twirling": {
            "enable_gates": twirl in ("gates", "all"),
            "enable_measure": twirl in ("measure", "all"),
            "num_randomizations": num_randomizations,
            "shots_per_randomization": shots_per_randomization,
        },
    }
    if max_execution_time is not None:
        opts["max_execution_time"] = int(max_execution_time)
    if local and seed is not None:
        opts["simulator"] = {"seed_simulator": int(seed)}
    if options:
        opts = _deep_merge(opts, options)
    try:
        SamplerOptions(**opts)
    except Exception as exc:  # noqa: BLE001 - pydantic validation error
        raise ValueError(f"invalid sampler options: {_one_line(exc)}") from None
    return opts


# ---------------------------------------------------------------------------------------------
# submit / fetch
# ---------------------------------------------------------------------------------------------
@dataclass
class HardwareRun:
    """A journaled run and what is known of it.

    Attributes
    ----------
    run_id : str
    journal : Journal
    record : RunRecord
    counts : dict of int to dict
        Counts by item index (items still running are absent).
    programs : list of QdnProgram or None
        Per item, the program to decode with (``None`` for a bare circuit).
    """

    run_id: str
    journal: Journal
    record: RunRecord
    counts: dict[int, dict[int, int]]
    programs: list[QdnProgram | None]

    @property
    def status(self) -> str:
        return self.record.status

    @property
    def complete(self) -> bool:
        return len(self.counts) == len(self.programs)

    def denoised(self, item: int = 0) -> np.ndarray:
        """Decoded signal of ``item``."""
        prog = self._program(item)
        if item not in self.counts:
            raise RuntimeError(f"item {item} of run {self.run_id} has no result yet (status {self.status})")
        return prog.decode(self.counts[item])

    def result(self, item: int = 0) -> DenoiseResult:
        """:class:`~qdn.api.results.DenoiseResult` of ``item``."""
        prog = self._program(item)
        if item not in self.counts:
            raise RuntimeError(f"item {item} of run {self.run_id} has no result yet (status {self.status})")
        return prog.result(self.counts[item], backend=self.record.backend,
                           shots=int(sum(self.counts[item].values())))

    def _program(self, item: int) -> QdnProgram:
        prog = self.programs[item]
        if prog is None:
            raise ValueError(f"item {item} of run {self.run_id} is a bare circuit: no qdn parameters to decode with")
        return prog


def _chunks(n: int, size: int | None) -> list[list[int]]:
    size = n if not size else int(size)
    if size < 1:
        raise ValueError(f"max_circuits_per_job must be a positive integer, got {size}")
    return [list(range(i, min(n, i + size))) for i in range(0, n, size)]


def _counts_of(pub_result) -> dict[int, int]:
    data = pub_result.data
    bits = getattr(data, "meas", None)
    if bits is None:
        bits = pub_result.join_data()
    return {int(k): int(v) for k, v in bits.get_int_counts().items()}


def _decode_result(raw):
    """A PrimitiveResult from what ``job.result()`` gave (a retrieved executor job may give the
    raw QuantumProgramResult)."""
    if hasattr(raw, "__getitem__") and len(raw) and hasattr(raw[0], "data"):
        return raw
    from qiskit_ibm_runtime.decoders.executor_sampler.decoder import ClientSideSamplerResultDecoder

    return ClientSideSamplerResultDecoder.decode(raw)


def _result_metadata(result) -> dict[str, Any]:
    """The JSON-serialisable part of a result's metadata (the options the executor applied)."""
    import json

    md = getattr(result, "metadata", None)
    out: dict[str, Any] = {}
    if isinstance(md, Mapping) and isinstance(md.get("options"), Mapping):
        try:
            out["options"] = json.loads(json.dumps(md["options"]))
        except (TypeError, ValueError):
            pass
    return out


class _Execution:
    """Opens the execution mode (job, batch or session) and submits/waits for jobs."""

    def __init__(self, journal: Journal, run_id: str, backend, *, execution: str, timeout: float | None,
                 local: bool | None = None):
        self.journal, self.run_id, self.backend = journal, run_id, backend
        self.execution, self.timeout = execution, timeout
        self.local = is_local(backend) if local is None else local

    def _sampler(self, mode, options: dict):
        from qiskit_ibm_runtime.executor_sampler import Sampler

        return Sampler(mode=mode, options=options)

    def run(self, job_indices: Sequence[int], *, wait: bool) -> None:
        from qiskit_ibm_runtime import Batch, Session

        if not job_indices:
            return
        rec = self.journal.get(self.run_id)
        settings = rec.data["settings"]
        circuits = {}
        for b in job_indices:
            for i in rec.jobs[b]["items"]:
                circuits[i] = self.journal.circuit(self.run_id, i)
        use_ctx = self.execution in ("batch", "session") or (self.execution == "auto" and len(job_indices) > 1)
        ctx_cls = Session if self.execution == "session" else Batch
        errors: list[str] = []
        if use_ctx:
            try:
                ctx = ctx_cls(backend=self.backend)
            except Exception as exc:  # noqa: BLE001
                raise HardwareAccessError(f"cannot open a {ctx_cls.__name__.lower()}: {_one_line(exc)}") from None
            with ctx:
                handles = self._submit_all(job_indices, rec, settings, circuits, ctx, errors)
        else:
            handles = self._submit_all(job_indices, rec, settings, circuits, self.backend, errors)
        if wait or self.local:
            for b, job in progress(handles, desc=f"jobs of run {self.run_id}", unit="job", min_items=1):
                self._collect(b, job, rec, errors)
        if errors:
            raise HardwareAccessError(errors[0] + (f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""))

    def _submit_all(self, job_indices, rec, settings, circuits, mode, errors):
        handles = []
        for b in job_indices:
            row = rec.jobs[b]
            opts = _deep_merge(copy.deepcopy(settings.get("sampler_options", {})),
                               {"environment": {"job_tags": [row["tag"]]}})
            if self.local and "simulator" in opts and opts["simulator"].get("seed_simulator") is not None:
                opts["simulator"]["seed_simulator"] = int(opts["simulator"]["seed_simulator"]) + b
            pubs = [circuits[i] for i in row["items"]]
            history = list(row.get("previous_job_ids") or []) + ([row["job_id"]] if row.get("job_id") else [])
            self.journal.update_job(self.run_id, b, status="pending", job_id=None, previous_job_ids=history,
                                    attempts=int(row.get("attempts", 0)) + 1)
            try:
                sampler = self._sampler(mode, opts)
                job = sampler.run(pubs, shots=int(settings["shots"]))
                job_id = job.job_id()
            except Exception as exc:  # noqa: BLE001 - recorded, then reported in one line
                msg = f"submitting job {b} of run {self.run_id} failed: {_one_line(exc)}"
                self.journal.update_job(self.run_id, b, status="failed", error=msg)
                errors.append(msg)
                break  # later jobs stay pending; `fetch` resumes them
            self.journal.update_job(self.run_id, b, status="submitted", job_id=job_id, error=None)
            handles.append((b, job))
        return handles

    def _collect(self, b: int, job, rec, errors) -> bool:
        """Wait for ``job`` and save its counts; False (journal unchanged) on a timeout."""
        from qiskit.providers.exceptions import JobTimeoutError

        try:
            raw = job.result() if self.local or self.timeout is None else job.result(timeout=self.timeout)
            result = _decode_result(raw)
            items = rec.jobs[b]["items"]
            if len(result) != len(items):
                raise RuntimeError(f"job returned {len(result)} results for {len(items)} circuits")
            meta = _result_metadata(result)
            for i, pub in zip(items, result):
                self.journal.save_counts(self.run_id, i, _counts_of(pub), job_id=job.job_id(), metadata=meta)
        except JobTimeoutError:
            return False  # still queued or running: stays "submitted", fetch later
        except Exception as exc:  # noqa: BLE001
            msg = f"job {b} ({job.job_id()}) of run {self.run_id} failed: {_one_line(exc)}"
            self.journal.update_job(self.run_id, b, status="failed", error=msg)
            errors.append(msg)
            return False
        self.journal.update_job(self.run_id, b, status="done", error=None)
        return True


def _journal(journal) -> Journal:
    return journal if isinstance(journal, Journal) else Journal(journal if journal is not None else DEFAULT_ROOT)


def _run_view(journal: Journal, run_id: str) -> HardwareRun:
    rec = journal.get(run_id)
    programs = [program_from_params(m["params"]) if (m.get("params") or {}).get("signal") is not None else None
                for m in rec.items]
    return HardwareRun(rec.run_id, journal, rec, journal.counts(rec.run_id), programs)


def submit(
    programs,
    backend,
    *,
    shots: int = 4096,
    seed: int | None = None,
    journal: Journal | str | os.PathLike | None = DEFAULT_ROOT,
    optimization_level: int = DEFAULT_OPTIMIZATION_LEVEL,
    seed_transpiler: int | None = 0,
    initial_layout=None,
    placement: str | None = DEFAULT_PLACEMENT,
    execution: str = "auto",
    max_circuits_per_job: int | None = None,
    dynamical_decoupling: str | bool | None = None,
    twirl: str = "none",
    options: Mapping[str, Any] | None = None,
    wait: bool = True,
    timeout: float | None = None,
    service=None,
    channel: str | None = None,
    instance: str | None = None,
    account: str | None = None,
    extra: Mapping[str, Any] | None = None,
) -> HardwareRun:
    """Transpile, journal, then send circuits through the client-side Sampler.

    Parameters
    ----------
    programs : QdnProgram, mapping of run parameters, QuantumCircuit, or a list of these
        One item each (a PUB); items with qdn parameters are decoded by :meth:`HardwareRun.denoised`.
    backend : BackendV2 or str
        A fake backend (local testing mode: simulated by Aer with the backend's noise model, no
        account) or an IBM backend / name (the service).
    shots, seed : int
        Shots per circuit; ``seed`` seeds the local simulator (ignored on hardware).
    journal : Journal, path or None
        Where the run is recorded (default ``./qdn-runs``).
    optimization_level, seed_transpiler, initial_layout, placement
        As in :func:`prepare`.
    execution : {"auto", "job", "batch", "session"}
        "job": every job on its own; "batch"/"session": inside a ``Batch``/``Session``;
        "auto": a ``Batch`` when there is more than one job.
    max_circuits_per_job : int, optional
        Split the items into jobs of at most this many circuits (default: one job).
    dynamical_decoupling, twirl, options
        See :func:`sampler_options`.
    wait : bool
        Wait for the results (always, in local mode: a local job dies with the process).
    timeout : float, optional
        Seconds to wait for each IBM job (then :func:`fetch` later).
    service, channel, instance, account
        The IBM service to use, or how to open it (:func:`open_service`).
    extra : mapping, optional
        Kept in the journal (e.g. the clean signal of a demo).

    Returns
    -------
    HardwareRun

    Raises
    ------
    ValueError
        Bad input (unknown backend, options, a circuit too large).
    HardwareAccessError
        Account, network or job failures, after recording them in the journal; resume with
        :func:`fetch`.
    """
    if execution not in ("auto", "job", "batch", "session"):
        raise ValueError(f"execution must be 'auto', 'job', 'batch' or 'session', got {execution!r}")
    if timeout is not None and timeout <= 0:
        raise ValueError(f"timeout must be positive, got {timeout}")
    items = [_as_program(p) for p in (programs if isinstance(programs, (list, tuple)) else [programs])]
    if not items:
        raise ValueError("nothing to submit")
    backend = get_backend(backend, service=service, channel=channel, instance=instance, account=account)
    local = is_local(backend)
    opts = sampler_options(shots=shots, seed=seed, local=local, dynamical_decoupling=dynamical_decoupling,
                           twirl=twirl, options=options)
    jobs = _chunks(len(items), max_circuits_per_job)
    circuits = [it.circuit if isinstance(it, QdnProgram) else it for it in items]
    isa = prepare(circuits, backend, optimization_level=optimization_level, initial_layout=initial_layout,
                  seed_transpiler=seed_transpiler, placement=placement)
    for qc in isa:
        check_isa(qc, backend)
    settings = {
        "shots": int(shots),
        "seed": seed,
        "optimization_level": optimization_level,
        "seed_transpiler": seed_transpiler,
        "initial_layout": None if initial_layout is None else list(initial_layout),
        "placement": placement,
        "execution": execution,
        "max_circuits_per_job": max_circuits_per_job,
        "sampler_options": opts,
        "account": {"channel": channel, "instance": instance, "name": account},
    }
    jnl = _journal(journal)
    rec = jnl.create(
        backend=_backend_spec(backend), mode="local" if local else "ibm", circuits=isa, jobs=jobs,
        params=[it.params if isinstance(it, QdnProgram) else None for it in items],
        settings=settings, extra=extra,
    )
    ex = _Execution(jnl, rec.run_id, backend, execution=execution, timeout=timeout)
    ex.run(list(range(len(jobs))), wait=wait or local)
    view = _run_view(jnl, rec.run_id)
    # the programs we already hold are the same ones; keep them (their circuits are built)
    view.programs = [it if isinstance(it, QdnProgram) else None for it in items]
    return view


def fetch(
    run_id: str,
    *,
    journal: Journal | str | os.PathLike | None = DEFAULT_ROOT,
    backend=None,
    service=None,
    channel: str | None = None,
    instance: str | None = None,
    account: str | None = None,
    resubmit: bool | None = None,
    wait: bool = True,
    timeout: float | None = None,
) -> HardwareRun:
    """Resume run ``run_id`` (or a unique prefix/suffix of it) and collect its counts.

    For each job without results: an IBM job is retrieved by its id, or, when the id never
    reached the journal (crash during submission), by its job tag; a job the service never
    received is resubmitted only with ``resubmit=True``. Local jobs do not outlive their process,
    so unfinished local jobs are resubmitted (``resubmit`` defaults to True in local mode) from
    the recorded ISA circuits and options.

    Returns
    -------
    HardwareRun
        ``complete`` when every item has counts; :meth:`HardwareRun.denoised` decodes them.
    """
    jnl = _journal(journal)
    rec = jnl.get(run_id)
    run_id = rec.run_id
    local = rec.mode == "local"
    resubmit = local if resubmit is None else bool(resubmit)
    todo = [j["index"] for j in rec.jobs
            if j["status"] != "done" or any(not rec.items[i].get("result") for i in j["items"])]
    if not todo:
        return _run_view(jnl, run_id)
    acct = rec.data["settings"].get("account", {}) or {}
    channel = channel or acct.get("channel")
    instance = instance or acct.get("instance")
    account = account or acct.get("name")
    settings = rec.data["settings"]

    if local:
        if not resubmit:
            raise HardwareAccessError(
                f"run {run_id} was simulated locally and its job(s) {todo} did not finish; local jobs do not "
                "survive their process: fetch with resubmit=True (CLI: --resubmit)"
            )
        backend = get_backend(backend if backend is not None else rec.backend)
        _Execution(jnl, run_id, backend, execution=settings.get("execution", "auto"), timeout=timeout).run(todo, wait=True)
        return _run_view(jnl, run_id)

    service = service or open_service(channel=channel, instance=instance, account=account)
    errors: list[str] = []
    unsent: list[int] = []
    ex = _Execution(jnl, run_id, None, execution="job", timeout=timeout, local=False)
    for b in todo:
        row = jnl.get(run_id).jobs[b]
        job = None
        try:
            if row.get("job_id"):
                job = service.job(row["job_id"])
            else:  # the service may hold it although its id never reached the journal
                found = service.jobs(job_tags=[row["tag"]], limit=2)
                if found:
                    job = found[0]
                    jnl.update_job(run_id, b, status="submitted", job_id=job.job_id(), error=None)
            status = None if job is None else str(job.status()).rsplit(".", 1)[-1]
        except Exception as exc:  # noqa: BLE001
            errors.append(f"cannot retrieve job {b} of run {run_id}: {_one_line(exc)}")
            continue
        if job is None:
            unsent.append(b)
            continue
        if status in ("ERROR", "CANCELLED"):
            if resubmit:
                unsent.append(b)
                continue
            msg = (f"job {b} ({job.job_id()}) of run {run_id} ended {status}: "
                   f"{_one_line(getattr(job, 'error_message', lambda: '')() or 'no message')}; "
                   "resend it with resubmit=True (CLI: --resubmit)")
            jnl.update_job(run_id, b, status="failed", error=msg)
            errors.append(msg)
            continue
        if not wait and status != "DONE":
            continue  # still queued or running
        ex._collect(b, job, jnl.get(run_id), errors)
    if unsent:
        if not resubmit:
            errors.append(
                f"job(s) {unsent} of run {run_id} never reached the service; fetch with resubmit=True "
                "(CLI: --resubmit) to send them"
            )
        else:
            backend = get_backend(backend if backend is not None else rec.backend, service=service)
            try:
                _Execution(jnl, run_id, backend, execution=settings.get("execution", "auto"),
                           timeout=timeout).run(unsent, wait=wait)
            except HardwareAccessError as exc:
                errors.append(str(exc))
    if errors:
        raise HardwareAccessError(errors[0] + (f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""))
    return _run_view(jnl, run_id)


def run_denoise(
    signal,
    backend,
    window: int = 16,
    *,
    threshold="auto",
    schedule: str = "exact",
    variant: str = DEFAULT_VARIANT,
    shots: int = 4096,
    seed: int | None = 0,
    journal: Journal | str | os.PathLike | None = DEFAULT_ROOT,
    **kwargs: Any,
) -> tuple[DenoiseResult, HardwareRun]:
    """Denoise ``signal`` on ``backend`` through the runtime Sampler, journaled.

    ``kwargs`` go to :func:`build_program` (``encoding``, ``two_sided``, ``pad``, ``mean_bits``,
    ``floor``, ``min_weight``, ``delta``) or to :func:`submit` (everything else).

    Returns
    -------
    (DenoiseResult, HardwareRun)
    """
    prog_keys = {"encoding", "two_sided", "pad", "mean_bits", "floor", "min_weight", "delta"}
    prog = build_program(signal, window, threshold=threshold, schedule=schedule, variant=variant,
                         **{k: v for k, v in kwargs.items() if k in prog_keys})
    run = submit(prog, backend, shots=shots, seed=seed, journal=journal,
                 **{k: v for k, v in kwargs.items() if k not in prog_keys})
    return run.result(0), run
