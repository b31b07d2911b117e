"""Running circuits: Aer statevector, Aer sampling, and any ``BackendV2`` through a V2 sampler.

Backends stay out of the math: this module only lowers circuits, checks that they fit, runs
them and returns a statevector or integer counts.
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np
from qiskit import QuantumCircuit
from qiskit.transpiler import generate_preset_pass_manager

__all__ = [
    "CIRCUIT_BACKENDS",
    "statevector_bytes",
    "available_memory",
    "check_fits",
    "run_statevector",
    "run_sampler",
    "backend_label",
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


def _aer_simulator(method: str = "automatic", seed: int | None = None):
    from qiskit_aer import AerSimulator

    return AerSimulator(method=method, seed_simulator=seed)


def run_statevector(circuit: QuantumCircuit, *, seed: int | None = None) -> np.ndarray:
    """Exact final statevector of ``circuit`` (no measurements) on Aer."""
    sim = _aer_simulator("statevector", seed)
    qc = circuit.copy()
    qc.save_statevector()
    tqc = generate_preset_pass_manager(optimization_level=1, backend=sim).run(qc)
    result = sim.run(tqc).result()
    if not result.success:
        raise RuntimeError(f"Aer failed: {result.status}")
    return np.asarray(result.get_statevector(tqc))


def run_sampler(
    circuit: QuantumCircuit,
    backend: Any,
    *,
    shots: int,
    seed: int | None = None,
    optimization_level: int = 1,
) -> dict[int, int]:
    """Integer counts of the ``meas`` register of ``circuit`` (V2 sampler).

    ``backend`` is ``"aer"`` (ideal Aer sampler) or any ``BackendV2``; the circuit is lowered to
    the backend's target first (Aer primitives do not transpile).
    """
    if backend == "aer":
        from qiskit_aer.primitives import SamplerV2

        sim = _aer_simulator(seed=seed)
        isa = generate_preset_pass_manager(optimization_level=optimization_level, backend=sim).run(circuit)
        sampler = SamplerV2(default_shots=shots, seed=seed)
    else:
        from qiskit.primitives import BackendSamplerV2

        isa = generate_preset_pass_manager(optimization_level=optimization_level, backend=backend).run(circuit)
        sampler = BackendSamplerV2(backend=backend, options={"default_shots": shots, "seed_simulator": seed})
    pub = sampler.run([isa], shots=shots).result()[0]
    return {int(k): int(v) for k, v in pub.data.meas.get_int_counts().items()}
