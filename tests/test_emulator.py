"""The emulator against the Aer statevector of the full circuit, and against the reference."""

import numpy as np
import pytest
from numpy.testing import assert_allclose

import qdn
from qdn.amplitude_map import AmplitudeMap
from qdn.emulator import emulate_state
from qdn.reference import spectral_projection

SCHEDULES = ["exact", "grover", "fixed-point"]


def _agree(n, window, variant, schedule, two_sided, rng, encoding="linear"):
    y = rng.normal(size=n)
    t_max = window // 2 if two_sided else window - 1
    taus = rng.integers(0, t_max + 1, size=n // window)
    kw = dict(threshold=taus, schedule=schedule, two_sided=two_sided, encoding=encoding, delta=0.2)
    sv = qdn.denoise(y, window, backend="statevector", variant=variant, **kw)
    em = qdn.denoise(y, window, backend="emulator", **kw)
    assert sv.iterations == em.iterations
    assert np.max(np.abs(sv.state - em.state)) <= 1e-9
    assert_allclose(sv.denoised, em.denoised, atol=1e-9 * np.ptp(y))


@pytest.mark.parametrize("variant", ["register", "compact"])
@pytest.mark.parametrize("schedule", SCHEDULES)
@pytest.mark.parametrize("two_sided", [True, False])
@pytest.mark.parametrize("n,window", [(16, 4), (32, 8)])
def test_emulator_equals_aer_statevector(n, window, variant, schedule, two_sided, rng):
    _agree(n, window, variant, schedule, two_sided, rng)


def test_emulator_equals_aer_with_paper_encoding(rng):
    _agree(32, 8, "register", "grover", True, rng, encoding="paper")


@pytest.mark.slow
@pytest.mark.parametrize("variant", ["register", "compact"])
@pytest.mark.parametrize("schedule", SCHEDULES)
@pytest.mark.parametrize("n,window", [(128, 16), (256, 16)])
def test_emulator_equals_aer_statevector_large(n, window, variant, schedule, rng):
    _agree(n, window, variant, schedule, True, rng)


@pytest.mark.parametrize("n,window", [(64, 4), (1024, 16), (1 << 16, 32)])
def test_emulator_exact_equals_spectral_projection(n, window, rng):
    y = np.cumsum(rng.normal(size=n))
    taus = rng.integers(0, window // 2 + 1, size=n // window)
    res = qdn.denoise(y, window, threshold=taus, backend="emulator")
    ref = spectral_projection(y.reshape(-1, window), taus).ravel()
    assert np.max(np.abs(res.denoised - ref)) / np.max(np.abs(ref)) < 1e-9


def test_emulator_grover_keeps_imperfect_suppression(rng):
    y = rng.normal(size=256)
    res = qdn.denoise(y, 16, threshold=1, schedule="grover", backend="emulator")
    ref = spectral_projection(y.reshape(-1, 16), np.ones(16, int)).ravel()
    assert res.success_probability < 0.999
    assert np.max(np.abs(res.denoised - ref)) / np.ptp(y) > 1e-4  # not the ideal projection
    th = np.arcsin(np.sqrt(res.marked_weight))
    assert res.success_probability == pytest.approx(np.sin((2 * res.iterations + 1) * th) ** 2)


def test_batch_axis_equals_separate_calls(rng):
    batch = rng.uniform(0.25, 1.0, size=(3, 4, 8, 16))  # (batch..., P, M)
    taus = rng.integers(0, 9, size=(3, 4, 8))
    state, iters = emulate_state(batch, taus, "exact")
    assert state.shape == (3, 4, 2, 8, 16) and iters.shape == (3, 4)
    for idx in [(0, 0), (1, 2), (2, 3)]:
        one, it = emulate_state(batch[idx], taus[idx], "exact")
        assert_allclose(state[idx], one, atol=1e-14)
        assert iters[idx] == it


def test_emulator_state_is_normalised(rng):
    amap = AmplitudeMap.fit(rng.normal(size=64))
    c = amap.amplitudes(rng.normal(size=(4, 16)))
    for name in SCHEDULES:
        state, _ = emulate_state(c, np.array([0, 1, 2, 8]), name)
        assert np.sum(np.abs(state) ** 2) == pytest.approx(1.0, abs=1e-12)
