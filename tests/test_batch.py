"""qdn batch: many files on a Dask cluster give the outputs of `qdn denoise` run file by file,
failures stay per item, and a batch killed mid-way resumes without partial or duplicated files.

One LocalCluster (2 worker processes, 1 thread each) serves the whole module; the CLI is run in
this process with --scheduler, except for the run that is killed (a subprocess, SIGKILL by PID).
Inputs are tiny (64-128 samples, 16x16-32x32 images) and run on the exact emulator.
"""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

distributed = pytest.importorskip("distributed")

from qdn.batch import MANIFEST_NAME, denoise_files  # noqa: E402
from qdn.batch.outputs import LOCK  # noqa: E402
from qdn.cli import main  # noqa: E402

OPTS = ["--window", "8", "--shifts", "1", "--backend", "emulator"]
UIDS = ("SOPInstanceUID", "SeriesInstanceUID")


@pytest.fixture(scope="module")
def cluster():
    cl = distributed.LocalCluster(n_workers=2, processes=True, threads_per_worker=1, dashboard_address=":0")
    try:
        yield cl.scheduler_address
    finally:
        cl.close()


def _signal(n, seed):
    t = np.arange(n)
    return np.sin(2 * np.pi * t / 32) + 0.2 * np.random.default_rng(seed).normal(size=n)


def _dicom(path: Path, side: int = 32, offset: int = 0) -> None:
    """A small DICOM image: pydicom's MR_small cropped to side x side (a slice of its series)."""
    import pydicom
    from pydicom.data import get_testdata_file
    from pydicom.uid import generate_uid

    ds = pydicom.dcmread(get_testdata_file("MR_small.dcm"))
    ds.SOPInstanceUID = ds.file_meta.MediaStorageSOPInstanceUID = generate_uid()
    crop = np.ascontiguousarray(ds.pixel_array[offset:offset + side, offset:offset + side])
    ds.Rows = ds.Columns = side
    ds.PixelData = crop.astype(crop.dtype.newbyteorder("<")).tobytes()
    ds.save_as(path)


def _inputs(root: Path) -> tuple[list[Path], dict[str, str]]:
    """21 files: 16 good (CSV/NPY signals, PNG/NPY images, two DICOM slices of one series),
    5 corrupt; the corrupt ones with a word their error line must contain."""
    import imageio.v3 as iio

    rng = np.random.default_rng(0)
    (root / "sig").mkdir(parents=True)
    (root / "img" / "deep").mkdir(parents=True)
    good = []
    for i in range(5):
        p = root / "sig" / f"ecg{i}.csv"
        p.write_text("\n".join(repr(float(v)) for v in _signal(64 + 64 * (i % 2), i)) + "\n")
        good.append(p)
    for i in range(4):
        p = root / "sig" / f"s{i}.npy"
        np.save(p, _signal(128, 10 + i))
        good.append(p)
    for i in range(3):
        p = root / "img" / f"im{i}.png"
        iio.imwrite(p, (rng.random((16, 16)) * 255).astype(np.uint8))
        good.append(p)
    for i in range(2):
        p = root / "img" / "deep" / f"a{i}.npy"
        np.save(p, rng.random((32, 32)))
        good.append(p)
    for name, offset in (("mr.dcm", 0), ("mr2.dcm", 16)):
        _dicom(root / "img" / name, offset=offset)
        good.append(root / "img" / name)
    bad = {
        "sig/text.csv": "not a numeric column",
        "sig/two.csv": "choose one with --column",
        "sig/empty.npy": "is empty",
        "img/broken.png": "cannot read",
        "img/junk.dcm": "not a readable DICOM",
    }
    (root / "sig" / "text.csv").write_text("hello\nworld\n")
    (root / "sig" / "two.csv").write_text("a,b\n1,2\n3,4\n5,6\n")
    (root / "sig" / "empty.npy").write_bytes(b"")
    (root / "img" / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 20)
    (root / "img" / "junk.dcm").write_bytes(b"not a dicom file at all")
    return good, bad


def _same_output(a: Path, b: Path) -> None:
    """Byte-identical, except the UIDs a DICOM output gets new on every write."""
    if a.suffix != ".dcm":
        assert a.read_bytes() == b.read_bytes(), a
        return
    import pydicom

    da, db = pydicom.dcmread(a), pydicom.dcmread(b)
    for ds in (da, db):
        for kw in UIDS:
            setattr(ds, kw, "1.2.3")
        ds.file_meta.MediaStorageSOPInstanceUID = "1.2.3"
    assert da == db and da.file_meta == db.file_meta and da.PixelData == db.PixelData


def _files(folder: Path) -> list[str]:
    """Every file under ``folder`` but the batch's lock file."""
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file() and p.name != LOCK)


def _serial(src: Path, out: Path, capsys) -> tuple[int, str]:
    code = main(["denoise", str(src), "-o", str(out), *OPTS])
    return code, capsys.readouterr().err.strip()


# ---------------------------------------------------------------------------------------------
def test_mixed_folder_matches_serial_runs(cluster, tmp_path, capsys):
    src, out, ref = tmp_path / "in", tmp_path / "out", tmp_path / "ref"
    good, bad = _inputs(src)
    assert main(["batch", str(src), "-o", str(out), *OPTS, "--scheduler", cluster]) == 1
    captured = capsys.readouterr()
    assert "| failed | 5 |" in captured.out and "| done | 16 |" in captured.out
    failures = [line for line in captured.err.splitlines() if line.startswith(str(src)) or line.startswith("qdn:")]
    assert len(failures) == 5
    for rel, needle in bad.items():
        code, line = _serial(src / rel, ref / rel, capsys)
        assert code == 2 and needle in line
        # the same message as `qdn denoise`, naming the input
        assert any(f.endswith(line) for f in failures), (line, failures)
    for path in good:
        rel = path.relative_to(src)
        assert _serial(path, ref / rel, capsys)[0] == 0
        _same_output(out / rel, ref / rel)
    assert _files(out) == sorted([MANIFEST_NAME] + [str(p.relative_to(src)) for p in good])
    # the DICOM rules of qdn denoise: new UIDs, study kept; the slices of a series stay one series
    import pydicom

    a, s = pydicom.dcmread(out / "img" / "mr.dcm"), pydicom.dcmread(src / "img" / "mr.dcm")
    b = pydicom.dcmread(out / "img" / "mr2.dcm")
    assert a.SOPInstanceUID != s.SOPInstanceUID and a.StudyInstanceUID == s.StudyInstanceUID
    assert a.SeriesInstanceUID == b.SeriesInstanceUID != s.SeriesInstanceUID and a.SOPInstanceUID != b.SOPInstanceUID


def test_rerun_skips_done_redoes_changed_and_failed(cluster, tmp_path, capsys):
    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    for i in range(4):
        np.save(src / f"s{i}.npy", _signal(64, i))
    (src / "bad.csv").write_text("x\n")
    first = denoise_files(src, out, scheduler=cluster, window=8, shifts=1, backend="emulator", echo=False)
    assert sorted(first.done) == [f"s{i}.npy" for i in range(4)] and list(first.failed) == ["bad.csv"]
    stamp = {p: p.stat().st_mtime_ns for p in out.glob("*.npy")}

    np.save(src / "s2.npy", _signal(64, 99))  # changed input
    (src / "bad.csv").write_text("".join(f"{v}\n" for v in _signal(16, 5)))  # repaired input
    before = out.joinpath(MANIFEST_NAME).read_text()
    listing = _files(out)
    dry = denoise_files(src, out, scheduler=cluster, dry_run=True, window=8, shifts=1, backend="emulator")
    assert dry.planned == {"bad.csv": "retry", "s0.npy": "skip", "s1.npy": "skip", "s2.npy": "changed",
                           "s3.npy": "skip"}
    assert out.joinpath(MANIFEST_NAME).read_text() == before and _files(out) == listing  # wrote nothing

    second = denoise_files(src, out, scheduler=cluster, window=8, shifts=1, backend="emulator", echo=False)
    assert sorted(second.done) == ["bad.csv", "s2.npy"] and sorted(second.skipped) == ["s0.npy", "s1.npy", "s3.npy"]
    assert second.ok
    assert all(p.stat().st_mtime_ns == t for p, t in stamp.items() if p.name != "s2.npy")
    ref = tmp_path / "ref.npy"
    assert main(["denoise", str(src / "s2.npy"), "-o", str(ref), *OPTS]) == 0
    assert (out / "s2.npy").read_bytes() == ref.read_bytes()
    # other options redo everything
    third = denoise_files(src, out, scheduler=cluster, window=16, shifts=1, backend="emulator", echo=False)
    assert len(third.done) == 5
    lines = [json.loads(x) for x in out.joinpath(MANIFEST_NAME).read_text().splitlines()]
    assert {r["status"] for r in lines} == {"done", "failed"} and all(len(r["sha256"]) == 64 for r in lines)


def test_output_not_ours_needs_force(cluster, tmp_path, capsys):
    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    out.mkdir()
    np.save(src / "a.npy", _signal(64, 0))
    (out / "a.npy").write_bytes(b"keep")
    assert main(["batch", str(src), "-o", str(out), *OPTS, "--scheduler", cluster]) == 1
    assert f"qdn: error: {out / 'a.npy'} exists; use --force to overwrite" in capsys.readouterr().err
    assert (out / "a.npy").read_bytes() == b"keep"
    assert main(["batch", str(src), "-o", str(out), *OPTS, "--scheduler", cluster, "--force"]) == 0
    assert np.load(out / "a.npy").shape == (64,)


def test_dry_run_writes_nothing(cluster, tmp_path, capsys):
    src = tmp_path / "in"
    src.mkdir()
    np.save(src / "a.npy", _signal(64, 0))
    assert main(["batch", str(src / "*.npy"), "-o", str(tmp_path / "out"), *OPTS, "--dry-run"]) == 0
    assert "denoise: a.npy" in capsys.readouterr().out
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("args,needle", [
    (["batch", "nowhere", "-o", "out"], "no such folder"),
    (["batch", "in", "-o", "out", "--workers", "0"], "positive integer"),
    (["batch", "in", "-o", "out", "--workers", "2", "--scheduler", "tcp://127.0.0.1:1"], "--scheduler"),
    (["batch", "in"], "required"),
    (["batch", "in", "-o", "file.txt"], "not a directory"),
    (["batch", "empty", "-o", "out"], "no input files"),
    (["batch", "in", "-o", "out", "--window", "12"], "power of two"),
    (["batch", "in", "-o", "out", "--backend", "fake_nowhere"], "unknown fake backend"),
])
def test_bad_usage_exits_2(tmp_path, monkeypatch, capsys, args, needle):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "in").mkdir()
    (tmp_path / "empty").mkdir()
    np.save(tmp_path / "in" / "a.npy", _signal(64, 0))
    (tmp_path / "file.txt").write_text("x")
    assert main(args) == 2
    assert needle in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_list_file_and_glob_inputs(tmp_path):
    from qdn.batch import discover

    (tmp_path / "a" / "b").mkdir(parents=True)
    for rel in ("a/x.csv", "a/b/y.npy", "a/.hidden.csv", "a/b/notes.md"):
        (tmp_path / rel).write_text("1\n")
    assert [i.rel for i in discover(tmp_path / "a")] == ["b/y.npy", "x.csv"]
    assert [i.rel for i in discover(str(tmp_path / "a" / "**" / "*.npy"))] == ["y.npy"]
    listing = tmp_path / "list.lst"
    listing.write_text("# inputs\na/x.csv\na/b/y.npy\n")
    assert [(i.rel, Path(i.path).exists()) for i in discover(listing)] == [("b/y.npy", True), ("x.csv", True)]


def test_killed_batch_resumes_without_partial_or_duplicate_files(cluster, tmp_path):
    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    for i in range(8):  # Aer statevector runs (~0.5 s each): slow enough to kill the batch mid-way
        np.save(src / f"s{i:02d}.npy", _signal(64, i))
    slow = ["--window", "16", "--shifts", "1", "--backend", "statevector", "--variant", "compact"]
    cmd = [sys.executable, "-m", "qdn", "batch", str(src), "-o", str(out), *slow, "--scheduler", cluster]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    manifest = out / MANIFEST_NAME
    deadline = time.monotonic() + 60
    try:
        while time.monotonic() < deadline and proc.poll() is None:
            if manifest.exists() and manifest.read_text().count("\n") >= 1:
                break
            time.sleep(0.02)
        assert proc.poll() is None, "the batch ended before it could be killed"
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
    done_before = manifest.read_text().count("\n")
    assert 1 <= done_before < 8
    leftovers = [out / f for f in _files(out) if f != MANIFEST_NAME and ".qdn-batch-staging" not in f]
    assert all(not p.name.startswith(".") and p.suffix == ".npy" for p in leftovers)  # only whole, recorded outputs
    assert len(leftovers) <= done_before

    assert main(["batch", str(src), "-o", str(out), *slow, "--scheduler", cluster]) == 0
    assert _files(out) == sorted([MANIFEST_NAME] + [f"s{i:02d}.npy" for i in range(8)])
    assert not list(out.rglob("*.tmp")) and not (out / ".qdn-batch-staging").exists()
    records = [json.loads(x) for x in manifest.read_text().splitlines()]
    last = {r["input"]: r for r in records}
    assert len(last) == 8 and all(r["status"] == "done" for r in last.values())
    ref = tmp_path / "ref.npy"
    assert main(["denoise", str(src / "s00.npy"), "-o", str(ref), *slow]) == 0
    assert (out / "s00.npy").read_bytes() == ref.read_bytes()


# ---------------------------------------------------------------------------------------------
FAKE_TOKEN = "qdnfaketoken0123456789abcdefghijklmnopqrstuvwxyzABCDEF"


def test_hardware_batch_is_one_journaled_batch_and_sends_no_token(cluster, tmp_path, monkeypatch, capsys):
    """Files on a backend of the runtime (fake_lagos: local testing mode, no account, no network)
    go out as the jobs of one qiskit_ibm_runtime Batch, journaled as `qdn run` journals; what is
    submitted to the workers holds no token although QISKIT_IBM_TOKEN is set."""
    qiskit_ibm_runtime = pytest.importorskip("qiskit_ibm_runtime")
    import cloudpickle

    from qdn.hardware.jobs import JobRunner
    from qdn.hardware.journal import Journal

    monkeypatch.setenv("QISKIT_IBM_TOKEN", FAKE_TOKEN)
    opened, modes, sent = [], [], []
    real_batch, real_sampler = qiskit_ibm_runtime.Batch, JobRunner._sampler

    class SpyBatch(real_batch):
        def __init__(self, *a, **k):
            super().__init__(*a, **k)
            opened.append(self)

    def spy_sampler(self, mode, options):
        modes.append(mode)
        return real_sampler(self, mode, options)

    real_map, real_submit = distributed.Client.map, distributed.Client.submit

    def spy_map(self, func, *iterables, **kw):
        sent.append(cloudpickle.dumps((func, iterables, kw)))
        return real_map(self, func, *iterables, **kw)

    def spy_submit(self, func, *args, **kw):
        sent.append(cloudpickle.dumps((func, args, kw)))
        return real_submit(self, func, *args, **kw)

    monkeypatch.setattr(qiskit_ibm_runtime, "Batch", SpyBatch)
    monkeypatch.setattr(JobRunner, "_sampler", spy_sampler)
    monkeypatch.setattr(distributed.Client, "map", spy_map)
    monkeypatch.setattr(distributed.Client, "submit", spy_submit)

    src, out, root = tmp_path / "in", tmp_path / "out", tmp_path / "runs"
    src.mkdir()
    for i in range(3):
        (src / f"e{i}.csv").write_text("\n".join(repr(float(v)) for v in _signal(8, i)) + "\n")
    np.save(src / "img.npy", np.zeros((4, 4)))  # an image: refused on a device, as by qdn run
    args = ["batch", str(src), "-o", str(out), "--backend", "fake_lagos", "--window", "4", "--threshold", "1",
            "--shots", "256", "--root", str(root), "--circuits-per-job", "2", "--scheduler", cluster]
    assert main(args) == 1
    err = capsys.readouterr().err
    assert "img.npy: an image; IBM backends take signals" in err and FAKE_TOKEN not in err

    assert len(opened) == 1 and len(modes) == 2 and all(m is opened[0] for m in modes)  # one Batch, 2 jobs
    (run,) = Journal(root).runs()
    assert run.backend == "fake_lagos" and run.mode == "local" and run.status == "done"
    assert len(run.items) == 3 and len(run.jobs) == 2 and all(j["job_id"] for j in run.jobs)
    assert [it["params"]["window"] for it in run.items] == [4, 4, 4]
    assert run.data["settings"]["execution"] == "batch"
    for i in range(3):
        table = np.genfromtxt(out / f"e{i}.csv", delimiter=",", names=True)
        assert table.dtype.names == ("noisy", "denoised") and table.size == 8
        np.testing.assert_allclose(table["noisy"], _signal(8, i), rtol=1e-8)  # as journaled
    records = [json.loads(x) for x in (out / MANIFEST_NAME).read_text().splitlines()]
    assert {r["run_id"] for r in records if r["status"] == "done"} == {run.run_id}

    # the rerun skips everything but the image: nothing is sent again
    assert main(args) == 1
    assert len(Journal(root).runs()) == 1 and len(opened) == 1
    assert sent and all(FAKE_TOKEN.encode() not in blob for blob in sent)
    for path in [*root.rglob("*"), *out.rglob("*")]:
        assert not path.is_file() or FAKE_TOKEN.encode() not in path.read_bytes()


def test_local_cluster_workers_do_not_inherit_the_token(monkeypatch):
    from qdn.batch.driver import dask_client

    monkeypatch.setenv("QISKIT_IBM_TOKEN", FAKE_TOKEN)
    with dask_client(workers=1) as client:
        seen = client.run(lambda: os.environ.get("QISKIT_IBM_TOKEN"))
    assert list(seen.values()) == [None]
    assert os.environ["QISKIT_IBM_TOKEN"] == FAKE_TOKEN


def _bench(name):
    import importlib.util

    here = Path(__file__).resolve().parents[1] / "benchmarks"
    sys.path.insert(0, str(here))
    spec = importlib.util.spec_from_file_location(f"qdn_bench_batch_{name}", here / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_benchmark_cases_on_the_cluster_equal_the_serial_ones(cluster):
    """The sweeps' cases as Dask tasks give the serial results exactly (same seeds per case)."""
    common, scen, paper = _bench("_common"), _bench("noise_scenarios"), _bench("paper")
    cases = [(clean, make, seed, 16) for clean in scen.signals(64).values()
             for make in list(scen.scenarios(0.1, 15.0, 0.05, 30.0).values())[:3] for seed in range(2)]
    cases += [(c[0], c[1], c[2], 8) for c in cases[:2]]
    pcases = [(64, "HeaviSine", paper.demo_signal("HeaviSine", 64), sc, seed, "auto", [8])
              for sc in ("awgn", "poisson") for seed in range(2)]
    with distributed.Client(cluster) as client:
        on_dask = common.map_cases(scen._case, cases, client=client)
        paper_dask = common.map_cases(paper._case, pcases, client=client)
    assert on_dask == common.map_cases(scen._case, cases)
    assert paper_dask == common.map_cases(paper._case, pcases)


def test_manifest_drops_a_line_cut_short(tmp_path):
    from qdn.batch import Manifest

    m = Manifest(tmp_path / MANIFEST_NAME)
    m.append({"input": "a.csv", "status": "done"})
    m.append({"input": "b.csv", "status": "failed"})
    with open(m.path, "a") as fh:
        fh.write('{"input": "c.csv", "sta')  # a kill in the middle of a write
    again = Manifest(m.path).load()
    assert sorted(again.records) == ["a.csv", "b.csv"] and again.latest("b.csv")["status"] == "failed"
    assert m.path.read_text().count("\n") == 2 and m.path.read_text().endswith("}\n")
    assert not [p for p in tmp_path.iterdir() if p.name != MANIFEST_NAME]


def test_two_batches_never_share_an_output_folder(tmp_path, capsys):
    from qdn.batch.outputs import exclusive

    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    np.save(src / "a.npy", _signal(64, 0))
    with exclusive(out):  # another batch holds the folder
        assert main(["batch", str(src), "-o", str(out), *OPTS]) == 2
    assert "another qdn batch is writing into" in capsys.readouterr().err
    assert _files(out) == []
