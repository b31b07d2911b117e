"""Journaled runs on IBM Quantum: submit circuits, resume them after a crash, decode the counts.

:func:`submit` transpiles circuits or qdn programs (:func:`qdn.hardware.prepare`), records them
in a :class:`~qdn.hardware.journal.Journal` before anything is sent, and sends them through the
client-side Sampler (``qiskit_ibm_runtime.executor_sampler.Sampler``, :mod:`qdn.hardware.jobs`):
in local testing mode with any fake backend (no account), or on the IBM service. Many circuits
go out in ``Batch`` (or ``Session``) mode; dynamical decoupling and twirling are passed through
(:func:`qdn.hardware.sampler_options`). :func:`fetch` resumes a run (retrieves IBM jobs by id,
or by the job tag when the id never made it to disk; resubmits local jobs) and
:class:`HardwareRun` decodes the counts into the denoised signal. :func:`run_denoise` does it all
for one signal.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from qiskit import QuantumCircuit

from ..api.results import DenoiseResult
from ..execution.backends import backend_label
from ..execution.cost import DEFAULT_MAX_SECONDS, cost_message
from ..execution.runs import circuit_estimate
from .isa import DEFAULT_OPTIMIZATION_LEVEL, DEFAULT_PLACEMENT, check_isa, prepare
from .jobs import JobRunner, job_chunks, raise_errors
from .journal import DEFAULT_ROOT, Journal, JournalError, RunRecord
from .options import sampler_options
from .program import DEFAULT_VARIANT, QdnProgram, as_program, build_program, circuit_of, program_from_params
from .service import HardwareAccessError, get_backend, is_local, one_line, open_service

__all__ = ["HardwareRun", "submit", "fetch", "run_denoise"]


@dataclass
class HardwareRun:
    """A journaled run and what is known of it.

    Attributes
    ----------
    run_id : str
    journal : Journal
    record : RunRecord
    counts : dict of int to dict
        Counts by item index (items still running are absent).
    programs : list of QdnProgram or None
        Per item, the program to decode with (``None`` for a bare circuit).
    notes : list of str
        What :func:`fetch` repaired, one line each: a damaged results file recomputed or
        downloaded again, a damaged QPY file replaced by the OpenQASM 3 one.
    """

    run_id: str
    journal: Journal
    record: RunRecord
    counts: dict[int, dict[int, int]]
    programs: list[QdnProgram | None]
    notes: list[str] = field(default_factory=list)

    @property
    def status(self) -> str:
        return self.record.status

    @property
    def complete(self) -> bool:
        return len(self.counts) == len(self.programs)

    def denoised(self, item: int = 0) -> np.ndarray:
        """Decoded signal of ``item``."""
        prog = self._program(item)
        if item not in self.counts:
            raise RuntimeError(f"item {item} of run {self.run_id} has no result yet (status {self.status})")
        return prog.decode(self.counts[item])

    def result(self, item: int = 0) -> DenoiseResult:
        """:class:`~qdn.api.results.DenoiseResult` of ``item``."""
        prog = self._program(item)
        if item not in self.counts:
            raise RuntimeError(f"item {item} of run {self.run_id} has no result yet (status {self.status})")
        return prog.result(self.counts[item], backend=self.record.backend,
                           shots=int(sum(self.counts[item].values())))

    def _program(self, item: int) -> QdnProgram:
        prog = self.programs[item]
        if prog is None:
            raise ValueError(f"item {item} of run {self.run_id} is a bare circuit: no qdn parameters to decode with")
        return prog


def _journal(journal) -> Journal:
    return journal if isinstance(journal, Journal) else Journal(journal if journal is not None else DEFAULT_ROOT)


def _run_view(journal: Journal, run_id: str, notes: list[str] | None = None) -> HardwareRun:
    rec = journal.get(run_id)
    programs = [program_from_params(m["params"]) if (m.get("params") or {}).get("signal") is not None else None
                for m in rec.items]
    return HardwareRun(rec.run_id, journal, rec, journal.counts(rec.run_id), programs, list(notes or []))


#: Extra seconds per job of qiskit-ibm-runtime's local testing mode over Aer alone: the fake
#: backend's ``run`` rebuilds the device noise model (measured: 40 s against 7 s for the compact
#: N = 16 circuit on FakeTorino, 4,000 shots).
LOCAL_MODE_OVERHEAD_S = 33.0


def check_local_cost(isa: Sequence[QuantumCircuit], shots: int, n_jobs: int, max_seconds: float | None) -> float:
    """Estimated seconds of a local-testing-mode run of the ISA circuits
    (:func:`qdn.execution.cost.estimate_seconds` per circuit, with the method Aer will pick, plus
    :data:`LOCAL_MODE_OVERHEAD_S` per job); ``ValueError`` with the cheaper choices when it
    exceeds ``max_seconds`` (None: no limit)."""
    estimates = [circuit_estimate(qc, shots) for qc in isa]
    total = n_jobs * LOCAL_MODE_OVERHEAD_S + sum(e[0] for e in estimates)
    if max_seconds is not None and total > max_seconds:
        _, method, q, gates = max(estimates)  # the costliest circuit, named in the message
        raise ValueError(cost_message(total, max_seconds, method=method, active_qubits=q, gates=gates, shots=shots))
    return total


def submit(
    programs,
    backend,
    *,
    shots: int = 4096,
    seed: int | None = None,
    journal: Journal | str | os.PathLike | None = DEFAULT_ROOT,
    optimization_level: int = DEFAULT_OPTIMIZATION_LEVEL,
    seed_transpiler: int | None = 0,
    initial_layout=None,
    placement: str | None = DEFAULT_PLACEMENT,
    execution: str = "auto",
    max_circuits_per_job: int | None = None,
    dynamical_decoupling: str | bool | None = None,
    twirl: str = "none",
    options: Mapping[str, Any] | None = None,
    wait: bool = True,
    timeout: float | None = None,
    service=None,
    channel: str | None = None,
    instance: str | None = None,
    account: str | None = None,
    extra: Mapping[str, Any] | None = None,
    max_seconds: float | None = DEFAULT_MAX_SECONDS,
) -> HardwareRun:
    """Transpile, journal, then send circuits through the client-side Sampler.

    Parameters
    ----------
    programs : QdnProgram, mapping of run parameters, QuantumCircuit, or a list of these
        One item each (a PUB); items with qdn parameters are decoded by :meth:`HardwareRun.denoised`.
    backend : BackendV2 or str
        A fake backend (local testing mode: simulated by Aer with the backend's noise model, no
        account) or an IBM backend / name (the service).
    shots, seed : int
        Shots per circuit; ``seed`` seeds the local simulator (ignored on hardware).
    journal : Journal, path or None
        Where the run is recorded (default ``./qdn-runs``).
    optimization_level, seed_transpiler, initial_layout, placement
        As in :func:`prepare`.
    execution : {"auto", "job", "batch", "session"}
        "job": every job on its own; "batch"/"session": inside a ``Batch``/``Session``;
        "auto": a ``Batch`` when there is more than one job.
    max_circuits_per_job : int, optional
        Split the items into jobs of at most this many circuits (default: one job).
    dynamical_decoupling, twirl, options
        See :func:`sampler_options`.
    wait : bool
        Wait for the results (always, in local mode: a local job dies with the process).
    timeout : float, optional
        Seconds to wait for each IBM job (then :func:`fetch` later).
    service, channel, instance, account
        The IBM service to use, or how to open it (:func:`open_service`).
    extra : mapping, optional
        Kept in the journal (e.g. the clean signal of a demo).

    Returns
    -------
    HardwareRun

    Raises
    ------
    ValueError
        Bad input (unknown backend, options, a circuit too large).
    HardwareAccessError
        Account, network or job failures, after recording them in the journal; resume with
        :func:`fetch`.
    """
    if execution not in ("auto", "job", "batch", "session"):
        raise ValueError(f"execution must be 'auto', 'job', 'batch' or 'session', got {execution!r}")
    if timeout is not None and timeout <= 0:
        raise ValueError(f"timeout must be positive, got {timeout}")
    items = [as_program(p) for p in (programs if isinstance(programs, (list, tuple)) else [programs])]
    if not items:
        raise ValueError("nothing to submit")
    backend = get_backend(backend, service=service, channel=channel, instance=instance, account=account)
    local = is_local(backend)
    opts = sampler_options(shots=shots, seed=seed, local=local, dynamical_decoupling=dynamical_decoupling,
                           twirl=twirl, options=options)
    jobs = job_chunks(len(items), max_circuits_per_job)
    circuits = [circuit_of(it) for it in items]
    isa = prepare(circuits, backend, optimization_level=optimization_level, initial_layout=initial_layout,
                  seed_transpiler=seed_transpiler, placement=placement)
    for qc in isa:
        check_isa(qc, backend)
    if local:
        check_local_cost(isa, int(shots), len(jobs), max_seconds)
    settings = {
        "shots": int(shots),
        "seed": seed,
        "optimization_level": optimization_level,
        "seed_transpiler": seed_transpiler,
        "initial_layout": None if initial_layout is None else list(initial_layout),
        "placement": placement,
        "execution": execution,
        "max_circuits_per_job": max_circuits_per_job,
        "sampler_options": opts,
        "account": {"channel": channel, "instance": instance, "name": account},
    }
    jnl = _journal(journal)
    rec = jnl.create(
        backend=backend_label(backend), mode="local" if local else "ibm", circuits=isa, jobs=jobs,
        params=[it.params if isinstance(it, QdnProgram) else None for it in items],
        settings=settings, extra=extra,
    )
    ex = JobRunner(jnl, rec.run_id, backend, execution=execution, timeout=timeout)
    ex.run(list(range(len(jobs))), wait=wait or local)
    view = _run_view(jnl, rec.run_id)
    # the programs we already hold are the same ones; keep them (their circuits are built)
    view.programs = [it if isinstance(it, QdnProgram) else None for it in items]
    return view


def fetch(
    run_id: str,
    *,
    journal: Journal | str | os.PathLike | None = DEFAULT_ROOT,
    backend=None,
    service=None,
    channel: str | None = None,
    instance: str | None = None,
    account: str | None = None,
    resubmit: bool | None = None,
    wait: bool = True,
    timeout: float | None = None,
) -> HardwareRun:
    """Resume run ``run_id`` (or a unique prefix/suffix of it) and collect its counts.

    For each job without results: an IBM job is retrieved by its id, or, when the id never
    reached the journal (crash during submission), by its job tag; a job the service never
    received is resubmitted only with ``resubmit=True``. Local jobs do not outlive their process,
    so unfinished local jobs are resubmitted (``resubmit`` defaults to True in local mode) from
    the recorded ISA circuits and options.

    A job whose results file is missing or damaged (:meth:`Journal.damaged_results`) is done
    again: a local job is resubmitted (same rule as an unfinished one) from its stored circuit
    (QPY, else OpenQASM 3); an IBM job is retrieved again by its id and its counts saved again
    (resubmitted only under the rules above). :attr:`HardwareRun.notes` says what was repaired.

    Returns
    -------
    HardwareRun
        ``complete`` when every item has counts; :meth:`HardwareRun.denoised` decodes them.

    Raises
    ------
    JournalError
        The run is unknown or its ``run.json`` is damaged, or a job must be resubmitted and
        neither stored file of one of its circuits is intact; the message names the files.
    HardwareAccessError
        Account, network or job failures (the first one names a damaged results file that could
        not be saved again).
    """
    jnl = _journal(journal)
    rec = jnl.get(run_id)
    run_id = rec.run_id
    local = rec.mode == "local"
    resubmit = local if resubmit is None else bool(resubmit)
    damaged = jnl.damaged_results(run_id)
    todo = [j["index"] for j in rec.jobs
            if j["status"] != "done" or any(not rec.items[i].get("result") or i in damaged for i in j["items"])]
    if not todo:
        return _run_view(jnl, run_id)
    acct = rec.data["settings"].get("account", {}) or {}
    channel = channel or acct.get("channel")
    instance = instance or acct.get("instance")
    account = account or acct.get("name")
    settings = rec.data["settings"]

    if local:
        return _fetch_local(jnl, rec, todo, damaged, backend, resubmit=resubmit, timeout=timeout)

    service = service or open_service(channel=channel, instance=instance, account=account)
    errors, unsent = _collect_service_jobs(jnl, run_id, todo, service, resubmit=resubmit, wait=wait, timeout=timeout)
    notes: list[str] = []
    if unsent:
        if not resubmit:
            errors.append(
                f"job(s) {unsent} of run {run_id} never reached the service; fetch with resubmit=True "
                "(CLI: --resubmit) to send them"
            )
        else:
            notes += _resubmit_notes(jnl, rec, unsent, {})
            backend = get_backend(backend if backend is not None else rec.backend, service=service)
            try:
                JobRunner(jnl, run_id, backend, execution=settings.get("execution", "auto"),
                          timeout=timeout).run(unsent, wait=wait)
            except HardwareAccessError as exc:
                errors.append(str(exc))
    notes += _saved_again_notes(jnl, run_id, damaged, errors)
    raise_errors(errors)
    return _run_view(jnl, run_id, notes)


def _fetch_local(jnl: Journal, rec: RunRecord, todo: list[int], damaged: Mapping[int, str], backend, *,
                 resubmit: bool, timeout: float | None) -> HardwareRun:
    """Run the jobs ``todo`` of the local run ``rec`` again (local jobs die with their process)."""
    if not resubmit:
        detail = next(iter(damaged.values())) if damaged else "not finished"
        raise HardwareAccessError(
            f"run {rec.run_id} was simulated locally and its job(s) {todo} must run again ({detail}); local jobs "
            "do not survive their process: fetch with resubmit=True (CLI: --resubmit)"
        )
    notes = _resubmit_notes(jnl, rec, todo, damaged)
    backend = get_backend(backend if backend is not None else rec.backend)
    JobRunner(jnl, rec.run_id, backend, execution=rec.data["settings"].get("execution", "auto"),
              timeout=timeout).run(todo, wait=True)
    return _run_view(jnl, rec.run_id, notes)


def _resubmit_notes(jnl: Journal, rec: RunRecord, jobs: list[int], damaged: Mapping[int, str]) -> list[str]:
    """Check that the circuits of ``jobs`` can be read back before they are sent again; one note per
    damaged results file they recompute and per damaged circuit file replaced by the other one.

    Raises JournalError naming the files when neither stored file of a circuit is intact."""
    notes: list[str] = []
    for b in jobs:
        for i in rec.jobs[b]["items"]:
            try:
                _, source, problems = jnl.load_circuit(rec.run_id, i)
            except JournalError as exc:
                lead = (f"{damaged[i]}, and it cannot be recomputed" if i in damaged
                        else f"job {b} of run {rec.run_id} cannot be sent again")
                raise JournalError(f"{lead}: {exc}") from None
            notes += [f"{p}; used {source}" for p in problems]
            if i in damaged:
                notes.append(f"{damaged[i]}; recomputed from {source}")
    return notes


def _saved_again_notes(jnl: Journal, run_id: str, damaged: Mapping[int, str], errors: list[str]) -> list[str]:
    """After the IBM jobs were retrieved again: one note per damaged results file saved again; the
    files still damaged are named at the head of the first error."""
    if not damaged:
        return []
    still = jnl.damaged_results(run_id)
    if still and errors:
        errors[0] = f"{'; '.join(still.values())}; {errors[0]}"
    job_of = {i: row.get("job_id") for row in jnl.get(run_id).jobs for i in row["items"]}
    return [f"{why}; saved again from job {job_of[i]}" for i, why in sorted(damaged.items()) if i not in still]


def _service_job(service, jnl: Journal, run_id: str, b: int, row: Mapping[str, Any]):
    """The IBM job of job ``b`` of the run and its status name (``(None, None)`` when the service
    never received it): by its id, or by its tag when the id never reached the journal."""
    job = None
    if row.get("job_id"):
        job = service.job(row["job_id"])
    else:  # the service may hold it although its id never reached the journal
        found = service.jobs(job_tags=[row["tag"]], limit=2)
        if found:
            job = found[0]
            jnl.update_job(run_id, b, status="submitted", job_id=job.job_id(), error=None)
    status = None if job is None else str(job.status()).rsplit(".", 1)[-1]
    return job, status


def _collect_service_jobs(
    jnl: Journal, run_id: str, todo: list[int], service, *, resubmit: bool, wait: bool, timeout: float | None
) -> tuple[list[str], list[int]]:
    """Retrieve the IBM jobs ``todo`` of the run and save the counts of those that are done.

    Returns the errors and the jobs to send again (never received by the service, or, with
    ``resubmit``, ended in error or cancelled)."""
    errors: list[str] = []
    unsent: list[int] = []
    ex = JobRunner(jnl, run_id, None, execution="job", timeout=timeout, local=False)
    for b in todo:
        row = jnl.get(run_id).jobs[b]
        try:
            job, status = _service_job(service, jnl, run_id, b, row)
        except Exception as exc:  # noqa: BLE001
            errors.append(f"cannot retrieve job {b} of run {run_id}: {one_line(exc)}")
            continue
        if job is None:
            unsent.append(b)
            continue
        if status in ("ERROR", "CANCELLED"):
            if resubmit:
                unsent.append(b)
                continue
            msg = (f"job {b} ({job.job_id()}) of run {run_id} ended {status}: "
                   f"{one_line(getattr(job, 'error_message', lambda: '')() or 'no message')}; "
                   "resend it with resubmit=True (CLI: --resubmit)")
            jnl.update_job(run_id, b, status="failed", error=msg)
            errors.append(msg)
            continue
        if not wait and status != "DONE":
            continue  # still queued or running
        ex.collect(b, job, jnl.get(run_id), errors)
    return errors, unsent


def run_denoise(
    signal,
    backend,
    window: int = 16,
    *,
    threshold="auto",
    schedule: str = "exact",
    variant: str = DEFAULT_VARIANT,
    shots: int = 4096,
    seed: int | None = 0,
    journal: Journal | str | os.PathLike | None = DEFAULT_ROOT,
    **kwargs: Any,
) -> tuple[DenoiseResult, HardwareRun]:
    """Denoise ``signal`` on ``backend`` through the runtime Sampler, journaled.

    ``kwargs`` go to :func:`build_program` (``encoding``, ``two_sided``, ``pad``, ``mean_bits``,
    ``floor``, ``min_weight``, ``delta``) or to :func:`submit` (everything else).

    Returns
    -------
    (DenoiseResult, HardwareRun)
    """
    prog_keys = {"encoding", "two_sided", "pad", "mean_bits", "floor", "min_weight", "delta"}
    prog = build_program(signal, window, threshold=threshold, schedule=schedule, variant=variant,
                         **{k: v for k, v in kwargs.items() if k in prog_keys})
    run = submit(prog, backend, shots=shots, seed=seed, journal=journal,
                 **{k: v for k, v in kwargs.items() if k not in prog_keys})
    return run.result(0), run
