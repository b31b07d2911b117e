r"""Images: the windowed quantum Fourier thresholding of Dutta et al. on 2-D patches.

An image of ``H x W = 2**hy x 2**hx`` pixels is cut into ``P = Py * Px`` square patches of
``M x M`` pixels (``M = 2**m``). The 1-D pipeline (:mod:`qdn.circuits.problem`) carries over with one
change of meaning for ``i`` and ``j``:

Register convention (little-endian, in this order, as in 1-D: ``i, [mean], j, [thre], anc, work``)

============  ========  ===================================================================
register      qubits    holds
============  ========  ===================================================================
``i``         2m        pixel position in the patch: qubits ``0..m-1`` the column ``ix``,
                        qubits ``m..2m-1`` the row ``iy`` (``i = ix + M*iy``); after the
                        2-D QFT the frequencies ``kx`` (low half) and ``ky`` (high half)
``mean``      a         register variant: the patch mean, a-bit code
``j``         p         patch index ``j = jx + Px*jy`` (row-major over the patch grid)
``thre``      m         register variant: the patch cutoff ``tau_j``
``anc``       1         amplitude-encoding ancilla
``work``      w         comparator work qubits (5 register/separable, 4 compact/separable,
                        1 compact/radial)
============  ========  ===================================================================

so the statevector on ``(anc, j, i)`` reshapes as ``(2, P, M, M)`` over ``(anc, j, iy, ix)``
and the flat index of pixel ``(iy, ix)`` of patch ``j`` is ``j*M*M + iy*M + ix``: the same
``i + M'*j`` as a 1-D signal of ``P`` windows of ``M' = M*M`` samples. That is why the 1-D
encoder (:func:`qdn.circuits.encode.amplitude_encoding`: H on ``i`` and ``j`` and *one* ``UCRYGate``
multiplexor over every pixel), the value setting (:func:`qdn.circuits.encode.set_window_codes`), the
amplification rounds (:func:`qdn.circuits.amplification.amplification_round`, reflection about the
prepared state), the schedules, :func:`qdn.circuits.problem.build_circuit` and the readout helpers are
reused as they are; only the QFT and the oracle are new:

* **2-D QFT**: one ``QFTGate(m)`` on the column bits and one on the row bits of ``i``; on a
  patch ``x`` (rows ``iy``, columns ``ix``) it gives ``M * numpy.fft.ifft2(x)``.
* **Oracle** (phase ``beta`` on ``anc = 0`` and the kept frequencies), with the two-sided index
  ``d(k) = min(k, M - k)`` per axis:

  ``shape="separable"`` (default): ``max(d(kx), d(ky)) <= tau_j`` (a square low-pass), built
  from the 1-D carry-chain comparators (:mod:`qdn.circuits.comparator`) against the ``thre`` register
  (register variant: ``[k <= tau]`` and ``[k + tau >= M]`` per axis, four flags combined by
  inclusion-exclusion of phases) or from ``IntegerComparatorGate`` per distinct cutoff
  (compact variant). Cutoffs ``0..M/2``; ``M/2`` keeps everything.

  ``shape="radial"``: ``d(kx)**2 + d(ky)**2 <= tau_j**2`` (a disc). Compact variant only: per
  distinct cutoff a flag ``[anc = 0 and j in windows(t)]`` is computed and a ``DiagonalGate`` over
  the ``2m`` frequency qubits and the flag (a truth table of ``2 M**2`` phases) applies the
  phase; cost about ``2 M**2`` CX per distinct cutoff, fine for the small patches a simulator
  holds. Cutoffs ``0..ceil(M / sqrt 2)``; the last keeps everything. The register variant has
  no radial oracle (it would need squaring arithmetic on qubits).

The classical reference (shared/DESIGN.md §1, per patch): exact schedule, noise-free circuit,
exact readout give ``ifft2(fft2(y_j) * mask_j)`` for every patch (:func:`patch_projection`).

The emulator (:func:`emulate_image_state`) is the same 2x2 plane computation as
:mod:`qdn.emulator.spectral`, with ``fft2`` per patch: it runs full-size images in O(N log M).

Automatic cutoffs: per-patch SURE for the projection estimator,
``SURE(t) = ||y_j - P_t y_j||^2 + 2 sigma^2 (kept bins) - M^2 sigma^2``, with ``sigma`` the
median absolute deviation of the finest diagonal Haar detail (``pywt.dwt2``) / 0.6745: it sees
the noisy image only.

Blocking artefacts: patch boundaries show as a grid. *Cycle spinning* (Coifman & Donoho 1995)
denoises ``K`` shifted copies of the image (shift ``(dy, dx)``, reflected at the border so no
wrap-around seam is created), shifts each back and averages: ``K`` circuit runs instead of one
(:func:`spin_shifts` gives the order of shifts).

Sides that are not powers of two are padded by reflection (``numpy.pad(mode="symmetric")``)
and cropped back.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Callable, Union

import numpy as np
import pywt
from qiskit import QuantumCircuit
from qiskit.circuit import AncillaRegister, QuantumRegister
from qiskit.circuit.library import DiagonalGate, IntegerComparatorGate, QFTGate

from ..common.progress import progress
from ..circuits.gates import controlled_x_on_value, pattern_phase
from ..common.validation import as_signal, is_power_of_two, pad_pow2
from ..circuits.amplification import SCHEDULES, Schedule, make_schedule
from ..classical.amplitude_map import AmplitudeMap
from ..circuits.comparator import leq_flag, wrap_flag
from ..emulator.spectral import sample_state
from ..circuits.encode import amplitude_encoding, set_window_codes
from ..execution.runs import CIRCUIT_BACKENDS, backend_label, check_fits, is_ideal_aer, run_sampler, run_statevector
from ..circuits.layout import Layout
from ..circuits.problem import DenoisingProblem, build_circuit
from ..execution.readout import counts_amplitudes, rescale
from ..circuits.registers import VARIANTS, reg

__all__ = [
    "SHAPES",
    "PatchLayout",
    "ImageProblem",
    "ImageDenoiseResult",
    "denoise_image",
    "image_frame",
    "image_qft",
    "image_oracle",
    "patchify",
    "unpatchify",
    "patch_mask",
    "max_threshold_2d",
    "patch_projection",
    "image_marked_weight",
    "mad_sigma_2d",
    "sure_thresholds_2d",
    "resolve_image_thresholds",
    "prepared_image_spectrum",
    "amplify_plane",
    "emulate_image_state",
    "image_state_amplitudes",
    "spin_shifts",
]

SHAPES = ("separable", "radial")

ThresholdSpec = Union[int, str, np.ndarray, Callable[[float], int]]


# ---------------------------------------------------------------------------------------------
# sizes
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class PatchLayout:
    """Sizes of an image cut into square patches, and of the registers that hold it.

    Patches are ``M x M`` (``M = 2**m``); the patch grid is ``Py x Px = 2**py x 2**px``; ``a``
    qubits hold the patch mean and ``b = m`` qubits the cutoff (register variant).
    """

    m: int
    py: int
    px: int
    a: int = 4

    def __post_init__(self) -> None:
        if self.m < 1:
            raise ValueError(f"patch must be at least 2x2 pixels (m >= 1), got m={self.m}")
        if self.py < 0 or self.px < 0:
            raise ValueError(f"patch-grid qubits must be >= 0, got py={self.py}, px={self.px}")
        if self.a < 1:
            raise ValueError(f"mean register needs at least 1 qubit, got a={self.a}")

    @classmethod
    def from_shape(cls, height: int, width: int, window: int, mean_bits: int = 4) -> "PatchLayout":
        for side, what in ((height, "height"), (width, "width"), (window, "window")):
            if not is_power_of_two(side):
                raise ValueError(f"image {what} must be a power of two here, got {side}")
        if window > min(height, width):
            raise ValueError(f"window ({window}) is larger than the image ({height}x{width})")
        m = window.bit_length() - 1
        return cls(m=m, py=height.bit_length() - 1 - m, px=width.bit_length() - 1 - m, a=mean_bits)

    @property
    def M(self) -> int:  # noqa: N802 - the paper's symbol
        return 1 << self.m

    @property
    def Py(self) -> int:  # noqa: N802
        return 1 << self.py

    @property
    def Px(self) -> int:  # noqa: N802
        return 1 << self.px

    @property
    def p(self) -> int:
        return self.py + self.px

    @property
    def P(self) -> int:  # noqa: N802
        return 1 << self.p

    @property
    def H(self) -> int:  # noqa: N802
        return self.M * self.Py

    @property
    def W(self) -> int:  # noqa: N802
        return self.M * self.Px

    @property
    def b(self) -> int:
        return self.m

    @property
    def flat(self) -> Layout:
        """The same qubits seen as a 1-D signal of P windows of ``M*M`` samples."""
        return Layout(m=2 * self.m, p=self.p, a=self.a)

    def work_size(self, variant: str, shape: str) -> int:
        _check_variant_shape(variant, shape)
        if variant == "register":
            return 5  # carry-in + [kx <= tau], [kx + tau >= M], same for ky
        return 4 if shape == "separable" else 1

    def num_qubits(self, variant: str = "register", shape: str = "separable") -> int:
        """Total qubits of the assembled circuit, work qubits included."""
        base = 2 * self.m + self.p + 1 + self.work_size(variant, shape)
        return base + (self.a + self.b if variant == "register" else 0)


def _check_variant_shape(variant: str, shape: str) -> None:
    if variant not in VARIANTS:
        raise ValueError(f"unknown variant {variant!r}; valid: {', '.join(map(repr, VARIANTS))}")
    if shape not in SHAPES:
        raise ValueError(f"unknown shape {shape!r}; valid: {', '.join(map(repr, SHAPES))}")
    if shape == "radial" and variant == "register":
        raise ValueError(
            "the radial oracle exists for variant='compact' only (a register comparison of "
            "kx**2 + ky**2 would need squaring arithmetic); use variant='compact', "
            "shape='separable' or backend='emulator'"
        )


# ---------------------------------------------------------------------------------------------
# classical side: patches, masks, cutoffs, reference
# ---------------------------------------------------------------------------------------------
def patchify(image: np.ndarray, window: int) -> np.ndarray:
    """``(..., H, W)`` -> ``(..., P, M, M)`` with patch index ``j = jx + Px*jy``."""
    image = np.asarray(image)
    *lead, H, W = image.shape
    py, px = H // window, W // window
    arr = image.reshape(*lead, py, window, px, window)
    arr = np.moveaxis(arr, -3, -2)  # (..., py, px, M, M)
    return arr.reshape(*lead, py * px, window, window)


def unpatchify(patches: np.ndarray, height: int, width: int) -> np.ndarray:
    """Inverse of :func:`patchify`."""
    patches = np.asarray(patches)
    *lead, P, M, _ = patches.shape
    arr = patches.reshape(*lead, height // M, width // M, M, M)
    arr = np.moveaxis(arr, -2, -3)
    return arr.reshape(*lead, height, width)


def _two_sided_index(window: int) -> np.ndarray:
    k = np.arange(window)
    return np.minimum(k, window - k)


def max_threshold_2d(window: int, shape: str = "separable") -> int:
    """Smallest cutoff that keeps every frequency of an ``M x M`` patch."""
    if shape == "separable":
        return window // 2
    if shape == "radial":
        r2 = 2 * (window // 2) ** 2
        return math.isqrt(r2 - 1) + 1 if r2 > 0 else 0
    raise ValueError(f"unknown shape {shape!r}; valid: {', '.join(map(repr, SHAPES))}")


def patch_mask(window: int, thresholds, shape: str = "separable") -> np.ndarray:
    """Kept frequencies ``[ky, kx]`` per cutoff: shape ``thresholds.shape + (M, M)``."""
    d = _two_sided_index(window)
    if shape == "separable":
        dist = np.maximum(d[:, None], d[None, :])
        taus = np.asarray(thresholds)
    elif shape == "radial":
        dist = d[:, None] ** 2 + d[None, :] ** 2
        taus = np.asarray(thresholds) ** 2
    else:
        raise ValueError(f"unknown shape {shape!r}; valid: {', '.join(map(repr, SHAPES))}")
    return dist <= taus[..., None, None]


def patch_projection(patches: np.ndarray, thresholds, shape: str = "separable") -> np.ndarray:
    """The classical reference: per-patch ``ifft2(fft2(y_j) * mask_j)``, shape ``(..., P, M, M)``."""
    patches = np.asarray(patches, float)
    mask = patch_mask(patches.shape[-1], thresholds, shape)
    return np.fft.ifft2(np.fft.fft2(patches) * mask).real


def image_marked_weight(amplitudes: np.ndarray, thresholds, shape: str = "separable") -> float:
    """Good-subspace probability of the prepared state; ``amplitudes`` shape ``(P, M, M)``."""
    amplitudes = np.asarray(amplitudes, float)
    P, M, _ = amplitudes.shape
    power = np.abs(np.fft.fft2(amplitudes)) ** 2 / M**2
    return float((power * patch_mask(M, thresholds, shape)).sum() / (P * M * M))


def mad_sigma_2d(image: np.ndarray) -> float:
    """Noise level from the MAD of the finest diagonal Haar detail (``pywt.dwt2``) / 0.6745.

    Coefficients that are exactly zero are left out, as ``skimage.restoration.estimate_sigma``
    does: flat regions without noise (a zero background under Poisson noise, a padded border)
    would otherwise drive the median, and the estimate, to zero.
    """
    _, (_, _, diag) = pywt.dwt2(np.asarray(image, float), "haar")
    detail = np.abs(diag[diag != 0])
    return float(np.median(detail) / 0.6744897501960817) if detail.size else 0.0


def sure_thresholds_2d(patches: np.ndarray, sigma: float, shape: str = "separable") -> np.ndarray:
    """Per-patch cutoff minimising Stein's unbiased risk of the spectral projection.

    ``SURE(t) = ||y_j - P_t y_j||^2 + 2 sigma^2 (kept bins) - M^2 sigma^2``; ``patches`` has
    shape ``(P, M, M)``; returns ``(P,)`` ints.
    """
    patches = np.asarray(patches, float)
    P, M, _ = patches.shape
    power = (np.abs(np.fft.fft2(patches)) ** 2 / M**2).reshape(P, -1)  # Parseval
    taus = np.arange(max_threshold_2d(M, shape) + 1)
    masks = patch_mask(M, taus, shape).reshape(len(taus), -1)
    kept = power @ masks.T
    risk = power.sum(axis=1, keepdims=True) - kept + 2.0 * sigma**2 * masks.sum(axis=1)[None, :]
    return np.argmin(risk, axis=1).astype(np.int64)


def resolve_image_thresholds(
    patches: np.ndarray,
    threshold: ThresholdSpec = "auto",
    *,
    shape: str = "separable",
    sigma: float | None = None,
    image: np.ndarray | None = None,
) -> np.ndarray:
    """Per-patch cutoffs, shape ``(P,)``, from an int, an array (``(P,)`` or ``(Py, Px)``), a
    callable of the patch mean, or ``"auto"`` (SURE; ``sigma`` defaults to
    :func:`mad_sigma_2d` of ``image``)."""
    patches = np.asarray(patches, float)
    P, M, _ = patches.shape
    t_max = max_threshold_2d(M, shape)
    if isinstance(threshold, str):
        if threshold != "auto":
            raise ValueError(
                f"unknown threshold {threshold!r}; valid: 'auto', an int, an array with one "
                "entry per patch, or a callable of the patch mean"
            )
        if sigma is None:
            if image is None:
                raise ValueError("threshold='auto' needs the image (or sigma) to estimate the noise level")
            sigma = mad_sigma_2d(image)
        return sure_thresholds_2d(patches, sigma, shape)
    if callable(threshold):
        taus = np.array([threshold(float(a)) for a in patches.mean(axis=(1, 2))])
        what = "thresholds returned by the callable"
    elif isinstance(threshold, (bool, np.bool_)):
        raise ValueError("threshold must be an int, an array, a callable or 'auto', not a bool")
    elif np.isscalar(threshold):
        taus, what = np.full(P, threshold), "threshold"
    else:
        taus = np.asarray(threshold)
        if taus.size != P or taus.ndim not in (1, 2):
            raise ValueError(
                f"threshold array must have one entry per patch ({P} patches, as (P,) or "
                f"(Py, Px)), got shape {taus.shape}"
            )
        taus, what = taus.ravel(), "threshold array"
    if taus.dtype.kind not in "iuf":
        raise ValueError(f"{what} must be numeric, got dtype {taus.dtype}")
    if taus.dtype.kind == "f":
        if not np.all(np.isfinite(taus)) or not np.all(taus == np.round(taus)):
            raise ValueError(f"{what} must be whole numbers of frequency bins, got {taus}")
    taus = taus.astype(np.int64)
    if taus.min() < 0 or taus.max() > t_max:
        raise ValueError(
            f"{what} must lie in [0, {t_max}] for {M}x{M} patches ({shape}), got values in "
            f"[{taus.min()}, {taus.max()}]"
        )
    return taus


# ---------------------------------------------------------------------------------------------
# emulator
# ---------------------------------------------------------------------------------------------
def prepared_image_spectrum(amplitudes: np.ndarray) -> np.ndarray:
    """``A|0>`` after the 2-D QFT, shape ``(..., 2, P, M, M)`` on ``(anc, j, ky, kx)``."""
    c = np.asarray(amplitudes, float)
    s = np.sqrt(np.clip(1.0 - c**2, 0.0, None))
    P, M = c.shape[-3], c.shape[-1]
    both = np.stack([c, s], axis=-4)
    return np.fft.ifft2(both) * (M / np.sqrt(P * M * M))


def amplify_plane(
    spec: np.ndarray,
    good: np.ndarray,
    schedule: Union[str, Schedule, Callable[[float], Schedule]] = "exact",
    *,
    core_ndim: int,
    **schedule_options,
) -> tuple[np.ndarray, np.ndarray, list]:
    """The amplification of :mod:`qdn.emulator.spectral` for any shape of the ``anc = 0`` branch.

    ``spec`` has shape ``batch + (2,) + core`` with ``len(core) == core_ndim`` (the prepared
    state in the Fourier basis, ``anc`` axis before the core); ``good`` (bool, broadcastable to
    ``batch + core``) marks the kept components of the ``anc = 0`` branch. Each batch element
    gets its own weight and schedule (a name, a fixed :class:`Schedule` or a callable
    ``weight -> Schedule``), and the schedule's 2x2 plane matrices
    (:meth:`Schedule.final_coefficients`) are applied exactly. Returns the amplified spectrum
    (same shape), the iteration counts (shape ``batch``) and the schedules (flat list, C order).
    """
    spec = np.asarray(spec, complex)
    anc_axis = spec.ndim - 1 - int(core_ndim)
    if anc_axis < 0 or spec.shape[anc_axis] != 2:
        raise ValueError(f"spectrum of shape {spec.shape} has no anc axis of size 2 before {core_ndim} core axes")
    batch, core = spec.shape[:anc_axis], spec.shape[anc_axis + 1 :]
    mask = np.zeros(spec.shape, bool)
    mask[(slice(None),) * anc_axis + (0,)] = np.broadcast_to(np.asarray(good, bool), batch + core)
    g = np.where(mask, spec, 0.0)
    b = spec - g
    axes = tuple(range(anc_axis, spec.ndim))
    g_norm = np.sqrt(np.sum(np.abs(g) ** 2, axis=axes))
    b_norm = np.sqrt(np.sum(np.abs(b) ** 2, axis=axes))
    coef_g = np.empty(batch, complex)
    coef_b = np.empty(batch, complex)
    iters = np.empty(batch, np.int64)
    schedules = []
    for idx in np.ndindex(batch):
        weight = float(g_norm[idx] ** 2 / (g_norm[idx] ** 2 + b_norm[idx] ** 2))
        if isinstance(schedule, Schedule):
            sch = schedule
        elif isinstance(schedule, str):
            sch = make_schedule(schedule, weight, **schedule_options)
        else:
            sch = schedule(weight)
        coef_g[idx], coef_b[idx] = sch.final_coefficients(weight)
        iters[idx] = sch.iterations
        schedules.append(sch)
    scale_g = np.where(g_norm > 0, coef_g / np.where(g_norm > 0, g_norm, 1.0), 0.0)
    scale_b = np.where(b_norm > 0, coef_b / np.where(b_norm > 0, b_norm, 1.0), 0.0)
    expand = (Ellipsis,) + (None,) * (spec.ndim - anc_axis)
    return g * scale_g[expand] + b * scale_b[expand], iters, schedules


def emulate_image_state(
    amplitudes: np.ndarray,
    thresholds: np.ndarray,
    schedule: Union[str, Schedule, Callable[[float], Schedule]] = "exact",
    *,
    shape: str = "separable",
    **schedule_options,
) -> tuple[np.ndarray, np.ndarray]:
    """Final amplitudes on ``(anc, j, iy, ix)`` of the 2-D pipeline, and the iteration counts.

    ``amplitudes`` (``cos theta`` per pixel) have shape ``(..., P, M, M)`` and ``thresholds``
    ``(..., P)``; leading axes are independent images (each its own weight and schedule).
    Returns ``state`` of shape ``(..., 2, P, M, M)`` (the circuit's statevector on those
    registers, global phase included) and ``iterations`` of shape ``(...)``.
    """
    amplitudes = np.asarray(amplitudes, float)
    M = amplitudes.shape[-1]
    spec = prepared_image_spectrum(amplitudes)
    good = patch_mask(M, np.broadcast_to(np.asarray(thresholds), amplitudes.shape[:-2]), shape)
    final, iters, _ = amplify_plane(spec, good, schedule, core_ndim=3, **schedule_options)
    return np.fft.fft2(final) / M, iters


# ---------------------------------------------------------------------------------------------
# circuits
# ---------------------------------------------------------------------------------------------
def image_frame(layout: PatchLayout, variant: str = "register", shape: str = "separable", name: str = "qdn") -> QuantumCircuit:
    """An empty circuit on ``i (2m), [mean], j, [thre (m)], anc, work`` (see the module doc)."""
    regs: list = [QuantumRegister(2 * layout.m, "i")]
    if variant == "register":
        regs.append(QuantumRegister(layout.a, "mean"))
    if layout.p:
        regs.append(QuantumRegister(layout.p, "j"))
    if variant == "register":
        regs.append(QuantumRegister(layout.b, "thre"))
    regs.append(QuantumRegister(1, "anc"))
    regs.append(AncillaRegister(layout.work_size(variant, shape), "work"))
    return QuantumCircuit(*regs, name=name)


def image_qft(layout: PatchLayout, *, inverse: bool = False, variant: str = "register", shape: str = "separable") -> QuantumCircuit:
    """The 2-D QFT: ``QFTGate(m)`` on the column bits and on the row bits of ``i``."""
    qc = image_frame(layout, variant, shape, name="iqft" if inverse else "qft")
    i = reg(qc, "i")
    gate = QFTGate(layout.m)
    gate = gate.inverse() if inverse else gate
    qc.append(gate, i[: layout.m])
    qc.append(gate, i[layout.m :])
    return qc


def _register_separable_oracle(layout: PatchLayout, phase: float) -> QuantumCircuit:
    qc = image_frame(layout, "register", "separable", name="oracle")
    i, thre, anc, work = reg(qc, "i"), reg(qc, "thre"), reg(qc, "anc")[0], reg(qc, "work")
    kx, ky = i[: layout.m], i[layout.m :]
    cin, lx, wx, ly, wy = work
    compute = qc.copy_empty_like()
    leq_flag(compute, kx, thre, cin, lx)  # kx <= tau
    wrap_flag(compute, kx, thre, cin, wx)  # kx + tau >= M, i.e. M - kx <= tau (false at kx = 0)
    leq_flag(compute, ky, thre, cin, ly)
    wrap_flag(compute, ky, thre, cin, wy)
    qc.compose(compute, inplace=True)
    # [(lx or wx) and (ly or wy)] = sum of signed products (lx or wx = lx + wx - lx wx)
    terms_x = (([lx], 1), ([wx], 1), ([lx, wx], -1))
    terms_y = (([ly], 1), ([wy], 1), ([ly, wy], -1))
    for fx, sx in terms_x:
        for fy, sy in terms_y:
            flags = fx + fy
            pattern_phase(qc, [anc, *flags], [0] + [1] * len(flags), sx * sy * phase)
    qc.compose(compute.inverse(), inplace=True)
    return qc


def _window_selections(layout: PatchLayout, thresholds: np.ndarray, t: int):
    windows = np.flatnonzero(thresholds == t)
    if len(windows) == layout.P:
        return [[]], False
    return [[(int(jv) >> bit) & 1 for bit in range(layout.p)] for jv in windows], True


def _compact_separable_oracle(layout: PatchLayout, thresholds: np.ndarray, phase: float) -> QuantumCircuit:
    qc = image_frame(layout, "compact", "separable", name="oracle")
    i, j, anc, work = reg(qc, "i"), reg(qc, "j"), reg(qc, "anc")[0], reg(qc, "work")
    kx, ky = i[: layout.m], i[layout.m :]
    M = layout.M
    for t in np.unique(thresholds):
        select, use_j = _window_selections(layout, thresholds, t)
        ctrl = j if use_j else []
        if t >= max_threshold_2d(M, "separable"):
            for bits in select:
                pattern_phase(qc, [anc, *ctrl], [0, *bits], phase)
            continue
        compute = qc.copy_empty_like()
        # r1 = [k >= t + 1], r2 = [k >= M - t]; kept along an axis: r1 = 0 or r2 = 1 (disjoint)
        compute.append(IntegerComparatorGate(layout.m, int(t) + 1, geq=True), kx + [work[0]])
        compute.append(IntegerComparatorGate(layout.m, M - int(t), geq=True), kx + [work[1]])
        compute.append(IntegerComparatorGate(layout.m, int(t) + 1, geq=True), ky + [work[2]])
        compute.append(IntegerComparatorGate(layout.m, M - int(t), geq=True), ky + [work[3]])
        qc.compose(compute, inplace=True)
        for bits in select:
            for qx, vx in ((work[0], 0), (work[1], 1)):
                for qy, vy in ((work[2], 0), (work[3], 1)):
                    pattern_phase(qc, [anc, *ctrl, qx, qy], [0, *bits, vx, vy], phase)
        qc.compose(compute.inverse(), inplace=True)
    return qc


def _compact_radial_oracle(layout: PatchLayout, thresholds: np.ndarray, phase: float) -> QuantumCircuit:
    qc = image_frame(layout, "compact", "radial", name="oracle")
    i, j, anc, flag = reg(qc, "i"), reg(qc, "j"), reg(qc, "anc")[0], reg(qc, "work")[0]
    M = layout.M
    for t in np.unique(thresholds):
        select, use_j = _window_selections(layout, thresholds, t)
        ctrl = j if use_j else []
        if t >= max_threshold_2d(M, "radial"):
            for bits in select:
                pattern_phase(qc, [anc, *ctrl], [0, *bits], phase)
            continue
        compute = qc.copy_empty_like()
        for bits in select:  # flag = [anc = 0 and j in windows(t)] (disjoint patterns: XOR = OR)
            value = sum(bit << (k + 1) for k, bit in enumerate(bits))
            controlled_x_on_value(compute, [anc, *ctrl], value, flag)
        qc.compose(compute, inplace=True)
        kept = patch_mask(M, int(t), "radial")  # [ky, kx] -> index kx + M*ky of i
        diag = np.ones(2 * M * M, complex)
        diag[M * M :] = np.where(kept.ravel(), np.exp(1j * phase), 1.0)
        qc.append(DiagonalGate(diag.tolist()), i + [flag])
        qc.compose(compute.inverse(), inplace=True)
    return qc


def image_oracle(
    layout: PatchLayout,
    thresholds: Sequence[int] | None = None,
    phase: float = np.pi,
    *,
    variant: str = "register",
    shape: str = "separable",
) -> QuantumCircuit:
    """Oracle ``I + (e^{i phase} - 1) Pi_good`` of the 2-D pipeline (circuit name ``"oracle"``)."""
    _check_variant_shape(variant, shape)
    if variant == "register":
        return _register_separable_oracle(layout, phase)
    if thresholds is None:
        raise ValueError("the compact oracle needs the per-patch thresholds")
    thresholds = np.asarray(thresholds, dtype=np.int64).ravel()
    if thresholds.shape != (layout.P,):
        raise ValueError(f"need {layout.P} thresholds, got {thresholds.size}")
    if shape == "separable":
        return _compact_separable_oracle(layout, thresholds, phase)
    return _compact_radial_oracle(layout, thresholds, phase)


@dataclass(frozen=True)
class ImageProblem(DenoisingProblem):
    """Amplitude-amplification problem of one patched image.

    A :class:`~qdn.circuits.problem.DenoisingProblem` whose ``layout`` is ``patch.flat`` (P windows of
    ``M*M`` samples), so :func:`qdn.circuits.problem.build_circuit` assembles it; ``amplitudes`` have
    shape ``(P, M*M)`` (flat index ``iy*M + ix``), ``thresholds`` ``(P,)``. The encoder, QFT and
    oracle are the 2-D ones.
    """

    patch: PatchLayout | None = None
    shape: str = "separable"

    def __post_init__(self) -> None:
        if self.patch is None or self.layout != self.patch.flat:
            raise ValueError("ImageProblem needs patch=PatchLayout(...) and layout=patch.flat")
        if self.process is not None:
            raise ValueError("quantum input is not supported for images")
        _check_variant_shape(self.variant, self.shape)
        super().__post_init__()

    @property
    def weight(self) -> float:
        M = self.patch.M
        return image_marked_weight(np.reshape(self.amplitudes, (-1, M, M)), self.thresholds, self.shape)

    @property
    def num_qubits(self) -> int:
        return self.patch.num_qubits(self.variant, self.shape)

    def _frame(self, name: str) -> QuantumCircuit:
        return image_frame(self.patch, self.variant, self.shape, name=name)

    def encode(self, *, synthesize_mcx: bool = True) -> QuantumCircuit:
        qc = self._frame("encode")
        angles = 2.0 * np.arccos(np.clip(np.asarray(self.amplitudes, float), -1.0, 1.0))
        amplitude_encoding(qc, angles.ravel())
        if self.variant == "register":
            set_window_codes(qc, self.mean_codes, self.thresholds, synthesize_mcx=synthesize_mcx)
        return qc

    def qft(self, inverse: bool = False) -> QuantumCircuit:
        return image_qft(self.patch, inverse=inverse, variant=self.variant, shape=self.shape)

    def oracle(self, phase: float = np.pi) -> QuantumCircuit:
        inner = image_oracle(self.patch, self.thresholds, phase, variant=self.variant, shape=self.shape)
        qc = self._frame("oracle")
        qc.append(inner.to_gate(), qc.qubits)
        return qc


def build_image_circuit(
    problem: ImageProblem, schedule: Schedule, *, measure: bool = False, synthesize_mcx: bool = True
) -> QuantumCircuit:
    """:func:`qdn.circuits.problem.build_circuit` for an image; metadata names patches, not windows.

    With ``measure=True`` the integer of the ``meas`` register is ``i + M*M*j + N*anc``.
    """
    qc = build_circuit(problem, schedule, measure=measure, synthesize_mcx=synthesize_mcx)
    qc.metadata = {
        **qc.metadata,
        "window": problem.patch.M,
        "windows": problem.patch.P,
        "patch_grid": (problem.patch.Py, problem.patch.Px),
        "shape": problem.shape,
    }
    return qc


def image_state_amplitudes(state: np.ndarray, layout: PatchLayout, variant: str = "register", shape: str = "separable") -> np.ndarray:
    """Amplitudes on ``(anc, j, iy, ix)`` of a full statevector, shape ``(2, P, M, M)``.

    Work qubits are read at 0; the ``mean``/``thre`` registers are summed over (one non-zero
    entry each per patch).
    """
    state = np.asarray(state).ravel()
    w = layout.work_size(variant, shape)
    MM = layout.M * layout.M
    if variant == "register":
        dims = (1 << w, 2, 1 << layout.b, layout.P, 1 << layout.a, MM)
    else:
        dims = (1 << w, 2, layout.P, MM)
    if state.size != int(np.prod(dims)):
        raise ValueError(f"statevector has {state.size} amplitudes, expected {int(np.prod(dims))}")
    arr = state.reshape(dims)[0]
    if variant == "register":
        arr = arr.sum(axis=(1, 3))
    return arr.reshape(2, layout.P, layout.M, layout.M)


# ---------------------------------------------------------------------------------------------
# cycle spinning
# ---------------------------------------------------------------------------------------------
def spin_shifts(window: int, count: int) -> list[tuple[int, int]]:
    """The first ``count`` shifts ``(dy, dx)`` of cycle spinning over an ``M x M`` patch grid.

    Dyadic order: ``(0, 0)``; then the shifts on the ``M/2`` grid (``(M/2, M/2)`` first: it
    moves both patch boundaries), then the new ones on the ``M/4`` grid, and so on; ``M**2``
    shifts in all (full cycle spinning).
    """
    if not isinstance(count, (int, np.integer)) or isinstance(count, bool) or count < 0:
        raise ValueError(f"cycle_spins must be a non-negative integer or a list of (dy, dx) shifts, got {count!r}")
    if count > window * window:
        raise ValueError(f"cycle_spins={count} exceeds the {window * window} distinct shifts of a {window}x{window} patch")
    order = [(0, 0)]
    step = window
    while step > 1:
        step //= 2
        n = window // step
        new = [(a * step, b * step) for a in range(n) for b in range(n) if a % 2 or b % 2]
        new.sort(key=lambda s: (-(((s[0] // step) % 2) & ((s[1] // step) % 2)), (s[0] // step) % 2, s))
        order.extend(new)
    return order[: max(1, int(count))]


def _shift_index(n: int, d: int) -> np.ndarray:
    """Source indices of a copy shifted by ``d`` with reflection at the start: row ``r`` of the
    copy is row ``src[r]`` of the image."""
    return np.pad(np.arange(n), (d, 0), mode="symmetric")[:n]


# ---------------------------------------------------------------------------------------------
# the public function
# ---------------------------------------------------------------------------------------------
@dataclass
class ImageDenoiseResult:
    """Output of :func:`denoise_image`.

    Attributes
    ----------
    denoised : ndarray, shape (H, W)
        The denoised image, same shape as the input.
    thresholds : ndarray, shape (Py, Px)
        Per-patch cutoffs of the unshifted copy (of the padded image).
    iterations : int
        Amplification rounds of the unshifted copy's circuit.
    circuit : QuantumCircuit or None
        The unshifted copy's circuit when a circuit ran (None for the emulator).
    runs : int
        Copies denoised (1 + extra cycle-spin shifts): circuits run on a circuit backend.
    shifts : tuple of (dy, dx)
    all_thresholds : ndarray, shape (runs, Py, Px)
    all_iterations : ndarray, shape (runs,)
    sigma : float or None
        Noise level used by ``threshold="auto"`` (estimated from the noisy image unless given).
    state : ndarray or None
        Unshifted copy's final amplitudes on ``(anc, j, iy, ix)``, shape ``(2, P, M, M)``
        (exact readout).
    counts : dict or None
        Unshifted copy's counts keyed by ``i + M*M*j + N*anc`` (sampled readout).
    """

    denoised: np.ndarray
    thresholds: np.ndarray
    iterations: int
    circuit: QuantumCircuit | None
    schedule: Schedule
    marked_weight: float
    success_probability: float
    backend: str
    shots: int | None
    window: int
    shape: str
    variant: str
    layout: PatchLayout
    amplitude_map: AmplitudeMap
    runs: int = 1
    shifts: tuple = ((0, 0),)
    all_thresholds: np.ndarray | None = None
    all_iterations: np.ndarray | None = None
    sigma: float | None = None
    padded_shape: tuple = ()
    state: np.ndarray | None = None
    counts: dict | None = None
    method: str = "qdn"
    extras: dict = field(default_factory=dict)


DEFAULT_SHOTS = 8192


def denoise_image(
    image,
    window: int = 8,
    *,
    threshold: ThresholdSpec = "auto",
    shape: str = "separable",
    schedule: str = "exact",
    variant: str = "register",
    backend: Any = None,
    shots: int | None = None,
    seed: int | None = 0,
    cycle_spins: int | Sequence[tuple[int, int]] = 0,
    encoding: str = "linear",
    pad: bool = True,
    mean_bits: int = 4,
    floor: float = 0.25,
    min_weight: float | None = None,
    delta: float = 0.05,
    sigma: float | None = None,
) -> ImageDenoiseResult:
    """Denoise a 2-D image patch by patch with the quantum Fourier thresholding of Dutta et al.

    Parameters
    ----------
    image : array_like, shape (H, W)
        Noisy grey-level image (finite, real, not constant).
    window : int
        Patch side M, a power of two (patches are M x M pixels).
    threshold : int, array, callable or "auto"
        Per-patch cutoffs (see :func:`resolve_image_thresholds`): an int for every patch, an
        array of shape (Py, Px) or (P,) (not with cycle spinning), a callable of the patch mean,
        or "auto" (per-patch SURE, noise level from the finest diagonal Haar detail).
    shape : {"separable", "radial"}
        Kept frequencies: ``max(d(kx), d(ky)) <= tau`` (square) or ``d(kx)^2 + d(ky)^2 <= tau^2``
        (disc; circuits in the compact variant only), ``d(k) = min(k, M - k)``.
    schedule : {"exact", "grover", "fixed-point"}
    variant : {"register", "compact"}
        As in 1-D: the paper's ``mean``/``thre`` registers, or classical per-patch constants.
    backend : None, "emulator", "statevector", "aer" or a BackendV2
        None: Aer statevector when the circuit is small enough (:func:`qdn.choose_backend`),
        else the emulator (always the emulator for radial + register).
    shots : int or None
        None reads the exact state; an int samples that many shots ("aer" and BackendV2 sample
        8192 by default).
    seed : int or None
    cycle_spins : int or list of (dy, dx)
        Number of shifted copies averaged (0 or 1: none; up to M*M, in :func:`spin_shifts`
        order), or the shifts themselves. Each copy is one more circuit run.
    encoding, pad, mean_bits, floor, min_weight, delta
        As in :func:`qdn.denoise`; ``pad`` pads sides that are not powers of two by reflection.
    sigma : float or None
        Noise level for ``threshold="auto"``; default: estimated from the noisy image.

    Returns
    -------
    ImageDenoiseResult
    """
    img = as_signal(image, name="image", ndim=2)
    H0, W0 = img.shape
    if min(H0, W0) < 2:
        raise ValueError(f"image must be at least 2x2 pixels, got {img.shape}")
    if shape not in SHAPES:
        raise ValueError(f"unknown shape {shape!r}; valid: {', '.join(map(repr, SHAPES))}")
    if schedule not in SCHEDULES:
        raise ValueError(f"unknown schedule {schedule!r}; valid: {', '.join(map(repr, SCHEDULES))}")
    if variant not in VARIANTS:
        raise ValueError(f"unknown variant {variant!r}; valid: {', '.join(map(repr, VARIANTS))}")
    if shots is not None and (not isinstance(shots, (int, np.integer)) or isinstance(shots, bool) or shots < 1):
        raise ValueError(f"shots must be a positive integer or None, got {shots!r}")
    if not isinstance(mean_bits, (int, np.integer)) or mean_bits < 1:
        raise ValueError(f"mean_bits must be a positive integer, got {mean_bits!r}")
    if not isinstance(window, (int, np.integer)) or isinstance(window, bool) or window < 2 or not is_power_of_two(window):
        raise ValueError(f"window must be a power of two >= 2, got {window!r}")
    window = int(window)
    if isinstance(backend, str) and backend not in CIRCUIT_BACKENDS + ("emulator",):
        raise ValueError(f"unknown backend {backend!r}; valid: None, 'emulator', 'statevector', 'aer' or a BackendV2")
    if backend is not None and backend != "emulator":
        _check_variant_shape(variant, shape)

    # pad to powers of two (by reflection), crop back at the end
    padded = pad_pow2(img, pad=pad, name="image")
    H, W = padded.shape
    layout = PatchLayout.from_shape(H, W, window, mean_bits)

    # shifts
    if isinstance(cycle_spins, (int, np.integer)) and not isinstance(cycle_spins, bool):
        shifts = spin_shifts(window, int(cycle_spins))
    else:
        try:
            shifts = [(int(dy), int(dx)) for dy, dx in cycle_spins]
        except (TypeError, ValueError):
            raise ValueError(f"cycle_spins must be a non-negative integer or a list of (dy, dx) shifts, got {cycle_spins!r}") from None
        if not shifts or any(not (0 <= s < window) for sh in shifts for s in sh):
            raise ValueError(f"cycle-spin shifts must be pairs in [0, {window}), got {cycle_spins!r}")
    is_array_threshold = not isinstance(threshold, str) and not callable(threshold) and not np.isscalar(threshold)
    if is_array_threshold and shifts != [(0, 0)]:
        raise ValueError("a per-patch threshold array fits the unshifted patch grid only; with cycle spinning pass an int, a callable or 'auto'")

    amap = AmplitudeMap.fit(padded, encoding, floor=floor, bits=mean_bits)
    if isinstance(threshold, str) and threshold == "auto" and sigma is None:
        sigma = mad_sigma_2d(img)
    num_qubits = None
    if backend is None:
        if variant == "register" and shape == "radial":
            backend = "emulator"
        else:
            from .signal import choose_backend  # lazy: qdn.api.signal may import this module

            num_qubits = layout.num_qubits(variant, shape)
            backend = choose_backend(num_qubits)
    if backend != "emulator":
        num_qubits = layout.num_qubits(variant, shape)
        check_fits(num_qubits, backend)
    sampled_on_device = backend not in ("emulator", "statevector")
    if sampled_on_device and shots is None:
        shots = DEFAULT_SHOTS
    rng = np.random.default_rng(seed)

    total = np.zeros((H, W))
    hits = np.zeros((H, W))
    taus_all, iters_all = [], []
    first: dict = {}
    for n_copy, (dy, dx) in enumerate(progress(shifts, desc="cycle spinning", unit="shift")):
        rows, cols = _shift_index(H, dy), _shift_index(W, dx)
        copy = padded[np.ix_(rows, cols)]
        patches = patchify(copy, window)
        taus = resolve_image_thresholds(patches, threshold, shape=shape, sigma=sigma, image=img)
        amps = amap.amplitudes(patches)  # (P, M, M)
        weight = image_marked_weight(amps, taus, shape)
        sched = make_schedule(schedule, weight, min_weight=min_weight, delta=delta)
        circuit = state = counts = None
        if backend == "emulator":
            state, _ = emulate_image_state(amps, taus, sched, shape=shape)
            if shots is not None:
                counts = sample_state(state.reshape(2, layout.P, -1), shots, rng)
        else:
            problem = ImageProblem(
                layout.flat, amps.reshape(layout.P, -1), taus,
                amap.quantize_mean(patches.mean(axis=(1, 2)), mean_bits), variant,
                patch=layout, shape=shape,
            )
            circuit = build_image_circuit(
                problem, sched, measure=sampled_on_device, synthesize_mcx=not is_ideal_aer(backend)
            )
            if sampled_on_device:
                counts = run_sampler(circuit, backend, shots=shots, seed=seed)
            else:
                state = image_state_amplitudes(run_statevector(circuit, seed=seed), layout, variant, shape)
                if shots is not None:
                    counts = sample_state(state.reshape(2, layout.P, -1), shots, rng)
        if counts is not None:
            good, _ = counts_amplitudes(counts, layout.flat)
        else:
            good = state[0]
        c_hat = rescale(np.reshape(good, amps.shape), float(amps.sum()))
        out = unpatchify(amap.decode(c_hat), H, W)
        np.add.at(total, np.ix_(rows, cols), out)
        np.add.at(hits, np.ix_(rows, cols), 1.0)
        taus_all.append(taus.reshape(layout.Py, layout.Px))
        iters_all.append(sched.iterations)
        if n_copy == 0:
            first = dict(circuit=circuit, state=state, counts=counts, schedule=sched, weight=weight)

    denoised = (total / hits)[:H0, :W0]
    sched0 = first["schedule"]
    return ImageDenoiseResult(
        denoised=denoised,
        thresholds=taus_all[0],
        iterations=int(iters_all[0]),
        circuit=first["circuit"],
        schedule=sched0,
        marked_weight=first["weight"],
        success_probability=sched0.success_probability(first["weight"]),
        backend=backend_label(backend),
        shots=shots,
        window=window,
        shape=shape,
        variant=variant,
        layout=layout,
        amplitude_map=amap,
        runs=len(shifts),
        shifts=tuple(shifts),
        all_thresholds=np.array(taus_all),
        all_iterations=np.array(iters_all),
        sigma=sigma,
        padded_shape=(H, W),
        state=first["state"],
        counts=first["counts"],
    )
