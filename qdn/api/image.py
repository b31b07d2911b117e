r"""Images: the windowed quantum Fourier thresholding of Dutta et al. on 2-D patches.

An image of ``H x W = 2**hy x 2**hx`` pixels is cut into ``P = Py * Px`` square patches of
``M x M`` pixels (``M = 2**m``). The 1-D pipeline carries over with one change of meaning for ``i`` and ``j``: the same
:class:`~qdn.circuits.problem.DenoisingProblem`, on a :class:`~qdn.circuits.layout.Layout` with a
patch grid, planned by :func:`qdn.api.plan.plan` and run by :func:`qdn.execution.executor.execute`.

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
exact readout give ``ifft2(fft2(y_j) * mask_j)`` for every patch
(:func:`qdn.classical.reference.spectral_projection` with ``ndim=2``).

The emulator (:func:`qdn.emulator.spectral.emulate_state` with ``ndim=2``) is the same 2x2
plane computation as in 1-D, with ``fft2`` per patch: it runs full-size images in O(N log M).

Automatic cutoffs: per-patch SURE for the projection estimator,
``SURE(t) = ||y_j - P_t y_j||^2 + 2 sigma^2 (kept bins) - M^2 sigma^2``, with ``sigma`` the
median absolute deviation of the finest diagonal Haar detail (``pywt.dwt2``) / 0.6745: it sees
the noisy image only.

Blocking artefacts: patch boundaries show as a grid. *Cycle spinning* (Coifman & Donoho 1995)
denoises ``K`` shifted copies of the image (shift ``(dy, dx)``, reflected at the border so no
wrap-around seam is created), shifts each back and averages: ``K`` circuit runs instead of one
(:func:`spin_shifts` gives the order of shifts). ``spin="circuit"`` instead runs one circuit
with a shift register per axis (:class:`~qdn.circuits.spinning2d.SpinningImageProblem`): the
``Sy x Sx`` product grid of shifts ``(ky M/Sy, kx M/Sx)``, cyclic, by default on the image mirrored
to ``2H x 2W`` (``boundary="reflect"``: no wrap-around seam), cutoffs per (shift, patch);
``log2(Sy Sx)`` more qubits (and the mirror's), one run.

Sides that are not powers of two are padded by reflection (``numpy.pad(mode="symmetric")``)
and cropped back.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from .plan import plan
from .results import ImageDenoiseResult
from ..circuits.amplification import SCHEDULES
from ..circuits.layout import VARIANTS, WORK_QUBITS, Layout, work_size
from ..classical.amplitude_map import AmplitudeMap
from ..classical.spinning import BOUNDARIES, extend
from ..classical.spinning2d import image_shift_offsets, image_spins
from ..classical.thresholds import ThresholdSpec, mad_sigma
from ..common.progress import progress
from ..common.registry import check_choice, lookup
from ..common.validation import as_signal, check_bool, check_int, check_seed, check_window, pad_pow2
from ..execution.backends import check_backend, check_shots, choose_backend, default_variant
from ..execution.executor import execute

__all__ = ["SHAPES", "SPINS", "denoise_image", "spin_shifts", "circuit_spins"]

#: Kept-frequency shapes of image patches (masks of :mod:`qdn.classical.thresholds`).
SHAPES = ("separable", "radial")

#: How cycle spinning runs -> what it does.
SPINS = {
    "runs": "one circuit per shift, shifted copies reflected at the borders, outputs averaged",
    "circuit": "one circuit with a shift register per axis over a Sy x Sx product grid of shifts (cyclic; the "
               "image mirrored to 2H x 2W by default)",
}


def circuit_spins(cycle_spins, window: int) -> tuple[int, int]:
    """``(Sy, Sx)`` of ``spin="circuit"``: an int ``S`` (a power of two in ``[2, M**2]``) is
    split as :func:`~qdn.classical.spinning2d.image_spins` does (``Sx = 2**ceil(e/2)``,
    ``Sy = 2**floor(e/2)``; ``S = 4**e`` is the same set of shifts as ``spin="runs"``); a list
    of ``(dy, dx)`` must be a full product grid ``{(ky M/Sy, kx M/Sx)}``."""
    if isinstance(cycle_spins, (int, np.integer)) and not isinstance(cycle_spins, bool):
        if cycle_spins < 2:
            raise ValueError(f"spin='circuit' needs cycle_spins >= 2 (a power of two), got {cycle_spins}")
        return image_spins(int(cycle_spins), window)
    shifts = _shifts(cycle_spins, window, 0)
    spins = (len({dy for dy, _ in shifts}), len({dx for _, dx in shifts}))
    ok = all(v & (v - 1) == 0 for v in spins) and len(shifts) == spins[0] * spins[1] > 1
    if not ok or set(shifts) != set(image_shift_offsets(window, spins)):
        raise ValueError(f"spin='circuit' needs the shifts to form a product grid (ky*M/Sy, kx*M/Sx) of powers of "
                         f"two Sy, Sx <= {window}, not both 1; got {cycle_spins!r}")
    return spins


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


def _shifts(cycle_spins, window: int, threshold) -> list[tuple[int, int]]:
    if isinstance(cycle_spins, (int, np.integer)) and not isinstance(cycle_spins, bool):
        shifts = spin_shifts(window, int(cycle_spins))
    else:
        try:
            shifts = [(int(dy), int(dx)) for dy, dx in cycle_spins]
        except (TypeError, ValueError):
            raise ValueError(f"cycle_spins must be a non-negative integer or a list of (dy, dx) shifts, got {cycle_spins!r}") from None
        if not shifts or any(not (0 <= s < window) for sh in shifts for s in sh):
            raise ValueError(f"cycle-spin shifts must be pairs in [0, {window}), got {cycle_spins!r}")
    is_array = not isinstance(threshold, str) and not callable(threshold) and not np.isscalar(threshold)
    if is_array and shifts != [(0, 0)]:
        raise ValueError("a per-patch threshold array fits the unshifted patch grid only; with cycle spinning pass an int, a callable or 'auto'")
    return shifts


def _checked(image, window, shape, schedule, variant, backend, shots, mean_bits, pad) -> tuple[np.ndarray, np.ndarray, int]:
    """The validated image, its padded copy and the window."""
    img = as_signal(image, name="image", ndim=2)
    if min(img.shape) < 2:
        raise ValueError(f"image must be at least 2x2 pixels, got {img.shape}")
    check_choice("shape", shape, SHAPES)
    lookup(SCHEDULES, "schedule", schedule)
    check_choice("variant", variant, VARIANTS)
    check_shots(shots)
    check_backend(backend)
    check_int(mean_bits, "mean_bits", minimum=1)
    check_bool(pad, "pad")
    padded = pad_pow2(img, pad=pad, name="image")  # by reflection; cropped back at the end
    window = check_window(window, padded.shape, name="image")
    if backend not in (None, "emulator"):
        work_size(2, variant, shape)  # raises for a shape with no circuit in this variant
    return img, padded, window


def denoise_image(
    image,
    window: int = 8,
    *,
    threshold: ThresholdSpec = "auto",
    shape: str = "separable",
    schedule: str = "exact",
    variant: str | None = None,
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
    spin: str = "runs",
    boundary: str = "reflect",
) -> ImageDenoiseResult:
    """Denoise a 2-D image patch by patch with the quantum Fourier thresholding of Dutta et al.

    Parameters
    ----------
    image : array_like, shape (H, W)
        Noisy grey-level image (finite, real, not constant).
    window : int
        Patch side M, a power of two (patches are M x M pixels).
    threshold : int, array, callable or "auto"
        Per-patch cutoffs (see :func:`qdn.classical.thresholds.resolve_thresholds`): an int for every patch, an
        array of shape (Py, Px) or (P,) (not with cycle spinning), a callable of the patch mean,
        or "auto" (per-patch SURE, noise level from the finest diagonal Haar detail).
    shape : {"separable", "radial"}
        Kept frequencies: ``max(d(kx), d(ky)) <= tau`` (square) or ``d(kx)^2 + d(ky)^2 <= tau^2``
        (disc; circuits in the compact variant only), ``d(k) = min(k, M - k)``.
    schedule : {"exact", "grover", "fixed-point"}
    variant : {None, "register", "compact"}
        As in 1-D: the paper's ``mean``/``thre`` registers, or classical per-patch constants;
        None picks by backend as :func:`qdn.denoise` does.
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
    spin : {"runs", "circuit"}
        How ``cycle_spins`` runs (:data:`SPINS`). ``"circuit"``: one circuit (compact variant)
        over the product grid :func:`circuit_spins` of ``cycle_spins`` (an int ``S = Sy*Sx``, a
        power of two: ``Sx = 2**ceil(e/2)``, ``Sy = 2**floor(e/2)`` for ``S = 2**e``; or the
        grid's ``(dy, dx)`` list); output the cyclic shift average, ``runs = 1``,
        ``all_thresholds`` of shape ``(S, Py, Px)``. A circuit backend that cannot hold it is
        refused with the qubits it needs; the emulator always runs.
    boundary : {"reflect", "periodic"}
        ``spin="circuit"`` only: ``"reflect"`` spins the image mirrored to ``(2H, 2W)`` (two more
        qubits, no wrap-around seam: 27.75 vs 27.23 dB PSNR on a 128x128 camera image, sigma 10 %,
        M = 8, 64 shifts; runs: 27.73), ``"periodic"`` the image itself (the cyclic shift average).
        ``spin="runs"`` always reflects at the borders.

    Returns
    -------
    ImageDenoiseResult
    """
    check_choice("spin", spin, SPINS)
    lookup(BOUNDARIES, "boundary", boundary)
    if spin == "runs" and boundary != "reflect":
        raise ValueError(f"boundary={boundary!r} applies to spin='circuit'; spin='runs' reflects at the borders")
    if spin == "circuit" and variant not in (None, "compact"):
        raise ValueError(f"spin='circuit' is built in the compact variant only, got variant={variant!r}")
    variant = ("compact" if spin == "circuit" else default_variant(backend)) if variant is None else variant
    img, padded, window = _checked(image, window, shape, schedule, variant, backend, shots, mean_bits, pad)
    check_seed(seed)
    if spin == "circuit":
        return _spin_in_circuit(img, extend(padded, boundary), window, circuit_spins(cycle_spins, window),
                                backend=backend, boundary=boundary,
                                threshold=threshold, shape=shape, schedule=schedule, shots=shots, seed=seed,
                                encoding=encoding, mean_bits=mean_bits, floor=floor, min_weight=min_weight,
                                delta=delta, sigma=sigma)
    shifts = _shifts(cycle_spins, window, threshold)
    amap = AmplitudeMap.fit(padded, encoding, floor=floor, bits=mean_bits)
    if isinstance(threshold, str) and threshold == "auto" and sigma is None:
        sigma = mad_sigma(img)
    circuit_ok = (2, variant, shape) in WORK_QUBITS  # register + radial has no circuit: emulator only
    if backend is None:
        layout = Layout.for_shape(padded.shape, window, mean_bits)
        backend = choose_backend(layout.num_qubits(variant, shape)) if circuit_ok else "emulator"
    rng = np.random.default_rng(seed)
    total, hits, runs = np.zeros(padded.shape), np.zeros(padded.shape), []
    for dy, dx in progress(shifts, desc="cycle spinning", unit="shift"):
        rows, cols = np.ix_(_shift_index(padded.shape[0], dy), _shift_index(padded.shape[1], dx))
        p = plan(padded[rows, cols], window, threshold=threshold, schedule=schedule, variant=variant, mask=shape,
                 mean_bits=mean_bits, min_weight=min_weight, delta=delta, sigma=sigma, amplitude_map=amap)
        readout = execute(p.problem, p.schedule, backend, shots=shots, seed=seed, circuit_ok=circuit_ok, rng=rng)
        np.add.at(total, (rows, cols), p.decode(readout))
        np.add.at(hits, (rows, cols), 1.0)
        runs.append((p, readout))
    (p0, r0), grid = runs[0], runs[0][0].layout.grid_shape
    return ImageDenoiseResult(
        denoised=(total / hits)[: img.shape[0], : img.shape[1]], thresholds=p0.problem.thresholds.reshape(grid),
        iterations=int(p0.schedule.iterations), circuit=r0.circuit, schedule=p0.schedule, marked_weight=p0.weight,
        success_probability=p0.schedule.success_probability(p0.weight), backend=r0.backend, shots=r0.shots,
        window=window, shape=shape, variant=variant, layout=p0.layout, amplitude_map=amap, runs=len(shifts),
        shifts=tuple(shifts), all_thresholds=np.array([p.problem.thresholds.reshape(grid) for p, _ in runs]),
        all_iterations=np.array([p.schedule.iterations for p, _ in runs]), sigma=sigma, padded_shape=padded.shape,
        state=r0.state, counts=r0.counts,
    )


def _spin_in_circuit(img, padded, window, spins, *, backend, boundary, threshold, shape, schedule, shots, seed,
                     encoding, mean_bits, floor, min_weight, delta, sigma) -> ImageDenoiseResult:
    """``denoise_image(spin="circuit")``: one :class:`~qdn.circuits.spinning2d.SpinningImageProblem`
    on ``padded`` (the image padded to powers of two and extended by ``boundary``)."""
    amap = AmplitudeMap.fit(padded, encoding, floor=floor, bits=mean_bits)
    if isinstance(threshold, str) and threshold == "auto" and sigma is None:
        sigma = mad_sigma(img)
    p = plan(padded, window, threshold=threshold, schedule=schedule, variant="compact", mask=shape,
             mean_bits=mean_bits, min_weight=min_weight, delta=delta, sigma=sigma, amplitude_map=amap, shifts=spins)
    readout = execute(p.problem, p.schedule, backend, shots=shots, seed=seed)  # picks and checks the backend
    layout = p.layout
    grid = layout.grid_shape
    taus = p.problem.thresholds.reshape((-1,) + grid)
    return ImageDenoiseResult(
        denoised=p.decode(readout)[: img.shape[0], : img.shape[1]], thresholds=taus[0],
        iterations=int(p.schedule.iterations), circuit=readout.circuit, schedule=p.schedule, marked_weight=p.weight,
        success_probability=p.schedule.success_probability(p.weight), backend=readout.backend, shots=readout.shots,
        window=window, shape=shape, variant="compact", layout=layout, amplitude_map=amap, runs=1,
        shifts=tuple(image_shift_offsets(window, spins)), all_thresholds=taus,
        all_iterations=np.array([p.schedule.iterations]), sigma=sigma, padded_shape=padded.shape,
        state=readout.state, counts=readout.counts, extras={"spin": "circuit", "spins": spins, "qubits": p.problem.num_qubits,
                                                                    "boundary": boundary},
    )
