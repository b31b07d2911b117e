"""What a batch run does with each input: skip it (finished before), denoise it (new, changed,
failed before, other options, output gone), or refuse it (its output exists and is not the
batch's own, without ``--force``)."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .discovery import Item
from .manifest import Manifest, file_sha256

__all__ = ["Planned", "plan_items"]


@dataclass
class Planned:
    """One input and what this run does with it.

    Attributes
    ----------
    item : Item
    output : str
        The output path (``OUT_DIR/rel``, named as in messages).
    sha256 : str or None
        The input's hash now (None: unreadable; the task reports why).
    action : str
        ``skip`` (finished), ``new``, ``changed`` (input changed), ``options`` (other options),
        ``retry`` (failed before), ``redo`` (its output is gone or not the recorded one),
        ``resume`` (a hardware job submitted by an earlier run).
    overwrite : bool
        The output may be replaced (``--force``, or it is the batch's own earlier output).
    blocked : str or None
        The error line when the output exists and may not be replaced.
    """

    item: Item
    output: str
    sha256: str | None
    action: str
    overwrite: bool = False
    blocked: str | None = None


def _action(rec: dict | None, sha: str | None, okey: str, out_sha: str | None) -> str:
    if rec is None:
        return "new"
    if rec.get("status") == "failed":
        return "retry"
    if rec.get("status") == "submitted" and rec.get("sha256") == sha and rec.get("options_key") == okey:
        return "resume"  # a hardware job of an earlier run: collect it from the journal
    if rec.get("sha256") != sha:
        return "changed"
    if rec.get("options_key") != okey:
        return "options"
    if rec.get("status") == "done" and out_sha is not None and out_sha == rec.get("output_sha256"):
        return "skip"
    return "redo"


def plan_items(items: Sequence[Item], out_dir: str | os.PathLike, manifest: Manifest, okey: str, *,
               force: bool) -> list[Planned]:
    """Decide every item's action from the manifest, the input's hash and the output on disk."""
    planned = []
    for it in items:
        output = str(Path(out_dir) / it.rel)
        sha = file_sha256(it.path)
        rec = manifest.latest(it.rel)
        exists = os.path.lexists(output)
        out_sha = file_sha256(output) if exists else None
        action = _action(rec, sha, okey, out_sha)
        ours = rec is not None and out_sha is not None and out_sha == rec.get("output_sha256")
        p = Planned(it, output, sha, action, overwrite=force or ours)
        if action != "skip" and exists and not p.overwrite:
            p.blocked = f"qdn: error: {output} exists; use --force to overwrite"
        planned.append(p)
    return planned
