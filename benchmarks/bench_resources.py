"""Per-stage resources, encoding comparisons, and circuit build + transpile time.

For N = 16 ... 4096 (window 16 where N >= 64, else N / 4), both variants, a seeded random
problem (:func:`qdn.hardware.resources.make_problem`: amplitudes in (0.25, 1], threshold M // 4):

* ``stages``: qubits, depth and CX of every stage after the generic optimization-level-3 lowering,
  CZ count and depth after transpiling for FakeTorino (optimization level 3, seed 0), and the
  build / transpile wall times (:func:`qdn.hardware.resources.stage_resources`);
* ``encoding``: the UCRY encoding against one multi-controlled RY per sample and against
  Qiskit's ``StatePreparation`` (:func:`qdn.hardware.resources.encoding_comparison`), and the encode
  stage against the bound ``N + 2 P (a + b) p``;
* ``pipeline``: build + transpile time of the whole circuit (exact schedule) at optimization
  levels 3 and 1.

Usage::

    python benchmarks/bench_resources.py [--quick] [--out DIR] [--sizes 16,32,...]
        [--torino-max-n N] [--tag TAG]

The tables are rewritten after every size, so a run stopped early keeps what it measured.
The full sizes take longer than 8 minutes on 2 cores; the committed results come from two runs,
``--sizes 16,32,64,128,256,512,1024,2048`` and ``--sizes 4096 --tag N4096``.

FakeTorino transpiles of the three largest circuits (``encode``, ``amplification_round``,
``pipeline``) run up to ``--torino-max-n`` (default 1024) to keep the full run within about
8 minutes on 2 cores; the cheaper stages get the column at every size.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import Report  # noqa: E402

from qdn.circuits.amplification import make_schedule  # noqa: E402
from qdn.circuits.problem import build_circuit  # noqa: E402
from qdn.hardware.resources import (  # noqa: E402
    STAGES,
    circuit_cost,
    encoding_comparison,
    make_problem,
    problem_resources,
    torino_available,
)

HEAVY = ("encode", "amplification_round", "pipeline")
ENCODE_CX_CONSTANT = 2  # the bound N + C P (a + b) p checked in tests/test_resources.py

STAGE_COLUMNS = [
    "N", "window", "variant", "stage", "qubits", "width", "depth", "cx", "torino_2q", "torino_depth",
    "build_s", "transpile_s", "torino_s",
]
ENCODING_COLUMNS = [
    "N", "qubits", "ucry_cx", "ucry_depth", "per_sample_cx", "per_sample_depth", "per_sample_method",
    "state_prep_cx", "state_prep_anc_last_cx", "state_prep_anc_last_depth", "encode_cx", "bound",
    "c_eff", "within_bound", "ucry_s", "per_sample_s", "state_prep_s",
]
PIPELINE_COLUMNS = [
    "N", "window", "variant", "qubits", "rounds", "build_s", "opt3_s", "opt3_cx", "build_plus_opt3_s",
    "opt1_s", "opt1_cx", "build_plus_opt1_s",
]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="N = 16, 32 only (CI smoke)")
    parser.add_argument("--out", default=None, help="output folder (default benchmarks/results)")
    parser.add_argument("--sizes", default=None, help="comma-separated N (default 16 ... 4096)")
    parser.add_argument("--torino-max-n", type=int, default=1024)
    parser.add_argument("--per-sample-max", type=int, default=256, help="largest N whose per-sample circuit is transpiled whole")
    parser.add_argument("--tag", default="", help="suffix of the output names (bench_resources_<tag>.md)")
    args = parser.parse_args(argv)
    if args.sizes:
        sizes = [int(s) for s in args.sizes.split(",")]
    else:
        sizes = [16, 32] if args.quick else [1 << e for e in range(4, 13)]
    name = "bench_resources" + (f"_{args.tag}" if args.tag else "")
    ok, why = torino_available()
    stage_rows, enc_rows, pipe_rows = [], [], []
    started = Report(name, "Circuit resources per stage", argv, args.quick, script="bench_resources").machine  # load at start

    def emit(final: bool) -> None:
        """Write the tables so far (after every size, so a stopped run keeps what it measured)."""
        report = Report(name, "Circuit resources per stage", argv, args.quick, script="bench_resources")
        report.machine = started
        if not ok:
            report.note(why, echo=final)
        _tables(report, stage_rows, enc_rows, pipe_rows, final)
        done = sorted({r["N"] for r in pipe_rows})
        if any(n > args.torino_max_n for n in done):
            report.note(
                f"FakeTorino column of {', '.join(HEAVY)} not run for N > {args.torino_max_n} (time cap; "
                "rerun with --torino-max-n to fill it).", echo=final,
            )
        if not final:
            report.note(f"Partial run: sizes {done} of {sizes} done so far.", echo=False)
        report.write(args.out, echo=final)

    for n in sizes:
        for variant in ("register", "compact"):
            t0 = time.perf_counter()
            problem = make_problem(n, None, variant)
            setup = time.perf_counter() - t0
            torino_stages = [s for s in STAGES if n <= args.torino_max_n or s not in HEAVY]
            # the compact variant's encode stage is the encoding alone (no value setting): one row
            stages = [s for s in STAGES if not (variant == "compact" and s == "encoding")]
            rows = problem_resources(problem, stages=stages, torino=True, torino_stages=torino_stages)
            for r in rows:
                stage_rows.append({
                    "N": n, "window": r.window, "variant": variant, "stage": r.stage, "qubits": r.qubits,
                    "width": r.width, "depth": r.depth, "cx": r.cx, "torino_2q": r.torino_2q,
                    "torino_depth": r.torino_depth, "build_s": r.build_seconds, "transpile_s": r.transpile_seconds,
                    "torino_s": r.torino_seconds,
                })
            by = {r.stage: r for r in rows}
            # the whole circuit: build (problem + circuit) and transpile at levels 3 and 1
            t0 = time.perf_counter()
            sched = make_schedule("exact", problem.weight)
            qc = build_circuit(problem, sched)
            build = setup + time.perf_counter() - t0
            opt1 = circuit_cost(qc, optimization_level=1)
            pipe = by["pipeline"]
            pipe_rows.append({
                "N": n, "window": problem.layout.M, "variant": variant, "qubits": qc.num_qubits,
                "rounds": sched.iterations, "build_s": build, "opt3_s": pipe.transpile_seconds,
                "opt3_cx": pipe.cx, "build_plus_opt3_s": build + pipe.transpile_seconds,
                "opt1_s": opt1.seconds, "opt1_cx": opt1.ops.get("cx", 0), "build_plus_opt1_s": build + opt1.seconds,
            })
            print(f"N={n} {variant}: pipeline build {build:.3g} s, opt3 {pipe.transpile_seconds:.3g} s", flush=True)
            if variant == "register":
                lay = problem.layout
                encode_cx = by["encode"].cx
                scale = lay.P * (lay.a + lay.b) * lay.p
                bound = lay.N + ENCODE_CX_CONSTANT * scale
        comp = encoding_comparison(n, None, per_sample_max=args.per_sample_max)
        enc_rows.append({
            "N": n, "qubits": comp.qubits, "ucry_cx": comp.ucry_cx, "ucry_depth": comp.ucry_depth,
            "per_sample_cx": comp.per_sample_cx, "per_sample_depth": comp.per_sample_depth,
            "per_sample_method": comp.per_sample_method, "state_prep_cx": comp.state_prep_cx,
            "state_prep_anc_last_cx": comp.state_prep_anc_last_cx,
            "state_prep_anc_last_depth": comp.state_prep_anc_last_depth,
            "encode_cx": encode_cx, "bound": bound,
            "c_eff": (encode_cx - n) / scale if scale else None,
            "within_bound": encode_cx <= bound,
            "ucry_s": comp.ucry_seconds, "per_sample_s": comp.per_sample_seconds,
            "state_prep_s": comp.state_prep_seconds,
        })
        print(f"N={n}: encoding comparison done", flush=True)
        emit(final=False)
    emit(final=True)
    return 0


def _tables(report: Report, stage_rows: list, enc_rows: list, pipe_rows: list, echo: bool) -> None:
    report.table(
        "stages", "Per-stage resources", stage_rows, STAGE_COLUMNS,
        "`cx`/`depth`: generic lowering (optimization level 3, basis cx/rz/sx/x, no coupling map; "
        "QFT swaps become a relabelling). `torino_2q`/`torino_depth`: CZ count and depth on "
        "FakeTorino (level 3, seed 0, routing included; `-` = not run, see notes). Stages: "
        "`encoding` = H + UCRY, `value_setting` = mean/threshold codes (register), `encode` = both, "
        "`oracle` (phase pi), one exact-schedule `amplification_round`, `qft`, whole `pipeline`. "
        "In the compact variant `encode` is the encoding alone (no separate `encoding` row).",
        echo=echo,
    )
    report.table(
        "encoding", "Encoding: UCRY vs one multi-controlled RY per sample vs StatePreparation", enc_rows,
        ENCODING_COLUMNS,
        "CX after the generic level-3 lowering. `per_sample_method` `per-gate x N`: one n-controlled "
        "RY transpiled and multiplied by N (equal to the whole-circuit count wherever both were "
        "measured). `state_prep_cx`: `StatePreparation` of the 2^(n+1) vector, qubit order anc, i, "
        "j; `state_prep_anc_last_cx`: order i, j, anc. `encode_cx`: the register variant's encode "
        f"stage (UCRY + value setting); `bound` = N + {ENCODE_CX_CONSTANT}·P·(a+b)·p; `c_eff` = "
        "(encode_cx − N) / (P·(a+b)·p).",
        echo=echo,
    )
    report.table(
        "pipeline", "Build + transpile of the whole circuit", pipe_rows, PIPELINE_COLUMNS,
        "`build_s`: problem + `build_circuit` (exact schedule, `rounds` amplification rounds). "
        "`opt3_s`/`opt1_s`: `generate_preset_pass_manager(optimization_level=3 or 1, basis_gates="
        "[cx, rz, sx, x])`.run.",
        echo=echo,
    )
    for r in pipe_rows:
        if r["N"] == 4096:
            report.note(
                f"Target build + transpile of N=4096 under 10 s ({r['variant']}): level 3 "
                f"{r['build_plus_opt3_s']:.3g} s ({'met' if r['build_plus_opt3_s'] < 10 else 'MISSED'}), "
                f"level 1 {r['build_plus_opt1_s']:.3g} s ({'met' if r['build_plus_opt1_s'] < 10 else 'MISSED'}).",
                echo=echo,
            )


if __name__ == "__main__":
    sys.exit(main())
