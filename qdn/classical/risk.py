r"""Choosing the window from the data: Stein's unbiased risk of the whole estimator.

For an estimator :math:`f` of a signal in white Gaussian noise of known level :math:`\sigma`,

.. math::

    \mathrm{SURE}(f, y) = \|y - f(y)\|^2 - N\sigma^2 + 2\sigma^2\, \nabla\!\cdot f(y)

is an unbiased estimate of :math:`E\|f(y) - x\|^2` (Stein 1981). The divergence of qdn's
estimator (cutoffs chosen per window and shift from ``y``, then projections averaged) has no
closed form — a projection's rank would miss the dependence of the cutoffs on ``y`` and
favours small windows — so it is estimated by Monte-Carlo (S. Ramani, T. Blu, M. Unser,
"Monte-Carlo SURE", IEEE Trans. Image Process. 17(9), 2008):
:math:`\nabla\!\cdot f(y) \approx b^\top (f(y + \epsilon b) - f(y)) / \epsilon` with Rademacher
probes ``b`` and :math:`\epsilon = 0.1\sigma`. It sees the noisy data only.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

__all__ = ["WINDOW_CANDIDATES", "mc_sure", "choose_window"]

#: Windows ``window="auto"`` chooses from (those giving at least two windows).
WINDOW_CANDIDATES = (4, 8, 16, 32, 64, 128, 256)

PROBE_STEP = 0.1  # epsilon / sigma
PROBES = 2


def mc_sure(estimate: Callable[[np.ndarray], np.ndarray], y: np.ndarray, sigma: float, *,
            rng: np.random.Generator, probes: int = PROBES) -> float:
    """Monte-Carlo SURE of ``estimate`` at ``y`` for noise level ``sigma`` (the risk summed over
    samples)."""
    y = np.asarray(y, float)
    fy = estimate(y)
    residual = float(np.sum((y - fy) ** 2))
    if sigma <= 0:
        return residual
    eps = PROBE_STEP * sigma
    div = 0.0
    for _ in range(probes):
        b = rng.choice(np.array([-1.0, 1.0]), size=y.shape)
        div += float(b.ravel() @ (estimate(y + eps * b) - fy).ravel()) / eps
    return residual - y.size * sigma**2 + 2.0 * sigma**2 * div / probes


def choose_window(estimate: Callable[[np.ndarray, int], np.ndarray], y: np.ndarray, sigma: float, *,
                  candidates=WINDOW_CANDIDATES, seed: int | None = 0,
                  size: int | None = None) -> tuple[int, dict[int, float]]:
    """The window of ``candidates`` (powers of two giving at least two windows of a signal of
    ``size`` samples, default ``y.size``; ``y`` may be its mirrored extension) with the least
    :func:`mc_sure` of ``estimate(y, window)``; returns it and every candidate's risk. Every
    candidate sees the same probes."""
    y = np.asarray(y, float)
    size = y.size if size is None else size
    usable = [int(m) for m in candidates if 2 * m <= size]
    if not usable:
        raise ValueError(f"window='auto' needs a signal of at least {2 * min(candidates)} samples "
                         f"(two windows of {min(candidates)}), got {size}")
    risks = {m: mc_sure(lambda v, m=m: estimate(v, m), y, sigma, rng=np.random.default_rng(seed)) for m in usable}
    return min(risks, key=risks.get), risks
