"""Atomic, durable file writes: a reader sees the old file or the new one, never a partial one.

:func:`atomic_write` is the one implementation every writer of the package goes through (signal
and image files, plots, QASM, ``qdn resources`` tables, the hardware journal): the content is
written to a temporary file in the destination's folder by a writer callback (text or bytes,
any library that writes to a path), flushed to disk with ``fsync``, then renamed onto the
destination with :func:`os.replace`. A failure removes the temporary file and leaves the
destination as it was. An existing destination is kept unless ``force``.

:func:`write_bytes` and :func:`fsync_dir` are the pieces for callers that make a whole folder
atomic themselves (the journal assembles a run folder under a hidden name, then renames it).
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

__all__ = ["atomic_write", "atomic_write_bytes", "write_bytes", "fsync_file", "fsync_dir"]


def fsync_file(path: str | os.PathLike) -> None:
    """Flush the content of the file at ``path`` to disk."""
    with open(path, "rb+") as fh:
        os.fsync(fh.fileno())


def fsync_dir(path: str | os.PathLike) -> None:
    """Flush the entries of folder ``path`` to disk (best effort: platforms that cannot open a
    folder, or cannot ``fsync`` one, are skipped silently)."""
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def write_bytes(path: str | os.PathLike, data: bytes, *, fsync: bool = False) -> None:
    """Write ``data`` to ``path`` (not atomic by itself); with ``fsync``, flush it to disk."""
    with open(path, "wb") as fh:
        fh.write(data)
        if fsync:
            fh.flush()
            os.fsync(fh.fileno())


def atomic_write(path: str | os.PathLike, write: Callable[[str], None], *, force: bool = False) -> Path:
    """Call ``write(tmp_path)``, ``fsync`` the result, then rename it onto ``path``: a failure
    never leaves a partial file.

    Refuses to replace an existing file unless ``force`` (``FileExistsError``); creates the
    parent folder. Returns ``path`` as a :class:`~pathlib.Path`.
    """
    path = Path(path)
    if path.exists() and not force:
        raise FileExistsError(f"{path} exists; use --force to overwrite")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=path.suffix, dir=path.parent)
    os.close(fd)
    try:
        write(tmp)
        fsync_file(tmp)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return path


def atomic_write_bytes(path: str | os.PathLike, data: bytes, *, force: bool = False) -> Path:
    """:func:`atomic_write` of ``data``."""
    return atomic_write(path, lambda tmp: write_bytes(tmp, data), force=force)
