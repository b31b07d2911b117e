"""The Dask side of a batch: a client (a local cluster, or any running scheduler) and one pass
of tasks through it with a progress bar fed from ``distributed.as_completed``.

No pool, scheduler or retry loop of qdn's own: Dask places the tasks, and its own policy
(``distributed.scheduler.allowed-failures``) decides what happens to a task whose worker died.
A local cluster's worker processes are started without the IBM Quantum credentials of the
environment (:data:`CREDENTIAL_ENV`): workers never need them, and a child process would
otherwise inherit them.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import secrets
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from ..common.progress import progress

__all__ = ["CREDENTIAL_ENV", "default_workers", "local_cluster", "dask_client", "open_client", "run_tasks", "call_by_value"]

#: Environment variables a worker process must not inherit (read by qiskit-ibm-runtime).
CREDENTIAL_ENV = ("QISKIT_IBM_TOKEN", "QISKIT_IBM_API_KEY", "IBM_QUANTUM_TOKEN", "QISKIT_IBM_URL")


def default_workers() -> int:
    """The cores this process may run on (``--workers`` default)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


@contextlib.contextmanager
def _without_credentials() -> Iterator[None]:
    """Hide :data:`CREDENTIAL_ENV` from processes started inside this block."""
    saved = {k: os.environ.pop(k) for k in CREDENTIAL_ENV if k in os.environ}
    try:
        yield
    finally:
        os.environ.update(saved)


def local_cluster(workers: int):
    """A ``LocalCluster`` of ``workers`` single-threaded worker processes for qdn: no dashboard
    port to collide with, quiet logs, no IBM credentials in the workers' environment, and
    glibc's own malloc trimming (Dask's default ``MALLOC_TRIM_THRESHOLD_=65536`` made qdn's
    denoising 37% slower per task here: it frees and maps again the MB-sized arrays of every call)."""
    import dask
    from distributed import LocalCluster

    with _without_credentials(), dask.config.set({"distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None}):
        return LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0",
                            silence_logs=logging.ERROR)


@contextlib.contextmanager
def dask_client(workers: int | None = None, scheduler: str | None = None) -> Iterator[Any]:
    """A ``distributed.Client``: of the scheduler at ``scheduler``, or of a new ``LocalCluster``
    with ``workers`` single-threaded worker processes (default :func:`default_workers`), no
    dashboard; closed (with the cluster it started) on exit."""
    from distributed import Client

    if scheduler:
        with Client(scheduler) as client:
            yield client
        return
    cluster = local_cluster(workers or default_workers())
    try:
        with Client(cluster) as client:
            yield client
    finally:
        cluster.close()


def open_client(client, workers: int | None, scheduler: str | None, n_items: int):
    """A context giving ``client`` (left open) when one is given, else a new
    :func:`dask_client` with at most one worker per item."""
    if client is not None:
        return contextlib.nullcontext(client)
    return dask_client(min(workers or default_workers(), max(1, n_items)), scheduler)


def run_tasks(client, func: Callable[[Any], Any], specs: Sequence[Any], *, on_result: Callable[[Any, Any], None],
              on_error: Callable[[Any, BaseException], None], desc: str, unit: str = "file") -> None:
    """Submit ``func(spec)`` for every spec and call ``on_result(spec, result)`` as each finishes
    (``on_error(spec, exc)`` when the task itself failed: a worker died, a result could not be
    sent back); one progress bar over the items."""
    if not specs:
        return
    token = secrets.token_hex(4)
    futures = client.map(func, list(specs), key=[f"qdn-batch-{token}-{i}" for i in range(len(specs))], pure=False)
    spec_of = {f.key: s for f, s in zip(futures, specs)}
    from distributed import as_completed

    for fut in progress(as_completed(futures), desc=desc, total=len(futures), unit=unit, min_items=1):
        spec = spec_of[fut.key]
        try:
            result = fut.result()
        except Exception as exc:  # noqa: BLE001 - one failed item, the others go on
            on_error(spec, exc)
        else:
            on_result(spec, result)
        fut.release()


@functools.lru_cache(maxsize=8)
def _loads(payload: bytes):
    import cloudpickle

    return cloudpickle.loads(payload)


def call_by_value(payload: bytes, arg: Any) -> Any:
    """``f(arg)`` for ``f = cloudpickle.loads(payload)``, on a worker: the way to run a function
    of a script the workers cannot import (a benchmark loaded from its file), whatever Dask's
    serialiser would choose for it. The function is unpickled once per worker process."""
    return _loads(payload)(arg)
