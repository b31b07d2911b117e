"""Registries: one way to look a name up and one message when it is not there."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

__all__ = ["unknown", "lookup", "check_choice"]

T = TypeVar("T")


def unknown(what: str, value: Any, valid: Iterable[Any], *, extra: str = "") -> str:
    """``"unknown <what> <value!r>; valid: 'a', 'b'[, extra]"``. Entries that are already
    written as code (``None``) are not quoted again."""
    names = ", ".join(v if v == "None" else repr(v) for v in valid)
    return f"unknown {what} {value!r}; valid: {names}" + (f" {extra}" if extra else "")


def lookup(registry: Mapping[str, T], what: str, name: Any) -> T:
    """``registry[name]``, or ``ValueError`` naming ``what`` and the valid names."""
    if not isinstance(name, str) or name not in registry:
        raise ValueError(unknown(what, name, registry))
    return registry[name]


def check_choice(what: str, value: Any, valid: Iterable[Any]) -> None:
    """Raise ``ValueError`` unless ``value`` is one of ``valid``."""
    valid = tuple(valid)
    if not isinstance(value, str) or value not in valid:
        raise ValueError(unknown(what, value, valid))
