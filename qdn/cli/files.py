"""Input and output files of the ``qdn`` commands: checks before work, one-line errors, and all
outputs written at the end.

A command checks every output path before it reads or computes anything
(:func:`check_output`: the format its suffix names, an existing file without ``--force``, a
folder in the way), reads its input inside :func:`reading` (any failure becomes a ``ValueError``
naming the file: exit 2), checks the values (:func:`check_values`: finite, with a range float64
can hold), computes inside :func:`numerics` (a floating-point overflow or invalid operation
becomes a ``ValueError`` naming the data, not a page of ``RuntimeWarning``) and checks the result
(:func:`check_result`), renders figures in memory, and only then writes its outputs with
:func:`write_all`: if one write fails, the outputs written before it are removed again (or, when
``--force`` replaced a file, restored), so a failed command leaves nothing behind.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import numpy as np

__all__ = ["one_line", "reading", "check_values", "numerics", "check_result", "check_output", "check_distinct",
           "write_all", "figure_write", "check_figure", "is_image_file"]


def one_line(exc: BaseException | str) -> str:
    """An error message on one line (whitespace runs, newlines included, become one space)."""
    text = " ".join(str(exc).split())
    return text or type(exc).__name__


#: Loggers of the file libraries, silent while a file is read or written: what they log about a
#: malformed file (pydicom's "Invalid value for VR UI", tifffile's skipped tags) would be lines of
#: stderr before, or instead of, the one line of the command.
LIBRARY_LOGGERS = ("pydicom", "tifffile", "PIL", "imageio")


@contextlib.contextmanager
def _quiet_loggers(names=LIBRARY_LOGGERS):
    loggers = [logging.getLogger(name) for name in names]
    levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.setLevel(logging.CRITICAL + 1)
    try:
        yield
    finally:
        for lg, level in zip(loggers, levels):
            lg.setLevel(level)


@contextlib.contextmanager
def reading(path):
    """Read ``path`` inside this block: any failure becomes a ``ValueError`` whose one-line
    message names the file (the readers of :mod:`qdn.io` already raise those; this catches what
    a library raises besides), and the file libraries log nothing (:data:`LIBRARY_LOGGERS`)."""
    try:
        with _quiet_loggers():
            yield
    except ValueError as exc:
        if path is None or str(path) in str(exc):
            raise
        raise ValueError(f"{path}: {one_line(exc)}") from None
    except OSError as exc:
        raise ValueError(f"cannot read {path}: {exc.strerror or one_line(exc)}") from None
    except Exception as exc:  # a malformed file can make a parser fail in any way
        raise ValueError(f"cannot read {path}: {type(exc).__name__}: {one_line(exc)}") from None


def is_image_file(path: str | os.PathLike) -> bool:
    """Whether ``qdn denoise`` treats ``path`` as an image: a DICOM file without a waveform, a 2-D
    ``.npy`` array, or a PNG/TIFF file; anything unreadable counts as a signal, so that the
    signal reader names the problem."""
    from ..io.images import IMAGE_SUFFIXES

    suffix = Path(path).suffix.lower()
    if suffix in (".dcm", ".dicom"):
        import pydicom

        try:
            return "WaveformSequence" not in pydicom.dcmread(path, stop_before_pixels=True)
        except Exception:  # unreadable: let the signal reader say why
            return False
    if suffix == ".npy":
        try:
            return np.load(path, mmap_mode="r", allow_pickle=False).ndim == 2
        except Exception:
            return False
    return suffix in IMAGE_SUFFIXES


def _span(arr: np.ndarray) -> str:
    return f"[{np.min(arr):.3g}, {np.max(arr):.3g}]"


def check_values(data: np.ndarray, name: str) -> np.ndarray:
    """``data`` as a finite float64 array whose range ``max - min`` is a finite float64 (the
    amplitude encoding maps that range onto [floor, 1]); ``ValueError`` naming ``name``."""
    from ..common.validation import as_signal

    arr = as_signal(data, name=name, ndim=np.ndim(data))
    with np.errstate(over="ignore"):
        width = np.max(arr) - np.min(arr)
    if not np.isfinite(width):
        raise ValueError(f"{name}: the signal's range {_span(arr)} overflows float64 (max - min > "
                         f"{np.finfo(float).max:.3g}); rescale the data")
    return arr


def _overflow_error(data, name: str, detail: str) -> ValueError:
    return ValueError(f"{name}: the signal's range {_span(np.asarray(data, float))} overflows float64 "
                      f"arithmetic ({detail}); rescale the data")


@contextlib.contextmanager
def numerics(data: np.ndarray, name: str):
    """Compute inside this block: a float64 overflow, invalid operation or division by zero (the
    data's values are too large, or too close to zero, for the arithmetic) raises a
    ``ValueError`` naming ``name`` and the data's range instead of printing ``RuntimeWarning``s."""
    try:
        with np.errstate(over="raise", invalid="raise", divide="raise"):
            yield
    except OverflowError as exc:
        raise _overflow_error(data, name, one_line(exc)) from None
    except FloatingPointError as exc:
        if "overflow" in str(exc):
            raise _overflow_error(data, name, one_line(exc)) from None
        raise ValueError(f"{name}: float64 arithmetic failed on values in {_span(np.asarray(data, float))} "
                         f"({one_line(exc)}); rescale the data") from None


def check_result(result: np.ndarray, data: np.ndarray, name: str) -> None:
    """A result with non-finite values (Python float arithmetic overflows to inf silently) is
    refused like an overflow in :func:`numerics`."""
    if not np.all(np.isfinite(result)):
        raise _overflow_error(data, name, "the result has non-finite values")


def check_output(path, *, force: bool, suffixes: Iterable[str] | None = None, what: str = "output") -> Path:
    """Check, before any work, that ``path`` can be written: its suffix is one of ``suffixes``
    (when given), it is not a folder, it exists only with ``force``, and the nearest existing
    folder above it is a writable folder (missing folders are created when it is written)."""
    p = Path(path)
    if suffixes is not None:
        valid = tuple(suffixes)
        if p.suffix.lower() not in valid:
            raise ValueError(f"unsupported {what} format {p.suffix or '(no suffix)'!r} for {p}; "
                             f"valid: {', '.join(valid)}")
    if p.is_dir():
        raise ValueError(f"{what} {p} is a directory; give a file name")
    if os.path.lexists(p) and not force:
        raise FileExistsError(f"{p} exists; use --force to overwrite")
    parent = p.absolute().parent
    while not parent.exists() and parent != parent.parent:
        parent = parent.parent
    if not parent.is_dir():
        raise ValueError(f"cannot write {p}: {parent} is not a directory")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise ValueError(f"cannot write {p}: directory {parent} is not writable")
    return p


def check_figure(path: str | os.PathLike | None, *, force: bool) -> str | None:
    """Check a figure output (``--plot``) before any work: its format (from the suffix, see
    :func:`qdn.plot.figure_format`) and :func:`check_output`. None when ``path`` is None."""
    from ..plot import figure_format

    if not path:
        return None
    fmt = figure_format(path)
    check_output(path, force=force, what="figure")
    return fmt


def figure_write(path: str | os.PathLike, fig, fmt: str, force: bool) -> tuple:
    """``(path, writer)`` for :func:`write_all`: the bytes of ``fig`` in format ``fmt``, rendered
    now (a figure that fails to render fails before anything is written), written atomically."""
    from ..io.atomic import atomic_write_bytes
    from ..plot import figure_bytes

    data = figure_bytes(fig, fmt)
    return path, lambda p: atomic_write_bytes(p, data, force=force)


def check_distinct(paths: Sequence) -> None:
    """Two outputs of one command must not be the same file."""
    seen = {}
    for path in filter(None, paths):
        key = os.path.normcase(os.path.abspath(path))
        if key in seen:
            raise ValueError(f"{seen[key]} and {path} name the same file; give each output its own name")
        seen[key] = path


def _missing_dirs(path: Path) -> list[Path]:
    missing, parent = [], path.absolute().parent
    while not parent.exists() and parent != parent.parent:
        missing.append(parent)
        parent = parent.parent
    return missing  # deepest first


def _backup(path: Path) -> Path | None:
    """A hidden copy (a hard link where possible) of an existing ``path``, to restore it."""
    if not os.path.lexists(path):
        return None
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".qdn-backup", dir=path.absolute().parent)
    os.close(fd)
    os.unlink(name)
    try:
        os.link(path, name)
    except OSError:  # no hard links on this file system
        shutil.copy2(path, name)
    return Path(name)


def _undo(path: Path, backup: Path | None, made: list[Path], *, written: bool) -> None:
    with contextlib.suppress(OSError):
        if backup is not None:
            if written:
                os.replace(backup, path)
            else:  # an atomic write that failed left the file as it was
                backup.unlink()
        elif written:
            os.unlink(path)
    for folder in made:  # deepest first; only empty ones go
        with contextlib.suppress(OSError):
            folder.rmdir()


def write_all(writes: Sequence[tuple[str | os.PathLike, Callable[[Path], object]]]) -> None:
    """Call each ``write(path)`` in turn (each an atomic write of one output); if one fails,
    undo those done before it (remove the new files and the folders made for them, restore the
    files ``--force`` replaced) and re-raise. The file libraries log nothing meanwhile (pydicom
    logs invalid values it copies from a malformed input's header)."""
    done: list[tuple[Path, Path | None, list[Path]]] = []
    try:
        with _quiet_loggers():
            _write_each(writes, done)
    except BaseException:
        for path, backup, made in reversed(done):
            _undo(path, backup, made, written=True)
        raise
    for _, backup, _ in done:
        if backup is not None:
            with contextlib.suppress(OSError):
                backup.unlink()


def _write_each(writes, done: list) -> None:
    for path, write in writes:
        path = Path(path)
        backup, made = _backup(path), _missing_dirs(path)
        try:
            write(path)
        except BaseException:
            _undo(path, backup, made, written=False)
            raise
        done.append((path, backup, made))
