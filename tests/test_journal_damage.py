"""Damaged journal files: a bad ``run.json`` never hides the other runs, and ``fetch`` names a
damaged results or circuit file and recomputes from the stored circuit when one is intact.

Local testing mode (the client-side Sampler on a fake backend, no account); the IBM path runs
against a stand-in service object. One run is simulated per module and copied for each test.
"""

import json
import shutil

import numpy as np
import pytest

from qdn import hardware as hw
from qdn.cli import main
from qdn.hardware.journal import DamagedRun, Journal, JournalError

pytest.importorskip("qiskit_ibm_runtime")
from qiskit.primitives.containers import BitArray, DataBin, PrimitiveResult, SamplerPubResult  # noqa: E402
from qiskit_ibm_runtime.fake_provider import FakeLagosV2  # noqa: E402

RUN = "20260101T000000Z-0000000a"  # the copy of the simulated run inside each test's journal


def _signal(seed, n=8):
    t = np.arange(n)
    return np.cos(2 * np.pi * t / 4) + 0.5 * (t >= n // 2) + 0.1 * np.random.default_rng(seed).normal(size=n)


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    """A finished local run of two items in two jobs, and its counts."""
    root = tmp_path_factory.mktemp("template")
    progs = [hw.build_program(_signal(s), 4, threshold=1) for s in range(2)]
    run = hw.submit(progs, FakeLagosV2(), shots=400, seed=7, journal=root, max_circuits_per_job=1)
    assert run.complete
    return root / run.run_id, run.counts


@pytest.fixture
def journal(tmp_path, template):
    src, counts = template
    root = tmp_path / "runs"
    root.mkdir()
    shutil.copytree(src, root / RUN)
    return Journal(root), root / RUN, counts


def _fetch(root, *extra):
    return main(["jobs", "fetch", RUN, "--root", str(root), *extra])


# ---------------------------------------------------------------------------------------------
DAMAGED_RUN_JSON = {
    "truncated": (lambda text: text[: len(text) // 2], "truncated JSON"),
    "empty": (lambda text: "", "empty file"),
    "not-json": (lambda text: "this is not JSON\n", "not JSON"),
    "array": (lambda text: "[1, 2, 3]\n", "wrong shape: a JSON array, not an object"),
    "jobs-not-list": (lambda text: json.dumps({**json.loads(text), "jobs": "x"}), "wrong shape: 'jobs' is a JSON string"),
    "no-items": (lambda text: json.dumps({k: v for k, v in json.loads(text).items() if k != "items"}),
                 "wrong shape: 'items' is missing"),
    "bad-job-items": (lambda text: json.dumps({**json.loads(text), "jobs": [{**json.loads(text)["jobs"][0], "items": [9]}]}),
                      "wrong shape: jobs[0]: 'items' is [9]"),
    "escaping-path": (lambda text: json.dumps({**json.loads(text), "items": [
        {**it, "qpy": "../../etc/passwd"} for it in json.loads(text)["items"]]}), "not a path inside the run"),
}


def test_list_shows_the_good_runs_and_marks_each_damaged_one(journal, capsys):
    jnl, good, _ = journal
    text = (good / "run.json").read_text()
    names = {}
    for k, (kind, (damage, _)) in enumerate(DAMAGED_RUN_JSON.items()):
        names[kind] = f"20260102T000000Z-{k:08x}"
        shutil.copytree(good, jnl.root / names[kind])
        (jnl.root / names[kind] / "run.json").write_text(damage(text))
    (jnl.root / "20260103T000000Z-ffffffff" / "circuits").mkdir(parents=True)  # run.json gone
    (jnl.root / "notes").mkdir()  # not a run directory: ignored

    recs, damaged = jnl.scan()
    assert [r.run_id for r in recs] == [RUN] and [r.run_id for r in jnl.runs()] == [RUN]
    assert all(isinstance(d, DamagedRun) for d in damaged)
    reasons = {d.run_id: d.reason for d in damaged}
    assert len(damaged) == len(DAMAGED_RUN_JSON) + 1
    for kind, (_, why) in DAMAGED_RUN_JSON.items():
        assert why in reasons[names[kind]], (kind, reasons[names[kind]])
    assert reasons["20260103T000000Z-ffffffff"] == "missing"
    assert all(d.path == jnl.root / d.run_id / "run.json" for d in damaged)

    assert main(["jobs", "list", "--root", str(jnl.root)]) == 0
    out, err = capsys.readouterr()
    assert RUN in out and "| done |" in out.replace("  ", " ")
    lines = [ln for ln in out.splitlines() if ln.startswith("damaged run ")]
    assert len(lines) == len(damaged)
    assert f"damaged run {names['truncated']}: {jnl.root / names['truncated'] / 'run.json'}: truncated JSON" in out
    assert "damaged run(s)" in err and "Traceback" not in err

    # the damaged run itself: one line naming the file, exit 2, for show and fetch alike
    for cmd in (["jobs", "show", names["empty"]], ["jobs", "fetch", names["empty"]]):
        assert main([*cmd, "--root", str(jnl.root)]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and f"{jnl.root / names['empty'] / 'run.json'}: empty file" in err
    with pytest.raises(JournalError, match="not JSON"):
        jnl.get(names["not-json"])


def test_list_with_only_damaged_runs(tmp_path, capsys):
    (tmp_path / "20260101T000000Z-00000001").mkdir()
    (tmp_path / "20260101T000000Z-00000001" / "run.json").write_bytes(b"{\"a\": \"\xc3\x28\"}")
    assert main(["jobs", "list", "--root", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "no readable runs" in out and "run.json: not text" in out


# ---------------------------------------------------------------------------------------------
def test_deleted_results_file_is_recomputed_from_the_stored_circuit(journal, capsys):
    jnl, run_dir, counts = journal
    before = jnl.get(RUN)
    (run_dir / "results" / "001.json").unlink()
    assert jnl.damaged_results(RUN) == {1: f"{run_dir / 'results' / '001.json'}: missing"}
    with pytest.raises(JournalError, match=r"results/001\.json: missing"):
        jnl.counts(RUN)
    with pytest.raises(hw.HardwareAccessError, match=r"001\.json: missing.*resubmit"):
        hw.fetch(RUN, journal=jnl, resubmit=False)

    out = jnl.root.parent / "out.csv"
    assert _fetch(jnl.root, "-o", str(out)) == 0
    printed = capsys.readouterr().out
    assert f"note: {run_dir / 'results' / '001.json'}: missing; recomputed from {run_dir / 'circuits' / '001.qpy'}" in printed
    after = jnl.get(RUN)
    assert jnl.counts(RUN) == counts  # same ISA circuit, same per-job seed: the same counts
    assert after.jobs[0] == before.jobs[0]  # only the job of the damaged item ran again
    assert after.jobs[1]["attempts"] == 2 and after.jobs[1]["previous_job_ids"] == [before.jobs[1]["job_id"]]
    assert (jnl.root.parent / "out-001.csv").exists() and jnl.damaged_results(RUN) == {}


@pytest.mark.parametrize("damage, why", [
    (lambda b: b[: len(b) // 2], "truncated JSON"),
    (lambda b: b"\x00\x01 binary junk", "not"),
    (lambda b: json.dumps({"item": 0, "counts": [1, 2]}).encode(), "wrong shape: no 'counts' object"),
    (lambda b: json.dumps({**json.loads(b), "counts": {k: v + 1 for k, v in json.loads(b)["counts"].items()}}).encode(),
     "SHA-256 mismatch"),  # well-formed, but not the counts that were saved
])
def test_corrupted_results_file_is_recomputed(journal, damage, why):
    jnl, run_dir, counts = journal
    path = run_dir / "results" / "000.json"
    path.write_bytes(damage(path.read_bytes()))
    (item, msg), = jnl.damaged_results(RUN).items()
    assert item == 0 and msg.startswith(f"{path}: ") and why in msg
    run = hw.fetch(RUN, journal=jnl)
    assert run.complete and run.counts == counts
    assert run.notes == [f"{msg}; recomputed from {run_dir / 'circuits' / '000.qpy'}"]


@pytest.mark.parametrize("damage", [lambda b: b"", lambda b: b[:40], lambda b: b[:200] + bytes([b[200] ^ 0xFF]) + b[201:]])
def test_damaged_qpy_with_intact_qasm3_uses_the_qasm3(journal, damage):
    jnl, run_dir, counts = journal
    qpy = run_dir / "circuits" / "000.qpy"
    qpy.write_bytes(damage(qpy.read_bytes()))
    (run_dir / "results" / "000.json").unlink()
    qc, source, problems = jnl.load_circuit(RUN, 0)
    assert source == run_dir / "circuits" / "000.qasm3" and len(problems) == 1 and problems[0].startswith(f"{qpy}: ")
    hw.check_isa(qc, FakeLagosV2())
    run = hw.fetch(RUN, journal=jnl)
    # the OpenQASM 3 text round-trips the ISA circuit: the same counts as the QPY one gave
    assert run.complete and run.counts == counts
    assert any(n.startswith(f"{qpy}: ") and n.endswith(f"used {source}") for n in run.notes)
    assert f"{run_dir / 'results' / '000.json'}: missing; recomputed from {source}" in run.notes


def test_runs_recorded_without_digests_are_still_checked_by_their_readers(journal):
    jnl, run_dir, counts = journal
    data = json.loads((run_dir / "run.json").read_text())
    for it in data["items"]:
        it.pop("sha256"), it.pop("result_sha256")
    (run_dir / "run.json").write_text(json.dumps(data))
    assert jnl.counts(RUN) == counts and jnl.damaged_results(RUN) == {}
    qpy = run_dir / "circuits" / "000.qpy"
    qpy.write_bytes(b"QISKIT" + bytes(range(60)))
    (run_dir / "results" / "000.json").write_text('{"item": 0, "counts": {"0": -1}}')
    (why,) = jnl.damaged_results(RUN).values()
    assert why.endswith("wrong shape: count '0': -1")
    run = hw.fetch(RUN, journal=jnl)
    assert run.counts == counts and run.notes[0].startswith(f"{qpy}: ")
    assert run.notes[0].endswith(f"used {run_dir / 'circuits' / '000.qasm3'}")


def test_both_circuit_files_damaged_is_one_line_naming_them(journal, capsys, monkeypatch):
    monkeypatch.setenv(hw.TOKEN_ENV, "tok-e2e-secret-1234")
    jnl, run_dir, _ = journal
    (run_dir / "circuits" / "000.qpy").write_bytes(b"")
    (run_dir / "circuits" / "000.qasm3").write_text("OPENQASM 3.0;\nthis is not a program tok-e2e-secret-1234\n")
    (run_dir / "results" / "000.json").unlink()
    before = (run_dir / "run.json").read_bytes()
    assert _fetch(jnl.root) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("qdn: error: ")
    assert f"{run_dir / 'results' / '000.json'}: missing, and it cannot be recomputed" in err
    assert f"{run_dir / 'circuits' / '000.qpy'}: empty file" in err and f"{run_dir / 'circuits' / '000.qasm3'}: " in err
    assert "tok-e2e-secret-1234" not in err
    assert (run_dir / "run.json").read_bytes() == before  # nothing was marked or sent


def test_unfinished_job_whose_circuit_files_are_gone(journal):
    jnl, run_dir, _ = journal
    (run_dir / "circuits" / "001.qasm3").unlink()
    (run_dir / "circuits" / "001.qpy").unlink()
    jnl.update_job(RUN, 1, status="failed", error="injected")
    before = (run_dir / "run.json").read_bytes()
    with pytest.raises(JournalError, match=r"job 1 of run \S+ cannot be sent again: no intact circuit for item 1 "
                                           r"of run \S+: \S+/001\.qpy: missing; \S+/001\.qasm3: missing$"):
        hw.fetch(RUN, journal=jnl)
    assert (run_dir / "run.json").read_bytes() == before


# ---------------------------------------------------------------------------------------------
class _Job:
    def __init__(self, job_id, result):
        self._id, self._result = job_id, result

    def job_id(self):
        return self._id

    def status(self):
        return "DONE"

    def result(self, timeout=None):
        return self._result


class _Service:
    def __init__(self, jobs):
        self.jobs_by_id, self.calls = jobs, []

    def job(self, job_id):
        self.calls.append(job_id)
        if job_id not in self.jobs_by_id:
            raise RuntimeError(f"injected: job {job_id} not found")
        return self.jobs_by_id[job_id]

    def jobs(self, job_tags=None, limit=None):
        return []


def _ibm_done_run(journal):
    """The copied run as if it had run on IBM: mode ``ibm``, both jobs done, job ids ``job-0/1``."""
    jnl, run_dir, counts = journal
    data = json.loads((run_dir / "run.json").read_text())
    data["mode"] = "ibm"
    for b, row in enumerate(data["jobs"]):
        row["job_id"] = f"job-{b}"
    (run_dir / "run.json").write_text(json.dumps(data))
    bits = BitArray.from_counts(counts[0], num_bits=jnl.circuit(RUN, 0).num_clbits)
    return jnl, run_dir, counts, PrimitiveResult([SamplerPubResult(DataBin(meas=bits))])


def test_ibm_run_downloads_a_damaged_results_file_again(journal):
    jnl, run_dir, counts, result = _ibm_done_run(journal)
    (run_dir / "results" / "000.json").write_text("{")
    service = _Service({"job-0": _Job("job-0", result)})
    run = hw.fetch(RUN, journal=jnl, service=service)
    assert run.complete and run.counts == counts and service.calls == ["job-0"]
    assert run.notes == [f"{run_dir / 'results' / '000.json'}: truncated JSON (Expecting property name enclosed "
                         "in double quotes: line 1 column 2); saved again from job job-0"]
    assert run.record.jobs[0]["attempts"] == 1  # retrieved, not resubmitted


def test_ibm_run_whose_job_is_gone_names_the_file_and_sends_nothing(journal, capsys):
    jnl, run_dir, _, _ = _ibm_done_run(journal)
    (run_dir / "results" / "000.json").unlink()
    with pytest.raises(hw.HardwareAccessError) as info:
        hw.fetch(RUN, journal=jnl, service=_Service({}))
    msg = str(info.value)
    assert msg.startswith(f"{run_dir / 'results' / '000.json'}: missing; cannot retrieve job 0")
    assert "not found" in msg
    assert jnl.get(RUN).jobs[0]["attempts"] == 1 and jnl.get(RUN).jobs[0]["job_id"] == "job-0"
