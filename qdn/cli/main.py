"""Command line: ``qdn denoise`` (and ``python -m qdn``).

Exit codes: 0 success, 2 bad usage or input, 1 runtime failure.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

from .args import NOISE_KINDS, add_noise, noise_arg, threshold_arg
from .hardware import add_subcommands
from .hardware import run as run_hardware

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="qdn", description="Quantum signal denoising with Qiskit circuits.")
    sub = ap.add_subparsers(dest="command", required=True)
    d = sub.add_parser(
        "denoise", help="denoise a signal or an image file, or the bundled ECG with --demo",
        description="Signals: .csv (one or a named column), .npy, .wav, DICOM waveforms. Images: .png, .tif, "
        ".npy (2-D), DICOM pixel data. The output has the same kind (a DICOM output keeps the input's tags).",
    )
    d.add_argument("input", nargs="?", help="input file")
    d.add_argument("-o", "--output", required=True, help="output file (.csv, .npy, .wav, .dcm; images .png, .tif, .npy, .dcm)")
    d.add_argument("--method", default="qdn", help="qdn | qft | qwt | fft-window | wavelet | wiener | savgol (default qdn)")
    d.add_argument("--wavelet", choices=["haar", "db2", "d4"], default=None,
                   help="--method qwt only: haar (default) or the 4-tap Daubechies D4 (db2 in PyWavelets' naming, alias d4)")
    d.add_argument("--anonymize", action="store_true", help="DICOM image output: strip patient-identifying tags")
    d.add_argument("--demo", action="store_true", help="use PyWavelets' bundled ECG (1024 samples) with AWGN at 15 dB")
    d.add_argument("--column", help="CSV column to read")
    d.add_argument("--window", type=int, default=None, help="window length / patch side, a power of two (default 16 for signals, 8 for images)")
    d.add_argument("--threshold", type=threshold_arg, default="auto", help="'auto' (per-window SURE) or a bin count")
    d.add_argument("--schedule", choices=["exact", "grover", "fixed-point"], default="exact")
    d.add_argument("--variant", choices=["register", "compact"], default="register")
    d.add_argument("--backend", default=None, help="emulator | statevector | aer (default: chosen by size)")
    d.add_argument("--shots", type=int, default=None, help="sample this many shots (default: exact readout)")
    d.add_argument("--noise", type=noise_arg, default=None, help="add noise before denoising: " + ", ".join(NOISE_KINDS))
    d.add_argument("--seed", type=int, default=0, help="seed for noise and sampling (default 0)")
    d.add_argument("--plot", help="write a figure (PNG) of the result")
    d.add_argument("--force", action="store_true", help="overwrite existing output files")
    c = sub.add_parser("circuit", help="build the qdn circuit for a random signal; export OpenQASM 3 and a drawing")
    c.add_argument("--n", type=int, default=8, help="signal length N (power of two, default 8)")
    c.add_argument("--window", type=int, default=4, help="window length (default 4)")
    c.add_argument("--threshold", type=int, default=1, help="cutoff in every window (default 1)")
    c.add_argument("--variant", choices=["register", "compact"], default="register")
    c.add_argument("--schedule", choices=["exact", "grover", "fixed-point"], default="exact")
    c.add_argument("--seed", type=int, default=0, help="seed of the random test signal")
    c.add_argument("--qasm", help="write OpenQASM 3 here")
    c.add_argument("--draw", help="write a matplotlib drawing (PNG) here")
    c.add_argument("--force", action="store_true", help="overwrite existing output files")
    b = sub.add_parser("bench", help="run the benchmark scripts of a source checkout (benchmarks/run_all.py)")
    b.add_argument("--quick", action="store_true", help="tiny sizes (smoke run)")
    b.add_argument("--only", help="comma-separated subset: emulator,aer,resources,paper,noise,quantum-input,images")
    b.add_argument("--out", help="results folder (default benchmarks/results)")
    add_subcommands(sub)  # resources, run, jobs (IBM Quantum)
    return ap


def _is_image_file(path: str) -> bool:
    from qdn.io.images import IMAGE_SUFFIXES

    suffix = Path(path).suffix.lower()
    if suffix in (".dcm", ".dicom"):
        import pydicom

        try:
            return "WaveformSequence" not in pydicom.dcmread(path, stop_before_pixels=True)
        except Exception:  # unreadable: let the signal reader say why
            return False
    if suffix == ".npy":
        try:
            return np.load(path, mmap_mode="r", allow_pickle=False).ndim == 2
        except Exception:
            return False
    return suffix in IMAGE_SUFFIXES


def _check_outputs(args, *paths) -> None:
    for out in filter(None, paths):
        if Path(out).exists() and not args.force:
            raise FileExistsError(f"{out} exists; use --force to overwrite")


def _denoise_image(args) -> int:
    import qdn
    from qdn.io.images import read_image, write_image
    from qdn.io.atomic import atomic_write

    if args.method != "qdn" or args.wavelet is not None:
        raise ValueError(f"images are denoised with --method qdn only (got --method {args.method}"
                         + (f" --wavelet {args.wavelet}" if args.wavelet else "") + ")")
    image, meta = read_image(args.input)
    noisy, clean = image, None
    if args.noise is not None:
        clean, noisy = image, add_noise(image, args.noise, args.seed)  # all kinds work in 2-D
    window = args.window or 8
    res = qdn.denoise(noisy, window, threshold=args.threshold, schedule=args.schedule, variant=args.variant,
                      backend=args.backend, shots=args.shots, seed=args.seed)
    write_image(args.output, res.denoised, meta, force=args.force, anonymize=args.anonymize)
    if args.plot:
        from matplotlib.figure import Figure

        fig = Figure(figsize=(8, 4), layout="constrained")
        for ax, (title, img) in zip(fig.subplots(1, 2), [("input", noisy), ("qdn", res.denoised)]):
            ax.imshow(img, cmap="gray")
            ax.set_title(title)
            ax.axis("off")
        atomic_write(args.plot, lambda tmp: fig.savefig(tmp, dpi=120, format="png"), force=args.force)
    print(f"denoised a {noisy.shape[0]}x{noisy.shape[1]} image in {window}x{window} patches ({res.runs} run(s))")
    if clean is not None:
        print(f"PSNR noisy {qdn.classical.metrics.psnr(clean, noisy):.2f} dB -> denoised {qdn.classical.metrics.psnr(clean, res.denoised):.2f} dB")
    print(f"wrote {args.output}" + (f" and {args.plot}" if args.plot else ""))
    return 0


def _denoise(args) -> int:
    import qdn
    from qdn.data import ecg
    from qdn.io.atomic import atomic_write
    from qdn.io.signals import read_signal_meta, write_signal

    if args.demo == bool(args.input):
        raise ValueError("give an input file or --demo (not both)")
    _check_outputs(args, args.output, args.plot)
    if args.input and _is_image_file(args.input):
        return _denoise_image(args)
    clean, meta = None, None
    if args.demo:
        clean = ecg()
        noisy = add_noise(clean, args.noise or ("awgn", 15.0), args.seed)
    else:
        noisy, meta = read_signal_meta(args.input, args.column)
        if args.noise is not None:
            clean, noisy = noisy, add_noise(noisy, args.noise, args.seed)
    window = args.window or 16
    res = qdn.denoise(
        noisy, window, method=args.method, threshold=args.threshold, schedule=args.schedule,
        variant=args.variant, backend=args.backend, shots=args.shots, seed=args.seed, wavelet=args.wavelet,
    )
    columns = {"noisy": noisy, "denoised": res.denoised}
    if clean is not None:
        columns = {"clean": clean, **columns}
    write_signal(args.output, columns, force=args.force, meta=meta)
    if args.plot:
        from qdn.plot import denoising_figure

        fig = denoising_figure(noisy, res.denoised, clean, title=f"{args.method} ({res.backend}, window {window})")
        atomic_write(args.plot, lambda tmp: fig.savefig(tmp, dpi=120, format="png"), force=args.force)
    if res.layout is not None:
        qubits = res.circuit.num_qubits if res.circuit is not None else res.layout.num_qubits(args.variant)
        print(
            f"denoised {noisy.size} samples: backend {res.backend}, {qubits} qubits, "
            f"{res.iterations} amplification round(s), thresholds {np.min(res.thresholds)}..{np.max(res.thresholds)}"
        )
    else:
        print(f"denoised {noisy.size} samples with {args.method} ({res.backend})")
    if clean is not None:
        print(f"PSNR noisy {qdn.classical.metrics.psnr(clean, noisy):.2f} dB -> denoised {qdn.classical.metrics.psnr(clean, res.denoised):.2f} dB")
    print(f"wrote {args.output}" + (f" and {args.plot}" if args.plot else ""))
    return 0


def _circuit(args) -> int:
    import qiskit.qasm3

    import qdn
    from qdn.io.atomic import atomic_write

    _check_outputs(args, args.qasm, args.draw)
    y = np.random.default_rng(args.seed).normal(size=args.n)
    res = qdn.denoise(y, args.window, threshold=args.threshold, schedule=args.schedule, variant=args.variant,
                      backend="statevector", pad=False)
    qc = res.circuit
    ops = dict(qc.count_ops())
    print(f"{qc.num_qubits} qubits ({', '.join(f'{r.name}:{r.size}' for r in qc.qregs)}); stages {ops}; "
          f"{res.iterations} amplification round(s)")
    if args.qasm:
        # lower the labelled stages to gates OpenQASM 3 can name
        text = qiskit.qasm3.dumps(qc.decompose(reps=8))
        atomic_write(args.qasm, lambda tmp: Path(tmp).write_text(text), force=args.force)
        print(f"wrote {args.qasm}")
    if args.draw:
        fig = qc.draw("mpl", fold=-1)
        atomic_write(args.draw, lambda tmp: fig.savefig(tmp, dpi=110, format="png"), force=args.force)
        print(f"wrote {args.draw}")
    return 0


def _bench(args) -> int:
    import importlib.util

    script = Path(__file__).resolve().parent.parent / "benchmarks" / "run_all.py"
    if not script.exists():
        raise ValueError("qdn bench needs a source checkout (benchmarks/run_all.py not found next to the package)")
    spec = importlib.util.spec_from_file_location("qdn_run_all", script)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    only = args.only.split(",") if args.only else None
    failed = mod.run_all(quick=args.quick, out=args.out, only=only)
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    ap = _parser()
    args = ap.parse_args(argv)
    if getattr(args, "_qdn_hardware", None):
        return run_hardware(args)
    try:
        if args.command == "denoise":
            return _denoise(args)
        if args.command == "circuit":
            return _circuit(args)
        if args.command == "bench":
            return _bench(args)
    except (ValueError, FileExistsError) as exc:
        print(f"qdn: error: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:  # runtime failure: one line, not a traceback dump
        print(f"qdn: failed: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    return 2


if __name__ == "__main__":
    sys.exit(main())
