"""Output files get the mode a plain ``open()`` would give them (umask applied, an overwritten
file keeps its mode), and a write without ``--force`` never replaces a file that appeared while
it was being written (:mod:`qdn.io.atomic`)."""

import os
import stat
import sys
from pathlib import Path

import numpy as np
import pytest
from pydicom.data import get_testdata_file

import qdn.io.atomic as atomic
from qdn.cli import main
from qdn.io.atomic import atomic_write, atomic_write_bytes, current_umask, file_mode
from qdn.io.images import read_image, write_image
from qdn.io.signals import read_signal_meta, write_signal

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")


def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture(params=[0o022, 0o002], ids=["umask022", "umask002"])
def umask(request):
    old = os.umask(request.param)
    try:
        yield request.param
    finally:
        os.umask(old)


def _signal_outputs(tmp_path: Path) -> list[Path]:
    y = np.linspace(-1.0, 1.0, 64)
    paths = []
    for name in ("s.csv", "s.npy", "s.wav"):
        paths.append(write_signal(tmp_path / name, {"noisy": y, "denoised": y}))
    ecg, meta = read_signal_meta(get_testdata_file("waveform_ecg.dcm"), "Lead II")
    paths.append(write_signal(tmp_path / "ecg.dcm", {"denoised": ecg}, meta=meta))
    return paths


def _image_outputs(tmp_path: Path) -> list[Path]:
    values, meta = read_image(get_testdata_file("CT_small.dcm"))
    img = np.arange(64.0).reshape(8, 8)
    return [
        write_image(tmp_path / "ct.dcm", values, meta),
        write_image(tmp_path / "i.png", img),
        write_image(tmp_path / "i.tif", img),
        write_image(tmp_path / "i.npy", img),
    ]


def test_current_umask_reads_the_process_umask(umask):
    assert current_umask() == umask
    assert os.umask(umask) == umask  # unchanged by the read


def test_current_umask_without_proc(umask, monkeypatch):
    def no_proc(*args, **kwargs):
        raise OSError("no /proc here")

    monkeypatch.setattr(atomic, "open", no_proc, raising=False)
    assert current_umask() == umask
    assert os.umask(umask) == umask  # the stand-in value was put back


def test_every_writer_follows_the_umask(tmp_path, umask):
    expected = 0o666 & ~umask
    paths = _signal_outputs(tmp_path) + _image_outputs(tmp_path)
    paths.append(atomic_write_bytes(tmp_path / "run.json", b"{}", force=True))  # journal, results
    for path in paths:
        assert _mode(path) == expected, path.name
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in paths)  # no temp file left


def test_cli_outputs_follow_the_umask(tmp_path, umask):
    expected = 0o666 & ~umask
    out, fig = tmp_path / "ecg.csv", tmp_path / "ecg.png"
    assert main(["denoise", "--demo", "-o", str(out), "--plot", str(fig), "--backend", "emulator"]) == 0
    qasm, draw = tmp_path / "c.qasm", tmp_path / "c.png"
    assert main(["circuit", "--n", "8", "--window", "4", "--qasm", str(qasm), "--draw", str(draw)]) == 0
    for path in (out, fig, qasm, draw):
        assert _mode(path) == expected, path.name


def test_benchmark_results_follow_the_umask(tmp_path, umask):
    bench = str(Path(__file__).resolve().parent.parent / "benchmarks")
    sys.path.insert(0, bench)
    try:
        from _common import Report
    finally:
        sys.path.remove(bench)
    report = Report("modes", "modes", [], quick=True)
    report.table("t", "a table", [{"a": 1}], ["a"], echo=False)
    for path in report.write(tmp_path, echo=False):
        assert _mode(path) == 0o666 & ~umask, path.name


@pytest.mark.parametrize("mode", [0o640, 0o644, 0o600])
def test_force_keeps_the_mode_of_the_replaced_file(tmp_path, mode):
    old = os.umask(0o022)
    try:
        target = tmp_path / "out.csv"
        target.write_text("old\n")
        os.chmod(target, mode)
        write_signal(target, {"denoised": np.ones(4)}, force=True)
        assert _mode(target) == mode and target.read_text() != "old\n"
        assert file_mode(target) == mode
    finally:
        os.umask(old)


def test_cli_force_keeps_a_0644_file_0644(tmp_path):
    old = os.umask(0o022)
    try:
        out = tmp_path / "o.npy"
        out.write_bytes(b"old")
        os.chmod(out, 0o644)
        assert main(["denoise", "--demo", "-o", str(out), "--backend", "emulator", "--force"]) == 0
        assert _mode(out) == 0o644 and np.load(out).shape == (1024,)
    finally:
        os.umask(old)


def _racing_writer(target: Path):
    """A writer during whose work another process creates ``target`` (after the up-front check,
    before the file is put in place)."""

    def write(tmp: str) -> None:
        Path(tmp).write_bytes(b"ours")
        target.write_bytes(b"theirs")

    return write


def test_no_force_write_does_not_replace_a_file_that_appeared(tmp_path):
    target = tmp_path / "out.bin"
    with pytest.raises(FileExistsError, match="--force"):
        atomic_write(target, _racing_writer(target))
    assert target.read_bytes() == b"theirs"
    assert [p.name for p in tmp_path.iterdir()] == ["out.bin"]  # no temp file left


def test_no_force_write_without_hard_links(tmp_path, monkeypatch):
    def no_link(src, dst, *args, **kwargs):
        raise PermissionError(1, "hard links not supported")

    monkeypatch.setattr(atomic.os, "link", no_link)
    target = tmp_path / "out.bin"
    with pytest.raises(FileExistsError, match="--force"):
        atomic_write(target, _racing_writer(target))
    assert target.read_bytes() == b"theirs"
    assert [p.name for p in tmp_path.iterdir()] == ["out.bin"]
    other = atomic_write_bytes(tmp_path / "new.bin", b"new")
    assert other.read_bytes() == b"new" and _mode(other) == 0o666 & ~current_umask()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["new.bin", "out.bin"]


def test_existing_file_refused_up_front_and_kept(tmp_path):
    target = tmp_path / "out.bin"
    target.write_bytes(b"keep")
    calls = []
    with pytest.raises(FileExistsError):
        atomic_write(target, calls.append)
    assert calls == [] and target.read_bytes() == b"keep"


def test_failed_write_leaves_nothing(tmp_path):
    def fail(tmp: str) -> None:
        Path(tmp).write_bytes(b"partial")
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        atomic_write(tmp_path / "out.bin", fail)
    assert list(tmp_path.iterdir()) == []
