"""Input checks shared by the public functions. Each raises ``ValueError`` naming the problem."""

from __future__ import annotations

import numpy as np

__all__ = [
    "as_signal",
    "check_window",
    "check_int",
    "check_bool",
    "check_seed",
    "data_ndim",
    "is_power_of_two",
    "next_pow2",
    "pad_pow2",
]


def is_power_of_two(x: int) -> bool:
    return isinstance(x, (int, np.integer)) and x > 0 and (int(x) & (int(x) - 1)) == 0


def as_signal(y, *, name: str = "signal", ndim: int = 1) -> np.ndarray:
    """Return ``y`` as a finite float64 array of the given dimension, or raise ``ValueError``."""
    if np.iscomplexobj(y):
        raise ValueError(f"{name} must be real-valued, got a complex array")
    try:
        raw = np.asarray(y)
    except (TypeError, ValueError) as exc:  # ragged nested lists
        raise ValueError(f"{name} must be an array of real numbers: {exc}") from None
    # strings ("1.5"), booleans and objects are not samples, even where NumPy would convert them
    if raw.dtype.kind not in "iuf":
        what = {"b": "booleans", "U": "strings", "S": "bytes", "O": "objects"}.get(raw.dtype.kind, str(raw.dtype))
        raise ValueError(f"{name} must be an array of real numbers, got {what}")
    arr = raw.astype(float)
    if arr.ndim != ndim:
        raise ValueError(f"{name} must be {ndim}-D, got an array of shape {arr.shape}")
    if arr.size == 0:
        raise ValueError(f"{name} is empty")
    bad = ~np.isfinite(arr)
    if bad.any():
        first = int(np.flatnonzero(bad.ravel())[0])
        raise ValueError(
            f"{name} contains {int(bad.sum())} non-finite value(s) (NaN or inf), first at flat "
            f"index {first}"
        )
    return arr


def check_window(window, size, *, name: str = "signal") -> int:
    """Validate a window size (a power of two >= 2) against a signal length or an image shape
    (after any padding)."""
    if not isinstance(window, (int, np.integer)) or isinstance(window, bool):
        raise ValueError(f"window must be an integer, got {window!r}")
    window = int(window)
    if window < 2 or not is_power_of_two(window):
        raise ValueError(f"window must be a power of two >= 2, got {window}")
    shape = tuple(size) if isinstance(size, tuple) else (int(size),)
    if window > min(shape):
        desc = f"{shape[0]} samples" if len(shape) == 1 else "x".join(map(str, shape))
        raise ValueError(f"window ({window}) is larger than the {name} ({desc})")
    return window


def next_pow2(n: int) -> int:
    """The smallest power of two >= ``n`` (1 for n <= 1)."""
    return 1 << max(0, int(n - 1).bit_length())


def pad_pow2(x: np.ndarray, *, pad: bool = True, square: bool = False, name: str = "signal") -> np.ndarray:
    """``x`` padded at the end of every axis, by symmetric reflection, to power-of-two sizes
    (``square``: one side, the largest, on every axis). Returns ``x`` itself when nothing is
    needed; raises ``ValueError`` when padding is needed and ``pad`` is False."""
    target = [next_pow2(s) for s in x.shape]
    if square:
        target = [max(target + [2])] * x.ndim
    if tuple(target) == x.shape:
        return x
    if not pad:
        if x.ndim == 1:
            what = f"{name} length {x.size} is not a power of two"
        elif square:
            what = f"{name} shape {x.shape} is not a square with power-of-two side"
        else:
            what = f"{name} sides {x.shape} are not powers of two"
        raise ValueError(f"{what}; pass pad=True to pad by reflection")
    return np.pad(x, [(0, t - s) for t, s in zip(target, x.shape)], mode="symmetric")


def data_ndim(y, *, name: str = "signal") -> int:
    """Dimensions of array-like ``y``; ``ValueError`` for ragged nested lists."""
    try:
        return int(np.ndim(y))
    except ValueError as exc:
        raise ValueError(f"{name} must be an array of real numbers: {exc}") from None


def check_int(value, name: str, *, minimum: int | None = None) -> int:
    """``value`` as an ``int`` (not a bool, not a float), at least ``minimum``."""
    if not isinstance(value, (int, np.integer)) or isinstance(value, (bool, np.bool_)):
        raise ValueError(f"{name} must be an integer, got {value!r}")
    if minimum is not None and value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value}")
    return int(value)


def check_bool(value, name: str) -> bool:
    """``value`` must be ``True`` or ``False`` (not a string such as "no")."""
    if not isinstance(value, (bool, np.bool_)):
        raise ValueError(f"{name} must be True or False, got {value!r}")
    return bool(value)


def check_seed(seed) -> None:
    """A seed is None, a non-negative integer, or a NumPy ``SeedSequence`` / ``Generator``."""
    if seed is None or isinstance(seed, (np.random.SeedSequence, np.random.Generator)):
        return
    if not isinstance(seed, (int, np.integer)) or isinstance(seed, (bool, np.bool_)) or seed < 0:
        raise ValueError(f"seed must be None or a non-negative integer, got {seed!r}")
