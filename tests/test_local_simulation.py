"""Noisy local simulation of fake IBM devices: Aer's method picked by cost, the choice reported,
the density-matrix and trajectory methods agree, and ``device=`` reaches Aer."""

import numpy as np
import pytest
from qiskit_aer import AerSimulator

import qdn
from qdn.api.plan import plan
from qdn.execution.backends import DENSITY_MATRIX_MAX_QUBITS, aer_method, is_device_model
from qdn.execution.runs import active_qubits
from qdn.execution.transpile import transpile_for_backend

fake_provider = pytest.importorskip("qiskit_ibm_runtime.fake_provider")


def test_method_choice_by_cost():
    assert aer_method(7, 4000) == "density_matrix"  # 2**7 = 128 < 4000 shots
    assert aer_method(12, 4000) == "statevector"  # 4096 >= 4000 shots: trajectories are cheaper
    assert aer_method(17, 10**6) == "statevector"  # a density matrix of 17 qubits does not fit
    assert aer_method(DENSITY_MATRIX_MAX_QUBITS, 1 << 20) == "density_matrix"
    assert is_device_model(fake_provider.FakeLagosV2()) and not is_device_model(AerSimulator())


def test_fake_device_run_reports_its_simulation():
    y = np.sin(np.arange(8) / 2) + 2
    res = qdn.denoise(y, 4, threshold=1, backend=fake_provider.FakeLagosV2(), shots=2000, seed=3)
    assert res.circuit.metadata["variant"] == "compact"  # the default on a device
    assert res.simulation["method"] == "density_matrix"
    assert res.simulation["active_qubits"] <= 7 and res.simulation["device"] == "CPU"
    assert np.isfinite(res.denoised).all() and res.denoised.shape == y.shape


@pytest.mark.slow
def test_first_hardware_call_finishes_and_follows_the_ideal_output():
    """The call a new user types (issue 23): default options on FakeTorino, 4,000 shots.
    Measured here: about 20 s, correlation 0.93 with the ideal output."""
    rng = np.random.default_rng(0)
    y = np.sin(np.arange(16) / 2) + 2 + 0.1 * rng.normal(size=16)
    ideal = qdn.denoise(y, window=4, threshold=1, backend="statevector")
    res = qdn.denoise(y, window=4, threshold=1, backend=fake_provider.FakeTorino(), shots=4000)
    assert res.simulation["method"] == "density_matrix"
    assert np.corrcoef(res.denoised, ideal.denoised)[0, 1] > 0.8


def test_density_matrix_and_trajectories_agree_within_sampling_error():
    be = fake_provider.FakeLagosV2()
    p = plan(np.sin(np.arange(8) / 2) + 2, 4, threshold=1, variant="compact")
    isa = transpile_for_backend(p.problem.circuit(p.schedule, measure=True), be, optimization_level=1, seed_transpiler=0)
    assert active_qubits(isa) <= 7
    shots = 8000
    dists = []
    for method, seed in (("density_matrix", 11), ("statevector", 12)):
        counts = AerSimulator.from_backend(be, method=method, seed_simulator=seed).run(isa, shots=shots).result().get_counts()
        dists.append(counts)
    keys = sorted(set(dists[0]) | set(dists[1]))
    a = np.array([dists[0].get(k, 0) for k in keys]) / shots
    b = np.array([dists[1].get(k, 0) for k in keys]) / shots
    tv = 0.5 * np.abs(a - b).sum()
    # two independent samples of n shots: E|a_k - b_k| ~ sqrt(4 p_k (1 - p_k) / (pi n)); allow 3x
    p = (a + b) / 2
    bound = 3 * 0.5 * np.sum(np.sqrt(4 * p * (1 - p) / (np.pi * shots)))
    assert tv < bound, (tv, bound)


def test_device_option_reaches_aer(monkeypatch):
    y = np.sin(np.arange(16) / 2) + 2
    if "GPU" not in AerSimulator().available_devices():
        with pytest.raises(ValueError, match="qiskit-aer-gpu"):
            qdn.denoise(y, 4, backend="statevector", device="GPU")
        # pretend the build offers a GPU: the option then goes to Aer, whose simulator refuses it here
        monkeypatch.setattr(AerSimulator, "available_devices", lambda self: ("CPU", "GPU"))
        with pytest.raises(Exception, match="GPU"):
            qdn.denoise(y, 4, backend="statevector", device="GPU")
    with pytest.raises(ValueError, match="unknown device 'TPU'"):
        qdn.denoise(y, 4, backend="statevector", device="TPU")


def test_a_run_over_the_time_limit_is_refused_before_it_starts():
    """The paper's register circuit on FakeTorino with 4,000 shots ran past 18 minutes; it is now
    refused with the estimate and the cheaper choices (the estimate needs only the transpiled
    circuit)."""
    from qdn.execution.cost import estimate_seconds

    y = np.sin(np.arange(16) / 2) + 2
    with pytest.raises(ValueError, match=r"estimated at \d+ s .*statevector.*over the 300 s limit.*variant='compact'"):
        qdn.denoise(y, 4, threshold=1, variant="register", backend=fake_provider.FakeTorino(), shots=4000)
    assert estimate_seconds("statevector", 17, 3000, 4000) > 300 > estimate_seconds("density_matrix", 7, 1400, 4000)


def test_ibm_submission_reports_queue_and_qpu_estimate():
    from qdn.hardware.jobs import queue_report

    class Status:
        pending_jobs = 12

    class Backend:
        name = "ibm_test"

        def status(self):
            return Status()

    class Job:
        usage_estimation = {"quantum_seconds": 3.25}

        def job_id(self):
            return "d0abc"

    line = queue_report(Backend(), Job())
    assert line == "submitted job d0abc to ibm_test: 12 job(s) queued; estimated QPU time 3.2 s"

    class Silent(Backend):
        def status(self):
            raise RuntimeError("no status")

    class NoEstimate(Job):
        usage_estimation = None

    line = queue_report(Silent(), NoEstimate())
    assert "queue unknown" in line and "no QPU-time estimate" in line


def test_local_testing_mode_refuses_a_run_over_the_limit(tmp_path):
    from qdn import hardware as hw
    from qdn.hardware.runs import LOCAL_MODE_OVERHEAD_S, check_local_cost

    prog = hw.build_program(np.sin(np.arange(16) / 2) + 2, 4, threshold=1, variant="register")
    with pytest.raises(ValueError, match=r"estimated at \d+ s .*over the 300 s limit"):
        hw.submit(prog, "fake_torino", shots=4000, journal=tmp_path / "runs")
    assert not (tmp_path / "runs").exists() or not any((tmp_path / "runs").iterdir())  # nothing journaled
    isa = hw.prepare([hw.build_program(np.sin(np.arange(16) / 2) + 2, 4, threshold=1).circuit], "fake_torino")
    assert LOCAL_MODE_OVERHEAD_S < check_local_cost(isa, 4000, 1, None) < 300  # compact: allowed


def test_qdn_run_refuses_an_expensive_local_run_in_one_line(tmp_path, capsys):
    from qdn.cli import main

    rc = main(["run", "--demo", "--samples", "16", "--window", "4", "--threshold", "1", "--variant", "register",
               "--backend", "fake_torino", "--shots", "4000", "--root", str(tmp_path / "runs"),
               "-o", str(tmp_path / "out.csv")])
    err = capsys.readouterr().err.strip().splitlines()
    assert rc == 2 and len(err) == 1 and "--max-minutes" in err[0] and "estimated at" in err[0]
    assert not (tmp_path / "out.csv").exists()
