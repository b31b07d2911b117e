"""Stage 5, *readout*: from the final state (exact or sampled) back to samples.

The output state carries the denoised amplitudes up to one global factor (and, with exact
readout, a global phase). A low-pass that keeps bin 0 preserves each window's sum, so the
factor is fixed by matching the total of the encoded amplitudes ``sum cos(theta)``: exact in the
noise-free case (shared/DESIGN.md §1). With shots the amplitudes are ``sqrt(counts / shots)``:
signs are lost, which the encoding's positive offset (``floor``) makes harmless as long as the
denoised amplitudes stay positive.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from ..circuits.layout import Layout
from ..circuits.registers import work_size

__all__ = ["state_amplitudes", "counts_amplitudes", "rescale"]


def state_amplitudes(state: np.ndarray, layout: Layout, variant: str = "register", two_sided: bool = True) -> np.ndarray:
    """Amplitudes on ``(anc, j, i)`` of a full statevector, shape ``(2, P, M)``.

    Work qubits are read at 0, and the ``mean``/``thre`` registers are summed over: each
    ``(anc, j, i)`` has a single non-zero entry there (the window's codes).
    """
    state = np.asarray(state).ravel()
    w = work_size(variant, two_sided)
    if variant == "register":
        shape = (1 << w, 2, 1 << layout.b, layout.P, 1 << layout.a, layout.M)
    else:
        shape = (1 << w, 2, layout.P, layout.M)
    if state.size != int(np.prod(shape)):
        raise ValueError(f"statevector has {state.size} amplitudes, expected {int(np.prod(shape))}")
    arr = state.reshape(shape)[0]
    if variant == "register":
        arr = arr.sum(axis=(1, 3))
    return arr


def counts_amplitudes(counts: Mapping[int, int], layout: Layout) -> tuple[np.ndarray, int]:
    """Post-selected (``anc = 0``) amplitude estimates ``sqrt(count / kept)``, shape ``(P, M)``.

    ``counts`` maps the integer ``i + M*j + N*anc`` to a count. Returns the amplitudes and the
    number of kept shots.
    """
    hist = np.zeros(2 * layout.N)
    for key, c in counts.items():
        hist[int(key)] += c
    kept = int(hist[: layout.N].sum())
    if kept == 0:
        raise RuntimeError("no shot landed in the good subspace (anc = 0); increase shots")
    return np.sqrt(hist[: layout.N] / kept).reshape(layout.P, layout.M), kept


def rescale(good: np.ndarray, total: float) -> np.ndarray:
    """Remove the global phase and factor: return real amplitudes summing to ``total``."""
    good = np.asarray(good)
    z = good.sum()
    if abs(z) < 1e-300:
        raise RuntimeError("the output state has no weight in the kept band; cannot fix its scale")
    aligned = good * (np.conj(z) / abs(z))
    return aligned.real * (total / aligned.real.sum())
