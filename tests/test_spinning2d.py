"""In-circuit cycle spinning of image patches (issue 17 item 7): the circuit with a shift register
per axis against its emulator (Aer statevector), the adders' truth table, the API against an
independent 2-D shift-average reference, and bad input."""

import numpy as np
import pytest
from numpy.testing import assert_allclose
from qiskit import transpile
from qiskit_aer import AerSimulator

from qdn.api.image import circuit_spins, denoise_image
from qdn.circuits.amplification import make_schedule
from qdn.circuits.layout import Layout
from qdn.circuits.registers import reg
from qdn.circuits.spinning2d import SpinningImageProblem, image_shift_circuit, spin_image_frame
from qdn.emulator.spinning2d import emulate_spin_image_state
from qdn.execution.runs import run_statevector


def _slices(problem, sv):
    """Aer's statevector on (s, flag, anc, j, iy, ix), work read at 0, s = sx + Sx sy."""
    sizes = {r.name: 1 << r.size for r in problem.frame("x").qregs}
    lay, (sy, sx) = problem.layout, problem.spins
    return np.asarray(sv).reshape(sizes.get("work", 1), sy * sx, 2, 2, lay.P, lay.side, lay.side)[0]


def _kept(M, taus, mask):
    """Independent kept-bin table (M, M) per cutoff: d = min(k, M - k) per axis."""
    d = np.minimum(np.arange(M), M - np.arange(M))
    dy, dx = np.meshgrid(d, d, indexing="ij")
    taus = np.asarray(taus)[..., None, None]
    return (np.maximum(dy, dx) <= taus) if mask == "separable" else (dy**2 + dx**2 <= taus**2)


def shift_average(img, M, shifts, thresholds, mask="separable"):
    """Independent reference: mean over (dy, dx) of roll(F(roll(img, (-dy, -dx))), (dy, dx)), F
    the per-patch hard projection with that shift's cutoffs (Py, Px), written with numpy.fft."""
    H, W = img.shape
    out = np.zeros((H, W))
    for (dy, dx), taus in zip(shifts, thresholds):
        rolled = np.roll(img, (-dy, -dx), axis=(0, 1))
        res = np.zeros((H, W))
        for py in range(H // M):
            for px in range(W // M):
                patch = rolled[py * M : (py + 1) * M, px * M : (px + 1) * M]
                spec = np.fft.fft2(patch) * _kept(M, taus[py, px], mask)
                res[py * M : (py + 1) * M, px * M : (px + 1) * M] = np.fft.ifft2(spec).real
        out += np.roll(res, (dy, dx), axis=(0, 1))
    return out / len(shifts)


CASES = [  # image shape, patch side, (Sy, Sx), schedule, mask, soft weights
    ((4, 4), 2, (1, 2), "exact", "separable", False),
    ((4, 4), 2, (2, 2), "grover", "separable", True),
    ((4, 8), 2, (2, 2), "fixed-point", "separable", False),
    ((8, 8), 4, (2, 2), "exact", "radial", False),
    ((4, 4), 4, (2, 1), "grover", "radial", True),  # a single patch: no j, no work qubits
]


@pytest.mark.parametrize("shape, M, spins, schedule, mask, soft", CASES)
def test_circuit_equals_emulator(shape, M, spins, schedule, mask, soft):
    rng = np.random.default_rng(M + spins[0])
    layout = Layout.for_shape(shape, M)
    S = spins[0] * spins[1]
    c = rng.uniform(0.3, 1.0, (layout.P, M, M))
    taus = rng.integers(0, M // 2 + 1, (S, layout.P))
    weights = rng.uniform(0.0, 1.0, (S, layout.P, M, M)) if soft else None  # not symmetric in k <-> -k
    problem = SpinningImageProblem(layout, c, taus, spins, mask=mask, weights=weights)
    sch = make_schedule(schedule, problem.weight, min_weight=0.8 * problem.weight)
    got = _slices(problem, run_statevector(problem.circuit(sch)))
    full, iters = emulate_spin_image_state(c, taus, spins, sch, shape=shape, mask=mask, weights=weights, full=True)
    assert iters == sch.iterations
    assert_allclose(got, full, atol=1e-9)
    assert_allclose(np.vdot(got, got).real, 1.0, atol=1e-9)  # work ends in 0


def test_exact_schedule_lands_on_the_shift_average():
    rng = np.random.default_rng(5)
    layout = Layout.for_shape((4, 8), 2)
    c = rng.uniform(0.2, 1.0, (layout.P, 2, 2))
    taus = rng.integers(0, 2, (4, layout.P))
    problem = SpinningImageProblem(layout, c, taus, (2, 2))
    kept = _slices(problem, run_statevector(problem.circuit(make_schedule("exact", problem.weight))))[0, 1, 0]
    img = c.reshape(2, 4, 2, 2).transpose(0, 2, 1, 3).reshape(4, 8)  # patches j = jx + 4 jy -> image
    ref = shift_average(img, 2, [(0, 0), (0, 1), (1, 0), (1, 1)], taus.reshape(4, 2, 4))
    ref = ref.reshape(2, 2, 4, 2).transpose(0, 2, 1, 3).reshape(-1)  # image -> patches
    kept = kept.ravel()
    phase = np.vdot(kept, ref)
    assert_allclose(kept * phase / abs(phase), ref / np.linalg.norm(ref), atol=1e-9)


@pytest.mark.parametrize("shape, M, spins", [((4, 8), 2, (2, 2)), ((8, 4), 4, (4, 2))])
def test_shift_circuit_truth_table(shape, M, spins):
    layout = Layout.for_shape(shape, M)
    qc = spin_image_frame(layout, spins)
    sim = AerSimulator(method="unitary")
    circ = transpile(image_shift_circuit(qc, layout), sim)
    circ.save_unitary()
    perm = np.abs(np.asarray(sim.run(circ).result().get_unitary())) > 0.5
    index = {q: n for n, q in enumerate(qc.qubits)}
    b, (gy, gx) = layout.b, layout.grid
    i, j, sx, sy = reg(qc, "i"), reg(qc, "j"), reg(qc, "sx"), reg(qc, "sy")
    cols, rows = i[:b] + j[:gx], i[b:] + j[gx:]

    def basis(x, y, kx, ky):
        bits = [(q, (v >> n) & 1) for qs, v in ((cols, x), (rows, y), (sx, kx), (sy, ky)) for n, q in enumerate(qs)]
        return sum(on << index[q] for q, on in bits)

    H, W = shape
    for ky in range(spins[0]):
        for kx in range(spins[1]):
            for y in range(H):
                for x in range(W):
                    out = np.flatnonzero(perm[:, basis(x, y, kx, ky)])
                    want = basis((x - kx * M // spins[1]) % W, (y - ky * M // spins[0]) % H, kx, ky)
                    assert list(out) == [want]


@pytest.mark.parametrize("cycle_spins, threshold, shape", [
    (4, "auto", "separable"),
    (8, 2, "radial"),
    ([(0, 0), (0, 1), (0, 2), (0, 3)], "auto", "separable"),
])
def test_api_equals_shift_average(cycle_spins, threshold, shape):
    rng = np.random.default_rng(7)
    yy, xx = np.mgrid[0:16, 0:16]
    img = np.sin(xx / 3.0) + np.cos(yy / 5.0) + 0.3 * rng.normal(size=(16, 16))
    res = denoise_image(img, 4, cycle_spins=cycle_spins, spin="circuit", threshold=threshold, shape=shape,
                        backend="emulator", boundary="periodic")
    spins = circuit_spins(cycle_spins, 4)
    assert res.runs == 1 and res.all_thresholds.shape == (spins[0] * spins[1], 4, 4)
    assert res.extras["spins"] == spins and len(res.shifts) == spins[0] * spins[1]
    ref = shift_average(img, 4, res.shifts, res.all_thresholds, shape)
    assert_allclose(res.denoised, ref, rtol=0, atol=1e-9 * np.ptp(img))
    if threshold == 2:
        assert np.all(res.all_thresholds == 2)


def test_reflect_boundary_spins_the_mirrored_image():
    rng = np.random.default_rng(8)
    img = np.add.outer(np.arange(8.0), np.arange(8.0) ** 1.5) + 0.5 * rng.normal(size=(8, 8))
    res = denoise_image(img, 4, cycle_spins=4, spin="circuit", threshold=1, backend="emulator")
    assert res.extras["boundary"] == "reflect" and res.all_thresholds.shape == (4, 4, 4)
    top = np.concatenate([img, img[:, ::-1]], axis=1)
    ext = np.concatenate([top, top[::-1]], axis=0)
    ref = shift_average(ext, 4, res.shifts, res.all_thresholds)[:8, :8]
    assert_allclose(res.denoised, ref, rtol=0, atol=1e-9 * np.ptp(img))
    periodic = denoise_image(img, 4, cycle_spins=4, spin="circuit", threshold=1, backend="emulator",
                             boundary="periodic")
    assert periodic.extras["qubits"] == res.extras["qubits"] - 3  # one grid bit per axis, one adder pad


def test_api_statevector_and_sampled_readout():
    rng = np.random.default_rng(3)
    img = np.add.outer(np.arange(4.0), np.arange(4.0)) + 0.2 * rng.normal(size=(4, 4))
    opts = dict(cycle_spins=4, spin="circuit", threshold=0, boundary="periodic")
    em = denoise_image(img, 2, backend="emulator", **opts)
    sv = denoise_image(img, 2, backend="statevector", **opts)
    assert sv.circuit is not None and sv.circuit.num_qubits == sv.extras["qubits"] == 9
    assert_allclose(sv.denoised, em.denoised, atol=1e-9 * np.ptp(img))
    aer = denoise_image(img, 2, backend="aer", shots=100_000, seed=2, **opts)
    assert max(aer.counts) < 4 * 16 * 4  # i + M^2 j + N anc + 2N flag + 4N s
    assert np.max(np.abs(aer.denoised - em.denoised)) < 0.06 * np.ptp(img)


def test_runs_stays_the_default():
    img = np.random.default_rng(1).normal(size=(8, 8))
    a = denoise_image(img, 4, cycle_spins=4, threshold=1, backend="emulator")
    b = denoise_image(img, 4, cycle_spins=4, threshold=1, backend="emulator", spin="runs")
    assert a.runs == 4 and "spin" not in a.extras
    assert np.array_equal(a.denoised, b.denoised)


@pytest.mark.parametrize("kwargs, match", [
    (dict(spin="loop", cycle_spins=4), "spin"),
    (dict(spin="circuit", cycle_spins=3), "power of two"),
    (dict(spin="circuit", cycle_spins=1), "cycle_spins >= 2"),
    (dict(spin="circuit", cycle_spins=32), "power of two"),
    (dict(spin="circuit", cycle_spins=[(0, 0), (2, 2)]), "product grid"),
    (dict(spin="circuit", cycle_spins=4, variant="register"), "compact"),
    (dict(spin="circuit", cycle_spins=4, threshold=np.ones((2, 2), int)), "threshold array"),
    (dict(spin="circuit", cycle_spins=4, boundary="wrap"), "boundary"),
    (dict(cycle_spins=4, boundary="periodic"), "spin='runs' reflects"),
])
def test_bad_input(kwargs, match):
    img = np.random.default_rng(0).normal(size=(8, 8))
    with pytest.raises(ValueError, match=match):
        denoise_image(img, 4, backend="emulator", **kwargs)


def test_refuses_a_circuit_too_big_for_the_simulator():
    img = np.random.default_rng(0).normal(size=(1024, 1024))
    with pytest.raises(ValueError, match="needs 34 qubits"):
        denoise_image(img, 4, cycle_spins=16, spin="circuit", backend="statevector", boundary="periodic")
    with pytest.raises(ValueError, match="needs 37 qubits"):  # mirrored to 2048 x 2048
        denoise_image(img, 4, cycle_spins=16, spin="circuit", backend="statevector")


def test_problem_rejects_bad_shapes():
    layout = Layout.for_shape((8, 8), 4)
    c = np.full((4, 4, 4), 0.5)
    with pytest.raises(ValueError, match="thresholds"):
        SpinningImageProblem(layout, c, np.zeros((2, 4), int), (2, 2))
    with pytest.raises(ValueError, match="spins"):
        SpinningImageProblem(layout, c, np.zeros((8, 4), int), (8, 1))
    with pytest.raises(ValueError, match="spins"):
        SpinningImageProblem(layout, c, np.zeros((1, 4), int), (1, 1))
    with pytest.raises(ValueError, match="amplitudes"):
        SpinningImageProblem(layout, c[:2], np.zeros((4, 4), int), (2, 2))
    with pytest.raises(ValueError, match="2-D"):
        SpinningImageProblem(Layout(2, 2), np.full((4, 4), 0.5), np.zeros((2, 4), int), (1, 2))
    with pytest.raises(ValueError, match="compact"):
        SpinningImageProblem(layout, c, np.zeros((4, 4), int), (2, 2), "register")
    with pytest.raises(ValueError, match="weights"):
        SpinningImageProblem(layout, c, np.zeros((4, 4), int), (2, 2), weights=np.ones((4, 4, 4)))
