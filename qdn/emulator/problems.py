"""``emulate(problem, schedule)``: the emulator's readout state of any problem the executor
runs, a registry (``functools.singledispatch``) over the problem types; the same numbers as the
circuit's statevector on the readout registers."""

from __future__ import annotations

from functools import singledispatch

import numpy as np
from qiskit.quantum_info import Statevector

from .baselines import qft_filter_state, qwt_filter_state
from .spectral import emulate_quantum_state, emulate_state
from ..circuits.amplification import Schedule, make_schedule
from ..circuits.qft import window_transform
from ..circuits.baselines import BaselineProblem
from ..circuits.problem import DenoisingProblem
from ..circuits.spinning import SpinningProblem
from ..circuits.spinning2d import SpinningImageProblem
from .spinning import emulate_spin_state
from .transform import emulate_transform_state, postselected
from .spinning2d import emulate_spin_image_state

__all__ = ["emulate"]


@singledispatch
def emulate(problem, schedule: Schedule | None) -> np.ndarray:
    """Readout state of ``problem`` after ``schedule``, computed without a circuit."""
    raise TypeError(f"no emulator registered for {type(problem).__name__}")


@emulate.register
def _(problem: DenoisingProblem, schedule: Schedule) -> np.ndarray:
    if schedule.flag:  # read through the flag: the good component, with the schedule's success
        exact = make_schedule("exact", problem.weight)
        return postselected(emulate(problem, exact), schedule, problem.weight)
    if problem.angles is not None or problem.qft_degree:
        angles = (np.asarray(problem.angles) if problem.angles is not None
                  else 2.0 * np.arccos(np.clip(problem.amplitudes, -1.0, 1.0))).reshape(problem.layout.P, -1)
        transform = window_transform(problem.layout.m, problem.qft_degree)
        return emulate_transform_state(np.cos(angles / 2), np.sin(angles / 2), problem.thresholds, schedule, transform,
                                       mask=problem.mask)[0]
    if problem.process is not None:  # quantum input: the process's amplitudes in the anc = 0 branch
        psi = Statevector(problem.process).data.reshape(problem.layout.P, problem.layout.M)
        return emulate_quantum_state(psi, problem.thresholds, schedule, two_sided=problem.two_sided)[0]
    state, _ = emulate_state(problem.amplitudes, problem.thresholds, schedule, mask=problem.mask, ndim=problem.layout.ndim)
    return state


@emulate.register
def _(problem: BaselineProblem, schedule: Schedule | None) -> np.ndarray:
    if problem.method == "qft":
        return qft_filter_state(problem.amplitudes, problem.cutoff)
    return qwt_filter_state(problem.amplitudes, problem.cutoff, wavelet=problem.wavelet)


@emulate.register
def _(problem: SpinningProblem, schedule: Schedule) -> np.ndarray:
    return emulate_spin_state(problem.amplitudes, problem.thresholds, schedule, mask=problem.mask,
                              weights=problem.weights, good=problem.good_amplitudes())[0]


@emulate.register
def _(problem: SpinningImageProblem, schedule: Schedule) -> np.ndarray:
    return emulate_spin_image_state(problem.amplitudes, problem.thresholds, problem.spins, schedule,
                                    shape=problem.layout.shape, mask=problem.mask, weights=problem.weights)[0]
