"""Atomic, durable file writes: a reader sees the old file or the new one, never a partial one.

:func:`atomic_write` is the one implementation every writer of the package goes through (signal
and image files, plots, QASM, ``qdn resources`` tables, the hardware journal, the files of
``python -m qdn.export`` and the benchmark results): the content is written to a temporary file
in the destination's folder by a writer callback (text or bytes, any library that writes to a
path), flushed to disk with ``fsync``, then put in place as the destination and the folder
flushed. A failure removes the temporary file and leaves the destination as it was.

The file gets the mode a plain ``open(path, "w")`` would give it: ``0o666`` less the process
umask for a new file (read from ``/proc/self/status``, not by setting the umask, which would race
with other threads), the existing mode for a file overwritten with ``force``. Without ``force``
an existing destination is refused twice: up front (before the work of writing), and at the end,
where the temporary file is hard-linked (:func:`os.link`) onto the destination, which fails if a
file appeared there in between; with ``force`` it is renamed over it (:func:`os.replace`).

:func:`write_bytes` and :func:`fsync_dir` are the pieces for callers that make a whole folder
atomic themselves (the journal assembles a run folder under a hidden name, then renames it).
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path

__all__ = ["atomic_write", "atomic_write_bytes", "write_bytes", "fsync_file", "fsync_dir", "current_umask", "file_mode"]


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


_UMASK_LOCK = threading.Lock()


def current_umask() -> int:
    """The process umask, read without changing it where the platform allows.

    Linux reports it in ``/proc/self/status`` (``Umask:``, since 4.7). Elsewhere it is read with
    :func:`os.umask`, which has to set a value to return the old one: the stand-in is ``0o077``
    (so a file another thread creates in that instant is private, never too open) and the
    swap is serialised with a lock.
    """
    try:
        with open("/proc/self/status", encoding="ascii", errors="replace") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    with _UMASK_LOCK:
        mask = os.umask(0o077)
        os.umask(mask)
    return mask


def file_mode(path: str | os.PathLike) -> int:
    """The permission bits ``open(path, "w")`` would leave ``path`` with: those of the existing
    file, else ``0o666`` less the umask."""
    try:
        return stat.S_IMODE(os.stat(path).st_mode)
    except FileNotFoundError:
        return 0o666 & ~current_umask()


def _exists_error(path: Path) -> FileExistsError:
    return FileExistsError(f"{path} exists; use --force to overwrite")


def _link_into_place(tmp: str, path: Path) -> None:
    """Publish ``tmp`` as ``path`` only if ``path`` does not exist (no overwrite race): a hard link
    where the file system has them, else an ``O_EXCL`` placeholder replaced by ``tmp``."""
    try:
        os.link(tmp, path)
    except FileExistsError:
        raise _exists_error(path) from None
    except OSError:  # no hard links here (FAT, some network or FUSE file systems)
        try:
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        except FileExistsError:
            raise _exists_error(path) from None
        try:
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(path)
            raise
        return
    os.unlink(tmp)


def atomic_write(path: str | os.PathLike, write: Callable[[str], None], *, force: bool = False) -> Path:
    """Call ``write(tmp_path)``, ``fsync`` the result, give it the mode ``open()`` would, then put
    it in place as ``path``: a failure never leaves a partial file, nor a temporary one.

    Refuses to replace an existing file unless ``force`` (``FileExistsError``), also when the
    file appears while ``write`` runs; creates the parent folder. The file's mode is ``0o666``
    less the umask, or, with ``force``, that of the file it replaces. Returns ``path`` as a
    :class:`~pathlib.Path`.
    """
    path = Path(path)
    if not force and os.path.lexists(path):
        raise _exists_error(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=path.suffix, dir=path.parent)
    os.close(fd)
    try:
        write(tmp)
        fsync_file(tmp)
        if force:
            os.chmod(tmp, file_mode(path))
            os.replace(tmp, path)
        else:
            os.chmod(tmp, 0o666 & ~current_umask())
            _link_into_place(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    fsync_dir(path.parent)
    return path


def atomic_write_bytes(path: str | os.PathLike, data: bytes, *, force: bool = False) -> Path:
    """:func:`atomic_write` of ``data``."""
    return atomic_write(path, lambda tmp: write_bytes(tmp, data), force=force)
