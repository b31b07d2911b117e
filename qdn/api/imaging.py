"""Simulated quantum-imaging pictures into the denoisers (the api-level step of
:mod:`qdn.imaging`): one registry of image denoisers and the metrics of a denoised picture.

:data:`IMAGE_DENOISERS` maps a name to ``image -> denoised image``: ``"qdn"``
(:func:`qdn.denoise_image` on the exact emulator, 8x8 patches, per-patch SURE), ``"fft-window"``
(the same projection in NumPy), ``"qft"`` (the 2-D QFT thresholding baseline), and two classical
denoisers from scikit-image, ``"wavelet"`` (BayesShrink, soft) and ``"tv"`` (Chambolle, weight
0.1). A method of :data:`qdn.api.signal.METHODS` named ``"localization"``, when one is
registered there, is added as ``qdn.denoise(image, 8, method="localization")``.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ..classical.metrics import psnr
from ..common.registry import lookup
from .image import denoise_image
from .signal import METHODS, denoise

__all__ = ["IMAGE_DENOISERS", "denoise_picture", "picture_metrics"]

WINDOW = 8


def _wavelet(image: np.ndarray) -> np.ndarray:
    """BayesShrink; an image whose finest diagonal detail is all zero (noise-free, piecewise
    flat) has no noise level to estimate (scikit-image would warn and return NaN): returned as is."""
    import warnings

    from skimage.restoration import denoise_wavelet

    with warnings.catch_warnings(), np.errstate(invalid="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)
        out = denoise_wavelet(image, method="BayesShrink", mode="soft", rescale_sigma=True)
    return out if np.all(np.isfinite(out)) else image.copy()


def _tv(image: np.ndarray) -> np.ndarray:
    from skimage.restoration import denoise_tv_chambolle

    return denoise_tv_chambolle(image, weight=0.1)


#: Name -> image denoiser for the simulated pictures.
IMAGE_DENOISERS: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "qdn": lambda im: denoise_image(im, WINDOW, backend="emulator").denoised,
    "fft-window": lambda im: denoise(im, WINDOW, method="fft-window").denoised,
    "qft": lambda im: denoise(im, WINDOW, method="qft", backend="emulator").denoised,
    "wavelet": _wavelet,
    "tv": _tv,
}
if "localization" in METHODS:  # issue 19's denoiser, where it exists
    IMAGE_DENOISERS["localization"] = lambda im: denoise(im, WINDOW, method="localization").denoised


def denoise_picture(image, method: str = "qdn") -> np.ndarray:
    """``image`` (2-D, finite, not constant) denoised by ``method`` of :data:`IMAGE_DENOISERS`."""
    run = lookup(IMAGE_DENOISERS, "image denoiser", method)
    img = np.asarray(image, float)
    if img.ndim != 2 or not np.all(np.isfinite(img)):
        raise ValueError("the picture must be a finite 2-D array")
    if np.ptp(img) == 0:
        return img.copy()
    return np.asarray(run(img), float)


def picture_metrics(clean, image) -> dict[str, float]:
    """PSNR (dB, data range 1) and SSIM (:func:`skimage.metrics.structural_similarity`, data
    range 1) of ``image`` against ``clean`` (both in [0, 1] units)."""
    from skimage.metrics import structural_similarity

    clean, image = np.asarray(clean, float), np.asarray(image, float)
    return {"psnr": float(psnr(clean, image, data_range=1.0)),
            "ssim": float(structural_similarity(clean, image, data_range=1.0))}
