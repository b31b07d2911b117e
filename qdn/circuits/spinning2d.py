r"""Cycle spinning inside the circuit for 2-D image patches: one shift register per axis.

The 1-D construction (:mod:`qdn.circuits.spinning`) with a product grid of ``Sy x Sx`` shifts
``(dy, dx) = (ky M / Sy, kx M / Sx)``: registers ``sx`` (``log2 Sx`` qubits) and ``sy``
(``log2 Sy``) in uniform superposition, and

.. math::

    A_S = H_{s}\; R^{\dagger}\; F^{\dagger}\; \mathrm{RY}_{flag}[w(s, j, k_y, k_x)]\; F\; R\; (H_{s} \otimes T),

* ``R``: two :class:`~qiskit.circuit.library.ModularAdderGate` (inverted: they subtract). The
  column coordinate ``X = ix + M jx`` lives on ``i[:b] + j[:gx]`` (``b = log2 M``); subtracting
  ``kx M / Sx`` is subtracting ``kx`` from its bits ``b - log2 Sx`` and up, ``sx`` padded by
  clean ``work`` qubits to their width. The row coordinate ``Y = iy + M jy`` on
  ``i[b:] + j[gx:]`` gets ``sy`` the same way. Cyclic: the image is one period on both axes.
* ``F``: the 2-D QFT, one ``QFTGate(b)`` per axis of ``i`` (as :mod:`qdn.circuits.qft`).
* the mark: one UCRY multiplexor on ``flag`` controlled by ``i, j, sx, sy, anc``, angle
  ``2 arcsin w`` for ``anc = 0`` and 0 for ``anc = 1``; ``w`` the 0/1 mask of the cutoff of
  (shift, patch) (``frequency_mask(M, tau, "separable" | "radial", ndim=2)``) or soft weights.

The good subspace is ``flag = 1, sx = 0, sy = 0``: there the state is the shift average
:func:`qdn.classical.spinning2d.spin_image_filter` of the encoded amplitudes over ``sqrt(N)``
(the weights read at frequency ``-k``, see :func:`~qdn.classical.spinning2d.flip_frequencies`;
every mask is symmetric). Register order (little-endian): ``i, j, anc, flag, sx, sy, work``;
empty registers are left out. Only the compact variant exists (cutoffs as circuit constants).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from qiskit import QuantumCircuit
from qiskit.circuit import AncillaRegister, QuantumRegister
from qiskit.circuit.library import ModularAdderGate

from .amplification import Schedule
from .encode import amplitude_encoding
from .layout import Layout
from .qft import append_windowed_qft
from .registers import reg
from .spinning import spin_oracle, spinning_circuit, weighted_mark_circuit
from ..classical.spinning import mask_weights
from ..classical.spinning2d import flip_frequencies, spin_image_filter
from ..classical.windows import from_windows, to_windows
from ..common.registry import check_choice

__all__ = ["SpinningImageProblem", "spin_image_frame", "spin_image_qubits", "image_shift_circuit"]

#: Kept-frequency shapes the 2-D spinning mark builds (any 0/1 table or soft weights work).
IMAGE_MASKS = ("separable", "radial")


def _bits(n: int) -> int:
    return int(n).bit_length() - 1


def _registers(layout: Layout, spins: tuple[int, int]) -> list:
    gy, gx = layout.grid
    sizes = [("i", layout.m), ("j", layout.p), ("anc", 1), ("flag", 1), ("sx", _bits(spins[1])),
             ("sy", _bits(spins[0])), ("work", max(gx if spins[1] > 1 else 0, gy if spins[0] > 1 else 0))]
    return [(AncillaRegister if name == "work" else QuantumRegister)(size, name) for name, size in sizes if size]


def spin_image_frame(layout: Layout, spins: tuple[int, int], name: str = "qdn") -> QuantumCircuit:
    """An empty circuit with registers ``i, j, anc, flag, sx, sy, work`` (the empty ones left
    out); ``work`` pads the shift registers of the adders (``gx`` or ``gy`` qubits)."""
    return QuantumCircuit(*_registers(layout, spins), name=name)


def spin_image_qubits(layout: Layout, spins: tuple[int, int]) -> int:
    """Qubits of the 2-D spinning circuit of ``layout`` and ``(Sy, Sx)`` shifts."""
    return sum(r.size for r in _registers(layout, spins))


def _axes(qc: QuantumCircuit, layout: Layout) -> tuple[list, list]:
    """The qubits of the column coordinate ``ix + M jx`` and of the row coordinate ``iy + M jy``."""
    b, gx = layout.b, layout.grid[1]
    i, j = reg(qc, "i"), reg(qc, "j")
    return i[:b] + j[:gx], i[b:] + j[gx:]


def image_shift_circuit(template: QuantumCircuit, layout: Layout, *, inverse: bool = False) -> QuantumCircuit:
    """``|kx, ky>|X, Y> -> |kx, ky>|X - kx M/Sx, Y - ky M/Sy>`` (mod the image sides;
    ``inverse``: ``+``) on the frame of ``template``. Name ``"shift"`` / ``"unshift"``."""
    qc = template.copy_empty_like(name="unshift" if inverse else "shift", vars_mode="drop")
    for s, coord in zip((reg(qc, "sx"), reg(qc, "sy")), _axes(qc, layout)):
        if not s:
            continue
        high = coord[layout.b - len(s):]
        pad = reg(qc, "work")[: len(high) - len(s)]
        adder = ModularAdderGate(len(high))
        qc.append(adder if inverse else adder.inverse(), s + pad + high)
    return qc


def _check(layout: Layout, amplitudes, thresholds, spins, mask, weights) -> None:
    check_choice("mask", mask, IMAGE_MASKS)
    if layout.ndim != 2:
        raise ValueError("SpinningImageProblem needs a 2-D patch layout (Layout.for_shape((H, W), M))")
    M, P = layout.side, layout.P
    sy, sx = spins
    if any(not isinstance(v, (int, np.integer)) or v < 1 or v & (v - 1) or v > M for v in spins) or sy * sx < 2:
        raise ValueError(f"spins (Sy, Sx) must be powers of two in [1, {M}], not both 1, got {spins!r}")
    S = sy * sx
    if np.shape(thresholds) != (S, P):
        raise ValueError(f"thresholds must have shape (Sy*Sx, P) = {(S, P)}, got {np.shape(thresholds)}")
    if np.shape(amplitudes) != (P, M, M):
        raise ValueError(f"amplitudes must have shape {(P, M, M)}, got {np.shape(amplitudes)}")
    if weights is not None and np.shape(weights) != (S, P, M, M):
        raise ValueError(f"weights must have shape {(S, P, M, M)}, got {np.shape(weights)}")


@dataclass(frozen=True)
class SpinningImageProblem:
    """Amplitude-amplification problem of a cycle-spun image cut into ``M x M`` patches.

    ``amplitudes`` ``cos(theta)`` of shape ``(P, M, M)`` (unshifted patches, ``j = jx + Px jy``);
    ``thresholds`` the cutoffs per (shift, patch), shape ``(Sy Sx, P)``, shift ``s = kx + Sx ky``;
    ``spins = (Sy, Sx)`` powers of two ``<= M`` (not both 1). ``mask`` ``"separable"`` or
    ``"radial"`` turns the cutoffs into 0/1 weights; ``weights`` ``(S, P, M, M)`` in [0, 1] (over
    ``(ky, kx)``) replace them. ``variant`` must be ``"compact"``.
    """

    layout: Layout
    amplitudes: np.ndarray
    thresholds: np.ndarray
    spins: tuple[int, int]
    variant: str = "compact"
    mask: str = "separable"
    weights: np.ndarray | None = None
    _cache: dict = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.variant != "compact":
            raise ValueError(f"in-circuit spinning of images is built in the compact variant only, got variant={self.variant!r}")
        _check(self.layout, self.amplitudes, self.thresholds, tuple(self.spins), self.mask, self.weights)

    @property
    def shifts(self) -> int:
        return int(self.spins[0] * self.spins[1])

    @property
    def two_sided(self) -> bool:
        return True

    def mark_weights(self) -> np.ndarray:
        """The mark's weights ``(S, P, M, M)``: the hard masks of the cutoffs, or ``weights``."""
        if self.weights is None:
            return mask_weights(self.layout.side, self.thresholds, self.mask, ndim=2)
        return np.clip(np.asarray(self.weights, float), 0.0, 1.0)

    def good_amplitudes(self) -> np.ndarray:
        """The good component of ``A_S|0>`` on ``(j, iy, ix)``: the shift average over ``sqrt(N)``."""
        if "good" not in self._cache:
            lay = self.layout
            img = from_windows(np.asarray(self.amplitudes, float), lay.shape)
            good = spin_image_filter(img, lay.side, tuple(self.spins), flip_frequencies(self.mark_weights()))
            self._cache["good"] = to_windows(good, lay.side, 2) / np.sqrt(lay.N)
        return self._cache["good"]

    @property
    def weight(self) -> float:
        """Marked weight: probability of ``flag = 1, sx = sy = 0`` in ``A_S|0>``."""
        g = self.good_amplitudes()
        return float(np.vdot(g, g).real)

    @property
    def num_qubits(self) -> int:
        return spin_image_qubits(self.layout, tuple(self.spins))

    def frame(self, name: str) -> QuantumCircuit:
        return spin_image_frame(self.layout, tuple(self.spins), name=name)

    def state_preparation(self, *, synthesize_mcx: bool = True) -> QuantumCircuit:
        """``A_S``, each stage one labelled instruction (``encode``, ``shift``, ``qft``, ``mark``,
        ``iqft``, ``unshift``, ``unspin``). ``synthesize_mcx`` is accepted for the executor (no
        MCX here)."""
        if "A" not in self._cache:
            qc = self.frame("A")
            enc = self.frame("encode")
            amplitude_encoding(enc, 2.0 * np.arccos(np.clip(np.asarray(self.amplitudes).ravel(), -1.0, 1.0)))
            spin = reg(enc, "sx") + reg(enc, "sy")
            enc.h(spin)
            unspin = self.frame("unspin")
            unspin.h(spin)
            stages = (enc, image_shift_circuit(qc, self.layout), append_windowed_qft(self.frame("qft"), self.layout),
                      weighted_mark_circuit(qc, self.mark_weights()),
                      append_windowed_qft(self.frame("iqft"), self.layout, inverse=True),
                      image_shift_circuit(qc, self.layout, inverse=True), unspin)
            for stage in stages:
                qc.append(stage.to_gate(), qc.qubits)
            self._cache["A"] = qc
        return self._cache["A"]

    def oracle(self, phase: float = np.pi) -> QuantumCircuit:
        """Phase ``phase`` on ``flag = 1, sx = 0, sy = 0`` (name ``"oracle"``)."""
        return spin_oracle(self.frame("oracle"), phase)

    def circuit(self, schedule: Schedule, *, measure: bool = False, synthesize_mcx: bool = True) -> QuantumCircuit:
        """:func:`~qdn.circuits.spinning.spinning_circuit` of this problem (``meas`` integer
        ``i + M^2 j + N anc + 2 N flag + 4 N s``, ``s = sx + Sx sy``)."""
        return spinning_circuit(self, schedule, {"mask": self.mask, "window": self.layout.side,
                                                 "windows": self.layout.P, "spins": tuple(self.spins)},
                                measure=measure, synthesize_mcx=synthesize_mcx)
