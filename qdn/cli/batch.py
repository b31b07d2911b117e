"""``qdn batch IN -o OUT_DIR``: every file of a folder, glob or list denoised on Dask.

Registered by :mod:`qdn.cli.main` (:func:`add_subcommand`, which receives the function that adds
the options of ``qdn denoise``, so both commands take the same ones); :func:`run` returns the
exit code: 0 when every item is done or skipped, 1 when an item failed (each failure is one
line on stderr, the line ``qdn denoise`` prints), 2 for bad usage (raised as ``ValueError`` for
:mod:`qdn.cli.main` to print), 130 when interrupted (rerun to resume). The work is :func:`qdn.batch.denoise_files`.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

from .args import positive_int

__all__ = ["add_subcommand", "run"]


def add_subcommand(subparsers, denoise_options: Callable[[argparse.ArgumentParser], None]) -> None:
    """Add ``batch`` to the ``qdn`` sub-parsers, with the options ``denoise_options`` adds."""
    b = subparsers.add_parser(
        "batch", help="denoise every file of a folder, glob or list on Dask (resumable)",
        description="Denoise every signal and image of IN (a folder, searched recursively; a glob in quotes; or a "
        "text file listing one path a line) into OUT_DIR, with the options of qdn denoise; the output of IN/a/b.csv "
        "is OUT_DIR/a/b.csv. A manifest (OUT_DIR/qdn-batch.jsonl) records each finished item: a rerun skips "
        "them and redoes failed or changed ones. An IBM backend name (or fake_*) for --backend runs the signals "
        "as one journaled Batch of jobs, as qdn run does.",
    )
    b.add_argument("input", help="a folder, a glob (quote it) or a list file")
    b.add_argument("-o", "--output-dir", dest="output_dir", required=True, help="output folder")
    denoise_options(b)
    g = b.add_argument_group("Dask")
    g.add_argument("--workers", type=positive_int, default=None, help="worker processes of the local cluster "
                   "(default: the cores)")
    g.add_argument("--scheduler", default=None, help="address of a running Dask scheduler (tcp://host:8786) "
                   "instead of a local cluster")
    g.add_argument("--dry-run", action="store_true", help="say what would be done; write nothing")
    h = b.add_argument_group("IBM backends (--backend NAME)")
    h.add_argument("--root", default="qdn-runs", help="journal directory (default ./qdn-runs)")
    h.add_argument("--circuits-per-job", type=positive_int, default=1,
                   help="circuits per job of the Batch (default 1: one job per file)")


def _options(args) -> dict:
    from ..batch import DEFAULT_OPTIONS

    return {k: getattr(args, k) for k in DEFAULT_OPTIONS}


def _dry_run_lines(summary) -> str:
    words = {"skip": "skip (done)", "new": "denoise", "changed": "denoise (input changed)",
             "options": "denoise (options changed)", "retry": "denoise (failed before)",
             "redo": "denoise (output gone or changed)", "resume": "collect (hardware job submitted)"}
    return "".join(f"{words.get(a, a)}: {rel}\n" for rel, a in summary.planned.items())


def run(args) -> int:
    """Execute a parsed ``qdn batch``; the exit code."""
    from ..batch import denoise_files

    if args.workers is not None and args.scheduler:
        raise ValueError("--workers sizes the local cluster; with --scheduler the cluster has its own workers")
    try:
        summary = denoise_files(args.input, args.output_dir, workers=args.workers, scheduler=args.scheduler,
                                dry_run=args.dry_run, force=args.force, root=args.root,
                                circuits_per_job=args.circuits_per_job, **_options(args))
    except KeyboardInterrupt:  # finished items are in the manifest; nothing partial is left
        print("qdn: interrupted; run the same command again to resume", file=sys.stderr)
        return 130
    if args.dry_run:
        print(_dry_run_lines(summary), end="")
    print(summary.table(), end="")
    return 0 if summary.ok else 1
