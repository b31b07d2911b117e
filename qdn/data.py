"""Signals that ship inside installed packages (no network; shared/DESIGN.md §5)."""

from __future__ import annotations

import numpy as np
import pywt

__all__ = ["ecg", "demo_signal"]


def ecg() -> np.ndarray:
    """PyWavelets' bundled ECG, 1024 samples (float64)."""
    return np.asarray(pywt.data.ecg(), dtype=float)


def demo_signal(name: str = "HeaviSine", n: int = 1024) -> np.ndarray:
    """One of PyWavelets' test signals (Blocks, Bumps, HeaviSine, Doppler, ...)."""
    try:
        return np.asarray(pywt.data.demo_signal(name, n), dtype=float)
    except ValueError as exc:
        raise ValueError(f"unknown demo signal {name!r}: {exc}") from None
