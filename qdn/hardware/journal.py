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

Damage
------
Files can still be damaged behind the journal's back (a disk error, a copy cut short, a hand
edit). Each item records the SHA-256 of its circuit files (``sha256``: ``{"qpy", "qasm3"}``) and,
once saved, of its results file (``result_sha256``); runs written before these keys existed are
read without the check.

* A ``run.json`` that is empty, truncated, not JSON or not of the expected shape makes that run
  *damaged*: :meth:`Journal.get` raises :class:`JournalError` naming the file and the reason,
  and :meth:`Journal.scan` returns the readable runs plus one :class:`DamagedRun` (path,
  reason) per damaged one, so one bad run never hides the others (:meth:`Journal.runs` is the
  readable ones only).
* A results file that is missing, unreadable, not of the expected shape or not the one recorded
  is reported by :meth:`Journal.damaged_results`; :meth:`Journal.counts` raises
  :class:`JournalError` naming it rather than returning wrong or partial counts.
* :meth:`Journal.load_circuit` reads the QPY file, else the OpenQASM 3 file, and says which one
  it used and what was wrong with the other; when neither is intact it raises
  :class:`JournalError` naming both files.

Statuses (of a job and of a run): ``pending`` (recorded, not yet accepted by the service),
``submitted`` (job id known), ``done`` (counts saved), ``failed`` (error recorded; can be
resumed). A run's status is derived from its jobs: ``done`` when all are done, ``failed`` when
one failed, ``submitted`` when all are at least submitted, else ``pending``.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import hashlib
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
    "DamagedRun",
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


@dataclass(frozen=True)
class DamagedRun:
    """A run whose ``run.json`` cannot be used (see "Damage" in the module docstring).

    Attributes
    ----------
    run_id : str
        The name of the run directory.
    path : Path
        The damaged file, ``<run>/run.json``.
    reason : str
        What is wrong with it, in one line.
    """

    run_id: str
    path: Path
    reason: str

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


class _Damage(Exception):
    """Why a journal file cannot be used; surfaces as a JournalError or a DamagedRun."""


def _sha256(blob: bytes) -> str:
    return hashlib.sha256(blob).hexdigest()


def _why(exc: BaseException) -> str:
    """One line saying why a file could not be used."""
    if isinstance(exc, _Damage):
        return str(exc)
    if isinstance(exc, FileNotFoundError):
        return "missing"
    if isinstance(exc, IsADirectoryError):
        return "a directory, not a file"
    if isinstance(exc, OSError):
        return f"cannot read: {exc.strerror or exc}"
    msg = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {msg}" if msg else type(exc).__name__


def _read_blob(path: Path) -> bytes:
    """The bytes of ``path``, which must not be empty."""
    blob = path.read_bytes()
    if not blob.strip():
        raise _Damage("empty file")
    return blob


def _check_digest(blob: bytes, digest: Any) -> None:
    """Raise :class:`_Damage` when ``blob`` is not the content recorded by its SHA-256 ``digest``
    (nothing to check when none was recorded)."""
    if isinstance(digest, str) and _sha256(blob) != digest:
        raise _Damage("content differs from the one recorded (SHA-256 mismatch)")


def _read_json(path: Path) -> tuple[Any, bytes]:
    """The JSON content of ``path`` and its bytes; raises :class:`_Damage` or OSError saying what
    is wrong."""
    blob = _read_blob(path)
    try:
        return json.loads(blob), blob
    except UnicodeDecodeError:
        raise _Damage("not text (invalid UTF-8)") from None
    except json.JSONDecodeError as exc:
        end = len(exc.doc.rstrip())
        where = f"{exc.msg}: line {exc.lineno} column {exc.colno}"
        if exc.pos >= end or exc.msg.startswith("Unterminated string"):
            raise _Damage(f"truncated JSON ({where})") from None
        raise _Damage(f"not JSON ({where})") from None


def _kind(value: Any) -> str:
    """The JSON type of ``value``, for messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    for typ, name in ((dict, "object"), (list, "array"), (str, "string"), ((int, float), "number")):
        if isinstance(value, typ):
            return name
    return type(value).__name__


def _show(value: Any) -> str:
    """``repr(value)``, cut to a few dozen characters (values read from a damaged file)."""
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _is_index(value: Any, n: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value < n


def _rel_path_ok(value: Any) -> bool:
    """A non-empty relative path that stays inside the run directory."""
    return isinstance(value, str) and bool(value) and not Path(value).is_absolute() and ".." not in Path(value).parts


def _item_error(k: int, it: Any) -> str | None:
    """Why ``it`` is not a usable ``items[k]`` row of ``run.json`` (None when it is)."""
    if not isinstance(it, dict):
        return f"a JSON {_kind(it)}, not an object"
    if not (_is_index(it.get("index"), k + 1) and it["index"] == k):
        return f"'index' is {_show(it.get('index'))}, expected {k}"
    if not _is_index(it.get("num_qubits"), 1 << 20):
        return f"'num_qubits' is {_show(it.get('num_qubits'))}"
    for key in ("qpy", "qasm3"):
        if not _rel_path_ok(it.get(key)):
            return f"{_show(key)} is {_show(it.get(key))}, not a path inside the run"
    if it.get("result") is not None and not _rel_path_ok(it["result"]):
        return f"'result' is {_show(it['result'])}, not a path inside the run"
    for key, typ in (("params", dict), ("sha256", dict), ("result_sha256", str)):
        if it.get(key) is not None and not isinstance(it[key], typ):
            return f"{_show(key)} is a JSON {_kind(it[key])}"
    return None


def _job_error(b: int, job: Any, n_items: int) -> str | None:
    """Why ``job`` is not a usable ``jobs[b]`` row of ``run.json`` (None when it is)."""
    if not isinstance(job, dict):
        return f"a JSON {_kind(job)}, not an object"
    if not (_is_index(job.get("index"), b + 1) and job["index"] == b):
        return f"'index' is {_show(job.get('index'))}, expected {b}"
    items = job.get("items")
    if not isinstance(items, list) or not items or not all(_is_index(i, n_items) for i in items):
        return f"'items' is {_show(items)}, not a non-empty list of item indices below {n_items}"
    if job.get("status") not in JOB_STATUSES:
        return f"'status' is {_show(job.get('status'))}"
    if not isinstance(job.get("tag"), str):
        return f"'tag' is {_show(job.get('tag'))}"
    for key, typ in (("job_id", str), ("error", str), ("previous_job_ids", list), ("attempts", int)):
        if job.get(key) is not None and not isinstance(job[key], typ):
            return f"{_show(key)} is a JSON {_kind(job[key])}"
    return None


_RUN_KEYS = {"created": str, "status": str, "backend": str, "mode": str, "settings": dict, "items": list,
             "jobs": list}


def _shape_error(data: Any) -> str | None:
    """Why ``data`` is not a usable ``run.json`` (None when it is): every key the readers use is
    there with the right type."""
    if not isinstance(data, dict):
        return f"a JSON {_kind(data)}, not an object"
    schema = data.get("schema")
    if not isinstance(schema, int) or isinstance(schema, bool) or not 1 <= schema <= SCHEMA:
        return f"'schema' is {_show(schema)}; this qdn reads schema {SCHEMA}"
    for key, typ in _RUN_KEYS.items():
        if not isinstance(data.get(key), typ):
            got = "missing" if key not in data else f"a JSON {_kind(data[key])}"
            return f"{_show(key)} is {got}, not a JSON {_kind(typ())}"
    if data["mode"] not in ("local", "ibm"):
        return f"'mode' is {_show(data['mode'])}, not 'local' or 'ibm'"
    if data["status"] not in JOB_STATUSES:
        return f"'status' is {_show(data['status'])}"
    for key, typ in (("error", str), ("extra", dict)):
        if data.get(key) is not None and not isinstance(data[key], typ):
            return f"{_show(key)} is a JSON {_kind(data[key])}"
    shots = data["settings"].get("shots")
    if shots is not None and not (_is_index(shots, 1 << 40) and shots > 0):
        return f"'settings.shots' is {_show(shots)}, not a positive integer"
    if not data["items"] or not data["jobs"]:
        return "no items" if not data["items"] else "no jobs"
    n = len(data["items"])
    for k, row in enumerate(data["items"]):
        why = _item_error(k, row)
        if why:
            return f"items[{k}]: {why}"
    for b, row in enumerate(data["jobs"]):
        why = _job_error(b, row, n)
        if why:
            return f"jobs[{b}]: {why}"
    return None


def _load_run_json(file: Path) -> dict:
    """The content of a ``run.json``; raises :class:`_Damage` saying what is wrong with it."""
    try:
        data = _read_json(file)[0]
    except OSError as exc:
        raise _Damage(_why(exc)) from None
    why = _shape_error(data)
    if why:
        raise _Damage(f"wrong shape: {why}")
    return data


def _counts_from(path: Path, meta: Mapping[str, Any]) -> dict[int, int]:
    """The counts in the results file ``path`` of the item ``meta``; raises :class:`_Damage` or
    OSError saying what is wrong with it."""
    body, blob = _read_json(path)
    counts = body.get("counts") if isinstance(body, dict) else None
    if not isinstance(counts, dict) or not counts:
        raise _Damage("wrong shape: no 'counts' object")
    if body.get("item", meta["index"]) != meta["index"]:
        raise _Damage(f"holds the counts of item {_show(body.get('item'))}, not of item {meta['index']}")
    out = {}
    for k, v in counts.items():
        if not (k.isascii() and k.isdigit() and isinstance(v, int) and not isinstance(v, bool) and v >= 0):
            raise _Damage(f"wrong shape: count {_show(k)}: {_show(v)}")
        out[int(k)] = v
    _check_digest(blob, meta.get("result_sha256"))
    return out


def _circuit_from(path: Path, kind: str, meta: Mapping[str, Any]):
    """The circuit in the QPY or OpenQASM 3 (``kind``) file ``path`` of the item ``meta``."""
    from qiskit import QuantumCircuit, qasm3, qpy

    blob = _read_blob(path)
    # a recorded digest says more than the reader's error (a damaged QPY file may read as one
    # "written by a newer Qiskit"), so it is checked first
    _check_digest(blob, (meta.get("sha256") or {}).get(kind))
    qc = qpy.load(io.BytesIO(blob))[0] if kind == "qpy" else qasm3.loads(blob.decode())
    if not isinstance(qc, QuantumCircuit) or qc.num_qubits != meta["num_qubits"]:
        raise _Damage(f"does not hold the {meta['num_qubits']}-qubit circuit recorded")
    return qc


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
        digests = {kind: _sha256(files[f"circuits/{k:03d}.{kind}"]) for kind in ("qpy", "qasm3")}
        items.append(
            {
                "index": k,
                "name": qc.name,
                "num_qubits": qc.num_qubits,
                "qasm3": f"circuits/{k:03d}.qasm3",
                "qpy": f"circuits/{k:03d}.qpy",
                "params": None if p is None else dict(p),
                "result": None,
                "sha256": digests,
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
        """The record of ``run_id`` (or a unique prefix/suffix of it).

        Raises
        ------
        JournalError
            No such run, or its ``run.json`` is damaged (the message names the file and says why).
        """
        run_id = self.resolve(run_id)
        path = self._dir(run_id)
        try:
            data = _load_run_json(path / "run.json")
        except _Damage as exc:
            raise JournalError(f"damaged run {run_id}: {path / 'run.json'}: {exc}") from None
        return RunRecord(run_id, path, data)

    def run_ids(self) -> list[str]:
        """Ids of the complete runs, oldest first (hidden temporary entries are skipped)."""
        if not self.root.is_dir():
            return []
        return sorted(
            p.name for p in self.root.iterdir()
            if not p.name.startswith(".") and (p / "run.json").is_file()
        )

    def scan(self) -> tuple[list[RunRecord], list[DamagedRun]]:
        """The readable runs and the damaged ones, each oldest first.

        A run is damaged when its ``run.json`` is empty, truncated, not JSON or not of the
        expected shape, or when a run directory (one holding ``circuits/``) has no ``run.json``;
        a damaged run never hides the others. Hidden (temporary) entries are skipped.
        """
        good: list[RunRecord] = []
        bad: list[DamagedRun] = []
        if not self.root.is_dir():
            return good, bad
        for path in sorted(p for p in self.root.iterdir() if not p.name.startswith(".") and p.is_dir()):
            file = path / "run.json"
            if not file.exists() and not (path / "circuits").is_dir():
                continue  # not a run directory
            try:
                good.append(RunRecord(path.name, path, _load_run_json(file)))
            except _Damage as exc:
                bad.append(DamagedRun(path.name, file, str(exc)))
        return good, bad

    def runs(self) -> list[RunRecord]:
        """Records of every readable run, oldest first (:meth:`scan` also returns the damaged ones)."""
        return self.scan()[0]

    def load_circuit(self, run_id: str, item: int):
        """The ISA circuit of ``item`` as it was sent, and where it came from.

        Read from the QPY file (an exact round trip) or, when that is missing, damaged, not the
        one recorded or written by a newer Qiskit, from the OpenQASM 3 file.

        Returns
        -------
        (QuantumCircuit, Path, list of str)
            The circuit, the file it was read from, and one line (file: reason) per file tried
            before it that could not be used.

        Raises
        ------
        JournalError
            Neither file gives the circuit; the message names both files and says why.
        """
        rec = self.get(run_id)
        meta = rec.items[item]
        problems: list[str] = []
        for kind in ("qpy", "qasm3"):
            path = rec.path / meta[kind]
            try:
                return _circuit_from(path, kind, meta), path, problems
            except Exception as exc:  # noqa: BLE001 - whatever a damaged file makes the reader raise
                problems.append(f"{path}: {_why(exc)}")
        raise JournalError(f"no intact circuit for item {item} of run {rec.run_id}: {'; '.join(problems)}")

    def circuit(self, run_id: str, item: int):
        """The ISA circuit of ``item`` as it was sent (see :meth:`load_circuit`)."""
        return self.load_circuit(run_id, item)[0]

    def qasm3(self, run_id: str, item: int) -> str:
        rec = self.get(run_id)
        return (rec.path / rec.items[item]["qasm3"]).read_text()

    def counts(self, run_id: str) -> dict[int, dict[int, int]]:
        """Saved counts by item index (items without results are absent).

        Raises
        ------
        JournalError
            A recorded results file is damaged (see :meth:`damaged_results`); the message names it.
        """
        rec = self.get(run_id)
        counts, damaged = _saved_results(rec)
        if damaged:
            more = f" (and {len(damaged) - 1} more)" if len(damaged) > 1 else ""
            raise JournalError(f"damaged results of run {rec.run_id}: {next(iter(damaged.values()))}{more}")
        return counts

    def damaged_results(self, run_id: str) -> dict[int, str]:
        """Items whose recorded results file is missing, unreadable, not of the expected shape or
        not the one recorded: item index -> ``"<path>: <reason>"``."""
        return _saved_results(self.get(run_id))[1]

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
        blob = _json_bytes(body)
        atomic_write_bytes(rec.path / rel, blob, force=True)
        with self._locked(run_id) as rec:
            rec.data["items"][item]["result"] = rel
            rec.data["items"][item]["result_sha256"] = _sha256(blob)


def _saved_results(rec: RunRecord) -> tuple[dict[int, dict[int, int]], dict[int, str]]:
    """The counts of every item of ``rec`` with a usable results file, and ``"<path>: <reason>"``
    for every item whose recorded results file is not usable."""
    counts: dict[int, dict[int, int]] = {}
    damaged: dict[int, str] = {}
    for meta in rec.items:
        if not meta.get("result"):
            continue
        path = rec.path / meta["result"]
        try:
            counts[meta["index"]] = _counts_from(path, meta)
        except (OSError, _Damage) as exc:
            damaged[meta["index"]] = f"{path}: {_why(exc)}"
    return counts, damaged


def _versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    out = {}
    for pkg in ("qdn", "qiskit", "qiskit-ibm-runtime", "qiskit-aer"):
        try:
            out[pkg] = version(pkg)
        except PackageNotFoundError:
            pass
    return out
