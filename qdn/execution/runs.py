"""Running circuits on Aer (statevector, sampling) and on any ``BackendV2`` through a V2 sampler.

Backends stay out of the math: this module only lowers circuits, runs them and returns a
statevector or integer counts.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from qiskit import QuantumCircuit
from qiskit.transpiler import generate_preset_pass_manager

from ..common.progress import progress
from .backends import aer_method, is_device_model
from .cost import PROGRESS_AFTER_S, cost_message, estimate_seconds
from .transpile import transpile_for_backend

__all__ = ["run_statevector", "run_statevectors", "run_sampler", "active_qubits", "circuit_estimate", "device_simulator"]


def _aer_simulator(method: str = "automatic", seed: int | None = None, device: str = "CPU"):
    from qiskit_aer import AerSimulator

    return AerSimulator(method=method, seed_simulator=seed, device=device)


def active_qubits(isa: QuantumCircuit) -> int:
    """Qubits an ISA circuit acts on (Aer drops the idle ones of a device-sized circuit)."""
    return len({isa.find_bit(q).index for ins in isa.data if ins.operation.name != "barrier" for q in ins.qubits})


def circuit_estimate(isa: QuantumCircuit, shots: int) -> tuple[float, str, int, int]:
    """``(estimated seconds, Aer method, active qubits, gates)`` of a noisy run of ``isa``: the
    method :func:`~qdn.execution.backends.aer_method` picks and
    :func:`~qdn.execution.cost.estimate_seconds` (gates counted as in its calibration, barriers
    left out)."""
    q = active_qubits(isa)
    method = aer_method(q, shots)
    gates = sum(v for k, v in isa.count_ops().items() if k != "barrier")
    return estimate_seconds(method, q, gates, shots), method, q, gates


def device_simulator(backend: Any, isa: QuantumCircuit, shots: int, seed: int | None, device: str = "CPU",
                     info: dict | None = None, max_seconds: float | None = None) -> Any:
    """The simulator that samples ``isa`` for ``backend``: for a fake IBM device, Aer with the
    device's noise model and the method :func:`~qdn.execution.backends.aer_method` picks for the
    circuit's active qubits and ``shots`` (about 6x faster than the fake backend's own ``run`` on
    FakeTorino, which spent 40 s where this took 7 s); any other backend as it is. The choice
    goes into ``info`` (``method``, ``active_qubits``, ``estimated_s``) when given. A run whose
    estimated time (:func:`qdn.execution.cost.estimate_seconds`) exceeds ``max_seconds`` is refused
    with a ``ValueError`` that gives the estimate and the cheaper choices."""
    if not is_device_model(backend):
        return backend
    from qiskit_aer import AerSimulator

    estimate, method, q, gates = circuit_estimate(isa, shots)
    if max_seconds is not None and estimate > max_seconds:
        raise ValueError(cost_message(estimate, max_seconds, method=method, active_qubits=q, gates=gates, shots=shots))
    if info is not None:
        info.update(method=method, active_qubits=q, device=device, estimated_s=round(estimate, 1))
    return AerSimulator.from_backend(backend, method=method, device=device, seed_simulator=seed)


def _lower_for_aer(circuit: QuantumCircuit, sim, optimization_level: int = 1) -> QuantumCircuit:
    """Transpile for Aer's target. Aer 0.18 crashes (segfault) on the inverse of a
    ``multiplexer`` op that ``StatePreparation`` leaves behind, so those are lowered to u/cx."""
    tqc = generate_preset_pass_manager(optimization_level=optimization_level, backend=sim).run(circuit)
    if "multiplexer" in tqc.count_ops():
        tqc = generate_preset_pass_manager(optimization_level=optimization_level, basis_gates=["u", "cx"]).run(tqc)
    return tqc


def run_statevector(circuit: QuantumCircuit, *, seed: int | None = None, device: str = "CPU") -> np.ndarray:
    """Exact final statevector of ``circuit`` (no measurements) on Aer (``device`` "CPU" or, with
    qiskit-aer-gpu, "GPU")."""
    sim = _aer_simulator("statevector", seed, device)
    tqc = _lower_for_aer(circuit, sim)
    tqc.save_statevector()
    result = sim.run(tqc).result()
    if not result.success:
        raise RuntimeError(f"Aer failed: {result.status}")
    return np.asarray(result.get_statevector(tqc))


def run_statevectors(
    circuit: QuantumCircuit,
    parameters: list | tuple = (),
    values: np.ndarray | None = None,
    *,
    seed: int | None = None,
    device: str = "CPU",
) -> np.ndarray:
    """Exact final statevectors of a parametrised ``circuit`` on Aer, one per row of ``values``.

    ``parameters`` are the circuit's parameters and ``values`` their values, shape
    ``(K, len(parameters))``: one Aer job with K parameter bindings (noise realisations,
    :mod:`qdn.noise.rewrite`). Returns shape ``(K, 2**q)``.
    """
    if not len(parameters):
        k = 1 if values is None else max(1, len(values))
        return np.repeat(run_statevector(circuit, seed=seed, device=device)[None, :], k, axis=0)
    sim = _aer_simulator("statevector", seed, device)
    tqc = _lower_for_aer(circuit, sim)
    tqc.save_statevector()
    values = np.asarray(values, float).reshape(-1, len(parameters))
    kept = set(tqc.parameters)
    binds = {p: values[:, i].tolist() for i, p in enumerate(parameters) if p in kept}
    result = sim.run(tqc, parameter_binds=[binds]).result()
    if not result.success:
        raise RuntimeError(f"Aer failed: {result.status}")
    return np.array([np.asarray(result.get_statevector(k)) for k in range(len(values))])


def _pub(isa: QuantumCircuit, parameter_values) -> tuple:
    """A sampler PUB; ``parameter_values`` is ``(parameters, values (K, len(parameters)))``."""
    if parameter_values is None or not len(parameter_values[0]):
        return (isa,)
    params, values = parameter_values
    column = {p: i for i, p in enumerate(params)}
    order = [column[p] for p in isa.parameters]
    return (isa, np.asarray(values, float)[:, order])


def run_sampler(
    circuit: QuantumCircuit,
    backend: Any,
    *,
    shots: int,
    seed: int | None = None,
    optimization_level: int = 1,
    parameter_values: tuple | None = None,
    noise_model: Any = None,
    check: Any = None,
    device: str = "CPU",
    info: dict | None = None,
    max_seconds: float | None = None,
) -> dict[int, int]:
    """Integer counts of the ``meas`` register of ``circuit`` (V2 sampler).

    ``backend`` is ``"aer"`` (ideal Aer sampler) or any ``BackendV2``; the circuit is lowered to
    the backend's target first (Aer primitives do not transpile).

    Noise plumbing (:mod:`qdn.noise.rewrite`, :mod:`qdn.noise.runs`): ``parameter_values = (parameters, values)``
    samples ``shots`` shots for each of the K rows of ``values`` (shape ``(K, len(parameters))``)
    and pools the counts; ``noise_model`` (``"aer"`` only) is attached to the Aer simulator, whose
    target is then the model's basis gates; ``check(isa)`` is called on the lowered circuit
    before it runs (to reject a noise model that matches no gate). A fake IBM device runs on Aer
    with the method picked by cost (:func:`device_simulator`; the choice goes into ``info``);
    ``device`` is Aer's device for the simulators qdn makes; ``max_seconds`` the limit on its
    estimated time (None: no limit).
    """
    if backend == "aer":
        from qiskit_aer.primitives import SamplerV2

        if noise_model is None:
            sim = _aer_simulator(seed=seed, device=device)
            options = None if device == "CPU" else {"backend_options": {"device": device}}
        else:
            from qiskit_aer import AerSimulator

            sim = AerSimulator(noise_model=noise_model, seed_simulator=seed, device=device)
            options = {"backend_options": {"noise_model": noise_model, "device": device}}
        isa = _lower_for_aer(circuit, sim, optimization_level)
        sampler = SamplerV2(default_shots=shots, seed=seed, options=options)
    else:
        from qiskit.primitives import BackendSamplerV2

        if noise_model is not None:
            raise ValueError("noise_model is for backend='aer'; a BackendV2 carries its own noise")
        isa = transpile_for_backend(circuit, backend, optimization_level=optimization_level)
        runs = 1 if parameter_values is None else max(1, len(parameter_values[1]))
        sim = device_simulator(backend, isa, shots * runs, seed, device, info, max_seconds)
        if parameter_values is None and info and info.get("estimated_s", 0.0) >= PROGRESS_AFTER_S:
            if check is not None:
                check(isa)
            return _sample_in_parts(sim, isa, shots, seed, info)
        sampler = BackendSamplerV2(backend=sim, options={"default_shots": shots, "seed_simulator": seed})
    if check is not None:
        check(isa)
    pub = sampler.run([_pub(isa, parameter_values)], shots=shots).result()[0]
    return {int(k): int(v) for k, v in pub.data.meas.get_int_counts().items()}


def _sample_in_parts(sim: Any, isa: QuantumCircuit, shots: int, seed: int | None, info: dict) -> dict[int, int]:
    """A long local run with a progress bar: statevector trajectories in ten parts of the shots
    (each part seeded ``seed + k``), a density-matrix pass in one (it costs the same for any
    number of shots)."""
    from qiskit.primitives import BackendSamplerV2

    k = 1 if info.get("method") == "density_matrix" else min(10, shots)
    parts = [shots // k + (i < shots % k) for i in range(k)]
    counts: dict[int, int] = {}
    desc = f"Aer {info.get('method')} (~{info.get('estimated_s', 0):.0f} s estimated)"
    for i, part in enumerate(progress(parts, desc=desc, unit="part", min_items=1)):
        seed_i = seed if seed is None or k == 1 else seed + i
        sampler = BackendSamplerV2(backend=sim, options={"default_shots": part, "seed_simulator": seed_i})
        for key, v in sampler.run([(isa,)], shots=part).result()[0].data.meas.get_int_counts().items():
            counts[int(key)] = counts.get(int(key), 0) + int(v)
    return counts
