"""Sampled readout: post-selection, sqrt(frequency), scale; convergence with shots."""

import numpy as np
import pytest

import qdn
from qdn.data import ecg
from qdn.noise import awgn
from qdn.execution.readout import rescale


def _err(res, ref, y):
    return np.max(np.abs(res.denoised - ref)) / np.ptp(y)


def test_sampled_converges_to_statevector():
    y = awgn(ecg()[:64], 15, seed=2)
    exact = qdn.denoise(y, 16, shifts=1, threshold=2, backend="statevector", variant="compact").denoised
    errs = [
        _err(qdn.denoise(y, 16, shifts=1, threshold=2, backend="aer", variant="compact", shots=s, seed=5), exact, y)
        for s in (10**3, 10**5)
    ]
    assert errs[1] < errs[0] / 3  # ~sqrt(100) = 10 times smaller in expectation
    assert errs[1] < 0.05


def test_statevector_shots_and_seed_repeatable():
    y = awgn(ecg()[:64], 15, seed=2)
    # the spinning circuit (4 shifts, mirrored ends: 128 samples) sampled from its statevector
    a = qdn.denoise(y, 16, shifts=4, backend="statevector", shots=1000, seed=11)
    b = qdn.denoise(y, 16, shifts=4, backend="statevector", shots=1000, seed=11)
    c = qdn.denoise(y, 16, shifts=4, backend="statevector", shots=1000, seed=12)
    assert a.counts == b.counts and a.counts != c.counts
    assert sum(a.counts.values()) == 1000


def test_emulator_sampling_matches_aer_sampling_statistics():
    y = awgn(ecg()[:64], 15, seed=2)
    em = qdn.denoise(y, 16, threshold=2, backend="emulator", shots=200_000, seed=1)
    aer = qdn.denoise(y, 16, threshold=2, backend="aer", variant="compact", shots=200_000, seed=1)
    exact = qdn.denoise(y, 16, threshold=2, backend="emulator").denoised
    # both estimators carry the same ~1/sqrt(shots) error: max ~0.016 of the range at 2e5 shots
    assert _err(em, exact, y) < 0.04 and _err(aer, exact, y) < 0.04
    assert em.counts != aer.counts


def test_rescale_removes_phase_and_scale():
    good = np.array([[1.0, 2.0], [3.0, 4.0]]) * 0.1 * np.exp(0.7j)
    assert np.allclose(rescale(good, 20.0), [[2, 4], [6, 8]])


def test_backend_v2_instance_runs():
    from qiskit_aer import AerSimulator

    y = awgn(ecg()[:32], 15, seed=2)
    res = qdn.denoise(y, 8, shifts=1, backend=AerSimulator(), variant="compact", shots=20_000, seed=3)
    exact = qdn.denoise(y, 8, shifts=1, backend="emulator").denoised
    assert res.backend == "aer_simulator"
    assert np.max(np.abs(res.denoised - exact)) / np.ptp(y) < 0.1
