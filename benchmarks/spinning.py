"""Cycle spinning: what the in-circuit shift register costs against spinning by runs, and how
fast the emulator spins.

1. FakeTorino, N = 16, 64, 256 (window M = 4, 8, 16, shifts S = M, compact variant, exact
   schedule, measured): the spinning circuit (one circuit, shift register + modular adder) against
   spinning by runs (S paper circuits, one per shift): qubits, two-qubit gates, depth and the
   estimated success probability (gates, readout, idle) of qdn's placement, level 2.
2. Generic basis (cx, rz, sx, x; level 1), N = 1024: circuit size of ``shifts=M`` against
   ``shifts=1`` for M = 16 (``--quick``: N = 64).
3. Emulator: ``qdn.denoise(..., window=16, shifts=16, backend="emulator")`` and the plain
   ``emulate_spin_state`` at N = 2**20 (``--quick``: 2**14), best of 3.
4. The choices behind the defaults, on the paper's signals (AWGN 15 dB, N = 1024, 3 seeds;
   ``--quick``: HeaviSine, N = 256, 1 seed): boundary periodic or reflect, hard or Wiener weights,
   the window fixed or chosen by Monte-Carlo SURE — mean PSNR.

    python benchmarks/spinning.py [--quick]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import RESULTS, best_of, machine, markdown  # noqa: E402

import qdn  # noqa: E402
from qdn.api.plan import plan  # noqa: E402
from qdn.data import demo_signal  # noqa: E402
from qdn.emulator.spinning import emulate_spin_state  # noqa: E402
from qdn.noise import awgn  # noqa: E402


def _signal(n: int, seed: int = 0) -> np.ndarray:
    return awgn(demo_signal("HeaviSine", n), 15, seed=seed)


def _counts(isa) -> tuple[int, int]:
    two = sum(1 for ins in isa.data if ins.operation.num_qubits == 2)
    return two, isa.depth()


def torino_rows(sizes) -> list[dict]:
    from qdn.hardware import estimate_success, get_backend, prepare

    backend = get_backend("fake_torino")
    rows = []
    for n in sizes:
        M = {16: 4, 64: 8, 256: 16}.get(n, 8)
        y = _signal(n)
        spun = plan(y, M, variant="compact", shifts=M)
        t0 = time.perf_counter()
        isa = prepare(spun.problem.circuit(spun.schedule, measure=True), backend)
        est = estimate_success(isa, backend)
        two, depth = _counts(isa)
        rows.append({"N": n, "M = S": M, "spin": "circuit", "circuits": 1, "qubits": spun.problem.num_qubits,
                     "2q gates": two, "depth": depth, "success (est.)": est.total,
                     "transpile s": time.perf_counter() - t0})
        one = plan(y, M, variant="compact")
        t0 = time.perf_counter()
        isa = prepare(one.problem.circuit(one.schedule, measure=True), backend)
        est1 = estimate_success(isa, backend)
        two, depth = _counts(isa)
        rows.append({"N": n, "M = S": M, "spin": "runs (per run)", "circuits": M, "qubits": one.problem.num_qubits,
                     "2q gates": two, "depth": depth, "success (est.)": est1.total,
                     "transpile s": time.perf_counter() - t0})
    return rows


def generic_rows(n: int, window: int = 16) -> list[dict]:
    from qdn.hardware.resources import circuit_cost

    y = _signal(n)
    rows = []
    for shifts in (1, window):
        p = plan(y, window, variant="compact", shifts=shifts)
        cost = circuit_cost(p.problem.circuit(p.schedule), "generic", optimization_level=1)
        rows.append({"N": n, "M": window, "shifts": shifts, "qubits": p.problem.num_qubits,
                     "rounds": p.schedule.iterations, "CX": cost.two_qubit, "depth": cost.depth,
                     "gates": cost.size, "transpile s": cost.seconds})
    return rows


def emulator_rows(n: int) -> list[dict]:
    y = _signal(n)
    rows = []
    for shifts in (1, 16):
        t_api, res = best_of(lambda: qdn.denoise(y, 16, shifts=shifts, backend="emulator"), repeat=3)
        p = plan(y, 16, shifts=max(shifts, 2))
        t_emu = best_of(lambda: emulate_spin_state(p.problem.amplitudes, p.problem.thresholds[:shifts], "exact"),
                        repeat=3)[0] if shifts > 1 else float("nan")
        rows.append({"N": n, "M": 16, "shifts": shifts, "qdn.denoise s (plan + emulate + decode)": t_api,
                     "emulate_spin_state s": t_emu})
    return rows


def choice_rows(quick: bool) -> list[dict]:
    n, seeds = (256, 1) if quick else (1024, 3)
    names = ["HeaviSine"] if quick else ["HeaviSine", "Doppler", "Bumps", "Blocks"]
    cleans = {name: demo_signal(name, n) for name in names}
    if not quick:
        from qdn.data import ecg

        cleans["ECG"] = ecg()[:n]
    configs = {"paper (window 16, shifts 1)": dict(window=16, shifts=1)}
    for window in (16, 64, "auto"):
        for boundary in ("periodic", "reflect"):
            for weights in ("hard", "wiener"):
                configs[f"window {window}, {boundary}, {weights}"] = dict(window=window, boundary=boundary,
                                                                         weights=weights)
    rows = []
    for label, kw in configs.items():
        vals = [qdn.metrics.psnr(c, qdn.denoise(awgn(c, 15, seed=s), backend="emulator", **kw).denoised)
                for c in cleans.values() for s in range(seeds)]
        rows.append({"configuration": label, "mean PSNR (dB)": float(np.mean(vals))})
    return rows


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--out", type=Path, default=RESULTS)
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    sections = ["# Cycle spinning: circuit against runs, and the emulator", "",
                "Machine: " + "; ".join(f"{k} {v}" for k, v in machine().items()),
                f"Run: `python benchmarks/spinning.py{' --quick' if args.quick else ''}`", ""]
    torino = torino_rows([16] if args.quick else [16, 64, 256])
    sections += ["## FakeTorino: one spinning circuit against S runs (level 2, qdn placement, measured circuits)", "",
                 markdown(torino, list(torino[0])), "",
                 "Spinning by runs submits S circuits: its useful shots per submitted shot are those of one run; "
                 "the spinning circuit's success is one shot's.", ""]
    generic = generic_rows(64 if args.quick else 1024)
    sections += ["## Circuit size of shifts = M against shifts = 1 (generic basis, level 1)", "",
                 markdown(generic, list(generic[0])), ""]
    emu = emulator_rows(1 << 14 if args.quick else 1 << 20)
    choices = choice_rows(args.quick)
    sections += ["## Emulator (best of 3)", "", markdown(emu, list(emu[0])), "",
                 "## The defaults' choices (AWGN 15 dB, mean PSNR over signals and seeds; shifts = window)", "",
                 markdown(choices, list(choices[0])), "",
                 f"Total {time.perf_counter() - t0:.0f} s.", ""]
    text = "\n".join(sections)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / ("spinning_quick.md" if args.quick else "spinning.md")).write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
