"""Where a circuit runs: the backend names qdn accepts, the rule behind ``backend=None``, the
default number of shots, and the memory check that refuses a circuit a simulator cannot hold.

Every front door validates its ``backend`` and ``shots`` here (through
:func:`qdn.execution.executor.execute`), so the rules and their messages exist once.
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np
from qiskit.providers import BackendV2

from ..common.registry import unknown

__all__ = [
    "BACKEND_NAMES",
    "CIRCUIT_BACKENDS",
    "AUTO_MAX_QUBITS",
    "DEFAULT_SHOTS",
    "statevector_bytes",
    "available_memory",
    "check_fits",
    "check_backend",
    "check_shots",
    "choose_backend",
    "backend_label",
    "is_ideal_aer",
    "default_variant",
    "DENSITY_MATRIX_MAX_QUBITS",
    "aer_method",
    "is_device_model",
    "check_device",
]

#: Backend names that run circuits on Aer (besides any ``BackendV2`` instance).
CIRCUIT_BACKENDS = ("statevector", "aer")
#: Every backend name qdn accepts: the exact emulator and the Aer ones.
BACKEND_NAMES = ("emulator",) + CIRCUIT_BACKENDS
#: ``backend=None`` runs the circuit on Aer only up to this many qubits (beyond 20, Aer takes
#: minutes on 2 cores; 22 qubits took 120 s for N = 1024) and only when the statevector fits in
#: half the available memory; beyond it, the emulator.
AUTO_MAX_QUBITS = 20
#: Shots of a sampled run (``"aer"`` or a ``BackendV2``) when none are given.
DEFAULT_SHOTS = 8192


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


def check_backend(backend: Any) -> None:
    """Raise ``ValueError`` for a backend name qdn does not know, or an object that is not a
    ``qiskit.providers.BackendV2`` (Aer simulators and IBM backends are)."""
    if isinstance(backend, str) and backend not in BACKEND_NAMES:
        raise ValueError(unknown("backend", backend, ("None",) + BACKEND_NAMES, extra="or a BackendV2"))
    if backend is not None and not isinstance(backend, (str, BackendV2)):
        raise ValueError(
            f"backend must be None, {', '.join(map(repr, BACKEND_NAMES))} or a BackendV2 instance, "
            f"got {type(backend).__name__} {backend!r:.60}"
        )


def check_shots(shots: Any) -> None:
    """``shots`` must be None (exact readout) or a positive integer."""
    if shots is not None and (not isinstance(shots, (int, np.integer)) or isinstance(shots, bool) or shots < 1):
        raise ValueError(f"shots must be a positive integer or None, got {shots!r}")


def choose_backend(num_qubits: int) -> str:
    """The rule behind ``backend=None``: Aer statevector when the circuit has at most
    :data:`AUTO_MAX_QUBITS` qubits and its statevector fits in half the available memory,
    otherwise the exact emulator (same amplitudes, O(N) memory)."""
    if num_qubits <= AUTO_MAX_QUBITS and statevector_bytes(num_qubits) <= available_memory() / 2:
        return "statevector"
    return "emulator"


def is_ideal_aer(backend: Any) -> bool:
    """True for qdn's noise-free Aer backends, ``"statevector"`` and ``"aer"``."""
    return isinstance(backend, str) and backend in ("statevector", "aer")


def default_variant(backend: Any, *, noisy: bool = False) -> str:
    """The circuit variant behind ``variant=None``: the paper's ``"register"`` layout where it is
    cheap (the emulator and ideal Aer), ``"compact"`` (same output, 13 instead of 22 qubits at
    N = 1024, 4-8x fewer 2-qubit gates) for any ``BackendV2`` and for noisy runs, where every
    qubit and gate costs noisy trajectories or device errors."""
    return "compact" if noisy or isinstance(backend, BackendV2) else "register"


#: A density matrix of q qubits holds 4**q complex numbers: up to 13 qubits (1 GiB).
DENSITY_MATRIX_MAX_QUBITS = 13


def aer_method(active_qubits: int, shots: int) -> str:
    """Aer's method for a noisy run of a circuit acting on ``active_qubits`` qubits.

    One density-matrix pass costs about ``4**q`` per gate for all shots together; statevector
    trajectories about ``shots * 2**q`` per gate. So ``"density_matrix"`` when ``2**q < shots``
    (and it fits in memory), statevector trajectories otherwise. Measured on this project's
    2-core machine (compact N = 16 circuit on FakeTorino, 7 active qubits, 1,378 gates,
    4,000 shots): density matrix 5.1 s, statevector trajectories 12.6 s; matrix-product-state
    did not finish within 8 minutes, so it is never chosen.
    """
    if active_qubits <= DENSITY_MATRIX_MAX_QUBITS and (1 << active_qubits) < shots:
        return "density_matrix"
    return "statevector"


def is_device_model(backend: Any) -> bool:
    """True for a fake IBM device (``qiskit_ibm_runtime.fake_provider`` or Qiskit's
    ``fake_provider``): a noise model simulated locally, where qdn picks Aer's method itself."""
    module = type(backend).__module__
    return module.startswith(("qiskit_ibm_runtime.fake_provider", "qiskit.providers.fake_provider"))


def check_device(device: str) -> str:
    """``device`` ("CPU" or "GPU") must be one this Aer build offers; "GPU" needs the
    ``qiskit-aer-gpu`` build (``pip install qiskit-aer-gpu`` on a machine with CUDA)."""
    from qiskit_aer import AerSimulator

    if not isinstance(device, str) or device.upper() not in ("CPU", "GPU"):
        raise ValueError(unknown("device", device, ("CPU", "GPU")))
    available = AerSimulator().available_devices()
    if device.upper() not in available:
        raise ValueError(
            f"device {device.upper()!r} is not available in this Aer build (available: "
            f"{', '.join(available)}); the GPU needs qiskit-aer-gpu instead of qiskit-aer"
        )
    return device.upper()
