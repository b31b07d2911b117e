"""Command line: ``qdn denoise`` (and ``python -m qdn``).

Exit codes: 0 success, 2 bad usage or input, 1 runtime failure.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

__all__ = ["main"]


def _threshold(text: str):
    if text == "auto":
        return "auto"
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"threshold must be 'auto' or an integer, got {text!r}") from None


def _noise(text: str):
    kind, _, value = text.partition(":")
    if kind != "awgn" or not value:
        raise argparse.ArgumentTypeError(f"noise must look like 'awgn:SNR_DB' (e.g. awgn:15), got {text!r}")
    try:
        return ("awgn", float(value))
    except ValueError:
        raise argparse.ArgumentTypeError(f"bad SNR in {text!r}") from None


def _parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="qdn", description="Quantum signal denoising with Qiskit circuits.")
    sub = ap.add_subparsers(dest="command", required=True)
    d = sub.add_parser("denoise", help="denoise a 1-D signal (CSV or NPY), or the bundled ECG with --demo")
    d.add_argument("input", nargs="?", help="input signal (.csv with one or a named column, or .npy)")
    d.add_argument("-o", "--output", required=True, help="output file (.csv or .npy)")
    d.add_argument("--demo", action="store_true", help="use PyWavelets' bundled ECG (1024 samples) with AWGN at 15 dB")
    d.add_argument("--column", help="CSV column to read")
    d.add_argument("--window", type=int, default=16, help="window length, a power of two (default 16)")
    d.add_argument("--threshold", type=_threshold, default="auto", help="'auto' (per-window SURE) or a bin count")
    d.add_argument("--schedule", choices=["exact", "grover", "fixed-point"], default="exact")
    d.add_argument("--variant", choices=["register", "compact"], default="register")
    d.add_argument("--backend", default=None, help="emulator | statevector | aer (default: chosen by size)")
    d.add_argument("--shots", type=int, default=None, help="sample this many shots (default: exact readout)")
    d.add_argument("--noise", type=_noise, default=None, help="add noise before denoising, e.g. awgn:15")
    d.add_argument("--seed", type=int, default=0, help="seed for noise and sampling (default 0)")
    d.add_argument("--plot", help="write a figure (PNG) of the result")
    d.add_argument("--force", action="store_true", help="overwrite existing output files")
    from .cli_hardware import add_subcommands

    add_subcommands(sub)  # resources, run, jobs (IBM Quantum)
    return ap


def _denoise(args) -> int:
    import qdn
    from qdn.data import ecg
    from qdn.io import atomic_write, read_signal, write_signal
    from qdn.noise import awgn

    if args.demo == bool(args.input):
        raise ValueError("give an input file or --demo (not both)")
    for out in filter(None, [args.output, args.plot]):
        if Path(out).exists() and not args.force:
            raise FileExistsError(f"{out} exists; use --force to overwrite")
    clean = None
    if args.demo:
        clean = ecg()
        noisy = awgn(clean, 15.0, seed=args.seed)
    else:
        noisy = read_signal(args.input, args.column)
    if args.noise is not None:
        clean = noisy if clean is None else clean
        noisy = awgn(noisy, args.noise[1], seed=args.seed)
    res = qdn.denoise(
        noisy, args.window, threshold=args.threshold, schedule=args.schedule, variant=args.variant,
        backend=args.backend, shots=args.shots, seed=args.seed,
    )
    columns = {"noisy": noisy, "denoised": res.denoised}
    if clean is not None:
        columns = {"clean": clean, **columns}
    write_signal(args.output, columns, force=args.force)
    if args.plot:
        from qdn.plot import denoising_figure

        fig = denoising_figure(noisy, res.denoised, clean, title=f"qdn ({res.backend}, window {args.window})")
        atomic_write(args.plot, lambda tmp: fig.savefig(tmp, dpi=120, format="png"), force=args.force)
    qubits = res.circuit.num_qubits if res.circuit is not None else res.layout.num_qubits(args.variant)
    print(
        f"denoised {noisy.size} samples: backend {res.backend}, {qubits} qubits, "
        f"{res.iterations} amplification round(s), thresholds {np.min(res.thresholds)}..{np.max(res.thresholds)}"
    )
    if clean is not None:
        print(f"PSNR noisy {qdn.metrics.psnr(clean, noisy):.2f} dB -> denoised {qdn.metrics.psnr(clean, res.denoised):.2f} dB")
    print(f"wrote {args.output}" + (f" and {args.plot}" if args.plot else ""))
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = _parser()
    args = ap.parse_args(argv)
    if getattr(args, "_qdn_hardware", None):
        from .cli_hardware import run

        return run(args)
    try:
        if args.command == "denoise":
            return _denoise(args)
    except (ValueError, FileExistsError) as exc:
        print(f"qdn: error: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:  # runtime failure: one line, not a traceback dump
        print(f"qdn: failed: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    return 2


if __name__ == "__main__":
    sys.exit(main())
