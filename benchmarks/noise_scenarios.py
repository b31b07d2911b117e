"""PSNR of the paper's quantum-noise scenarios before and after qdn (Dutta et al. 2023, Sec. IV).

Each noisy input comes from :mod:`qdn.noise.quantum`: the clean signal's state y/||y|| goes
through an n-qubit QFT then IQFT lowered to ("cx", "rz", "sx", "x", "h") with an RZ of random
angle in [-eps, eps] after every gate on every qubit it touches (one realisation per seed), and,
for bit-flip + phase, X with probability p after each H; the signal is ||y|| Re(phi e^{-i arg<psi|phi>}).
The noise-free denoiser then runs on the exact emulator (held equal to the Aer statevector of the
circuit by the tests), window 16, automatic (SURE) thresholds. Figures are mean +- standard
deviation over the seeds; PSNR uses the clean signal's peak-to-peak range (qdn.metrics.psnr).

    python benchmarks/noise_scenarios.py                 # N = 512, 20 seeds
    python benchmarks/noise_scenarios.py --seeds 5 --p 0.02 --n 256
    python benchmarks/noise_scenarios.py --workers 2      # the cases as Dask tasks (same figures)

Writes ``benchmarks/results/noise_scenarios.md`` (machine header, table; ``--out DIR`` elsewhere);
``--quick`` runs 2 seeds at N = 64 and writes only when given ``--out``.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

import qdn
from qdn import noise as cn
from qdn.noise import quantum as qn
from qdn.data import demo_signal, ecg
from qdn.classical.metrics import psnr


def signals(n: int) -> dict[str, np.ndarray]:
    return {f"ECG[:{n}]": ecg()[:n], f"HeaviSine {n}": demo_signal("HeaviSine", n)}


def scenarios(eps: float, snr_db: float, p: float, scale: float) -> dict:
    # Poisson needs y >= 0: counts of the signal shifted to start at 0 (as benchmarks/paper.py)
    def pois(y, s):
        lo = float(y.min())
        return cn.poisson(y - lo, scale=scale / float(np.ptp(y)), seed=s) + lo

    def pois_phase(y, s):
        lo = float(y.min())
        return qn.poisson_phase(y - lo, scale / float(np.ptp(y)), eps, seed=s) + lo

    return {
        f"AWGN {snr_db:g} dB": lambda y, s: cn.awgn(y, snr_db, seed=s),
        f"Poisson {scale:g} counts": pois,
        f"Poisson + phase": pois_phase,
        f"phase eps={eps:g}": lambda y, s: qn.phase_noise_signal(y, eps, seed=s),
        f"AWGN {snr_db:g} dB + phase": lambda y, s: qn.awgn_phase(y, snr_db, eps, seed=s),
        f"bit-flip p={p:g} + phase": lambda y, s: qn.bitflip_phase(y, p, eps, seed=s),
    }


def _case(case) -> tuple[float, float, float]:
    """PSNR noisy, paper's qdn and qdn for one (signal, scenario, seed): an independent task."""
    clean, make, seed, window = case
    noisy = make(clean, seed)
    paper = psnr(clean, qdn.denoise(noisy, window, shifts=1, backend="emulator").denoised)
    after = psnr(clean, qdn.denoise(noisy, backend="emulator").denoised)
    return psnr(clean, noisy), paper, after


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=512)
    ap.add_argument("--scale", type=float, default=30.0, help="Poisson counts at the peak-to-peak range")
    ap.add_argument("--quick", action="store_true", help="N = 64, 2 seeds; writes a file only with --out")
    ap.add_argument("--out", type=Path, default=None, help="results folder (default benchmarks/results)")
    ap.add_argument("--window", type=int, default=16)
    ap.add_argument("--eps", type=float, default=0.1)
    ap.add_argument("--snr", type=float, default=15.0)
    ap.add_argument("--p", type=float, default=0.05)
    ap.add_argument("--seeds", type=int, default=20)
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from _common import add_dask_args, dask_session, map_cases

    add_dask_args(ap)
    args = ap.parse_args(argv)
    if args.quick:
        args.n, args.seeds = 64, 2

    from _common import RESULTS, _atomic_write, machine

    mach = "; ".join(f"{k} {v}" for k, v in machine().items())
    t0 = time.perf_counter()
    rows = []
    head = (f"{'signal':<15} {'scenario':<26} {'PSNR noisy (dB)':>17} {'qdn paper (dB)':>15} {'qdn (dB)':>15} "
            f"{'gain':>6}")
    print(f"paper: window {args.window}, shifts 1; qdn: defaults; seeds 0..{args.seeds - 1}, backend='emulator'")
    print(head)
    print("-" * len(head))
    pairs = [(sname, clean, scen, make) for sname, clean in signals(args.n).items()
             for scen, make in scenarios(args.eps, args.snr, args.p, args.scale).items()]
    cases = [(clean, make, seed, args.window) for _, clean, _, make in pairs for seed in range(args.seeds)]
    with dask_session(args.workers, args.scheduler) as client:  # serial unless --workers/--scheduler
        results = map_cases(_case, cases, client=client, desc="noise scenarios")
    for k, (sname, _, scen, _) in enumerate(pairs):
        b, q, a = (np.array(col) for col in zip(*results[k * args.seeds:(k + 1) * args.seeds]))
        print(
            f"{sname:<15} {scen:<26} {b.mean():8.2f} +- {b.std():5.2f} {q.mean():7.2f} +- {q.std():5.2f} "
            f"{a.mean():7.2f} +- {a.std():5.2f} {(a - b).mean():6.2f}"
        )
        rows.append(f"| {sname} | {scen} | {b.mean():.2f} ± {b.std():.2f} | {q.mean():.2f} ± {q.std():.2f} | "
                    f"{a.mean():.2f} ± {a.std():.2f} | {(a - b).mean():+.2f} |")
    elapsed = time.perf_counter() - t0
    print(f"({elapsed:.1f} s)")
    if args.quick and args.out is None:
        return 0
    out = args.out or RESULTS
    text = "\n".join([
        "# qdn under the paper's noise scenarios",
        "",
        f"Machine: {mach}",
        f"Run: `python benchmarks/noise_scenarios.py --n {args.n} --seeds {args.seeds} --window {args.window} "
        f"--eps {args.eps:g} --snr {args.snr:g} --p {args.p:g} --scale {args.scale:g}` — {elapsed:.0f} s. "
        "Noise-free denoiser on the exact emulator, automatic (SURE) thresholds; mean ± std over the seeds; "
        "phase noise is one realisation of the QFT + IQFT per seed (module docstring). \"qdn paper\": the paper's "
        f"algorithm (window {args.window}, one shift); \"qdn\": the defaults (window by Monte-Carlo SURE, every "
        "shift, Wiener weights); gain = qdn − noisy.",
        "",
        "| signal | scenario | PSNR noisy (dB) | PSNR qdn paper (dB) | PSNR qdn (dB) | gain (dB) |",
        "|---|---|---|---|---|---|",
        *rows,
        "",
    ])
    _atomic_write(out / "noise_scenarios.md", text)
    print(f"wrote {out / 'noise_scenarios.md'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
