"""Photon counting shared by the optical simulations (classical photon statistics): the check
of a photon budget and Poisson counts of an expected image at a given budget."""

from __future__ import annotations

import numpy as np

__all__ = ["check_positive", "check_photons", "poisson_image", "seed_sequence"]


def check_positive(value, name: str, *, allow_none: bool = False) -> float | None:
    """``value`` as a positive finite float (None allowed when ``allow_none``); ``ValueError``
    naming ``name`` for a negative, zero, non-finite or non-numeric value."""
    if value is None and allow_none:
        return None
    if isinstance(value, (bool, np.bool_)):
        raise ValueError(f"{name} must be a positive number, got {value!r}")
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a positive number, got {value!r}") from None
    if not np.isfinite(v) or v <= 0:
        raise ValueError(f"{name} must be a positive number, got {value!r}")
    return v


def check_photons(photons, name: str = "photons", *, allow_none: bool = True) -> float | None:
    """A photon number: positive and finite (None, noise-free, when ``allow_none``)."""
    return check_positive(photons, name, allow_none=allow_none)


def poisson_image(expected: np.ndarray, photons: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """``(counts, image)``: counts ~ Poisson(photons * expected / sum(expected)) per pixel (so
    ``photons`` detected events are expected in the whole image) and the counts rescaled back to
    the units of ``expected`` (an unbiased estimate of it)."""
    expected = np.asarray(expected, float)
    total = float(expected.sum())
    if total <= 0:
        raise ValueError("the expected image has no light (sum 0): nothing to count")
    scale = photons / total
    counts = rng.poisson(expected * scale).astype(np.int64)
    return counts, counts / scale


def seed_sequence(seed) -> np.random.SeedSequence:
    """A ``SeedSequence`` from a seed (None, a non-negative int, a ``SeedSequence`` or a
    ``Generator``, which is advanced by one draw)."""
    from ..common.validation import check_seed

    check_seed(seed)
    if isinstance(seed, np.random.SeedSequence):
        return seed
    if isinstance(seed, np.random.Generator):
        return np.random.SeedSequence(int(seed.integers(2**63)))
    return np.random.SeedSequence(seed)
