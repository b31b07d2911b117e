"""The quantum-localization denoiser and QAB (issue 19) against qdn and the classical denoisers.

Methods (every blind one sets its parameters from the noisy data alone):

* ``localization``: :func:`qdn.localization.localization` (blind, mode-resolved; our reading of
  Hashemi et al. 2025), defaults (16x16 patches / 64-sample windows, the QAB group's physics);
* ``QAB``: :func:`qdn.localization.qab`, the group's reconstruction with the smooth step chosen
  by SURE (blind);
* ``QAB ORACLE``: :func:`qdn.localization.qab_oracle`, the step of each patch chosen against the
  clean data as the group's MATLAB code does -- NOT a denoiser, an upper bound of the QAB family;
* images: ``qdn cs16``, TV, NL-means, wavelet BayesShrink and BM3D (if installed) exactly as in
  ``benchmarks/images.py`` (loaded from it: same images, same noise, seed 7);
* signals: ``qdn`` (emulator, window 16) and ``wavelet`` BayesShrink (``qdn.denoise``).

Signals: ECG (PyWavelets) and the Blocks, Doppler, HeaviSine demo signals, 1024 samples, AWGN
15 dB (:func:`qdn.noise.awgn`), seeds 1..3, mean PSNR (data range of the clean signal).
Images: PSNR and SSIM with data range 1. Time: wall seconds on this shared machine (other
jobs were running: see the load averages in the header). A solver table times ``scipy.linalg.eigh``
against ``scipy.sparse.linalg.eigsh`` (shift-invert) for the lowest quarter of a patch's modes,
and a scale table times the 128x128 and 512x512 runs (peak memory through ``tracemalloc``).

Usage: ``python benchmarks/localization.py [--quick] [--large] [--out DIR]`` (full run: tens of minutes
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
from qdn.localization import localization, qab, qab_oracle  # noqa: E402
from qdn.localization.hamiltonian import hamiltonian  # noqa: E402
from qdn.localization.modes import eigenmodes  # noqa: E402
from qdn.noise import awgn  # noqa: E402

IMAGE_COLUMNS = ["image", "noise", "method", "PSNR", "SSIM", "time_s"]
SIGNAL_COLUMNS = ["signal", "method", "PSNR_mean", "PSNR_min", "PSNR_max", "time_s"]
SOLVER_COLUMNS = ["patch", "modes", "eigh_s", "eigsh_s", "max_energy_diff"]
SCALE_COLUMNS = ["image", "method", "time_s", "peak_MiB"]
OURS = ("localization", "QAB", "QAB ORACLE")
IMAGE_BASELINES = ("qdn cs16", "TV (J-inv. calibrated)", "NLM (h=0.8 sigma)", "wavelet BayesShrink", "BM3D")


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


def image_rows(quick: bool) -> list[dict]:
    images = _images_module()
    baselines = {k: v for k, v in images.methods(quick).items() if k in IMAGE_BASELINES}
    pictures = images.load_images(quick)
    if quick:  # a few seconds: the centre 32x32 of MR_small
        pictures = {"MR_small 32x32": pictures["MR_small"][16:48, 16:48]}
    else:
        pictures.pop("camera")  # 256x256: minutes per method here; the scale table runs a 512x512 once
    kinds = ("AWGN s=0.1",) if quick else ("AWGN s=0.05", "AWGN s=0.1", "speckle s=0.15")
    rows = []
    for name, clean in pictures.items():
        for noise_name, noisy in images.noises(clean, seed=7, quick=False).items():
            if noise_name not in kinds:
                continue
            runs = {"noisy": (noisy, 0.0), "localization": _timed(localization, noisy), "QAB": _timed(qab, noisy),
                    "QAB ORACLE": _timed(qab_oracle, noisy, clean)}
            runs.update({m: _timed(f, noisy) for m, f in baselines.items()})
            for method, (out, secs) in runs.items():
                rows.append({"image": name, "noise": noise_name, "method": method,
                             "PSNR": psnr(clean, out, data_range=1.0), "SSIM": images.ssim(clean, out), "time_s": secs})
    return rows


def signal_rows(quick: bool) -> list[dict]:
    sigs = {"ECG[:256]": ecg()[:256]} if quick else {"ECG": ecg(), **{n: demo_signal(n, 1024) for n in ("Blocks", "Doppler", "HeaviSine")}}
    methods = {
        "localization": lambda y, c: localization(y), "QAB": lambda y, c: qab(y),
        "QAB ORACLE": lambda y, c: qab_oracle(y, c),
        "qdn": lambda y, c: qdn.denoise(y, 16, backend="emulator").denoised,
        "wavelet BayesShrink": lambda y, c: qdn.denoise(y, method="wavelet").denoised,
        "noisy": lambda y, c: y,
    }
    rows = []
    for name, clean in sigs.items():
        for method, func in methods.items():
            scores, secs = [], 0.0
            for seed in (1,) if quick else (1, 2, 3):
                noisy = awgn(clean, 15, seed=seed)
                t0 = time.perf_counter()
                scores.append(psnr(clean, func(noisy, clean)))
                secs += time.perf_counter() - t0
            rows.append({"signal": name, "method": method, "PSNR_mean": float(np.mean(scores)),
                         "PSNR_min": min(scores), "PSNR_max": max(scores), "time_s": secs / len(scores)})
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


def scale_rows(quick: bool, large: bool) -> list[dict]:
    from skimage import data, transform

    sides = (32,) if quick else ((128, 512) if large else (128,))
    rows = []
    for side in sides:
        img = transform.resize(data.camera().astype(float) / 255, (side, side), anti_aliasing=True)
        noisy = img + np.random.default_rng(7).normal(0, 0.1, img.shape)
        for method, func in (("localization", localization), ("QAB", qab)):
            if side > 128 and method == "QAB":
                continue  # same cost as localization
            _, secs = _timed(func, noisy)
            peak = peak_memory(lambda: func(noisy)) if side <= 128 else None
            rows.append({"image": f"camera {side}x{side}", "method": method, "time_s": secs,
                         "peak_MiB": None if peak is None else peak / 2**20})
    return rows


def verdicts(rows: list[dict]) -> list[str]:
    """One line per (image, noise): where the blind localization method stands."""
    lines = []
    for img, noise in dict.fromkeys((r["image"], r["noise"]) for r in rows):
        score = {r["method"]: r["PSNR"] for r in rows if (r["image"], r["noise"]) == (img, noise)}
        others = ", ".join(f"{m} {score[m] - score['localization']:+.2f}" for m in score if m not in ("localization", "noisy"))
        lines.append(f"{img}, {noise}: localization {score['localization']:.2f} dB; others relative to it: {others} dB.")
    return lines


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes (CI smoke)")
    parser.add_argument("--out", type=Path, default=None, help="output folder (default benchmarks/results)")
    parser.add_argument("--large", action="store_true", help="also time a 512x512 image (minutes)")
    args = parser.parse_args(argv)
    report = Report("localization", "Quantum localization and QAB denoising (issue 19)", argv, args.quick)
    report.table("solvers", "Eigen-solvers: lowest quarter of the modes of one 2-D patch", solver_rows(args.quick),
                 SOLVER_COLUMNS, "Best of 3 wall times; `eigh` is scipy.linalg.eigh(subset_by_index), `eigsh` "
                 "scipy.sparse.linalg.eigsh in shift-invert mode below the spectrum.")
    report.table("signals", "Signals, AWGN 15 dB (PSNR in dB over seeds 1..3)", signal_rows(args.quick), SIGNAL_COLUMNS)
    rows = image_rows(args.quick)
    report.table("images", "Images (PSNR dB, SSIM; QAB ORACLE sees the clean image)", rows, IMAGE_COLUMNS)
    report.table("scale", "Time and memory", scale_rows(args.quick, args.large), SCALE_COLUMNS,
                 "camera resized, AWGN sigma 0.1; peak memory by tracemalloc (NumPy included), 128x128 only.")
    for line in verdicts(rows):
        report.note(line)
    if args.out is not None or not args.quick:
        report.write(args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
