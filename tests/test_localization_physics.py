"""The blind choice of hbar2m and the blur (qdn.localization.physics): deterministic, from the
noisy data alone, a pair of its grid, SURE computed directly, explicit values override it."""

import inspect
import itertools

import numpy as np
import pytest
from numpy.testing import assert_allclose

import qdn
from qdn.classical.metrics import mse
from qdn.localization import blind_physics, localization, mode_report, qab, qab_oracle
from qdn.localization.blas import single_thread_blas
from qdn.localization.hamiltonian import blurred_potential
from qdn.localization.options import GRIDS, PAPER
from qdn.localization.patches import patch_slices
from qdn.localization.physics import SAMPLE, choose_physics, patch_risk, sample_slices
from qdn.localization.reconstruction import mode_gain, smooth_step, step_table


def _image(rng, sigma=0.1):
    clean = np.zeros((32, 32))
    clean[8:24, 10:22] = 1.0
    clean[12:18, 14:18] = 0.5
    return clean, clean + rng.normal(0, sigma, clean.shape)


def _signal(rng, n=256):
    t = np.linspace(0, 1, n)
    clean = np.sin(6 * np.pi * t) + (t > 0.5)
    return clean, clean + rng.normal(0, 0.2, n)


@pytest.mark.parametrize("method", ["localization", "qab"])
def test_choice_is_a_pair_of_its_grid_with_the_least_risk(rng, method):
    for noisy, ndim in ((_image(rng)[1], 2), (_signal(rng)[1], 1)):
        ph = blind_physics(noisy, method=method, patch=8)
        grid = np.array(list(itertools.product(*GRIDS[ndim])))
        assert ph.chosen and ph.candidates.shape == grid.shape
        assert_allclose(ph.candidates, grid, atol=0)
        assert (ph.hbar2m, ph.blur) in set(map(tuple, grid.tolist()))
        best = int(np.argmin(ph.risks))
        assert (ph.hbar2m, ph.blur) == tuple(ph.candidates[best])
        assert PAPER[ndim] in set(map(tuple, grid.tolist()))  # the paper's pair is a candidate


def test_choice_is_deterministic_and_is_what_the_denoisers_use(rng):
    _, noisy = _image(rng)
    opts = {"patch": 8, "stride": 4}  # 64-pixel patches: fast
    a, b = blind_physics(noisy, **opts), blind_physics(noisy.copy(), **opts)
    assert (a.hbar2m, a.blur) == (b.hbar2m, b.blur)
    assert_allclose(a.risks, b.risks, rtol=1e-12)
    out = localization(noisy, **opts)
    assert_allclose(out, localization(noisy, **opts), atol=0)
    assert_allclose(out, localization(noisy, hbar2m=a.hbar2m, blur=a.blur, **opts), atol=0)
    q = blind_physics(noisy, method="qab", **opts)
    assert_allclose(qab(noisy, **opts), qab(noisy, hbar2m=q.hbar2m, blur=q.blur, **opts), atol=0)


def test_denoise_api_uses_the_blind_choice(rng):
    sig = _signal(rng, 128)[1]
    assert_allclose(qdn.denoise(sig, method="localization").denoised, localization(sig), atol=1e-12)


def test_the_rule_has_no_clean_input_and_depends_on_the_noisy_data_only(rng):
    """No clean argument anywhere on the blind path; two clean images with the same noisy data
    cannot be told apart, so the choice is a function of the noisy data (and options) alone."""
    for func in (blind_physics, choose_physics, localization, qab, patch_risk):
        assert not any("clean" in p for p in inspect.signature(func).parameters)
    _, noisy = _image(rng)
    ph = blind_physics(noisy, patch=8, stride=4)
    shifted = blind_physics(noisy + 0.0, patch=8, stride=4)  # same values, a different array
    assert (ph.hbar2m, ph.blur) == (shifted.hbar2m, shifted.blur)


def test_explicit_values_override_the_rule(rng):
    _, noisy = _image(rng)
    noisy = noisy[:16, :16]
    both = blind_physics(noisy, hbar2m=2.0, blur=5.0)
    assert (both.hbar2m, both.blur, both.chosen, both.candidates.size, both.patches) == (2.0, 5.0, False, 0, 0)
    one = blind_physics(noisy, hbar2m=2.0)
    assert one.hbar2m == 2.0 and one.blur in GRIDS[2][1]
    assert_allclose(one.candidates, [(2.0, b) for b in GRIDS[2][1]], atol=0)
    other = blind_physics(noisy, blur=0.0, method="qab")
    assert other.blur == 0.0 and other.hbar2m in GRIDS[2][0]
    rep = mode_report(noisy[4:12, 4:12], hbar2m=1.25, blur=2.0)
    assert (rep.hbar2m, rep.blur) == (1.25, 2.0)


def test_oracle_keeps_the_papers_physics(rng):
    clean, noisy = _image(rng)
    clean, noisy = clean[8:24, 8:24], noisy[8:24, 8:24]
    assert_allclose(qab_oracle(noisy, clean), qab_oracle(noisy, clean, hbar2m=PAPER[2][0], blur=PAPER[2][1]), atol=0)


@pytest.mark.parametrize("kwargs, message", [
    ({"hbar2m": 0.0}, "hbar2m must be > 0"),
    ({"hbar2m": -3.0}, "hbar2m must be > 0"),
    ({"hbar2m": float("inf")}, "hbar2m must be a finite"),
    ({"hbar2m": "3"}, "hbar2m must be a finite"),
    ({"hbar2m": True}, "hbar2m must be a finite"),
    ({"blur": -1.0}, "blur must be >= 0"),
    ({"blur": float("nan")}, "blur must be a finite"),
    ({"method": "oracle"}, "unknown method 'oracle'"),
])
def test_bad_values_raise(rng, kwargs, message):
    noisy = _image(rng)[1][:16, :16]
    with pytest.raises(ValueError, match=message):
        blind_physics(noisy, **kwargs)
    if "method" not in kwargs:
        with pytest.raises(ValueError, match=message):
            localization(noisy, **kwargs)


def test_sample_is_evenly_spread_and_capped():
    shape = (128, 128)
    every = list(patch_slices(shape, 16, 8))
    picked = sample_slices(shape, 16, 8)
    assert len(picked) == SAMPLE and picked[0] == every[0] and picked[-1] == every[-1]
    starts = [tuple(sl.start for sl in slices) for slices in picked]
    assert len(set(starts)) == SAMPLE and all(sl in every for sl in picked)
    assert sample_slices((40,), 16, 8) == list(patch_slices((40,), 16, 8))  # few patches: all of them


@pytest.mark.parametrize("per_mode", [False, True])
def test_patch_risk_is_sure_computed_directly(rng, per_mode):
    """||y - x||^2 + 2 sigma^2 sum(tau d) - N sigma^2 in the data's units, from a dense eigh of a
    Hamiltonian built here, minimised over the same step candidates."""
    patch = 3.0 * _image(rng)[1][8:20, 10:22]
    sigma, hbar2m, blur = 0.3, 2.0, 6.0
    n = patch.size
    scale = np.max(np.abs(patch))
    lap = np.zeros((n, n))
    for i, j in itertools.product(range(12), range(12)):
        for a, b in ((i + 1, j), (i, j + 1)):
            if a < 12 and b < 12:
                p, q = i * 12 + j, a * 12 + b
                lap[[p, q], [p, q]] += 1
                lap[p, q] = lap[q, p] = -1
    h = np.diag(blurred_potential(patch, blur, scale).ravel()) + hbar2m * lap
    _, vecs = np.linalg.eigh(h)
    y = patch.ravel()
    alpha = vecs.T @ y
    g, d = mode_gain(alpha, sigma) if per_mode else (np.ones(n), np.ones(n))
    risks = [np.sum((y - vecs @ (smooth_step(n, c, w) * g * alpha)) ** 2) + 2 * sigma**2 * np.sum(smooth_step(n, c, w) * d)
             - n * sigma**2 for c, w in step_table(n, n)[0]]
    got = patch_risk(patch, sigma, hbar2m=hbar2m, blur=blur, per_mode=per_mode)
    assert_allclose(got, min(risks), rtol=1e-9)


def test_blind_physics_is_no_worse_than_the_papers_on_a_smooth_signal(rng):
    """Measured: the rule's pick beats the paper's pair on a smooth signal (a large hbar2m)."""
    clean, noisy = _signal(rng, 512)
    blind = localization(noisy)
    paper = localization(noisy, hbar2m=PAPER[1][0], blur=PAPER[1][1])
    assert mse(clean, blind) <= mse(clean, paper)


def test_single_thread_blas_restores_the_thread_counts():
    from threadpoolctl import threadpool_info

    def blas_threads():
        return [p["num_threads"] for p in threadpool_info() if p["user_api"] == "blas"]

    before = blas_threads()
    with single_thread_blas():
        assert all(n == 1 for n in blas_threads())
    assert blas_threads() == before

    @single_thread_blas()
    def inside():
        return blas_threads()

    assert all(n == 1 for n in inside()) and blas_threads() == before


@pytest.mark.parametrize("shape", [(256,), (32, 32)])
def test_poisson_noise_model_passes_the_known_sigma(shape):
    """After the Anscombe transform the noise level is 1, known: qdn.denoise hands it to the
    localization methods instead of letting them estimate it."""
    import qdn
    from qdn.classical.anscombe import anscombe, inverse_anscombe
    from qdn.localization import localization

    rng = np.random.default_rng(5)
    lam = 20 + 15 * np.cos(np.linspace(0, 6, int(np.prod(shape)))).reshape(shape)
    counts = rng.poisson(lam).astype(float)
    got = qdn.denoise(counts, method="localization", noise_model="poisson").denoised
    expected = inverse_anscombe(localization(anscombe(counts), sigma=1.0))
    np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-10)
