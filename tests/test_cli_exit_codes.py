"""Exit codes and checks before work of the command line.

Bad input files exit 2 with one stderr line naming the file; option errors are one line too;
every output path and format is checked before any work, outputs are written together at the
end, and a failed command leaves no file behind.
"""

import builtins
import logging
import os
import struct

import numpy as np
import pytest

from qdn.cli import main

DEMO = ["--backend", "emulator", "--window", "4"]


def _run(capsys, args):
    """(exit code, stderr lines, stdout) of ``qdn ARGS`` run in-process."""
    code = main([str(a) for a in args])
    captured = capsys.readouterr()
    return code, captured.err.splitlines(), captured.out


def _files(folder, *keep):
    return sorted(p.name for p in folder.iterdir() if p.name not in keep)


def _signal_csv(path, n=32):
    np.savetxt(path, np.sin(np.arange(n) / 3.0) + 0.1 * np.cos(np.arange(n) * 1.7))
    return path


def _wav(fmt_chunk: bytes, data: bytes = b"\x00" * 8) -> bytes:
    body = b"WAVE" + b"fmt " + struct.pack("<I", len(fmt_chunk)) + fmt_chunk
    body += b"data" + struct.pack("<I", len(data)) + data
    return b"RIFF" + struct.pack("<I", len(body)) + body


def _png(path):
    import imageio.v3 as iio

    iio.imwrite(path, (np.arange(64).reshape(8, 8) * 3).astype(np.uint8), extension=".png")
    return path


# ---------------------------------------------------------------------------------- item 4
@pytest.mark.parametrize("name", ["in.csv", "in.npy", "in.wav", "in.png", "in.tif", "in.dcm"])
def test_a_directory_as_input_exits_2_naming_it(tmp_path, capsys, name):
    src = tmp_path / name
    src.mkdir()
    code, err, _ = _run(capsys, ["denoise", src, "-o", tmp_path / "out.npy", *DEMO])
    assert code == 2 and len(err) == 1
    assert str(src) in err[0] and "directory" in err[0]
    assert _files(tmp_path, name) == []


def _deny_reading(monkeypatch, target):
    """Make ``open`` refuse ``target`` as file permissions would (root reads anything)."""
    real_open = builtins.open

    def guarded(file, *args, **kwargs):
        if isinstance(file, (str, os.PathLike)) and os.path.abspath(file) == os.path.abspath(target):
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", guarded)


@pytest.mark.parametrize("name", ["in.csv", "in.npy", "in.png"])
def test_an_unreadable_input_exits_2_naming_it(tmp_path, capsys, monkeypatch, name):
    src = tmp_path / name
    if name == "in.csv":
        _signal_csv(src)
    elif name == "in.npy":
        np.save(src, np.sin(np.arange(32) / 3.0))
    else:
        _png(src)
    _deny_reading(monkeypatch, src)
    code, err, _ = _run(capsys, ["denoise", src, "-o", tmp_path / "out.npy", *DEMO])
    assert code == 2 and len(err) == 1
    assert str(src) in err[0] and "Permission denied" in err[0] and "plugin" not in err[0]
    assert _files(tmp_path, name) == []


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root reads any file")
def test_an_unreadable_input_by_its_mode_exits_2(tmp_path, capsys):
    src = _signal_csv(tmp_path / "in.csv")
    src.chmod(0)
    try:
        code, err, _ = _run(capsys, ["denoise", src, "-o", tmp_path / "out.csv", *DEMO])
    finally:
        src.chmod(0o644)
    assert code == 2 and len(err) == 1 and str(src) in err[0]
    assert _files(tmp_path, "in.csv") == []


@pytest.mark.parametrize(
    "content",
    [
        b"\x93NUMPY\x01\x00\x10\x00{'descr': '<f8'  \n",  # unterminated dict: TokenError
        b"\x93NUMPY\x01\x00\x46\x00{'descr': '<f8', 'fortran_order': False, 'shape': (99999999999,), }    \n",
        b"\x93NUMPY\x01\x00\x10\x00[1, 2, 3]       \n",  # not a dict
        b"\x93NUMPY\x09\x00\x10\x00{}              \n",  # unknown version
    ],
)
def test_a_malformed_npy_header_exits_2(tmp_path, capsys, content):
    src = tmp_path / "in.npy"
    src.write_bytes(content)
    code, err, _ = _run(capsys, ["denoise", src, "-o", tmp_path / "out.npy", *DEMO])
    assert code == 2 and len(err) == 1 and str(src) in err[0]
    assert _files(tmp_path, "in.npy") == []


WAVS = {
    "zero-channels": _wav(struct.pack("<HHIIHH", 1, 0, 8000, 16000, 2, 16)),  # ZeroDivisionError
    "short-fmt": b"RIFF" + struct.pack("<I", 20) + b"WAVEfmt " + struct.pack("<I", 16) + b"\x01\x00\x01\x00",  # struct.error
    "no-data": b"RIFF" + struct.pack("<I", 28) + b"WAVEfmt " + struct.pack("<I", 16)
    + struct.pack("<HHIIHH", 1, 1, 8000, 16000, 2, 16),  # UnboundLocalError
    "riff-only": b"RIFF\x04\x00\x00\x00WAVE",  # UnboundLocalError
    "bad-format": _wav(struct.pack("<HHIIHH", 0x55, 1, 8000, 16000, 2, 16)),  # MP3 tag
    "float16": _wav(struct.pack("<HHIIHH", 3, 1, 8000, 16000, 2, 16)),
}


@pytest.mark.parametrize("kind", sorted(WAVS))
def test_a_malformed_wav_exits_2(tmp_path, capsys, kind):
    src = tmp_path / "in.wav"
    src.write_bytes(WAVS[kind])
    code, err, _ = _run(capsys, ["denoise", src, "-o", tmp_path / "out.wav", *DEMO])
    assert code == 2 and len(err) == 1
    assert str(src) in err[0] and "WAV" in err[0]
    assert _files(tmp_path, "in.wav") == []


@pytest.mark.parametrize("values", [
    1e308 * np.sin(np.arange(32) / 3.0),
    1e308 + 1e292 * np.arange(32),  # a narrow range near the top: the sums overflow
    np.linspace(-8e307, 8e307, 32),
])
@pytest.mark.parametrize("method", ["qdn", "wavelet", "qft"])
def test_values_near_1e308_exit_2_naming_the_overflow(tmp_path, capsys, values, method):
    src = tmp_path / "big.csv"
    np.savetxt(src, values, fmt="%.17g")
    # --shifts 1: the paper's path, whose window sums overflow (the spinning emulator works on
    # the encoded amplitudes and may finish these)
    code, err, _ = _run(capsys, ["denoise", src, "-o", tmp_path / "out.csv", "--method", method, "--shifts", "1", *DEMO])
    assert code == 2 and len(err) == 1
    assert str(src) in err[0] and "range [" in err[0] and "overflows float64" in err[0] and "Warning" not in err[0]
    assert _files(tmp_path, "big.csv") == []


def test_an_image_near_1e308_exits_2(tmp_path, capsys):
    src = tmp_path / "big.npy"
    np.save(src, np.full((8, 8), 1.5e308) - np.eye(8) * 1e300)
    code, err, _ = _run(capsys, ["denoise", src, "-o", tmp_path / "out.npy", *DEMO])
    assert code == 2 and len(err) == 1 and "overflows float64" in err[0] and str(src) in err[0]
    assert _files(tmp_path, "big.npy") == []


def test_a_floating_point_failure_while_computing_is_one_error(capsys):
    from qdn.cli.files import numerics

    with pytest.raises(ValueError, match=r"^x\.csv: the signal's range \[1, 1e\+308\] overflows float64 arithmetic"):
        with numerics(np.array([1.0, 1e308]), "x.csv"):
            np.float64(1e308) * 10.0


def _corrupt_tiff(path):
    import tifffile

    tifffile.imwrite(path, np.arange(64, dtype=np.uint16).reshape(8, 8), photometric="minisblack")
    raw = bytearray(path.read_bytes())
    ifd = struct.unpack("<I", raw[4:8])[0]
    for k in range(struct.unpack("<H", raw[ifd:ifd + 2])[0]):
        entry = ifd + 2 + 12 * k
        if struct.unpack("<H", raw[entry:entry + 2])[0] == 259:  # Compression: an invalid data type
            raw[entry + 2:entry + 4] = struct.pack("<H", 71)
        if struct.unpack("<H", raw[entry:entry + 2])[0] == 273:  # StripOffsets: past the end
            raw[entry + 8:entry + 12] = struct.pack("<I", 1 << 30)
    path.write_bytes(bytes(raw))
    return path


def test_a_corrupt_tiff_is_one_line_without_tifffile_logs(tmp_path, capsys, caplog):
    src = _corrupt_tiff(tmp_path / "in.tif")
    caplog.set_level(logging.DEBUG)
    code, err, _ = _run(capsys, ["denoise", src, "-o", tmp_path / "out.tif", *DEMO])
    assert code == 2 and len(err) == 1 and str(src) in err[0]
    assert not [r for r in caplog.records if r.name.startswith("tifffile")]
    assert _files(tmp_path, "in.tif") == []


@pytest.mark.parametrize(
    "args,needle",
    [
        ([], "required: command"),
        (["denoise", "--demo", "-o", "x.csv", "--bogus"], "unrecognized arguments"),
        (["denoise", "--demo"], "-o/--output"),
        (["denoise", "--demo", "-o", "x.csv", "--schedule", "fast"], "invalid choice"),
        (["denoise", "--demo", "-o", "x.csv", "--threshold", "some"], "threshold must be"),
        (["circuit", "--n", "0"], "positive integer"),
        (["run", "--demo", "--backend", "fake_fez", "-o", "x.csv", "--shots", "0"], "positive integer"),
        (["jobs"], "required"),
    ],
)
def test_option_errors_are_one_line(tmp_path, monkeypatch, capsys, args, needle):
    monkeypatch.chdir(tmp_path)
    code, err, out = _run(capsys, args)
    assert code == 2 and len(err) == 1 and out == ""
    assert needle in err[0] and "usage:" not in err[0]
    assert _files(tmp_path) == []


@pytest.mark.parametrize("command", [
    ["denoise", "--demo", "-o", "x.csv", "--backend", "emulator"],
    ["run", "--demo", "--backend", "fake_fez", "-o", "x.csv"],
    ["resources", "--backend", "fake_fez"],
    ["circuit"],
])
@pytest.mark.parametrize("window", ["0", "-4", "12", "four"])
def test_a_bad_window_is_an_error_not_the_default(tmp_path, monkeypatch, capsys, command, window):
    monkeypatch.chdir(tmp_path)
    code, err, _ = _run(capsys, [*command, "--window", window])
    assert code == 2 and len(err) == 1
    assert "--window" in err[0] and "power of two" in err[0]
    assert _files(tmp_path) == []


# ---------------------------------------------------------------------------------- item 5
@pytest.fixture
def no_submit(monkeypatch, tmp_path):
    """``qdn run`` must refuse before it builds or submits anything."""
    import qdn.hardware

    def refuse(*args, **kwargs):
        raise AssertionError("the job was submitted")

    monkeypatch.setattr(qdn.hardware, "submit", refuse)
    monkeypatch.setattr(qdn.hardware, "build_program", refuse)
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize("output,needle", [
    ("x.xyz", "unsupported output format '.xyz'"),
    ("x.dcm", "unsupported output format '.dcm'"),
    ("afile/x.csv", "is not a directory"),
    ("existing.csv", "use --force"),
    ("adir.csv", "is a directory"),
])
def test_run_checks_its_output_before_it_submits(no_submit, capsys, output, needle):
    (no_submit / "afile").write_text("a file")
    (no_submit / "existing.csv").write_text("keep")
    (no_submit / "adir.csv").mkdir()
    code, err, _ = _run(capsys, ["run", "--demo", "--samples", "8", "--window", "4", "--backend", "fake_lagos",
                                 "--shots", "64", "-o", output, "--root", "runs"])
    assert code == 2 and len(err) == 1 and needle in err[0]
    assert _files(no_submit) == ["adir.csv", "afile", "existing.csv"]  # no journal either
    assert (no_submit / "existing.csv").read_text() == "keep"


def test_run_reads_a_bad_input_as_one_line(no_submit, capsys):
    (no_submit / "in.wav").write_bytes(WAVS["zero-channels"])
    code, err, _ = _run(capsys, ["run", "in.wav", "--backend", "fake_lagos", "-o", "x.csv"])
    assert code == 2 and len(err) == 1 and "in.wav" in err[0]


@pytest.mark.parametrize("plot,needle", [
    ("afile/fig.png", "is not a directory"),
    ("fig.xyz", "unsupported figure format '.xyz'"),
    ("fig", "unsupported figure format '(no suffix)'"),
])
def test_a_bad_plot_path_fails_before_any_output(tmp_path, monkeypatch, capsys, plot, needle):
    import qdn

    monkeypatch.chdir(tmp_path)
    (tmp_path / "afile").write_text("a file")
    monkeypatch.setattr(qdn, "denoise", lambda *a, **k: pytest.fail("denoised before checking the outputs"))
    code, err, _ = _run(capsys, ["denoise", "--demo", "-o", "out.csv", "--plot", plot, *DEMO])
    assert code == 2 and len(err) == 1 and needle in err[0]
    assert _files(tmp_path) == ["afile"]


def test_a_plot_into_a_missing_folder_is_made(tmp_path, capsys):
    out, fig = tmp_path / "out.csv", tmp_path / "new" / "deeper" / "fig.png"
    code, err, _ = _run(capsys, ["denoise", "--demo", "-o", out, "--plot", fig, *DEMO])
    assert code == 0 and err == []
    assert out.exists() and fig.read_bytes()[:4] == b"\x89PNG"


@pytest.mark.parametrize("force", [False, True])
def test_a_failed_last_write_removes_the_earlier_outputs(tmp_path, monkeypatch, capsys, force):
    import qdn.io.atomic

    out, fig = tmp_path / "out.csv", tmp_path / "new" / "fig.png"
    if force:
        out.write_text("old result\n")

    def disk_full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(qdn.io.atomic, "atomic_write_bytes", disk_full)
    args = ["denoise", "--demo", "-o", out, "--plot", fig, *DEMO] + (["--force"] if force else [])
    code, err, _ = _run(capsys, args)
    assert code == 1 and len(err) == 1 and "No space left" in err[0]
    if force:
        assert out.read_text() == "old result\n" and _files(tmp_path) == ["out.csv"]
    else:
        assert _files(tmp_path) == []  # no CSV, no folder, no temporary file


@pytest.mark.parametrize("suffix,magic", [
    (".pdf", b"%PDF"), (".svg", b"<?xml"), (".png", b"\x89PNG"), (".jpg", b"\xff\xd8"), (".eps", b"%!PS"),
])
def test_the_plot_is_written_in_the_format_its_suffix_names(tmp_path, capsys, suffix, magic):
    fig = tmp_path / f"fig{suffix}"
    code, err, _ = _run(capsys, ["denoise", "--demo", "-o", tmp_path / "out.npy", "--plot", fig, *DEMO])
    assert code == 0 and err == []
    assert fig.read_bytes().startswith(magic)


def test_an_image_plot_and_a_circuit_drawing_follow_their_suffix(tmp_path, capsys):
    src = tmp_path / "img.npy"
    np.save(src, np.add.outer(np.arange(8.0), np.arange(8.0)) + np.eye(8))
    code, err, _ = _run(capsys, ["denoise", src, "-o", tmp_path / "den.npy", "--plot", tmp_path / "img.pdf", *DEMO])
    assert code == 0 and (tmp_path / "img.pdf").read_bytes()[:4] == b"%PDF"
    code, err, _ = _run(capsys, ["circuit", "--draw", tmp_path / "c.svg", "--qasm", tmp_path / "c.qasm"])
    assert code == 0 and (tmp_path / "c.svg").read_bytes()[:5] == b"<?xml"
    code, err, _ = _run(capsys, ["circuit", "--draw", tmp_path / "c.xyz", "--qasm", tmp_path / "d.qasm"])
    assert code == 2 and len(err) == 1 and "'.xyz'" in err[0]
    assert not (tmp_path / "d.qasm").exists()


@pytest.mark.parametrize("args,needle", [
    (["img.npy", "-o", "out.png", "--plot", "out.png"], "name the same file"),
    (["img.npy", "-o", "out.png", "--plot", "./out.png"], "name the same file"),
    (["--demo", "-o", "out.dcm"], "needs a DICOM input"),
    (["--demo", "-o", "out.png"], "unsupported output format '.png'"),
    (["img.npy", "-o", "out.csv"], "unsupported output format '.csv'"),
    (["img.npy", "-o", "out.npy", "--anonymize"], "--anonymize"),
    (["img.npy", "-o", "out.npy", "--method", "wavelet"], "--method qdn only"),
])
def test_denoise_checks_its_outputs_before_reading(tmp_path, monkeypatch, capsys, args, needle):
    import qdn

    monkeypatch.chdir(tmp_path)
    np.save(tmp_path / "img.npy", np.add.outer(np.arange(8.0), np.arange(8.0)))
    monkeypatch.setattr(qdn, "denoise", lambda *a, **k: pytest.fail("denoised before checking the outputs"))
    code, err, _ = _run(capsys, ["denoise", *args, *DEMO])
    assert code == 2 and len(err) == 1 and needle in err[0]
    assert _files(tmp_path) == ["img.npy"]


def _wav24(path, n=64, rate=8000):
    samples = (np.sin(np.arange(n) / 5.0) * 2**22).astype(np.int32)
    data = b"".join(int(v).to_bytes(3, "little", signed=True) for v in samples)
    path.write_bytes(_wav(struct.pack("<HHIIHH", 1, 1, rate, rate * 3, 3, 24), data))
    return samples


def test_a_24_bit_wav_says_what_width_it_was_written_with(tmp_path, capsys):
    from scipy.io import wavfile

    from qdn.io.signals import read_signal_meta, wav_sample_bits

    src, out = tmp_path / "in.wav", tmp_path / "out.wav"
    samples = _wav24(src)
    y, meta = read_signal_meta(src)
    assert meta["sample_bits"] == 24 and wav_sample_bits(src) == 24
    np.testing.assert_array_equal(y, samples * 256.0)  # scipy's int32 container, full scale kept
    code, err, printed = _run(capsys, ["denoise", src, "-o", out, *DEMO])
    assert code == 0 and err == []
    rate, back = wavfile.read(out)
    bits = wav_sample_bits(out)
    assert rate == 8000 and back.shape == (64,)
    if bits != 24:
        assert f"{src} has 24-bit samples; {out} was written with {bits}-bit samples" in printed
    else:
        assert "note:" not in printed
