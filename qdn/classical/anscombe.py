r"""Poisson counts to (nearly) unit-variance Gaussian data and back.

The Anscombe transform :math:`A(x) = 2\sqrt{x + 3/8}` makes Poisson noise approximately
Gaussian with unit variance, so a denoiser built for AWGN applies with a known noise level
(sigma = 1). The plain algebraic inverse is biased at low counts; :func:`inverse_anscombe` is the
closed-form approximation of the exact unbiased inverse (M. Mäkitalo and A. Foi, "A closed-form
approximation of the exact unbiased inverse of the Anscombe variance-stabilizing transformation",
IEEE Trans. Image Process. 20(9), 2011, eq. 5):

.. math::

    I_C(D) = \tfrac14 D^2 + \tfrac14\sqrt{\tfrac32}\,D^{-1} - \tfrac{11}{8} D^{-2}
             + \tfrac58\sqrt{\tfrac32}\,D^{-3} - \tfrac18 .
"""

from __future__ import annotations

import numpy as np

__all__ = ["anscombe", "inverse_anscombe", "check_counts"]

# below this the closed form is not monotone (the exact inverse maps D < ~1.03 to ~0 counts)
_D_MIN = 1.0


def check_counts(x: np.ndarray, name: str = "signal") -> np.ndarray:
    """``x`` as float counts: finite and non-negative (Poisson data)."""
    x = np.asarray(x, float)
    if x.size and x.min() < 0:
        raise ValueError(f"noise_model='poisson' needs non-negative counts; the {name} has minimum {x.min():g}")
    return x


def anscombe(x: np.ndarray) -> np.ndarray:
    """``2 sqrt(x + 3/8)`` of non-negative counts."""
    return 2.0 * np.sqrt(check_counts(x) + 0.375)


def inverse_anscombe(d: np.ndarray) -> np.ndarray:
    """Mäkitalo–Foi closed-form exact unbiased inverse (values below ``D = 1`` map to 0 counts)."""
    d = np.asarray(d, float)
    dc = np.maximum(d, _D_MIN)
    r = np.sqrt(1.5)
    out = 0.25 * dc**2 + 0.25 * r / dc - 1.375 / dc**2 + 0.625 * r / dc**3 - 0.125
    return np.where(d < _D_MIN, 0.0, np.maximum(out, 0.0))
