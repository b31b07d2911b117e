"""Resources of a qdn circuit on a backend, and the largest signal a backend can take.

:func:`resource_report` transpiles the assembled circuit (:func:`qdn.hardware.prepare`) and each
of its stages (the top-level instructions ``encode``, ``qft``, ``amplify``, ``iqft``), counts
qubits, depth, 2-qubit gates and 2-qubit depth (:func:`qdn.hardware.circuit_counts`) and adds
the success estimate (:func:`qdn.hardware.estimate_success`): a :class:`HardwareReport`.
The sweep over sizes is :mod:`qdn.hardware.feasibility`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from ..execution.backends import backend_label
from .cost import CircuitCounts, circuit_counts, split_stages
from .isa import DEFAULT_OPTIMIZATION_LEVEL, DEFAULT_PLACEMENT, prepare, preset_pass_manager
from .program import QdnProgram, as_program, circuit_of
from .service import get_backend
from .success import SuccessEstimate, estimate_success

__all__ = ["HardwareReport", "resource_report"]


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
