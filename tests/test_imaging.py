"""qdn.imaging: N00N circuits against Qiskit's statevector, the optics against closed forms.

Tolerances are stated where they are used; every random test is seeded and its bound is wide
enough for its statistics yet fails when the physics is wrong (a factor sqrt(2) or 2 in a
width, a wrong noise-reduction factor, a wrong scaling of the phase error).
"""

import numpy as np
import pytest
from numpy.testing import assert_allclose
from qiskit.quantum_info import Operator, SparsePauliOp, Statevector

from qdn.imaging import edge_fwhm, edge_target, ghost_image, noon_circuit, phantom, psf, psf_image, twin_beam
from qdn.imaging.ghost import buckets_to_counts
from qdn.imaging.noon import (
    aer_noise_model,
    estimate_phase,
    fisher_information,
    fit_fringe,
    ghz_circuit,
    parity_circuit,
    phase_study,
    sample_events,
)
from qdn.imaging.psf import PSF_KINDS, fwhm
from qdn.imaging.twin import noise_reduction_factor

PHIS = (0.0, 0.37, 1.1, 2.9)


# ------------------------------------------------------------------------------- N00N circuits
@pytest.mark.parametrize("n", range(1, 9))
def test_noon_all_zeros_probability_is_cos_squared(n):
    for phi in PHIS:
        probs = Statevector(noon_circuit(n, phi)).probabilities_dict()
        assert_allclose(probs.get("0" * n, 0.0), np.cos(n * phi / 2) ** 2, atol=1e-12)
        # the only other outcome: qubit 0 set (little-endian: the last character)
        assert_allclose(probs.get("0" * (n - 1) + "1", 0.0), np.sin(n * phi / 2) ** 2, atol=1e-12)


@pytest.mark.parametrize("n", range(1, 9))
def test_ghz_parity_is_cos_n_phi(n):
    xs = SparsePauliOp("X" * n)
    for phi in PHIS:
        assert_allclose(Statevector(ghz_circuit(n, phi)).expectation_value(xs).real, np.cos(n * phi), atol=1e-12)
        # the parity readout circuit measures X^n in the Z basis: <Z^n> of its output
        out = Statevector(parity_circuit(n, phi))
        assert_allclose(out.expectation_value(SparsePauliOp("Z" * n)).real, np.cos(n * phi), atol=1e-12)


def test_noon_circuit_operator_matches_closed_form():
    # Operator (an independent unitary) on |0...0>: amplitudes (1 + e^{i n phi})/2 and (1 - e^{i n phi})/2
    n, phi = 4, 0.61
    col = Operator(noon_circuit(n, phi)).data[:, 0]
    e = np.exp(1j * n * phi)
    assert_allclose(col[0], (1 + e) / 2, atol=1e-12)
    assert_allclose(col[1], (1 - e) / 2, atol=1e-12)
    assert_allclose(np.abs(col[2:]), 0, atol=1e-12)


@pytest.mark.parametrize("n", [3, 8])
def test_fitted_fringe_period_is_two_pi_over_n(n):
    grid = 2 * np.pi * np.arange(48) / 48
    p = sample_events(n, grid, 400, seed=3).mean(axis=1)
    fringe = fit_fringe(grid, p)
    assert_allclose(fringe.period, 2 * np.pi / n, rtol=0.01)  # 1 %: 19k shots on the fringe
    assert_allclose(fringe.visibility, 1.0, atol=0.05)


def test_all_zeros_readout_samples_the_same_fringe():
    grid = 2 * np.pi * np.arange(32) / 32
    fringe = fit_fringe(grid, sample_events(5, grid, 400, readout="zeros", seed=1).mean(axis=1))
    assert_allclose(fringe.period, 2 * np.pi / 5, rtol=0.01)


@pytest.mark.parametrize("n", [2, 6])
def test_noise_free_phase_error_is_heisenberg_limited(n):
    shots = 400
    study = phase_study(n, shots=shots, repeats=150, fringe_points=32, fringe_shots=1000, seed=11)
    assert_allclose(study.rmse, 1 / (n * np.sqrt(shots)), rtol=0.20)  # the 20 %
    assert study.rmse < study.shot_noise
    assert_allclose(study.fisher, n**2, rtol=0.05)  # N^2 V^2 with V = 1 from the fitted fringe


def test_fisher_information_formula():
    n, v = 5, 0.8
    for phi in (0.05, 0.2, np.pi / (2 * n)):
        h = 1e-6
        p = lambda x: (1 + v * np.cos(n * x)) / 2  # noqa: E731
        dp = (p(phi + h) - p(phi - h)) / (2 * h)
        assert_allclose(fisher_information(n, v, phi), dp**2 / (p(phi) * (1 - p(phi))), rtol=1e-6)
    assert_allclose(fisher_information(n, v), n**2 * v**2, rtol=1e-12)
    assert_allclose(fisher_information(n, v, np.pi / (2 * n)), n**2 * v**2, rtol=1e-12)


def test_estimate_phase_inverts_the_fringe():
    n, phi = 3, 0.4
    f = 0.5 + 0.5 * np.cos(n * phi)
    assert_allclose(estimate_phase(f, n), phi, atol=1e-12)
    f = 0.45 + 0.3 * np.cos(n * phi + 0.1)
    assert_allclose(estimate_phase(f, n, offset=0.45, amplitude=0.3, phase=0.1), phi, atol=1e-12)


def test_noise_destroys_the_advantage_below_visibility_one_over_sqrt_n():
    model = aer_noise_model(0.15, readout_error=0.02)
    study = phase_study(8, shots=400, repeats=100, fringe_points=32, fringe_shots=1000, noise_model=model, seed=5)
    assert study.visibility < 1 / np.sqrt(8)
    assert study.rmse > study.shot_noise
    assert_allclose(study.rmse, study.cramer_rao, rtol=0.3)


def test_noisy_visibility_falls_with_n():
    # depolarising CX errors: the n = 6 state has 10 CX against 2 for n = 2
    model = aer_noise_model(0.15, readout_error=0.0)
    grid = 2 * np.pi * np.arange(16) / 16
    vis = [fit_fringe(grid, sample_events(n, grid, 600, noise_model=model, seed=2).mean(axis=1)).visibility
           for n in (2, 6)]
    assert vis[0] > vis[1] + 0.15
    assert vis[1] < 1 / np.sqrt(6)  # below the threshold of any advantage


# ------------------------------------------------------------------------------------- PSFs
@pytest.mark.parametrize("pupil", ["airy", "gaussian"])
def test_psf_fwhm_ratios(pupil):
    x = np.linspace(-3, 3, 12001)  # micrometres
    w = {k: fwhm(x, psf(k, x, wavelength=0.8, na=0.5, pupil=pupil)) for k in PSF_KINDS}
    assert_allclose(w["two-photon-absorption"] / w["single"], 1 / np.sqrt(2), rtol=0.02)  # the 2 %
    assert_allclose(w["entangled"] / w["single"], 0.5, rtol=1e-4)  # exact scaling, grid error only
    if pupil == "gaussian":  # |h|^4 of a Gaussian is exactly sqrt(2) narrower
        assert_allclose(w["two-photon-absorption"] / w["single"], 1 / np.sqrt(2), rtol=1e-4)
    else:  # Airy: the single-photon FWHM is 0.514 lambda / NA
        assert_allclose(w["single"], 0.5145 * 0.8 / 0.5, rtol=1e-3)


def test_psf_image_respects_the_photon_budget_and_is_seeded():
    obj = phantom("shepp-logan", 64)
    kw = dict(wavelength=0.8, pixel_size=0.1, na=0.5)
    for kind in PSF_KINDS:
        a = psf_image(obj, kind, photons=2e5, seed=4, **kw)
        assert abs(a.counts.sum() - 2e5) < 5 * np.sqrt(2e5)  # Poisson total: 5 sigma
        assert_allclose(a.image.mean(), a.expected.mean(), rtol=0.02)
        assert np.array_equal(a.counts, psf_image(obj, kind, photons=2e5, seed=4, **kw).counts)
    clean = psf_image(obj, "single", photons=None, **kw)
    assert clean.counts is None and np.array_equal(clean.image, clean.expected)


def test_edge_resolution_orders_single_tpa_entangled():
    edge = edge_target(64)
    kw = dict(photons=None, wavelength=0.8, pixel_size=0.05, na=0.5, pupil="gaussian")
    widths = {k: edge_fwhm(psf_image(edge, k, **kw).image, pixel_size=0.05) for k in PSF_KINDS}
    # a Gaussian PSF's line-spread function has the PSF's FWHM (0.3 um here): 1 : 1/sqrt 2 : 1/2, 5 % (pixels)
    x = np.linspace(-3, 3, 12001)
    for k, w in widths.items():
        assert_allclose(w, fwhm(x, psf(k, x, wavelength=0.8, na=0.5, pupil="gaussian")), rtol=0.05)


# ----------------------------------------------------------------------------- ghost imaging
@pytest.mark.parametrize("shape", [(16, 16), (8, 32)])
def test_computational_ghost_imaging_is_exact_with_all_hadamard_patterns(shape):
    obj = np.random.default_rng(0).uniform(0, 1, size=shape)
    rec = ghost_image(obj, patterns="hadamard", n_patterns=obj.size)
    assert_allclose(rec, obj, atol=1e-9)  # the 1e-9
    assert rec.shape == obj.shape


def test_ghost_imaging_improves_with_patterns_and_differential_helps():
    obj = phantom("shepp-logan", 16) * 0.5 + 0.5  # a bright object: DGI's case
    rmse = lambda r: float(np.sqrt(np.mean((r - obj) ** 2)))  # noqa: E731
    gi = [rmse(ghost_image(obj, n_patterns=k, seed=1)) for k in (500, 8000)]
    dgi = rmse(ghost_image(obj, n_patterns=8000, differential=True, seed=1))
    assert gi[1] < gi[0] / 2.5  # error ~ 1/sqrt(K): 4x fewer at 16x the patterns; 2.5x allows for noise
    assert dgi < gi[1] / 2
    partial = rmse(ghost_image(obj, patterns="hadamard", n_patterns=64))
    assert 0 < partial < rmse(ghost_image(obj, patterns="hadamard", n_patterns=8))


def test_ghost_imaging_photon_budget_and_seeds():
    rng = np.random.default_rng(2)
    counts = buckets_to_counts(np.full(1000, 3.0), 5e4, rng) * (5e4 / 3000)
    assert abs(counts.sum() - 5e4) < 5 * np.sqrt(5e4)
    obj = phantom("ct", 16)
    a = ghost_image(obj, patterns="hadamard", n_patterns=200, photons=1e5, seed=3)
    assert np.array_equal(a, ghost_image(obj, patterns="hadamard", n_patterns=200, photons=1e5, seed=3))
    assert not np.array_equal(a, ghost_image(obj, patterns="hadamard", n_patterns=200, photons=1e5, seed=4))


# -------------------------------------------------------------------------------- twin beams
@pytest.mark.parametrize("eta", [0.3, 0.6, 0.9])
def test_twin_beam_noise_reduction_is_one_minus_eta(eta):
    obj = phantom("shepp-logan", 100)
    res = twin_beam(obj, mean_photons=100, efficiency=eta, seed=7)  # 10^6 pairs in the blank frame
    assert_allclose(res.noise_reduction, 1 - eta, rtol=0.05)  # the 5 %
    assert res.image.shape == res.direct.shape == obj.shape


def test_twin_beam_perfect_detectors_and_classical_beams():
    obj = phantom("ct", 32)
    assert twin_beam(obj, mean_photons=50, efficiency=1.0).noise_reduction == 0.0
    rng = np.random.default_rng(0)
    assert_allclose(noise_reduction_factor(rng.poisson(80, 10**4), rng.poisson(80, 10**4)), 1.0, rtol=0.05)


def test_twin_beam_ratio_beats_shot_noise_at_high_efficiency():
    obj = phantom("shepp-logan", 64) * 0.8 + 0.2
    mu, eta = 200, 0.95
    res = twin_beam(obj, mean_photons=mu, efficiency=eta, seed=1)
    err_ratio = np.sqrt(np.mean((res.image - obj) ** 2))
    err_direct = np.sqrt(np.mean((res.direct - obj) ** 2))
    # delta method: Var(N_obj/N_ref) = T (1 + T - 2 eta T)/(eta mu), Var(direct) = T/(eta mu); 10 %
    assert_allclose(err_ratio, np.sqrt(np.mean(obj * (1 + obj - 2 * eta * obj)) / (eta * mu)), rtol=0.1)
    assert_allclose(err_direct, np.sqrt(np.mean(obj) / (eta * mu)), rtol=0.1)
    assert err_ratio < err_direct / 1.15
    assert_allclose(res.direct.mean(), obj.mean(), rtol=0.02)


# ------------------------------------------------------------------------------ bad arguments
@pytest.mark.parametrize("call", [
    lambda: noon_circuit(0, 0.1),
    lambda: noon_circuit(2, float("nan")),
    lambda: sample_events(2, [0.1], 0),
    lambda: twin_beam(np.ones((4, 4)), mean_photons=10, efficiency=0.0),
    lambda: twin_beam(np.ones((4, 4)), mean_photons=10, efficiency=1.5),
    lambda: twin_beam(np.ones((4, 4)), mean_photons=-1, efficiency=0.5),
    lambda: ghost_image(np.ones((4, 4)), n_patterns=0),
    lambda: ghost_image(np.ones((4, 4)), n_patterns=10, photons=-5),
    lambda: ghost_image(np.ones((4, 4)), patterns="hadamard", n_patterns=17),
    lambda: ghost_image(np.ones((4, 6)), patterns="hadamard", n_patterns=4),
    lambda: ghost_image(np.ones((4, 4)), patterns="laser", n_patterns=4),
    lambda: psf_image(np.ones((8, 8)), "single", photons=-1.0, wavelength=0.8, pixel_size=0.1),
    lambda: psf("blue", np.zeros(3), wavelength=0.8),
    lambda: psf("single", np.zeros(3), wavelength=-0.8),
])
def test_bad_parameters_raise_value_error(call):
    with pytest.raises(ValueError):
        call()


# ------------------------------------------------------------------------- into the denoisers
def test_pictures_go_through_the_denoisers():
    from qdn.api.imaging import IMAGE_DENOISERS, denoise_picture, picture_metrics

    obj = phantom("shepp-logan", 32)
    pic = psf_image(obj, "entangled", photons=3e3, wavelength=0.8, pixel_size=0.1, seed=0)  # ~3 events/pixel
    raw = picture_metrics(pic.expected, pic.image)  # against the noise-free blurred picture: the noise alone
    for name in ("qdn", "wavelet"):
        assert name in IMAGE_DENOISERS
        assert picture_metrics(pic.expected, denoise_picture(pic.image, name))["psnr"] > raw["psnr"] + 1.0
    edge = edge_target(32)  # noise-free, flat detail: no noise level to estimate, returned as is
    assert np.array_equal(denoise_picture(edge, "wavelet"), edge)
    with pytest.raises(ValueError, match="unknown image denoiser"):
        denoise_picture(pic.image, "bm4d")


# ---------------------------------------------------------------------------- command line
def _cli(capsys, *args):
    from qdn.cli import main

    code = main([str(a) for a in args])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_cli_psf_writes_png_npy_and_figure(tmp_path, capsys):
    png, fig = tmp_path / "p.png", tmp_path / "p_fig.png"
    code, out, _ = _cli(capsys, "imaging", "psf", "--size", 32, "--photons", 2e4, "--denoise", "qdn",
                        "-o", png, "--plot", fig)
    assert code == 0 and "PSNR" in out
    assert png.read_bytes()[:8] == fig.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    npy = tmp_path / "p.npy"
    assert _cli(capsys, "imaging", "psf", "--size", 32, "-o", npy)[0] == 0
    from qdn.imaging import phantom, psf_image

    expected = psf_image(phantom("shepp-logan", 32), "entangled", photons=None, wavelength=0.8, pixel_size=0.1).image
    assert_allclose(np.load(npy), expected, rtol=1e-12)


def test_cli_ghost_and_twin_round_trip(tmp_path, capsys):
    from qdn.io.images import read_image

    npy = tmp_path / "g.npy"
    assert _cli(capsys, "imaging", "ghost", "--size", 16, "-o", npy)[0] == 0
    from qdn.imaging import phantom

    assert_allclose(np.load(npy), phantom("shepp-logan", 16), atol=1e-9)  # all Hadamard patterns, no noise
    dcm = tmp_path / "t.dcm"
    code, out, _ = _cli(capsys, "imaging", "twin", "--size", 16, "--efficiency", 0.8, "-o", dcm)
    assert code == 0 and "noise-reduction factor" in out
    values, meta = read_image(dcm)
    assert values.shape == (16, 16) and meta.format == "dicom"
    assert "PatientName" not in meta.dataset or not str(meta.dataset.PatientName)


def test_cli_noon_table(tmp_path, capsys):
    csv = tmp_path / "n.csv"
    code, out, _ = _cli(capsys, "imaging", "noon", "--max-n", 2, "--shots", 100, "--repeats", 5, "-o", csv)
    assert code == 0
    table = np.genfromtxt(csv, delimiter=",", names=True)
    assert list(table["N"]) == [1, 2]
    assert_allclose(table["heisenberg"], [0.1, 0.05], rtol=1e-12)


@pytest.mark.parametrize("args", [
    ["twin", "--efficiency", "0"],
    ["twin", "--efficiency", "1.5"],
    ["twin", "--mean-photons", "-3"],
    ["psf", "--photons", "-1"],
    ["ghost", "--n-patterns", "0"],
    ["ghost", "--patterns", "hadamard", "--n-patterns", "5000", "--size", "32"],
    ["noon", "--max-n", "0"],
    ["psf", "--kind", "laser"],
])
def test_cli_bad_arguments_exit_2_and_write_nothing(tmp_path, capsys, args):
    out = tmp_path / "x.npy"
    code, _, err = _cli(capsys, "imaging", *args, *([] if args[0] == "noon" else ["-o", out]))
    assert code == 2 and len(err.strip().splitlines()) == 1
    assert list(tmp_path.iterdir()) == []


def test_cli_existing_output_and_bad_suffix(tmp_path, capsys):
    keep = tmp_path / "k.npy"
    keep.write_bytes(b"keep")
    code, _, err = _cli(capsys, "imaging", "ghost", "--size", 8, "-o", keep)
    assert code == 2 and "--force" in err and keep.read_bytes() == b"keep"
    code, _, err = _cli(capsys, "imaging", "ghost", "--size", 8, "-o", tmp_path / "x.wav")
    assert code == 2 and "unsupported" in err


@pytest.mark.slow
def test_noon_on_a_fake_ibm_device():
    from qiskit_ibm_runtime.fake_provider import FakeManilaV2

    study = phase_study(3, shots=300, repeats=20, fringe_points=16, fringe_shots=300, backend=FakeManilaV2(), seed=1)
    assert_allclose(study.fringe.period, 2 * np.pi / 3, rtol=0.03)
    assert 0.3 < study.visibility < 1.0  # the device's noise lowers the contrast
