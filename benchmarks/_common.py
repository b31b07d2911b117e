"""Shared helpers of the benchmark scripts: machine header, timing, table files."""

from __future__ import annotations

import csv
import gc
import io
import os
import platform
import sys
import time
import tracemalloc
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results"


def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "not installed"


def cpu_model() -> str:
    """CPU model name from /proc/cpuinfo (``platform.processor()`` elsewhere)."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            for line in fh:
                if line.lower().startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def machine() -> dict[str, str]:
    """The machine and software a measurement ran on."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        cores = os.cpu_count() or 0
    mem = ""
    try:
        with open("/proc/meminfo", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("MemTotal:"):
                    mem = f"{int(line.split()[1]) / 2**20:.1f} GiB"
    except OSError:
        pass
    return {
        "date (UTC)": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M"),
        "cpu": cpu_model(),
        "cores": str(cores),
        "memory": mem or "unknown",
        "os": platform.platform(),
        "load average at start (1/5/15 min)": " / ".join(f"{x:.2f}" for x in os.getloadavg()),
        "python": platform.python_version(),
        "numpy": _version("numpy"),
        "qiskit": _version("qiskit"),
        "qiskit-aer": _version("qiskit-aer"),
        "qiskit-ibm-runtime": _version("qiskit-ibm-runtime"),
        "qdn": _version("qdn"),
    }


def best_of(func: Callable[[], Any], repeat: int = 5, min_time: float = 0.0) -> tuple[float, Any]:
    """Smallest wall time of ``repeat`` calls (more calls while the total is below ``min_time``),
    and the last result."""
    best, total, n, out = float("inf"), 0.0, 0, None
    while n < repeat or total < min_time:
        t0 = time.perf_counter()
        out = func()
        dt = time.perf_counter() - t0
        best, total, n = min(best, dt), total + dt, n + 1
        if n >= 1000:
            break
    return best, out


def peak_memory(func: Callable[[], Any]) -> int:
    """Peak bytes allocated through Python's allocators (NumPy included) while ``func`` runs."""
    gc.collect()
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        func()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak


def fmt(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        if value != value:  # NaN
            return "-"
        if value == 0 or 1e-3 <= abs(value) < 1e5:
            return f"{value:.4g}"
        return f"{value:.3e}"
    return str(value)


def markdown(rows: Sequence[Mapping[str, Any]], columns: Sequence[str]) -> str:
    lines = ["| " + " | ".join(columns) + " |", "|" + "|".join("---:" for _ in columns) + "|"]
    lines += ["| " + " | ".join(fmt(r.get(c)) for c in columns) + " |" for r in rows]
    return "\n".join(lines) + "\n"


def csv_text(rows: Sequence[Mapping[str, Any]], columns: Sequence[str], header: Mapping[str, str]) -> str:
    """CSV with the machine as leading ``# key: value`` comment lines (``comment="#"`` in pandas)."""
    buf = io.StringIO()
    for k, v in header.items():
        buf.write(f"# {k}: {v}\n")
    writer = csv.DictWriter(buf, fieldnames=list(columns), extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for r in rows:
        writer.writerow({c: ("" if r.get(c) is None else r.get(c)) for c in columns})
    return buf.getvalue()


def _atomic_write(path: Path, text: str) -> None:
    from qdn.io.atomic import atomic_write

    atomic_write(path, lambda tmp: Path(tmp).write_text(text, encoding="utf-8"), force=True)


class Report:
    """Tables of one benchmark, written as ``<name>.md`` and one CSV per table."""

    def __init__(self, name: str, title: str, argv: Sequence[str] | None, quick: bool, script: str | None = None):
        """``name`` names the output files; ``script`` the script that ran (default ``name``, which
        differs when a ``--tag`` suffixes the file names)."""
        self.name, self.title, self.quick = name, title, quick
        args = list(sys.argv[1:] if argv is None else argv)
        self.command = "python benchmarks/" + (script or name) + ".py" + "".join(" " + a for a in args)
        self.machine = machine()
        self.sections: list[tuple[str, str, list[dict], list[str], str]] = []
        self.notes: list[str] = []

    def table(
        self, key: str, heading: str, rows: list[dict], columns: list[str], text: str = "", *, echo: bool = True
    ) -> None:
        self.sections.append((key, heading, rows, columns, text))
        if echo:
            print(f"\n## {heading}\n")
            if text:
                print(text + "\n")
            print(markdown(rows, columns), flush=True)

    def note(self, text: str, *, echo: bool = True) -> None:
        self.notes.append(text)
        if echo:
            print(text, flush=True)

    def write(self, out_dir: str | os.PathLike | None = None, *, echo: bool = True) -> list[Path]:
        out = Path(out_dir) if out_dir is not None else RESULTS
        header = dict(self.machine)
        header["load average at end (1/5/15 min)"] = " / ".join(f"{x:.2f}" for x in os.getloadavg())
        header["command"] = self.command
        header["mode"] = "quick (CI smoke sizes)" if self.quick else "full"
        md = [f"# {self.title}", ""]
        md += [f"- {k}: {v}" for k, v in header.items()]
        md.append("")
        for key, heading, rows, columns, text in self.sections:
            md += [f"## {heading}", ""]
            if text:
                md += [text, ""]
            md += [markdown(rows, columns), f"(CSV: `{self.name}_{key}.csv`)", ""]
        if self.notes:
            md += ["## Notes", ""] + [f"- {n}" for n in self.notes] + [""]
        written = [out / f"{self.name}.md"]
        _atomic_write(written[0], "\n".join(md))
        for key, _heading, rows, columns, _text in self.sections:
            path = out / f"{self.name}_{key}.csv"
            _atomic_write(path, csv_text(rows, columns, header))
            written.append(path)
        if echo:
            print("\nwrote " + ", ".join(str(p) for p in written), file=sys.stderr)
        return written


# ---------------------------------------------------------------------------------------------
# Sweeps on Dask (issue 22): the independent cases of a benchmark as Dask tasks
# ---------------------------------------------------------------------------------------------
def add_dask_args(parser) -> None:
    """``--workers N`` / ``--scheduler ADDRESS`` of a benchmark script (serial without them)."""
    parser.add_argument("--workers", type=int, default=None,
                        help="run the independent cases on a local Dask cluster of N worker processes (default: serial)")
    parser.add_argument("--scheduler", default=None, help="run the cases on the Dask scheduler at this address")


def dask_session(workers: int | None = None, scheduler: str | None = None):
    """A context giving a ``distributed.Client`` (a new local cluster of ``workers`` processes,
    or the scheduler at ``scheduler``), or None for a serial run when neither is given."""
    import contextlib

    if workers is None and not scheduler:
        return contextlib.nullcontext(None)
    from qdn.batch.driver import dask_client

    return dask_client(workers, scheduler)


def _ship_by_value(func: Callable) -> None:
    """Benchmark scripts are loaded from their files (``__main__`` or ``qdn_benchmarks_<name>``),
    which a worker cannot import: send their code with the task (cloudpickle by value)."""
    import cloudpickle

    for name in (getattr(func, "__module__", None), __name__):
        mod = sys.modules.get(name or "")
        if mod is not None and name != "__main__" and name != "qdn" and not name.startswith("qdn."):
            cloudpickle.register_pickle_by_value(mod)


def map_cases(func: Callable[[Any], Any], cases: Sequence[Any], *, client=None, desc: str = "cases") -> list:
    """``[func(c) for c in cases]``, in order: serially when ``client`` is None, else as one Dask
    task per case (same function, same arguments, so the same seeds and the same results); one
    progress bar either way."""
    from tqdm import tqdm

    cases = list(cases)
    if client is None:
        return [func(c) for c in tqdm(cases, desc=desc, disable=None, leave=False)]
    import cloudpickle
    from distributed import as_completed

    from qdn.batch.driver import call_by_value

    # Dask pickles a function by reference when plain pickle can, and a worker cannot import a
    # script loaded from its file: send the function by value, as bytes with each task (a few
    # kB; no shared data future, so the tasks stay independent and are balanced as they finish)
    _ship_by_value(func)
    payload = cloudpickle.dumps(func)
    futures = client.map(call_by_value, [payload] * len(cases), cases, pure=False)
    for _ in tqdm(as_completed(futures), total=len(futures), desc=desc, disable=None, leave=False):
        pass
    return client.gather(futures)
