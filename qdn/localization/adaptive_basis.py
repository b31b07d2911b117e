"""The quantum adaptive basis (QAB) of one patch: potential, Hamiltonian, lowest modes, coefficients.

The paper's (Dutta et al. 2021): the basis is the eigenvectors of ``H = diag(V) + p L`` with ``V``
the blurred noisy patch over its maximum (:mod:`qdn.localization.hamiltonian`); the coefficients
are those of the *un-blurred* noisy patch. Ours: only the ``count`` lowest modes are computed
(the reconstruction keeps low energies), and the patch is scaled by ``max |patch|`` before, as in
their code, so ``p`` and the blur variance mean the same at every intensity.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from .hamiltonian import blurred_potential, hamiltonian
from .modes import Modes, eigenmodes

__all__ = ["PatchBasis", "patch_basis"]


@dataclass(frozen=True)
class PatchBasis:
    """One patch in its adaptive basis.

    Attributes
    ----------
    h : scipy.sparse.csr_matrix
        The Hamiltonian (of the scaled patch).
    modes : Modes
        Its lowest eigenpairs.
    alpha : ndarray, shape (K,)
        Coefficients of the scaled noisy patch, ``Psi^T y / scale``.
    norm2 : float
        ``||y / scale||**2``.
    scale : float
        ``max |patch|`` (1 for an all-zero patch).
    """

    h: sp.csr_matrix
    modes: Modes
    alpha: np.ndarray
    norm2: float
    scale: float

    def synthesize(self, tau: np.ndarray) -> np.ndarray:
        """``scale * Psi (tau * alpha)``, flat."""
        return self.scale * (self.modes.vectors @ (tau * self.alpha))


def patch_basis(patch: np.ndarray, *, hbar2m: float, blur: float, count: int | None, solver: str = "auto") -> PatchBasis:
    """The adaptive basis of ``patch`` (1-D or 2-D) with ``count`` lowest modes (None: all)."""
    patch = np.asarray(patch, float)
    scale = float(np.max(np.abs(patch))) or 1.0
    h = hamiltonian(blurred_potential(patch, blur, scale), hbar2m)
    modes = eigenmodes(h, count, solver=solver)
    y = patch.ravel() / scale
    return PatchBasis(h=h, modes=modes, alpha=modes.vectors.T @ y, norm2=float(y @ y), scale=scale)
