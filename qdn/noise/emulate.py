"""The noisy emulator: the denoising circuit's exact final state when its windowed QFTs are noisy
(:func:`emulate_noisy_state`), and which noisy instances are those QFTs
(:func:`emulator_fourier_slots`)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from qiskit.circuit.library import QFTGate

from ..classical.thresholds import frequency_mask, side_mask
from .program import Instance
from .rewrite import NoisyCircuit

__all__ = ["fourier_matrix", "emulate_noisy_state", "emulator_fourier_slots"]


def fourier_matrix(M: int, inverse: bool = False) -> np.ndarray:
    """The noise-free M x M window transform: ``QFTGate(log2 M)``'s matrix, ``F[j, k] =
    exp(2 pi i j k / M) / sqrt(M)`` (= ``sqrt(M) * ifft``), or its adjoint for ``inverse``.

    As fast as building ``F`` with NumPy (M = 16 to 64) and equal to it to 1.2e-16."""
    f = QFTGate(M.bit_length() - 1).to_matrix()
    return f.conj().T if inverse else f


def emulate_noisy_state(
    amplitudes: np.ndarray,
    thresholds: np.ndarray,
    schedule,
    fourier: Sequence[np.ndarray | None],
    *,
    two_sided: bool = True,
) -> np.ndarray:
    r"""Exact final amplitudes on ``(anc, j, i)`` when the windowed QFTs are noisy.

    ``fourier`` gives the M x M matrix of every Fourier instance in circuit order — the first
    QFT, then per round the QFT of ``A^dagger`` and of ``A``, then the final inverse QFT
    (``2 * rounds + 2`` entries); ``None`` is the noise-free transform. The encode stage ``E`` is
    noise-free, so ``A S_0 A^dagger = Q E S_0 E^dagger W = Q W + (e^{i alpha} - 1) Q psi_E
    <psi_E| W`` with ``Q``, ``W`` the two noisy transforms of the round: O(N M) per round and no
    restriction to the two-dimensional plane of the noise-free emulator.
    """
    c = np.asarray(amplitudes, float)
    P, M = c.shape
    s = np.sqrt(np.clip(1.0 - c**2, 0.0, None))
    psi_e = np.stack([c, s]).astype(complex) / np.sqrt(P * M)
    rounds = len(schedule.alphas)
    if len(fourier) != 2 * rounds + 2:
        raise ValueError(f"need {2 * rounds + 2} Fourier matrices for {rounds} rounds, got {len(fourier)}")
    mask = np.zeros((2, P, M), bool)
    mask[0] = frequency_mask(M, np.asarray(thresholds), side_mask(two_sided))

    def apply(u, v, inverse):
        return v @ (fourier_matrix(M, inverse) if u is None else u).T

    v = apply(fourier[0], psi_e, False)
    for r, (alpha, beta) in enumerate(zip(schedule.alphas, schedule.betas)):
        v = np.where(mask, v * np.exp(1j * beta), v)
        w = apply(fourier[1 + 2 * r], v, True)
        w = w + (np.exp(1j * alpha) - 1.0) * psi_e * np.vdot(psi_e, w)
        v = -apply(fourier[2 + 2 * r], w, False)
    return apply(fourier[-1], v, True)


def _fourier_slot(inst: Instance, rounds: int) -> tuple[int | None, bool]:
    """(slot in :func:`emulate_noisy_state`'s ``fourier``, whether it is an inverse), or
    ``(None, False)`` for an instance that is no whole Fourier stage."""
    if inst.path[0] == "qft" and inst.top == 1:
        return 0, False
    if inst.path[0] == "iqft" and inst.top == rounds + 2:
        return 2 * rounds + 1, True
    if inst.path[0] == "amplify" and len(inst.path) > 1 and 2 <= inst.top < rounds + 2:
        r = inst.top - 2
        if inst.path[1] == "qft_dg":
            return 1 + 2 * r, True
        if inst.path[1] == "qft":
            return 2 + 2 * r, False
    return None, False


def emulator_fourier_slots(nc: NoisyCircuit, m: int, rounds: int) -> dict[int, Instance]:
    """Map each matched instance to its Fourier slot, or raise if the emulator cannot run it."""
    slots: dict[int, Instance] = {}
    M = 1 << m
    for inst in nc.instances:
        slot, inverse = _fourier_slot(inst, rounds)
        ok = slot is not None and slot not in slots
        if ok:
            try:
                ideal = nc.program.instance_unitary(inst, m)
            except ValueError:
                ok = False
            else:
                ok = np.allclose(ideal, fourier_matrix(M, inverse), atol=1e-9)
        if not ok:
            raise ValueError(
                f"the emulator can put noise only on whole Fourier stages (qft, iqft, and the qft / "
                f"qft_dg inside amplify), not on {'/'.join(inst.path)}; use backend='statevector' "
                "or 'aer'"
            )
        slots[slot] = inst
    return slots
