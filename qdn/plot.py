"""Figures: clean / noisy / denoised overlays, image pairs and per-window spectra with their
cutoffs, and their bytes in the format a file name asks for.

Built on :class:`matplotlib.figure.Figure` (no pyplot state), so they work headless.
:func:`figure_format` maps a file name to one of :data:`FIGURE_FORMATS` (or raises
``ValueError``) and :func:`figure_bytes` renders a figure in that format, in memory, so a
caller can check and render everything before it writes anything.
"""

from __future__ import annotations

import io
import logging
import os
from pathlib import Path

import numpy as np
from matplotlib.figure import Figure

from .classical.metrics import psnr

__all__ = ["FIGURE_FORMATS", "figure_format", "figure_bytes", "denoising_figure", "image_figure", "spectrum_figure"]

#: Figure file suffixes (without the dot) and the format written for each: those of Matplotlib's
#: own backends that need no external program (``pgf`` needs LaTeX and is left out).
FIGURE_FORMATS = {
    "png": "png", "pdf": "pdf", "svg": "svg", "svgz": "svgz", "eps": "eps", "ps": "ps",
    "jpg": "jpg", "jpeg": "jpeg", "tif": "tif", "tiff": "tiff", "webp": "webp", "gif": "gif",
}


def figure_format(path: str | os.PathLike) -> str:
    """The format a figure saved as ``path`` is written in (from its suffix); ``ValueError``
    naming the valid suffixes when there is none or Matplotlib cannot write it."""
    from matplotlib.backend_bases import FigureCanvasBase

    suffix = Path(path).suffix.lower().lstrip(".")
    supported = FigureCanvasBase.get_supported_filetypes()
    if suffix not in FIGURE_FORMATS or FIGURE_FORMATS[suffix] not in supported:
        valid = ", ".join(f".{k}" for k in FIGURE_FORMATS if FIGURE_FORMATS[k] in supported)
        raise ValueError(f"unsupported figure format {'.' + suffix if suffix else '(no suffix)'!r} for {path}; "
                         f"valid: {valid}")
    return FIGURE_FORMATS[suffix]


def figure_bytes(fig, fmt: str, *, dpi: int = 120) -> bytes:
    """``fig`` rendered in format ``fmt`` (see :func:`figure_format`), as bytes. Matplotlib's
    notes on the way (the PostScript backend's "does not support transparency") are not logged."""
    logger = logging.getLogger("matplotlib")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        buf = io.BytesIO()
        fig.savefig(buf, dpi=dpi, format=fmt)
    finally:
        logger.setLevel(level)
    return buf.getvalue()


def denoising_figure(noisy, denoised, clean=None, *, title: str = "qdn denoising") -> Figure:
    """Overlay of the noisy and denoised signals (and the clean one, with PSNRs in the legend)."""
    fig = Figure(figsize=(10, 4), layout="constrained")
    ax = fig.add_subplot()
    x = np.arange(len(noisy))
    label_noisy, label_den = "noisy", "denoised"
    if clean is not None:
        label_noisy += f" (PSNR {psnr(clean, noisy):.2f} dB)"
        label_den += f" (PSNR {psnr(clean, denoised):.2f} dB)"
    ax.plot(x, noisy, color="0.65", lw=0.8, label=label_noisy)
    if clean is not None:
        ax.plot(x, clean, color="k", lw=1.0, label="clean")
    ax.plot(x, denoised, color="C3", lw=1.2, label=label_den)
    ax.set_xlabel("sample")
    ax.set_ylabel("amplitude")
    ax.set_title(title)
    ax.legend(loc="upper right", fontsize=8)
    return fig


def image_figure(noisy, denoised, *, titles=("input", "qdn")) -> Figure:
    """Two grey-level images side by side: the input and the denoised result."""
    fig = Figure(figsize=(8, 4), layout="constrained")
    for ax, title, img in zip(fig.subplots(1, 2), titles, (noisy, denoised)):
        ax.imshow(np.asarray(img, float), cmap="gray")
        ax.set_title(title)
        ax.axis("off")
    return fig


def spectrum_figure(signal, window: int, thresholds, *, two_sided: bool = True) -> Figure:
    """Per-window magnitude spectrum (window x folded frequency) with each window's cutoff."""
    y = np.asarray(signal, float)
    P = y.size // window
    spec = np.abs(np.fft.fft(y[: P * window].reshape(P, window), axis=1))
    fold = window // 2 + 1 if two_sided else window
    fig = Figure(figsize=(8, 4), layout="constrained")
    ax = fig.add_subplot()
    im = ax.imshow(
        np.log10(spec[:, :fold].T + 1e-12), aspect="auto", origin="lower", cmap="viridis",
        extent=(-0.5, P - 0.5, -0.5, fold - 0.5),
    )
    ax.step(np.arange(P), np.asarray(thresholds) + 0.5, where="mid", color="w", lw=1.5, label="cutoff tau_j")
    ax.set_xlabel("window j")
    ax.set_ylabel("frequency bin " + ("min(k, M-k)" if two_sided else "k"))
    ax.legend(loc="upper right", fontsize=8)
    fig.colorbar(im, ax=ax, label="log10 |FFT|")
    return fig
