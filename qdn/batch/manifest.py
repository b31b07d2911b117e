"""The manifest of a batch: one JSON line per finished item, in the output folder.

Each line records an input (its path relative to the inputs' root, its SHA-256), the options it
was denoised with (and their key), the output (path, SHA-256), the status (``done``,
``failed``, or ``submitted`` for a hardware job still running) and the error line of a failure.
The last line of an input wins. A line is appended with one ``write`` on a file opened with
``O_APPEND`` and flushed with ``fsync`` before the output it names is put in place, so a batch
killed at any moment leaves every line whole, except at worst the last, which :meth:`Manifest.load`
drops (and compacts the file atomically without it).

An item is *finished* (skipped by a rerun) when its last line is ``done`` with the same input
hash and options key, and its output is still there with the recorded hash.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..io.atomic import atomic_write, fsync_dir

__all__ = ["MANIFEST_NAME", "file_sha256", "options_key", "Manifest"]

#: File name of the manifest inside the output folder.
MANIFEST_NAME = "qdn-batch.jsonl"


def file_sha256(path: str | os.PathLike) -> str | None:
    """SHA-256 (hex) of the file's bytes; None when it cannot be read."""
    h = hashlib.sha256()
    try:
        with open(path, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                h.update(block)
    except OSError:
        return None
    return h.hexdigest()


def options_key(options: Mapping[str, Any]) -> str:
    """A short stable key of the denoising options (a change of any option redoes the item)."""
    text = json.dumps(dict(options), sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


class Manifest:
    """The JSON-lines manifest at ``path``: read once, then appended to line by line."""

    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)
        self.records: dict[str, dict] = {}

    def load(self, *, repair: bool = True) -> Manifest:
        """Read the manifest (nothing when absent); a damaged line (a batch killed while writing
        it) is dropped and, with ``repair``, the file rewritten atomically without it (a dry run
        reads with ``repair=False``: it writes nothing)."""
        try:
            lines = self.path.read_text(encoding="utf-8").splitlines()
        except FileNotFoundError:
            return self
        good = []
        for line in lines:
            try:
                rec = json.loads(line)
            except ValueError:
                continue
            if isinstance(rec, dict) and isinstance(rec.get("input"), str):
                self.records[rec["input"]] = rec
                good.append(line)
        if repair and len(good) != len(lines):
            text = "".join(g + "\n" for g in good)
            atomic_write(self.path, lambda tmp: Path(tmp).write_text(text, encoding="utf-8"), force=True)
        return self

    def latest(self, rel: str) -> dict | None:
        """The last record of input ``rel``, or None."""
        return self.records.get(rel)

    def append(self, record: Mapping[str, Any]) -> None:
        """Append ``record`` as one line, durably (``O_APPEND``, one ``write``, ``fsync``)."""
        rec = dict(record)
        data = (json.dumps(rec, sort_keys=True, allow_nan=False) + "\n").encode()
        new = not self.path.exists()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o666)
        try:
            os.write(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
        if new:
            fsync_dir(self.path.parent)
        self.records[rec["input"]] = rec
