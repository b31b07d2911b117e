"""IBM Quantum layer: ISA circuits, resources and success estimates, runs through the
qiskit-ibm-runtime client-side Sampler in local testing mode, and credential hygiene.

No account and no network are used: fake backends run locally; the service paths are exercised
with a fake token, which must fail in one line and never show up anywhere.
"""

import logging
import math

import numpy as np
import pytest
from qiskit import ClassicalRegister, QuantumCircuit

import qdn
from _paper import paper_denoise
from qdn import hardware as hw
from qdn.cli import main
from qdn.hardware.journal import Journal

pytest.importorskip("qiskit_ibm_runtime")
from qiskit_ibm_runtime.fake_provider import FakeFez, FakeManilaV2, FakeSherbrooke, FakeTorino  # noqa: E402

FAKE_TOKEN = "qdnFAKEtoken-0123456789-abcdefghij-DO-NOT-LEAK"


@pytest.fixture(scope="module")
def torino():
    return FakeTorino()


def _step_cosine(n=16, seed=3):
    t = np.arange(n)
    return np.cos(2 * np.pi * t / 8) + 1.5 * (t >= n // 2) + 0.15 * np.random.default_rng(seed).normal(size=n)


def _assert_isa(isa, backend):
    """Independent of check_isa: every operation is in the target on its qubits, and every
    2-qubit gate sits on a coupled pair."""
    target = backend.target
    edges = set(backend.coupling_map.get_edges())
    for ins in isa.data:
        if ins.operation.name == "barrier":
            continue
        qargs = tuple(isa.find_bit(q).index for q in ins.qubits)
        assert ins.operation.name in target.operation_names, ins.operation.name
        assert qargs in target[ins.operation.name], (ins.operation.name, qargs)
        if len(qargs) == 2:
            assert qargs in edges
    hw.check_isa(isa, backend)


# ---------------------------------------------------------------------------------------------
# ISA circuits
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("backend_cls", [FakeTorino, FakeFez, FakeSherbrooke])
def test_prepare_from_run_parameters_gives_isa(backend_cls):
    backend = backend_cls()
    params = {"signal": _step_cosine(), "window": 8, "threshold": 1, "variant": "compact", "schedule": "exact"}
    isa = hw.prepare(params, backend)
    _assert_isa(isa, backend)
    ops = set(isa.count_ops())
    assert ops <= set(backend.target.operation_names) and "measure" in ops
    assert isa.count_ops()["measure"] == 5  # i (3), j (1), anc (1)
    # the register the decoder reads survives lowering
    assert [c.name for c in isa.cregs] == ["meas"]


def test_prepare_circuits_lists_layout_and_rejections(torino):
    prog = hw.build_program(_step_cosine(), 8, threshold=1)
    bell = QuantumCircuit(2, 2)
    bell.h(0)
    bell.cx(0, 1)
    bell.measure([0, 1], [0, 1])
    out = hw.prepare([prog, prog.circuit, bell], torino)
    assert isinstance(out, list) and len(out) == 3
    for isa in out:
        _assert_isa(isa, torino)
    pinned = hw.prepare(bell, "fake_torino", initial_layout=[10, 11])
    assert set(pinned.layout.initial_index_layout(filter_ancillas=True)) == {10, 11}
    assert {pinned.find_bit(q).index for ins in pinned.data for q in ins.qubits} <= {10, 11}
    with pytest.raises(ValueError, match="not in the target"):
        hw.check_isa(bell, torino)  # h/cx are not Torino instructions
    with pytest.raises(ValueError, match="signal"):
        hw.prepare({"window": 8}, torino)
    with pytest.raises(ValueError, match="qubits"):
        hw.prepare(hw.synthetic_program(16, variant="register"), FakeManilaV2())
    with pytest.raises(ValueError, match="optimization_level"):
        hw.prepare(bell, torino, optimization_level=5)


# ---------------------------------------------------------------------------------------------
# resources and success estimates
# ---------------------------------------------------------------------------------------------
def test_stage_report(torino):
    rep = hw.resource_report(hw.synthetic_program(16), torino)
    assert tuple(rep.stages) == hw.STAGE_NAMES
    assert rep.iterations == 1 and rep.logical_qubits == 7 and rep.backend == "fake_torino"
    for name, c in rep.stages.items():
        assert c.two_qubit_depth <= c.two_qubit and c.depth >= c.two_qubit_depth and c.qubits <= 7
    # the QFT on i (2 qubits for window 4) costs about as much as its inverse
    assert rep.stages["qft"].qubits == rep.stages["iqft"].qubits == 2
    assert rep.stages["amplify"].two_qubit > rep.stages["encode"].two_qubit
    tot = rep.total
    assert tot.two_qubit >= max(c.two_qubit for c in rep.stages.values())
    s = rep.success
    assert 0 < s.total <= s.gates_readout <= min(s.gates, s.readout) <= 1
    assert 0 < s.idle <= 1 and s.duration > 0
    rows = rep.rows()
    assert [r["stage"] for r in rows] == [*hw.STAGE_NAMES, "total"]
    assert rows[-1]["esp"] == pytest.approx(s.total)


def test_success_estimate_is_the_product_of_reported_fidelities(torino):
    bell = QuantumCircuit(2)
    bell.h(0)
    bell.cx(0, 1)
    creg = ClassicalRegister(2, "meas")
    bell.add_register(creg)
    bell.measure([0, 1], creg)
    isa = hw.prepare(bell, torino, initial_layout=[0, 1])
    tgt = torino.target
    gates, readout = 1.0, 1.0
    for ins in isa.data:
        qargs = tuple(isa.find_bit(q).index for q in ins.qubits)
        err = tgt[ins.operation.name][qargs].error or 0.0
        if ins.operation.name == "measure":
            readout *= 1 - err
        else:
            gates *= 1 - err
    est = hw.estimate_success(isa, torino)
    assert est.gates == pytest.approx(gates, rel=1e-12)
    assert est.readout == pytest.approx(readout, rel=1e-12)
    assert est.readout == pytest.approx((1 - tgt["measure"][(0,)].error) * (1 - tgt["measure"][(1,)].error))
    assert 0.99 < est.idle <= 1.0  # a few gates, almost no waiting
    from qiskit_aer import AerSimulator

    ideal = AerSimulator()
    e = hw.estimate_success(hw.prepare(bell, ideal), ideal)
    assert (e.gates, e.readout, e.idle) == (1.0, 1.0, 1.0) and e.duration is None
    with pytest.raises(ValueError, match="transpile"):
        hw.estimate_success(bell, torino)


def test_feasibility_finds_the_largest_size_above_the_floor(torino):
    f = hw.feasibility(torino, 0.2, max_size=64)
    esps = [r.success.total for r in f.reports]
    assert f.max_size is not None and f.max_size & (f.max_size - 1) == 0
    sizes = [r.n_samples for r in f.reports]
    assert sizes == [4 * 2**k for k in range(len(sizes))]
    assert all(e >= 0.2 for e in esps[:-1]) and esps[-1] < 0.2 and sizes[-2] == f.max_size
    assert all(a > b for a, b in zip(esps, esps[1:]))  # bigger signals, worse odds
    assert hw.feasibility(torino, 0.999, max_size=8).max_size is None
    with pytest.raises(ValueError, match="floor"):
        hw.feasibility(torino, 0.0)


def test_resources_cli(tmp_path, capsys):
    assert main(["resources", "--backend", "fake_torino", "--size", "8", "--floor", "0.3", "--max-size", "32"]) == 0
    out = capsys.readouterr().out
    assert "| fake_torino | 8 | 2 | compact | amplify |" in out
    assert "largest N with esp >= 0.3" in out
    dest = tmp_path / "r.json"
    assert main(["resources", "--backend", "fake_fez", "--size", "8", "--format", "json", "-o", str(dest)]) == 0
    import json

    data = json.loads(dest.read_text())
    assert [r["stage"] for r in data["stages"]] == [*hw.STAGE_NAMES, "total"]
    assert main(["resources", "--backend", "fake_fez", "--size", "8", "-o", str(dest)]) == 2
    assert "--force" in capsys.readouterr().err
    assert main(["resources", "--backend", "fake_nowhere"]) == 2
    assert "unknown fake backend" in capsys.readouterr().err


# ---------------------------------------------------------------------------------------------
# running through the runtime Sampler (local testing mode)
# ---------------------------------------------------------------------------------------------
def test_ideal_local_run_matches_the_emulator_within_shot_noise(tmp_path):
    from qiskit_aer import AerSimulator

    y = _step_cosine()
    shots = 20000
    res, run = hw.run_denoise(y, AerSimulator(), 8, threshold=1, shots=shots, seed=7, journal=tmp_path)
    ref = paper_denoise(y, 8, threshold=1, variant="compact", backend="emulator")
    exact = ref.denoised
    assert run.record.mode == "local" and run.record.backend == "aer_simulator"
    # the exact schedule leaves no shot in anc = 1 ...
    assert all(k < 16 for k in res.counts) and sum(res.counts.values()) == shots
    # ... and each amplitude sqrt(c/K) has a standard error sqrt(1 - p)/(2 sqrt K) <= 1/(2 sqrt K).
    # Decoding multiplies it by s (hi - lo)/(1 - floor), with s = total / sum(sqrt(p)) the
    # readout scale (about the norm of the output amplitudes, ~2.5 here): allow 5 standard errors
    p = np.abs(ref.state[0].ravel()) ** 2
    scale = run.programs[0].amplitude_total / np.sum(np.sqrt(p / p.sum()))
    amap = res.amplitude_map
    sigma = scale * (amap.hi - amap.lo) / (1 - amap.floor) / (2 * math.sqrt(shots))
    assert np.max(np.abs(res.denoised - exact)) < 5 * sigma
    assert np.sqrt(np.mean((res.denoised - exact) ** 2)) < 1.5 * sigma
    assert res.denoised.mean() == pytest.approx(exact.mean(), abs=1e-9)  # the readout fixes the total


def test_end_to_end_on_fake_torino(torino, tmp_path):
    """16 samples through FakeTorino's noise model (local testing mode of the runtime Sampler).

    Device noise acts, to first order, as a global depolarising channel of fidelity F: every
    outcome probability becomes F p + (1 - F)/(2N). F is measured from the shots that land in
    anc = 1 (none do without noise: P(anc=1) = (1 - F)/2), and agrees with the success estimate
    from the backend's reported errors. The decoded signal then stays correlated with the exact
    one, keeps its mean exactly, and is closer to the depolarised prediction than to the exact
    output.
    """
    y = _step_cosine()
    shots = 4096
    res, run = hw.run_denoise(y, torino, 8, threshold=1, shots=shots, seed=1, journal=tmp_path)
    exact = paper_denoise(y, 8, threshold=1, variant="compact", backend="emulator")
    assert run.record.backend == "fake_torino" and run.status == "done"
    assert sum(res.counts.values()) == shots

    N = 16
    p_anc1 = sum(v for k, v in res.counts.items() if k >= N) / shots
    F = 1 - 2 * p_anc1
    esp = hw.resource_report(run.programs[0], torino, stages=False).success
    assert 0.5 < F / esp.gates_readout < 2.0  # 4096 shots: F is known to about +-0.03

    corr = np.corrcoef(res.denoised, exact.denoised)[0, 1]
    assert corr > 0.8
    assert res.denoised.mean() == pytest.approx(exact.denoised.mean(), abs=1e-9)
    p = np.abs(exact.state[0].ravel()) ** 2
    predicted = run.programs[0].decode({i: q for i, q in enumerate(1e9 * (F * p / p.sum() + (1 - F) / (2 * N)))})
    rms = lambda a, b: float(np.sqrt(np.mean((a - b) ** 2)))  # noqa: E731
    assert rms(res.denoised, predicted) < rms(res.denoised, exact.denoised)


def test_mitigation_options_reach_the_executor(tmp_path):
    opts = hw.sampler_options(shots=256, seed=1, dynamical_decoupling="XY4", twirl="all",
                              num_randomizations=2, shots_per_randomization=128)
    assert opts["dynamical_decoupling"] == {"enable": True, "sequence_type": "XY4"}
    assert opts["twirling"]["enable_gates"] and opts["twirling"]["enable_measure"]
    assert "simulator" not in hw.sampler_options(seed=1, local=False)
    with pytest.raises(ValueError, match="dynamical_decoupling"):
        hw.sampler_options(dynamical_decoupling="XYZ")
    with pytest.raises(ValueError, match="invalid sampler options"):
        hw.sampler_options(options={"twirling": {"num_randomizations": 0}})

    bell = QuantumCircuit(3)
    bell.h(0)
    bell.cx(0, 1)
    bell.cx(1, 2)
    creg = ClassicalRegister(3, "meas")
    bell.add_register(creg)
    bell.measure(range(3), creg)
    run = hw.submit(bell, FakeManilaV2(), shots=256, seed=1, journal=tmp_path, dynamical_decoupling="XY4",
                    twirl="all", options={"twirling": {"num_randomizations": 2, "shots_per_randomization": 128}})
    assert run.complete and run.programs == [None]
    import json

    saved = json.loads((run.record.path / "results" / "000.json").read_text())
    applied = saved["metadata"]["options"]
    assert applied["dynamical_decoupling"]["enable"] and applied["dynamical_decoupling"]["sequence_type"] == "XY4"
    assert applied["twirling"]["enable_gates"] and applied["twirling"]["enable_measure"]
    counts = run.counts[0]
    assert sum(counts.values()) == 256 and counts.get(0, 0) + counts.get(7, 0) > 0.7 * 256
    with pytest.raises(ValueError, match="bare circuit"):
        run.denoised(0)


# ---------------------------------------------------------------------------------------------
# accounts, errors, credentials
# ---------------------------------------------------------------------------------------------
@pytest.fixture
def no_account(tmp_path, monkeypatch):
    """An empty HOME (no saved account) and no IBM environment variables."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    for var in ("QISKIT_IBM_TOKEN", "QISKIT_IBM_INSTANCE", "QISKIT_IBM_CHANNEL", "QISKIT_IBM_URL"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _scan(root, needle):
    hits = []
    for p in root.rglob("*"):
        if p.is_file() and needle.encode() in p.read_bytes():
            hits.append(p)
    return hits


def test_missing_account_is_one_line(no_account, capsys):
    with pytest.raises(hw.HardwareAccessError, match="no IBM Quantum account"):
        hw.get_backend("ibm_torino")
    assert main(["run", "--demo", "--backend", "ibm_torino", "-o", "x.csv"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no IBM Quantum account" in err and "Traceback" not in err
    assert not (no_account / "qdn-runs").exists() and not (no_account / "x.csv").exists()


def test_bad_token_never_leaks(no_account, monkeypatch, capsys, caplog):
    monkeypatch.setenv("QISKIT_IBM_TOKEN", FAKE_TOKEN)
    caplog.set_level(logging.DEBUG)
    # the real path: qiskit-ibm-runtime tries to authenticate (no network here) and fails
    assert main(["run", "--demo", "--backend", "ibm_torino", "-o", "x.csv", "--root", "runs"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("qdn: failed:") and "Traceback" not in err
    assert main(["resources", "--backend", "ibm_fez", "--size", "8"]) == 1
    captured = capsys.readouterr()

    # an exception that quotes the token (some HTTP errors echo the request) is scrubbed too
    import qiskit_ibm_runtime

    real_service = qiskit_ibm_runtime.QiskitRuntimeService

    class Echo:
        def __init__(self, **kw):
            raise RuntimeError(f"401 Unauthorized for apikey={FAKE_TOKEN} and {FAKE_TOKEN[::-1]}")

    monkeypatch.setattr(qiskit_ibm_runtime, "QiskitRuntimeService", Echo)
    assert main(["jobs", "list", "--root", "runs"]) == 0  # listing needs no account
    with pytest.raises(hw.HardwareAccessError) as info:
        hw.open_service()
    assert FAKE_TOKEN not in str(info.value) and "***" in str(info.value)
    assert main(["run", "--demo", "--backend", "ibm_kyiv", "-o", "x.csv"]) == 1
    echoed = capsys.readouterr()

    # a local run made while the token is set records nothing of it either
    monkeypatch.setattr(qiskit_ibm_runtime, "QiskitRuntimeService", real_service)
    assert main(["run", "--demo", "--samples", "8", "--window", "4", "--backend", "fake_manila", "--shots", "64",
                 "-o", "y.csv", "--root", "runs"]) == 2  # 6 qubits do not fit Manila's 5
    assert "qubits" in capsys.readouterr().err
    assert main(["run", "--demo", "--samples", "8", "--window", "4", "--backend", "fake_lagos", "--shots", "64",
                 "-o", "y.csv", "--root", "runs"]) == 0
    local = capsys.readouterr()

    texts = [err, captured.out, captured.err, echoed.out, echoed.err, local.out, local.err, caplog.text]
    assert not [t for t in texts if FAKE_TOKEN in t]
    assert not _scan(no_account, FAKE_TOKEN)
    assert Journal(no_account / "runs").runs()[0].backend == "fake_lagos"


def test_unknown_backends_are_bad_input(no_account, capsys):
    with pytest.raises(ValueError, match="unknown fake backend"):
        hw.get_backend("fake_atlantis")
    assert main(["run", "--demo", "--backend", "fake_atlantis", "-o", "x.csv"]) == 2
    assert "unknown fake backend" in capsys.readouterr().err

    class Service:
        def backend(self, name):
            from qiskit.providers.exceptions import QiskitBackendNotFoundError

            raise QiskitBackendNotFoundError("No backend matches the criteria.")

    with pytest.raises(ValueError, match="unknown backend 'ibm_atlantis'"):
        hw.get_backend("ibm_atlantis", service=Service())


def _dead_pairs(target):
    return {(n, q) for n in target.operation_names for q, p in (target[n] or {}).items()
            if q is not None and len(q) == 2 and p is not None and p.error is not None and p.error >= 1}


def test_usable_target_drops_only_dead_couplers():
    from qdn.execution.transpile import usable_target

    for backend in (FakeTorino(), FakeSherbrooke()):
        target = backend.target
        dead = _dead_pairs(target)
        assert dead  # these snapshots report out-of-service couplers with error 1
        usable = usable_target(target)
        assert _dead_pairs(usable) == set()
        for name in target.operation_names:
            kept = set(usable[name]) if not isinstance(target.operation_from_name(name), type) else None
            if kept is not None:
                assert kept == {q for q in target[name] if (name, q) not in dead}
    fez = FakeFez().target
    assert usable_target(fez) is fez or _dead_pairs(fez)


def test_prepare_routes_around_dead_couplers():
    """The register circuit for N = 16 on FakeSherbrooke used to run an ECR over the dead pair
    (92, 102) at level 2; now no 2-qubit gate sits on a coupler reported with error 1."""
    backend = FakeSherbrooke()
    isa = hw.prepare(hw.synthetic_program(16, None, "register"), backend)
    _assert_isa(isa, backend)
    dead = {q for _, q in _dead_pairs(backend.target)}
    used = {tuple(isa.find_bit(q).index for q in ins.qubits) for ins in isa.data if ins.operation.num_qubits == 2}
    assert not used & dead
    assert hw.resource_report(hw.synthetic_program(16, None, "register"), backend, stages=False).summary()["esp"] > 0
