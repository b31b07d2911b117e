"""Classical map between signal samples and the ancilla amplitudes cos(theta).

The encoder writes ``cos(theta_ji)|0> + sin(theta_ji)|1>`` into the ``anc`` qubit for sample
``y_ji``. Two maps are offered (shared/DESIGN.md §1):

``"linear"`` (default)
    ``cos(theta) = c0 + c1 * y``, the affine map taking ``[min y, max y]`` onto
    ``[floor, 1]``. The noise-free pipeline is then a linear filter of ``y`` and decodes exactly.
``"paper"``
    The paper's ``theta = pi * s / 2**a`` with ``s`` the a-bit quantisation of ``y``. The
    amplitude ``cos(theta)`` is non-linear in ``y`` and changes sign for ``s > 2**(a-1)``;
    sampled readout loses that sign, so use statevector readout with this map.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from ..common.registry import unknown

__all__ = ["AmplitudeMap", "ENCODINGS"]

ENCODINGS = ("linear", "paper")


@dataclass(frozen=True)
class AmplitudeMap:
    """Affine or paper map fitted to one signal's range."""

    kind: str
    lo: float
    hi: float
    floor: float = 0.25
    bits: int = 4

    @classmethod
    def fit(cls, y: np.ndarray, kind: str = "linear", *, floor: float = 0.25, bits: int = 4):
        if kind not in ENCODINGS:
            raise ValueError(unknown("encoding", kind, ENCODINGS))
        if not 0.0 < floor < 1.0:
            raise ValueError(f"floor must lie in (0, 1), got {floor}")
        lo, hi = float(np.min(y)), float(np.max(y))
        if not np.isfinite(hi - lo):
            raise ValueError(
                f"signal range [{lo:.3g}, {hi:.3g}] overflows float64 (max - min > {np.finfo(float).max:.3g}); "
                "rescale the data"
            )
        if hi == lo:
            raise ValueError(
                f"signal is constant (every sample equals {lo:g}): the amplitude map needs a "
                "non-zero range, and there is nothing to denoise"
            )
        return cls(kind=kind, lo=lo, hi=hi, floor=floor, bits=bits)

    # -- forward -------------------------------------------------------------------------
    def unit(self, y: np.ndarray) -> np.ndarray:
        """``y`` rescaled so the fitted range maps onto [0, 1]."""
        return (np.asarray(y, float) - self.lo) / (self.hi - self.lo)

    def amplitudes(self, y: np.ndarray) -> np.ndarray:
        """``cos(theta)`` for each sample."""
        if self.kind == "linear":
            return self.floor + (1.0 - self.floor) * self.unit(y)
        s = np.rint(np.clip(self.unit(y), 0, 1) * (2**self.bits - 1))
        return np.cos(np.pi * s / 2**self.bits)

    def ry_angles(self, y: np.ndarray) -> np.ndarray:
        """Angles of the Ry rotations: ``Ry(2 theta)|0> = cos(theta)|0> + sin(theta)|1>``."""
        return 2.0 * np.arccos(np.clip(self.amplitudes(y), -1.0, 1.0))

    # -- inverse -------------------------------------------------------------------------
    def decode(self, amplitudes: np.ndarray) -> np.ndarray:
        """Invert :meth:`amplitudes` (for ``"paper"``, without re-quantising)."""
        amplitudes = np.asarray(amplitudes, float)
        if self.kind == "linear":
            u = (amplitudes - self.floor) / (1.0 - self.floor)
        else:
            s = np.arccos(np.clip(amplitudes, -1.0, 1.0)) * 2**self.bits / np.pi
            u = s / (2**self.bits - 1)
        return self.lo + u * (self.hi - self.lo)

    def quantize_mean(self, means: np.ndarray, bits: int) -> np.ndarray:
        """Window means as ``bits``-bit integers over the fitted range (the ``mean`` register)."""
        u = np.clip(self.unit(means), 0.0, 1.0)
        return np.rint(u * (2**bits - 1)).astype(np.int64)
