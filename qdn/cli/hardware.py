"""Command line for IBM Quantum: ``qdn resources``, ``qdn run``, ``qdn jobs list|show|fetch``.

Registered by :mod:`qdn.cli` through :func:`add_subcommands`; :func:`run` executes a parsed
command and returns the exit code: 0 success, 2 bad input (unknown backend, bad option, an
output that exists without ``--force``, an unknown run id), 1 runtime failure (no account,
rejected token, no network, failed job; the run stays in the journal, resume with
``qdn jobs fetch``), 130 interrupted. Errors are one line on stderr and never show a token.

Accounts: ``QiskitRuntimeService()`` discovery, i.e. the ``QISKIT_IBM_TOKEN`` environment variable
(with ``QISKIT_IBM_INSTANCE``, ``QISKIT_IBM_CHANNEL``) or a saved account (``--account NAME``
picks a named one). Backends named ``fake_*`` run in local testing mode without an account.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

from .args import floor_arg, noise_arg, positive_int, threshold_arg, window_arg
from .files import check_output, check_values, reading, write_all

__all__ = ["add_subcommands", "run", "COMMANDS", "RUN_OUTPUTS"]

COMMANDS = ("resources", "run", "jobs")

#: Output suffixes of ``qdn run`` and ``qdn jobs fetch`` (a DICOM waveform needs a DICOM input
#: to copy, which a journaled run does not keep).
RUN_OUTPUTS = (".csv", ".txt", ".npy", ".wav")


def _account_args(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("IBM Quantum account (not needed for fake_* backends)")
    g.add_argument("--account", help="name of a saved account (default: QISKIT_IBM_TOKEN, else the default saved account)")
    g.add_argument("--channel", choices=["ibm_quantum_platform", "ibm_cloud"], help="account channel")
    g.add_argument("--instance", help="instance CRN or name")


def _fraction_arg(name: str):
    """``--compression`` / ``--error-budget``: a number in [0, 1)."""

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{name} must be a number in [0, 1), got {text!r}") from None
        if not 0.0 <= value < 1.0:
            raise argparse.ArgumentTypeError(f"{name} must lie in [0, 1), got {value}")
        return value

    return parse


def _degree_arg(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"QFT approximation degree must be an integer >= 0, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"QFT approximation degree must be an integer >= 0, got {value}")
    return value


def _root_arg(p: argparse.ArgumentParser) -> None:
    from ..hardware.journal import DEFAULT_ROOT

    p.add_argument("--root", default=DEFAULT_ROOT, help=f"journal directory (default ./{DEFAULT_ROOT})")


def _signal_args(p: argparse.ArgumentParser, *, need_input: bool) -> None:
    from ..hardware import DEFAULT_VARIANT

    p.add_argument("input", nargs="?", help="input signal (.csv with one or a named column, or .npy)")
    if need_input:
        p.add_argument("--demo", action="store_true", help="use --samples samples of the bundled ECG around its R peak, with AWGN at 15 dB")
        p.add_argument("--samples", type=positive_int, default=16, help="samples of the demo ECG (default 16)")
        p.add_argument("--noise", type=noise_arg, default=None, help="add noise before denoising, e.g. awgn:15")
    p.add_argument("--column", help="CSV column to read")
    p.add_argument("--window", type=window_arg, default=None, help="window length, a power of two (default: min(16, N/4))")
    p.add_argument("--threshold", type=threshold_arg, default="auto", help="'auto' (per-window SURE) or a bin count")
    p.add_argument("--schedule", choices=["exact", "grover", "fixed-point", "postselect", "grover-1", "auto"], default=None,
                   help="amplification schedule; postselect: no rounds, a flag qubit measured with the signal; "
                        "grover-1: one round and the flag; auto: the most useful shots per shot on the backend "
                        "(default: exact, or auto with --error-budget)")
    p.add_argument("--compression", type=_fraction_arg("compression"), default=0.0,
                   help="fraction of the encoding's Walsh angles to drop (default 0)")
    p.add_argument("--qft-degree", type=_degree_arg, default=0,
                   help="approximate QFT: drop the controlled phases of the smallest angles (default 0: exact)")
    p.add_argument("--error-budget", type=_fraction_arg("error budget"), default=None,
                   help="choose compression, QFT approximation and (unless --schedule is given) the schedule "
                        "for the best estimated success whose emulated output error (relative L2 against the "
                        "exact qdn output) stays within this budget, e.g. 0.05")
    p.add_argument("--variant", choices=["compact", "register"], default=DEFAULT_VARIANT,
                   help=f"circuit variant (default {DEFAULT_VARIANT}: same output, fewer qubits)")
    p.add_argument("--optimization-level", type=int, choices=[0, 1, 2, 3], default=2, help="transpiler preset (default 2)")
    p.add_argument("--placement", choices=["full", "gates", "qiskit"], default="full",
                   help="choose the device qubits by the estimated success: 'full' (default, idle included), "
                        "'gates' (gates and readout), or keep Qiskit's choice")


def _placement(args) -> str | None:
    return None if args.placement == "qiskit" else args.placement


def add_subcommands(subparsers) -> None:
    """Add ``resources``, ``run`` and ``jobs`` to the ``qdn`` sub-parsers."""
    r = subparsers.add_parser(
        "resources", help="qubits, depth, 2-qubit gates and success estimate on IBM backends",
        description="Transpile the qdn circuit for each backend and report its resources per stage, the "
        "estimated success probability, and (with --floor) the largest signal that stays above it.",
    )
    _signal_args(r, need_input=False)
    r.add_argument("--backend", action="append", required=True,
                   help="backend name, repeatable (fake_torino, fake_fez, fake_sherbrooke, or an IBM backend)")
    r.add_argument("--size", type=positive_int, default=16,
                   help="signal length N for a seeded synthetic problem when no input is given (default 16)")
    r.add_argument("--floor", type=floor_arg, default=None, help="also find the largest N whose estimate stays >= FLOOR")
    r.add_argument("--max-size", type=positive_int, default=1 << 12, help="largest N the --floor sweep tries (default 4096)")
    r.add_argument("--no-stages", action="store_true", help="skip the per-stage transpilation")
    r.add_argument("--format", choices=["markdown", "csv", "json"], default="markdown")
    r.add_argument("-o", "--output", help="write the table here instead of stdout")
    r.add_argument("--force", action="store_true", help="overwrite an existing output file")
    _account_args(r)
    r.set_defaults(_qdn_hardware="resources")

    u = subparsers.add_parser(
        "run", help="denoise a signal on an IBM backend (or fake_* locally), journaled",
        description="Build, transpile, journal and run the qdn circuit through the qiskit-ibm-runtime "
        "Sampler; the run is recorded under --root before it is sent.",
    )
    _signal_args(u, need_input=True)
    u.add_argument("--backend", required=True, help="fake_torino (local testing mode) or an IBM backend name")
    u.add_argument("-o", "--output", help="output file (.csv or .npy); needed unless --no-wait")
    u.add_argument("--shots", type=positive_int, default=4096, help="shots (default 4096)")
    u.add_argument("--seed", type=int, default=0, help="seed of the noise and of the local simulator (default 0)")
    u.add_argument("--dd", choices=["XX", "XpXm", "XY4"], default=None, help="dynamical decoupling sequence")
    u.add_argument("--twirl", choices=["none", "gates", "measure", "all"], default="none", help="Pauli twirling")
    u.add_argument("--no-wait", action="store_true", help="IBM backends: return after submission (fetch later)")
    u.add_argument("--timeout", type=float, default=None, help="seconds to wait for the job before giving up (it stays journaled)")
    u.add_argument("--force", action="store_true", help="overwrite the output file")
    u.add_argument("--max-minutes", type=float, default=None,
                   help="local testing mode: run even when the estimated simulation time exceeds 5 minutes, up to this many")
    _root_arg(u)
    _account_args(u)
    u.set_defaults(_qdn_hardware="run")

    j = subparsers.add_parser("jobs", help="list, show and fetch journaled runs")
    jsub = j.add_subparsers(dest="jobs_command", required=True)
    jl = jsub.add_parser("list", help="list the runs of the journal")
    _root_arg(jl)
    js = jsub.add_parser("show", help="print the journal record of a run (JSON)")
    js.add_argument("run_id")
    _root_arg(js)
    jf = jsub.add_parser("fetch", help="resume a run, collect its results and decode them")
    jf.add_argument("run_id", help="run id (or a unique prefix/suffix)")
    jf.add_argument("-o", "--output", help="write the denoised signal(s) here (.csv or .npy)")
    jf.add_argument("--resubmit", action="store_true",
                    help="send jobs the service never received (local runs resubmit unfinished jobs anyway)")
    jf.add_argument("--no-wait", action="store_true", help="only collect jobs that are already done")
    jf.add_argument("--timeout", type=float, default=None, help="seconds to wait for each job")
    jf.add_argument("--force", action="store_true", help="overwrite the output file")
    _root_arg(jf)
    _account_args(jf)
    for p in (j, jl, js, jf):
        p.set_defaults(_qdn_hardware="jobs")


# ---------------------------------------------------------------------------------------------
def _out(text: str, output: str | None, force: bool) -> None:
    if output is None:
        sys.stdout.write(text)
        return
    from ..io.atomic import atomic_write

    atomic_write(output, lambda tmp: Path(tmp).write_text(text), force=force)
    print(f"wrote {output}")


def _account(args) -> dict:
    return {"channel": getattr(args, "channel", None), "instance": getattr(args, "instance", None),
            "account": getattr(args, "account", None)}


def _default_window(n: int) -> int:
    from ..hardware.resources import default_window

    return default_window(n)


def _program(args, y, window: int, backend):
    """The program to send and, when the settings were chosen (``--error-budget`` or
    ``--schedule auto``), the :class:`~qdn.hardware.TradeChoice` that chose them."""
    from .. import hardware as hw
    from ..hardware.budget import AUTO_SCHEDULES

    auto = args.schedule == "auto" or (args.schedule is None and args.error_budget is not None)
    if not auto and args.error_budget is None:
        return hw.build_program(y, window, threshold=args.threshold, schedule=args.schedule or "exact",
                                variant=args.variant, compression=args.compression, qft_degree=args.qft_degree), None
    if args.compression or args.qft_degree:
        raise ValueError("--error-budget and --schedule auto choose the compression and the QFT degree: "
                         "do not give --compression or --qft-degree with them")
    choice = hw.choose_trades(y, backend, args.error_budget or 0.0, window=window, threshold=args.threshold,
                              variant=args.variant, schedules=AUTO_SCHEDULES if auto else (args.schedule,),
                              optimization_level=args.optimization_level)
    t = choice.trades
    print(f"chose schedule {t.schedule}, compression {t.compression:g}, QFT degree {t.qft_degree} on "
          f"{choice.report.backend}: output error {choice.error:.3g} (compression alone {choice.compression_error:.3g}, "
          f"QFT approximation alone {choice.qft_error:.3g}; budget {choice.budget:g}); ESP {choice.esp:.3g} x "
          f"success {choice.success:.3g} = {choice.useful:.3g} useful shots per shot")
    return choice.program, choice


def _resources(args) -> int:
    from .. import hardware as hw
    from ..io.signals import read_signal
    from ..hardware.resources import markdown_table, csv_table

    if args.output:
        check_output(args.output, force=args.force)
    service = None
    backends = []
    for name in args.backend:
        if not name.lower().startswith("fake") and service is None and name.lower() not in ("aer", "aer_simulator"):
            service = hw.open_service(**{k: v for k, v in _account(args).items()})
        backends.append(hw.get_backend(name, service=service))
    y = None
    if args.input:
        with reading(args.input):
            y = check_values(read_signal(args.input, args.column), str(args.input))
    elif args.schedule == "auto" or args.compression or args.qft_degree:
        raise ValueError("--schedule auto, --compression and --qft-degree need an input signal (or --error-budget "
                         "with --floor, which sweeps the bundled ECG)")
    rows, summary, sweeps = [], [], []
    for b in backends:
        if y is not None:
            window = _default_window(len(y)) if args.window is None else args.window
            program, _ = _program(args, y, window, b)
        else:
            program = hw.synthetic_program(args.size, args.window, args.variant,
                                           schedule="exact" if args.schedule in (None, "auto") else args.schedule)
        rep = hw.resource_report(program, b, stages=not args.no_stages, optimization_level=args.optimization_level,
                                 placement=_placement(args))
        rows.extend(rep.rows())
        summary.append(rep.summary())
        if args.floor is not None:
            f = hw.feasibility(b, args.floor, variant=args.variant, window=args.window, max_size=args.max_size,
                               optimization_level=args.optimization_level, error_budget=args.error_budget)
            sweeps.append({"backend": f.backend, "floor": f.floor, "max_size": f.max_size, "stopped": f.stopped,
                           "rows": f.rows(), "budget": f.error_budget})
    if args.format == "json":
        text = json.dumps({"stages": rows, "summary": summary, "feasibility": sweeps}, indent=1) + "\n"
    else:
        table = markdown_table if args.format == "markdown" else csv_table
        cols = ["backend", "n_samples", "window", "variant", "stage", "qubits", "depth", "two_qubit",
                "two_qubit_depth", "esp_gates_readout", "esp", "duration_us"]
        parts = [table(rows, cols)]
        for s in sweeps:
            parts.append(
                ("\n" if args.format == "markdown" else "")
                + f"{'**' if args.format == 'markdown' else '# '}{s['backend']}: largest N with esp >= {s['floor']:g}: "
                f"{s['max_size']}{'**' if args.format == 'markdown' else ''} ({s['stopped']})\n\n"
            )
            extra = [] if s["budget"] is None else ["schedule", "compression", "qft_degree", "error", "success", "useful"]
            parts.append(table(s["rows"], ["backend", "n_samples", "window", "variant", *extra, "qubits", "depth",
                                           "two_qubit", "two_qubit_depth", "esp_gates_readout", "esp", "feasible"]))
        text = "".join(parts)
    _out(text, args.output, args.force)
    return 0


def _load_signal(args):
    from ..data import ecg
    from ..hardware.budget import reference_signal
    from ..io.signals import read_signal
    from ..noise.signals import awgn

    if args.demo == bool(args.input):
        raise ValueError("give an input file or --demo (not both)")
    clean = None
    if args.demo:
        full = ecg()
        if args.samples > full.size:
            raise ValueError(f"--samples must be at most {full.size}, got {args.samples}")
        clean = reference_signal(args.samples)  # the segment around the R peak
        noisy = awgn(clean, 15.0, seed=args.seed)
    else:
        with reading(args.input):
            noisy = check_values(read_signal(args.input, args.column), str(args.input))
    if args.noise is not None:
        clean = noisy if clean is None else clean
        noisy = awgn(noisy, args.noise[1], seed=args.seed)
    return clean, noisy


def _write_columns(output: str, run, item: int, force: bool, clean=None) -> None:
    from ..io.signals import write_signal

    noisy = np.asarray(run.programs[item].params["signal"])
    columns = {"noisy": noisy, "denoised": run.denoised(item)}
    if clean is not None:
        columns = {"clean": np.asarray(clean), **columns}
    write_signal(output, columns, force=force)


def _item_output(output: str, item: int, n_items: int) -> str:
    if n_items == 1:
        return output
    p = Path(output)
    return str(p.with_name(f"{p.stem}-{item:03d}{p.suffix}"))


def _run(args) -> int:
    from .. import hardware as hw
    from ..classical.metrics import psnr

    if args.output is None and not args.no_wait:
        raise ValueError("give -o/--output (or --no-wait to only submit)")
    if args.output:  # before the job: a bad output must not cost QPU time
        check_output(args.output, force=args.force, suffixes=RUN_OUTPUTS)
    if args.timeout is not None and args.timeout <= 0:
        raise ValueError(f"--timeout must be positive, got {args.timeout}")
    if args.max_minutes is not None and not args.max_minutes > 0:
        raise ValueError(f"--max-minutes must be positive, got {args.max_minutes}")
    clean, noisy = _load_signal(args)
    window = _default_window(len(noisy)) if args.window is None else args.window
    backend = hw.get_backend(args.backend, **_account(args))
    program, choice = _program(args, noisy, window, backend)
    extra = {"clean": [float(v) for v in clean]} if clean is not None else {}
    if choice is not None:
        extra["trades"] = choice.summary()
    shots = program.shots_for(args.shots)  # a flag schedule keeps a fraction of the shots: send more
    if shots != args.shots:
        success = program.schedule.success_probability(program.problem.weight)
        print(f"schedule {program.schedule.name}: {shots} shots sent for about {args.shots} kept (success {success:.3g})")
    run = hw.submit(
        program, backend, shots=shots, seed=args.seed, journal=args.root,
        optimization_level=args.optimization_level, placement=_placement(args), dynamical_decoupling=args.dd,
        twirl=args.twirl, wait=not args.no_wait, timeout=args.timeout, extra=extra or None, **_account(args),
        **({} if args.max_minutes is None else {"max_seconds": 60.0 * args.max_minutes}),
    )
    print(f"run {run.run_id} on {run.record.backend} ({run.record.mode}): {run.status}; journal {Path(args.root) / run.run_id}")
    if not run.complete:
        print(f"results pending; collect them with: qdn jobs fetch {run.run_id} --root {args.root} -o OUTPUT")
        return 0
    res = run.result(0)
    flag = program.schedule.flag
    kept = program.kept_shots(res.counts)
    print(
        f"denoised {noisy.size} samples: {res.circuit.num_qubits} qubits, {res.iterations} amplification round(s), "
        f"{kept}/{res.shots} shots kept ({'flag = 1, ' if flag else ''}anc = 0)"
    )
    if clean is not None:
        print(f"PSNR noisy {psnr(clean, noisy):.2f} dB -> denoised {psnr(clean, res.denoised):.2f} dB")
    if args.output:
        _write_columns(args.output, run, 0, args.force, clean)
        print(f"wrote {args.output}")
    return 0


def _jobs_list(jnl) -> int:
    """``qdn jobs list``: a table of the readable runs, then one line per damaged run (its
    ``run.json`` and why); exit 0 either way, with a warning on stderr when some are damaged."""
    from ..hardware import scrub
    from ..hardware.resources import markdown_table

    recs, damaged = jnl.scan()
    if not recs:
        print(f"no {'readable ' if damaged else ''}runs in {jnl.root}")
    else:
        rows = [
            {"run_id": r.run_id, "created": r.created, "backend": r.backend, "mode": r.mode, "status": r.status,
             "items": len(r.items), "jobs": " ".join(j.get("job_id") or f"({j['status']})" for j in r.jobs),
             "error": (r.error or "")[:80]}
            for r in recs
        ]
        sys.stdout.write(markdown_table(rows))
    for d in damaged:
        print(scrub(f"damaged run {d.run_id}: {d.path}: {d.reason}"))
    if damaged:
        print(f"qdn: warning: {len(damaged)} damaged run(s) in {jnl.root}, listed above; repair or move them away",
              file=sys.stderr)
    return 0


def _jobs(args) -> int:
    from .. import hardware as hw
    from ..hardware.journal import Journal

    jnl = Journal(args.root)
    if args.jobs_command == "list":
        return _jobs_list(jnl)
    if args.jobs_command == "show":
        rec = jnl.get(args.run_id)
        data = dict(rec.data)
        data["items"] = [{k: v for k, v in it.items() if k != "params"} | {"params": "(kept in run.json)"}
                         for it in rec.items]
        print(json.dumps(data, indent=1))
        return 0
    # fetch
    rec = jnl.get(args.run_id)
    n = len(rec.items)
    if args.output:
        for k in range(n):
            check_output(_item_output(args.output, k, n), force=args.force, suffixes=RUN_OUTPUTS)
    run = hw.fetch(rec.run_id, journal=jnl, resubmit=True if args.resubmit else None, wait=not args.no_wait,
                   timeout=args.timeout, **_account(args))
    for note in run.notes:
        print(hw.scrub(f"note: {note}"))
    print(f"run {run.run_id} on {run.record.backend} ({run.record.mode}): {run.status}, "
          f"{len(run.counts)}/{n} item(s) with results")
    if not run.complete:
        return 0
    clean = run.record.data.get("extra", {}).get("clean")
    lines, writes = [], []
    for k in range(n):
        if run.programs[k] is None:
            lines.append(f"item {k}: a bare circuit, counts in {run.record.path / 'results'}")
            continue
        den = run.denoised(k)
        if args.output:
            out = _item_output(args.output, k, n)
            item_clean = clean if n == 1 else None
            writes.append((out, lambda p, k=k, c=item_clean: _write_columns(p, run, k, args.force, c)))
            lines.append(f"item {k}: {den.size} samples decoded; wrote {out}")
        else:
            lines.append(f"item {k}: {den.size} samples decoded (use -o to write them)")
    write_all(writes)  # all items or none
    print("\n".join(lines))
    return 0


def run(args) -> int:
    """Execute a parsed ``resources``/``run``/``jobs`` command; returns the exit code."""
    from ..hardware import scrub
    from ..hardware.journal import JournalError

    handlers = {"resources": _resources, "run": _run, "jobs": _jobs}
    try:
        return handlers[args._qdn_hardware](args)
    except (ValueError, FileExistsError, JournalError) as exc:
        print(f"qdn: error: {scrub(' '.join(str(exc).split()))}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("qdn: interrupted; submitted work is in the journal (qdn jobs list)", file=sys.stderr)
        return 130
    except Exception as exc:  # runtime failure: one line, not a traceback dump
        print(f"qdn: failed: {type(exc).__name__}: {scrub(' '.join(str(exc).split()))}", file=sys.stderr)
        return 1
