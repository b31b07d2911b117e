"""The job journal: recorded before sending, atomic, and resumable after injected failures.

Local testing mode throughout (qiskit-ibm-runtime's client-side Sampler on fake backends, no
account, no network); the IBM-service path of ``fetch`` runs against a stand-in service object.
"""

import json
import os

import numpy as np
import pytest
from qiskit.primitives.containers import BitArray, DataBin, PrimitiveResult, SamplerPubResult

import qdn
from _paper import paper_denoise
from qdn import hardware as hw
from qdn.cli import main
from qdn.hardware.journal import Journal, JournalError

pytest.importorskip("qiskit_ibm_runtime")
from qiskit_ibm_runtime.executor_sampler import Sampler  # noqa: E402
from qiskit_ibm_runtime.fake_provider import FakeLagosV2  # noqa: E402
from qiskit_ibm_runtime.fake_provider.local_runtime_job import LocalRuntimeJob  # noqa: E402


def _signal(seed, n=8):
    t = np.arange(n)
    return np.cos(2 * np.pi * t / 4) + 0.5 * (t >= n // 2) + 0.1 * np.random.default_rng(seed).normal(size=n)


def _programs(k=2):
    # compact variant, N = 8, window 4: 6 qubits, fits the 7-qubit FakeLagosV2 and runs in ~1 s
    return [hw.build_program(_signal(s), 4, threshold=1) for s in range(k)]


def _files(root):
    return sorted(str(p.relative_to(root)) for p in root.rglob("*"))


# ---------------------------------------------------------------------------------------------
def test_recorded_before_sent(tmp_path, monkeypatch):
    root = tmp_path / "runs"
    seen = {}
    original = Sampler.run

    def spy(self, pubs, *, shots=None, dry_run=False):
        recs = Journal(root).runs()
        assert len(recs) == 1
        rec = recs[0]
        seen["status"] = rec.jobs[0]["status"]
        seen["qasm"] = Journal(root).qasm3(rec.run_id, 0)
        seen["params"] = rec.items[0]["params"]
        return original(self, pubs, shots=shots, dry_run=dry_run)

    monkeypatch.setattr(Sampler, "run", spy)
    run = hw.submit(_programs(1)[0], FakeLagosV2(), shots=512, seed=3, journal=root)
    assert seen["status"] == "pending"
    assert seen["qasm"].startswith("OPENQASM 3")
    assert seen["params"]["window"] == 4 and len(seen["params"]["signal"]) == 8
    assert run.status == "done" and run.complete
    rec = Journal(root).get(run.run_id)
    assert rec.backend == "fake_lagos" and rec.mode == "local"
    assert rec.jobs[0]["job_id"] and rec.jobs[0]["submitted"] and rec.jobs[0]["finished"]
    assert sum(Journal(root).counts(run.run_id)[0].values()) == 512
    # the circuit read back is the ISA circuit that was sent
    back = Journal(root).circuit(run.run_id, 0)
    hw.check_isa(back, FakeLagosV2())


def test_failure_mid_run_is_recorded_and_resumes_to_the_same_counts(tmp_path, monkeypatch):
    progs = _programs(2)
    backend = FakeLagosV2()
    ref = hw.submit(progs, backend, shots=1000, seed=11, journal=tmp_path / "ref", max_circuits_per_job=1)
    assert ref.complete and ref.record.jobs[1]["status"] == "done"

    root = tmp_path / "runs"
    original, calls = Sampler.run, []

    def flaky(self, pubs, *, shots=None, dry_run=False):
        calls.append(1)
        if len(calls) == 2:
            raise ConnectionError("injected: connection reset while sending job 1")
        return original(self, pubs, shots=shots, dry_run=dry_run)

    monkeypatch.setattr(Sampler, "run", flaky)
    with pytest.raises(hw.HardwareAccessError, match="injected"):
        hw.submit(progs, backend, shots=1000, seed=11, journal=root, max_circuits_per_job=1)
    jnl = Journal(root)
    (rec,) = jnl.runs()
    assert rec.status == "failed" and "injected" in rec.error
    assert [j["status"] for j in rec.jobs] == ["done", "failed"]
    assert rec.jobs[1]["job_id"] is None
    assert list(jnl.counts(rec.run_id)) == [0]
    assert not [p for p in root.rglob(".*") if p.name != ".lock"]  # no temporary leftovers

    monkeypatch.setattr(Sampler, "run", original)
    resumed = hw.fetch(rec.run_id, journal=root)
    assert resumed.complete and resumed.status == "done"
    assert resumed.record.jobs[1]["attempts"] == 2 and resumed.record.error is None
    # same ISA circuits, same per-job seeds: the resumed run is the uninterrupted one
    assert resumed.counts == ref.counts
    np.testing.assert_allclose(resumed.denoised(1), ref.denoised(1), rtol=0, atol=0)
    assert resumed.denoised(0).shape == (8,)


def test_crash_while_waiting_then_cli_fetch(tmp_path, monkeypatch, capsys):
    root, src = tmp_path / "runs", tmp_path / "in.csv"
    src.write_text("\n".join(repr(float(v)) for v in _signal(5)))

    def crash(self, *a, **k):
        raise KeyboardInterrupt  # the process is interrupted after the job was sent

    monkeypatch.setattr(LocalRuntimeJob, "result", crash)
    out = tmp_path / "out.csv"
    args = ["run", str(src), "--backend", "fake_lagos", "--window", "4", "--threshold", "1", "--shots", "500",
            "-o", str(out), "--root", str(root)]
    assert main(args) == 130
    assert "journal" in capsys.readouterr().err
    assert not out.exists()
    (rec,) = Journal(root).runs()
    assert rec.status == "submitted" and rec.jobs[0]["job_id"]

    assert main(["jobs", "list", "--root", str(root)]) == 0
    listing = capsys.readouterr().out
    assert rec.run_id in listing and "submitted" in listing

    monkeypatch.undo()
    assert main(["jobs", "fetch", rec.run_id[-8:], "--root", str(root), "-o", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "done" in printed and str(out) in printed
    table = np.genfromtxt(out, delimiter=",", names=True)
    assert table.dtype.names == ("noisy", "denoised") and table.size == 8
    np.testing.assert_allclose(table["noisy"], _signal(5), rtol=1e-9)
    # a second fetch has nothing to do and does not clobber without --force
    assert main(["jobs", "fetch", rec.run_id, "--root", str(root), "-o", str(out)]) == 2
    assert "--force" in capsys.readouterr().err
    assert main(["jobs", "show", rec.run_id, "--root", str(root)]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["status"] == "done" and shown["jobs"][0]["attempts"] == 2


def test_local_fetch_without_resubmit_says_how(tmp_path, monkeypatch):
    monkeypatch.setattr(LocalRuntimeJob, "result", lambda self, *a, **k: (_ for _ in ()).throw(KeyboardInterrupt))
    with pytest.raises(KeyboardInterrupt):
        hw.submit(_programs(1)[0], FakeLagosV2(), shots=100, journal=tmp_path)
    monkeypatch.undo()
    (rec,) = Journal(tmp_path).runs()
    with pytest.raises(hw.HardwareAccessError, match="resubmit"):
        hw.fetch(rec.run_id, journal=tmp_path, resubmit=False)


# ---------------------------------------------------------------------------------------------
def _record(tmp_path, mode="local", n=1):
    progs = _programs(n)
    isa = hw.prepare(progs, FakeLagosV2())
    jnl = Journal(tmp_path / "runs")
    rec = jnl.create(backend="fake_lagos", mode=mode, circuits=isa, jobs=[[i] for i in range(n)],
                     params=[p.params for p in progs], settings={"shots": 100, "sampler_options": {}})
    return jnl, rec, progs


def test_update_is_atomic_under_a_failing_write(tmp_path, monkeypatch):
    jnl, rec, _ = _record(tmp_path)
    before = (rec.path / "run.json").read_bytes()

    def half_then_fail(tmp, data, *, fsync=False):
        with open(tmp, "wb") as fh:
            fh.write(data[: len(data) // 2])
        raise OSError("injected: disk full")

    monkeypatch.setattr("qdn.io.atomic.write_bytes", half_then_fail)
    with pytest.raises(OSError, match="disk full"):
        jnl.update_job(rec.run_id, 0, status="submitted", job_id="abc")
    assert (rec.path / "run.json").read_bytes() == before
    assert sorted(p.name for p in rec.path.iterdir()) == [".lock", "circuits", "results", "run.json"]

    monkeypatch.undo()
    monkeypatch.setattr(os, "replace", lambda *a: (_ for _ in ()).throw(OSError("injected: rename failed")))
    with pytest.raises(OSError, match="rename"):
        jnl.save_counts(rec.run_id, 0, {0: 5, 3: 7}, job_id="abc")
    monkeypatch.undo()
    assert (rec.path / "run.json").read_bytes() == before
    assert list((rec.path / "results").iterdir()) == []
    assert jnl.get(rec.run_id).jobs[0]["status"] == "pending"


def test_create_is_all_or_nothing(tmp_path, monkeypatch):
    from qiskit import qpy

    progs = _programs(2)
    isa = hw.prepare(progs, FakeLagosV2())
    original, calls = qpy.dump, []

    def fail_second(*a, **k):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("injected: serialisation failed")
        return original(*a, **k)

    monkeypatch.setattr(qpy, "dump", fail_second)
    jnl = Journal(tmp_path)
    with pytest.raises(RuntimeError, match="injected"):
        jnl.create(backend="fake_lagos", mode="local", circuits=isa, jobs=[[0, 1]])
    assert jnl.runs() == [] and _files(tmp_path) == []
    monkeypatch.undo()

    def fail_in_files(tmp, data, *, fsync=False):
        raise OSError("injected: crash while writing the run directory")

    monkeypatch.setattr("qdn.hardware.journal.write_bytes", fail_in_files)
    with pytest.raises(OSError, match="injected"):
        jnl.create(backend="fake_lagos", mode="local", circuits=isa, jobs=[[0, 1]])
    assert jnl.runs() == [] and _files(tmp_path) == []


def test_bad_ids_and_partitions(tmp_path):
    jnl, rec, _ = _record(tmp_path)
    with pytest.raises(JournalError, match="no run"):
        jnl.get("nope")
    with pytest.raises(JournalError):
        jnl.get("../etc")
    assert jnl.get(rec.run_id[:12]).run_id == rec.run_id
    with pytest.raises(ValueError, match="partition"):
        jnl.create(backend="x", mode="local", circuits=[hw.prepare(_programs(1)[0], FakeLagosV2())], jobs=[[0, 1]])
    assert main(["jobs", "fetch", "nope", "--root", str(jnl.root)]) == 2
    assert main(["jobs", "list", "--root", str(tmp_path / "empty")]) == 0


# ---------------------------------------------------------------------------------------------
class _FakeJob:
    def __init__(self, job_id, result, status="DONE"):
        self._id, self._result, self._status = job_id, result, status

    def job_id(self):
        return self._id

    def status(self):
        return self._status

    def error_message(self):
        return "injected: calibration failed" if self._status == "ERROR" else None

    def result(self, timeout=None):
        if isinstance(self._result, BaseException):
            raise self._result
        return self._result


class _FakeService:
    """Stands in for QiskitRuntimeService: jobs by id and by tag."""

    def __init__(self, by_id, by_tag, backend=None):
        self.by_id, self.by_tag, self.calls, self._backend = by_id, by_tag, [], backend

    def backend(self, name):
        self.calls.append(("backend", name))
        return self._backend

    def job(self, job_id):
        self.calls.append(("job", job_id))
        return self.by_id[job_id]

    def jobs(self, job_tags=None, limit=None):
        self.calls.append(("jobs", tuple(job_tags)))
        return [j for tag, j in self.by_tag.items() if tag in job_tags]


def _exact_result(prog, shots=10**6):
    """A sampler result whose counts are the exact output distribution (no shot noise)."""
    res = paper_denoise(np.asarray(prog.params["signal"]), prog.params["window"],
                      threshold=np.asarray(prog.params["thresholds"]), variant="compact", backend="emulator")
    probs = np.abs(res.state[0].ravel()) ** 2
    counts = {i: int(round(p * shots)) for i, p in enumerate(probs / probs.sum()) if p > 1e-12}
    bits = BitArray.from_counts(counts, num_bits=prog.layout.n + 1)
    return PrimitiveResult([SamplerPubResult(DataBin(meas=bits))]), res.denoised


def test_ibm_mode_resumes_by_job_id_and_by_tag(tmp_path):
    jnl, rec, progs = _record(tmp_path, mode="ibm", n=2)
    # job 0 reached the journal with its id; job 1 was accepted by the service but the process
    # died before its id was written: only its tag identifies it
    jnl.update_job(rec.run_id, 0, status="submitted", job_id="job-a")
    (r0, exact0), (r1, exact1) = _exact_result(progs[0]), _exact_result(progs[1])
    service = _FakeService({"job-a": _FakeJob("job-a", r0)}, {rec.jobs[1]["tag"]: _FakeJob("job-b", r1)})
    run = hw.fetch(rec.run_id, journal=jnl, service=service)
    assert run.complete and run.status == "done"
    assert [j["job_id"] for j in run.record.jobs] == ["job-a", "job-b"]
    assert ("jobs", (rec.jobs[1]["tag"],)) in service.calls
    np.testing.assert_allclose(run.denoised(0), exact0, atol=1e-2 * np.ptp(exact0))
    np.testing.assert_allclose(run.denoised(1), exact1, atol=1e-2 * np.ptp(exact1))


def test_ibm_mode_never_resubmits_silently(tmp_path):
    jnl, rec, _ = _record(tmp_path, mode="ibm", n=1)
    service = _FakeService({}, {})
    with pytest.raises(hw.HardwareAccessError, match="never reached the service.*resubmit"):
        hw.fetch(rec.run_id, journal=jnl, service=service)
    assert jnl.get(rec.run_id).status == "pending"


def test_ibm_mode_timeout_keeps_the_job_and_errors_resubmit_on_request(tmp_path):
    from qiskit_ibm_runtime.exceptions import RuntimeJobTimeoutError

    jnl, rec, progs = _record(tmp_path, mode="ibm", n=2)
    jnl.update_job(rec.run_id, 0, status="submitted", job_id="job-slow")
    jnl.update_job(rec.run_id, 1, status="submitted", job_id="job-bad")
    slow = _FakeJob("job-slow", RuntimeJobTimeoutError("injected: still queued"), status="QUEUED")
    bad = _FakeJob("job-bad", None, status="ERROR")
    # the stand-in service hands out a fake backend, so a resubmission runs locally
    service = _FakeService({"job-slow": slow, "job-bad": bad}, {}, backend=FakeLagosV2())

    with pytest.raises(hw.HardwareAccessError, match="ended ERROR.*calibration failed.*resubmit"):
        hw.fetch(rec.run_id, journal=jnl, service=service, timeout=1)
    after = jnl.get(rec.run_id)
    assert after.jobs[0]["status"] == "submitted" and after.jobs[0]["job_id"] == "job-slow"  # not lost
    assert after.jobs[1]["status"] == "failed" and after.status == "failed"

    run = hw.fetch(rec.run_id, journal=jnl, service=service, timeout=1, resubmit=True, wait=False)
    assert not run.complete and list(run.counts) == [1]  # the resent job ran (locally, here)
    job1 = run.record.jobs[1]
    assert job1["status"] == "done" and job1["previous_job_ids"] == ["job-bad"] and job1["attempts"] == 1
    assert run.record.jobs[0]["status"] == "submitted"
    assert run.denoised(1).shape == (8,)
    with pytest.raises(RuntimeError, match="no result yet"):
        run.denoised(0)
