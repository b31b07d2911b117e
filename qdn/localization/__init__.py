"""Quantum-localization and quantum-adaptive-basis (QAB) denoisers (issue 19).

Layer: imports :mod:`qdn.common` and :mod:`qdn.classical` only.

* :func:`localization` — blind, mode-resolved selection in the adaptive basis (our reading of
  Hashemi et al., AIP Advances 2025; see :mod:`qdn.localization.denoise`).
* :func:`qab`, :func:`qab_oracle` — Dutta et al. (IEEE OJSP 2021): blind (SURE) and the oracle of
  their code (clean image; benchmarks only).
* Building blocks: :mod:`~qdn.localization.hamiltonian` (``H`` as ``scipy.sparse``),
  :mod:`~qdn.localization.modes` (eigenpairs, participation ratio, diffusivity),
  :mod:`~qdn.localization.reconstruction` (smooth step, SURE, oracle),
  :mod:`~qdn.localization.patches`, :mod:`~qdn.localization.adaptive_basis`,
  :mod:`~qdn.localization.driver`, :mod:`~qdn.localization.options`,
  :mod:`~qdn.localization.physics` (the blind choice of ``hbar2m`` and the blur: ours;
  :func:`blind_physics` reports it), :mod:`~qdn.localization.blas` (one BLAS thread per loop).
"""

from .denoise import ModeReport, localization, mode_report
from .hamiltonian import hamiltonian, laplacian
from .modes import Modes, diffusivity, eigenmodes, participation_ratio
from .physics import Physics, blind_physics
from .qab import qab, qab_oracle

__all__ = [
    "localization", "mode_report", "ModeReport", "qab", "qab_oracle", "blind_physics", "Physics",
    "hamiltonian", "laplacian", "eigenmodes", "Modes", "participation_ratio", "diffusivity",
]
