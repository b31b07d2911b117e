"""Reproduce the paper's experiments (Dutta et al. 2023, Fig. 1 and supplement Figs. 2-3).

Scenarios: (a) AWGN 15 dB, (b) quantum phase noise eps = 0.1 on a QFT + IQFT of the clean
state, (c) AWGN 15 dB + phase, (d) Poisson, (e) Poisson + phase, (f) bit-flip + phase. Every
method denoises the *same* noisy signal. Methods: qdn (exact schedule), the quantum baselines
QFT, Haar-QWT and Daubechies-4-QWT (``qwt-d4``) thresholding (all on the exact emulator, which the tests hold equal to the
circuits), and the classical fft-window (qdn's twin), wavelet BayesShrink / VisuShrink, Wiener
and Savitzky-Golay.

Parameter policy (one per table, stated in its title):
  auto    every method's own automatic rule (SURE, MAD noise estimate), never the clean signal;
  oracle  each method's main parameter swept against the clean signal (labelled "oracle").

    python benchmarks/paper.py            # full run (a few minutes on 2 cores)
    python benchmarks/paper.py --quick    # CI smoke run
    python benchmarks/paper.py --workers 2   # the same cases as Dask tasks (same rows; --scheduler ADDRESS for a cluster)
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import add_dask_args, dask_session, machine  # noqa: E402

import qdn
from qdn.classical import denoisers as classical
from qdn.data import demo_signal, ecg
from qdn.noise import awgn, poisson

RESULTS = Path(__file__).parent / "results"
PAPER = {  # the paper's own claims (its signals are not published)
    "phase": "qdn > QWT by more than 3.5 dB PSNR",
    "awgn+phase": "qdn > QWT by more than 2 dB PSNR",
    "bitflip+phase": "PSNR 19.77 (qdn) / 17.98 (QFT) / 17.46 (QWT) dB",
}
METHODS = ("qdn", "qdn-paper", "qft", "qwt", "qwt-d4", "fft-window", "wavelet-bayes", "wavelet-visu", "wiener", "savgol")
WINDOWED = ("qdn-paper", "fft-window")  # run at each window of the sweep; qdn chooses its own
COUNT_SCENARIOS = ("poisson",)  # qdn is told the data are counts (noise_model="poisson"); with phase noise they are not
POISSON_PEAK = 30.0  # photon counts at the signal's peak (the paper gives no level)
BITFLIP_P = 0.05  # per H gate; with 0.01 most runs of the 2n Hadamards see no flip at all


def pydicom_ecg_lead(n: int) -> np.ndarray:
    """Lead I of pydicom's bundled 12-lead ECG (10 000 samples at 1 kHz), first n samples."""
    import pydicom
    from pydicom.data import get_testdata_file

    ds = pydicom.dcmread(get_testdata_file("waveform_ecg.dcm"))
    return np.asarray(ds.waveform_array(0)[:n, 0], float)


def signals(n: int, quick: bool) -> dict[str, np.ndarray]:
    names = ["HeaviSine"] if quick else ["HeaviSine", "Doppler", "Bumps", "Blocks"]
    out = {name: demo_signal(name, n) for name in names}
    if not quick:
        out["ECG (pywt)"] = ecg()[:n] if n <= 1024 else None
        out["ECG (pydicom lead I)"] = pydicom_ecg_lead(n)
    return out


def _nonneg(x):
    return x - x.min()


def make_noisy(scenario: str, clean: np.ndarray, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """(reference clean signal, noisy signal) for one scenario; Poisson works on counts."""
    from qdn.noise import quantum as qn

    if scenario == "awgn":
        return clean, awgn(clean, 15.0, seed=seed)
    if scenario == "phase":
        return clean, qn.phase_noise_signal(clean, 0.1, seed=seed)
    if scenario == "awgn+phase":
        return clean, qn.awgn_phase(clean, 15.0, 0.1, seed=seed)
    counts = _nonneg(clean) * (POISSON_PEAK / np.ptp(clean))
    if scenario == "poisson":
        return counts, poisson(counts, scale=1.0, seed=seed)
    if scenario == "poisson+phase":
        return counts, qn.poisson_phase(counts, 1.0, 0.1, seed=seed)
    if scenario == "bitflip+phase":
        return clean, qn.bitflip_phase(clean, BITFLIP_P, 0.1, seed=seed)
    raise ValueError(scenario)


SCENARIOS = ("awgn", "phase", "awgn+phase", "poisson", "poisson+phase", "bitflip+phase")


def _run(method: str, noisy: np.ndarray, window: int, param=None, counts: bool = False) -> np.ndarray:
    if method == "qdn":  # the defaults: window and shifts chosen from the data
        return qdn.denoise(noisy, "auto" if param is None else param, backend="emulator",
                           noise_model="poisson" if counts else "gaussian").denoised
    if method == "qdn-paper":  # the paper's algorithm: one shift, a fixed window
        return qdn.denoise(noisy, window, shifts=1, threshold="auto" if param is None else param,
                           backend="emulator").denoised
    if method in ("qft", "qwt", "qwt-d4", "fft-window"):
        threshold = "auto" if param is None else param
        extra = {"method": "qwt", "wavelet": "db2"} if method == "qwt-d4" else {"method": method}
        return qdn.denoise(noisy, window, threshold=threshold, backend="emulator", **extra).denoised
    if method == "wavelet-bayes":
        return classical.wavelet(noisy, method="BayesShrink", sigma=None if param is None else param)
    if method == "wavelet-visu":
        return classical.wavelet(noisy, method="VisuShrink", sigma=None if param is None else param)
    if method == "wiener":
        return classical.wiener(noisy, size=5 if param is None else param)
    if method == "savgol":
        return classical.savgol(noisy, window_length=param)
    raise ValueError(method)


def oracle_grid(method: str, noisy: np.ndarray, window: int) -> list:
    n = noisy.size
    if method == "qdn":  # the window, cutoffs by SURE
        return [8, 16, 32, 64, 128]
    if method in ("qdn-paper", "fft-window"):
        return list(range(window // 2 + 1))
    if method == "qft":
        return sorted({int(x) for x in np.unique(np.geomspace(1, n // 2, 24).astype(int))} | {0})
    if method in ("qwt", "qwt-d4"):
        return list(range(1, int(np.log2(n)) + 1))
    if method.startswith("wavelet"):
        s = classical.mad_sigma(noisy)
        return [s * f for f in (0.25, 0.5, 0.75, 1, 1.5, 2, 3, 4)]
    if method == "wiener":
        return [3, 5, 7, 9, 13, 17, 25, 33]
    return [5, 7, 9, 11, 15, 21, 31, 41, 61, 81]


def denoise_with_policy(method, clean, noisy, window, policy, counts=False):
    if policy == "auto":
        return _run(method, noisy, window, counts=counts)
    best = max(oracle_grid(method, noisy, window),
               key=lambda prm: qdn.metrics.psnr(clean, _run(method, noisy, window, prm, counts)))
    return _run(method, noisy, window, best, counts)


@dataclass
class Row:
    signal: str
    n: int
    window: int
    scenario: str
    method: str
    seed: int
    psnr: float
    snr: float


def machine_header() -> str:
    return "Machine: " + "; ".join(f"{k} {v}" for k, v in machine().items())


def _case(case) -> list[tuple]:
    """The rows of one (signal, scenario, seed) case: an independent task (same seed wherever it runs)."""
    n, name, clean, scenario, seed, policy, windows = case
    ref, noisy = make_noisy(scenario, clean, seed)
    out = [(name, n, 0, scenario, "noisy", seed, qdn.metrics.psnr(ref, noisy), qdn.classical.metrics.snr(ref, noisy))]
    for method in METHODS:
        for window in (windows if method in WINDOWED else [0]):
            est = denoise_with_policy(method, ref, noisy, window or 16, policy, scenario in COUNT_SCENARIOS)
            out.append((name, n, window, scenario, method, seed, qdn.metrics.psnr(ref, est), qdn.classical.metrics.snr(ref, est)))
    return out


def run(quick: bool, policy: str, seeds: int, sizes, windows, client=None) -> list[Row]:
    """Every case of the sweep, serially or as Dask tasks on ``client`` (the same rows either way)."""
    from _common import map_cases

    jobs = [(n, name, clean) for n in sizes for name, clean in signals(n, quick).items() if clean is not None]
    cases = [(n, name, clean, scenario, seed, policy, list(windows))
             for n, name, clean in jobs for scenario in SCENARIOS for seed in range(seeds)]
    results = map_cases(_case, cases, client=client, desc=f"paper ({policy})")
    return [Row(*row) for rows in results for row in rows]


def _mean_std(vals):
    return f"{np.mean(vals):.2f} ± {np.std(vals):.2f}"


def summarise(rows: list[Row], policy: str, main_window: int) -> tuple[str, list[list[str]]]:
    label = "auto (each method's own rule)" if policy == "auto" else "ORACLE (parameters swept against the clean signal)"
    methods = ["noisy"] + list(METHODS)
    lines = [f"### PSNR (dB), mean ± std over signals, sizes and seeds — policy: {label}; qdn-paper/fft-window window "
             f"{main_window}; qdn: window and shifts chosen from the data (oracle: window swept)", ""]
    lines.append("| scenario | " + " | ".join(methods) + " |")
    lines.append("|---" * (len(methods) + 1) + "|")
    csv = [["policy", "scenario", "method", "window", "psnr_mean", "psnr_std", "snr_mean", "snr_std", "count"]]
    for scenario in SCENARIOS:
        cells = []
        for m in methods:
            sel = [r for r in rows if r.scenario == scenario and r.method == m and r.window in (0, main_window)]
            cells.append(_mean_std([r.psnr for r in sel]))
        lines.append(f"| {scenario} | " + " | ".join(cells) + " |")
    for scenario in SCENARIOS:
        for m in methods:
            for w in sorted({r.window for r in rows if r.method == m}):
                sel = [r for r in rows if r.scenario == scenario and r.method == m and r.window == w]
                if sel:
                    csv.append([policy, scenario, m, str(w), f"{np.mean([r.psnr for r in sel]):.3f}", f"{np.std([r.psnr for r in sel]):.3f}",
                                f"{np.mean([r.snr for r in sel]):.3f}", f"{np.std([r.snr for r in sel]):.3f}", str(len(sel))])
    return "\n".join(lines), csv


def window_table(rows: list[Row], windows) -> str:
    lines = ["### qdn-paper (shifts = 1) PSNR (dB) by window (auto policy)", "", "| scenario | " + " | ".join(f"M = {w}" for w in windows) + " |", "|---" * (len(windows) + 1) + "|"]
    for scenario in SCENARIOS:
        cells = [_mean_std([r.psnr for r in rows if r.scenario == scenario and r.method == "qdn-paper" and r.window == w]) for w in windows]
        lines.append(f"| {scenario} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def per_signal_gaps(rows: list[Row], window: int) -> str:
    """qdn minus the best other method, per signal and scenario (auto policy)."""
    lines = ["### qdn minus the best other method (PSNR dB, auto policy), per signal", ""]
    sigs = sorted({r.signal for r in rows})
    lines.append("| scenario | " + " | ".join(sigs) + " |")
    lines.append("|---" * (len(sigs) + 1) + "|")
    for scenario in SCENARIOS:
        cells = []
        for s in sigs:
            def mean_of(m, w=0):
                v = [r.psnr for r in rows if r.signal == s and r.scenario == scenario and r.method == m and r.window == w]
                return np.mean(v) if v else np.nan
            q = mean_of("qdn", 0)
            others = {m: mean_of(m, 0) for m in METHODS if m not in ("qdn", "qdn-paper", "fft-window")}
            best = max(others, key=others.get)
            cells.append(f"{q - others[best]:+.2f} (vs {best})")
        lines.append(f"| {scenario} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def paper_comparison(rows: list[Row], window: int) -> str:
    def mean(sc, m):
        return np.mean([r.psnr for r in rows if r.scenario == sc and r.method == m and r.window in (0, window)])

    lines = ["### Against the paper's figures (auto policy, our signals)", "", "| scenario | paper | ours |", "|---|---|---|"]
    for sc, claim in PAPER.items():
        ours = f"qdn {mean(sc, 'qdn'):.2f} / QFT {mean(sc, 'qft'):.2f} / QWT {mean(sc, 'qwt'):.2f} dB (qdn − QWT = {mean(sc, 'qdn') - mean(sc, 'qwt'):+.2f} dB)"
        lines.append(f"| {sc} | {claim} | {ours} |")
    return "\n".join(lines)


def _blocking_case(case) -> tuple[float, float]:
    m, clean, seed, window, edge = case
    noisy = awgn(clean, 15.0, seed=seed)
    err = (_run(m, noisy, window) - clean) ** 2
    return float(err[edge].mean()), float(err[~edge].mean())


def blocking(quick: bool, window: int, seeds: int, client=None) -> dict[str, float]:
    """Error at window edges vs inside, AWGN 15 dB: MSE on the first and last sample of each
    window divided by MSE on the others (1.0 = no blocking), over all signals and seeds."""
    from _common import map_cases

    n = 256 if quick else 1024
    edge = np.zeros(n, bool)
    edge[::window] = edge[window - 1 :: window] = True
    methods = ("qdn", "qdn-paper", "qft", "qwt", "wavelet-bayes", "savgol")
    cases = [(m, clean, seed, window, edge) for m in methods for clean in signals(n, quick).values()
             if clean is not None for seed in range(seeds)]
    errors = map_cases(_blocking_case, cases, client=client, desc="paper (blocking)")
    out = {}
    for m in methods:
        mine = [e for c, e in zip(cases, errors) if c[0] == m]
        out[m] = float(np.mean([e[0] for e in mine]) / np.mean([e[1] for e in mine]))
    return out


def lessons(rows: list[Row], block: dict[str, float], window: int) -> str:
    """The "what we learn" section and issue 17's targets, every number computed from this run."""
    def mean(sc, m, sig=None):
        return np.mean([r.psnr for r in rows if r.scenario == sc and r.method == m and r.window in (0, window)
                        and (sig is None or r.signal == sig)])

    classical = ["wavelet-bayes", "wavelet-visu", "wiener", "savgol"]
    quantum = ["qft", "qwt", "qwt-d4"]
    lines = ["## Targets (issue 17), qdn with its defaults", "",
             "| scenario | qdn − paper's qdn | qdn − best quantum baseline (needed) | qdn − wavelet BayesShrink | qdn − best classical |",
             "|---|---|---|---|---|"]
    for sc in SCENARIOS:
        bq = max(quantum, key=lambda m: mean(sc, m))
        bc = max(classical, key=lambda m: mean(sc, m))
        need = 1.5 if sc == "awgn" else 0.5
        lines.append(f"| {sc} | {mean(sc, 'qdn') - mean(sc, 'qdn-paper'):+.2f} | {mean(sc, 'qdn') - mean(sc, bq):+.2f} vs {bq} "
                     f"(>= +{need}) | {mean(sc, 'qdn') - mean(sc, 'wavelet-bayes'):+.2f} | "
                     f"{mean(sc, 'qdn') - mean(sc, bc):+.2f} vs {bc} |")
    sigs = sorted({r.signal for r in rows})
    best_on = {sg: max(classical + quantum, key=lambda m: mean("awgn", m, sg)) for sg in sigs}
    lines += [
        "", "## What we learn", "",
        "* **qdn with its defaults** is the cycle-spun per-window projection (`shifts` = window, every window position), "
        "the window chosen by Monte-Carlo SURE, and for counts the Anscombe transform with the Mäkitalo–Foi exact "
        "unbiased inverse. `qdn-paper` is the paper's algorithm (one shift, window 16); its output is exactly the "
        "classical per-window FFT projection (`fft-window`, identical figures).",
        f"* **Blocking.** Edge-to-interior MSE ratio at window {window} (AWGN): paper's qdn {block['qdn-paper']:.2f}x, "
        f"qdn {block['qdn']:.2f}x (no sample sits at a window edge in every shift), QFT {block['qft']:.2f}x, QWT "
        f"{block['qwt']:.2f}x, BayesShrink {block['wavelet-bayes']:.2f}x, Savitzky–Golay {block['savgol']:.2f}x.",
        "* Best other method under AWGN per signal (its margin over qdn): "
        + ", ".join(f"{sg}: {m} ({mean('awgn', m, sg) - mean('awgn', 'qdn', sg):+.2f} dB)" for sg, m in best_on.items()) + ".",
        "* **Quantum noise scenarios** (phase, bit flips): the noise of a QFT + IQFT spreads over all frequencies, "
        "which no low-pass — windowed or global — removes, and every method gains little (about 0.5–1 dB) there.",
    ]
    return "\n".join(lines)


def figures(out: Path, n: int, window: int) -> list[Path]:
    from matplotlib.figure import Figure

    paths = []
    clean = demo_signal("HeaviSine", n)
    for scenario in SCENARIOS:
        ref, noisy = make_noisy(scenario, clean, 0)
        shown = ["qdn", "qft", "qwt", "wavelet-bayes"]
        fig = Figure(figsize=(12, 2.2 * (len(shown) + 1)), layout="constrained")
        axes = fig.subplots(len(shown) + 1, 1, sharex=True)
        axes[0].plot(noisy, color="0.6", lw=0.7, label=f"noisy ({qdn.metrics.psnr(ref, noisy):.2f} dB)")
        axes[0].plot(ref, "k", lw=1, label="clean")
        for ax, m in zip(axes[1:], shown):
            est = _run(m, noisy, window)
            ax.plot(ref, "k", lw=0.8, alpha=0.6)
            ax.plot(est, "C3", lw=1, label=f"{m} ({qdn.metrics.psnr(ref, est):.2f} dB)")
        for ax in axes:
            ax.legend(loc="upper right", fontsize=8)
        axes[0].set_title(f"HeaviSine, N = {n}, scenario: {scenario} (seed 0, auto parameters)")
        path = out / f"paper_{scenario.replace('+', '_')}.png"
        fig.savefig(path, dpi=90)
        paths.append(path)
    return paths


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="tiny CI run")
    ap.add_argument("--seeds", type=int, default=None)
    ap.add_argument("--out", type=Path, default=RESULTS)
    add_dask_args(ap)
    args = ap.parse_args(argv)
    seeds = args.seeds or (2 if args.quick else 10)
    sizes = [256] if args.quick else [512, 1024]
    windows = [16] if args.quick else [8, 16, 32]
    main_window = 16
    args.out.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    with dask_session(args.workers, args.scheduler) as client:  # serial unless --workers/--scheduler
        rows_auto = run(args.quick, "auto", seeds, sizes, windows, client)
        rows_oracle = run(args.quick, "oracle", max(1, seeds // 5) if not args.quick else 1, sizes, [main_window], client)
        elapsed = time.perf_counter() - t0
        block = blocking(args.quick, main_window, seeds, client)
    auto_md, csv_auto = summarise(rows_auto, "auto", main_window)
    oracle_md, csv_oracle = summarise(rows_oracle, "oracle", main_window)
    figs = figures(args.out, sizes[-1], main_window)
    md = [
        "# The paper's experiments, reproduced",
        "",
        machine_header(),
        f"Run: `python benchmarks/paper.py{' --quick' if args.quick else ''}{f' --seeds {seeds}' if args.seeds else ''}` "
        f"— {elapsed:.0f} s; signals "
        f"{', '.join(sorted({r.signal for r in rows_auto}))}; N = {sizes}; windows {windows}; {seeds} noise seeds "
        f"(oracle table: {max(1, seeds // 5) if not args.quick else 1}). All quantum methods on the exact emulator.",
        f"Noise: AWGN 15 dB; phase noise eps = 0.1 on a QFT + IQFT of the signal's state (one realisation); Poisson with "
        f"{POISSON_PEAK:g} counts at the peak (PSNR against the clean counts); bit flips p = {BITFLIP_P} after each H of the QFT/IQFT.",
        "",
        auto_md,
        "",
        window_table(rows_auto, windows),
        "",
        per_signal_gaps(rows_auto, main_window),
        "",
        paper_comparison(rows_auto, main_window),
        "",
        oracle_md,
        "",
        "Figures: " + ", ".join(f"`{p.name}`" for p in figs),
        "",
        lessons(rows_auto, block, main_window),
        "",
    ]
    (args.out / "paper.md").write_text("\n".join(md))
    with open(args.out / "paper.csv", "w") as fh:
        for line in csv_auto + csv_oracle[1:]:
            fh.write(",".join(line) + "\n")
    print("\n".join(md))
    return 0


if __name__ == "__main__":
    sys.exit(main())
