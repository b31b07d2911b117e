"""Progress bars for long loops (tqdm on stderr, shown only on an interactive terminal)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

from tqdm import tqdm

T = TypeVar("T")

__all__ = ["progress"]


def progress(iterable: Iterable[T], *, desc: str, total: int | None = None, unit: str = "it",
             min_items: int = 2) -> Iterable[T]:
    """``iterable`` with a tqdm bar on stderr.

    ``disable=None`` lets tqdm hide the bar when stderr is not a terminal (pipes, CI, log files),
    so scripts and tests see no extra output; loops shorter than ``min_items`` get no bar.
    """
    if total is None:
        try:
            total = len(iterable)  # type: ignore[arg-type]
        except TypeError:
            total = None
    if total is not None and total < min_items:
        return iterable
    return tqdm(iterable, desc=desc, total=total, unit=unit, disable=None, leave=False)
