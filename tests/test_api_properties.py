"""Property-based checks of the front door: random finite signals of any magnitude the API
accepts, random windows (emulator backend, so each example takes milliseconds).

The number of examples comes from the hypothesis profile (tests/conftest.py: a small one by
default, thousands with HYPOTHESIS_PROFILE=slow)."""

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

import qdn


@st.composite
def signals(draw):
    """A finite, non-constant signal of 4..300 samples at a magnitude between 1e-150 and 1e300."""
    n = draw(st.integers(4, 300))
    unit = draw(st.lists(st.floats(-1.0, 1.0, allow_nan=False), min_size=n, max_size=n))
    scale = 10.0 ** draw(st.integers(-150, 300))
    y = np.asarray(unit) * scale
    assume(np.ptp(y) > 1e-6 * np.max(np.abs(y)))  # constant (to the encoding's precision) is refused
    return y


def _window(draw_index: int, length: int) -> int:
    top = max(1, (1 << int(np.ceil(np.log2(length)))).bit_length() - 1)
    return 1 << (1 + draw_index % top)


SETTINGS = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])


@SETTINGS
@given(y=signals(), k=st.integers(0, 20))
def test_shape_kept_and_output_finite(y, k):
    res = qdn.denoise(y, _window(k, y.size), backend="emulator")
    assert res.denoised.shape == y.shape
    assert np.isfinite(res.denoised).all()


@SETTINGS
@given(y=signals(), k=st.integers(0, 20))
def test_full_threshold_returns_the_input(y, k):
    window = _window(k, y.size)
    res = qdn.denoise(y, window, threshold=window // 2, backend="emulator", weights="hard")
    # every bin kept: the identity (for every shift, so for their average), up to the float
    # error of encoding and decoding; Wiener weights shrink even the kept bins
    assert_allclose(res.denoised, y, rtol=1e-9, atol=1e-9 * np.max(np.abs(y)))


@SETTINGS
@given(y=signals(), k=st.integers(0, 20), seed=st.integers(0, 2**32 - 1))
def test_same_seed_is_bit_identical(y, k, seed):
    window = _window(k, y.size)
    a = qdn.denoise(y, window, backend="emulator", shots=500, seed=seed)
    b = qdn.denoise(y, window, backend="emulator", shots=500, seed=seed)
    assert np.array_equal(a.denoised, b.denoised)


@pytest.mark.parametrize(
    "kwargs,match",
    [
        (dict(shots=True), "shots"),
        (dict(shots=1.5), "shots"),
        (dict(mean_bits=True), "mean_bits"),
        (dict(two_sided="no"), "two_sided"),
        (dict(pad=1), "pad"),
        (dict(threshold=1.5), "whole numbers"),
        (dict(threshold=1 + 1j), "threshold must be numeric"),
        (dict(threshold=np.nan), "non-finite"),
        (dict(threshold="1"), "unknown threshold"),
        (dict(backend=42), "BackendV2"),
        (dict(backend=object()), "BackendV2"),
        (dict(backend=["emulator"]), "BackendV2"),
        (dict(seed=-1), "seed"),
        (dict(seed="a"), "seed"),
        (dict(seed=1.5), "seed"),
    ],
)
def test_bad_arguments_name_the_argument(kwargs, match):
    y = np.sin(np.arange(64) / 4)
    with pytest.raises(ValueError, match=match):
        qdn.denoise(y, 8, backend=kwargs.pop("backend", "emulator"), **kwargs)


@pytest.mark.parametrize(
    "y,match",
    [
        (["1", "2", "3", "4"], "strings"),
        (np.array([True, False, True, False]), "booleans"),
        ([[1.0, 2.0], [3.0]], "real numbers"),
        ([1.7e308, -1.7e308, 0.0, 1.0], "overflows"),
    ],
)
def test_bad_signals_are_refused(y, match):
    with pytest.raises(ValueError, match=match):
        qdn.denoise(y, 2, backend="emulator")


def test_auto_threshold_is_scale_invariant():
    rng = np.random.default_rng(0)
    y = np.sin(np.arange(256) / 8) + 0.2 * rng.normal(size=256)
    base = qdn.denoise(y, 16, backend="emulator")
    for scale in (1e-200, 1e-165, 1e154, 1e300):
        res = qdn.denoise(y * scale, 16, backend="emulator")
        assert np.array_equal(res.thresholds, base.thresholds), scale
        assert_allclose(res.denoised / scale, base.denoised, rtol=1e-9, atol=1e-9)


@pytest.mark.parametrize(
    "kwargs,match",
    [
        (dict(backend="nonsense"), "unknown backend"),
        (dict(threshold=1.5), "whole numbers"),
        (dict(threshold=[1, 2, 3]), "one entry per window"),
        (dict(shots=True), "shots"),
        (dict(seed=-2), "seed"),
        (dict(two_sided="no"), "two_sided"),
        (dict(shots_for_means=2.5), "shots_for_means"),
    ],
)
def test_denoise_state_validates_at_the_front_door(kwargs, match):
    from qdn.api.state import signal_process

    process = signal_process(np.sin(np.arange(16) / 3) + 2)
    kwargs = {"backend": "emulator", **kwargs}
    with pytest.raises(ValueError, match=match):
        qdn.denoise_state(process, 4, **kwargs)


def test_variant_default_follows_the_backend():
    from qiskit_aer import AerSimulator

    from qdn.execution.backends import default_variant

    assert default_variant(None) == default_variant("emulator") == default_variant("statevector") == "register"
    assert default_variant("aer") == "register"
    assert default_variant(AerSimulator()) == "compact"
    assert default_variant("statevector", noisy=True) == "compact"
    y = np.sin(np.arange(16) / 2) + 2
    ideal = qdn.denoise(y, 4, shifts=1, threshold=1, backend="statevector")
    assert ideal.circuit.metadata["variant"] == "register"
    device = qdn.denoise(y, 4, shifts=1, threshold=1, backend=AerSimulator(), shots=2000, seed=1)
    assert device.circuit.metadata["variant"] == "compact"
    assert np.corrcoef(device.denoised, ideal.denoised)[0, 1] > 0.9
