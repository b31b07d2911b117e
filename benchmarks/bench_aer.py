"""Aer statevector against the exact emulator, both variants, growing N.

For N = 2**4, 2**5, ... (window ``min(16, N // 4)``, threshold M // 4, a seeded noisy signal)
``qdn.denoise(y, M, shifts=1, threshold=taus, variant=v, backend="statevector")`` is timed once per size,
after one untimed warm-up run at N = 16 in the same process (build the circuit, lower it with ``generate_preset_pass_manager(optimization_level=1)`` for
Aer, simulate, read out), split into build / transpile / simulate by timing the calls that
``denoise`` makes. ``backend="emulator"`` on the same input is timed best-of-5 in the same
process run, and the two outputs are compared.

Full mode runs each Aer measurement in a subprocess with a time limit and stops a variant after
the first run that takes more than 60 s (or hits the limit, or the script's time budget); quick
mode runs N = 16, 32 in-process. Usage::

    python benchmarks/bench_aer.py [--quick] [--out DIR] [--budget SECONDS] [--run-limit SECONDS]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import Report, best_of  # noqa: E402

import qdn  # noqa: E402

STOP_AFTER = 60.0
COLUMNS = [
    "variant", "N", "window", "qubits", "aer_s", "build_s", "transpile_s", "simulate_s",
    "emulator_s", "speedup", "max_abs_diff", "status",
]


def signal(n: int, seed: int = 0) -> np.ndarray:
    t = np.arange(n) / n
    clean = np.sin(2 * np.pi * 3 * t) + 0.5 * np.cos(2 * np.pi * 11 * t)
    return clean + 0.3 * np.random.default_rng(seed).normal(size=n)


def window_for(n: int) -> int:
    return max(2, min(16, n // 4))


def _args(n: int) -> tuple[np.ndarray, int, np.ndarray]:
    m = window_for(n)
    return signal(n), m, np.full(n // m, m // 4)


class _Timed:
    """A pass manager whose ``run`` adds its wall time to ``sink["transpile_s"]``."""

    def __init__(self, pm, sink):
        self._pm, self._sink = pm, sink

    def run(self, *args, **kwargs):
        t0 = time.perf_counter()
        out = self._pm.run(*args, **kwargs)
        self._sink["transpile_s"] += time.perf_counter() - t0
        return out


def aer_once(variant: str, n: int) -> dict:
    """One timed ``denoise(..., backend="statevector")`` with its build/transpile/simulate split."""
    import qdn.execution.executor as executor
    import qdn.execution.runs as execution
    from qdn.circuits.problem import DenoisingProblem

    # warm-up: the first Aer run of a process pays about 1 s of one-time initialisation
    qdn.denoise(signal(16), 4, shifts=1, threshold=1, variant=variant, backend="statevector")
    y, m, taus = _args(n)
    sink = {"build_s": 0.0, "transpile_s": 0.0, "run_s": 0.0}
    orig_build, orig_run, orig_pm = DenoisingProblem.circuit, executor.run_statevector, execution.generate_preset_pass_manager

    def build(*a, **k):
        t0 = time.perf_counter()
        out = orig_build(*a, **k)
        sink["build_s"] += time.perf_counter() - t0
        return out

    def run(*a, **k):
        t0 = time.perf_counter()
        out = orig_run(*a, **k)
        sink["run_s"] += time.perf_counter() - t0
        return out

    DenoisingProblem.circuit, executor.run_statevector = build, run
    execution.generate_preset_pass_manager = lambda *a, **k: _Timed(orig_pm(*a, **k), sink)
    try:
        t0 = time.perf_counter()
        res = qdn.denoise(y, m, shifts=1, threshold=taus, variant=variant, backend="statevector")
        total = time.perf_counter() - t0
    finally:
        DenoisingProblem.circuit, executor.run_statevector = orig_build, orig_run
        execution.generate_preset_pass_manager = orig_pm
    return {
        "aer_s": total,
        "build_s": sink["build_s"],
        "transpile_s": sink["transpile_s"],
        "simulate_s": sink["run_s"] - sink["transpile_s"],
        "qubits": res.circuit.num_qubits,
        "denoised": res.denoised.tolist(),
    }


def aer_subprocess(variant: str, n: int, limit: float) -> dict | None:
    """:func:`aer_once` in a fresh interpreter; ``None`` when it runs past ``limit`` seconds."""
    cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", variant, str(n)]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=limit, check=False)
    except subprocess.TimeoutExpired:
        return None
    if proc.returncode != 0:
        raise RuntimeError(f"worker for {variant} N={n} failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="N = 16, 32 only, in-process (CI smoke)")
    parser.add_argument("--out", default=None, help="output folder (default benchmarks/results)")
    parser.add_argument("--budget", type=float, default=470.0, help="wall-time budget of the whole script, s")
    parser.add_argument("--run-limit", type=float, default=200.0, help="time limit of one Aer run, s")
    parser.add_argument("--variants", default="register,compact")
    parser.add_argument("--worker", nargs=2, metavar=("VARIANT", "N"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        out = aer_once(args.worker[0], int(args.worker[1]))
        print(json.dumps(out))
        return 0

    start = time.perf_counter()
    report = Report("bench_aer", "Aer statevector vs exact emulator", argv, args.quick)
    rows = []
    for variant in args.variants.split(","):
        n = 16
        while True:
            if args.quick and n > 32:
                break
            remaining = args.budget - (time.perf_counter() - start)
            if not args.quick and remaining < 20:
                report.note(f"{variant}: stopped before N={n}: the script's {args.budget:.0f} s budget is spent")
                break
            limit = min(args.run_limit, remaining)
            aer = aer_once(variant, n) if args.quick else aer_subprocess(variant, n, limit)
            y, m, taus = _args(n)
            t_emu, emu = best_of(lambda: qdn.denoise(y, m, shifts=1, threshold=taus, variant=variant, backend="emulator"), 5)
            row = {"variant": variant, "N": n, "window": m, "emulator_s": t_emu}
            if aer is None:
                row.update(status=f"> {limit:.0f} s (stopped)", qubits=qdn.denoise(
                    y, m, shifts=1, threshold=taus, variant=variant, backend="emulator").layout.num_qubits(variant))
                rows.append(row)
                print(f"{variant} N={n}: Aer run stopped after {limit:.0f} s", flush=True)
                break
            row.update(
                qubits=aer["qubits"], aer_s=aer["aer_s"], build_s=aer["build_s"],
                transpile_s=aer["transpile_s"], simulate_s=aer["simulate_s"],
                speedup=aer["aer_s"] / t_emu,
                max_abs_diff=float(np.abs(np.array(aer["denoised"]) - emu.denoised).max()),
                status="ok" if aer["aer_s"] <= STOP_AFTER else f"> {STOP_AFTER:.0f} s",
            )
            rows.append(row)
            print(f"{variant} N={n}: Aer {aer['aer_s']:.3g} s, emulator {t_emu:.3g} s", flush=True)
            if aer["aer_s"] > STOP_AFTER:
                break
            n *= 2
    report.table(
        "timing", "Aer statevector (`denoise(backend=\"statevector\")`) vs emulator", rows, COLUMNS,
        "`aer_s` is one end-to-end call; `build_s`, `transpile_s` (optimization level 1 for "
        "AerSimulator) and `simulate_s` split it. `emulator_s` is best-of-5 of "
        "`denoise(backend=\"emulator\")`; `speedup` = aer_s / emulator_s; `max_abs_diff` compares "
        "the two denoised signals.",
    )
    for variant in args.variants.split(","):
        done = [r for r in rows if r["variant"] == variant and r.get("aer_s") is not None and r["aer_s"] <= STOP_AFTER]
        if done:
            r = done[-1]
            report.note(
                f"{variant}: largest N with an Aer run under {STOP_AFTER:.0f} s: N={r['N']} ({r['qubits']} qubits, "
                f"{r['aer_s']:.3g} s); emulator {r['emulator_s']:.3g} s; speed-up {r['speedup']:.3g}x "
                f"(>= 1000x: {'met' if r['speedup'] >= 1000 else 'MISSED'})."
            )
    report.write(args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
