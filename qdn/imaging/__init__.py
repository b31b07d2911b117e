"""qdn.imaging: quantum imaging with entangled photons, simulated (source document 001).

What is a quantum circuit and what is not:

* :mod:`~qdn.imaging.noon` — **Qiskit circuits**: phase super-resolution with N00N / GHZ
  states (H, CX chain, P(phi) on every qubit, readout), sampled on Aer's V2 sampler (ideal, with
  an Aer noise model, or with a fake IBM device's noise model), and the classical estimation
  around them (fringe fit, phase estimate, shot-noise and Heisenberg limits, Fisher information).
* :mod:`~qdn.imaging.psf` (entangled-pair focusing), :mod:`~qdn.imaging.ghost` (ghost imaging)
  and :mod:`~qdn.imaging.twin` (twin-beam sub-shot-noise imaging) — **classical simulations of
  photon statistics** (NumPy/SciPy): point-spread functions, speckle and Hadamard patterns,
  Poisson and binomial photon counting. No circuit is involved.
* :mod:`~qdn.imaging.phantoms` (test objects, offline), :mod:`~qdn.imaging.counting` (photon
  budgets and Poisson counts).

The images these produce are ordinary arrays; denoising them (``qdn.denoise``) happens above
this layer, in the benchmark ``benchmarks/imaging.py`` and the ``qdn imaging`` command.

May import: :mod:`qdn.common`, :mod:`qdn.execution` (running on a fake device), Qiskit,
qiskit-aer, NumPy, SciPy, scikit-image, pydicom. Never :mod:`qdn.api`, :mod:`qdn.noise`,
:mod:`qdn.hardware` or :mod:`qdn.cli`.
"""

from .ghost import ghost_image
from .noon import noon_circuit, parity_circuit, phase_study
from .phantoms import edge_target, phantom
from .psf import edge_fwhm, fwhm, psf, psf_image
from .twin import TwinBeamResult, twin_beam

__all__ = [
    "noon_circuit", "parity_circuit", "phase_study", "psf", "psf_image", "fwhm", "edge_fwhm",
    "ghost_image", "twin_beam", "TwinBeamResult", "phantom", "edge_target",
]
