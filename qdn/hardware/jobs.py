"""Sending journaled jobs through the client-side Sampler and saving their counts.

A :class:`JobRunner` opens the execution mode (single jobs, a ``Batch`` or a ``Session``), marks
each job in the :class:`~qdn.hardware.journal.Journal` before it is sent and after, waits for
results and saves the counts of every item (:meth:`JobRunner.collect`). Failures are recorded
in the journal, then raised as one :class:`~qdn.hardware.HardwareAccessError`; the run can be
resumed with :func:`qdn.hardware.fetch`.
"""

from __future__ import annotations

import copy
import json
import sys
from collections.abc import Mapping, Sequence
from typing import Any

from ..common.progress import progress
from .journal import Journal, RunRecord
from .options import merge_options
from .service import HardwareAccessError, is_local, one_line, scrub

__all__ = ["JobRunner", "queue_report", "job_chunks", "counts_of", "decode_result", "result_metadata", "raise_errors"]


def job_chunks(n: int, size: int | None) -> list[list[int]]:
    """Item indices ``0 .. n-1`` in jobs of at most ``size`` (one job when ``size`` is None or 0)."""
    size = n if not size else int(size)
    if size < 1:
        raise ValueError(f"max_circuits_per_job must be a positive integer, got {size}")
    return [list(range(i, min(n, i + size))) for i in range(0, n, size)]


def counts_of(pub_result) -> dict[int, int]:
    """Integer counts of the ``meas`` register (else of all registers joined) of one PUB result."""
    data = pub_result.data
    bits = getattr(data, "meas", None)
    if bits is None:
        bits = pub_result.join_data()
    return {int(k): int(v) for k, v in bits.get_int_counts().items()}


def decode_result(raw):
    """A PrimitiveResult from what ``job.result()`` gave (a retrieved executor job may give the
    raw QuantumProgramResult)."""
    if hasattr(raw, "__getitem__") and len(raw) and hasattr(raw[0], "data"):
        return raw
    from qiskit_ibm_runtime.decoders.executor_sampler.decoder import ClientSideSamplerResultDecoder

    return ClientSideSamplerResultDecoder.decode(raw)


def result_metadata(result) -> dict[str, Any]:
    """The JSON-serialisable part of a result's metadata (the options the executor applied)."""
    md = getattr(result, "metadata", None)
    out: dict[str, Any] = {}
    if isinstance(md, Mapping) and isinstance(md.get("options"), Mapping):
        try:
            out["options"] = json.loads(json.dumps(md["options"]))
        except (TypeError, ValueError):
            pass
    return out


def raise_errors(errors: Sequence[str]) -> None:
    """Raise the first of ``errors`` (saying how many more there are) as a
    :class:`~qdn.hardware.HardwareAccessError`; nothing when there are none."""
    if errors:
        raise HardwareAccessError(errors[0] + (f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""))


def queue_report(backend, job) -> str:
    """One line on a submitted IBM job: the backend's queue (``backend.status().pending_jobs``)
    and the runtime's own QPU-time estimate (``job.usage_estimation["quantum_seconds"]``) where
    the service offers them; what it does not offer is said as unknown, never guessed."""
    try:
        queue = f"{int(backend.status().pending_jobs)} job(s) queued"
    except Exception:  # noqa: BLE001 - a status the service does not give is reported as unknown
        queue = "queue unknown"
    try:
        seconds = float((job.usage_estimation or {})["quantum_seconds"])
        qpu = f"estimated QPU time {seconds:.1f} s"
    except Exception:  # noqa: BLE001
        qpu = "no QPU-time estimate from the service"
    return scrub(f"submitted job {job.job_id()} to {getattr(backend, 'name', backend)}: {queue}; {qpu}")


class JobRunner:
    """Opens the execution mode (job, batch or session) and submits/waits for jobs."""

    def __init__(self, journal: Journal, run_id: str, backend, *, execution: str, timeout: float | None,
                 local: bool | None = None):
        self.journal, self.run_id, self.backend = journal, run_id, backend
        self.execution, self.timeout = execution, timeout
        self.local = is_local(backend) if local is None else local

    def _sampler(self, mode, options: dict):
        from qiskit_ibm_runtime.executor_sampler import Sampler

        return Sampler(mode=mode, options=options)

    def run(self, job_indices: Sequence[int], *, wait: bool) -> None:
        """Submit the jobs ``job_indices`` of the run; wait for them (always in local mode)."""
        from qiskit_ibm_runtime import Batch, Session

        if not job_indices:
            return
        rec = self.journal.get(self.run_id)
        settings = rec.data["settings"]
        circuits = {}
        for b in job_indices:
            for i in rec.jobs[b]["items"]:
                circuits[i] = self.journal.circuit(self.run_id, i)
        use_ctx = self.execution in ("batch", "session") or (self.execution == "auto" and len(job_indices) > 1)
        ctx_cls = Session if self.execution == "session" else Batch
        errors: list[str] = []
        if use_ctx:
            try:
                ctx = ctx_cls(backend=self.backend)
            except Exception as exc:  # noqa: BLE001
                raise HardwareAccessError(f"cannot open a {ctx_cls.__name__.lower()}: {one_line(exc)}") from None
            with ctx:
                handles = self._submit_all(job_indices, rec, settings, circuits, ctx, errors)
        else:
            handles = self._submit_all(job_indices, rec, settings, circuits, self.backend, errors)
        if wait or self.local:
            for b, job in progress(handles, desc=f"jobs of run {self.run_id}", unit="job", min_items=1):
                self.collect(b, job, rec, errors)
        raise_errors(errors)

    def _submit_all(self, job_indices, rec: RunRecord, settings, circuits, mode, errors: list[str]):
        handles = []
        for b in job_indices:
            row = rec.jobs[b]
            opts = merge_options(copy.deepcopy(settings.get("sampler_options", {})),
                                 {"environment": {"job_tags": [row["tag"]]}})
            if self.local and "simulator" in opts and opts["simulator"].get("seed_simulator") is not None:
                opts["simulator"]["seed_simulator"] = int(opts["simulator"]["seed_simulator"]) + b
            pubs = [circuits[i] for i in row["items"]]
            history = list(row.get("previous_job_ids") or []) + ([row["job_id"]] if row.get("job_id") else [])
            self.journal.update_job(self.run_id, b, status="pending", job_id=None, previous_job_ids=history,
                                    attempts=int(row.get("attempts", 0)) + 1)
            try:
                sampler = self._sampler(mode, opts)
                job = sampler.run(pubs, shots=int(settings["shots"]))
                job_id = job.job_id()
            except Exception as exc:  # noqa: BLE001 - recorded, then reported in one line
                msg = f"submitting job {b} of run {self.run_id} failed: {one_line(exc)}"
                self.journal.update_job(self.run_id, b, status="failed", error=msg)
                errors.append(msg)
                break  # later jobs stay pending; `fetch` resumes them
            self.journal.update_job(self.run_id, b, status="submitted", job_id=job_id, error=None)
            if not self.local:
                print(queue_report(self.backend, job), file=sys.stderr, flush=True)
            handles.append((b, job))
        return handles

    def collect(self, b: int, job, rec: RunRecord, errors: list[str]) -> bool:
        """Wait for ``job`` (job ``b`` of the run) and save its counts; False (journal unchanged)
        on a timeout, False with the error recorded and appended to ``errors`` on a failure."""
        from qiskit.providers.exceptions import JobTimeoutError

        try:
            raw = job.result() if self.local or self.timeout is None else job.result(timeout=self.timeout)
            result = decode_result(raw)
            items = rec.jobs[b]["items"]
            if len(result) != len(items):
                raise RuntimeError(f"job returned {len(result)} results for {len(items)} circuits")
            meta = result_metadata(result)
            for i, pub in zip(items, result):
                self.journal.save_counts(self.run_id, i, counts_of(pub), job_id=job.job_id(), metadata=meta)
        except JobTimeoutError:
            return False  # still queued or running: stays "submitted", fetch later
        except Exception as exc:  # noqa: BLE001
            msg = f"job {b} ({job.job_id()}) of run {self.run_id} failed: {one_line(exc)}"
            self.journal.update_job(self.run_id, b, status="failed", error=msg)
            errors.append(msg)
            return False
        self.journal.update_job(self.run_id, b, status="done", error=None)
        return True
