"""ISA circuits: lower a circuit or a qdn program to a backend, and check the result.

:func:`prepare` lowers a circuit, or the qdn circuit of a signal and its run parameters
(:func:`qdn.hardware.build_program`), to any ``BackendV2`` (IBM device or
``qiskit_ibm_runtime.fake_provider`` model) with ``generate_preset_pass_manager``, avoiding
couplers the backend reports out of service, then places the routed circuit on the device
qubits with the highest estimated success (:mod:`qdn.hardware.placement`). :func:`check_isa`
verifies a circuit against ``backend.target``.
"""

from __future__ import annotations

from typing import Any

from qiskit import QuantumCircuit
from qiskit.transpiler import generate_preset_pass_manager

from ..execution.backends import backend_label, check_fits
from ..execution.transpile import transpile_for_backend
from .cost import qubit_indices
from .placement import best_placement
from .program import as_program, circuit_of
from .service import get_backend

__all__ = [
    "DEFAULT_OPTIMIZATION_LEVEL",
    "DEFAULT_PLACEMENT",
    "check_optimization_level",
    "preset_pass_manager",
    "prepare",
    "check_isa",
]

#: Preset pass-manager level used unless told otherwise (Qiskit's own default).
DEFAULT_OPTIMIZATION_LEVEL = 2
#: How :func:`prepare` places the routed circuit: the estimate it maximises (qdn.hardware.placement).
DEFAULT_PLACEMENT = "full"


def check_optimization_level(optimization_level: int) -> None:
    """Raise ``ValueError`` unless ``optimization_level`` is 0, 1, 2 or 3."""
    if optimization_level not in (0, 1, 2, 3):
        raise ValueError(f"optimization_level must be 0, 1, 2 or 3, got {optimization_level!r}")


def preset_pass_manager(backend, optimization_level: int, seed_transpiler: int | None, initial_layout, **kwargs):
    """``generate_preset_pass_manager`` for ``backend`` (``optimization_level`` checked)."""
    check_optimization_level(optimization_level)
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
    transpiled again without those couplers (:func:`qdn.execution.transpile.transpile_for_backend`).
    Then, unless ``initial_layout`` is given or ``placement`` is None, the routed circuit is
    moved onto the embedding of its qubits in the device with the highest estimated success
    (:func:`qdn.hardware.placement.best_placement`): Qiskit's layout passes score placements by a
    heuristic of their own, and on qdn's circuits their choice varies by 1.5–30x in estimated
    success with small changes of the circuit (docs/hardware.md).

    Parameters
    ----------
    circuit_or_params : QuantumCircuit, QdnProgram, mapping, or a list of these
        A circuit is lowered as is. A :class:`~qdn.hardware.QdnProgram` or a mapping of run
        parameters (``signal``, ``window``, ``threshold``, ``variant``, ``schedule``, ... as
        :func:`~qdn.hardware.build_program` takes them) gives the measured qdn circuit first.
    backend : BackendV2 or str
        A backend, or a name :func:`~qdn.hardware.get_backend` understands (``"fake_torino"``, ...).
    optimization_level : int
        Preset pass-manager level (default 2).
    initial_layout : list or Layout, optional
        Physical qubits for the circuit's virtual qubits.
    seed_transpiler : int or None
        Seed of the stochastic passes (default 0: reproducible).
    placement : {"full", "gates"} or None
        Model that scores the placements (:func:`~qdn.hardware.estimate_success`: with the idle
        factor, or gates and readout only); None keeps the transpiler's placement.
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
        qc = circuit_of(as_program(obj))
        check_fits(qc.num_qubits, backend)
        circuits.append(qc)
    check_optimization_level(optimization_level)
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
        qargs = qubit_indices(circuit, ins.qubits)
        if not target.instruction_supported(op.name, qargs):
            raise ValueError(f"instruction {op.name} on qubits {qargs} is not in the target of {backend_label(backend)}")
