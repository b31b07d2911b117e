"""The Hamiltonian of a patch: ``H = diag(V) + p L`` as a ``scipy.sparse`` matrix.

The paper's (Dutta et al., IEEE OJSP 2021, and their MIT-licensed MATLAB, SayantanDutta95/
QAB-denoising): ``L`` is the discrete Laplacian (``-`` second difference, 5 points in 2-D) with
free (Neumann) ends for images, ``p = hbar**2 / 2m`` its weight, and the potential ``V`` the noisy
patch blurred by the Gaussian ``exp(-r**2 / (2 sg))`` (``sg`` a *variance*, in pixels squared) and
divided by the patch's maximum.

Ours: free ends in 1-D too (their 1-D code closes the ring; free ends keep ``H`` tridiagonal, so
``scipy.linalg.eigh_tridiagonal`` applies), the blur by ``scipy.ndimage.gaussian_filter`` with
reflected borders (theirs is a circular FFT convolution, which mixes opposite patch edges), and
the scale ``max |patch|`` (not ``max patch``), so that a patch of negative values keeps a bounded
potential. Pixels are flattened in C order (row by row).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import scipy.sparse as sp
from scipy.ndimage import gaussian_filter

__all__ = ["laplacian", "hamiltonian", "blurred_potential", "position_commutators"]


def _path_laplacian(n: int) -> sp.csr_matrix:
    """Graph Laplacian of a path of ``n`` nodes (``-`` second difference with free ends)."""
    diag = np.full(n, 2.0)
    diag[[0, -1]] = 1.0
    if n == 1:
        diag[:] = 0.0
    off = -np.ones(n - 1)
    return sp.diags([off, diag, off], [-1, 0, 1], format="csr")


def laplacian(shape: tuple[int, ...]) -> sp.csr_matrix:
    """Graph Laplacian of the 1-D path or 2-D grid of ``shape`` with free (Neumann) ends.

    Parameters
    ----------
    shape : tuple of int
        ``(N,)`` or ``(H, W)``.

    Returns
    -------
    scipy.sparse.csr_matrix, shape (prod(shape), prod(shape))
        Positive semi-definite; pixel ``(i, j)`` is row ``i * W + j``.
    """
    if len(shape) == 1:
        return _path_laplacian(shape[0])
    h, w = shape
    # kronsum(A, B) = kron(I_B, A) + kron(B, I_A): A acts along a row (j), B along a column (i)
    return sp.kronsum(_path_laplacian(w), _path_laplacian(h), format="csr")


@lru_cache(maxsize=8)
def _shared_laplacian(shape: tuple[int, ...]) -> sp.csr_matrix:
    """:func:`laplacian`, built once per shape (every patch of an input has the same); read only."""
    return laplacian(shape)


def hamiltonian(potential: np.ndarray, hbar2m: float) -> sp.csr_matrix:
    """``H = diag(V) + hbar2m * L`` for the potential ``V`` of shape ``(N,)`` or ``(H, W)``."""
    v = np.asarray(potential, float)
    return (sp.diags(v.ravel()) + hbar2m * _shared_laplacian(tuple(v.shape))).tocsr()


def blurred_potential(patch: np.ndarray, variance: float, scale: float) -> np.ndarray:
    """The patch blurred by a Gaussian of ``variance`` (pixels squared), divided by ``scale``."""
    return gaussian_filter(np.asarray(patch, float), sigma=float(np.sqrt(variance)), mode="reflect") / scale


def position_commutators(h: sp.spmatrix, shape: tuple[int, ...]) -> list[sp.csr_matrix]:
    """``[H, X_a]`` for each axis ``a`` of ``shape`` (``X_a`` the diagonal position operator).

    ``([H, X])_ij = H_ij (x_j - x_i)``: the potential drops out, only the hopping terms remain;
    ``i [H, X]`` is the velocity (current) operator of the Kubo–Greenwood formula.
    """
    coo = sp.coo_matrix(h)
    coords = np.unravel_index(np.arange(coo.shape[0]), shape)
    return [sp.csr_matrix((coo.data * (x[coo.col] - x[coo.row]), (coo.row, coo.col)), shape=coo.shape)
            for x in (c.astype(float) for c in coords)]
