"""qdn: quantum signal denoising with Qiskit circuits.

Implements S. Dutta, A. Basarab, D. Kouamé, B. Georgeot, "Quantum Algorithm for Signal
Denoising", IEEE Signal Processing Letters (2024), arXiv:2312.15411, as settled in the
project's design notes: linear encoding, postselection folded into amplification, two-sided
frequencies, exact amplitude amplification about the prepared state.
"""

from .classical import metrics
from .api.signal import DenoiseResult, choose_backend, denoise
from .api.state import StateDenoiseResult, denoise_state
from .classical.reference import spectral_projection

__all__ = ["denoise", "denoise_state", "DenoiseResult", "StateDenoiseResult", "choose_backend", "metrics", "spectral_projection"]
__version__ = "0.1.0"
