"""Issue 21: the hardware trades -- compressed (Walsh) encoding, approximate QFT, post-selected
schedules -- and the error budget that chooses them.

Each block is checked against an independent computation: Walsh coefficients against a dense
Hadamard matrix, the compressed multiplexor against ``UCRYGate`` (``Operator``), the approximate
QFT at degree 0 against the FFT, and the whole compressed / approximated / flagged circuit
against the emulator on Aer's statevector.
"""

import json

import numpy as np
import pytest
from numpy.testing import assert_allclose
from qiskit.circuit.library import QFTGate, UCRYGate
from qiskit.quantum_info import Operator
from scipy.linalg import hadamard

import qdn
from qdn.api.plan import plan
from qdn.circuits.amplification import make_schedule
from qdn.circuits.compression import (WalshRY, compress_angles, walsh_angles, walsh_coefficients, walsh_cx_count,
                                      walsh_ry_circuit)
from qdn.circuits.qft import approximate_qft, window_transform
from qdn.cli import main
from qdn.data import demo_signal, ecg
from qdn.emulator.problems import emulate
from qdn.execution.executor import execute

pytest.importorskip("qiskit_ibm_runtime")
from qdn import hardware as hw  # noqa: E402
from qdn.hardware.budget import Trades, output_error, reference_signal  # noqa: E402


def _angles(n, seed=0):
    return np.random.default_rng(seed).uniform(0.0, 3.0, n)


def _cx(circuit) -> int:
    return circuit.decompose().count_ops().get("cx", 0)


# ---------------------------------------------------------------------------------------------
# Walsh compression
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("n", [2, 4, 8, 16, 64])
def test_walsh_coefficients_against_a_dense_hadamard(n):
    theta = _angles(n)
    gray = np.arange(n) ^ (np.arange(n) >> 1)
    expected = (hadamard(n) @ theta)[gray] / n  # Sylvester order = (-1)^{popcount(x & g)}
    assert_allclose(walsh_coefficients(theta), expected, atol=1e-12)
    assert_allclose(walsh_angles(walsh_coefficients(theta)), theta, atol=1e-12)


@pytest.mark.parametrize("n", [2, 4, 8, 16])
@pytest.mark.parametrize("drop", [0.0, 0.25, 0.5, 0.75])
def test_walsh_chain_is_the_multiplexor_of_its_angles(n, drop):
    angles, kept = compress_angles(_angles(n, seed=n), drop)
    assert kept.sum() == n - int(np.floor(drop * n))
    assert Operator(walsh_ry_circuit(angles)).equiv(Operator(UCRYGate(list(angles))))
    gate = WalshRY(angles)
    assert Operator(gate.inverse()).equiv(Operator(gate).adjoint())
    # no coefficient dropped: the Gray chain itself, N CX; dropped ones cost no more
    assert walsh_cx_count(angles) <= n and (drop > 0 or walsh_cx_count(angles) == n)
    assert _cx(walsh_ry_circuit(angles)) == walsh_cx_count(angles)


def test_compression_drops_the_smallest_coefficients_and_saves_cx_on_a_smooth_signal():
    y = demo_signal("HeaviSine", 256)
    theta = 2 * np.arccos(0.25 + 0.75 * (y - y.min()) / np.ptp(y))
    full = np.abs(walsh_coefficients(theta))
    angles, kept = compress_angles(theta, 0.75)
    assert full[kept].min() >= full[~kept].max()
    assert walsh_cx_count(angles) < 0.5 * 256
    # the kept coefficients are the original ones
    assert_allclose(walsh_coefficients(angles)[kept], walsh_coefficients(theta)[kept], atol=1e-12)
    assert_allclose(compress_angles(theta, 0.0)[0], theta, atol=1e-12)


@pytest.mark.parametrize("drop", [-0.1, 1.0, True, "0.5", np.nan])
def test_bad_compression_is_refused(drop):
    with pytest.raises(ValueError, match="compression"):
        compress_angles(_angles(8), drop)


# ---------------------------------------------------------------------------------------------
# approximate QFT
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("m", [1, 2, 3, 4, 5, 6])
def test_approximate_qft_degree_zero_is_the_qft(m):
    x = np.random.default_rng(m).normal(size=1 << m)
    assert_allclose(window_transform(m, 0) @ x, np.sqrt(1 << m) * np.fft.ifft(x), atol=1e-10)
    assert Operator(approximate_qft(m, 0)).equiv(Operator(QFTGate(m)))


@pytest.mark.parametrize("m", [3, 4, 5, 6])
def test_approximate_qft_drops_controlled_phases(m):
    counts = [approximate_qft(m, d).count_ops().get("cp", 0) for d in range(m)]
    assert counts[0] == m * (m - 1) // 2
    assert all(a > b for a, b in zip(counts, counts[1:]))
    with pytest.raises(ValueError, match="degree"):
        approximate_qft(m, m)


# ---------------------------------------------------------------------------------------------
# today's circuits unchanged; the traded circuits equal their emulator
# ---------------------------------------------------------------------------------------------
def _ecg(n):
    return reference_signal(n)


@pytest.mark.parametrize("variant", ["compact", "register"])
def test_no_trade_reproduces_todays_circuit(variant):
    y = _ecg(16)
    base = hw.build_program(y, 4, variant=variant)
    same = hw.build_program(y, 4, variant=variant, compression=0.0, qft_degree=0)
    assert same.problem.angles is None and same.params == base.params
    # gate by gate, down to the basis (two builds of one program are never `==` at the top:
    # their stage gates are distinct objects)
    assert same.circuit.decompose(reps=6) == base.circuit.decompose(reps=6)
    assert same.circuit.metadata == base.circuit.metadata


def _global_phase_free(a, b):
    a, b = np.ravel(a), np.ravel(b)
    k = int(np.argmax(np.abs(b)))
    return a * (np.conj(a[k]) / abs(a[k])), b * (np.conj(b[k]) / abs(b[k]))


@pytest.mark.parametrize("n, window", [(16, 4), (64, 16), (256, 16)])
@pytest.mark.parametrize("compression, degree", [(0.5, 0), (0.0, 1), (0.625, 2)])
@pytest.mark.parametrize("schedule", ["exact", "grover", "postselect", "grover-1"])
def test_traded_circuit_equals_its_emulator_on_aer(n, window, compression, degree, schedule):
    if n == 256 and schedule in ("grover", "grover-1"):
        pytest.skip("one schedule family is enough at the largest size")
    degree = min(degree, window.bit_length() - 2)  # at most m - 1
    p = plan(_ecg(n), window, schedule=schedule, variant="compact", compression=compression, qft_degree=degree)
    emulated = emulate(p.problem, p.schedule)
    simulated = execute(p.problem, p.schedule, "statevector").state
    if p.schedule.flag:
        # the emulator holds what is kept (flag = 1, anc = 0), with the schedule's success as its
        # probability; the flag = 1, anc = 1 outcomes are discarded like flag = 0
        simulated, emulated = simulated[0], emulated[0]
        assert np.sum(np.abs(simulated) ** 2) == pytest.approx(p.schedule.success_probability(p.weight), abs=1e-9)
    assert_allclose(*_global_phase_free(simulated, emulated), atol=1e-9)


def test_flag_schedules_read_the_exact_output():
    y = _ecg(32)
    exact = qdn.denoise(y, 8, shifts=1, variant="compact", backend="emulator").denoised
    for schedule in ("postselect", "grover-1"):
        res = qdn.denoise(y, 8, shifts=1, variant="compact", schedule=schedule, backend="statevector")
        assert_allclose(res.denoised, exact, atol=1e-9)
    w = plan(y, 8, variant="compact").weight
    assert make_schedule("postselect", w).success_probability(w) == pytest.approx(w)
    th = np.arcsin(np.sqrt(w))
    assert make_schedule("grover-1", w).success_probability(w) == pytest.approx(np.sin(3 * th) ** 2)


def test_postselect_counts_keep_the_weight_within_shot_noise():
    y = _ecg(16)
    prog = hw.build_program(y, 4, schedule="postselect")
    res = execute(prog.problem, prog.schedule, "aer", shots=20000, seed=3)
    kept = sum(res.counts.values())  # flag = 1 shots, anc = 0 or 1
    good = sum(v for k, v in res.counts.items() if k < 16)
    w = prog.problem.weight
    assert abs(good / 20000 - w) < 4 * np.sqrt(w * (1 - w) / 20000)
    assert kept >= good


def test_trades_are_refused_where_they_do_not_apply():
    y = _ecg(64)
    with pytest.raises(ValueError, match="shifts=1"):
        plan(y, 16, shifts=4, compression=0.5)
    with pytest.raises(ValueError, match="flag"):
        plan(y, 16, shifts=4, schedule="postselect")
    with pytest.raises(ValueError, match="flag"):
        qdn.denoise_image(np.random.default_rng(0).random((16, 16)), 8, schedule="postselect")
    with pytest.raises(ValueError, match="degree"):
        plan(y, 16, qft_degree=4)


# ---------------------------------------------------------------------------------------------
# error budget
# ---------------------------------------------------------------------------------------------
def test_output_error_is_zero_without_trades_and_grows_with_compression():
    y = _ecg(64)
    assert output_error(y, 16, Trades()) == 0.0
    assert output_error(y, 16, Trades(schedule="postselect")) < 1e-12
    errs = [output_error(y, 16, Trades(c)) for c in (0.25, 0.5, 0.75)]
    assert 0 < errs[0] < errs[1] < errs[2]
    # fixed-point stops short of the good subspace: a small error of its own
    assert 0 < output_error(y, 16, Trades(schedule="fixed-point")) < 0.05


@pytest.fixture(scope="module")
def torino():
    from qiskit_ibm_runtime.fake_provider import FakeTorino

    return FakeTorino()


def test_choose_trades_stays_within_the_budget_and_picks_the_most_useful(torino):
    y = _ecg(16)
    choice = hw.choose_trades(y, torino, 0.05, window=4, threshold=1)
    assert choice.error <= 0.05
    assert choice.useful == pytest.approx(choice.esp * choice.success)
    assert choice.useful == max(c["useful"] for c in choice.candidates)
    assert all(c["error"] <= 0.05 for c in choice.candidates)
    # the choice's error is what its program emulates to
    assert output_error(y, 4, choice.trades, threshold=1) == pytest.approx(choice.error, abs=1e-12)
    strict = hw.choose_trades(y, torino, 0.0, window=4, threshold=1)
    assert strict.trades.compression == 0 and strict.trades.qft_degree == 0
    assert strict.trades.schedule in ("exact", "postselect", "grover-1") and strict.error < 1e-12
    with pytest.raises(ValueError, match="budget"):
        hw.choose_trades(y, torino, 1.5, window=4)


def test_feasibility_with_a_budget_keeps_its_meaning_without(torino):
    plain = hw.feasibility(torino, 0.1, max_size=8)
    assert plain.error_budget is None and not plain.choices and plain.best == plain.max_size
    budgeted = hw.feasibility(torino, 0.1, max_size=8, error_budget=0.05)
    assert [r["n_samples"] for r in budgeted.rows()] == [4, 8]
    assert all(r["error"] <= 0.05 and r["schedule"] for r in budgeted.rows())
    assert budgeted.best == 8


# ---------------------------------------------------------------------------------------------
# command line
# ---------------------------------------------------------------------------------------------
def test_run_cli_with_a_budget_prints_and_journals_the_choice(tmp_path, capsys):
    out, root = tmp_path / "ecg8.csv", tmp_path / "runs"
    code = main(["run", "--demo", "--samples", "8", "--window", "4", "--threshold", "1", "--backend", "fake_torino",
                 "--error-budget", "0.05", "--schedule", "postselect", "--shots", "2000", "-o", str(out), "--root", str(root)])
    text = capsys.readouterr().out
    assert code == 0 and out.exists()
    assert "chose schedule" in text and "output error" in text and "QFT approximation alone" in text
    record = json.loads(next(root.glob("*/run.json")).read_text())
    trades = record["extra"]["trades"]
    assert trades["error"] <= 0.05 and trades["budget"] == 0.05 and trades["schedule"]


@pytest.mark.parametrize("argv, message", [
    (["--error-budget", "1.5"], "error budget"),
    (["--error-budget", "0.05", "--compression", "0.5"], "do not give"),
    (["--qft-degree", "-1"], "degree"),
    (["--compression", "1"], "compression"),
])
def test_run_cli_bad_trade_options(tmp_path, capsys, argv, message):
    code = main(["run", "--demo", "--samples", "8", "--backend", "fake_torino", "-o", str(tmp_path / "o.csv"),
                 "--root", str(tmp_path / "runs"), *argv])
    assert code == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "o.csv").exists()


def test_journaled_trades_rebuild_the_same_program():
    prog = hw.build_program(_ecg(32), 8, compression=0.5, qft_degree=1, schedule="postselect")
    again = hw.program_from_params(json.loads(json.dumps(prog.params)))
    assert_allclose(again.problem.angles, prog.problem.angles, atol=0)
    assert again.problem.qft_degree == 1 and again.schedule.flag
    counts = {2 * 32 + k: 10 + k for k in range(32)}  # flag = 1, anc = 0 outcomes
    counts.update({k: 99 for k in range(32)})  # flag = 0: discarded
    flagged = {k: v for k, v in counts.items() if k >= 64}
    assert_allclose(again.decode(counts), prog.decode(flagged), atol=0)  # flag = 0 shots ignored
    amps = np.sqrt(np.arange(10, 42) / np.sum(np.arange(10, 42)))  # the kept branch, by hand
    assert_allclose(prog.decode(flagged), prog.amplitude_map.decode(
        amps * prog.amplitude_total / amps.sum()).ravel(), atol=1e-12)


def test_resources_cli_with_a_budget(capsys):
    code = main(["resources", "--backend", "fake_fez", "--size", "8", "--no-stages", "--floor", "0.1",
                 "--max-size", "8", "--error-budget", "0.05"])
    text = capsys.readouterr().out
    assert code == 0
    assert "largest N with esp >= 0.1: 8" in text
    assert "| schedule | compression | qft_degree | error |" in text


def test_postselect_stage_report(torino):
    prog = hw.build_program(_ecg(16), 4, schedule="postselect", compression=0.25)
    rep = hw.resource_report(prog, torino)
    assert tuple(rep.stages) == ("encode", "qft", "mark", "iqft")
    # the compressed multiplexor: fewer CZ in the encode stage than the plain one
    plain = hw.resource_report(hw.build_program(_ecg(16), 4, schedule="postselect"), torino)
    assert rep.stages["encode"].two_qubit < plain.stages["encode"].two_qubit
    assert rep.total.two_qubit < 100 and rep.success.total > 0.3


def test_denoise_cli_postselect(tmp_path, capsys):
    exact, post = tmp_path / "exact.csv", tmp_path / "post.csv"
    common = ["--demo", "--shifts", "1", "--window", "16", "--backend", "emulator"]
    assert main(["denoise", *common, "-o", str(exact)]) == 0
    assert main(["denoise", *common, "--schedule", "postselect", "-o", str(post)]) == 0
    a = np.genfromtxt(exact, delimiter=",", names=True)
    b = np.genfromtxt(post, delimiter=",", names=True)
    assert_allclose(b["denoised"], a["denoised"], atol=1e-9)
    capsys.readouterr()
    assert main(["denoise", "--demo", "--schedule", "postselect", "-o", str(tmp_path / "x.csv")]) == 2
    assert "shifts=1" in capsys.readouterr().err and not (tmp_path / "x.csv").exists()
