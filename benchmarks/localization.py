"""The quantum-localization denoiser and QAB (issue 19) against qdn and the classical denoisers.

Methods (every blind one sets its parameters from the noisy data alone):

* ``localization``: :func:`qdn.localization.localization` (blind, mode-resolved; our reading of
  Hashemi et al. 2025), defaults (16x16 patches / 64-sample windows; ``hbar2m`` and the blur
  chosen per input by the blind SURE rule of :mod:`qdn.localization.physics`, reported in the
  ``physics`` column as ``p``/blur variance);
* ``localization, paper physics``: the same with the QAB group's fixed ``hbar2m`` and blur
  (images 3 and 7.5, signals 0.4 and 15): what the blind rule changes;
* ``QAB``: :func:`qdn.localization.qab`, the group's reconstruction with the smooth step chosen
  by SURE and the physics by the blind rule;
* ``QAB ORACLE``: :func:`qdn.localization.qab_oracle`, the step of each patch chosen against the
  clean data as the group's MATLAB code does, at their fixed physics -- NOT a denoiser, an upper
  bound of the QAB family;
* images: ``qdn cs16``, TV, NL-means, wavelet BayesShrink and BM3D (if installed) exactly as in
  ``benchmarks/images.py`` (loaded from it: same images, same noise, seed 7);
* signals: ``qdn`` (emulator, window 16) and ``wavelet`` BayesShrink (``qdn.denoise``).

Signals: ECG (PyWavelets) and the Blocks, Doppler, HeaviSine demo signals, 1024 samples, AWGN
15 dB (:func:`qdn.noise.awgn`), seeds 1..3, mean PSNR (data range of the clean signal).
Images: the four images of ``benchmarks/images.py`` (CT_small, MR_small, phantom, camera
256x256) under its AWGN 0.05 and 0.1, Poisson (peak 20 photons) and speckle 0.15 noise, seed 7;
PSNR and SSIM with data range 1. Poisson rows: every method runs on the Anscombe transform of
the counts (``2 sqrt(counts + 3/8)``, noise of unit variance, each method estimating it as it
does for AWGN), then the Mäkitalo–Foi unbiased inverse (:mod:`qdn.classical.anscombe`, what
``qdn.denoise(noise_model="poisson")`` does); QAB ORACLE compares against the transform of the
clean counts. Speckle rows: no transform, for any method (as in ``benchmarks/images.py``).
Time: wall seconds on this shared machine (other jobs were running: see the load averages in
the header); for the blind methods it includes the choice of the physics. A solver table times
``scipy.linalg.eigh`` against ``scipy.sparse.linalg.eigsh`` (shift-invert) for the lowest quarter
of a patch's modes, and a scale table times the 128x128 and 512x512 runs (peak memory through
``tracemalloc``). The figure ``localization_images.png`` shows crops of CT_small and MR_small.

Usage: ``python benchmarks/localization.py [--quick] [--out DIR]`` (full run: about half an hour
on 2 cores; ``--quick``: the centre 32x32 of MR_small with AWGN 0.1, 256 samples of ECG,
small sizes: seconds).
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from _common import Report, best_of, peak_memory  # noqa: E402

import qdn  # noqa: E402
from qdn.classical.metrics import psnr  # noqa: E402
from qdn.data import demo_signal, ecg  # noqa: E402
from qdn.classical.anscombe import anscombe, inverse_anscombe  # noqa: E402
from qdn.localization import blind_physics, localization, qab, qab_oracle  # noqa: E402
from qdn.localization.hamiltonian import hamiltonian  # noqa: E402
from qdn.localization.modes import eigenmodes  # noqa: E402
from qdn.localization.options import PAPER  # noqa: E402
from qdn.noise import awgn  # noqa: E402

IMAGE_COLUMNS = ["image", "noise", "method", "physics", "PSNR", "SSIM", "time_s"]
SIGNAL_COLUMNS = ["signal", "method", "physics", "PSNR_mean", "PSNR_min", "PSNR_max", "time_s"]
SOLVER_COLUMNS = ["patch", "modes", "eigh_s", "eigsh_s", "max_energy_diff"]
SCALE_COLUMNS = ["image", "method", "physics", "time_s", "peak_MiB"]
PAPER_ROW = "localization, paper physics"
OURS = ("localization", PAPER_ROW, "QAB", "QAB ORACLE")
IMAGE_BASELINES = ("qdn cs16", "TV (J-inv. calibrated)", "NLM (h=0.8 sigma)", "wavelet BayesShrink", "BM3D")
#: the images benchmark's noises run here (``benchmarks/images.py`` names)
IMAGE_NOISES = ("AWGN s=0.05", "AWGN s=0.1", "Poisson peak=20", "speckle s=0.15")
#: (image, noise) rows shown in the figure, and the crop of each image
FIGURE_ROWS = (("CT_small", "AWGN s=0.1"), ("MR_small", "AWGN s=0.1"), ("CT_small", "speckle s=0.15"))
CROPS = {"CT_small": (slice(24, 88), slice(32, 96)), "MR_small": (slice(0, 64), slice(0, 64))}


def _images_module():
    """benchmarks/images.py (not a package): its images, noises and baseline methods."""
    spec = importlib.util.spec_from_file_location("qdn_bench_images_for_localization", HERE / "images.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _timed(func, *args):
    t0 = time.perf_counter()
    out = np.asarray(func(*args), float)
    return out, time.perf_counter() - t0


def _label(hbar2m: float, blur: float) -> str:
    return f"p={hbar2m:g}, blur={blur:g}"


def blind_run(method: str, y: np.ndarray) -> tuple[np.ndarray, float, str]:
    """``localization(y)`` / ``qab(y)`` in two steps (the choice, then the run with it: the same
    output, tests/test_localization_physics.py), so the choice can be reported; both timed."""
    func = localization if method == "localization" else qab
    t0 = time.perf_counter()
    ph = blind_physics(y, method=method)
    out = np.asarray(func(y, hbar2m=ph.hbar2m, blur=ph.blur), float)
    return out, time.perf_counter() - t0, _label(ph.hbar2m, ph.blur)


def _image_methods(images, quick: bool) -> dict:
    """name -> ``(noisy, clean) -> (output, seconds, physics label)``."""
    paper = PAPER[2]
    table = {
        "localization": lambda y, c: blind_run("localization", y),
        PAPER_ROW: lambda y, c: (*_timed(lambda z: localization(z, hbar2m=paper[0], blur=paper[1]), y), _label(*paper)),
        "QAB": lambda y, c: blind_run("qab", y),
        "QAB ORACLE": lambda y, c: (*_timed(qab_oracle, y, c), _label(*paper)),
    }
    for name, func in images.methods(quick).items():
        if name in IMAGE_BASELINES:
            table[name] = lambda y, c, _f=func: (*_timed(_f, y), "")
    return table


def _one_case(table: dict, clean: np.ndarray, noise_name: str, noisy: np.ndarray) -> dict:
    """Every method on one noisy image: name -> (output, seconds, physics)."""
    if not noise_name.startswith("Poisson"):
        return {name: run(noisy, clean) for name, run in table.items()}
    peak = float(noise_name.split("=")[1])  # images.noises: peak photons at the clean maximum (1)
    ref = anscombe(clean * peak)
    runs = {}
    for name, run in table.items():
        t0 = time.perf_counter()
        z, _, label = run(anscombe(noisy * peak), ref)
        runs[name] = (inverse_anscombe(z) / peak, time.perf_counter() - t0, label)
    return runs


def image_rows(quick: bool) -> tuple[list[dict], dict]:
    """The images table and the outputs of :data:`FIGURE_ROWS` (for the figure)."""
    images = _images_module()
    table = _image_methods(images, quick)
    pictures = images.load_images(quick)
    if quick:  # a few seconds: the centre 32x32 of MR_small
        pictures = {"MR_small 32x32": pictures["MR_small"][16:48, 16:48]}
    kinds = ("AWGN s=0.1",) if quick else IMAGE_NOISES
    rows, shown = [], {}
    for name, clean in pictures.items():
        for noise_name, noisy in images.noises(clean, seed=7, quick=False).items():
            if noise_name not in kinds:
                continue
            runs = {"noisy": (noisy, 0.0, ""), **_one_case(table, clean, noise_name, noisy)}
            for method, (out, secs, label) in runs.items():
                rows.append({"image": name, "noise": noise_name, "method": method, "physics": label,
                             "PSNR": psnr(clean, out, data_range=1.0), "SSIM": images.ssim(clean, out), "time_s": secs})
            if (name, noise_name) in FIGURE_ROWS:
                shown[(name, noise_name)] = (clean, {m: runs[m][0] for m in ("noisy", "localization", "QAB", "NLM (h=0.8 sigma)")})
            print(f"  {name} / {noise_name}: done", flush=True)
    return rows, shown


def signal_rows(quick: bool) -> list[dict]:
    sigs = {"ECG[:256]": ecg()[:256]} if quick else {"ECG": ecg(), **{n: demo_signal(n, 1024) for n in ("Blocks", "Doppler", "HeaviSine")}}
    paper = PAPER[1]
    methods = {
        "localization": lambda y, c: blind_run("localization", y)[::2],
        PAPER_ROW: lambda y, c: (localization(y, hbar2m=paper[0], blur=paper[1]), _label(*paper)),
        "QAB": lambda y, c: blind_run("qab", y)[::2], "QAB ORACLE": lambda y, c: (qab_oracle(y, c), _label(*paper)),
        "qdn": lambda y, c: (qdn.denoise(y, 16, backend="emulator").denoised, ""),
        "wavelet BayesShrink": lambda y, c: (qdn.denoise(y, method="wavelet").denoised, ""),
        "noisy": lambda y, c: (y, ""),
    }
    rows = []
    for name, clean in sigs.items():
        for method, func in methods.items():
            scores, labels, secs = [], [], 0.0
            for seed in (1,) if quick else (1, 2, 3):
                noisy = awgn(clean, 15, seed=seed)
                t0 = time.perf_counter()
                out, label = func(noisy, clean)
                secs += time.perf_counter() - t0
                scores.append(psnr(clean, out))
                labels.append(label)
            rows.append({"signal": name, "method": method, "physics": "; ".join(dict.fromkeys(labels)),
                         "PSNR_mean": float(np.mean(scores)), "PSNR_min": min(scores), "PSNR_max": max(scores),
                         "time_s": secs / len(scores)})
    return rows


def solver_rows(quick: bool) -> list[dict]:
    rng = np.random.default_rng(0)
    rows = []
    for side in (8,) if quick else (8, 16, 32, 48):
        h = hamiltonian(rng.random((side, side)), 3.0)
        k = side * side // 4
        t_dense, dense = best_of(lambda: eigenmodes(h, k, solver="dense"), repeat=3)
        t_sparse, sparse = best_of(lambda: eigenmodes(h, k, solver="sparse"), repeat=3)
        rows.append({"patch": f"{side}x{side}", "modes": k, "eigh_s": t_dense, "eigsh_s": t_sparse,
                     "max_energy_diff": float(np.max(np.abs(dense.energies - sparse.energies)))})
    return rows


def scale_rows(quick: bool) -> list[dict]:
    from skimage import data, transform

    rows = []
    for side in (32,) if quick else (128, 512):
        img = transform.resize(data.camera().astype(float) / 255, (side, side), anti_aliasing=True)
        noisy = img + np.random.default_rng(7).normal(0, 0.1, img.shape)
        for method in ("localization", "qab"):
            if side > 128 and method == "qab":
                continue  # same cost as localization
            out, secs, label = blind_run(method, noisy)
            func = localization if method == "localization" else qab
            peak = peak_memory(lambda: func(noisy))
            rows.append({"image": f"camera {side}x{side}", "method": "QAB" if method == "qab" else method,
                         "physics": label, "time_s": secs, "peak_MiB": peak / 2**20,
                         "PSNR_noisy": psnr(img, noisy, data_range=1.0), "PSNR": psnr(img, out, data_range=1.0)})
    return rows


def _target(score: dict, noise: str) -> str:
    """The issue's targets for one (image, noise) row: AWGN against BayesShrink, TV, NLM - 1 dB;
    speckle against qdn cs16."""
    loc = score["localization"]
    if noise.startswith("AWGN"):
        checks = [("wavelet BayesShrink", 0.0), ("TV (J-inv. calibrated)", 0.0), ("NLM (h=0.8 sigma)", -1.0)]
    elif noise.startswith("speckle"):
        checks = [("qdn cs16", 0.0)]
    else:
        return ""
    parts = [f"{'met' if loc - score[m] >= margin else 'MISSED'} vs {m}{' - 1 dB' if margin else ''} "
             f"({loc - score[m]:+.2f} dB)" for m, margin in checks if m in score]
    return " Target: " + "; ".join(parts) + "."


def verdicts(rows: list[dict]) -> list[str]:
    """One line per (image, noise): where the blind localization method stands, and the targets."""
    lines = []
    for img, noise in dict.fromkeys((r["image"], r["noise"]) for r in rows):
        case = [r for r in rows if (r["image"], r["noise"]) == (img, noise)]
        score = {r["method"]: r["PSNR"] for r in case}
        physics = next(r["physics"] for r in case if r["method"] == "localization")
        others = ", ".join(f"{m} {score[m] - score['localization']:+.2f}" for m in score if m not in ("localization", "noisy"))
        lines.append(f"{img}, {noise}: localization {score['localization']:.2f} dB (blind {physics}); others relative "
                     f"to it: {others} dB.{_target(score, noise)}")
    return lines


def figure(shown: dict, out: Path) -> Path | None:
    """Crops of :data:`FIGURE_ROWS`: clean / noisy / localization / QAB / NLM, PSNR in each title."""
    if not shown:
        return None
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(len(shown), 5, figsize=(2.3 * 5, 2.9 * len(shown)), squeeze=False)
    for r, ((name, noise), (clean, outs)) in enumerate(shown.items()):
        crop = CROPS.get(name, (slice(None), slice(None)))
        for c, (title, im) in enumerate([("clean", clean), *outs.items()]):
            ax = axes[r, c]
            ax.imshow(np.clip(im[crop], 0, 1), cmap="gray", vmin=0, vmax=1, interpolation="nearest")
            ax.set_xticks([])
            ax.set_yticks([])
            label = f"{name}, {noise}\nclean (crop)" if c == 0 else f"{title}\n{psnr(clean, im, data_range=1.0):.2f} dB (whole image)"
            ax.set_title(label, fontsize=7.5)
    fig.suptitle("Blind localization and QAB (physics by SURE) against NL-means; crops, PSNR of the whole image",
                 fontsize=9)
    fig.tight_layout(rect=(0, 0, 1, 0.97))
    path = out / "localization_images.png"
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes (CI smoke)")
    parser.add_argument("--out", type=Path, default=None, help="output folder (default benchmarks/results)")
    args = parser.parse_args(argv)
    report = Report("localization", "Quantum localization and QAB denoising (issue 19)", argv, args.quick)
    report.table("solvers", "Eigen-solvers: lowest quarter of the modes of one 2-D patch", solver_rows(args.quick),
                 SOLVER_COLUMNS, "Best of 3 wall times; `eigh` is scipy.linalg.eigh(subset_by_index), `eigsh` "
                 "scipy.sparse.linalg.eigsh in shift-invert mode below the spectrum.")
    report.table("signals", "Signals, AWGN 15 dB (PSNR in dB over seeds 1..3)", signal_rows(args.quick), SIGNAL_COLUMNS,
                 "physics: the (hbar2m, blur variance) used, per seed where they differ (blind rule or the paper's).")
    rows, shown = image_rows(args.quick)
    report.table("images", "Images (PSNR dB, SSIM; QAB ORACLE sees the clean image)", rows, IMAGE_COLUMNS,
                 "Poisson rows: every method on the Anscombe transform, unbiased inverse (module docstring); "
                 "speckle: no transform. physics: the (hbar2m, blur variance) used.")
    report.table("scale", "Time and memory", scale_rows(args.quick), SCALE_COLUMNS + ["PSNR_noisy", "PSNR"],
                 "camera resized, AWGN sigma 0.1, seed 7; time of the blind call (choice of the physics included); "
                 "peak memory by tracemalloc (NumPy included) in a second, identical call.")
    for line in verdicts(rows):
        report.note(line)
    if args.out is not None or not args.quick:
        report.write(args.out)
        path = figure(shown, args.out if args.out is not None else HERE / "results")
        if path is not None:
            print(f"wrote {path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
