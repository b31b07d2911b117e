"""qdn.noise: the noise layer. It owns noise on data (classical noise on signals,
:mod:`~qdn.noise.signals`, and on images, :mod:`~qdn.noise.images`), noise on circuits (the
scenarios, :mod:`~qdn.noise.scenarios`; the circuit rewriter, :mod:`~qdn.noise.rewrite`, and its
NumPy program, :mod:`~qdn.noise.program`; Aer noise models, :mod:`~qdn.noise.aer`), noisy
signals (a signal's state through a noisy QFT round trip, :mod:`~qdn.noise.quantum`) and noisy
runs of the denoising circuit (:mod:`~qdn.noise.runs`, on the noisy emulator of
:mod:`~qdn.noise.emulate` or on Aer). It may import :mod:`qdn.common`, :mod:`qdn.classical`,
:mod:`qdn.circuits`, :mod:`qdn.emulator` and :mod:`qdn.execution`, never :mod:`qdn.api`,
:mod:`qdn.hardware`, :mod:`qdn.cli` or :mod:`qdn.io`. The package namespace holds the classical
signal noise; everything else is imported from its module.
"""

from .signals import awgn, poisson, salt_and_pepper

__all__ = ["awgn", "poisson", "salt_and_pepper"]
