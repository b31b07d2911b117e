"""``qdn.batch.denoise_files``: many files denoised on Dask, resumable, with the results of
``qdn denoise`` run file by file.

One run: find the inputs (:mod:`~qdn.batch.discovery`), read the manifest and decide each
item's action (:mod:`~qdn.batch.plan`), send the items to be done to the workers
(:mod:`~qdn.batch.driver`, :func:`~qdn.batch.task.denoise_item`), and as each one finishes
record it in the manifest and put its output in place (:mod:`~qdn.batch.outputs`). A backend
of the IBM service (or a ``fake_*`` model) makes the batch a hardware campaign
(:mod:`~qdn.batch.campaign`).
"""

from __future__ import annotations

import datetime as _dt
import os
import sys
import time
from collections.abc import Mapping
from importlib import metadata
from pathlib import Path
from typing import Any

from .discovery import discover
from .manifest import MANIFEST_NAME, Manifest, options_key
from .outputs import clear_staging, exclusive, publish, staged_path
from .plan import Planned, plan_items
from .summary import BatchSummary
from .task import ItemResult, ItemSpec, denoise_item, error_line

__all__ = ["DEFAULT_OPTIONS", "denoise_files", "resolve_options", "is_hardware_backend"]

#: The options of ``qdn denoise`` a batch applies to every file, with their defaults.
DEFAULT_OPTIONS: dict[str, Any] = dict(
    method="qdn", wavelet=None, anonymize=False, column=None, window=None, shifts="auto", spin=None,
    boundary="reflect", noise_model="gaussian", threshold="auto", schedule="exact", variant=None, backend=None,
    shots=None, noise=None, seed=0,
)


def resolve_options(options: Mapping[str, Any]) -> dict[str, Any]:
    """:data:`DEFAULT_OPTIONS` updated with ``options``; ``TypeError`` for an unknown name."""
    unknown = sorted(set(options) - set(DEFAULT_OPTIONS))
    if unknown:
        raise TypeError(f"unknown option(s) {', '.join(unknown)}; valid: {', '.join(DEFAULT_OPTIONS)}")
    out = {**DEFAULT_OPTIONS, **options}
    if out["noise"] is not None:
        out["noise"] = (str(out["noise"][0]), float(out["noise"][1]))
    return out


def is_hardware_backend(backend: Any) -> bool:
    """A backend name that is not one of the simulators of ``qdn denoise``: an IBM backend or a
    ``fake_*`` model, run through the journaled runtime Sampler as ``qdn run`` does."""
    from ..execution.backends import BACKEND_NAMES

    return isinstance(backend, str) and backend not in BACKEND_NAMES


def _version() -> str:
    try:
        return metadata.version("qdn")
    except metadata.PackageNotFoundError:  # pragma: no cover - a source tree without install
        return "unknown"


def _now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")


def _say(line: str) -> None:
    from tqdm import tqdm

    tqdm.write(line, file=sys.stderr)


class _Recorder:
    """Records finished items (manifest line first, then the output put in place)."""

    def __init__(self, manifest: Manifest, planned: dict[str, Planned], options: dict, okey: str,
                 summary: BatchSummary, echo: bool):
        self.manifest, self.planned, self.options, self.okey = manifest, planned, options, okey
        self.summary, self.echo = summary, echo

    def record(self, p: Planned, *, status: str, error: str | None = None, output_sha: str | None = None,
               seconds: float = 0.0, **extra: Any) -> None:
        self.manifest.append({"input": p.item.rel, "path": p.item.path, "sha256": p.sha256, "options": self.options,
                              "options_key": self.okey, "output": p.output, "output_sha256": output_sha,
                              "status": status, "error": error, "seconds": round(seconds, 3), "time": _now(), **extra})

    def fail(self, p: Planned, line: str, seconds: float = 0.0, *, record: bool = True) -> None:
        """Report item ``p`` failed (one line); ``record=False`` keeps its manifest line as it is
        (a submitted hardware job whose results could not be collected: a rerun collects it)."""
        if record:
            self.record(p, status="failed", error=line, seconds=seconds)
        self.summary.failed[p.item.rel] = line
        if self.echo:
            _say(line if p.item.path in line else f"{p.item.path}: {line}")

    def finish(self, spec: ItemSpec, res: ItemResult) -> None:
        p = self.planned[spec.rel]
        self.summary.work_seconds += res.seconds
        if not res.ok:
            self.fail(p, res.error or "qdn: failed: unknown error", res.seconds)
            return
        self.record(p, status="done", output_sha=res.output_sha256, seconds=res.seconds, kind=res.kind,
                    warning=res.warning)
        try:
            publish(spec.staged, p.output, overwrite=p.overwrite)
        except (OSError, FileExistsError) as exc:
            self.fail(p, error_line(exc))
            return
        self.summary.done.append(p.item.rel)

    def lost(self, spec: ItemSpec, exc: BaseException) -> None:
        self.fail(self.planned[spec.rel], f"qdn: failed: {type(exc).__name__}: {' '.join(str(exc).split())}")


def _check_out_dir(out_dir: Path) -> None:
    if out_dir.exists() and not out_dir.is_dir():
        raise ValueError(f"output folder {out_dir} is not a directory")


def denoise_files(source: str | os.PathLike, out_dir: str | os.PathLike, *, workers: int | None = None,
                  scheduler: str | None = None, client=None, dry_run: bool = False, force: bool = False,
                  echo: bool = True, root: str | os.PathLike = "qdn-runs", circuits_per_job: int = 1,
                  **options: Any) -> BatchSummary:
    """Denoise every input of ``source`` into ``out_dir`` on Dask, as ``qdn denoise`` would
    file by file; resumable through the manifest ``out_dir/qdn-batch.jsonl``.

    Parameters
    ----------
    source : path or str
        A folder (recursively), a glob, or a list file (:func:`qdn.batch.discovery.discover`).
    out_dir : path
        The output folder; the output of ``IN/a/b.csv`` is ``out_dir/a/b.csv``.
    workers : int, optional
        Worker processes of the local cluster (default: the cores).
    scheduler : str, optional
        Address of a running Dask scheduler (``tcp://host:8786``) instead of a local cluster.
    client : distributed.Client, optional
        A client to use as it is (not closed).
    dry_run : bool
        Only decide what would be done; write nothing.
    force : bool
        Replace existing outputs that are not the batch's own.
    echo : bool
        Print one line per failed item (stderr) and a progress bar on a terminal.
    root, circuits_per_job
        IBM backends only: the journal folder (as ``qdn run --root``) and the circuits per job
        of the one ``Batch`` the files' jobs are sent in (default 1: one job per file).
    **options
        The options of ``qdn denoise`` (:data:`DEFAULT_OPTIONS`): ``method``, ``window``, ...

    Returns
    -------
    BatchSummary
    """
    t0 = time.perf_counter()
    opts = resolve_options(options)
    out = Path(out_dir)
    _check_out_dir(out)
    items = discover(source, exclude=[out])
    if is_hardware_backend(opts["backend"]):
        from .campaign import check_backend_name

        check_backend_name(opts["backend"])
    okey = options_key({**opts, "qdn": _version()})
    path = out / MANIFEST_NAME
    if dry_run:  # read only: no lock, no folder, no repair of the manifest
        manifest = Manifest(path).load(repair=False)
        planned = {p.item.rel: p for p in plan_items(items, out, manifest, okey, force=force)}
        summary = BatchSummary(planned={k: p.action for k, p in planned.items()}, dry_run=True)
        summary.skipped = [k for k, p in planned.items() if p.action == "skip"]
        summary.seconds = time.perf_counter() - t0
        return summary
    with exclusive(out):  # one batch per output folder; the manifest is read under the lock
        manifest = Manifest(path).load()
        planned = {p.item.rel: p for p in plan_items(items, out, manifest, okey, force=force)}
        summary = BatchSummary(planned={k: p.action for k, p in planned.items()}, manifest=path)
        summary.skipped = [k for k, p in planned.items() if p.action == "skip"]
        rec = _Recorder(manifest, planned, _jsonable(opts), okey, summary, echo)
        todo = []
        for p in planned.values():
            if p.action == "skip":
                continue
            if p.blocked:
                rec.fail(p, p.blocked)
            else:
                todo.append(p)
        if is_hardware_backend(opts["backend"]):
            from .campaign import run_campaign

            run_campaign(todo, opts, rec, out, workers=workers, scheduler=scheduler, client=client, root=root,
                         circuits_per_job=circuits_per_job)
        else:
            _run_local(todo, opts, rec, out, workers=workers, scheduler=scheduler, client=client)
    summary.seconds = time.perf_counter() - t0
    return summary


def _jsonable(opts: dict) -> dict:
    return {k: (list(v) if isinstance(v, tuple) else v) for k, v in opts.items()}


def _run_local(todo: list[Planned], opts: dict, rec: _Recorder, out: Path, *, workers, scheduler, client) -> None:
    """Denoise ``todo`` on the workers (simulators and classical methods)."""
    from .driver import open_client, run_tasks

    if not todo:
        return
    clear_staging(out)
    specs = [ItemSpec(p.item.rel, p.item.path, p.output, staged_path(out, p.item.rel), opts, rec.okey) for p in todo]
    with open_client(client, workers, scheduler, len(todo)) as c:
        rec.summary.workers = len(c.nthreads())
        run_tasks(c, denoise_item, specs, on_result=rec.finish, on_error=rec.lost, desc="qdn batch")
    clear_staging(out)
