"""The tables and runs of docs/hardware.md: resources and success estimates on fake IBM backends,
and local-testing-mode runs on FakeTorino with and without error-mitigation options.

* ``stages``: the N = 16 circuit (window 4) per stage on FakeTorino, FakeFez and FakeSherbrooke,
  both variants (:func:`qdn.hardware.resource_report`, optimisation level 2, seed 0), with the
  estimated success probability (ESP) of the whole circuit;
* ``sizes``: the whole circuit for N = 4 … 256 (compact) and 4 … 32 (register);
* ``largest``: the largest N whose estimate stays at or above 0.5 / 0.1 / 0.01
  (:func:`qdn.hardware.feasibility`, gates + readout and full models);
* ``runs`` (skipped by ``--quick`` and ``--no-runs``): the 16-sample signal of the tests
  (``tests/test_hardware.py``: a cosine plus a step plus noise, window 8, threshold 1, 4096
  shots) denoised through qiskit-ibm-runtime's local testing mode on FakeTorino
  (:func:`qdn.hardware.run_denoise`), without options (two simulator seeds), with dynamical
  decoupling XY4, gate twirling and measurement twirling (8 x 512 shots). ``F = 1 - 2 P(anc=1)``
  is the fidelity of the depolarised output (the exact schedule leaves no amplitude at
  ``anc = 1``); correlation and RMS error are against the exact emulator's output.

Problems of the tables: :func:`qdn.hardware.synthetic_program` (seeded random amplitudes,
threshold window // 4, window min(16, N/4), exact schedule).

    python benchmarks/hardware.py [--quick] [--no-runs] [--out DIR]

Needs the ``ibm`` extra (qiskit-ibm-runtime). About 1 minute for the tables and 3 for the runs
on 2 cores.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import Report  # noqa: E402

import qdn  # noqa: E402
from qdn import hardware as hw  # noqa: E402

BACKENDS = ("fake_torino", "fake_fez", "fake_sherbrooke")
STAGE_COLUMNS = [
    "backend", "variant", "stage", "qubits", "depth", "two_qubit", "two_qubit_depth", "esp_gates_readout", "esp",
    "duration_us",
]
SIZE_COLUMNS = [
    "backend", "variant", "n_samples", "window", "qubits", "depth", "two_qubit", "two_qubit_depth", "esp_gates",
    "esp_readout", "esp_idle", "esp_gates_readout", "esp", "duration_us",
]
FLOORS = (0.5, 0.1, 0.01)
LARGEST_COLUMNS = ["backend", "variant"] + [f"floor_{f}_{m}" for f in FLOORS for m in ("gates", "full")]
RUN_COLUMNS = ["options", "seed", "two_qubit", "esp_gates_readout", "esp", "F", "correlation", "rms_error", "seconds"]

_RANDOMIZATIONS = {"num_randomizations": 8, "shots_per_randomization": 512}
#: The local-mode runs: (label, seed, extra keyword arguments of run_denoise).
RUNS = (
    ("none", 1, {}),
    ("none", 2, {}),
    ("DD XY4", 1, {"dynamical_decoupling": "XY4"}),
    ("gate twirling (8 x 512 shots)", 1, {"twirl": "gates", "options": {"twirling": _RANDOMIZATIONS}}),
    ("measurement twirling (8 x 512 shots)", 1, {"twirl": "measure", "options": {"twirling": _RANDOMIZATIONS}}),
)


def test_signal(n: int = 16, seed: int = 3) -> np.ndarray:
    """The 16-sample signal of ``tests/test_hardware.py``."""
    t = np.arange(n)
    return np.cos(2 * np.pi * t / 8) + 1.5 * (t >= n // 2) + 0.15 * np.random.default_rng(seed).normal(size=n)


def local_runs(report: Report, shots: int = 4096) -> None:
    from qiskit_ibm_runtime.fake_provider import FakeTorino

    torino = FakeTorino()
    y = test_signal()
    exact = qdn.denoise(y, 8, shifts=1, threshold=1, variant="compact", backend="emulator").denoised
    rows = []
    with tempfile.TemporaryDirectory() as journal:
        for label, seed, options in RUNS:
            t0 = time.perf_counter()
            res, run = hw.run_denoise(y, torino, 8, threshold=1, shots=shots, seed=seed, journal=journal, **options)
            seconds = time.perf_counter() - t0
            est = hw.resource_report(run.programs[0], torino, stages=False).summary()
            p_anc1 = sum(v for k, v in res.counts.items() if k >= y.size) / sum(res.counts.values())
            rows.append({
                "options": label, "seed": seed, "two_qubit": est["two_qubit"],
                "esp_gates_readout": est["esp_gates_readout"], "esp": est["esp"], "F": 1 - 2 * p_anc1,
                "correlation": float(np.corrcoef(res.denoised, exact)[0, 1]),
                "rms_error": float(np.sqrt(np.mean((res.denoised - exact) ** 2))), "seconds": seconds,
            })
            print(f"run {label}, seed {seed}: F {rows[-1]['F']:.3f} ({seconds:.0f} s)", flush=True)
    report.table(
        "runs", "Local testing mode on FakeTorino (16 samples, window 8, threshold 1)", rows, RUN_COLUMNS,
        f"{shots} shots; `two_qubit`/ESP of the circuit as transpiled for the run; F = 1 - 2 P(anc = 1); "
        "correlation and RMS error against the exact emulator output.",
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="CI smoke sizes: N = 4, 8 on FakeFez, no runs")
    parser.add_argument("--no-runs", action="store_true", help="tables only")
    parser.add_argument("--out", help="output folder (default benchmarks/results)")
    args = parser.parse_args(argv)
    try:
        from qiskit_ibm_runtime import fake_provider
    except ImportError:  # the ibm extra is optional: say so instead of failing `qdn bench`
        print("hardware: skipped, needs qiskit-ibm-runtime (pip install 'qdn[ibm]')", flush=True)
        return 0

    backends = [getattr(fake_provider, name) for name in ("FakeFez",) if args.quick] or [
        fake_provider.FakeTorino, fake_provider.FakeFez, fake_provider.FakeSherbrooke
    ]
    backends = [cls() for cls in backends]
    stage_n = 8 if args.quick else 16
    sizes = {"compact": (4, 8), "register": (4,)} if args.quick else {
        "compact": (4, 8, 16, 32, 64, 128, 256), "register": (4, 8, 16, 32)
    }
    report = Report("hardware", "qdn on fake IBM backends", argv, args.quick)

    rows = []
    for variant in ("compact", "register"):
        for b in backends:
            for r in hw.resource_report(hw.synthetic_program(stage_n, None, variant), b).rows():
                rows.append(r)
    report.table(
        "stages", f"N = {stage_n}, per stage (optimisation level 2, seed_transpiler 0)", rows, STAGE_COLUMNS,
        "ESP on the total row only: gates + readout, and full (idle included); duration in µs.",
    )

    rows = [
        hw.resource_report(hw.synthetic_program(n, None, variant), b, stages=False).summary()
        for variant, ns in sizes.items() for n in ns for b in backends
    ]
    report.table("sizes", "Sizes (whole circuit)", rows, SIZE_COLUMNS)

    rows = []
    for variant in ("compact", "register"):
        for b in backends:
            row = {"backend": b.name, "variant": variant}
            for floor in FLOORS:
                for model in ("gates", "full"):
                    found = hw.feasibility(b, floor, variant=variant, model=model,
                                           max_size=8 if args.quick else 1 << 14).max_size
                    row[f"floor_{floor}_{model}"] = found if found is not None else "none"
            rows.append(row)
    report.table(
        "largest", "Largest N whose estimate stays at or above the floor", rows, LARGEST_COLUMNS,
        "`gates` = gates + readout; `full` = idle included.",
    )

    if not (args.quick or args.no_runs):
        local_runs(report)
    report.write(args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
