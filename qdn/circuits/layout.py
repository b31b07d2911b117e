"""Register layout of the denoising circuit: sizes and the order qubits are added in, for 1-D
windows and N-D patches alike."""

from __future__ import annotations

from dataclasses import dataclass

from ..common.registry import lookup, unknown
from ..common.validation import is_power_of_two

__all__ = ["Layout", "REGISTER_ORDER", "VARIANTS", "WORK_QUBITS", "holds_codes", "work_size"]

#: Order in which registers are added to every qdn circuit (little-endian: ``i`` holds the
#: least significant qubits). Work qubits of the comparator come last.
REGISTER_ORDER = ("i", "mean", "j", "thre", "anc")

#: Circuit variants -> whether the window codes (mean and cutoff) live in qubit registers
#: (``mean``, ``thre``: the paper's layout) or are classical constants of the circuit.
VARIANTS = {"register": True, "compact": False}


def holds_codes(variant: str) -> bool:
    """Whether ``variant`` holds the ``mean``/``thre`` registers (:data:`VARIANTS`)."""
    return lookup(VARIANTS, "variant", variant)


#: Comparator work qubits per (window dimensions, variant, mask): register variant a carry-in
#: and one flag per spectrum side and axis; compact variant one comparator result per side and
#: axis (1-D/separable) or one flag (radial: a diagonal phase table).
WORK_QUBITS = {
    (1, "register", "two-sided"): 3,
    (1, "register", "one-sided"): 2,
    (1, "compact", "two-sided"): 2,
    (1, "compact", "one-sided"): 1,
    (2, "register", "separable"): 5,
    (2, "compact", "separable"): 4,
    (2, "compact", "radial"): 1,
}


def work_size(ndim: int, variant: str, mask: str) -> int:
    """Work qubits of the circuit for ``ndim``-D windows, ``variant`` and ``mask``."""
    key = (ndim, variant, "separable" if ndim > 1 and mask == "two-sided" else mask)
    if key not in WORK_QUBITS:
        holds_codes(variant)  # an unknown variant is named as such
        if ndim > 1 and mask == "radial":
            raise ValueError(
                "the radial oracle exists for variant='compact' only (a register comparison of "
                "kx**2 + ky**2 would need squaring arithmetic); use variant='compact', "
                "shape='separable' or backend='emulator'"
            )
        valid = sorted({k[2] for k in WORK_QUBITS if k[0] == ndim})
        raise ValueError(unknown("shape" if ndim > 1 else "mask", mask, valid))
    return WORK_QUBITS[key]


@dataclass(frozen=True)
class Layout:
    """Sizes of a windowed signal (or patched image) and of the registers that hold it.

    A signal of ``N = 2**n`` samples is cut into ``P = 2**p`` windows of ``M = 2**m`` samples.
    ``a`` qubits hold the window mean and ``b`` qubits the window threshold. For N-D patches
    (``grid`` given: the qubits of the window grid per axis, summing to ``p``) a window is a
    ``side x side x ...`` patch of ``M = side**ndim`` samples, ``i`` holds its position
    (``m / ndim`` qubits per axis, the last axis least significant) and ``b = m / ndim`` (one
    axis: a per-axis cutoff). In 1-D ``b = m``, so the threshold register and the frequency
    register ``i`` have the same width (the comparator adds them).
    """

    m: int
    p: int
    a: int = 4
    grid: tuple[int, ...] = ()

    def __post_init__(self) -> None:
        if self.m < self.ndim:
            raise ValueError(f"window must hold at least 2 samples per axis (m >= {self.ndim}), got m={self.m}")
        if self.p < 0 or any(g < 0 for g in self.grid):
            raise ValueError(f"window-grid qubits must be >= 0, got p={self.p}, grid={self.grid}")
        if self.grid and (sum(self.grid) != self.p or self.m % self.ndim):
            raise ValueError(f"grid {self.grid} must sum to p={self.p} and divide m={self.m} evenly per axis")
        if self.a < 1:
            raise ValueError(f"mean register needs at least 1 qubit, got a={self.a}")

    @classmethod
    def from_sizes(cls, n_samples: int, window: int, mean_bits: int = 4) -> "Layout":
        """1-D: ``n_samples`` cut into windows of ``window`` samples."""
        return cls(m=window.bit_length() - 1, p=(n_samples // window).bit_length() - 1, a=mean_bits)

    @classmethod
    def for_shape(cls, shape: tuple[int, ...], window: int, mean_bits: int = 4) -> "Layout":
        """Data of ``shape`` (powers of two) cut into windows of side ``window`` on every axis."""
        if len(shape) == 1:
            return cls.from_sizes(shape[0], window, mean_bits)
        names = ("height", "width") if len(shape) == 2 else tuple(f"axis {k}" for k in range(len(shape)))
        for side, what in tuple(zip(shape, names)) + ((window, "window"),):
            if not is_power_of_two(side):
                raise ValueError(f"image {what} must be a power of two here, got {side}")
        if window > min(shape):
            raise ValueError(f"window ({window}) is larger than the image ({'x'.join(map(str, shape))})")
        k = window.bit_length() - 1
        grid = tuple(s.bit_length() - 1 - k for s in shape)
        return cls(m=k * len(shape), p=sum(grid), a=mean_bits, grid=grid)

    @property
    def ndim(self) -> int:
        """Axes of a window: 1 for signals, 2 for image patches."""
        return max(1, len(self.grid))

    @property
    def side(self) -> int:
        """Samples of a window along one axis (``M`` in 1-D)."""
        return 1 << (self.m // self.ndim)

    @property
    def window_shape(self) -> tuple[int, ...]:
        return (self.side,) * self.ndim

    @property
    def grid_shape(self) -> tuple[int, ...]:
        """Windows per axis: ``(P,)`` in 1-D, ``(Py, Px)`` for image patches."""
        return tuple(1 << g for g in self.grid) or (self.P,)

    @property
    def shape(self) -> tuple[int, ...]:
        """Shape of the data: ``(N,)`` or ``(H, W)``."""
        return tuple(g * self.side for g in self.grid_shape)

    @property
    def M(self) -> int:  # noqa: N802 - the paper's symbol
        """Samples per window (all axes)."""
        return 1 << self.m

    @property
    def P(self) -> int:  # noqa: N802
        return 1 << self.p

    @property
    def N(self) -> int:  # noqa: N802
        return self.M * self.P

    @property
    def n(self) -> int:
        return self.m + self.p

    @property
    def b(self) -> int:
        return self.m // self.ndim

    def num_qubits(self, variant: str = "register", mask: str = "two-sided") -> int:
        """Total qubits of the assembled circuit, work qubits included."""
        extra = self.a + self.b if holds_codes(variant) else 0
        return self.m + self.p + 1 + extra + work_size(self.ndim, variant, mask)
