"""Reconstruction in an adaptive basis with the QAB smooth step, and how its two parameters are set.

The paper's (QAB MATLAB code, ``heavi.m``): coefficients ``alpha = Psi^T y`` of the noisy patch on
the energy-sorted eigenvectors, output ``sum_t tau_t alpha_t psi_t`` with
``tau(x) = 1`` for ``x <= -eps``, ``(1 - x/eps - sin(pi x/eps)/pi) / 2`` for ``|x| < eps`` and 0
beyond, ``x = t - l`` (mode index minus cutoff). Their code sweeps ``l`` and ``eps`` against the
clean patch (:func:`oracle_step`, benchmarks only).

Ours, the blind rule (:func:`sure_step`): ``(l, eps)`` minimising Stein's unbiased risk of the
shrinkage ``y -> Psi diag(tau) Psi^T y`` with the noise level ``sigma`` estimated from the data,
``SURE = ||y||^2 - sum (2 tau - tau**2) alpha**2 + 2 sigma**2 sum tau - N sigma**2``. It treats
the basis as fixed; the basis depends on the data only through the blurred potential, and this
dependence is ignored (an approximation).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

__all__ = ["smooth_step", "step_table", "mode_gain", "sure_step", "oracle_step"]


def smooth_step(count: int, cutoff: float, width: float) -> np.ndarray:
    """The QAB weights ``tau_t`` of modes ``t = 0..count-1`` (``width`` 0: a hard cut at ``cutoff``)."""
    x = np.arange(count) - float(cutoff)
    if width <= 0:
        return (x < 0).astype(float)
    mid = 0.5 * (1 - x / width - np.sin(np.pi * x / width) / np.pi)
    return np.where(x <= -width, 1.0, np.where(x < width, mid, 0.0))


@lru_cache(maxsize=16)
def step_table(count: int, total: int) -> tuple[np.ndarray, np.ndarray]:
    """Candidate ``(cutoff, width)`` pairs and their weights ``(C, count)``: widths 0 and a
    geometric grid up to ``total / 2``, at most 257 cutoffs from 0 to ``count``; only those whose
    step ends within the ``count`` computed modes (all of them when ``count == total``).
    Cached; the arrays are read-only."""
    widths = np.concatenate([[0.0], np.geomspace(1.0, max(total / 2, 1.0), 10)])
    cutoffs = np.unique(np.round(np.linspace(0, count, min(count + 1, 257))))
    pairs = [(c, w) for w in widths for c in cutoffs if count == total or c + w <= count]
    params = np.array(pairs, float)
    taus = np.stack([smooth_step(count, c, w) for c, w in params])
    params.flags.writeable = False
    taus.flags.writeable = False
    return params, taus


@lru_cache(maxsize=16)
def _squared_table(count: int, total: int) -> np.ndarray:
    squared = step_table(count, total)[1] ** 2
    squared.flags.writeable = False
    return squared


def mode_gain(alpha: np.ndarray, sigma: float) -> tuple[np.ndarray, np.ndarray]:
    """Per-mode non-negative garrote ``g = (1 - sigma**2 / alpha**2)_+`` and the derivative
    ``d = d(g alpha)/d alpha = 1 + sigma**2 / alpha**2`` where ``g > 0`` (0 elsewhere)."""
    a2 = alpha**2
    keep = a2 > sigma**2
    ratio = np.divide(sigma**2, a2, out=np.zeros_like(a2), where=keep)
    return np.where(keep, 1 - ratio, 0.0), np.where(keep, 1 + ratio, 0.0)


def sure_step(alpha: np.ndarray, norm2: float, sigma: float, total: int, *, per_mode: bool = False
              ) -> tuple[np.ndarray, np.ndarray, float]:
    """Weights of the ``(cutoff, width)`` minimising SURE; returns ``(weights, (cutoff, width), risk)``.

    ``per_mode``: each mode's step weight is multiplied by its garrote :func:`mode_gain` (a
    coefficient at the noise level is dropped whatever its energy), and SURE counts the
    garrote's divergence.
    """
    params, taus = step_table(alpha.size, total)
    squared = _squared_table(alpha.size, total)
    a2 = alpha**2
    g, d = mode_gain(alpha, sigma) if per_mode else (np.ones_like(a2), np.ones_like(a2))
    risk = norm2 - taus @ (2 * g * a2) + squared @ (g**2 * a2) + 2 * sigma**2 * (taus @ d) - total * sigma**2
    best = int(np.argmin(risk))
    return taus[best] * g, params[best], float(risk[best])


def oracle_step(alpha: np.ndarray, beta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """ORACLE (needs the clean patch): the step minimising ``||Psi tau alpha - clean||`` over the
    same candidates, ``beta = Psi^T clean``. Returns ``(tau, (cutoff, width))``."""
    params, taus = step_table(alpha.size, alpha.size)
    err = _squared_table(alpha.size, alpha.size) @ (alpha**2) - 2 * taus @ (alpha * beta)
    best = int(np.argmin(err))
    return taus[best], params[best]
