"""Figures of the imaging simulations, on :class:`matplotlib.figure.Figure` (no pyplot state):
the N00N phase-estimation figure and a grid of pictures."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from matplotlib.figure import Figure

from .noon import PhaseStudy

__all__ = ["noon_figure", "image_grid"]


def noon_figure(studies: Mapping[str, Sequence[PhaseStudy]], *, title: str = "N00N phase estimation") -> Figure:
    """Left: the fitted fringes of the first series (one per n). Right: the phase error against
    n for every series (label -> studies), with the shot-noise and Heisenberg limits."""
    fig = Figure(figsize=(10, 3.8), layout="constrained")
    ax_f, ax_e = fig.subplots(1, 2)
    first = next(iter(studies.values()))
    phi = np.linspace(0, 2 * np.pi, 600)
    for s in first:
        ax_f.plot(phi, s.fringe(phi), lw=1, label=f"N={s.n}")
    ax_f.set(xlabel="phase per photon phi (rad)", ylabel="P(even parity)", title=f"fitted fringes ({next(iter(studies))})")
    ax_f.legend(fontsize=7, ncol=2)
    for label, series in studies.items():
        ns = [s.n for s in series]
        ax_e.plot(ns, [s.rmse for s in series], "o-", label=f"measured, {label}")
    ns = np.array([s.n for s in first])
    shots = first[0].shots
    ax_e.plot(ns, 1 / np.sqrt(ns * shots), "k--", label="shot noise 1/sqrt(N shots)")
    ax_e.plot(ns, 1 / (ns * np.sqrt(shots)), "k:", label="Heisenberg 1/(N sqrt(shots))")
    ax_e.set(xscale="log", yscale="log", xlabel="N (photons / qubits)", ylabel="phase error (rad, RMS)",
             title=f"{shots} shots per estimate")
    ax_e.legend(fontsize=7)
    fig.suptitle(title, fontsize=10)
    return fig


def image_grid(panels: Sequence[tuple[str, np.ndarray]], *, ncols: int = 4, title: str = "") -> Figure:
    """The images of ``panels`` ((title, image) pairs) in a grid, grey scale clipped to [0, 1]."""
    nrows = -(-len(panels) // ncols)
    fig = Figure(figsize=(2.4 * ncols, 2.5 * nrows + 0.3), layout="constrained")
    axes = np.atleast_1d(fig.subplots(nrows, ncols)).ravel()
    for ax in axes:
        ax.set_axis_off()
    for ax, (name, img) in zip(axes, panels):
        ax.imshow(np.clip(img, 0, 1), cmap="gray", vmin=0, vmax=1, interpolation="nearest")
        ax.set_title(name, fontsize=7)
    if title:
        fig.suptitle(title, fontsize=9)
    return fig
