"""Stage 5, *readout*: from the final state (exact or sampled) back to samples.

The output state carries the denoised amplitudes up to one global factor (and, with exact
readout, a global phase). A low-pass that keeps bin 0 preserves each window's sum, so the
factor is fixed by matching the total of the encoded amplitudes ``sum cos(theta)``: exact in the
noise-free case (shared/DESIGN.md §1). With shots the amplitudes are ``sqrt(counts / shots)``:
signs are lost, which the encoding's positive offset (``floor``) makes harmless as long as the
denoised amplitudes stay positive.

What a problem's statevector and counts mean depends on its registers: :func:`read_statevector`,
:func:`kept_amplitudes` and :func:`kept_from_counts` are registries (``functools.singledispatch``)
over the problem types, :class:`~qdn.circuits.problem.DenoisingProblem` (1-D windows and N-D
patches), :class:`~qdn.circuits.spinning.SpinningProblem` (in-circuit cycle spinning: the readout
state is the ``s = 0`` slice on ``(flag, anc, j, i)``, kept branch ``flag = 1, anc = 0``), its
2-D form :class:`~qdn.circuits.spinning2d.SpinningImageProblem` (``sx = sy = 0``, on
``(flag, anc, j, iy, ix)``) and
:class:`~qdn.circuits.baselines.BaselineProblem`.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import singledispatch

import numpy as np

from ..circuits.baselines import BaselineProblem
from ..circuits.layout import Layout, holds_codes, work_size
from ..circuits.problem import DenoisingProblem
from ..circuits.spinning import SpinningProblem
from ..circuits.spinning2d import SpinningImageProblem

__all__ = [
    "state_amplitudes",
    "counts_amplitudes",
    "rescale",
    "read_statevector",
    "kept_amplitudes",
    "kept_from_counts",
    "flag_branch",
    "flag_counts",
]


def state_amplitudes(state: np.ndarray, layout: Layout, variant: str = "register", mask: str = "two-sided") -> np.ndarray:
    """Amplitudes on ``(anc, j, i)`` of a full statevector, shape ``(2, P, *window_shape)``
    (``(2, P, M)`` for 1-D windows, ``(2, P, M, M)`` over ``(anc, j, iy, ix)`` for patches).

    Work qubits are read at 0, and the ``mean``/``thre`` registers are summed over: each
    ``(anc, j, i)`` has a single non-zero entry there (the window's codes).
    """
    state = np.asarray(state).ravel()
    w = work_size(layout.ndim, variant, mask)
    if holds_codes(variant):
        shape = (1 << w, 2, 1 << layout.b, layout.P, 1 << layout.a, layout.M)
    else:
        shape = (1 << w, 2, layout.P, layout.M)
    if state.size != int(np.prod(shape)):
        raise ValueError(f"statevector has {state.size} amplitudes, expected {int(np.prod(shape))}")
    arr = state.reshape(shape)[0]
    if holds_codes(variant):
        arr = arr.sum(axis=(1, 3))
    return arr.reshape((2, layout.P) + layout.window_shape)


def counts_amplitudes(counts: Mapping[int, int], layout: Layout) -> tuple[np.ndarray, int]:
    """Post-selected (``anc = 0``) amplitude estimates ``sqrt(count / kept)``, shape
    ``(P, *window_shape)``.

    ``counts`` maps the integer ``i + M*j + N*anc`` to a count. Returns the amplitudes and the
    number of kept shots.
    """
    hist = np.zeros(2 * layout.N)
    for key, c in counts.items():
        hist[int(key)] += c
    kept = int(hist[: layout.N].sum())
    if kept == 0:
        raise RuntimeError("no shot landed in the good subspace (anc = 0); increase shots")
    return np.sqrt(hist[: layout.N] / kept).reshape((layout.P,) + layout.window_shape), kept


def flag_branch(statevector: np.ndarray) -> np.ndarray:
    """The ``flag = 1`` half of the statevector of a flag schedule's circuit (the flag is the
    last, most significant qubit: :func:`qdn.circuits.problem.build_circuit`)."""
    state = np.asarray(statevector).ravel()
    return state[state.size // 2 :]


def flag_counts(counts: Mapping[int, int], n_samples: int) -> dict[int, int]:
    """The shots of a flag schedule with ``flag = 1`` (keys ``i + M j + N anc + 2N flag``), keyed
    as an unflagged circuit's: the ``flag = 0`` shots are discarded."""
    return {int(k) - 2 * n_samples: int(v) for k, v in counts.items() if int(k) >= 2 * n_samples}


def rescale(good: np.ndarray, total: float) -> np.ndarray:
    """Remove the global phase and factor: return real amplitudes summing to ``total``."""
    good = np.asarray(good)
    z = good.sum()
    if abs(z) < 1e-300:
        raise RuntimeError("the output state has no weight in the kept band; cannot fix its scale")
    aligned = good * (np.conj(z) / abs(z))
    return aligned.real * (total / aligned.real.sum())


@singledispatch
def read_statevector(problem, statevector: np.ndarray) -> np.ndarray:
    """The readout state of ``problem`` from its circuit's full statevector."""
    raise TypeError(f"no readout registered for {type(problem).__name__}")


@singledispatch
def kept_amplitudes(problem, state: np.ndarray) -> np.ndarray:
    """The kept (post-selected) branch of a readout state, shaped like ``problem.amplitudes``."""
    raise TypeError(f"no readout registered for {type(problem).__name__}")


@singledispatch
def kept_from_counts(problem, counts: Mapping[int, int]) -> np.ndarray:
    """Amplitude estimates ``sqrt(frequency)`` of the kept branch from counts."""
    raise TypeError(f"no readout registered for {type(problem).__name__}")


@read_statevector.register
def _(problem: DenoisingProblem, statevector: np.ndarray) -> np.ndarray:
    return state_amplitudes(statevector, problem.layout, problem.variant, problem.mask)


@kept_amplitudes.register
def _(problem: DenoisingProblem, state: np.ndarray) -> np.ndarray:
    return state[0]


@kept_from_counts.register
def _(problem: DenoisingProblem, counts: Mapping[int, int]) -> np.ndarray:
    return counts_amplitudes(counts, problem.layout)[0]


@read_statevector.register
def _(problem: BaselineProblem, statevector: np.ndarray) -> np.ndarray:
    return np.asarray(statevector).reshape(-1, 2, 2, np.size(problem.amplitudes))[0]


@kept_amplitudes.register
def _(problem: BaselineProblem, state: np.ndarray) -> np.ndarray:
    return np.reshape(state[1, 0], np.shape(problem.amplitudes))


@kept_from_counts.register
def _(problem: BaselineProblem, counts: Mapping[int, int]) -> np.ndarray:
    N = np.size(problem.amplitudes)
    hist = np.zeros(4 * N)
    for key, v in counts.items():
        hist[key] += v
    good = hist[2 * N : 3 * N]  # keep = 1, anc = 0
    if good.sum() == 0:
        raise RuntimeError("no shot passed post-selection (keep = 1, anc = 0); increase shots")
    return np.sqrt(good / good.sum()).reshape(np.shape(problem.amplitudes))


@read_statevector.register
def _(problem: SpinningProblem, statevector: np.ndarray) -> np.ndarray:
    lay = problem.layout
    qc = problem.frame("shape")
    sizes = {r.name: 1 << r.size for r in qc.qregs}
    shape = (sizes["work"], problem.shifts, 2, 2, sizes.get("thre", 1), lay.P, lay.M)
    state = np.asarray(statevector).ravel()
    if state.size != int(np.prod(shape)):
        raise ValueError(f"statevector has {state.size} amplitudes, expected {int(np.prod(shape))}")
    return state.reshape(shape)[0, 0, :, :, 0]  # work, s and thre read at 0


@kept_amplitudes.register
def _(problem: SpinningProblem, state: np.ndarray) -> np.ndarray:
    return state[1, 0]


def _spin_kept(counts: Mapping[int, int], N: int, shifts: str) -> np.ndarray:
    """``sqrt(frequency)`` of ``flag = 1, anc = 0`` among the shots with the shift registers at 0
    (keys ``i + N anc + 2 N flag + 4 N s``), flat."""
    hist = np.zeros(4 * N)
    for key, v in counts.items():
        if int(key) < 4 * N:  # shift registers at 0
            hist[int(key)] += v
    good = hist[2 * N : 3 * N]  # flag = 1, anc = 0
    if good.sum() == 0:
        raise RuntimeError(f"no shot passed post-selection ({shifts} = 0, flag = 1, anc = 0); increase shots")
    return np.sqrt(good / good.sum())


@kept_from_counts.register
def _(problem: SpinningProblem, counts: Mapping[int, int]) -> np.ndarray:
    return _spin_kept(counts, problem.layout.N, "s").reshape(problem.layout.P, problem.layout.M)


@read_statevector.register
def _(problem: SpinningImageProblem, statevector: np.ndarray) -> np.ndarray:
    lay = problem.layout
    sizes = {r.name: 1 << r.size for r in problem.frame("shape").qregs}
    shape = (sizes.get("work", 1), problem.shifts, 2, 2, lay.P, lay.side, lay.side)
    state = np.asarray(statevector).ravel()
    if state.size != int(np.prod(shape)):
        raise ValueError(f"statevector has {state.size} amplitudes, expected {int(np.prod(shape))}")
    return state.reshape(shape)[0, 0]  # work and sx = sy = 0


@kept_amplitudes.register
def _(problem: SpinningImageProblem, state: np.ndarray) -> np.ndarray:
    return state[1, 0]


@kept_from_counts.register
def _(problem: SpinningImageProblem, counts: Mapping[int, int]) -> np.ndarray:
    return _spin_kept(counts, problem.layout.N, "sx = sy").reshape(np.shape(problem.amplitudes))
