"""Quantum imaging with entangled photons, simulated, and what the denoisers make of it.

What is simulated how (qdn.imaging):

* N00N / GHZ phase estimation: **Qiskit circuits** (GHZ preparation, P(phi) on every qubit,
  parity readout) sampled on Aer's SamplerV2, ideal and with depolarising CX noise plus readout
  error (an Aer noise model), N = 1..8, and on FakeManilaV2's noise model (5 qubits, N = 1..5). Per N: the fringe from 64 phases x 2000 shots
  (fitted: period, visibility V), then 200 estimates at mid-fringe from `shots` shots each;
  their RMS error against the shot-noise limit 1/sqrt(N shots), the Heisenberg limit
  1/(N sqrt(shots)) and the Cramer-Rao bound of the measured fringe (Fisher information N^2 V^2).
* Entangled-pair focusing, ghost imaging, twin beams: **classical simulations of photon
  statistics**. Focusing: the Shepp-Logan phantom and pydicom's CT_small (128x128, [0, 1])
  scanned through the PSF of one photon (|h|^2, Airy pupil, lambda 0.8 um, NA 0.5, pixel
  0.1 um: FWHM 8.2 pixels), classical two-photon absorption (|h|^4) and entangled pairs
  (|h_{lambda/2}|^2), with Poisson counting at a budget of detected events (a pair counts once).
  Ghost imaging on the same objects: differential ghost imaging with pixel-sized pseudo-thermal
  speckle and computational ghost imaging with all 16384 Hadamard masks, the budget being the
  bucket's expected counts. Twin beams: N_obj / N_ref against N_obj alone.
* Every picture goes through qdn (exact emulator, 8x8 patches, SURE), the classical
  fft-window twin, the 2-D QFT baseline and scikit-image's wavelet (BayesShrink) and TV
  (:mod:`qdn.api.imaging`); PSNR and SSIM against the object, resolution as the FWHM of the
  line-spread function of an edge target imaged the same way (64x64, same photons per pixel).
  The localization method (issue 19), where :data:`qdn.api.signal.METHODS` has it, is too slow
  for 128x128 here and runs in a separate 32x32 table with every other denoiser.

Usage: ``python benchmarks/imaging.py [--quick] [--out DIR]`` writes ``imaging.md``, its CSV
tables and ``imaging_noon.png``, ``imaging_pictures.png`` (default benchmarks/results; a
``--quick`` run writes only where ``--out`` says).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))
from _common import RESULTS, Report  # noqa: E402

from qdn.api.imaging import IMAGE_DENOISERS, denoise_picture, picture_metrics  # noqa: E402
from qdn.imaging import edge_fwhm, edge_target, ghost_image, phantom, psf_image, twin_beam  # noqa: E402
from qdn.imaging.figures import image_grid, noon_figure  # noqa: E402
from qdn.imaging.noon import aer_noise_model, phase_study  # noqa: E402

OPTICS = dict(wavelength=0.8, pixel_size=0.1, na=0.5)
NOON_COLUMNS = ["noise", "N", "V", "1/sqrt(N)", "rmse", "shot_noise", "heisenberg", "cramer_rao", "fisher",
                "N2V2", "beats_shot_noise", "seconds"]
PICTURE_COLUMNS = ["object", "illumination", "photons", "denoiser", "psnr", "ssim", "edge_fwhm_px", "seconds"]
#: Denoisers too slow for the 128x128 sweeps (minutes per picture here): run on 32x32 only.
SLOW_DENOISERS = ("localization",)
SMALL_COLUMNS = ["illumination", "photons", "denoiser", "psnr", "ssim", "psnr_vs_blurred", "seconds"]
GHOST_COLUMNS = ["method", "patterns", "photons", "psnr", "ssim", "psnr_qdn", "ssim_qdn", "seconds"]
TWIN_COLUMNS = ["efficiency", "mean_photons", "sigma", "1-eta", "rmse_ratio", "rmse_direct", "psnr_ratio",
                "psnr_ratio_qdn", "psnr_direct", "psnr_direct_qdn"]


def noon_rows(quick: bool) -> tuple[list[dict], dict]:
    ns = [1, 2, 4] if quick else list(range(1, 9))
    kw = dict(shots=200, repeats=40, fringe_points=24, fringe_shots=400) if quick else \
        dict(shots=1000, repeats=200, fringe_points=64, fringe_shots=2000)
    noises = {"ideal": None, "cx 0.05, readout 0.01": aer_noise_model(0.05, readout_error=0.01)}
    if not quick:
        noises["cx 0.15, readout 0.02"] = aer_noise_model(0.15, readout_error=0.02)
    runs = {label: {"noise_model": model} for label, model in noises.items()}
    try:
        from qiskit_ibm_runtime.fake_provider import FakeManilaV2
    except ImportError:  # optional (the "ibm" extra): no device rows
        FakeManilaV2 = None
    if not quick and FakeManilaV2 is not None:
        runs["FakeManilaV2 (device noise model)"] = {"backend": FakeManilaV2()}
    rows, studies = [], {}
    for label, run in runs.items():
        studies[label] = []
        for n in ns if "backend" not in run else [k for k in ns if k <= 5]:
            t0 = time.perf_counter()
            s = phase_study(n, seed=100 + n, **run, **kw)
            studies[label].append(s)
            rows.append({"noise": label, "N": n, "V": s.visibility, "1/sqrt(N)": 1 / np.sqrt(n), "rmse": s.rmse,
                         "shot_noise": s.shot_noise, "heisenberg": s.heisenberg, "cramer_rao": s.cramer_rao,
                         "fisher": s.fisher, "N2V2": n**2 * s.visibility**2, "beats_shot_noise": s.beats_shot_noise,
                         "seconds": time.perf_counter() - t0})
    return rows, studies


def illuminations(obj: np.ndarray, photons: float | None, seed: int) -> dict[str, np.ndarray]:
    """The pictures of ``obj`` at ``photons`` detected events (None: noise-free), one per illumination."""
    out = {kind: psf_image(obj, kind, photons=photons, seed=seed, **OPTICS).image
           for kind in ("single", "two-photon-absorption", "entangled")}
    k = obj.size
    out["ghost DGI (speckle)"] = ghost_image(obj, n_patterns=k, photons=photons, differential=True, seed=seed)
    out["ghost Hadamard (all)"] = ghost_image(obj, patterns="hadamard", n_patterns=k, photons=photons, seed=seed)
    return out


def _edge_widths(photons_per_pixel: float | None, denoisers: list[str], seed: int) -> dict[tuple[str, str], float]:
    edge = edge_target(64)
    widths = {}
    photons = None if photons_per_pixel is None else photons_per_pixel * edge.size
    for name, img in illuminations(edge, photons, seed).items():
        widths[(name, "none")] = edge_fwhm(img)
        for d in denoisers:
            widths[(name, d)] = edge_fwhm(denoise_picture(img, d))
    return widths


def _shown_budget(illumination: str, quick: bool) -> float:
    """The budget of the pictures in the figure: 1e6 events for the PSF images, 1e9 for ghost
    imaging (far fewer photons per pixel per pattern: 1e6 leaves only noise)."""
    if quick:
        return 3e4
    return 1e9 if illumination.startswith("ghost") else 1e6


def picture_rows(quick: bool) -> tuple[list[dict], dict]:
    objects = {"shepp-logan": phantom("shepp-logan", 64 if quick else 128)}
    if not quick:
        objects["ct"] = phantom("ct", 128)
    budgets = [3e4] if quick else [1e5, 1e6, 1e7, 1e9, None]
    denoisers = ["qdn", "wavelet"] if quick else [d for d in IMAGE_DENOISERS if d not in SLOW_DENOISERS]
    rows, shown = [], {}
    for oname, obj in objects.items():
        for photons in budgets:
            per_pixel = None if photons is None else photons / obj.size
            widths = _edge_widths(per_pixel, denoisers, seed=1) if oname == "shepp-logan" else {}
            for ill, img in illuminations(obj, photons, seed=2).items():
                for d in ["none", *denoisers]:
                    t0 = time.perf_counter()
                    out = img if d == "none" else denoise_picture(img, d)
                    secs = time.perf_counter() - t0
                    rows.append({"object": oname, "illumination": ill, "photons": photons or "noise-free", "denoiser": d,
                                 **picture_metrics(obj, out), "edge_fwhm_px": widths.get((ill, d)), "seconds": secs})
                    if oname == "shepp-logan" and d in ("none", "qdn") and photons == _shown_budget(ill, quick):
                        shown[f"{ill}, {d}, {photons:.0e}"] = out
            shown.setdefault("object", obj)
    return rows, shown


def small_rows(quick: bool) -> list[dict]:
    """Every denoiser, the slow ones included, on 32x32 Shepp-Logan pictures at 10 events per
    pixel; PSNR against the object and against the noise-free picture (the noise alone)."""
    obj = phantom("shepp-logan", 32)
    denoisers = ["qdn", "wavelet"] if quick else list(IMAGE_DENOISERS)
    clean = {k: psf_image(obj, k, photons=None, **OPTICS).image for k in ("single", "two-photon-absorption", "entangled")}
    rows = []
    for ill, img in illuminations(obj, 10.0 * obj.size, seed=5).items():
        reference = clean.get(ill, obj)
        for d in ["none", *denoisers]:
            t0 = time.perf_counter()
            out = img if d == "none" else denoise_picture(img, d)
            secs = time.perf_counter() - t0
            rows.append({"illumination": ill, "photons": 10.0 * obj.size, "denoiser": d, **picture_metrics(obj, out),
                         "psnr_vs_blurred": picture_metrics(reference, out)["psnr"], "seconds": secs})
    return rows


def ghost_rows(quick: bool) -> list[dict]:
    """Image quality against the number of patterns (32x32 Shepp-Logan), noise-free and with a
    bucket budget of 1e6 counts, before and after qdn."""
    obj = phantom("shepp-logan", 16 if quick else 32)
    counts = [64, 256] if quick else [64, 256, 1024, 4096, 16384]
    methods = {"GI (speckle)": dict(patterns="speckle"), "DGI (speckle)": dict(patterns="speckle", differential=True),
               "Hadamard": dict(patterns="hadamard")}
    rows = []
    for name, kw in methods.items():
        for k in counts:
            if kw["patterns"] == "hadamard" and k > obj.size:
                continue
            for photons in (None, 1e6):
                t0 = time.perf_counter()
                img = ghost_image(obj, n_patterns=k, photons=photons, seed=4, **kw)
                secs = time.perf_counter() - t0
                raw, den = picture_metrics(obj, img), picture_metrics(obj, denoise_picture(img, "qdn"))
                rows.append({"method": name, "patterns": k, "photons": photons or "noise-free", "psnr": raw["psnr"],
                             "ssim": raw["ssim"], "psnr_qdn": den["psnr"], "ssim_qdn": den["ssim"], "seconds": secs})
    return rows


def twin_rows(quick: bool) -> list[dict]:
    obj = phantom("shepp-logan", 64 if quick else 128)
    rows = []
    for eta in ([0.5, 0.9] if quick else [0.3, 0.5, 0.7, 0.9, 0.99]):
        for mu in ([20] if quick else [10, 100]):
            r = twin_beam(obj, mean_photons=mu, efficiency=eta, seed=3)
            rows.append({
                "efficiency": eta, "mean_photons": mu, "sigma": r.noise_reduction, "1-eta": 1 - eta,
                "rmse_ratio": float(np.sqrt(np.mean((r.image - obj) ** 2))),
                "rmse_direct": float(np.sqrt(np.mean((r.direct - obj) ** 2))),
                "psnr_ratio": picture_metrics(obj, r.image)["psnr"],
                "psnr_ratio_qdn": picture_metrics(obj, denoise_picture(r.image, "qdn"))["psnr"],
                "psnr_direct": picture_metrics(obj, r.direct)["psnr"],
                "psnr_direct_qdn": picture_metrics(obj, denoise_picture(r.direct, "qdn"))["psnr"],
            })
    return rows


def _write_figure(fig, path: Path) -> None:
    from qdn.io.atomic import atomic_write_bytes
    from qdn.plot import figure_bytes

    atomic_write_bytes(path, figure_bytes(fig, "png", dpi=100), force=True)


def _summary(picture: list[dict]) -> str:
    best = {}
    for r in picture:
        key = (r["object"], r["photons"], r["illumination"])
        if r["denoiser"] != "none" and r["psnr"] > best.get(key, ("", -np.inf))[1]:
            best[key] = (r["denoiser"], r["psnr"])
    lines = []
    for (obj, photons, ill), (d, p) in best.items():
        raw = next(r["psnr"] for r in picture if (r["object"], r["photons"], r["illumination"], r["denoiser"])
                   == (obj, photons, ill, "none"))
        budget = f"{photons:.0e} events" if isinstance(photons, float) else photons
        lines.append(f"{obj}, {budget}, {ill}: raw {raw:.2f} dB, best {d} {p:.2f} dB")
    return "; ".join(lines)


def _rate_note(picture: list[dict]) -> str:
    """Entangled pairs at 100x fewer events than single photons (SPDC rates are low)."""
    def get(ill, photons):
        return next((r for r in picture if (r["object"], r["illumination"], r["photons"], r["denoiser"])
                     == ("shepp-logan", ill, photons, "none")), None)

    ent, single = get("entangled", 1e5), get("single", 1e7)
    if ent is None or single is None:
        return "Rate note: needs the full run (budgets 1e5 and 1e7)."
    return (f"At equal detected events the entangled pair wins on resolution and PSNR; with 100x fewer events "
            f"(entangled 1e5 against single photons 1e7, Shepp-Logan): PSNR {ent['psnr']:.2f} vs {single['psnr']:.2f} dB, "
            f"SSIM {ent['ssim']:.3f} vs {single['ssim']:.3f}, edge FWHM {ent['edge_fwhm_px']:.2f} vs "
            f"{single['edge_fwhm_px']:.2f} px.")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="small sizes (smoke run); writes only with --out")
    ap.add_argument("--out", type=Path, default=None, help="results folder (default benchmarks/results)")
    args = ap.parse_args(argv)
    out = args.out if args.out is not None else (None if args.quick else RESULTS)
    report = Report("imaging", "Quantum imaging with entangled photons, simulated, then denoised", argv, args.quick)
    noon, studies = noon_rows(args.quick)
    report.table("noon", "N00N phase estimation (Qiskit circuits on Aer)", noon, NOON_COLUMNS,
                 "Parity readout; 'beats_shot_noise' compares the measured RMS phase error with 1/sqrt(N shots). "
                 "An advantage needs V > 1/sqrt(N) (Okamoto et al. 2008). At N = 1 both limits coincide: a 'yes' there "
                 "is sampling fluctuation (the RMS over 200 repeats is uncertain by about 5 %).")
    picture, shown = picture_rows(args.quick)
    report.table("pictures", "Pictures vs photon budget, before and after denoising (classical photon statistics)",
                 picture, PICTURE_COLUMNS,
                 "PSNR/SSIM against the object itself (blur counts as error). edge_fwhm_px: FWHM of the line-spread "
                 "function of a 64x64 edge target at the same photons per pixel (shepp-logan rows only).")
    report.table("small", "All denoisers on 32x32 pictures (10 events per pixel)", small_rows(args.quick),
                 SMALL_COLUMNS, "psnr_vs_blurred: against the noise-free picture of the same illumination (the "
                 "object itself for ghost imaging), i.e. the noise alone. The localization method (issue 19), when "
                 "registered in qdn.api.signal.METHODS, runs here only: minutes per 128x128 picture on this machine.")
    report.table("ghost", "Ghost imaging: quality against the number of patterns", ghost_rows(args.quick),
                 GHOST_COLUMNS, "Shepp-Logan, 32x32 (16x16 quick); photons: expected bucket counts over all patterns.")
    report.table("twin", "Twin beams: N_obj / N_ref against N_obj alone", twin_rows(args.quick), TWIN_COLUMNS,
                 "sigma: noise-reduction factor of a blank frame, expected 1 - eta.")
    report.note(_rate_note(picture), echo=False)
    report.note("Best denoiser per case: " + _summary(picture), echo=False)
    if out is not None:
        report.write(out)
        _write_figure(noon_figure(studies, title="N00N phase estimation on Aer (parity readout)"), out / "imaging_noon.png")
        _write_figure(image_grid(list(shown.items()), ncols=4, title="Shepp-Logan 128x128: raw pictures and "
                                 "qdn-denoised (budget in detected events)"), out / "imaging_pictures.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
