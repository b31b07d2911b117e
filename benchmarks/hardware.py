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

Issue 21 adds (``benchmarks/_hardware_trades.py``):

* ``compression``: encode-stage CX and output error of the compressed (Walsh) encoding for the
  ECG, HeaviSine and a CT patch, N = 16 … 1024, against the uncompressed output (emulator);
* ``aqft``: CX of the approximate QFT against its output error, m = 3 … 6;
* ``schedules``: exact, grover-1, fixed-point, postselect on the ECG, N = 16 … 64: ESP, success
  probability and useful shots per submitted shot (their product);
* ``budget``: :func:`qdn.hardware.feasibility` with ``error_budget=0.05`` (floor 0.1);
* ``budget_runs`` (not with ``--quick`` / ``--no-runs``): the ``qdn run --demo`` signal, the
  tests' signal and 64 ECG samples on FakeTorino, exact schedule against the budget's choice.

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
import _hardware_trades as trades  # noqa: E402

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

    trade_tables(report, backends, args.quick, runs=not (args.quick or args.no_runs))
    if not (args.quick or args.no_runs):
        local_runs(report)
    report.write(args.out)
    return 0


def trade_tables(report: Report, backends, quick: bool, *, runs: bool, budget: float = 0.05, floor: float = 0.1) -> None:
    """The issue-21 tables (:mod:`_hardware_trades`)."""
    report.table("compression", "Compressed encoding: encode CX and output error", trades.compression_rows(
        (16, 64) if quick else (16, 64, 256, 1024)), trades.COMPRESSION_COLUMNS,
        "`encode_cx`: CX of the amplitude multiplexor (Walsh chain without zero coefficients; N uncompressed); "
        "`error`: relative L2 distance of the emulated output to the uncompressed one; AWGN 15 dB inputs.")
    report.table("aqft", "Approximate QFT: CX against output error", trades.aqft_rows((3,) if quick else (3, 4, 5, 6)),
                 trades.AQFT_COLUMNS, "CX after transpiling the QFT alone to cx/rz/sx (level 2); error of the "
                 "emulated output with window 2^m against the exact-QFT output (N = 256; ECG, HeaviSine).")
    fake = [b for b in backends if b.name != "fake_sherbrooke"]
    report.table("schedules", "Schedules: useful shots per submitted shot", trades.schedule_rows(
        fake, (8,) if quick else (16, 32, 64)), trades.SCHEDULE_COLUMNS,
        "ECG around the R peak, AWGN 15 dB; `esp` full model, qdn placement; `success`: fraction of shots the "
        "readout keeps; `useful` = esp x success.")
    rows, largest = trades.budget_rows(fake, floor, budget, 8 if quick else 1024)
    report.table("budget", f"Feasibility with error budget {budget:g} (floor {floor:g})", rows, trades.BUDGET_COLUMNS,
                 "Each N: the reference ECG with the settings `choose_trades` picks (most useful shots per shot within "
                 "the budget); `error` is the emulated output error of all settings together.")
    for name, (best, stopped) in largest.items():
        report.note(f"- {name}: largest N with ESP >= {floor:g} within error budget {budget:g}: {best} ({stopped})")
    if runs:
        from qiskit_ibm_runtime.fake_provider import FakeTorino

        report.table("budget_runs", f"Local testing mode on FakeTorino: exact schedule against budget {budget:g}",
                     trades.budget_runs(FakeTorino(), budget, test_signal=test_signal), trades.RUN_COLUMNS,
                     "PSNR against the clean signal (the tests' signal: against the exact emulator output); 4096 "
                     "kept shots asked (flag schedules send 4096 / success).")


if __name__ == "__main__":
    raise SystemExit(main())
