"""Putting outputs in place: a worker writes into a hidden staging folder of the output folder;
the driver records the item in the manifest, then moves the file to its final name in one
rename (a link when it must not replace a file), so a batch killed at any moment leaves either
no output or a whole one, never a partial file under an output's name."""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

from ..io.atomic import file_mode, fsync_dir

__all__ = ["STAGING", "LOCK", "staged_path", "clear_staging", "publish", "exclusive"]

#: The staging folder, inside the output folder (hidden: a folder search skips it).
STAGING = ".qdn-batch-staging"
#: The lock file that keeps two batches from writing into one output folder at once.
LOCK = ".qdn-batch.lock"

try:  # POSIX advisory locks; elsewhere two batches into one folder are not detected
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None


@contextlib.contextmanager
def exclusive(out_dir: str | os.PathLike) -> Iterator[None]:
    """Hold the output folder for one batch (an advisory ``flock``, released when the process
    ends, even by a kill); ``ValueError`` when another batch holds it."""
    Path(out_dir).mkdir(parents=True, exist_ok=True)
    fd = os.open(Path(out_dir) / LOCK, os.O_RDWR | os.O_CREAT, 0o666)
    try:
        if fcntl is not None:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise ValueError(f"another qdn batch is writing into {out_dir}; wait for it or use another folder") from None
        yield
    finally:
        os.close(fd)


def staged_path(out_dir: str | os.PathLike, rel: str) -> str:
    """Where a worker writes the output of ``rel``: same suffix (the writers pick the format by
    it), a name unique per item."""
    digest = hashlib.sha256(rel.encode()).hexdigest()[:16]
    return str(Path(out_dir) / STAGING / f"{digest}{Path(rel).suffix}")


def clear_staging(out_dir: str | os.PathLike) -> None:
    """Remove what a killed batch left in the staging folder (whole files of items it never
    recorded, temporary files of writes cut short)."""
    shutil.rmtree(Path(out_dir) / STAGING, ignore_errors=True)


def publish(staged: str | os.PathLike, final: str | os.PathLike, *, overwrite: bool) -> None:
    """Move ``staged`` to ``final``: ``os.replace`` keeping the replaced file's mode when
    ``overwrite``, else a hard link that fails if ``final`` appeared meanwhile
    (``FileExistsError`` with the message of ``qdn denoise``)."""
    final = Path(final)
    final.parent.mkdir(parents=True, exist_ok=True)
    if overwrite:
        if os.path.lexists(final):
            os.chmod(staged, file_mode(final))
        os.replace(staged, final)
    else:
        try:
            os.link(staged, final)
        except FileExistsError:
            raise FileExistsError(f"{final} exists; use --force to overwrite") from None
        except OSError:  # no hard links on this file system: check, then rename
            if os.path.lexists(final):
                raise FileExistsError(f"{final} exists; use --force to overwrite") from None
            os.replace(staged, final)
        else:
            os.unlink(staged)
    fsync_dir(final.parent)
