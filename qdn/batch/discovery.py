"""Which files a batch denoises: a folder (searched recursively), a glob, or a list file.

Every input becomes an :class:`Item`: the path as the user would name it (so that error messages
read as those of ``qdn denoise PATH``) and its path relative to the root of the inputs, which
names its output under the output folder and keys it in the manifest.
"""

from __future__ import annotations

import glob
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

__all__ = ["INPUT_SUFFIXES", "Item", "discover"]

#: Suffixes a folder or glob search picks up: the signal and image formats of ``qdn denoise``.
INPUT_SUFFIXES = (".csv", ".txt", ".npy", ".wav", ".dcm", ".dicom", ".png", ".tif", ".tiff")


@dataclass(frozen=True)
class Item:
    """One input file.

    Attributes
    ----------
    path : str
        The file as the user names it (joined to the folder, glob or list file they gave).
    rel : str
        POSIX path relative to the root of the inputs: the output is ``OUT_DIR/rel`` and the
        manifest keys the item by it.
    """

    path: str
    rel: str


def _inside(path: Path, folders: Iterable[Path]) -> bool:
    resolved = path.resolve()
    return any(resolved == f or f in resolved.parents for f in folders)


def _wanted(name: str) -> bool:
    # hidden names are temporary files of atomic writes, editor files, the batch's own state
    return not name.startswith(".") and Path(name).suffix.lower() in INPUT_SUFFIXES


def _walk(folder: str, exclude: list[Path]) -> list[Item]:
    items = []
    for here, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and not _inside(Path(here, d), exclude))
        for name in sorted(files):
            if _wanted(name):
                path = os.path.join(here, name)
                items.append(Item(path, Path(os.path.relpath(path, folder)).as_posix()))
    return items


def _relative(paths: list[str]) -> list[Item]:
    """Items relative to the deepest folder that holds all of ``paths``."""
    if not paths:
        return []
    root = os.path.commonpath([os.path.dirname(os.path.abspath(p)) for p in paths])
    return [Item(p, Path(os.path.relpath(os.path.abspath(p), root)).as_posix()) for p in paths]


def _list_file(path: str) -> list[Item]:
    base = os.path.dirname(path)
    with open(path, encoding="utf-8") as fh:
        lines = [line.strip() for line in fh]
    entries = [line if os.path.isabs(line) else os.path.join(base, line) for line in lines
               if line and not line.startswith("#")]
    return _relative(list(dict.fromkeys(entries)))


def discover(source: str | os.PathLike, *, exclude: Iterable[str | os.PathLike] = ()) -> list[Item]:
    """The inputs named by ``source``, sorted by ``rel``.

    ``source`` is a folder (every file with a suffix of :data:`INPUT_SUFFIXES`, recursively;
    hidden files and folders skipped), a glob pattern (``**`` recursive), or a text file that lists
    one path a line (relative to the list file's folder; ``#`` starts a comment; every entry is an
    item, so a missing one is reported as ``qdn denoise`` reports it). Files inside ``exclude``
    (the output folder) are skipped.

    Raises
    ------
    ValueError
        ``source`` names nothing, it holds no input file, or two inputs would share one output.
    """
    source = os.fspath(source)
    skip = [Path(e).resolve() for e in exclude]
    if os.path.isdir(source):
        items = _walk(source, skip)
    elif os.path.isfile(source):
        items = _list_file(source)
    elif glob.has_magic(source):
        found = sorted(p for p in glob.glob(source, recursive=True)
                       if os.path.isfile(p) and _wanted(os.path.basename(p)) and not _inside(Path(p), skip))
        items = _relative(found)
    else:
        raise ValueError(f"{source}: no such folder, list file or glob match")
    if not items:
        raise ValueError(f"no input files in {source} (looked for {', '.join(INPUT_SUFFIXES)})")
    seen: dict[str, str] = {}
    for it in items:
        key = os.path.normcase(it.rel)
        if key in seen:
            raise ValueError(f"{seen[key]} and {it.path} would both be written to {it.rel}; give them distinct names")
        seen[key] = it.path
    return sorted(items, key=lambda it: it.rel)
