"""The adaptive-basis methods of :mod:`qdn.localization` as :data:`~qdn.api.signal.METHODS` runners:
``"localization"`` (blind, mode-resolved) and ``"qab"`` (blind QAB). Their patches and physics
are set by the methods themselves; ``window``, ``threshold`` and the backend options of
:func:`qdn.denoise` do not apply. The oracle QAB needs the clean data and so is not a method here
(:func:`qdn.localization.qab_oracle`, benchmarks only).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .results import DenoiseResult
from ..localization import localization, qab

__all__ = ["LOCALIZATION_METHODS", "run_localization"]

_DENOISERS = {"localization": localization, "qab": qab}


def run_localization(method: str, data: np.ndarray, *, sigma: float | None = None, **_: Any) -> DenoiseResult:
    """``method`` ("localization" or "qab") on a signal or image, in a :class:`DenoiseResult`;
    ``sigma`` is a known noise level (1 after the Anscombe transform), else estimated."""
    out = _DENOISERS[method](data, sigma=sigma)
    return DenoiseResult(
        denoised=out, circuit=None, thresholds=np.array([], dtype=np.int64), iterations=0, schedule=None,
        marked_weight=1.0, success_probability=1.0, backend="classical", shots=None, method=method,
    )


#: Method name -> runner ``(data, **options) -> DenoiseResult``.
LOCALIZATION_METHODS = {name: (lambda y, _m=name, **kw: run_localization(_m, y, **kw)) for name in _DENOISERS}
