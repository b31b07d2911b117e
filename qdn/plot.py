"""Figures: clean / noisy / denoised overlays and per-window spectra with their cutoffs.

Built on :class:`matplotlib.figure.Figure` (no pyplot state), so they work headless.
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from .classical.metrics import psnr

__all__ = ["denoising_figure", "spectrum_figure"]


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
