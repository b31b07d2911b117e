"""A batch on an IBM backend (or a ``fake_*`` model): the signals of many files as the items of
one journaled run, sent as jobs inside one ``qiskit_ibm_runtime.Batch``, as ``qdn run`` sends
one signal (:func:`qdn.hardware.submit`, execution ``"batch"``).

The workers only read the files (:func:`prepare_signal`: paths and options in, samples out);
the driver builds the programs, transpiles, journals and submits them, waits, and writes the
outputs. The account stays in the driver: no token travels to a worker. The manifest records
each item as ``submitted`` with its run id and item index before waiting, so a rerun of a batch
killed while its jobs ran collects them from the journal (:func:`qdn.hardware.fetch`) instead
of sending them again.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..cli.args import add_noise
from ..cli.files import check_values, is_image_file, numerics, reading
from .manifest import file_sha256
from .outputs import clear_staging, publish, staged_path
from .task import ItemSpec, error_line

__all__ = ["RUN_OUTPUTS", "PreparedSignal", "prepare_signal", "run_campaign", "check_backend_name"]

#: Output suffixes of a hardware item (those of ``qdn run``).
RUN_OUTPUTS = (".csv", ".txt", ".npy", ".wav")


@dataclass
class PreparedSignal:
    """What a worker sends back for one hardware item: the samples to denoise, or an error."""

    rel: str
    noisy: np.ndarray | None = None
    clean: np.ndarray | None = None
    error: str | None = None


def prepare_signal(spec: ItemSpec) -> PreparedSignal:
    """Read and check the signal of ``spec`` (noise added as ``--noise`` says); never raises."""
    o = spec.options
    try:
        with reading(spec.input):
            if is_image_file(spec.input):
                raise ValueError(f"{spec.input}: an image; IBM backends take signals (as qdn run does)")
        suffix = Path(spec.output).suffix.lower()
        if suffix not in RUN_OUTPUTS:
            raise ValueError(f"unsupported output format {suffix!r} for {spec.output} on an IBM backend; "
                             f"valid: {', '.join(RUN_OUTPUTS)}")
        from ..io.signals import read_signal

        with reading(spec.input):
            y = check_values(read_signal(spec.input, o["column"]), spec.input)
        if o["noise"] is None:
            return PreparedSignal(spec.rel, noisy=y)
        with numerics(y, spec.input):
            return PreparedSignal(spec.rel, noisy=add_noise(y, tuple(o["noise"]), o["seed"]), clean=y)
    except Exception as exc:  # noqa: BLE001 - one failed item
        return PreparedSignal(spec.rel, error=error_line(exc))


def check_backend_name(name: str) -> None:
    """Refuse an unknown ``fake_*`` model before anything is written (``ValueError``: bad usage);
    an IBM name is checked when the service is opened, and only when there is work to send."""
    if name.lower().startswith("fake"):
        from .. import hardware as hw

        hw.get_backend(name)


def _programs(prepared: list[PreparedSignal], opts: dict, rec, planned) -> tuple[list, list]:
    """Programs of the prepared signals (an item whose program cannot be built fails)."""
    from .. import hardware as hw
    from ..hardware.resources import default_window

    progs, kept = [], []
    for prep in prepared:
        n = prep.noisy.size
        window = default_window(n) if opts["window"] in (None, "auto") else opts["window"]
        try:
            progs.append(hw.build_program(prep.noisy, window, threshold=opts["threshold"], schedule=opts["schedule"],
                                          variant=opts["variant"] or hw.DEFAULT_VARIANT))
        except Exception as exc:  # noqa: BLE001
            rec.fail(planned[prep.rel], error_line(exc))
            continue
        kept.append(prep)
    return progs, kept


def _submit(progs, kept, opts: dict, rec, planned, *, root, circuits_per_job: int, backend) -> str | None:
    """Journal and send the programs in one Batch; each item recorded ``submitted``."""
    from .. import hardware as hw

    extra = {"batch": [{"input": p.rel, "clean": None if p.clean is None else [float(v) for v in p.clean]}
                       for p in kept]}
    try:
        run = hw.submit(progs, backend, shots=opts["shots"] or 4096, seed=opts["seed"], journal=root,
                        execution="batch", max_circuits_per_job=circuits_per_job, wait=False, extra=extra)
    except Exception as exc:  # noqa: BLE001 - every item of the run failed the same way
        for p in kept:
            rec.fail(planned[p.rel], error_line(exc))
        return None
    for k, p in enumerate(kept):
        rec.record(planned[p.rel], status="submitted", run_id=run.run_id, item=k, backend=run.record.backend)
    return run.run_id


def _collect(run_id: str, items: dict[int, Any], rec, out: Path, *, root) -> None:
    """Wait for run ``run_id``, then write and record its items (``{item index: Planned}``)."""
    from .. import hardware as hw
    from ..io.signals import write_signal

    try:
        run = hw.fetch(run_id, journal=root, wait=True)
    except Exception as exc:  # noqa: BLE001 - the jobs stay journaled: the items stay "submitted"
        for p in items.values():
            rec.fail(p, f"{error_line(exc)} (run {run_id}: rerun to collect it)", record=False)
        return
    cleans = {e["input"]: e.get("clean") for e in run.record.data.get("extra", {}).get("batch", [])}
    for k, p in items.items():
        t0 = time.perf_counter()
        staged = staged_path(out, p.item.rel)
        try:
            columns = {"noisy": np.asarray(run.programs[k].params["signal"]), "denoised": run.denoised(k)}
            if cleans.get(p.item.rel) is not None:
                columns = {"clean": np.asarray(cleans[p.item.rel]), **columns}
            Path(staged).parent.mkdir(parents=True, exist_ok=True)
            write_signal(staged, columns, force=True)
            rec.record(p, status="done", output_sha=file_sha256(staged), seconds=time.perf_counter() - t0,
                       run_id=run_id, item=k, kind="signal")
            publish(staged, p.output, overwrite=p.overwrite)
        except Exception as exc:  # noqa: BLE001
            rec.fail(p, error_line(exc))
            continue
        rec.summary.done.append(p.item.rel)


def run_campaign(todo: list, opts: dict, rec, out: Path, *, workers, scheduler, client, root,
                 circuits_per_job: int) -> None:
    """Send the signals of ``todo`` to the backend ``opts["backend"]`` as one journaled Batch,
    collect the results, write the outputs; items submitted by an earlier run are collected."""
    from .driver import open_client, run_tasks

    clear_staging(out)
    planned = {p.item.rel: p for p in todo}
    runs: dict[str, dict[int, Any]] = {}
    fresh = []
    for p in todo:
        last = rec.manifest.latest(p.item.rel) or {}
        if p.action == "resume" and last.get("run_id"):
            runs.setdefault(last["run_id"], {})[int(last["item"])] = p
        else:
            fresh.append(p)
    prepared: list[PreparedSignal] = []
    backend = None
    if fresh:
        from .. import hardware as hw

        # once, before any file is read: an unknown name is bad usage, a missing account a failure
        backend = hw.get_backend(opts["backend"])
        specs = [ItemSpec(p.item.rel, p.item.path, p.output, staged_path(out, p.item.rel), opts) for p in fresh]
        with open_client(client, workers, scheduler, len(specs)) as c:
            rec.summary.workers = len(c.nthreads())

            def keep(spec, res: PreparedSignal) -> None:
                if res.error:
                    rec.fail(planned[spec.rel], res.error)
                else:
                    prepared.append(res)

            run_tasks(c, prepare_signal, specs, on_result=keep,
                      on_error=lambda spec, exc: rec.fail(planned[spec.rel], error_line(exc)), desc="qdn batch: read")
    prepared.sort(key=lambda p: p.rel)
    progs, kept = _programs(prepared, opts, rec, planned)
    if progs:
        run_id = _submit(progs, kept, opts, rec, planned, root=root, circuits_per_job=circuits_per_job,
                         backend=backend)
        if run_id is not None:
            runs[run_id] = {k: planned[p.rel] for k, p in enumerate(kept)}
    for run_id, items in runs.items():
        _collect(run_id, items, rec, out, root=root)
    clear_staging(out)
