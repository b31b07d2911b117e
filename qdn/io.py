"""Reading and writing 1-D signals (CSV, NPY), with atomic writes."""

from __future__ import annotations

import csv
import os
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path

import numpy as np

__all__ = ["read_signal", "write_signal", "atomic_write"]


def atomic_write(path: str | os.PathLike, write: Callable[[str], None], *, force: bool = False) -> Path:
    """Call ``write(tmp_path)`` then rename onto ``path``: a failure never leaves a partial file.

    Refuses to replace an existing file unless ``force``.
    """
    path = Path(path)
    if path.exists() and not force:
        raise FileExistsError(f"{path} exists; use --force to overwrite")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=path.suffix, dir=path.parent)
    os.close(fd)
    try:
        write(tmp)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return path


def read_signal(path: str | os.PathLike, column: str | None = None) -> np.ndarray:
    """Read a 1-D signal from ``.npy`` or ``.csv`` (one column, or the named ``column``)."""
    path = Path(path)
    if not path.exists():
        raise ValueError(f"input file {path} does not exist")
    suffix = path.suffix.lower()
    if suffix == ".npy":
        try:
            data = np.load(path, allow_pickle=False)
        except ValueError as exc:
            raise ValueError(f"{path} is not a readable NPY array: {exc}") from None
        if data.ndim != 1:
            raise ValueError(f"{path} holds an array of shape {data.shape}; a 1-D signal is needed")
        return data.astype(float)
    if suffix in (".csv", ".txt"):
        with open(path, newline="") as fh:
            rows = [r for r in csv.reader(fh) if r and any(c.strip() for c in r)]
        if not rows:
            raise ValueError(f"{path} is empty")
        header = None
        try:
            [float(c) for c in rows[0]]
        except ValueError:
            header, rows = [c.strip() for c in rows[0]], rows[1:]
        ncol = len(rows[0]) if rows else 0
        if column is not None:
            if header is None or column not in header:
                raise ValueError(f"column {column!r} not found in {path}; columns: {header}")
            idx = header.index(column)
        elif ncol == 1:
            idx = 0
        else:
            raise ValueError(f"{path} has {ncol} columns {header or ''}; choose one with --column")
        try:
            return np.array([float(r[idx]) for r in rows])
        except (ValueError, IndexError) as exc:
            raise ValueError(f"{path}: not a numeric column ({exc})") from None
    raise ValueError(f"unsupported input format {suffix!r}; valid: .csv, .txt, .npy")


def write_signal(path: str | os.PathLike, columns: Mapping[str, np.ndarray], *, force: bool = False) -> Path:
    """Write named columns to ``.csv`` (with a header) or the ``denoised`` column to ``.npy``."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".npy":
        return atomic_write(path, lambda tmp: np.save(tmp, np.asarray(columns["denoised"])), force=force)
    if suffix in (".csv", ".txt"):
        names = list(columns)
        table = np.column_stack([np.asarray(columns[n], float) for n in names])
        return atomic_write(
            path, lambda tmp: np.savetxt(tmp, table, delimiter=",", header=",".join(names), comments="", fmt="%.10g"),
            force=force,
        )
    raise ValueError(f"unsupported output format {suffix!r}; valid: .csv, .txt, .npy")
