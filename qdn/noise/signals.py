"""Classical noise scenarios (shared/DESIGN.md §3). All seeded; all return new arrays."""

from __future__ import annotations

import numpy as np

from ..common.validation import as_signal

__all__ = ["awgn", "poisson", "salt_and_pepper"]


def as_generator(seed) -> np.random.Generator:
    """``seed`` as a NumPy Generator (a Generator passes through)."""
    return seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)


def awgn(x, snr_db: float, *, seed=None) -> np.ndarray:
    """Add white Gaussian noise so that ``10 log10(sum x^2 / sum n^2)`` equals ``snr_db``.

    The noise is drawn, then rescaled to the exact target energy, so the measured SNR of the
    result equals ``snr_db`` up to float error.
    """
    x = np.asarray(as_signal(x, ndim=np.ndim(x)), float)
    if not np.isfinite(snr_db):
        raise ValueError(f"snr_db must be finite, got {snr_db}")
    energy = np.sum(x**2)
    if energy == 0:
        raise ValueError("AWGN at a target SNR needs a signal with non-zero energy")
    noise = as_generator(seed).standard_normal(x.shape)
    noise *= np.sqrt(energy / 10 ** (snr_db / 10) / np.sum(noise**2))
    return x + noise


def poisson(x, *, scale: float = 100.0, seed=None) -> np.ndarray:
    """Photon-counting noise: ``Poisson(scale * x) / scale`` (``x >= 0``; higher scale, less noise)."""
    x = np.asarray(as_signal(x, ndim=np.ndim(x)), float)
    if scale <= 0:
        raise ValueError(f"scale must be positive, got {scale}")
    if x.min() < 0:
        raise ValueError("Poisson noise needs a non-negative signal (counts); shift it first")
    return as_generator(seed).poisson(x * scale) / scale


def salt_and_pepper(x, amount: float = 0.05, *, seed=None) -> np.ndarray:
    """Replace a fraction ``amount`` of samples by the signal's min or max (half each)."""
    x = np.asarray(as_signal(x, ndim=np.ndim(x)), float)
    if not 0 <= amount <= 1:
        raise ValueError(f"amount must lie in [0, 1], got {amount}")
    rng = as_generator(seed)
    out = x.copy()
    hit = rng.random(x.shape) < amount
    salt = rng.random(x.shape) < 0.5
    out[hit & salt] = x.max()
    out[hit & ~salt] = x.min()
    return out
