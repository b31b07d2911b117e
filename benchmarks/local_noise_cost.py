"""Calibration of the cost model of local noisy runs (qdn.execution.cost): Aer's time for a
fake IBM device's noise model, per method, over sizes, variants and shots; estimated vs measured.

Usage::

    python benchmarks/local_noise_cost.py [--quick] [--out DIR]

For each case the qdn circuit is transpiled for FakeTorino (level 1, seed 0), then
``AerSimulator.from_backend(FakeTorino(), method=...)`` runs it; only ``run`` is timed (best of
1; transpiling is separate and reported). The model is ``overhead + c_method * gates * work``
with ``work = 4**q`` (density matrix: one pass) or ``shots * 2**q`` (statevector trajectories),
``q`` the active qubits. ``--fit`` prints the constants fitted on this run (median of
``(measured - overhead) / (gates * work)``); the committed constants live in
``qdn/execution/cost.py``. Writes ``local_noise_cost.md`` and ``local_noise_cost.csv``.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

CASES = [  # (n_samples, window, variant, shots, method)
    (8, 4, "compact", 1000, "density_matrix"),
    (8, 4, "compact", 4000, "density_matrix"),
    (16, 4, "compact", 1000, "density_matrix"),
    (16, 4, "compact", 4000, "density_matrix"),
    (32, 4, "compact", 4000, "density_matrix"),
    (16, 4, "compact", 300, "statevector"),
    (16, 4, "compact", 1200, "statevector"),
    (8, 4, "register", 50, "statevector"),
    (8, 4, "register", 150, "statevector"),
    (16, 4, "register", 10, "statevector"),
]
QUICK = [CASES[0], CASES[5]]


def measure(n: int, window: int, variant: str, shots: int, method: str) -> dict:
    from qiskit_aer import AerSimulator
    from qiskit_ibm_runtime.fake_provider import FakeTorino

    from qdn.api.plan import plan
    from qdn.execution.cost import estimate_seconds
    from qdn.execution.runs import circuit_estimate
    from qdn.execution.transpile import transpile_for_backend

    backend = FakeTorino()
    y = np.sin(np.arange(n) / 2) + 2 + 0.1 * np.random.default_rng(0).normal(size=n)
    p = plan(y, window, threshold=1, variant=variant)
    t0 = time.perf_counter()
    isa = transpile_for_backend(p.problem.circuit(p.schedule, measure=True), backend, optimization_level=1,
                                seed_transpiler=0)
    transpile_s = time.perf_counter() - t0
    _, _, q, gates = circuit_estimate(isa, shots)  # q and gates as the model counts them
    sim = AerSimulator.from_backend(backend, method=method, seed_simulator=0)
    t0 = time.perf_counter()
    result = sim.run(isa, shots=shots).result()
    measured = time.perf_counter() - t0
    assert result.success, result.status
    estimate = estimate_seconds(method, q, gates, shots)  # each case calibrates the method it names
    return dict(n_samples=n, window=window, variant=variant, shots=shots, method=method, active_qubits=q,
                gates=gates, transpile_s=transpile_s, measured_s=measured, estimated_s=estimate,
                ratio=estimate / measured)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="two small cases; writes a file only with --out")
    ap.add_argument("--out", type=Path, default=None)
    ap.add_argument("--fit", action="store_true", help="print the constants fitted on this run")
    args = ap.parse_args(argv)
    try:
        import qiskit_ibm_runtime  # noqa: F401
    except ImportError:
        print("local_noise_cost: skipped (needs qiskit-ibm-runtime: pip install 'qdn[ibm]')")
        return 0
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from _common import RESULTS, _atomic_write, csv_text, machine, markdown

    from qdn.execution.cost import OVERHEAD_S

    rows = []
    for case in QUICK if args.quick else CASES:
        row = measure(*case)
        rows.append(row)
        print(f"{row['variant']:9s} N={row['n_samples']:3d} q={row['active_qubits']:2d} gates={row['gates']:6d} "
              f"shots={row['shots']:5d} {row['method']:15s} measured {row['measured_s']:7.2f} s "
              f"estimated {row['estimated_s']:7.2f} s  ratio {row['ratio']:.2f}", flush=True)
    if args.fit:
        for method in ("density_matrix", "statevector"):
            units = [(r["measured_s"] - OVERHEAD_S) / (r["gates"] * (4 ** r["active_qubits"] if method == "density_matrix"
                     else r["shots"] * 2 ** r["active_qubits"])) for r in rows if r["method"] == method]
            if units:
                print(f"fitted seconds per unit, {method}: {np.median(units):.3e}")
    worst = max(max(r["ratio"], 1 / r["ratio"]) for r in rows)
    print(f"worst estimate/measured ratio: {worst:.2f} (target: within 3x)")
    if args.quick and args.out is None:
        return 0
    out = args.out or RESULTS
    out.mkdir(parents=True, exist_ok=True)
    columns = list(rows[0])
    mach = machine()
    head = "; ".join(f"{k} {v}" for k, v in mach.items())
    text = (f"# Local noisy runs: cost model vs measured (`benchmarks/local_noise_cost.py`)\n\nMachine: {head}\n\n"
            "FakeTorino's noise model on Aer, level-1 transpiled qdn circuits (`transpile_s` apart); "
            "`estimated_s` from `qdn.execution.cost.estimate_seconds`; `ratio` = estimated / measured.\n\n"
            + markdown(rows, columns) + f"\n\nWorst ratio (either way): {worst:.2f}.\n")
    _atomic_write(out / "local_noise_cost.md", text)
    _atomic_write(out / "local_noise_cost.csv", csv_text(rows, columns, mach))
    print(f"wrote {out / 'local_noise_cost.md'}, {out / 'local_noise_cost.csv'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
