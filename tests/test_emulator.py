"""The emulator against the Aer statevector of the full circuit, and against the reference."""

import numpy as np
import pytest
from numpy.testing import assert_allclose

import qdn
from _paper import paper_denoise
from qdn.classical.amplitude_map import AmplitudeMap
from qdn.circuits.amplification import fixed_point_schedule, make_schedule
from qdn.emulator.spectral import amplify_spectrum, emulate_quantum_state, emulate_state, prepared_spectrum
from qdn.classical.reference import spectral_projection
from qdn.classical.thresholds import frequency_mask, side_mask

SCHEDULES = ["exact", "grover", "fixed-point"]


def _agree(n, window, variant, schedule, two_sided, rng, encoding="linear"):
    y = rng.normal(size=n)
    t_max = window // 2 if two_sided else window - 1
    taus = rng.integers(0, t_max + 1, size=n // window)
    kw = dict(threshold=taus, schedule=schedule, two_sided=two_sided, encoding=encoding, delta=0.2)
    sv = paper_denoise(y, window, backend="statevector", variant=variant, **kw)
    em = paper_denoise(y, window, backend="emulator", **kw)
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
    res = paper_denoise(y, window, threshold=taus, backend="emulator")
    ref = spectral_projection(y.reshape(-1, window), taus).ravel()
    assert np.max(np.abs(res.denoised - ref)) / np.max(np.abs(ref)) < 1e-9


def test_emulator_grover_keeps_imperfect_suppression(rng):
    y = rng.normal(size=256)
    res = paper_denoise(y, 16, threshold=1, schedule="grover", backend="emulator")
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


# ------------------------------------------------- fast paths against the general computation
def _general_state(prepared, taus, schedule, two_sided, **options):
    """The straightforward evaluation, one batch element at a time: both ``anc`` branches of the
    prepared state (shape ``(..., 2, P, M)``) through the QFT, the full good/bad decomposition,
    the schedule's coefficients on the unit good and bad vectors, the inverse QFT."""
    *batch, _, P, M = prepared.shape
    taus = np.broadcast_to(taus, (*batch, P))
    out = np.empty(prepared.shape, complex)
    iters = np.empty(batch, int)
    for idx in np.ndindex(*batch):
        spec = np.fft.ifft(prepared[idx], axis=-1) * np.sqrt(M)
        mask = np.zeros(spec.shape, bool)
        mask[0] = frequency_mask(M, taus[idx], side_mask(two_sided))
        good = np.where(mask, spec, 0.0)
        bad = spec - good
        g, b = np.linalg.norm(good), np.linalg.norm(bad)
        weight = g**2 / (g**2 + b**2)
        sch = make_schedule(schedule, weight, **options) if isinstance(schedule, str) else schedule
        cg, cb = sch.final_coefficients(weight)
        final = cg * good / g + (cb * bad / b if b > 0 else 0.0)
        out[idx] = np.fft.fft(final, axis=-1) / np.sqrt(M)
        iters[idx] = sch.iterations
    return out, iters


def _prepared(c):
    """``A|0>`` on ``(anc, j, i)`` before the QFT: ``c`` and ``sqrt(1 - c^2)``, over ``sqrt(N)``."""
    s = np.sqrt(np.clip(1.0 - c**2, 0.0, None))
    return np.stack([c, s], axis=-3) / np.sqrt(c.shape[-1] * c.shape[-2])


@pytest.mark.parametrize("schedule", SCHEDULES + ["fixed Schedule"])
@pytest.mark.parametrize("two_sided", [True, False])
@pytest.mark.parametrize("shape", [(8, 16), (3, 2, 8, 16), (5, 4, 8)])
def test_fast_paths_equal_general_computation(shape, two_sided, schedule, rng):
    M = shape[-1]
    t_max = M // 2 if two_sided else M - 1
    taus = rng.integers(0, t_max + 1, size=shape[:-1])
    options = {"delta": 0.2} if schedule == "fixed-point" else {}
    if schedule == "fixed Schedule":
        schedule = fixed_point_schedule(0.05, 0.1)
    for c in (rng.uniform(0.25, 1.0, size=shape), rng.uniform(-1.0, 1.0, size=shape)):
        ref, it_ref = _general_state(_prepared(c), taus, schedule, two_sided, **options)
        for state, iters in (
            emulate_state(c, taus, schedule, two_sided=two_sided, **options),
            amplify_spectrum(prepared_spectrum(c), taus, schedule, two_sided=two_sided, **options),
        ):
            assert state.shape == ref.shape and state.dtype == np.complex128
            assert np.max(np.abs(state - ref)) <= 1e-12
            assert np.array_equal(iters, it_ref)

    # quantum input: a complex state in the anc = 0 branch, anc = 1 empty
    psi = rng.normal(size=shape) + 1j * rng.normal(size=shape)
    psi /= np.sqrt(np.sum(np.abs(psi) ** 2, axis=(-2, -1), keepdims=True))
    ref, it_ref = _general_state(np.stack([psi, np.zeros_like(psi)], axis=-3), taus, schedule, two_sided, **options)
    state, iters = emulate_quantum_state(psi, taus, schedule, two_sided=two_sided, **options)
    assert state.shape == ref.shape and state.dtype == np.complex128
    assert np.max(np.abs(state - ref)) <= 1e-12
    assert np.array_equal(iters, it_ref)


def test_fast_path_with_nothing_to_suppress(rng):
    # every bin kept and c = 1: the bad component is empty (its norm is 0, not a rounding residue)
    c = np.ones((4, 8))
    state, iters = emulate_state(c, 4, "exact")
    assert_allclose(state[0], c / np.sqrt(c.size), atol=1e-15)
    assert np.all(state[1] == 0) and iters == 0
    c = rng.uniform(0.25, 1.0, size=(4, 8))
    ref, _ = _general_state(_prepared(c), 4, "grover", True)
    assert np.max(np.abs(emulate_state(c, 4, "grover")[0] - ref)) <= 1e-12
