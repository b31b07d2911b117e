"""Command line of the quantum-imaging simulations: ``qdn imaging {noon,psf,ghost,twin}``.

Registered by :mod:`qdn.cli.main` through :func:`add_subcommands`; :func:`run` executes a parsed
command (inside ``main``'s error handling: exit 2 for bad arguments or outputs, 1 for a runtime
failure). ``noon`` runs Qiskit circuits (Aer, optionally noisy, or a fake IBM device);
``psf``, ``ghost`` and ``twin`` are classical simulations of photon statistics
(:mod:`qdn.imaging`). The pictures are written as PNG (clipped to [0, 1], 8-bit), TIFF, NPY
(the values) or DICOM (16-bit with a rescale, on pydicom's CT_small header, de-identified);
``--denoise METHOD`` writes the denoised picture instead (:mod:`qdn.api.imaging`). Every output
is checked before any work and all are written together at the end (:mod:`qdn.cli.files`).
"""

from __future__ import annotations

import argparse

import numpy as np

from .args import positive_int
from .files import check_distinct, check_figure, check_output, figure_write, write_all

__all__ = ["add_subcommands", "run", "COMMANDS", "TABLE_OUTPUTS"]

COMMANDS = ("noon", "psf", "ghost", "twin")
#: Output suffixes of ``qdn imaging noon``'s table.
TABLE_OUTPUTS = (".csv", ".npy")
NOON_COLUMNS = ("N", "visibility", "rmse", "shot_noise", "heisenberg", "cramer_rao", "fisher")


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive number, got {text!r}") from None
    if not np.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"expected a positive number, got {text!r}")
    return value


def _unit_interval(text: str) -> float:
    """A probability in [0, 1]."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number in [0, 1], got {text!r}") from None
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"expected a number in [0, 1], got {text!r}")
    return value


def _efficiency(text: str) -> float:
    value = _unit_interval(text)
    if value == 0.0:
        raise argparse.ArgumentTypeError("efficiency must lie in (0, 1], got 0")
    return value


def _picture_args(p: argparse.ArgumentParser, size: int) -> None:
    from ..api.imaging import IMAGE_DENOISERS
    from ..imaging.phantoms import PHANTOMS

    p.add_argument("--phantom", choices=list(PHANTOMS), default="shepp-logan", help="object (default shepp-logan)")
    p.add_argument("--size", type=positive_int, default=size, help=f"object side in pixels (default {size})")
    p.add_argument("--denoise", choices=list(IMAGE_DENOISERS), default=None,
                   help="write the picture denoised by this method (default: the raw picture)")
    p.add_argument("--seed", type=int, default=0, help="seed of the photon counting (default 0)")
    p.add_argument("-o", "--output", required=True, help="picture file: .png (clipped to [0, 1]), .tif, .npy, .dcm")
    p.add_argument("--plot", help="figure: object, raw picture (and denoised); the suffix names the format")
    p.add_argument("--force", action="store_true", help="overwrite existing output files")


def add_subcommands(subparsers) -> None:
    """Add ``imaging`` with ``noon``, ``psf``, ``ghost`` and ``twin`` to the ``qdn`` sub-parsers."""
    im = subparsers.add_parser("imaging", help="simulated quantum imaging: N00N circuits, PSFs, ghost imaging, twin beams")
    sub = im.add_subparsers(dest="imaging_command", required=True)
    n = sub.add_parser("noon", help="N00N/GHZ phase estimation as Qiskit circuits on Aer (optionally noisy)")
    n.add_argument("--max-n", type=positive_int, default=8, help="N = 1 .. MAX_N photons/qubits (default 8)")
    n.add_argument("--shots", type=positive_int, default=1000, help="shots per phase estimate (default 1000)")
    n.add_argument("--repeats", type=positive_int, default=100, help="repeated estimates per N (default 100, >= 2)")
    n.add_argument("--cx-error", type=_unit_interval, default=0.0, help="depolarising error per CX (default 0)")
    n.add_argument("--readout-error", type=_unit_interval, default=0.0, help="readout bit-flip probability (default 0)")
    n.add_argument("--backend", default=None, help="a fake IBM device (e.g. fake_manila) instead of Aer's noise model")
    n.add_argument("--seed", type=int, default=0, help="sampler seed (default 0)")
    n.add_argument("-o", "--output", help="table (.csv or .npy): " + ", ".join(NOON_COLUMNS))
    n.add_argument("--plot", help="figure: fringes and phase error against N")
    n.add_argument("--force", action="store_true", help="overwrite existing output files")
    p = sub.add_parser("psf", help="scan a phantom through a one-photon, two-photon-absorption or entangled-pair PSF")
    p.add_argument("--kind", choices=["single", "two-photon-absorption", "entangled"], default="entangled")
    p.add_argument("--photons", type=_positive_float, default=None, help="detected events in the image (default: noise-free)")
    p.add_argument("--wavelength", type=_positive_float, default=0.8, help="one photon's wavelength, um (default 0.8)")
    p.add_argument("--pixel-size", type=_positive_float, default=0.1, help="pixel size, um (default 0.1)")
    p.add_argument("--na", type=_positive_float, default=0.5, help="numerical aperture (default 0.5)")
    p.add_argument("--pupil", choices=["airy", "gaussian"], default="airy")
    _picture_args(p, 128)
    g = sub.add_parser("ghost", help="ghost imaging: speckle (correlation, differential) or Hadamard patterns")
    g.add_argument("--patterns", choices=["speckle", "hadamard"], default="hadamard")
    g.add_argument("--n-patterns", type=positive_int, default=None, help="patterns (default: as many as pixels)")
    g.add_argument("--photons", type=_positive_float, default=None, help="bucket counts over all patterns (default: noise-free)")
    g.add_argument("--differential", action="store_true", help="differential ghost imaging (speckle)")
    _picture_args(g, 32)
    t = sub.add_parser("twin", help="twin-beam sub-shot-noise imaging: N_obj/N_ref against N_obj alone")
    t.add_argument("--mean-photons", type=_positive_float, default=100.0, help="pairs per pixel (default 100)")
    t.add_argument("--efficiency", type=_efficiency, default=0.9, help="detection efficiency in (0, 1] (default 0.9)")
    t.add_argument("--estimate", choices=["ratio", "direct"], default="ratio", help="picture written (default ratio)")
    _picture_args(t, 64)


# ---------------------------------------------------------------------------------------------
def _check_outputs(args, suffixes) -> str | None:
    """Check ``-o`` and ``--plot`` before any work; the figure's format (None without one)."""
    if args.output:
        check_output(args.output, force=args.force, suffixes=suffixes)
    fmt = check_figure(args.plot, force=args.force)
    check_distinct([args.output, args.plot])
    return fmt


def _noon(args) -> int:
    from ..imaging.figures import noon_figure
    from ..imaging.noon import aer_noise_model, phase_study

    fmt = _check_outputs(args, TABLE_OUTPUTS)
    if args.repeats < 2:
        raise ValueError("--repeats must be at least 2 (the error is an RMS over repeated estimates)")
    backend, model = None, None
    if args.backend:
        from ..hardware.service import get_backend

        if args.cx_error or args.readout_error:
            raise ValueError("--backend brings its own noise; leave out --cx-error and --readout-error")
        backend = get_backend(args.backend)
    elif args.cx_error or args.readout_error:
        model = aer_noise_model(args.cx_error, readout_error=args.readout_error)
    points = max(32, 4 * args.max_n)
    studies = [phase_study(n, shots=args.shots, repeats=args.repeats, fringe_points=points, fringe_shots=args.shots,
                           noise_model=model, backend=backend, seed=args.seed) for n in range(1, args.max_n + 1)]
    table = np.array([[s.n, s.visibility, s.rmse, s.shot_noise, s.heisenberg, s.cramer_rao, s.fisher] for s in studies])
    writes = []
    if args.output:
        writes.append((args.output, _table_writer(table, args.output, args.force)))
    if args.plot:
        label = args.backend or ("ideal" if model is None else f"cx {args.cx_error}, readout {args.readout_error}")
        writes.append(figure_write(args.plot, noon_figure({label: studies}), fmt, args.force))
    write_all(writes)
    print("  N  visibility  rmse      shot-noise  Heisenberg  beats shot noise")
    for s in studies:
        print(f"{s.n:3d}  {s.visibility:10.3f}  {s.rmse:.2e}  {s.shot_noise:.2e}    {s.heisenberg:.2e}    "
              f"{'yes' if s.beats_shot_noise else 'no'}")
    for out in filter(None, (args.output, args.plot)):
        print(f"wrote {out}")
    return 0


def _table_writer(table: np.ndarray, path: str, force: bool):
    from pathlib import Path

    from ..io.atomic import atomic_write

    if Path(path).suffix.lower() == ".npy":
        return lambda p: atomic_write(p, lambda tmp: np.save(tmp, table), force=force)
    lines = [",".join(NOON_COLUMNS)] + [",".join(repr(float(v)) if i else str(int(v)) for i, v in enumerate(row))
                                        for row in table]
    text = "\n".join(lines) + "\n"
    return lambda p: atomic_write(p, lambda tmp: Path(tmp).write_text(text), force=force)


def _dicom_meta(values: np.ndarray):
    """An :class:`~qdn.io.images.ImageMeta` that writes ``values`` as 16-bit unsigned pixels with
    a rescale covering their range, on pydicom's CT_small header resized to their shape."""
    import copy

    import pydicom
    from pydicom.data import get_testdata_file

    from ..io.images import ImageMeta

    ds = copy.deepcopy(pydicom.dcmread(get_testdata_file("CT_small.dcm")))
    lo, span = float(values.min()), float(np.ptp(values)) or 1.0
    slope, intercept = float(f"{span / 65535:.8g}"), float(f"{lo:.8g}")
    ds.Rows, ds.Columns = values.shape
    ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 16, 16, 15, 0
    ds.RescaleSlope, ds.RescaleIntercept = f"{slope:.8g}", f"{intercept:.8g}"
    ds.SeriesDescription = "simulated quantum imaging (qdn imaging)"
    return ImageMeta("dicom", np.dtype(np.uint16), dataset=ds, slope=slope, intercept=intercept,
                     bits_stored=16, signed=False, extra={"bits_allocated": 16})


def _image_writer(path: str, values: np.ndarray, force: bool):
    from pathlib import Path

    from ..io.images import write_image

    suffix = Path(path).suffix.lower()
    if suffix == ".png":  # a display format: [0, 1] to 8 bits
        data = np.rint(np.clip(values, 0.0, 1.0) * 255.0)
        return lambda p: write_image(p, data, force=force)
    if suffix in (".dcm", ".dicom"):
        meta = _dicom_meta(values)
        return lambda p: write_image(p, values, meta, force=force, anonymize=True,
                                     description="simulated quantum imaging (qdn imaging)")
    return lambda p: write_image(p, values, force=force)


def _finish(args, obj: np.ndarray, picture: np.ndarray, fmt: str | None, label: str) -> int:
    """Denoise (``--denoise``), report PSNR/SSIM against the object, write the outputs."""
    from ..api.imaging import denoise_picture, picture_metrics
    from ..imaging.figures import image_grid

    panels = [("object", obj), (label, picture)]
    m = picture_metrics(obj, picture)
    print(f"{label}: PSNR {m['psnr']:.2f} dB, SSIM {m['ssim']:.3f} against the object")
    out = picture
    if args.denoise:
        out = denoise_picture(picture, args.denoise)
        md = picture_metrics(obj, out)
        panels.append((f"denoised ({args.denoise})", out))
        print(f"denoised ({args.denoise}): PSNR {md['psnr']:.2f} dB, SSIM {md['ssim']:.3f}")
    writes = [(args.output, _image_writer(args.output, out, args.force))]
    if args.plot:
        writes.append(figure_write(args.plot, image_grid(panels, ncols=len(panels)), fmt, args.force))
    write_all(writes)
    print(f"wrote {args.output}" + (f" and {args.plot}" if args.plot else ""))
    return 0


def _picture_outputs(args) -> str | None:
    from ..io.images import IMAGE_SUFFIXES

    return _check_outputs(args, tuple(IMAGE_SUFFIXES))


def _psf(args) -> int:
    from ..imaging import phantom, psf_image

    fmt = _picture_outputs(args)
    obj = phantom(args.phantom, args.size)
    res = psf_image(obj, args.kind, photons=args.photons, wavelength=args.wavelength, pixel_size=args.pixel_size,
                    na=args.na, pupil=args.pupil, seed=args.seed)
    budget = "noise-free" if args.photons is None else f"{int(res.counts.sum())} events"
    return _finish(args, obj, res.image, fmt, f"{args.kind} PSF, {budget}")


def _ghost(args) -> int:
    from ..imaging import ghost_image, phantom

    fmt = _picture_outputs(args)
    obj = phantom(args.phantom, args.size)
    k = args.n_patterns or obj.size
    img = ghost_image(obj, patterns=args.patterns, n_patterns=k, photons=args.photons,
                      differential=args.differential, seed=args.seed)
    kind = "differential " if args.differential else ""
    return _finish(args, obj, img, fmt, f"{kind}ghost image, {k} {args.patterns} patterns")


def _twin(args) -> int:
    from ..imaging import phantom, twin_beam

    fmt = _picture_outputs(args)
    obj = phantom(args.phantom, args.size)
    res = twin_beam(obj, mean_photons=args.mean_photons, efficiency=args.efficiency, seed=args.seed)
    print(f"noise-reduction factor {res.noise_reduction:.4f} (1 - eta = {1 - args.efficiency:.4f})")
    img = res.image if args.estimate == "ratio" else res.direct
    name = "N_obj/N_ref" if args.estimate == "ratio" else "N_obj/(eta mu)"
    return _finish(args, obj, img, fmt, f"twin beams {name}")


def run(args) -> int:
    """Execute a parsed ``qdn imaging`` command; returns 0 (errors propagate to ``main``)."""
    handlers = {"noon": _noon, "psf": _psf, "ghost": _ghost, "twin": _twin}
    return handlers[args.imaging_command](args)
