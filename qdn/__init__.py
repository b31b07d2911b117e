"""qdn: quantum signal denoising with Qiskit circuits.

Implements S. Dutta, A. Basarab, D. Kouamé, B. Georgeot, "Quantum Algorithm for Signal
Denoising", IEEE Signal Processing Letters (2024), arXiv:2312.15411, as settled in the
project's design notes: linear encoding, postselection folded into amplification, two-sided
frequencies, exact amplitude amplification about the prepared state.
"""

from .api.image import denoise_image
from .api.results import DenoiseResult, ImageDenoiseResult
from .api.signal import denoise
from .api.state import StateDenoiseResult, denoise_state
from .classical import metrics
from .classical.reference import spectral_projection
from .execution.backends import choose_backend

__all__ = [
    "denoise",
    "denoise_image",
    "denoise_state",
    "DenoiseResult",
    "ImageDenoiseResult",
    "StateDenoiseResult",
    "choose_backend",
    "metrics",
    "spectral_projection",
]
__version__ = "0.1.0"
