"""qdn.localization: Hamiltonian, eigenmodes, localization measures, QAB and the localization
denoiser, against independent computations (dense loops, dense eigh, closed forms)."""

import inspect

import numpy as np
import pytest
import scipy.linalg as sla
from numpy.testing import assert_allclose

import qdn
from qdn.classical.metrics import mse
from qdn.localization import (
    blind_physics, diffusivity, eigenmodes, hamiltonian, laplacian, localization, mode_report, participation_ratio, qab, qab_oracle,
)
from qdn.localization.hamiltonian import position_commutators
from qdn.localization.patches import map_patches, patch_starts
from qdn.localization.reconstruction import mode_gain, smooth_step, step_table, sure_step


def dense_grid_laplacian(h, w):
    """5-point graph Laplacian with free ends, built by looping over neighbours (C order)."""
    n = h * w
    lap = np.zeros((n, n))
    for i in range(h):
        for j in range(w):
            for di, dj in ((1, 0), (-1, 0), (0, 1), (0, -1)):
                a, b = i + di, j + dj
                if 0 <= a < h and 0 <= b < w:
                    lap[i * w + j, i * w + j] += 1
                    lap[i * w + j, a * w + b] -= 1
    return lap


def test_laplacian_matches_dense_loop_construction():
    assert_allclose(laplacian((5, 7)).toarray(), dense_grid_laplacian(5, 7), atol=0)
    assert_allclose(laplacian((6,)).toarray(), dense_grid_laplacian(1, 6), atol=0)


def test_hamiltonian_is_potential_plus_weighted_laplacian(rng):
    v = rng.random((4, 6))
    expected = np.diag(v.ravel()) + 2.5 * dense_grid_laplacian(4, 6)
    assert_allclose(hamiltonian(v, 2.5).toarray(), expected, atol=1e-15)


@pytest.mark.parametrize("shape", [(40,), (6, 7)])
def test_eigenmodes_agree_with_dense_eigh_and_are_eigenpairs(rng, shape):
    h = hamiltonian(rng.random(shape), 3.0)  # strong hopping: the lowest energies lie far below min(diag H)
    dense = h.toarray()
    ref = sla.eigvalsh(dense)
    for solver in ("auto", "dense", "sparse") + (("tridiagonal",) if len(shape) == 1 else ()):
        m = eigenmodes(h, 10, solver=solver)
        assert_allclose(m.energies, ref[:10], atol=1e-10)
        assert_allclose(dense @ m.vectors, m.vectors * m.energies, atol=1e-9)  # residual
        assert_allclose(m.vectors.T @ m.vectors, np.eye(10), atol=1e-9)
    assert eigenmodes(h).energies.size == dense.shape[0]


def test_eigenmodes_refuses_bad_solver_and_listing_choices(rng):
    h = hamiltonian(rng.random((4, 4)), 1.0)
    with pytest.raises(ValueError, match="unknown solver 'lobpcg'; valid: 'auto', 'dense', 'tridiagonal', 'sparse'"):
        eigenmodes(h, 3, solver="lobpcg")
    with pytest.raises(ValueError, match="tridiagonal"):
        eigenmodes(h, 3, solver="tridiagonal")


def test_participation_ratio_of_known_vectors():
    n = 64
    delta = np.zeros(n)
    delta[5] = 3.0
    flat = np.ones(n)
    k = 5  # a cosine with 0 < k < n/2: sum cos^4 = 3n/8, so PR = 2/3
    wave = np.cos(2 * np.pi * k * np.arange(n) / n)
    assert_allclose(participation_ratio(np.stack([delta, flat, wave], axis=1)), [1 / n, 1.0, 2 / 3], rtol=1e-12)


def test_position_commutators_equal_dense_products(rng):
    shape = (3, 5)
    h = hamiltonian(rng.random(shape), 1.3)
    rows, cols = np.unravel_index(np.arange(15), shape)
    for comm, x in zip(position_commutators(h, shape), (rows, cols)):
        xm = np.diag(x.astype(float))
        assert_allclose(comm.toarray(), h.toarray() @ xm - xm @ h.toarray(), atol=1e-13)


def test_diffusivity_against_dense_kubo_greenwood(rng):
    shape = (5, 5)
    h = hamiltonian(rng.random(shape), 1.0)
    m = eigenmodes(h)
    eta = 0.3
    dense = h.toarray()
    rows, cols = np.unravel_index(np.arange(25), shape)
    expected = np.zeros(25)
    for x in (rows, cols):
        xm = np.diag(x.astype(float))
        j = m.vectors.T @ (dense @ xm - xm @ dense) @ m.vectors
        for n in range(25):
            for k in range(25):
                g = np.exp(-(m.energies[k] - m.energies[n]) ** 2 / (2 * eta**2)) / np.sqrt(2 * np.pi * eta**2)
                expected[n] += j[k, n] ** 2 * g
    assert_allclose(diffusivity(h, m, shape, eta=eta), expected, rtol=1e-10, atol=1e-12)


def test_smooth_step_values():
    tau = smooth_step(21, 10, 4)
    assert_allclose(tau[:7], 1.0, atol=0)
    assert_allclose(tau[14:], 0.0, atol=0)
    assert_allclose(tau[10], 0.5, atol=1e-15)
    assert_allclose(tau[8] + tau[12], 1.0, atol=1e-15)  # odd symmetry about the cutoff
    assert np.all(np.diff(tau) <= 0)
    assert_allclose(smooth_step(5, 2, 0), [1, 1, 0, 0, 0], atol=0)


@pytest.mark.parametrize("per_mode", [False, True])
def test_sure_step_minimises_the_risk_computed_directly(rng, per_mode):
    n, sigma = 48, 0.3
    q, _ = np.linalg.qr(rng.normal(size=(n, n)))
    y = q[:, :6] @ rng.normal(0, 3, 6) + rng.normal(0, sigma, n)
    alpha = q.T @ y
    weights, best, risk = sure_step(alpha, float(y @ y), sigma, n, per_mode=per_mode)
    g, d = mode_gain(alpha, sigma) if per_mode else (np.ones(n), np.ones(n))
    direct = []
    for cutoff, width in step_table(n, n)[0]:
        tau = smooth_step(n, cutoff, width)
        est = q @ (tau * g * alpha)
        direct.append(np.sum((y - est) ** 2) + 2 * sigma**2 * np.sum(tau * d) - n * sigma**2)
    assert_allclose(risk, min(direct), rtol=1e-10)
    assert_allclose(weights, smooth_step(n, *best) * g, atol=1e-15)


def test_sure_is_unbiased_for_a_fixed_step(rng):
    """Monte Carlo: the mean of SURE equals the mean squared error (fixed basis, fixed step)."""
    n, sigma, draws = 32, 0.5, 4000
    q, _ = np.linalg.qr(rng.normal(size=(n, n)))
    clean = q[:, :4] @ np.array([3.0, -2.0, 1.0, 0.5])
    tau = smooth_step(n, 6, 3)
    noisy = clean + rng.normal(0, sigma, (draws, n))
    alpha = noisy @ q
    g, d = mode_gain(alpha, sigma)
    est = (tau * g * alpha) @ q.T
    sure = np.sum((noisy - est) ** 2, axis=1) + 2 * sigma**2 * (d @ tau) - n * sigma**2
    err = np.sum((est - clean) ** 2, axis=1)
    assert_allclose(sure.mean(), err.mean(), rtol=0.05)  # 4000 draws: Monte Carlo error ~1%


def test_patches_cover_and_average_back(rng):
    assert patch_starts(10, 4, 3) == [0, 3, 6]
    assert patch_starts(11, 4, 3) == [0, 3, 6, 7]
    x = rng.random((13, 17))
    assert_allclose(map_patches(x, 5, 2, lambda p, sl: p), x, rtol=1e-14)


@pytest.mark.parametrize("func", [qab, localization])
@pytest.mark.parametrize("shape", [(100,), (21, 30)])
def test_zero_noise_reproduces_the_input(rng, func, shape):
    """sigma=0: SURE keeps every mode, the basis is complete, overlaps average to the input."""
    x = rng.random(shape)
    assert_allclose(func(x, sigma=0.0, patch=8, stride=3), x, atol=1e-10)


def _step_image(rng, sigma=0.1):
    clean = np.zeros((32, 32))
    clean[8:24, 10:22] = 1.0
    clean[12:18, 14:18] = 0.5
    return clean, clean + rng.normal(0, sigma, clean.shape)


@pytest.mark.parametrize("func", [qab, localization])
def test_blind_methods_denoise_a_piecewise_constant_phantom(rng, func):
    clean, noisy = _step_image(rng)
    out = func(noisy)
    assert out.shape == clean.shape
    assert mse(clean, out) < 0.6 * mse(clean, noisy)  # at least 40 % less error (measured: ~50 %)


def test_piecewise_constant_phantom_mode_selection(rng):
    """Which modes the localization rule keeps on a patch of a two-level phantom: every low mode
    whose coefficient stands 3 sigma above the noise, no mode at the noise level, nothing in the
    top quarter of the spectrum."""
    clean, noisy = _step_image(rng)
    rep = mode_report(noisy[6:22, 8:24], sigma=0.1)
    low = np.arange(rep.weights.size) < 64
    strong = np.abs(rep.alpha) >= 3 * rep.sigma
    assert strong[:3].sum() >= 2 and np.all(rep.weights[low & strong] > 0.5)
    assert np.all(rep.weights[np.abs(rep.alpha) <= rep.sigma] == 0.0)
    assert rep.weights[3 * rep.weights.size // 4:].max() == 0.0
    assert np.all((rep.participation > 1 / 256 - 1e-12) & (rep.participation <= 1 + 1e-12))
    assert np.all(rep.diffusivity >= 0) and np.all(np.diff(rep.energies) >= 0)


def test_oracle_is_at_least_as_good_as_blind_without_overlaps(rng):
    """stride = patch: each patch's oracle step minimises its error over the candidates SURE
    chooses from, so the oracle's error cannot exceed the blind one's (in the same basis: the
    oracle at the physics the blind rule chose)."""
    clean, noisy = _step_image(rng)
    blind = qab(noisy, patch=16, stride=16)
    ph = blind_physics(noisy, method="qab", patch=16, stride=16)
    oracle = qab_oracle(noisy, clean, patch=16, stride=16, hbar2m=ph.hbar2m, blur=ph.blur)
    assert mse(clean, oracle) <= mse(clean, blind) * (1 + 1e-12)


def test_blind_methods_never_take_the_clean_data(rng):
    for func in (qab, localization):
        assert "clean" not in inspect.signature(func).parameters
    clean, noisy = _step_image(rng)
    assert_allclose(qdn.denoise(noisy, method="qab").denoised, qab(noisy), atol=0)
    sig = noisy[0] + np.linspace(0, 1, 32)
    assert_allclose(qdn.denoise(sig, method="localization").denoised, localization(np.pad(sig, (0, 0))), atol=1e-12)


@pytest.mark.parametrize("method", ["localization", "qab"])
def test_denoise_dispatch_keeps_shape(rng, method):
    img = rng.random((19, 23))
    assert qdn.denoise(img, method=method).denoised.shape == (19, 23)
    sig = rng.random(70)  # padded to 128 by qdn.denoise, cropped back
    res = qdn.denoise(sig, method=method)
    assert res.denoised.shape == (70,) and res.method == method


@pytest.mark.parametrize("func", [qab, localization])
@pytest.mark.parametrize("bad, kwargs, message", [
    (np.array([1.0, np.nan] * 8), {}, "non-finite"),
    (np.full((8, 8), 2.0), {}, "constant"),
    (np.arange(9.0).reshape(3, 3), {}, "too small for one patch"),
    (np.arange(64.0), {"patch": 100}, "too small for one patch"),
    (np.arange(64.0), {"patch": 8, "stride": 9}, "stride"),
    (np.arange(64.0), {"hbar2m": -1.0}, "hbar2m must be > 0"),
    (np.arange(64.0), {"blur": float("nan")}, "blur must be a finite"),
    (np.arange(64.0), {"patch": 8.0}, "patch must be an integer"),
    (np.zeros((2, 2, 2)) + np.arange(2), {}, "1-D"),
])
def test_bad_input(func, bad, kwargs, message):
    with pytest.raises(ValueError, match=message):
        func(bad, **kwargs)


def test_oracle_checks_the_clean_shape(rng):
    with pytest.raises(ValueError, match="clean has shape"):
        qab_oracle(rng.random(32), rng.random(31))


def test_unknown_method_lists_the_new_ones():
    with pytest.raises(ValueError, match="'localization', 'qab'"):
        qdn.denoise(np.arange(16.0), method="nope")


@pytest.mark.slow
def test_benchmark_quick_writes_its_tables(tmp_path):
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "benchmarks" / "localization.py"
    spec = importlib.util.spec_from_file_location("qdn_bench_localization_smoke", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    assert mod.main(["--quick", "--out", str(tmp_path)]) == 0
    md = (tmp_path / "localization.md").read_text(encoding="utf-8")
    for method in ("| localization |", "| QAB |", "| QAB ORACLE |", "| wavelet BayesShrink |"):
        assert method in md, method
    assert "mode: quick" in md
