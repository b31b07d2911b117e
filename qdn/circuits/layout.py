"""Register layout of the denoising circuit: sizes and the order qubits are added in."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Layout", "REGISTER_ORDER"]

#: Order in which registers are added to every qdn circuit (little-endian: ``i`` holds the
#: least significant qubits). Work qubits of the comparator come last.
REGISTER_ORDER = ("i", "mean", "j", "thre", "anc")


@dataclass(frozen=True)
class Layout:
    """Sizes of a windowed signal and of the registers that hold it.

    A signal of ``N = 2**n`` samples is cut into ``P = 2**p`` windows of ``M = 2**m`` samples.
    ``a`` qubits hold the window mean and ``b`` qubits the window threshold; ``b = m`` so the
    threshold register and the frequency register ``i`` have the same width (the comparator
    adds them).
    """

    m: int
    p: int
    a: int = 4

    def __post_init__(self) -> None:
        if self.m < 1:
            raise ValueError(f"window must hold at least 2 samples (m >= 1), got m={self.m}")
        if self.p < 0:
            raise ValueError(f"number of window qubits p must be >= 0, got {self.p}")
        if self.a < 1:
            raise ValueError(f"mean register needs at least 1 qubit, got a={self.a}")

    @classmethod
    def from_sizes(cls, n_samples: int, window: int, mean_bits: int = 4) -> "Layout":
        return cls(m=window.bit_length() - 1, p=(n_samples // window).bit_length() - 1, a=mean_bits)

    @property
    def M(self) -> int:  # noqa: N802 - the paper's symbol
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
        return self.m

    def num_qubits(self, variant: str = "register", two_sided: bool = True) -> int:
        """Total qubits of the assembled circuit, work qubits included."""
        if variant == "register":
            # carry-in + one flag per side of the spectrum
            return self.m + self.a + self.p + self.b + 1 + (3 if two_sided else 2)
        if variant == "compact":
            return self.m + self.p + 1 + (2 if two_sided else 1)
        raise ValueError(f"unknown variant {variant!r}; valid: 'register', 'compact'")
