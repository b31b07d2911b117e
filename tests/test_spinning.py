"""Cycle spinning (issue 17): the shift register circuit against its emulator, the emulator and
the API against an independent shift-average reference, spinning by runs, the window chosen by
Monte-Carlo SURE, the Poisson path, and bad input."""

import numpy as np
import pytest
from numpy.testing import assert_allclose
from qiskit.quantum_info import Statevector

import qdn
from qdn.api.plan import plan
from qdn.circuits.amplification import make_schedule
from qdn.circuits.layout import Layout
from qdn.circuits.problem import DenoisingProblem
from qdn.circuits.registers import reg
from qdn.circuits.spinning import SpinningProblem, mark_circuit, shift_circuit, spin_frame
from qdn.classical.anscombe import anscombe, inverse_anscombe
from qdn.classical.risk import mc_sure
from qdn.data import ecg
from qdn.emulator.spinning import emulate_spin_state
from qdn.execution.runs import run_statevector
from qdn.noise import awgn


def shift_average(y, window, thresholds):
    """Independent reference: mean over shifts d = k M / S of roll(F(roll(y, -d)), d), F the
    per-window two-sided projection written out with numpy.fft."""
    S = len(thresholds)
    out = np.zeros(y.size)
    for k, taus in enumerate(thresholds):
        d = k * window // S
        w = np.roll(y, -d).reshape(-1, window)
        spec = np.fft.fft(w, axis=1)
        freq = np.minimum(np.arange(window), window - np.arange(window))
        spec[freq[None, :] > np.asarray(taus)[:, None]] = 0
        out += np.roll(np.fft.ifft(spec, axis=1).real.ravel(), d)
    return out / S


def _statevector_slices(problem, sv):
    """Aer's statevector on (s, flag, anc, j, i) with work and thre read at 0."""
    qc = problem.frame("x")
    sizes = {r.name: 1 << r.size for r in qc.qregs}
    lay = problem.layout
    arr = np.asarray(sv).reshape(sizes["work"], problem.shifts, 2, 2, sizes.get("thre", 1), lay.P, lay.M)
    return arr[0, :, :, :, 0]


@pytest.mark.parametrize("variant", ["compact", "register"])
@pytest.mark.parametrize("shifts", [2, 4])
@pytest.mark.parametrize("schedule", ["exact", "grover", "fixed-point"])
def test_spinning_circuit_equals_emulator(variant, shifts, schedule):
    rng = np.random.default_rng(shifts)
    layout = Layout(2, 2, 2)  # N = 16, M = 4: shifts 4 = M
    c = rng.uniform(0.3, 1.0, (4, 4))
    taus = rng.integers(0, 3, (shifts, 4))
    problem = SpinningProblem(layout, c, taus, variant)
    sch = make_schedule(schedule, problem.weight, min_weight=0.8 * problem.weight)
    sv = run_statevector(problem.circuit(sch))
    full, iters = emulate_spin_state(c, taus, sch, full=True)
    got = _statevector_slices(problem, sv)
    assert iters == sch.iterations
    assert_allclose(got, full, atol=1e-9)
    assert_allclose(np.vdot(got, got).real, 1.0, atol=1e-9)  # work and thre end in 0


def test_exact_schedule_lands_on_the_shift_average():
    rng = np.random.default_rng(3)
    layout = Layout(2, 1, 2)
    c = rng.uniform(0.2, 1.0, (2, 4))
    taus = rng.integers(0, 3, (4, 2))
    problem = SpinningProblem(layout, c, taus, "compact")
    sv = run_statevector(problem.circuit(make_schedule("exact", problem.weight)))
    kept = _statevector_slices(problem, sv)[0, 1, 0].ravel()
    ref = shift_average(c.ravel(), 4, taus)
    phase = np.vdot(kept, ref)
    assert_allclose(kept * phase / abs(phase), ref / np.linalg.norm(ref), atol=1e-9)


def test_shift_circuit_truth_table():
    layout = Layout(3, 2, 2)  # N = 32, M = 8
    for shifts in (2, 8):
        qc = spin_frame(layout, shifts, "compact")
        i, j, s = reg(qc, "i"), reg(qc, "j"), reg(qc, "s")
        circ = shift_circuit(qc, layout)
        for k in sorted({0, 1, shifts - 1}):
            for x in range(32):
                inp = qc.copy_empty_like()
                for bit in range(5):
                    if (x >> bit) & 1:
                        inp.x((i + j)[bit])
                for bit in range(len(s)):
                    if (k >> bit) & 1:
                        inp.x(s[bit])
                out = Statevector(inp.compose(circ)).probabilities_dict(decimals=9)
                (key,) = out
                got_x = int(key[::-1][:5][::-1], 2)
                assert got_x == (x - k * 8 // shifts) % 32
                assert int(key[::-1][5 + 2 : 5 + 2 + len(s)][::-1] or "0", 2) == k  # s unchanged


@pytest.mark.parametrize("variant", ["compact", "register"])
def test_mark_circuit_truth_table(variant):
    layout = Layout(2, 1, 2)  # M = 4, P = 2, two shifts
    taus = np.array([[0, 2], [1, 0]])
    qc = spin_frame(layout, 2, variant)
    mark = mark_circuit(qc, layout, taus, variant=variant, mask="two-sided")
    i, j, anc, flag, s = reg(qc, "i"), reg(qc, "j"), reg(qc, "anc")[0], reg(qc, "flag")[0], reg(qc, "s")[0]
    index = {q: n for n, q in enumerate(qc.qubits)}
    for k in range(4):
        for jv in range(2):
            for sv in range(2):
                for a in range(2):
                    inp = qc.copy_empty_like()
                    for q, on in [(i[0], k & 1), (i[1], k >> 1), (j[0], jv), (s, sv), (anc, a)]:
                        if on:
                            inp.x(q)
                    (key,) = Statevector(inp.compose(mark)).probabilities_dict(decimals=9)
                    bits = key[::-1]
                    kept = a == 0 and min(k, 4 - k) <= taus[sv, jv]
                    assert int(bits[index[flag]]) == kept
                    assert all(bits[index[q]] == "0" for q in reg(qc, "work") + reg(qc, "thre"))


def test_denoise_shifts_equals_reference_and_shifts_one_unchanged():
    clean = ecg()[:256]
    y = awgn(clean, 15, seed=2)
    for shifts in (2, 4, 16):
        res = qdn.denoise(y, 16, shifts=shifts, backend="emulator", weights="hard", boundary="periodic")
        assert res.thresholds.shape == (shifts, 16)
        assert_allclose(res.denoised, shift_average(y, 16, res.thresholds), rtol=0, atol=1e-9 * np.ptp(y))
    fixed = qdn.denoise(y, 16, shifts=8, threshold=3, backend="emulator", weights="hard", boundary="periodic")
    assert_allclose(fixed.denoised, shift_average(y, 16, np.full((8, 16), 3)), atol=1e-9 * np.ptp(y))
    one = qdn.denoise(y, 16, shifts=1, backend="emulator")
    p = plan(y, 16)
    assert isinstance(p.problem, DenoisingProblem)
    assert_allclose(one.denoised, shift_average(y, 16, one.thresholds[None]), atol=1e-9 * np.ptp(y))
    assert one.shifts == 1 and one.spin is None


def wiener_reference(y, window, thresholds, sigma):
    """Independent: per shift and window, pilot = hard projection spectrum P, weights
    |P|^2 / (|P|^2 + M sigma^2) (1 at k = 0), filtered, shifted back, averaged."""
    S = len(thresholds)
    out = np.zeros(y.size)
    freq = np.minimum(np.arange(window), window - np.arange(window))
    for k, taus in enumerate(thresholds):
        d = k * window // S
        spec = np.fft.fft(np.roll(y, -d).reshape(-1, window), axis=1)
        pilot = np.where(freq[None, :] <= np.asarray(taus)[:, None], spec, 0)
        w = np.abs(pilot) ** 2 / (np.abs(pilot) ** 2 + window * sigma**2)
        w[:, 0] = 1.0
        out += np.roll(np.fft.ifft(spec * w, axis=1).real.ravel(), d)
    return out / S


def test_wiener_weights_equal_reference():
    from qdn.classical.thresholds import mad_sigma

    y = awgn(ecg()[:256], 15, seed=9)
    res = qdn.denoise(y, 16, shifts=8, backend="emulator", boundary="periodic")
    assert res.weights == "wiener"
    assert_allclose(res.denoised, wiener_reference(y, 16, res.thresholds, mad_sigma(y)), atol=1e-9 * np.ptp(y))
    with pytest.raises(ValueError, match="spinning circuit"):
        qdn.denoise(y, 16, shifts=8, spin="runs", weights="wiener", backend="emulator")
    with pytest.raises(ValueError, match="spinning circuit"):
        qdn.denoise(y, 16, shifts=1, weights="wiener", backend="emulator")


@pytest.mark.parametrize("schedule", ["exact", "grover"])
def test_soft_weights_circuit_equals_emulator(schedule):
    from qdn.classical.spinning import wiener_weights

    rng = np.random.default_rng(11)
    c = rng.uniform(0.3, 1.0, (4, 4))
    taus = rng.integers(0, 3, (4, 4))
    weights = wiener_weights(c.ravel(), 4, taus, 0.05)
    assert 0 < weights.min() or weights.min() == 0
    assert np.any((weights > 0) & (weights < 1))
    problem = SpinningProblem(Layout(2, 2, 2), c, taus, "compact", weights=weights)
    sch = make_schedule(schedule, problem.weight)
    full, _ = emulate_spin_state(c, taus, sch, full=True, weights=weights)
    assert_allclose(_statevector_slices(problem, run_statevector(problem.circuit(sch))), full, atol=1e-9)


def test_spin_runs_equals_spin_circuit():
    y = awgn(ecg()[:128], 15, seed=4)
    a = qdn.denoise(y, 8, shifts=8, spin="circuit", backend="emulator", weights="hard")
    b = qdn.denoise(y, 8, shifts=8, spin="runs", backend="emulator")
    assert (a.spin, b.spin, b.runs) == ("circuit", "runs", 8)
    assert_allclose(a.thresholds, b.thresholds)
    assert_allclose(a.denoised, b.denoised, atol=1e-9 * np.ptp(y))


def test_spinning_on_statevector_and_sampled():
    y = awgn(ecg()[:16], 20, seed=5)
    ref = qdn.denoise(y, 4, shifts=4, backend="emulator")
    sv = qdn.denoise(y, 4, shifts=4, backend="statevector")
    assert sv.weights == "wiener" and sv.circuit is not None
    assert_allclose(sv.denoised, ref.denoised, atol=1e-9 * np.ptp(y))
    sampled = qdn.denoise(y, 4, shifts=4, backend="emulator", shots=200_000, seed=1)
    # sqrt(frequency) readout: error ~ 1/sqrt(kept shots) of the amplitudes
    assert np.max(np.abs(sampled.denoised - ref.denoised)) < 0.05 * np.ptp(y)


def test_aer_sampled_spinning_post_selects():
    y = awgn(ecg()[:16], 20, seed=6)
    ref = qdn.denoise(y, 4, shifts=2, backend="emulator", schedule="grover", boundary="periodic")
    res = qdn.denoise(y, 4, shifts=2, backend="aer", shots=100_000, seed=3, schedule="grover", variant="compact",
                      boundary="periodic")
    assert set(res.counts) and max(res.counts) < 8 * 16
    assert np.max(np.abs(res.denoised - ref.denoised)) < 0.06 * np.ptp(y)


def test_window_auto_choice_and_result():
    clean = ecg()[:512]
    y = awgn(clean, 15, seed=7)
    res = qdn.denoise(y, backend="emulator")
    assert res.window in res.window_risks and res.window == min(res.window_risks, key=res.window_risks.get)
    assert set(res.window_risks) == {4, 8, 16, 32, 64, 128, 256}
    assert res.shifts == res.window
    # deterministic given the seed; the risk tracks the true error within a few percent here
    again = qdn.denoise(y, backend="emulator")
    assert again.window == res.window
    true_sse = np.sum((res.denoised - clean) ** 2)
    assert abs(res.window_risks[res.window] - true_sse) < 0.5 * true_sse
    assert qdn.metrics.psnr(clean, res.denoised) > qdn.metrics.psnr(clean, qdn.denoise(y, 16, shifts=1).denoised)


def test_mc_sure_of_linear_maps():
    rng = np.random.default_rng(0)
    y = rng.normal(size=64)
    # identity: residual 0, divergence exactly N (b.b = N for Rademacher b)
    assert_allclose(mc_sure(lambda v: v, y, 0.5, rng=rng), 64 * 0.25, rtol=1e-12)
    # zero map: ||y||^2 - N sigma^2
    assert_allclose(mc_sure(np.zeros_like, y, 0.5, rng=rng), y @ y - 64 * 0.25, rtol=1e-12)


def test_anscombe_inverse_is_unbiased():
    rng = np.random.default_rng(1)
    for lam in (1.0, 3.0, 10.0, 50.0):
        mean_d = anscombe(rng.poisson(lam, 400_000)).mean()
        assert_allclose(inverse_anscombe(mean_d), lam, rtol=0.02)
    assert_allclose(inverse_anscombe(anscombe(np.array([100.0, 400.0]))), [100.0, 400.0], rtol=0.01)


def test_poisson_noise_model_beats_gaussian_path():
    clean = ecg()[:1024]
    counts = (clean - clean.min()) * 30 / np.ptp(clean)
    noisy = np.random.default_rng(2).poisson(counts).astype(float)
    pois = qdn.denoise(noisy, noise_model="poisson", backend="emulator")
    gauss = qdn.denoise(noisy, backend="emulator")
    assert pois.noise_model == "poisson" and pois.denoised.min() >= 0
    assert qdn.metrics.psnr(counts, pois.denoised) > qdn.metrics.psnr(counts, gauss.denoised)
    assert qdn.metrics.psnr(counts, pois.denoised) > qdn.metrics.psnr(counts, noisy) + 5
    with pytest.raises(ValueError, match="non-negative counts"):
        qdn.denoise(noisy - 5, noise_model="poisson")
    img = np.random.default_rng(3).poisson(np.full((32, 32), 20.0)).astype(float)
    out = qdn.denoise(img, noise_model="poisson", backend="emulator")
    assert out.denoised.shape == (32, 32) and abs(out.denoised.mean() - 20) < 1.0


def test_boundary_reflect_is_the_mirrored_spin():
    y = awgn(ecg()[:128], 15, seed=8)
    res = qdn.denoise(y, 16, shifts=4, boundary="reflect", threshold=3, backend="emulator", weights="hard")
    ext = np.concatenate([y, y[::-1]])
    assert_allclose(res.denoised, shift_average(ext, 16, np.full((4, 16), 3))[:128], atol=1e-9 * np.ptp(y))
    assert res.boundary == "reflect"


@pytest.mark.parametrize("kwargs, match", [
    (dict(window=16, shifts=3), "power of two"),
    (dict(window=16, shifts=32), "must not exceed the window"),
    (dict(window=16, shifts=0), "power of two"),
    (dict(window=16, shifts="all"), "shifts"),
    (dict(window=16, shifts=2.0), "shifts"),
    (dict(window=16, boundary="wrap"), "boundary"),
    (dict(window=16, spin="loop"), "spin"),
    (dict(noise_model="laplace"), "noise_model"),
    (dict(window="best"), "window"),
])
def test_bad_spinning_options(kwargs, match):
    y = awgn(ecg()[:64], 15, seed=0)
    with pytest.raises(ValueError, match=match):
        qdn.denoise(y, backend="emulator", **kwargs)


def test_window_auto_needs_two_windows():
    with pytest.raises(ValueError, match="at least 8 samples"):
        qdn.denoise(np.array([0.0, 1.0, 0.5, 0.2]), backend="emulator")
    with pytest.raises(ValueError, match="noise= runs the paper's circuit"):
        from qdn.noise.scenarios import PhaseNoise

        qdn.denoise(awgn(ecg()[:16], 15, seed=0), 4, shifts=2, spin="circuit", noise=PhaseNoise(0.1), backend="statevector")


def test_cli_spinning_options(tmp_path, capsys):
    from qdn.cli import main

    out = tmp_path / "out.csv"
    assert main(["denoise", "--demo", "-o", str(out), "--window", "16", "--shifts", "4", "--backend", "emulator"]) == 0
    text = capsys.readouterr().out
    assert "window 16, 4 shifts (circuit)" in text and out.exists()
    assert main(["denoise", "--demo", "-o", str(tmp_path / "bad.csv"), "--window", "16", "--shifts", "3"]) == 2
    assert "shifts" in capsys.readouterr().err and not (tmp_path / "bad.csv").exists()
    counts = tmp_path / "counts.csv"
    np.savetxt(counts, np.random.default_rng(0).poisson(np.full(256, 12.0)))
    assert main(["denoise", str(counts), "-o", str(tmp_path / "c.csv"), "--noise-model", "poisson",
                 "--backend", "emulator"]) == 0
    den = np.genfromtxt(tmp_path / "c.csv", delimiter=",", names=True)["denoised"]
    assert abs(den.mean() - 12.0) < 1.0 and den.std() < 1.0


def test_noise_spins_by_runs_and_zero_noise_is_noise_free():
    from qdn.noise.scenarios import PhaseNoise

    y = awgn(ecg()[:32], 20, seed=10)
    noisy = qdn.denoise(y, 4, threshold=1, noise=PhaseNoise(0.0, stages=("qft", "qft_dg", "iqft")), backend="emulator")
    clean = qdn.denoise(y, 4, threshold=1, spin="runs", backend="emulator")
    assert (noisy.spin, noisy.runs, noisy.weights) == ("runs", 4, "hard")
    assert_allclose(noisy.denoised, clean.denoised, atol=1e-12 * np.ptp(y))


def test_cli_poisson_image(tmp_path):
    from qdn.cli import main

    counts = np.random.default_rng(4).poisson(np.full((32, 32), 15.0)).astype(float)
    np.save(tmp_path / "counts.npy", counts)
    assert main(["denoise", str(tmp_path / "counts.npy"), "-o", str(tmp_path / "out.npy"), "--noise-model", "poisson",
                 "--backend", "emulator"]) == 0
    out = np.load(tmp_path / "out.npy")
    assert out.shape == (32, 32) and abs(out.mean() - 15.0) < 1.0 and out.std() < counts.std() / 2
    np.save(tmp_path / "negative.npy", counts - 20.0)  # not counts: refused, no file written
    assert main(["denoise", str(tmp_path / "negative.npy"), "-o", str(tmp_path / "bad.npy"), "--noise-model",
                 "poisson", "--backend", "emulator"]) == 2
    assert not (tmp_path / "bad.npy").exists()
