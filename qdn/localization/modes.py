"""Eigenmodes of a patch Hamiltonian and two measures per mode: localization and diffusivity.

* :func:`eigenmodes` — the lowest ``count`` eigenpairs, sorted by energy. Solvers (measured on
  this project's 2-core machine, lowest quarter of the modes of a 2-D patch, see
  ``benchmarks/results/localization.md``): ``scipy.linalg.eigh`` with ``subset_by_index`` is
  faster than ``scipy.sparse.linalg.eigsh`` in shift-invert mode at every patch size tried
  (idle machine: 16x16 0.011 s vs 0.021 s, 32x32 0.26 s vs 0.64 s, 64x64 6.4 s vs 29 s; the
  benchmark's table, under load: 8x8 to 48x48, 1.3x to 3.5x), so ``"auto"``
  takes the dense solver in 2-D and ``scipy.linalg.eigh_tridiagonal`` in 1-D (free ends make H
  tridiagonal); ``"sparse"`` stays available. All modes of a patch: LAPACK's ``syevd``
  (``driver="evd"``), the fastest of scipy's drivers for a full 256x256 problem here.
* :func:`participation_ratio` — ``PR_n = 1 / (N sum_i psi_n(i)**4)``: 1/N for a delta, 1 for a
  flat vector (the paper's localization measure; normalised by N, our choice).
* :func:`diffusivity` — ours, a Kubo–Greenwood-style estimate
  ``D_n = sum_a sum_m |<m|[H, X_a]|n>|**2 g(E_m - E_n)`` over the computed modes, ``g`` a
  Gaussian of width ``eta`` (default: the median level spacing times 4), normalised to a
  probability density.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.linalg as sla
import scipy.sparse as sp
import scipy.sparse.linalg as spla

from ..common.registry import check_choice
from .hamiltonian import position_commutators

__all__ = ["Modes", "SOLVERS", "eigenmodes", "participation_ratio", "diffusivity"]

#: Eigen-solver names accepted by :func:`eigenmodes`.
SOLVERS = ("auto", "dense", "tridiagonal", "sparse")


@dataclass(frozen=True)
class Modes:
    """Eigenpairs sorted by energy: ``energies`` (K,), orthonormal columns ``vectors`` (N, K)."""

    energies: np.ndarray
    vectors: np.ndarray


def _is_tridiagonal(h: sp.spmatrix) -> bool:
    coo = sp.coo_matrix(h)
    return bool(np.all(np.abs(coo.row - coo.col) <= 1))


def eigenmodes(h: sp.spmatrix, count: int | None = None, *, solver: str = "auto") -> Modes:
    """The ``count`` lowest eigenpairs of the real symmetric ``h`` (all of them for None).

    Parameters
    ----------
    h : scipy.sparse matrix, shape (N, N)
        Real symmetric Hamiltonian.
    count : int or None
        Number of lowest modes; None: all N.
    solver : {"auto", "dense", "tridiagonal", "sparse"}
        See the module docstring. "sparse" (``eigsh``, shift-invert below the spectrum) needs
        ``count < N - 1``.

    Returns
    -------
    Modes
    """
    check_choice("solver", solver, SOLVERS)
    n = h.shape[0]
    k = n if count is None else int(min(max(count, 1), n))
    if solver == "auto":
        solver = "tridiagonal" if _is_tridiagonal(h) else "dense"
    if solver == "tridiagonal":
        if not _is_tridiagonal(h):
            raise ValueError("solver='tridiagonal' needs a tridiagonal Hamiltonian (a 1-D patch)")
        # all modes: LAPACK's stemr (select="a"), 9x faster than the index selection at 64 samples
        w, v = (sla.eigh_tridiagonal(h.diagonal(), h.diagonal(1)) if k == n else
                sla.eigh_tridiagonal(h.diagonal(), h.diagonal(1), select="i", select_range=(0, k - 1)))
    elif solver == "dense":  # all modes: LAPACK's divide and conquer (syevd); some: syevr
        w, v = sla.eigh(h.toarray(), driver="evd") if k == n else sla.eigh(h.toarray(), subset_by_index=(0, k - 1))
    else:
        if k >= n - 1:
            raise ValueError(f"solver='sparse' needs count < N - 1 = {n - 1}, got {k}")
        radius = np.asarray(abs(h).sum(axis=1)).ravel() - np.abs(h.diagonal())
        shift = float(np.min(h.diagonal() - radius)) - 1.0  # below the spectrum (Gershgorin discs)
        w, v = spla.eigsh(h.tocsc(), k=k, sigma=shift, which="LM")
    order = np.argsort(w, kind="stable")
    return Modes(energies=np.asarray(w)[order], vectors=np.asarray(v)[:, order])


def participation_ratio(vectors: np.ndarray) -> np.ndarray:
    """``1 / (N sum_i psi(i)**4)`` per column of ``vectors`` (each normalised first)."""
    v = np.asarray(vectors, float)
    v = v / np.linalg.norm(v, axis=0, keepdims=True)
    return 1.0 / (v.shape[0] * np.sum(v**4, axis=0))


def diffusivity(h: sp.spmatrix, modes: Modes, shape: tuple[int, ...], *, eta: float | None = None) -> np.ndarray:
    """Kubo–Greenwood-style diffusivity of each mode (module docstring), shape (K,)."""
    e = modes.energies
    if eta is None:
        gaps = np.diff(e)
        eta = 4.0 * float(np.median(gaps)) if gaps.size else 1.0
        eta = eta if eta > 0 else 1.0
    weight = np.exp(-((e[:, None] - e[None, :]) ** 2) / (2 * eta**2)) / np.sqrt(2 * np.pi * eta**2)
    total = np.zeros(e.size)
    for comm in position_commutators(h, shape):
        j = modes.vectors.T @ (comm @ modes.vectors)  # <m|[H, X]|n>
        total += np.sum(j**2 * weight, axis=0)
    return total
