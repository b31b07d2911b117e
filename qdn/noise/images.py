"""Noise for images (shared/DESIGN.md §3): additive Gaussian, Poisson counting, speckle, and the
paper's quantum scenarios (the image's state through a 2-D QFT and its inverse with phase noise,
optionally with bit flips; :func:`qdn.noise.quantum.noisy_quantum_signal`).

All seeded (an int, None or a ``numpy.random.Generator``); all return new float arrays of the
input's shape and leave the input untouched. AWGN and Poisson reuse :func:`qdn.noise.awgn` and
:func:`qdn.noise.poisson`, which accept n-D arrays.
"""

from __future__ import annotations

import numpy as np

from . import signals as _noise
from ..common.validation import as_signal

__all__ = ["awgn", "poisson", "speckle", "phase", "awgn_phase", "poisson_phase", "bitflip_phase"]


def _image(x) -> np.ndarray:
    return as_signal(x, name="image", ndim=2)


def awgn(image, snr_db: float | None = None, *, sigma: float | None = None, seed=None) -> np.ndarray:
    """Additive white Gaussian noise, at a target SNR or a given standard deviation.

    ``snr_db``: the noise is rescaled so that ``10 log10(sum x^2 / sum n^2)`` equals ``snr_db``
    exactly (:func:`qdn.noise.awgn`). ``sigma``: ``x + sigma * N(0, 1)`` in the image's units.
    Give exactly one of them.
    """
    x = _image(image)
    if (snr_db is None) == (sigma is None):
        raise ValueError("give exactly one of snr_db and sigma")
    if snr_db is not None:
        return _noise.awgn(x, snr_db, seed=seed)
    if not np.isfinite(sigma) or sigma < 0:
        raise ValueError(f"sigma must be a finite number >= 0, got {sigma}")
    return x + sigma * _noise.as_generator(seed).standard_normal(x.shape)


def poisson(image, *, peak: float | None = None, scale: float | None = None, seed=None) -> np.ndarray:
    """Photon-counting noise: ``Poisson(scale * x) / scale`` for ``x >= 0``.

    ``peak``: expected photon count at the image's maximum (``scale = peak / max(x)``); lower
    peak, more noise. ``scale``: photons per unit of intensity (:func:`qdn.noise.poisson`).
    Give at most one (default ``scale=100``). The result is in the image's units.
    """
    x = _image(image)
    if peak is not None and scale is not None:
        raise ValueError("give at most one of peak and scale")
    if peak is not None:
        if not np.isfinite(peak) or peak <= 0:
            raise ValueError(f"peak must be a positive photon count, got {peak}")
        if x.max() <= 0:
            raise ValueError("peak needs an image with a positive maximum")
        scale = peak / float(x.max())
    return _noise.poisson(x, scale=100.0 if scale is None else scale, seed=seed)


def speckle(image, sigma: float = 0.1, *, looks: int | None = None, seed=None) -> np.ndarray:
    """Multiplicative speckle ``x * g`` with ``E[g] = 1``.

    Default: Gaussian ``g = 1 + sigma * N(0, 1)`` (scikit-image's ``"speckle"`` mode).
    ``looks=L``: fully developed speckle of an L-look intensity image (ultrasound, SAR):
    ``g ~ Gamma(L, 1/L)``, standard deviation ``1/sqrt(L)`` (``sigma`` is then ignored).
    """
    x = _image(image)
    rng = _noise.as_generator(seed)
    if looks is not None:
        if not isinstance(looks, (int, np.integer)) or isinstance(looks, bool) or looks < 1:
            raise ValueError(f"looks must be a positive integer, got {looks!r}")
        return x * rng.gamma(shape=looks, scale=1.0 / looks, size=x.shape)
    if not np.isfinite(sigma) or sigma < 0:
        raise ValueError(f"sigma must be a finite number >= 0, got {sigma}")
    return x * (1.0 + sigma * rng.standard_normal(x.shape))


# The quantum scenarios: the image's normalised state (row-major, sides powers of two) through a
# phase-noisy 2-D QFT + inverse 2-D QFT (one QFTGate on the column bits and one on the row bits,
# lowered to cx/rz/sx/x/h, every gate followed on each of its qubits by RZ(delta), delta ~
# U[-epsilon, epsilon]); the noisy image is ||x|| Re(phi) after aligning phi's global phase.


def phase(image, epsilon: float = 0.1, *, seed=None, **kwargs) -> np.ndarray:
    """Quantum phase noise of amplitude ``epsilon`` on a 2-D QFT + inverse QFT of the image's
    state (the paper's scenario ii in 2-D; ``kwargs`` go to
    :func:`qdn.noise.quantum.noisy_quantum_signal`, e.g. ``realisations``, ``axis``)."""
    from . import quantum as qn

    return qn.phase_noise_signal(_image(image), epsilon, seed=seed, **kwargs)


def awgn_phase(image, snr_db: float = 15.0, epsilon: float = 0.1, *, seed=None, **kwargs) -> np.ndarray:
    """AWGN at ``snr_db``, then the phase-noisy 2-D round trip (scenario iii)."""
    from . import quantum as qn

    return qn.awgn_phase(_image(image), snr_db, epsilon, seed=seed, **kwargs)


def poisson_phase(image, scale: float = 100.0, epsilon: float = 0.1, *, seed=None, **kwargs) -> np.ndarray:
    """Poisson counts (``Poisson(scale x) / scale``, ``x >= 0``), then phase noise."""
    from . import quantum as qn

    return qn.poisson_phase(_image(image), scale, epsilon, seed=seed, **kwargs)


def bitflip_phase(image, p: float = 0.01, epsilon: float = 0.1, *, seed=None, **kwargs) -> np.ndarray:
    """Bit flips with probability ``p`` after each Hadamard of the 2-D QFT and its inverse,
    together with phase noise ``epsilon``."""
    from . import quantum as qn

    return qn.bitflip_phase(_image(image), p, epsilon, seed=seed, **kwargs)
