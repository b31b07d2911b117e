"""Resources of a qdn circuit on a backend, and the largest signal a backend can take.

:func:`resource_report` transpiles the assembled circuit (:func:`qdn.hardware.prepare`) and each
of its stages (the top-level instructions ``encode``, ``qft``, ``amplify``, ``iqft``), counts
qubits, depth, 2-qubit gates and 2-qubit depth (:func:`qdn.hardware.circuit_counts`) and adds
the success estimate (:func:`qdn.hardware.estimate_success`): a :class:`HardwareReport`.
:func:`feasibility` sweeps the signal size until that estimate drops below a floor.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ..common.progress import progress
from ..execution.backends import backend_label
from .cost import CircuitCounts, circuit_counts, split_stages
from .isa import DEFAULT_OPTIMIZATION_LEVEL, DEFAULT_PLACEMENT, prepare, preset_pass_manager
from .program import DEFAULT_VARIANT, QdnProgram, as_program, circuit_of, synthetic_program
from .service import get_backend
from .success import SuccessEstimate, estimate_success

__all__ = ["HardwareReport", "resource_report", "Feasibility", "feasibility"]


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
        What :func:`~qdn.hardware.prepare` takes (one item). For the size of a signal without a
        signal, pass :func:`~qdn.hardware.synthetic_program`.
    backend : BackendV2 or str
    stages : bool
        Also transpile each top-level stage (``encode``, ``qft``, ``amplify`` [all rounds],
        ``iqft``) separately. Stage counts do not add up to the total: the whole circuit is
        optimised and routed across stage boundaries.
    optimization_level, seed_transpiler, initial_layout, placement
        As in :func:`~qdn.hardware.prepare` (``initial_layout`` and ``placement`` apply to the
        total only).
    """
    t0 = time.perf_counter()
    backend = get_backend(backend) if isinstance(backend, str) else backend
    prog = as_program(circuit_or_params)
    qc = circuit_of(prog)
    isa = prepare(qc, backend, optimization_level=optimization_level, seed_transpiler=seed_transpiler,
                  initial_layout=initial_layout, placement=placement)
    stage_counts: dict[str, CircuitCounts] = {}
    if stages:
        pm = preset_pass_manager(backend, optimization_level, seed_transpiler, None)
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


def _doubling(start: int, stop: int) -> Iterator[int]:
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
    """Sweep N = min_size, 2 min_size, ... on :func:`~qdn.hardware.synthetic_program` until the
    success estimate drops below ``floor`` (or the circuit no longer fits the backend).

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
        (:func:`~qdn.hardware.prepare`) maximises the same estimate.
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
