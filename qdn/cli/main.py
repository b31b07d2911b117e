"""Command line: ``qdn denoise`` (and ``python -m qdn``).

Exit codes: 0 success, 2 bad usage or input, 1 runtime failure. An error is one line on stderr
(an option error too: no usage block); a bad input file is named in it. Every output path and
format is checked before the input is read, and the outputs are written together at the end
(:mod:`qdn.cli.files`): a failed command leaves no file behind. Warnings of the libraries are
held back and reported as one line after a command that succeeded.
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

import numpy as np

from .args import NOISE_KINDS, Parser, UsageError, add_noise, noise_arg, positive_int, shifts_arg, threshold_arg, window_arg
from .batch import add_subcommand as add_batch
from .batch import run as run_batch
from .files import (check_distinct, check_figure, check_output, check_result, check_values, figure_write,
                    is_image_file, numerics, one_line, reading, write_all)
from .hardware import add_subcommands
from .hardware import run as run_hardware
from .imaging import add_subcommands as add_imaging
from .imaging import run as run_imaging

#: Output suffixes of a denoised signal (a DICOM waveform needs a DICOM waveform input).
SIGNAL_OUTPUTS = (".csv", ".txt", ".npy", ".wav", ".dcm", ".dicom")
DICOM_SUFFIXES = (".dcm", ".dicom")

__all__ = ["main"]


def _parser() -> Parser:
    ap = Parser(prog="qdn", description="Quantum signal denoising with Qiskit circuits.")
    sub = ap.add_subparsers(dest="command", required=True)
    d = sub.add_parser(
        "denoise", help="denoise a signal or an image file, or the bundled ECG with --demo",
        description="Signals: .csv (one or a named column), .npy, .wav, DICOM waveforms. Images: .png, .tif, "
        ".npy (2-D), DICOM pixel data. The output has the same kind (a DICOM output keeps the input's tags).",
    )
    d.add_argument("input", nargs="?", help="input file")
    d.add_argument("-o", "--output", required=True, help="output file (.csv, .npy, .wav, .dcm; images .png, .tif, .npy, .dcm)")
    d.add_argument("--demo", action="store_true", help="use PyWavelets' bundled ECG (1024 samples) with AWGN at 15 dB")
    d.add_argument("--plot", help="write a figure of the result; the suffix names the format (.png, .pdf, .svg, ...)")
    denoise_options(d)
    add_batch(sub, denoise_options)  # batch: many files on Dask, resumable (qdn.cli.batch)
    c = sub.add_parser("circuit", help="build the qdn circuit for a random signal; export OpenQASM 3 and a drawing")
    c.add_argument("--n", type=positive_int, default=8, help="signal length N (power of two, default 8)")
    c.add_argument("--window", type=window_arg, default=4, help="window length, a power of two (default 4)")
    c.add_argument("--shifts", type=positive_int, default=1,
                   help="cycle-spinning shifts in the circuit, a power of two <= the window (default 1: the paper's circuit)")
    c.add_argument("--threshold", type=int, default=1, help="cutoff in every window (default 1)")
    c.add_argument("--variant", choices=["register", "compact"], default="register")
    c.add_argument("--schedule", choices=["exact", "grover", "fixed-point"], default="exact")
    c.add_argument("--seed", type=int, default=0, help="seed of the random test signal")
    c.add_argument("--qasm", help="write OpenQASM 3 here")
    c.add_argument("--draw", help="write a matplotlib drawing here; the suffix names the format (.png, .pdf, .svg, ...)")
    c.add_argument("--force", action="store_true", help="overwrite existing output files")
    b = sub.add_parser("bench", help="run the benchmark scripts of a source checkout (benchmarks/run_all.py)")
    b.add_argument("--quick", action="store_true", help="tiny sizes (smoke run)")
    b.add_argument("--only", help="comma-separated subset: emulator,aer,resources,paper,noise,quantum-input,images")
    b.add_argument("--out", help="results folder (default benchmarks/results)")
    add_subcommands(sub)  # resources, run, jobs (IBM Quantum)
    add_imaging(sub)  # imaging noon|psf|ghost|twin (simulated quantum imaging)
    return ap


def denoise_options(p) -> None:
    """Add the options of ``qdn denoise`` that apply to any one input file (method, window,
    thresholds, noise model, shifts, backend, ...; not the input, ``-o``, ``--demo`` or ``--plot``)
    to the parser ``p``: ``qdn denoise`` and ``qdn batch`` share them."""
    p.add_argument("--method", default="qdn",
                   help="qdn | qft | qwt | fft-window | wavelet | wiener | savgol | localization | qab "
                        "(default qdn; images: qdn, localization, qab)")
    p.add_argument("--wavelet", choices=["haar", "db2", "d4"], default=None,
                   help="--method qwt only: haar (default) or the 4-tap Daubechies D4 (db2 in PyWavelets' naming, alias d4)")
    p.add_argument("--anonymize", action="store_true", help="DICOM output: strip patient-identifying tags")
    p.add_argument("--column", help="CSV column to read")
    p.add_argument("--window", type=window_arg, default=None,
                   help="window length / patch side, a power of two, or 'auto' (default: auto for signals, "
                        "chosen by Monte-Carlo SURE; 8 for images)")
    p.add_argument("--shifts", type=shifts_arg, default="auto",
                   help="cycle-spinning shifts, a power of two <= the window, or 'auto' (= the window; default). "
                        "--shifts 1 --window 16 is the paper's algorithm")
    p.add_argument("--spin", choices=["circuit", "runs"], default=None,
                   help="shifts > 1: one circuit with a shift register, or one circuit per shift (default: circuit)")
    p.add_argument("--boundary", choices=["reflect", "periodic"], default="reflect",
                   help="the signal is mirrored first (default) or shifts wrap around")
    p.add_argument("--noise-model", choices=["gaussian", "poisson"], default="gaussian",
                   help="poisson: the input holds counts (Anscombe transform, exact unbiased inverse)")
    p.add_argument("--threshold", type=threshold_arg, default="auto", help="'auto' (per-window SURE) or a bin count")
    p.add_argument("--schedule", choices=["exact", "grover", "fixed-point", "postselect", "grover-1"], default="exact",
                   help="postselect / grover-1: read the kept bins through a measured flag qubit (--shifts 1)")
    p.add_argument("--variant", choices=["register", "compact"], default=None,
                   help="circuit variant (default: compact for the spinning circuit, else register; compact on devices)")
    p.add_argument("--backend", default=None, help="emulator | statevector | aer (default: chosen by size)")
    p.add_argument("--shots", type=int, default=None, help="sample this many shots (default: exact readout)")
    p.add_argument("--noise", type=noise_arg, default=None, help="add noise before denoising: " + ", ".join(NOISE_KINDS))
    p.add_argument("--seed", type=int, default=0, help="seed for noise and sampling (default 0)")
    p.add_argument("--force", action="store_true", help="overwrite existing output files")


def _is_image_file(path: str) -> bool:
    return is_image_file(path)  # one rule for `qdn denoise` and `qdn batch` (qdn.cli.files)


def _check_denoise_outputs(args, image: bool) -> str | None:
    """Everything about the outputs of ``qdn denoise`` that can be checked before any work;
    returns the format of ``--plot`` (None without it)."""
    from qdn.io.images import IMAGE_SUFFIXES

    if image and (args.method not in ("qdn", "localization", "qab") or args.wavelet is not None):
        raise ValueError(f"images are denoised with --method qdn only, or localization or qab (got --method {args.method}"
                         + (f" --wavelet {args.wavelet}" if args.wavelet else "") + ")")
    out = check_output(args.output, force=args.force, suffixes=tuple(IMAGE_SUFFIXES) if image else SIGNAL_OUTPUTS)
    dicom_in = bool(args.input) and Path(args.input).suffix.lower() in DICOM_SUFFIXES
    if out.suffix.lower() in DICOM_SUFFIXES and not dicom_in:
        raise ValueError(f"a DICOM output ({out}) needs a DICOM input (its dataset is reused); "
                         "write another format")
    if args.anonymize and out.suffix.lower() not in DICOM_SUFFIXES:
        raise ValueError("--anonymize applies to DICOM output only")
    fmt = check_figure(args.plot, force=args.force)
    check_distinct([args.output, args.plot])
    return fmt


def _figure_write(path: str, fig, fmt: str, force: bool):
    """The bytes of ``fig`` (rendered now) and the writer of them, for :func:`write_all`."""
    return figure_write(path, fig, fmt, force)


def _psnr_line(clean, noisy, denoised) -> str:
    from qdn.classical.metrics import psnr

    return f"PSNR noisy {psnr(clean, noisy):.2f} dB -> denoised {psnr(clean, denoised):.2f} dB"


def _denoise_image(args, fmt: str | None) -> int:
    import qdn
    from qdn.io.images import read_image, write_image
    from qdn.plot import image_figure

    with reading(args.input):
        image, meta = read_image(args.input)
    check_values(image, str(args.input))
    noisy, clean = image, None
    window = 8 if args.window in (None, "auto") else args.window
    with numerics(image, str(args.input)):
        if args.noise is not None:
            clean, noisy = image, add_noise(image, args.noise, args.seed)  # all kinds work in 2-D
        res = qdn.denoise(noisy, window, method=args.method, threshold=args.threshold, schedule=args.schedule,
                          variant=args.variant, backend=args.backend, shots=args.shots, seed=args.seed,
                          noise_model=args.noise_model)
    check_result(res.denoised, image, str(args.input))
    writes = [(args.output, lambda p: write_image(p, res.denoised, meta, force=args.force, anonymize=args.anonymize))]
    if args.plot:
        writes.append(_figure_write(args.plot, image_figure(noisy, res.denoised), fmt, args.force))
    write_all(writes)
    how = f"in {window}x{window} patches ({res.runs} run(s))" if args.method == "qdn" else f"with {args.method}"
    print(f"denoised a {noisy.shape[0]}x{noisy.shape[1]} image {how}")
    if clean is not None:
        print(_psnr_line(clean, noisy, res.denoised))
    print(f"wrote {args.output}" + (f" and {args.plot}" if args.plot else ""))
    return 0


def _read_signal_input(args):
    """``(data, meta, name)`` of ``qdn denoise``: the file's signal (checked) or the demo ECG,
    before ``--noise``."""
    from qdn.data import ecg
    from qdn.io.signals import read_signal_meta

    if args.demo:
        return ecg(), None, "the demo ECG"
    with reading(args.input):
        y, meta = read_signal_meta(args.input, args.column)
    return check_values(y, str(args.input)), meta, str(args.input)


def _wav_width_note(args, meta) -> str | None:
    """A note when a WAV output's sample width differs from the WAV input's (24-bit PCM is
    written with 32-bit samples)."""
    from qdn.io.signals import wav_sample_bits

    if not meta or meta.get("kind") != "wav" or Path(args.output).suffix.lower() != ".wav":
        return None
    bits_in, bits_out = meta.get("sample_bits"), wav_sample_bits(args.output)
    if bits_in and bits_out and bits_in != bits_out:
        return f"note: {args.input} has {bits_in}-bit samples; {args.output} was written with {bits_out}-bit samples"
    return None


def _denoise(args) -> int:
    import qdn
    from qdn.io.signals import write_signal
    from qdn.plot import denoising_figure

    if args.demo == bool(args.input):
        raise ValueError("give an input file or --demo (not both)")
    with reading(args.input):
        image = bool(args.input) and _is_image_file(args.input)
    fmt = _check_denoise_outputs(args, image)
    if image:
        return _denoise_image(args, fmt)
    data, meta, name = _read_signal_input(args)
    clean, noisy = (data, None) if args.demo or args.noise is not None else (None, data)
    window = "auto" if args.window is None else args.window
    with numerics(data, name):
        if noisy is None:
            noisy = add_noise(data, args.noise or ("awgn", 15.0), args.seed)
        res = qdn.denoise(
            noisy, window, method=args.method, threshold=args.threshold, schedule=args.schedule,
            variant=args.variant, backend=args.backend, shots=args.shots, seed=args.seed, wavelet=args.wavelet,
            shifts=args.shifts, spin=args.spin, boundary=args.boundary, noise_model=args.noise_model,
        )
    check_result(np.concatenate([noisy, res.denoised]), data, name)
    columns = {"noisy": noisy, "denoised": res.denoised}
    if clean is not None:
        columns = {"clean": clean, **columns}
    extra = {"anonymize": True} if args.anonymize else {}
    writes = [(args.output, lambda p: write_signal(p, columns, force=args.force, meta=meta, **extra))]
    if args.plot:
        spun = f", {res.shifts} shifts" if res.shifts > 1 else ""
        fig = denoising_figure(noisy, res.denoised, clean, title=f"{args.method} ({res.backend}, window {res.window}{spun})")
        writes.append(_figure_write(args.plot, fig, fmt, args.force))
    write_all(writes)
    if res.layout is not None:
        qubits = res.circuit.num_qubits if res.circuit is not None else res.num_qubits
        spun = f", {res.shifts} shifts ({res.spin})" if res.shifts > 1 else ""
        print(
            f"denoised {noisy.size} samples: window {res.window}{spun}, backend {res.backend}, {qubits} qubits, "
            f"{res.iterations} amplification round(s), thresholds {np.min(res.thresholds)}..{np.max(res.thresholds)}"
        )
    else:
        print(f"denoised {noisy.size} samples with {args.method} ({res.backend})")
    if clean is not None:
        print(_psnr_line(clean, noisy, res.denoised))
    print(f"wrote {args.output}" + (f" and {args.plot}" if args.plot else ""))
    if note := _wav_width_note(args, meta):
        print(note)
    return 0


def _circuit(args) -> int:
    import qiskit.qasm3

    import qdn
    from qdn.io.atomic import atomic_write
    from qdn.plot import figure_format

    if args.qasm:
        check_output(args.qasm, force=args.force, what="OpenQASM")
    fmt = None
    if args.draw:
        fmt = figure_format(args.draw)
        check_output(args.draw, force=args.force, what="drawing")
    check_distinct([args.qasm, args.draw])
    y = np.random.default_rng(args.seed).normal(size=args.n)
    res = qdn.denoise(y, args.window, threshold=args.threshold, schedule=args.schedule, variant=args.variant,
                      backend="statevector", pad=False, shifts=args.shifts, spin="circuit" if args.shifts > 1 else None)
    qc = res.circuit
    ops = dict(qc.count_ops())
    print(f"{qc.num_qubits} qubits ({', '.join(f'{r.name}:{r.size}' for r in qc.qregs)}); stages {ops}; "
          f"{res.iterations} amplification round(s)")
    writes = []
    if args.qasm:
        # lower the labelled stages to gates OpenQASM 3 can name
        text = qiskit.qasm3.dumps(qc.decompose(reps=8))
        writes.append((args.qasm, lambda p: atomic_write(p, lambda tmp: Path(tmp).write_text(text), force=args.force)))
    if args.draw:
        writes.append(_figure_write(args.draw, qc.draw("mpl", fold=-1), fmt, args.force))
    write_all(writes)
    for out in filter(None, (args.qasm, args.draw)):
        print(f"wrote {out}")
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


def _warning_line(caught) -> str | None:
    """The first of the warnings held back during a command, as one line (with a count)."""
    messages = list(dict.fromkeys(f"{w.category.__name__}: {one_line(str(w.message))}" for w in caught))
    if not messages:
        return None
    return f"qdn: warning: {messages[0]}" + (f" (+{len(messages) - 1} more)" if len(messages) > 1 else "")


def _command(args) -> int:
    """Run a parsed ``denoise``/``circuit``/``bench`` command: its exit code, its error as one line."""
    handlers = {"denoise": _denoise, "circuit": _circuit, "bench": _bench, "imaging": run_imaging, "batch": run_batch}
    try:
        return handlers[args.command](args)
    except (ValueError, FileExistsError) as exc:
        print(f"qdn: error: {one_line(exc)}", file=sys.stderr)
        return 2
    except Exception as exc:  # runtime failure: one line, not a traceback dump
        print(f"qdn: failed: {type(exc).__name__}: {one_line(exc)}", file=sys.stderr)
        return 1


def main(argv: list[str] | None = None) -> int:
    """Run the ``qdn`` command line with ``argv`` (default ``sys.argv[1:]``); returns the exit
    code (``--help`` exits through :class:`SystemExit` as usual)."""
    ap = _parser()
    try:
        args = ap.parse_args(argv)
    except UsageError as exc:
        print(one_line(exc), file=sys.stderr)
        return 2
    if getattr(args, "_qdn_hardware", None):
        return run_hardware(args)
    if args.command == "bench":  # long, with its own progress output: warnings as they come
        return _command(args)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        code = _command(args)
    if code == 0 and (line := _warning_line(caught)):
        print(line, file=sys.stderr)
    return code


if __name__ == "__main__":
    sys.exit(main())
