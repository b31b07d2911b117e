r"""Cycle spinning of the per-patch projection of an image over a product grid of shifts, the
classical reference of the 2-D spinning circuit (:mod:`qdn.circuits.spinning2d`).

With ``Sy x Sx`` shifts ``(dy, dx) = (ky M / Sy, kx M / Sx)`` of an ``H x W`` image cut into
``M x M`` patches, the estimate is the cyclic shift average

.. math::

    \hat y = \frac{1}{S_y S_x} \sum_{k_y, k_x} R_{d}^{-1} F_{k} R_{d}\, y,\qquad
    R_d y = \texttt{np.roll}(y, (-d_y, -d_x), (0, 1)),

``F_k`` the per-patch filter of shift ``k`` (its cutoffs' mask, or soft weights). Shift ``k`` is
numbered ``s = kx + Sx ky`` (the circuit's ``sx`` register below ``sy``), so per-shift arrays have
shape ``(S, P)`` (cutoffs) or ``(S, P, M, M)`` (weights over ``(ky, kx)`` frequencies).
"""

from __future__ import annotations

import numpy as np

from .thresholds import ThresholdSpec, mad_sigma, resolve_thresholds
from .windows import from_windows, to_windows
from ..common.validation import is_power_of_two

__all__ = ["image_spins", "image_shift_offsets", "image_shift_thresholds",
           "spin_image_filter", "flip_frequencies"]


def image_spins(shifts, window: int) -> tuple[int, int]:
    """``(Sy, Sx)`` from ``shifts``: a pair of powers of two ``<= window``, or an int ``S`` (a
    power of two ``<= window**2``) split as ``Sx = 2**ceil(e/2)``, ``Sy = 2**floor(e/2)``
    (``S = 2**e``; x takes the odd bit)."""
    if isinstance(shifts, (int, np.integer)) and not isinstance(shifts, (bool, np.bool_)):
        S = int(shifts)
        if S < 1 or not is_power_of_two(S) or S > window * window:
            raise ValueError(f"shifts must be a power of two in [1, {window * window}] for {window}x{window} patches, got {S}")
        e = S.bit_length() - 1
        return 1 << (e // 2), 1 << (e - e // 2)
    try:
        sy, sx = (int(v) for v in shifts)
        ok = all(float(v) == int(v) and not isinstance(v, (bool, np.bool_)) for v in shifts)
    except (TypeError, ValueError):
        raise ValueError(f"shifts must be a power of two or a pair (Sy, Sx) of powers of two, got {shifts!r}") from None
    if not ok or any(v < 1 or not is_power_of_two(v) or v > window for v in (sy, sx)):
        raise ValueError(f"shifts per axis must be powers of two in [1, {window}], got {shifts!r}")
    return sy, sx


def image_shift_offsets(window: int, spins: tuple[int, int]) -> list[tuple[int, int]]:
    """The shifts ``(dy, dx)`` in the order ``s = kx + Sx ky``."""
    sy, sx = spins
    return [(ky * (window // sy), kx * (window // sx)) for ky in range(sy) for kx in range(sx)]


def _shifted_patches(image: np.ndarray, window: int, spins: tuple[int, int]) -> np.ndarray:
    """``(S, P, M, M)``: the patches of each shifted copy ``np.roll(image, (-dy, -dx))``."""
    return np.stack([to_windows(np.roll(image, (-dy, -dx), axis=(0, 1)), window, 2)
                     for dy, dx in image_shift_offsets(window, spins)])


def image_shift_thresholds(image: np.ndarray, window: int, spins: tuple[int, int], threshold: ThresholdSpec = "auto",
                           *, mask: str = "separable", sigma: float | None = None) -> np.ndarray:
    """Cutoffs per (shift, patch), shape ``(S, P)``: :func:`resolve_thresholds` of each shifted
    copy's patches, the noise level (``"auto"``) estimated once from ``image``."""
    image = np.asarray(image, float)
    if isinstance(threshold, str) and sigma is None:
        sigma = mad_sigma(image)
    patches = _shifted_patches(image, window, spins)
    is_array = not isinstance(threshold, str) and not callable(threshold) and not np.isscalar(threshold)
    if is_array:
        raise ValueError("a per-patch threshold array fits the unshifted patch grid only; with cycle spinning "
                         "pass an int, a callable or 'auto'")
    S, P = patches.shape[:2]
    return resolve_thresholds(patches.reshape((S * P,) + patches.shape[2:]), threshold, mask=mask, sigma=sigma,
                              signal=image).reshape(S, P)


def flip_frequencies(weights: np.ndarray) -> np.ndarray:
    """``W[..., -ky % M, -kx % M]``: ``fft2(W * ifft2(x)) = ifft2(flip(W) * fft2(x))`` (the
    circuit's QFT is ``M ifft2``); the identity for symmetric weights such as every mask."""
    return np.roll(np.asarray(weights)[..., ::-1, ::-1], 1, axis=(-2, -1))


def spin_image_filter(image: np.ndarray, window: int, spins: tuple[int, int], weights: np.ndarray, *,
                      per_shift: bool = False) -> np.ndarray:
    """``mean_k roll(ifft2(W_k fft2(patches of roll(image, -d_k))), d_k)``, weights
    ``(S, P, M, M)``; ``per_shift`` returns the ``(S, H, W)`` terms instead of their mean.
    Complex input stays complex; real input with real output drops the imaginary rounding only
    when the weights are symmetric (``flip_frequencies(W) == W``)."""
    image = np.asarray(image)
    weights = np.asarray(weights)
    patches = _shifted_patches(image, window, spins)
    parts = np.fft.ifft2(np.fft.fft2(patches, axes=(-2, -1)) * weights, axes=(-2, -1))
    terms = np.stack([np.roll(from_windows(part, image.shape), d, axis=(0, 1))
                      for part, d in zip(parts, image_shift_offsets(window, spins))])
    if not np.iscomplexobj(image) and np.allclose(flip_frequencies(weights), weights):
        terms = terms.real
    return terms if per_shift else terms.mean(axis=0)
