"""Exact linear-algebra emulator of the denoising circuit.

Amplitude amplification keeps the state in the plane spanned by the good and bad components of
``A|0> = sin(theta)|g> + cos(theta)|b>``, so the whole pipeline reduces to

1. the prepared state on ``(anc, j, k)``: ``anc = 0`` carries ``F_M c_j / sqrt(N)``, ``anc = 1``
   carries ``F_M s_j / sqrt(N)`` with ``c = cos(theta)``, ``s = sin(theta)`` and
   ``F_M x = sqrt(M) ifft(x)`` (the QFT);
2. the schedule's 2x2 matrices applied to ``(sin(theta), cos(theta))``
   (:meth:`qdn.amplification.Schedule.final_coefficients`), the exact rounds the circuit runs,
   phases, imperfect suppression and global phase included;
3. the inverse QFT ``fft(x) / sqrt(M)``.

That is O(N log M) time and O(N) memory, against ``2**q`` amplitudes for the circuit. The
``mean``/``thre`` registers and the work qubits are not represented: they hold fixed codes per
window and end in them, so the amplitudes on ``(anc, j, i)`` are the circuit's own. Leading batch
axes are independent signals (or image rows/patches), each with its own weight and schedule.
"""

from __future__ import annotations

from typing import Callable, Union

import numpy as np

from .amplification import Schedule, make_schedule
from .thresholds import frequency_mask

__all__ = ["prepared_spectrum", "quantum_spectrum", "amplify_spectrum", "emulate_state", "sample_state"]

ScheduleSpec = Union[str, Schedule, Callable[[float], Schedule]]


def prepared_spectrum(amplitudes: np.ndarray) -> np.ndarray:
    """``A|0>`` after the QFT, shape ``(..., 2, P, M)`` on ``(anc, j, k)``."""
    c = np.asarray(amplitudes, float)
    s = np.sqrt(np.clip(1.0 - c**2, 0.0, None))
    n_samples = c.shape[-1] * c.shape[-2]
    M = c.shape[-1]
    both = np.stack([c, s], axis=-3)
    return np.fft.ifft(both, axis=-1) * (np.sqrt(M) / np.sqrt(n_samples))


def emulate_state(
    amplitudes: np.ndarray,
    thresholds: np.ndarray,
    schedule: ScheduleSpec = "exact",
    *,
    two_sided: bool = True,
    **schedule_options,
) -> tuple[np.ndarray, np.ndarray]:
    """Final amplitudes on ``(anc, j, i)`` of the pipeline, and the schedules' iteration counts.

    Parameters
    ----------
    amplitudes : ndarray, shape (..., P, M)
        ``cos(theta_ji)`` of each sample; leading axes are a batch.
    thresholds : ndarray, shape (..., P)
        Per-window cutoffs.
    schedule : str, Schedule or callable
        A schedule name (built per batch element from its marked weight), a fixed
        :class:`~qdn.amplification.Schedule`, or a callable ``weight -> Schedule``.

    Returns
    -------
    state : ndarray, shape (..., 2, P, M)
        Complex amplitudes, the same numbers as the circuit's statevector on ``anc``, ``j``, ``i``.
    iterations : ndarray, shape (...)
    """
    return amplify_spectrum(prepared_spectrum(amplitudes), thresholds, schedule, two_sided=two_sided, **schedule_options)


def quantum_spectrum(state: np.ndarray) -> np.ndarray:
    """Prepared state after the QFT for *quantum input*: ``state`` (shape ``(..., P, M)``, the
    process's amplitudes on ``(j, i)``) sits in the ``anc = 0`` branch; ``anc = 1`` is empty."""
    psi = np.asarray(state, complex)
    spec = np.zeros(psi.shape[:-2] + (2,) + psi.shape[-2:], complex)
    spec[..., 0, :, :] = np.fft.ifft(psi, axis=-1) * np.sqrt(psi.shape[-1])
    return spec


def amplify_spectrum(
    spec: np.ndarray,
    thresholds: np.ndarray,
    schedule: ScheduleSpec = "exact",
    *,
    two_sided: bool = True,
    **schedule_options,
) -> tuple[np.ndarray, np.ndarray]:
    """Amplification and inverse QFT of a prepared spectrum on ``(..., anc, j, k)``.

    The shared second half of :func:`emulate_state`; see it for the return values.
    """
    batch = spec.shape[:-3]
    M = spec.shape[-1]
    thresholds = np.broadcast_to(np.asarray(thresholds), batch + spec.shape[-2:-1])
    mask = np.zeros(spec.shape, dtype=bool)
    mask[..., 0, :, :] = frequency_mask(M, thresholds.reshape(-1), two_sided).reshape(
        batch + spec.shape[-2:]
    )
    good = np.where(mask, spec, 0.0)
    bad = spec - good
    g_norm = np.sqrt(np.sum(np.abs(good) ** 2, axis=(-3, -2, -1)))
    b_norm = np.sqrt(np.sum(np.abs(bad) ** 2, axis=(-3, -2, -1)))

    coef_g = np.empty(batch, complex)
    coef_b = np.empty(batch, complex)
    iters = np.empty(batch, np.int64)
    for idx in np.ndindex(batch):
        weight = float(g_norm[idx] ** 2 / (g_norm[idx] ** 2 + b_norm[idx] ** 2))
        if isinstance(schedule, Schedule):
            sch = schedule
        elif isinstance(schedule, str):
            sch = make_schedule(schedule, weight, **schedule_options)
        else:
            sch = schedule(weight)
        cg, cb = sch.final_coefficients(weight)
        coef_g[idx], coef_b[idx], iters[idx] = cg, cb, sch.iterations

    with np.errstate(invalid="ignore", divide="ignore"):
        scale_g = np.where(g_norm > 0, coef_g / g_norm, 0.0)
        scale_b = np.where(b_norm > 0, coef_b / b_norm, 0.0)
    final = good * scale_g[..., None, None, None] + bad * scale_b[..., None, None, None]
    return np.fft.fft(final, axis=-1) / np.sqrt(M), iters


def sample_state(state: np.ndarray, shots: int, rng: np.random.Generator) -> dict[int, int]:
    """Sample ``shots`` outcomes of ``(anc, j, i)`` from one state of shape ``(2, P, M)``.

    Keys are ``i + M*j + N*anc``, as the circuit's ``meas`` register reads.
    """
    probs = np.abs(np.asarray(state).ravel()) ** 2
    probs /= probs.sum()
    counts = rng.multinomial(shots, probs)
    return {int(k): int(c) for k, c in zip(np.flatnonzero(counts), counts[counts > 0])}
