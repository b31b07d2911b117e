"""The outcome of a batch: what was done, skipped and failed, and the table printed at the end."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["BatchSummary"]


@dataclass
class BatchSummary:
    """Returned by :func:`qdn.batch.denoise_files`.

    Attributes
    ----------
    done : list of str
        Items denoised by this run (their ``rel`` paths).
    skipped : list of str
        Items finished by an earlier run (same input, same options, output intact).
    failed : dict of str to str
        Items that failed, with the one-line error ``qdn denoise`` would print.
    planned : dict of str to str
        Every item's action (``new``, ``changed``, ``skip``, ...; see :class:`qdn.batch.plan.Planned`).
    seconds : float
        Wall time of the run.
    work_seconds : float
        Sum of the items' own times on the workers.
    workers : int
        Workers the run had (0 for a dry run).
    manifest : Path or None
    dry_run : bool
    """

    done: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    planned: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0
    work_seconds: float = 0.0
    workers: int = 0
    manifest: Path | None = None
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        """True when no item failed."""
        return not self.failed

    def table(self) -> str:
        """The summary table printed at the end of ``qdn batch`` (markdown)."""
        if self.dry_run:
            todo = sum(a != "skip" for a in self.planned.values())
            rows = [("would denoise", todo), ("would skip", len(self.planned) - todo), ("total", len(self.planned))]
        else:
            total = len(self.done) + len(self.skipped) + len(self.failed)
            rows = [("done", len(self.done)), ("skipped", len(self.skipped)), ("failed", len(self.failed)),
                    ("total", total)]
        lines = ["| items | count |", "|---|---:|"] + [f"| {k} | {v} |" for k, v in rows]
        if not self.dry_run:
            lines.append(f"\nwall time {self.seconds:.1f} s; {self.work_seconds:.1f} s of item work on "
                         f"{self.workers} worker(s)" + (f"; manifest {self.manifest}" if self.manifest else ""))
        return "\n".join(lines) + "\n"
