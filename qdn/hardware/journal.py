"""Job journal: every hardware submission is on disk before it is sent.

A journal is a directory (default :data:`DEFAULT_ROOT`, ``./qdn-runs``) holding one directory per
run::

    qdn-runs/
      20261122T031400Z-3f9c2a1b/
        run.json              parameters, backend, options, jobs (ids, status), errors
        circuits/000.qasm3    the ISA circuit of item 0 as sent (OpenQASM 3, qiskit.qasm3.dumps)
        circuits/000.qpy      the same circuit in QPY (exact round trip, used to resubmit)
        results/000.json      counts of item 0, once known

Crash safety
------------
* A run directory is assembled under a hidden temporary name (``.tmp-<id>-...``) and renamed
  into place only when complete (``os.rename`` of a directory is atomic on POSIX), so a run is
  either fully recorded or absent; readers ignore hidden entries.
* Every later change (job id known, status, error, counts) rewrites one file through a
  temporary file in the same directory, ``fsync`` and ``os.replace``
  (:func:`qdn.io.atomic.atomic_write`): a reader sees the old or the new file, never a partial
  one. Updates of one run are serialised with an advisory ``flock`` on ``<run>/.lock`` where the
  platform has it.
* The journal never holds credentials: tokens are not parameters of anything recorded here.

Statuses (of a job and of a run): ``pending`` (recorded, not yet accepted by the service),
``submitted`` (job id known), ``done`` (counts saved), ``failed`` (error recorded; can be
resumed). A run's status is derived from its jobs: ``done`` when all are done, ``failed`` when
one failed, ``submitted`` when all are at least submitted, else ``pending``.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import io
import json
import os
import secrets
import shutil
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..io.atomic import atomic_write_bytes, fsync_dir, write_bytes
from ..common.registry import unknown

__all__ = [
    "DEFAULT_ROOT",
    "SCHEMA",
    "JOB_STATUSES",
    "RunRecord",
    "Journal",
    "JournalError",
]

#: Default journal directory (relative to the working directory).
DEFAULT_ROOT = "qdn-runs"
#: Version of the ``run.json`` layout.
SCHEMA = 1
JOB_STATUSES = ("pending", "submitted", "done", "failed")

try:  # POSIX advisory locks; elsewhere updates are not serialised across processes
    import fcntl as _fcntl
except ImportError:  # pragma: no cover - Windows
    _fcntl = None


class JournalError(ValueError):
    """A run id that does not exist, or a journal entry that cannot be read."""


def _now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")


def _json_bytes(obj: Any) -> bytes:
    return (json.dumps(obj, indent=1, sort_keys=False, allow_nan=False) + "\n").encode()


@dataclass
class RunRecord:
    """The content of one ``run.json``, plus where it lives.

    Attributes
    ----------
    run_id : str
    path : Path
        The run directory.
    data : dict
        The parsed ``run.json`` (see the module docstring for its keys).
    """

    run_id: str
    path: Path
    data: dict = field(repr=False)

    # convenience views -----------------------------------------------------------------
    @property
    def status(self) -> str:
        return self.data["status"]

    @property
    def backend(self) -> str:
        return self.data["backend"]

    @property
    def mode(self) -> str:
        return self.data["mode"]

    @property
    def jobs(self) -> list[dict]:
        return self.data["jobs"]

    @property
    def items(self) -> list[dict]:
        return self.data["items"]

    @property
    def created(self) -> str:
        return self.data["created"]

    @property
    def error(self) -> str | None:
        return self.data.get("error")


def _derive_status(jobs: Sequence[Mapping[str, Any]]) -> str:
    states = [j["status"] for j in jobs]
    if states and all(s == "done" for s in states):
        return "done"
    if any(s == "failed" for s in states):
        return "failed"
    if states and all(s in ("submitted", "done") for s in states):
        return "submitted"
    return "pending"


def _checked_params(
    mode: str, circuits: Sequence, jobs: Sequence[Sequence[int]], params: Sequence[Mapping[str, Any] | None] | None
) -> list[Mapping[str, Any] | None]:
    """The per-item parameters of a new run (``None`` for each when not given), after checking
    the mode and that ``jobs`` partition the items."""
    if mode not in ("local", "ibm"):
        raise ValueError(f"mode must be 'local' or 'ibm', got {mode!r}")
    n = len(circuits)
    if n == 0:
        raise ValueError("a run needs at least one circuit")
    flat = sorted(i for job in jobs for i in job)
    if flat != list(range(n)):
        raise ValueError(f"jobs must partition the {n} item(s), got {list(map(list, jobs))}")
    params = list(params) if params is not None else [None] * n
    if len(params) != n:
        raise ValueError(f"{len(params)} parameter sets for {n} circuits")
    return params


def _item_files(
    circuits: Sequence, params: Sequence[Mapping[str, Any] | None]
) -> tuple[list[dict], dict[str, bytes]]:
    """The ``items`` rows of ``run.json`` and the circuit files (OpenQASM 3 and QPY) by path."""
    from qiskit import qasm3, qpy

    items = []
    files: dict[str, bytes] = {}
    for k, (qc, p) in enumerate(zip(circuits, params)):
        files[f"circuits/{k:03d}.qasm3"] = qasm3.dumps(qc).encode()
        buf = io.BytesIO()
        qpy.dump(qc, buf)
        files[f"circuits/{k:03d}.qpy"] = buf.getvalue()
        items.append(
            {
                "index": k,
                "name": qc.name,
                "num_qubits": qc.num_qubits,
                "qasm3": f"circuits/{k:03d}.qasm3",
                "qpy": f"circuits/{k:03d}.qpy",
                "params": None if p is None else dict(p),
                "result": None,
            }
        )
    return items, files


def _job_rows(run_id: str, jobs: Sequence[Sequence[int]]) -> list[dict]:
    """The ``jobs`` rows of ``run.json`` of a new run: every job ``pending``."""
    return [
        {
            "index": b,
            "items": [int(i) for i in job],
            "tag": f"qdn-run-{run_id}-job{b}",
            "job_id": None,
            "previous_job_ids": [],
            "status": "pending",
            "submitted": None,
            "finished": None,
            "error": None,
            "attempts": 0,
        }
        for b, job in enumerate(jobs)
    ]


class Journal:
    """A directory of runs; see the module docstring.

    Parameters
    ----------
    root : str or PathLike
        Journal directory (created on first write).
    """

    def __init__(self, root: str | os.PathLike = DEFAULT_ROOT):
        self.root = Path(root)

    def __repr__(self) -> str:
        return f"Journal({str(self.root)!r})"

    # -- creation ------------------------------------------------------------------------
    def create(
        self,
        *,
        backend: str,
        mode: str,
        circuits: Sequence,
        jobs: Sequence[Sequence[int]],
        params: Sequence[Mapping[str, Any] | None] | None = None,
        settings: Mapping[str, Any] | None = None,
        extra: Mapping[str, Any] | None = None,
    ) -> RunRecord:
        """Record a new run with all its jobs ``pending``; returns its record.

        Parameters
        ----------
        backend : str
            Backend name (as :func:`qdn.hardware.get_backend` takes it back).
        mode : {"local", "ibm"}
            Local testing mode (simulated) or the IBM service.
        circuits : sequence of QuantumCircuit
            The ISA circuits, one per item, exactly as they will be sent.
        jobs : sequence of sequences of int
            Item indices of each job (a partition of ``range(len(circuits))``).
        params : sequence of dict or None, optional
            Per item, the parameters of the qdn run it came from (JSON-serialisable), used to
            decode its counts; ``None`` for a bare circuit.
        settings : dict, optional
            Shots, seed, transpiler and sampler options, execution mode, ... (JSON-serialisable).
        extra : dict, optional
            Anything else worth keeping (e.g. the clean signal of a demo).
        """
        params = _checked_params(mode, circuits, jobs, params)
        stamp = _dt.datetime.now(_dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
        run_id = f"{stamp}-{secrets.token_hex(4)}"
        items, files = _item_files(circuits, params)
        now = _now()
        data = {
            "schema": SCHEMA,
            "run_id": run_id,
            "created": now,
            "updated": now,
            "status": "pending",
            "backend": backend,
            "mode": mode,
            "settings": dict(settings or {}),
            "items": items,
            "jobs": _job_rows(run_id, jobs),
            "error": None,
            "extra": dict(extra or {}),
            "versions": _versions(),
        }
        files["run.json"] = _json_bytes(data)  # fails here, before anything touches the disk, if not JSON-able
        self._write_run_dir(run_id, files)
        return RunRecord(run_id, self.root / run_id, data)

    def _write_run_dir(self, run_id: str, files: Mapping[str, bytes]) -> None:
        """Write ``files`` (relative path -> content) into a hidden temporary folder, then rename
        it to ``<root>/<run_id>``: the run is complete on disk or absent."""
        self.root.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".tmp-{run_id}-", dir=self.root))
        try:
            (tmp / "circuits").mkdir()
            (tmp / "results").mkdir()
            for rel, blob in files.items():
                write_bytes(tmp / rel, blob, fsync=True)
            fsync_dir(tmp)
            os.rename(tmp, self.root / run_id)
            fsync_dir(self.root)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise

    # -- reading ---------------------------------------------------------------------------
    def _dir(self, run_id: str) -> Path:
        if not run_id or "/" in run_id or os.sep in run_id or run_id.startswith("."):
            raise JournalError(f"invalid run id {run_id!r}")
        path = self.root / run_id
        if not (path / "run.json").is_file():
            raise JournalError(f"no run {run_id!r} in journal {self.root}")
        return path

    def resolve(self, run_id: str) -> str:
        """The full id of a run given its id or a unique prefix/suffix of it."""
        if (self.root / run_id / "run.json").is_file():
            return run_id
        matches = [r for r in self.run_ids() if r.startswith(run_id) or r.endswith(run_id)]
        if len(matches) == 1:
            return matches[0]
        if not matches:
            raise JournalError(f"no run {run_id!r} in journal {self.root}")
        raise JournalError(f"run id {run_id!r} is ambiguous: {', '.join(matches)}")

    def get(self, run_id: str) -> RunRecord:
        """The record of ``run_id`` (or a unique prefix/suffix of it)."""
        run_id = self.resolve(run_id)
        path = self._dir(run_id)
        try:
            data = json.loads((path / "run.json").read_text())
        except (OSError, json.JSONDecodeError) as exc:
            raise JournalError(f"cannot read {path / 'run.json'}: {exc}") from None
        return RunRecord(run_id, path, data)

    def run_ids(self) -> list[str]:
        """Ids of the complete runs, oldest first (hidden temporary entries are skipped)."""
        if not self.root.is_dir():
            return []
        return sorted(
            p.name for p in self.root.iterdir()
            if not p.name.startswith(".") and (p / "run.json").is_file()
        )

    def runs(self) -> list[RunRecord]:
        """Records of every complete run, oldest first."""
        return [self.get(r) for r in self.run_ids()]

    def circuit(self, run_id: str, item: int):
        """The ISA circuit of ``item`` as it was sent (from QPY, or QASM 3 if QPY fails)."""
        from qiskit import qasm3, qpy

        rec = self.get(run_id)
        meta = rec.items[item]
        try:
            with open(rec.path / meta["qpy"], "rb") as fh:
                return qpy.load(fh)[0]
        except Exception:  # noqa: BLE001 - QPY written by a newer Qiskit: fall back to QASM 3
            return qasm3.loads((rec.path / meta["qasm3"]).read_text())

    def qasm3(self, run_id: str, item: int) -> str:
        rec = self.get(run_id)
        return (rec.path / rec.items[item]["qasm3"]).read_text()

    def counts(self, run_id: str) -> dict[int, dict[int, int]]:
        """Saved counts by item index (items without results are absent)."""
        rec = self.get(run_id)
        out = {}
        for meta in rec.items:
            if meta.get("result"):
                res = json.loads((rec.path / meta["result"]).read_text())
                out[meta["index"]] = {int(k): int(v) for k, v in res["counts"].items()}
        return out

    # -- updates -----------------------------------------------------------------------------
    @contextlib.contextmanager
    def _locked(self, run_id: str) -> Iterator[RunRecord]:
        run_id = self.resolve(run_id)
        path = self._dir(run_id)
        with open(path / ".lock", "a+") as lock:
            if _fcntl is not None:
                _fcntl.flock(lock.fileno(), _fcntl.LOCK_EX)
            try:
                rec = self.get(run_id)
                yield rec
                rec.data["updated"] = _now()
                rec.data["status"] = _derive_status(rec.data["jobs"])
                if rec.data["status"] != "failed" and not any(j.get("error") for j in rec.data["jobs"]):
                    rec.data["error"] = None
                atomic_write_bytes(path / "run.json", _json_bytes(rec.data), force=True)
            finally:
                if _fcntl is not None:
                    _fcntl.flock(lock.fileno(), _fcntl.LOCK_UN)

    def update_job(self, run_id: str, job: int, **fields: Any) -> RunRecord:
        """Set fields of job ``job`` (``status``, ``job_id``, ``error``, ...) atomically."""
        if "status" in fields and fields["status"] not in JOB_STATUSES:
            raise ValueError(unknown("job status", fields["status"], JOB_STATUSES))
        with self._locked(run_id) as rec:
            row = rec.data["jobs"][job]
            row.update(fields)
            if fields.get("status") == "submitted" and not row.get("submitted"):
                row["submitted"] = _now()
            if fields.get("status") in ("done", "failed"):
                row["finished"] = _now()
            if fields.get("status") == "failed":
                rec.data["error"] = fields.get("error") or row.get("error")
        return rec

    def save_counts(
        self, run_id: str, item: int, counts: Mapping[int, int], *, job_id: str | None = None,
        metadata: Mapping[str, Any] | None = None,
    ) -> None:
        """Write the counts of ``item`` (atomically) and point its record at them."""
        rec = self.get(run_id)
        rel = f"results/{item:03d}.json"
        body = {
            "item": item,
            "job_id": job_id,
            "shots": int(sum(counts.values())),
            "counts": {str(int(k)): int(v) for k, v in sorted(counts.items())},
            "metadata": dict(metadata or {}),
            "saved": _now(),
        }
        atomic_write_bytes(rec.path / rel, _json_bytes(body), force=True)
        with self._locked(run_id) as rec:
            rec.data["items"][item]["result"] = rel


def _versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    out = {}
    for pkg in ("qdn", "qiskit", "qiskit-ibm-runtime", "qiskit-aer"):
        try:
            out[pkg] = version(pkg)
        except PackageNotFoundError:
            pass
    return out
