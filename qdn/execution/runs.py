"""Running circuits: Aer statevector, Aer sampling, and any ``BackendV2`` through a V2 sampler.

Backends stay out of the math: this module only lowers circuits, checks that they fit, runs
them and returns a statevector or integer counts.
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np
from qiskit import QuantumCircuit
from qiskit.transpiler import Target, generate_preset_pass_manager

__all__ = [
    "CIRCUIT_BACKENDS",
    "statevector_bytes",
    "available_memory",
    "check_fits",
    "run_statevector",
    "run_statevectors",
    "run_sampler",
    "backend_label",
    "is_ideal_aer",
    "dead_couplers",
    "usable_target",
    "uses_dead_coupler",
    "transpile_for_backend",
]

#: Backend names :func:`qdn.denoise` accepts besides a ``BackendV2`` instance.
CIRCUIT_BACKENDS = ("statevector", "aer")


def statevector_bytes(num_qubits: int) -> int:
    """Memory of a complex128 statevector on ``num_qubits`` qubits."""
    return 16 * (1 << num_qubits)


def available_memory() -> int:
    """Bytes of memory available now (``MemAvailable``), or total physical memory."""
    try:
        with open("/proc/meminfo") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")


def _fmt_bytes(n: float) -> str:
    for unit in ("B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"):
        if n < 1024:
            return f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} ZiB"


def check_fits(num_qubits: int, backend: Any, *, memory_fraction: float = 0.5) -> None:
    """Raise ``ValueError`` when ``num_qubits`` exceed what ``backend`` can hold.

    Simulators (names and Aer backends) must hold a statevector of ``16 * 2**q`` bytes within
    ``memory_fraction`` of the memory available now; hardware must have enough qubits.
    """
    limit = getattr(backend, "num_qubits", None) if not isinstance(backend, str) else None
    is_simulator = isinstance(backend, str) or type(backend).__module__.startswith("qiskit_aer")
    if limit is not None and num_qubits > limit:
        raise ValueError(
            f"the circuit needs {num_qubits} qubits but backend {backend_label(backend)} has {limit}"
        )
    if is_simulator:
        need, have = statevector_bytes(num_qubits), available_memory() * memory_fraction
        if need > have:
            raise ValueError(
                f"the circuit needs {num_qubits} qubits: a statevector of {_fmt_bytes(need)}, more than "
                f"the {_fmt_bytes(have)} this machine can give a simulator; use backend='emulator' "
                "or a smaller signal/window"
            )


def backend_label(backend: Any) -> str:
    if isinstance(backend, str):
        return backend
    name = getattr(backend, "name", None)
    return name() if callable(name) else str(name or type(backend).__name__)


def dead_couplers(target: Target) -> set[tuple[str, tuple[int, ...]]]:
    """``(name, qargs)`` of ``target``'s two-qubit instructions reported with an error of 1 or
    more: IBM's mark for a coupler out of service (FakeTorino's snapshot has 22 such directed CZ
    pairs, FakeSherbrooke's 9 ECR pairs). The transpiler's routing does not look at errors."""
    return {
        (name, qargs)
        for name in target.operation_names
        for qargs, props in (target[name] or {}).items()
        if qargs is not None and len(qargs) == 2 and props is not None and props.error is not None and props.error >= 1.0
    }


def usable_target(target: Target) -> Target:
    """``target`` without its :func:`dead_couplers`, so that layout and routing go around them.
    Returns ``target`` itself when it has none."""
    dead = dead_couplers(target)
    if not dead:
        return target
    new = Target(
        description=target.description, num_qubits=target.num_qubits, dt=target.dt,
        granularity=target.granularity, min_length=target.min_length,
        pulse_alignment=target.pulse_alignment, acquire_alignment=target.acquire_alignment,
        qubit_properties=target.qubit_properties, concurrent_measurements=target.concurrent_measurements,
    )
    for name in target.operation_names:
        op = target.operation_from_name(name)
        if isinstance(op, type):  # control flow: a class, supported everywhere
            new.add_instruction(op, name=name)
            continue
        new.add_instruction(op, {q: p for q, p in target[name].items() if (name, q) not in dead}, name=name)
    return new


def uses_dead_coupler(isa: QuantumCircuit, target: Target) -> bool:
    """Whether the ISA circuit ``isa`` runs a gate on one of ``target``'s :func:`dead_couplers`."""
    dead = dead_couplers(target)
    return bool(dead) and any(
        (ins.operation.name, tuple(isa.find_bit(q).index for q in ins.qubits)) in dead
        for ins in isa.data
        if ins.operation.num_qubits == 2
    )


def transpile_for_backend(circuit: QuantumCircuit, backend: Any, **pass_manager_options: Any) -> QuantumCircuit:
    """``generate_preset_pass_manager(backend=backend, **options).run(circuit)``, then, if the
    result runs a gate on a coupler ``backend`` reports out of service, the same on
    :func:`usable_target` of its target. Only then: removing couplers changes the stochastic
    layout search, which at N = 16 on FakeTorino found a layout of half the estimated success
    probability (0.12 vs 0.27) although the first one used no dead coupler. Seen without this:
    the register circuit for N = 16 on FakeSherbrooke (level 2, seed 0) routed an ECR over the
    dead pair (92, 102)."""
    isa = generate_preset_pass_manager(backend=backend, **pass_manager_options).run(circuit)
    target = getattr(backend, "target", None)
    if target is not None and uses_dead_coupler(isa, target):
        pm = generate_preset_pass_manager(backend=backend, target=usable_target(target), **pass_manager_options)
        isa = pm.run(circuit)
    return isa


def is_ideal_aer(backend: Any) -> bool:
    """True for qdn's noise-free Aer backends, ``"statevector"`` and ``"aer"``."""
    return isinstance(backend, str) and backend in ("statevector", "aer")


def _aer_simulator(method: str = "automatic", seed: int | None = None):
    from qiskit_aer import AerSimulator

    return AerSimulator(method=method, seed_simulator=seed)


def _lower_for_aer(circuit: QuantumCircuit, sim, optimization_level: int = 1) -> QuantumCircuit:
    """Transpile for Aer's target. Aer 0.18 crashes (segfault) on the inverse of a
    ``multiplexer`` op that ``StatePreparation`` leaves behind, so those are lowered to u/cx."""
    tqc = generate_preset_pass_manager(optimization_level=optimization_level, backend=sim).run(circuit)
    if "multiplexer" in tqc.count_ops():
        tqc = generate_preset_pass_manager(optimization_level=optimization_level, basis_gates=["u", "cx"]).run(tqc)
    return tqc


def run_statevector(circuit: QuantumCircuit, *, seed: int | None = None) -> np.ndarray:
    """Exact final statevector of ``circuit`` (no measurements) on Aer."""
    sim = _aer_simulator("statevector", seed)
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
) -> np.ndarray:
    """Exact final statevectors of a parametrised ``circuit`` on Aer, one per row of ``values``.

    ``parameters`` are the circuit's parameters and ``values`` their values, shape
    ``(K, len(parameters))``: one Aer job with K parameter bindings (noise realisations,
    :mod:`qdn.noise.quantum`). Returns shape ``(K, 2**q)``.
    """
    if not len(parameters):
        k = 1 if values is None else max(1, len(values))
        return np.repeat(run_statevector(circuit, seed=seed)[None, :], k, axis=0)
    sim = _aer_simulator("statevector", seed)
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
) -> dict[int, int]:
    """Integer counts of the ``meas`` register of ``circuit`` (V2 sampler).

    ``backend`` is ``"aer"`` (ideal Aer sampler) or any ``BackendV2``; the circuit is lowered to
    the backend's target first (Aer primitives do not transpile).

    Noise plumbing (:mod:`qdn.noise.quantum`): ``parameter_values = (parameters, values)``
    samples ``shots`` shots for each of the K rows of ``values`` (shape ``(K, len(parameters))``)
    and pools the counts; ``noise_model`` (``"aer"`` only) is attached to the Aer simulator, whose
    target is then the model's basis gates; ``check(isa)`` is called on the lowered circuit
    before it runs (to reject a noise model that matches no gate).
    """
    if backend == "aer":
        from qiskit_aer.primitives import SamplerV2

        if noise_model is None:
            sim = _aer_simulator(seed=seed)
            options = None
        else:
            from qiskit_aer import AerSimulator

            sim = AerSimulator(noise_model=noise_model, seed_simulator=seed)
            options = {"backend_options": {"noise_model": noise_model}}
        isa = _lower_for_aer(circuit, sim, optimization_level)
        sampler = SamplerV2(default_shots=shots, seed=seed, options=options)
    else:
        from qiskit.primitives import BackendSamplerV2

        if noise_model is not None:
            raise ValueError("noise_model is for backend='aer'; a BackendV2 carries its own noise")
        isa = transpile_for_backend(circuit, backend, optimization_level=optimization_level)
        sampler = BackendSamplerV2(backend=backend, options={"default_shots": shots, "seed_simulator": seed})
    if check is not None:
        check(isa)
    pub = sampler.run([_pub(isa, parameter_values)], shots=shots).result()[0]
    return {int(k): int(v) for k, v in pub.data.meas.get_int_counts().items()}
