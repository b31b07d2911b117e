"""Exact linear-algebra emulator of the denoising circuit.

Amplitude amplification keeps the state in the plane spanned by the good and bad components of
``A|0> = sin(theta)|g> + cos(theta)|b>``, so the whole pipeline reduces to

1. the prepared state on ``(anc, j, k)``: ``anc = 0`` carries ``F_M c_j / sqrt(N)``, ``anc = 1``
   carries ``F_M s_j / sqrt(N)`` with ``c = cos(theta)``, ``s = sin(theta)`` and
   ``F_M x = sqrt(M) ifft(x)`` (the QFT);
2. the schedule's 2x2 matrices applied to ``(sin(theta), cos(theta))``
   (:meth:`qdn.circuits.amplification.Schedule.final_coefficients`), the exact rounds the circuit runs,
   phases, imperfect suppression and global phase included;
3. the inverse QFT ``fft(x) / sqrt(M)``.

Every schedule only rescales the two components, ``c_g |g> + c_b |b>``, and the good subspace is
the kept bins of the ``anc = 0`` branch. With ``Pc = fft(mask * ifft(c))`` the per-window
projection and ``sg = c_g / |g|``, ``sb = c_b / |b|``, the final amplitudes on ``(anc, j, i)`` are

    anc = 0:  (sb c + (sg - sb) Pc) / sqrt(N),      anc = 1:  sb s / sqrt(N),

so :func:`emulate_state` transforms only ``c``, with real FFTs, and never the ``anc = 1`` branch,
whose QFT round trip is the identity. That is O(N log M) time and O(N) memory, against ``2**q``
amplitudes for the circuit. The ``mean``/``thre`` registers and the work qubits are not
represented: they hold fixed codes per window and end in them, so the amplitudes on
``(anc, j, i)`` are the circuit's own. Leading batch axes are independent signals (or image
rows/patches), each with its own weight and schedule.
"""

from __future__ import annotations

from typing import Callable, Union

import numpy as np

from ..circuits.amplification import Schedule, make_schedule
from ..classical.thresholds import frequency_mask, side_mask

__all__ = [
    "prepared_spectrum",
    "amplify_spectrum",
    "emulate_state",
    "emulate_quantum_state",
    "sample_state",
    "schedule_scales",
]

ScheduleSpec = Union[str, Schedule, Callable[[float], Schedule]]


def prepared_spectrum(amplitudes: np.ndarray, ndim: int = 1) -> np.ndarray:
    """``A|0>`` after the windowed QFT, shape ``(..., 2, P, *window)`` on ``(anc, j, k)``:
    ``sqrt(M) * ifftn`` of each window (``M`` samples per window), times ``1/sqrt(N)``."""
    c = np.asarray(amplitudes, float)
    s = np.sqrt(np.clip(1.0 - c**2, 0.0, None))
    core = c.shape[-ndim - 1 :]
    both = np.stack([c, s], axis=-ndim - 2)
    return np.fft.ifftn(both, axes=tuple(range(-ndim, 0))) * np.sqrt(np.prod(core[1:]) / np.prod(core))


def emulate_state(
    amplitudes: np.ndarray,
    thresholds: np.ndarray,
    schedule: ScheduleSpec = "exact",
    *,
    two_sided: bool = True,
    mask: str | None = None,
    ndim: int = 1,
    **schedule_options,
) -> tuple[np.ndarray, np.ndarray]:
    """Final amplitudes on ``(anc, j, i)`` of the pipeline, and the schedules' iteration counts.

    Parameters
    ----------
    amplitudes : ndarray, shape (..., P, M) or (..., P, M, M)
        ``cos(theta_ji)`` of each sample (``ndim`` = 2: of each pixel of each patch); leading
        axes are a batch.
    thresholds : ndarray, shape (..., P)
        Per-window cutoffs.
    schedule : str, Schedule or callable
        A schedule name (built per batch element from its marked weight), a fixed
        :class:`~qdn.circuits.amplification.Schedule`, or a callable ``weight -> Schedule``.

    two_sided, mask, ndim
        The kept frequencies: 1-D ``two_sided`` (or ``mask`` "two-sided" / "one-sided"); for
        ``ndim`` = 2 patches ``mask`` "separable" (default) or "radial"
        (:func:`qdn.classical.thresholds.frequency_mask`).

    Returns
    -------
    state : ndarray, shape (..., 2, P, M) or (..., 2, P, M, M)
        Complex amplitudes, the same numbers as the circuit's statevector on ``anc``, ``j``, ``i``.
    iterations : ndarray, shape (...)
    """
    if ndim > 1:
        spec = prepared_spectrum(amplitudes, ndim)
        return amplify_spectrum(spec, thresholds, schedule, mask=mask or "separable", ndim=ndim, **schedule_options)
    if mask is not None:
        two_sided = mask != "one-sided"
    c = np.asarray(amplitudes, float)
    batch, (P, M) = c.shape[:-2], c.shape[-2:]
    N = P * M
    taus = np.broadcast_to(np.asarray(thresholds), batch + (P,))[..., None]

    # Projection Pc on the kept bins, with real FFTs: c is real, so bins k and M - k are
    # conjugate and rfft's bins k <= M/2 carry everything.
    k = np.arange(M // 2 + 1)
    spec = np.fft.rfft(c, axis=-1)
    if two_sided:
        # a two-sided mask is even (min(k, M-k) <= tau is k <= tau here): Pc is real
        proj = np.fft.irfft(np.multiply(spec, k <= taus, out=spec), n=M, axis=-1)
        proj_odd = None
    else:
        # a one-sided mask m = even + odd: the even part filters c into a real array, the odd part
        # into i times a real one, Pc = irfft(even C) + i irfft(i odd C)
        fwd, bwd = (k <= taus).astype(float), ((M - k) % M <= taus).astype(float)
        proj = np.fft.irfft(spec * (0.5 * (fwd + bwd)), n=M, axis=-1)
        proj_odd = np.fft.irfft(spec * (0.5j * (fwd - bwd)), n=M, axis=-1)
    del spec

    s = np.multiply(c, c)  # s = sqrt(1 - c^2), in place
    np.subtract(1.0, s, out=s)
    np.maximum(s, 0.0, out=s)
    np.sqrt(s, out=s)

    # squared norms of the good and bad components (|bad|^2 = |c|^2 - |Pc|^2 + |s|^2, Pythagoras)
    g2 = _sqnorm(proj, batch) + (0.0 if proj_odd is None else _sqnorm(proj_odd, batch))
    b2 = np.maximum(_sqnorm(c, batch) - g2 + _sqnorm(s, batch), 0.0)
    sg, sb, iters = schedule_scales(g2 / N, b2 / N, schedule, schedule_options)

    # the 1/sqrt(N) of the prepared state folded into the factors, broadcast over (j, i)
    root_n = np.sqrt(N)
    sb = (sb / root_n)[..., None, None]
    diff = (sg / root_n)[..., None, None] - sb
    out = np.empty(batch + (2, P, M), complex)
    good = out[..., 0, :, :]
    np.multiply(proj, diff, out=good)  # written straight into the output: no complex temporaries
    good += c * sb
    if proj_odd is not None:
        good += proj_odd * (1j * diff)
    np.multiply(s, sb, out=out[..., 1, :, :])
    return out, iters


def emulate_quantum_state(
    state: np.ndarray,
    thresholds: np.ndarray,
    schedule: ScheduleSpec = "exact",
    *,
    two_sided: bool = True,
    **schedule_options,
) -> tuple[np.ndarray, np.ndarray]:
    """:func:`emulate_state` for *quantum input*: ``state`` (shape ``(..., P, M)``, the process's
    amplitudes on ``(j, i)``) sits in the ``anc = 0`` branch and ``anc = 1`` is empty.

    The same as :func:`amplify_spectrum` of the process's spectrum in the ``anc = 0`` branch,
    without transforming the empty branch; complex input, so complex FFTs.
    """
    psi = np.asarray(state, complex)
    batch, (P, M) = psi.shape[:-2], psi.shape[-2:]
    mask = _mask(M, thresholds, two_sided, batch + (P,))
    proj = np.fft.ifft(psi, axis=-1)
    proj *= mask
    proj = np.fft.fft(proj, axis=-1)
    g2 = _sqnorm(proj, batch)
    b2 = np.maximum(_sqnorm(psi, batch) - g2, 0.0)
    sg, sb, iters = schedule_scales(g2, b2, schedule, schedule_options)
    sb = sb[..., None, None]
    out = np.zeros(batch + (2, P, M), complex)
    good = out[..., 0, :, :]
    np.multiply(proj, sg[..., None, None] - sb, out=good)
    good += psi * sb
    return out, iters


def amplify_spectrum(
    spec: np.ndarray,
    thresholds: np.ndarray,
    schedule: ScheduleSpec = "exact",
    *,
    two_sided: bool = True,
    mask: str | None = None,
    ndim: int = 1,
    **schedule_options,
) -> tuple[np.ndarray, np.ndarray]:
    """Amplification and inverse QFT of a prepared spectrum on ``(..., anc, j, *k)``.

    The general form of :func:`emulate_state` for any prepared spectrum (``ndim`` frequency
    axes per window); see it for the masks and the return values.
    """
    spec = np.asarray(spec)
    mask = mask or ("separable" if ndim > 1 else "two-sided" if two_sided else "one-sided")
    batch, P, M = spec.shape[: -ndim - 2], spec.shape[-ndim - 1], spec.shape[-1]
    taus = np.broadcast_to(np.asarray(thresholds), batch + (P,))
    anc0 = (Ellipsis, 0) + (slice(None),) * (ndim + 1)
    good = spec[anc0] * frequency_mask(M, taus, mask, ndim)  # anc = 1 has no kept bin
    g2 = _sqnorm(good, batch)
    b2 = np.maximum(_sqnorm(spec, batch) - g2, 0.0)
    sg, sb, iters = schedule_scales(g2, b2, schedule, schedule_options)
    expand = (Ellipsis,) + (None,) * (ndim + 1)  # broadcast over (j, *k)
    final = spec * sb[(Ellipsis,) + (None,) * (ndim + 2)]
    final[anc0] += good * (sg - sb)[expand]  # sg good + sb bad = sb (good + bad) + (sg - sb) good
    axes = tuple(range(-ndim, 0))
    return np.fft.fftn(final, axes=axes) / np.sqrt(M**ndim), iters


def _mask(M: int, thresholds: np.ndarray, two_sided: bool, shape: tuple[int, ...]) -> np.ndarray:
    """Kept bins of the QFT output, shape ``shape + (M,)``."""
    taus = np.broadcast_to(np.asarray(thresholds), shape)
    return frequency_mask(M, taus.reshape(-1), side_mask(two_sided)).reshape(shape + (M,))


def _sqnorm(x: np.ndarray, batch: tuple[int, ...]) -> np.ndarray:
    """Squared 2-norm of each batch element (real, shape ``batch``)."""
    flat = x.reshape(batch + (-1,))
    if np.iscomplexobj(flat):
        flat = flat.view(float)  # |z|^2 = re^2 + im^2
    # einsum, not a BLAS dot: BLAS threads stall when the other cores are busy
    return np.einsum("...i,...i->...", flat, flat)


def schedule_scales(
    g2: np.ndarray, b2: np.ndarray, schedule: ScheduleSpec, options: dict
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per batch element, the factors ``sg = c_g / |g|`` and ``sb = c_b / |b|`` that the schedule
    applies to the good and bad components of squared norms ``g2``, ``b2``, and its rounds."""
    batch = np.shape(g2)
    coef_g = np.empty(batch, complex)
    coef_b = np.empty(batch, complex)
    iters = np.empty(batch, np.int64)
    for idx in np.ndindex(batch):
        weight = float(g2[idx] / (g2[idx] + b2[idx]))
        if isinstance(schedule, Schedule):
            sch = schedule
        elif isinstance(schedule, str):
            sch = make_schedule(schedule, weight, **options)
        else:
            sch = schedule(weight)
        cg, cb = sch.final_coefficients(weight)
        coef_g[idx], coef_b[idx], iters[idx] = cg, cb, sch.iterations
    with np.errstate(invalid="ignore", divide="ignore"):
        sg = np.where(g2 > 0, coef_g / np.sqrt(g2), 0.0)
        sb = np.where(b2 > 0, coef_b / np.sqrt(b2), 0.0)
    return sg, sb, iters


def sample_state(state: np.ndarray, shots: int, rng: np.random.Generator) -> dict[int, int]:
    """Sample ``shots`` outcomes of ``(anc, j, i)`` from one state of shape ``(2, P, M)``.

    Keys are ``i + M*j + N*anc``, as the circuit's ``meas`` register reads. A ``state`` of norm
    below 1 is a slice of the readout registers (the ``s = 0`` slice of a spinning circuit): the
    missing probability is drawn as one more outcome, key ``state.size``, which post-selection
    discards.
    """
    probs = np.abs(np.asarray(state).ravel()) ** 2
    rest = 1.0 - probs.sum()
    if rest > 1e-9:  # a slice of the state (spinning: s = 0): the rest is one discarded outcome
        probs = np.append(probs, rest)
    probs /= probs.sum()
    counts = rng.multinomial(shots, probs)
    return {int(k): int(c) for k, c in zip(np.flatnonzero(counts), counts[counts > 0])}
