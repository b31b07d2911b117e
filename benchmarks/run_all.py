"""Run every benchmark script in turn (the entry point a ``qdn bench`` command can call).

Usage::

    python benchmarks/run_all.py [--quick] [--out DIR] [--only emulator,aer,resources,paper,noise,quantum-input,images,hardware,local-noise,localization,batch] [--workers N | --scheduler ADDRESS]

Each script writes ``<name>.md`` and its CSV tables into ``--out`` (default
``benchmarks/results``; a ``--quick`` run without ``--out`` writes into a new temporary folder,
so that it never overwrites the committed results). Returns non-zero if any script failed; the others still run.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import tempfile
import time
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCRIPTS = {
    "emulator": "bench_emulator",
    "aer": "bench_aer",
    "resources": "bench_resources",
    "paper": "paper",
    "noise": "noise_scenarios",
    "quantum-input": "quantum_input",
    "images": "images",
    "hardware": "hardware",
    "local-noise": "local_noise_cost",
    "spinning": "spinning",
    "imaging": "imaging",
    "localization": "localization",
    "batch": "batch",
}
#: Scripts whose independent cases run as Dask tasks with ``--workers`` / ``--scheduler``.
DASK_SCRIPTS = ("paper", "noise_scenarios", "images")


def load(name: str):
    """Import ``benchmarks/<name>.py`` as a module (the folder is not a package)."""
    spec = importlib.util.spec_from_file_location(f"qdn_benchmarks_{name}", HERE / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses (paper.py) look their module up while it runs
    spec.loader.exec_module(module)
    return module


def run_all(quick: bool = False, out: str | None = None, only: list[str] | None = None, *,
            workers: int | None = None, scheduler: str | None = None) -> int:
    """Run the selected benchmarks; returns the number that failed. ``workers`` / ``scheduler``
    go to the scripts of :data:`DASK_SCRIPTS` (their cases as Dask tasks; serial without them)."""
    failed = 0
    if quick and out is None:
        # a smoke run must not overwrite the committed full results
        out = tempfile.mkdtemp(prefix="qdn-bench-quick-")
        print(f"quick run: results go to {out}", flush=True)
    for key in only or list(SCRIPTS):
        if key not in SCRIPTS:
            raise ValueError(f"unknown benchmark {key!r}; valid: {', '.join(SCRIPTS)}")
        argv = (["--quick"] if quick else []) + (["--out", str(out)] if out else [])
        if SCRIPTS[key] in DASK_SCRIPTS:
            argv += (["--workers", str(workers)] if workers else []) + (["--scheduler", scheduler] if scheduler else [])
        print(f"=== {SCRIPTS[key]} {' '.join(argv)}", flush=True)
        t0 = time.perf_counter()
        try:
            rc = load(SCRIPTS[key]).main(argv)
        except Exception:  # keep going: report every failure at the end
            traceback.print_exc()
            rc = 1
        failed += rc != 0
        print(f"=== {SCRIPTS[key]}: {'ok' if rc == 0 else 'FAILED'} in {time.perf_counter() - t0:.1f} s", flush=True)
    return failed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes (CI smoke)")
    parser.add_argument("--out", default=None, help="output folder (default benchmarks/results)")
    parser.add_argument("--only", default=None, help=f"comma-separated subset of {', '.join(SCRIPTS)}")
    parser.add_argument("--workers", type=int, default=None,
                        help=f"Dask worker processes for {', '.join(DASK_SCRIPTS)} (default: serial)")
    parser.add_argument("--scheduler", default=None, help="address of a running Dask scheduler for those scripts")
    args = parser.parse_args(argv)
    only = args.only.split(",") if args.only else None
    return 1 if run_all(args.quick, args.out, only, workers=args.workers, scheduler=args.scheduler) else 0


if __name__ == "__main__":
    sys.exit(main())
