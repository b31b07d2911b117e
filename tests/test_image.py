"""2-D pipeline: circuits against the emulator, the emulator against the per-patch reference,
automatic thresholds, cycle spinning, padding; image noise."""

import numpy as np
import pytest
from numpy.testing import assert_allclose
from qiskit.quantum_info import Statevector
from skimage import data, transform

from qdn.noise import images as image_noise
from qdn.emulator.spectral import amplify_spectrum, emulate_state, prepared_spectrum
from qdn.api.image import denoise_image, spin_shifts
from qdn.circuits.layout import Layout, work_size
from qdn.circuits.oracle import oracle_circuit
from qdn.circuits.qft import windowed_qft
from qdn.circuits.registers import frame
from qdn.classical.metrics import psnr
from qdn.classical.reference import spectral_projection
from qdn.classical.thresholds import frequency_mask, mad_sigma, max_threshold
from qdn.classical.windows import from_windows, to_windows


def _rel(a, b):
    return np.max(np.abs(a - b)) / np.max(np.abs(b))


def _reference(img, window, taus, shape):
    H, W = img.shape
    return from_windows(spectral_projection(to_windows(img, window, 2), taus, mask=shape, ndim=2), (H, W))


@pytest.fixture(scope="module")
def phantom():
    img = transform.resize(data.shepp_logan_phantom(), (128, 128), anti_aliasing=True)
    return (img - img.min()) / np.ptp(img)


# ------------------------------------------------------------------------------ layout, masks
def test_patch_convention_matches_flat_index(rng):
    img = rng.normal(size=(16, 32))
    patches = to_windows(img, 4, 2)
    assert patches.shape == (32, 4, 4)
    # patch j = jx + Px*jy, pixel (iy, ix): flat index j*M*M + iy*M + ix
    jy, jx, iy, ix = 2, 5, 1, 3
    assert patches.reshape(-1)[(jx + 8 * jy) * 16 + iy * 4 + ix] == img[jy * 4 + iy, jx * 4 + ix]
    assert_allclose(from_windows(patches, (16, 32)), img)


def test_layout_sizes():
    lay = Layout.for_shape((32, 64), 8)
    assert (lay.side, lay.grid_shape, lay.P, lay.shape, lay.M, lay.ndim) == (8, (4, 8), 32, (32, 64), 64, 2)
    assert lay.num_qubits("compact", "separable") == 6 + 5 + 1 + 4
    assert lay.num_qubits("compact", "radial") == 6 + 5 + 1 + 1
    assert lay.num_qubits("register", "separable") == 6 + 4 + 5 + 3 + 1 + 5
    with pytest.raises(ValueError, match="compact"):
        lay.num_qubits("register", "radial")
    assert frame(lay, "register", "separable").num_qubits == lay.num_qubits("register", "separable")


def test_masks():
    M = 8
    d = np.array([0, 1, 2, 3, 4, 3, 2, 1])
    sep = frequency_mask(M, np.array([2]), "separable", 2)[0]
    assert_allclose(sep, np.maximum(d[:, None], d[None, :]) <= 2)
    rad = frequency_mask(M, np.array([3]), "radial", 2)[0]
    assert_allclose(rad, d[:, None] ** 2 + d[None, :] ** 2 <= 9)
    assert frequency_mask(M, max_threshold(M, "separable", 2), "separable", 2).all()
    assert frequency_mask(M, max_threshold(M, "radial", 2), "radial", 2).all()
    assert not frequency_mask(M, max_threshold(M, "radial", 2) - 1, "radial", 2).all()


# ------------------------------------------------------------------------------ circuit parts
def test_2d_qft_is_m_times_ifft2(rng):
    lay = Layout(m=4, p=1, grid=(0, 1))
    qc = windowed_qft(lay, variant="compact", mask="separable")
    n = qc.num_qubits
    x = rng.normal(size=(2, 4, 4)) + 1j * rng.normal(size=(2, 4, 4))  # (j, iy, ix)
    x /= np.linalg.norm(x)
    full = np.zeros(1 << n, complex)
    full[: x.size] = x.ravel()  # anc = work = 0
    out = Statevector(full).evolve(qc).data[: x.size].reshape(2, 4, 4)
    assert_allclose(out, 4 * np.fft.ifft2(x), atol=1e-12)


@pytest.mark.parametrize("variant,shape", [("register", "separable"), ("compact", "separable"), ("compact", "radial")])
def test_oracle_phases(variant, shape, rng):
    lay = Layout(m=4, p=2, a=1, grid=(1, 1))
    M, P, m = lay.side, lay.P, lay.b  # side, patches, qubits per axis
    taus = rng.integers(0, max_threshold(M, shape, 2) + 1, size=P)
    taus[0] = 0
    phase = 0.7
    qc = oracle_circuit(lay, taus, phase, variant=variant, mask=shape)
    w = work_size(2, variant, shape)
    n_data = qc.num_qubits - w
    psi = rng.normal(size=1 << n_data) + 1j * rng.normal(size=1 << n_data)
    psi /= np.linalg.norm(psi)
    full = np.zeros(1 << qc.num_qubits, complex)
    full[: psi.size] = psi
    out = Statevector(full).evolve(qc).data
    assert np.abs(out[psi.size :]).max() < 1e-12  # work qubits return to 0
    idx = np.arange(psi.size)
    kx, ky = idx & (M - 1), (idx >> m) & (M - 1)
    dx, dy = np.minimum(kx, M - kx), np.minimum(ky, M - ky)
    if variant == "register":  # i, mean(a), j, thre(m), anc
        j = (idx >> (2 * m + lay.a)) & (P - 1)
        tau = (idx >> (2 * m + lay.a + lay.p)) & (M - 1)
        anc = idx >> (2 * m + lay.a + lay.p + lay.b)
    else:  # i, j, anc
        j = (idx >> (2 * m)) & (P - 1)
        tau = taus[j]
        anc = idx >> (2 * m + lay.p)
    kept = np.maximum(dx, dy) <= tau if shape == "separable" else dx**2 + dy**2 <= tau**2
    expected = np.where((anc == 0) & kept, np.exp(1j * phase), 1.0) * psi
    assert_allclose(out[: psi.size], expected, atol=1e-12)


# ------------------------------------------------------------------------------ emulator
@pytest.mark.parametrize("shape", ["separable", "radial"])
@pytest.mark.parametrize("size,window", [((32, 32), 4), ((32, 64), 8), ((64, 64), 16), ((8, 8), 8)])
def test_emulator_exact_equals_patch_projection(size, window, shape, rng):
    img = np.cumsum(np.cumsum(rng.normal(size=size), 0), 1)
    P = (size[0] // window) * (size[1] // window)
    taus = rng.integers(0, max_threshold(window, shape, 2) + 1, size=P)
    res = denoise_image(img, window, threshold=taus, shape=shape, backend="emulator")
    assert res.denoised.shape == size
    assert _rel(res.denoised, _reference(img, window, taus, shape)) < 1e-9
    assert res.success_probability > 1 - 1e-9
    assert res.thresholds.shape == (size[0] // window, size[1] // window)


def test_generic_amplification_reproduces_1d_fast_path(rng):
    amps = rng.uniform(0.25, 1.0, size=(3, 8, 16))  # batch, P, M
    taus = rng.integers(0, 9, size=(3, 8))
    for schedule in ["exact", "grover", "fixed-point"]:
        ref, it_ref = emulate_state(amps, taus, schedule)  # real-FFT fast path
        out, iters = amplify_spectrum(prepared_spectrum(amps), taus, schedule)  # N-D path, ndim=1
        assert_allclose(out, ref, atol=1e-13)
        assert (iters == it_ref).all()


def test_2d_emulator_equals_generic_path_on_flattened_spectrum(rng):
    amps = rng.uniform(0.25, 1.0, size=(4, 8, 8))  # P, M, M
    taus = rng.integers(0, 5, size=4)
    state, iters = emulate_state(amps, taus, "exact", mask="separable", ndim=2)
    spec = np.fft.ifft2(np.stack([amps, np.sqrt(1 - amps**2)])) * 8 / np.sqrt(amps.size)
    assert_allclose(prepared_spectrum(amps, ndim=2), spec, atol=1e-14)
    good = spec[0] * frequency_mask(8, taus, "separable", 2)
    w = np.sum(np.abs(good) ** 2)
    assert np.sum(np.abs(state[0]) ** 2) == pytest.approx(1.0, abs=1e-12)  # exact schedule: all in the good branch
    assert_allclose(state[0], np.fft.fft2(good) / 8 / np.sqrt(w) * np.exp(1j * np.angle(np.vdot(np.fft.fft2(good), state[0]))), atol=1e-12)


def test_full_threshold_returns_input(rng):
    img = rng.normal(size=(16, 32))
    for shape in ["separable", "radial"]:
        res = denoise_image(img, 8, threshold=max_threshold(8, shape, 2), shape=shape, backend="emulator")
        assert_allclose(res.denoised, img, atol=1e-9 * np.ptp(img))


# ------------------------------------------------------------------------------ circuits
def _agree(img, window, variant, shape, schedule, taus, **kw):
    sv = denoise_image(img, window, threshold=taus, backend="statevector", variant=variant,
                       shape=shape, schedule=schedule, delta=0.2, **kw)
    em = denoise_image(img, window, threshold=taus, backend="emulator", shape=shape,
                       schedule=schedule, delta=0.2, **kw)
    assert sv.circuit is not None and em.circuit is None
    assert sv.circuit.num_qubits == sv.layout.num_qubits(variant, shape)
    assert sv.iterations == em.iterations
    assert np.max(np.abs(sv.state - em.state)) <= 1e-9
    assert_allclose(sv.denoised, em.denoised, rtol=0, atol=1e-9 * np.ptp(img))
    if schedule == "exact":
        assert _rel(sv.denoised, _reference(img, window, taus, shape)) < 1e-6
    return sv, em


@pytest.mark.parametrize(
    "size,window,variant,shape,schedule",
    [
        (16, 4, "compact", "separable", "exact"),
        (16, 4, "compact", "radial", "grover"),
        (16, 8, "compact", "separable", "fixed-point"),
        (16, 8, "compact", "radial", "exact"),
        (32, 8, "compact", "separable", "exact"),
        (32, 8, "compact", "radial", "exact"),
        (32, 4, "compact", "radial", "fixed-point"),
        (16, 4, "register", "separable", "exact"),
    ],
)
def test_circuit_equals_emulator(size, window, variant, shape, schedule, rng):
    img = rng.normal(size=(size, size)) + np.linspace(0, 2, size)[None, :]
    taus = rng.integers(0, max_threshold(window, shape, 2) + 1, size=(size // window) ** 2)
    _agree(img, window, variant, shape, schedule, taus)


@pytest.mark.slow
@pytest.mark.parametrize(
    "size,window,schedule",
    [(16, 8, "grover"), (32, 4, "exact"), (32, 8, "fixed-point")],
)
def test_circuit_equals_emulator_register_large(size, window, schedule, rng):
    img = rng.normal(size=(size, size))
    taus = rng.integers(0, window // 2 + 1, size=(size // window) ** 2)
    _agree(img, window, "register", "separable", schedule, taus)


def test_circuit_with_several_rounds(rng):
    img = np.zeros((16, 16))
    img[rng.integers(0, 16, 6), rng.integers(0, 16, 6)] = 1.0  # sparse: small marked weight
    img += 0.01 * rng.normal(size=img.shape)
    sv, _ = _agree(img, 4, "compact", "separable", "exact", np.zeros(16, int), floor=0.02)
    assert sv.iterations >= 2


def test_auto_threshold_on_circuit(rng, phantom):
    clean = transform.resize(phantom, (16, 16), anti_aliasing=True)
    noisy = image_noise.awgn(clean, sigma=0.08, seed=2)
    sv = denoise_image(noisy, 4, backend="statevector", variant="compact")
    em = denoise_image(noisy, 4, backend="emulator")
    assert_allclose(sv.denoised, em.denoised, atol=1e-9)
    assert (sv.thresholds == em.thresholds).all()


def test_cycle_spinning_on_circuit_runs_one_circuit_per_shift(rng):
    img = rng.normal(size=(16, 16))
    sv = denoise_image(img, 4, threshold=1, backend="statevector", variant="compact", cycle_spins=3)
    em = denoise_image(img, 4, threshold=1, backend="emulator", cycle_spins=3)
    assert sv.runs == 3 and len(sv.all_iterations) == 3
    assert_allclose(sv.denoised, em.denoised, atol=1e-9 * np.ptp(img))


def test_sampled_readout_on_aer(rng):
    img = rng.uniform(size=(16, 16)) + 1.0
    ex = denoise_image(img, 4, threshold=1, backend="emulator")
    aer = denoise_image(img, 4, threshold=1, backend="aer", variant="compact", shots=200_000, seed=5)
    assert aer.counts is not None and aer.shots == 200_000
    assert np.max(np.abs(aer.denoised - ex.denoised)) < 0.1 * np.ptp(img)
    em = denoise_image(img, 4, threshold=1, backend="emulator", shots=200_000, seed=5)
    assert np.max(np.abs(em.denoised - ex.denoised)) < 0.1 * np.ptp(img)


def test_auto_backend_rule(rng):
    small = denoise_image(rng.normal(size=(8, 8)), 4, threshold=1, variant="compact")
    assert small.backend == "statevector" and small.circuit is not None
    big = denoise_image(rng.normal(size=(256, 256)), 8, threshold=1)
    assert big.backend == "emulator" and big.circuit is None
    radial = denoise_image(rng.normal(size=(8, 8)), 4, threshold=1, shape="radial")  # register + radial
    assert radial.backend == "emulator"


# ------------------------------------------------------------------------------ thresholds
def test_mad_sigma_2d_estimates_the_noise(phantom):
    for sigma in [0.02, 0.1]:
        noisy = image_noise.awgn(phantom, sigma=sigma, seed=1)
        assert mad_sigma(noisy) == pytest.approx(sigma, rel=0.15)


def test_auto_threshold_improves_psnr(phantom):
    awgn, pois = image_noise.awgn(phantom, sigma=0.08, seed=3), image_noise.poisson(phantom, peak=30, seed=3)
    for noisy, gain in [(awgn, 4.0), (pois, 1.5)]:
        res = denoise_image(noisy, 8, backend="emulator")
        assert psnr(phantom, res.denoised) > psnr(phantom, noisy) + gain
        assert res.sigma == pytest.approx(mad_sigma(noisy))


def test_threshold_forms(rng):
    img = rng.normal(size=(32, 32))
    const = denoise_image(img, 8, threshold=2, backend="emulator")
    grid = denoise_image(img, 8, threshold=np.full((4, 4), 2), backend="emulator")
    flat = denoise_image(img, 8, threshold=np.full(16, 2), backend="emulator")
    call = denoise_image(img, 8, threshold=lambda mean: 2, backend="emulator")
    for other in (grid, flat, call):
        assert_allclose(const.denoised, other.denoised)
    by_mean = denoise_image(img, 8, threshold=lambda mean: 1 if mean > 0 else 3, backend="emulator")
    means = to_windows(img, 8, 2).mean(axis=(1, 2)).reshape(4, 4)
    assert (by_mean.thresholds == np.where(means > 0, 1, 3)).all()


@pytest.mark.parametrize(
    "kwargs,match",
    [
        (dict(threshold=5), "must lie in"),
        (dict(threshold=np.ones(3, int)), "one entry per patch"),
        (dict(threshold="sure"), "unknown threshold"),
        (dict(threshold=np.ones(16, int), cycle_spins=2), "unshifted"),
        (dict(window=6), "power of two"),
        (dict(window=64), "larger than the image"),
        (dict(shape="round"), "unknown shape"),
        (dict(shape="radial", backend="statevector"), "compact"),
        (dict(backend="qpu"), "unknown backend"),
        (dict(cycle_spins=65), "exceeds"),
        (dict(cycle_spins=[(0, 9)]), "shifts"),
        (dict(shots=0), "shots"),
    ],
)
def test_bad_arguments(kwargs, match, rng):
    kwargs = {"window": 8, **kwargs}
    with pytest.raises(ValueError, match=match):
        denoise_image(rng.normal(size=(32, 32)), **kwargs)


def test_bad_images():
    with pytest.raises(ValueError, match="2-D"):
        denoise_image(np.zeros(16), 4)
    with pytest.raises(ValueError, match="constant"):
        denoise_image(np.ones((16, 16)), 4)
    with pytest.raises(ValueError, match="non-finite"):
        denoise_image(np.full((16, 16), np.nan), 4)


# ------------------------------------------------------------------------------ padding, spinning
def test_padding_by_reflection_and_crop(rng):
    img = rng.normal(size=(50, 37))
    res = denoise_image(img, 8, threshold=2, backend="emulator")
    assert res.denoised.shape == (50, 37) and res.padded_shape == (64, 64)
    padded = np.pad(img, ((0, 14), (0, 27)), mode="symmetric")
    ref = _reference(padded, 8, np.full(64, 2), "separable")[:50, :37]
    assert _rel(res.denoised, ref) < 1e-9
    with pytest.raises(ValueError, match="pad=True"):
        denoise_image(img, 8, pad=False, backend="emulator")


def test_spin_shifts_order():
    assert spin_shifts(8, 0) == [(0, 0)] == spin_shifts(8, 1)
    assert spin_shifts(8, 4) == [(0, 0), (4, 4), (0, 4), (4, 0)]
    full = spin_shifts(8, 64)
    assert len(set(full)) == 64 and all(0 <= a < 8 and 0 <= b < 8 for a, b in full)


def test_cycle_spinning_reduces_blocking(phantom):
    noisy = image_noise.awgn(phantom, sigma=0.08, seed=4)
    one = denoise_image(noisy, 8, backend="emulator")
    spun = denoise_image(noisy, 8, backend="emulator", cycle_spins=16)
    assert spun.runs == 16 and one.runs == 1
    assert spun.all_thresholds.shape == (16, 16, 16)
    assert psnr(phantom, spun.denoised) > psnr(phantom, one.denoised) + 1.0


def test_cycle_spinning_is_exact_average_of_shifted_projections(rng):
    img = rng.normal(size=(16, 16))
    res = denoise_image(img, 4, threshold=1, backend="emulator", cycle_spins=[(0, 0), (2, 1)])
    rows = np.pad(np.arange(16), (2, 0), mode="symmetric")[:16]
    cols = np.pad(np.arange(16), (1, 0), mode="symmetric")[:16]
    shifted = _reference(img[np.ix_(rows, cols)], 4, np.ones(16, int), "separable")
    total, hits = _reference(img, 4, np.ones(16, int), "separable"), np.ones((16, 16))
    np.add.at(total, np.ix_(rows, cols), shifted)
    np.add.at(hits, np.ix_(rows, cols), 1.0)
    assert_allclose(res.denoised, total / hits, atol=1e-9)


# ------------------------------------------------------------------------------ image noise
def test_image_noise(phantom):
    x = phantom.copy()
    noisy = image_noise.awgn(x, 15.0, seed=1)
    assert 10 * np.log10(np.sum(x**2) / np.sum((noisy - x) ** 2)) == pytest.approx(15.0)
    assert_allclose(image_noise.awgn(x, sigma=0.1, seed=1), image_noise.awgn(x, sigma=0.1, seed=1))
    assert np.std(image_noise.awgn(x, sigma=0.1, seed=2) - x) == pytest.approx(0.1, rel=0.02)
    pois = image_noise.poisson(x, peak=50, seed=1)
    assert_allclose(pois * 50, np.round(pois * 50), atol=1e-9)  # counts / scale
    assert np.mean(pois) == pytest.approx(np.mean(x), rel=0.02)
    sp = image_noise.speckle(x, 0.2, seed=1)
    assert np.mean(sp - x) == pytest.approx(0.0, abs=0.01) and np.all(sp[x == 0] == 0)
    g = image_noise.speckle(np.ones((64, 64)), looks=4, seed=1)
    assert g.min() > 0 and np.std(g) == pytest.approx(0.5, rel=0.1)
    assert_allclose(x, phantom)  # inputs untouched
    with pytest.raises(ValueError, match="exactly one"):
        image_noise.awgn(x)
    with pytest.raises(ValueError, match="non-negative"):
        image_noise.poisson(x - 1, scale=10)
    with pytest.raises(ValueError, match="2-D"):
        image_noise.speckle(np.ones(5))


def test_fourier_roundtrip_2d_is_the_2d_dft():
    from qiskit.quantum_info import Operator

    from qdn.noise.quantum import fourier_roundtrip_2d

    rt = fourier_roundtrip_2d(2, 3)  # 4 rows x 8 columns
    fwd = Operator(rt.data[0].operation).data
    rng = np.random.default_rng(0)
    img = rng.normal(size=(4, 8)) + 1j * rng.normal(size=(4, 8))
    # QFTGate's sign convention exp(+2 pi i x k / N): the unitary 2-D inverse DFT
    assert_allclose(fwd @ img.ravel(), (np.fft.ifft2(img) * np.sqrt(32)).ravel(), atol=1e-12)
    assert_allclose(Operator(rt).data, np.eye(32), atol=1e-12)


@pytest.mark.parametrize("scenario", ["phase", "awgn_phase", "poisson_phase", "bitflip_phase"])
def test_quantum_image_noise_scenarios(scenario):
    rng = np.random.default_rng(3)
    x = rng.uniform(0.2, 1.0, size=(8, 16))
    f = getattr(image_noise, scenario)
    noisy = f(x, epsilon=0.2, seed=7)
    assert noisy.shape == x.shape and np.all(np.isfinite(noisy))
    assert_allclose(f(x, epsilon=0.2, seed=7), noisy)  # seeded
    assert not np.allclose(noisy, x, atol=1e-3)
    if scenario in ("phase", "bitflip_phase"):
        # pure quantum noise keeps the norm up to the dropped imaginary part
        assert np.linalg.norm(noisy) <= np.linalg.norm(x) * (1 + 1e-12)
        assert_allclose(f(x, epsilon=0.0, seed=7, **({"p": 0.0} if scenario == "bitflip_phase" else {})), x,
                        atol=1e-12)


def test_quantum_image_noise_density_matches_aer():
    x = np.random.default_rng(4).uniform(0.1, 1.0, size=(4, 4))
    a = image_noise.bitflip_phase(x, 0.1, 0.2, seed=2, method="density", realisations=2)
    b = image_noise.bitflip_phase(x, 0.1, 0.2, seed=2, method="aer", realisations=2)
    assert_allclose(a, b, atol=1e-9)
    with pytest.raises(ValueError, match="powers of two"):
        image_noise.phase(np.ones((4, 6)))


def test_qdn_denoise_dispatches_2d_input_to_denoise_image():
    import qdn
    from qdn.api.image import denoise_image

    rng = np.random.default_rng(5)
    img = np.add.outer(np.arange(32.0), np.arange(32.0)) + rng.normal(size=(32, 32))
    via_api = qdn.denoise(img, 8, backend="emulator")
    direct = denoise_image(img, 8, backend="emulator")
    np.testing.assert_allclose(via_api.denoised, direct.denoised)
    with pytest.raises(ValueError, match="2-D input supports methods 'qdn', 'qft', 'qwt', 'fft-window'"):
        qdn.denoise(img, 8, method="wiener")
