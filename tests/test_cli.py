"""The command line: main job on bundled data, exit codes, no partial or clobbered files."""

import numpy as np
import pytest

from qdn.cli import main


def test_demo_writes_csv_and_figure(tmp_path, capsys):
    out, fig = tmp_path / "ecg.csv", tmp_path / "ecg.png"
    assert main(["denoise", "--demo", "-o", str(out), "--plot", str(fig), "--backend", "emulator"]) == 0
    table = np.genfromtxt(out, delimiter=",", names=True)
    assert table.dtype.names == ("clean", "noisy", "denoised") and table.size == 1024
    assert fig.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    printed = capsys.readouterr().out
    assert "PSNR noisy" in printed
    noisy_db, den_db = [float(s.split()[0]) for s in printed.split("PSNR noisy ")[1].split("-> denoised ")]
    assert den_db > noisy_db


def test_existing_output_needs_force(tmp_path, capsys):
    out = tmp_path / "o.npy"
    out.write_bytes(b"keep")
    assert main(["denoise", "--demo", "-o", str(out), "--backend", "emulator"]) == 2
    assert out.read_bytes() == b"keep"
    assert "--force" in capsys.readouterr().err
    assert main(["denoise", "--demo", "-o", str(out), "--backend", "emulator", "--force"]) == 0
    assert np.load(out).shape == (1024,)


def test_csv_column_round_trip(tmp_path):
    src = tmp_path / "in.csv"
    y = np.sin(np.arange(100) / 7.0) + 0.1 * np.random.default_rng(0).normal(size=100)
    src.write_text("time,value\n" + "\n".join(f"{i},{v}" for i, v in enumerate(y)))
    out = tmp_path / "out.csv"
    assert main(["denoise", str(src), "--column", "value", "-o", str(out), "--window", "8"]) == 0
    table = np.genfromtxt(out, delimiter=",", names=True)
    assert table.size == 100
    np.testing.assert_allclose(table["noisy"], y, rtol=1e-9)


@pytest.mark.parametrize(
    "args,needle",
    [
        (["denoise", "missing.csv", "-o", "x.csv"], "does not exist"),
        (["denoise", "--demo", "-o", "x.csv", "--window", "12"], "power of two"),
        (["denoise", "--demo", "-o", "x.wav2"], "unsupported output format"),
        (["denoise", "--demo", "-o", "x.csv", "--backend", "quantum"], "unknown backend"),
    ],
)
def test_bad_input_exits_2_and_writes_nothing(tmp_path, monkeypatch, capsys, args, needle):
    monkeypatch.chdir(tmp_path)
    assert main(args) == 2
    assert needle in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_two_columns_need_a_choice(tmp_path, capsys):
    src = tmp_path / "two.csv"
    src.write_text("a,b\n1,2\n3,4\n")
    assert main(["denoise", str(src), "-o", str(tmp_path / "o.csv")]) == 2
    assert "--column" in capsys.readouterr().err


def test_failed_write_leaves_no_partial_file(tmp_path, monkeypatch):
    import qdn.io

    def boom(*a, **k):
        raise RuntimeError("disk full")

    monkeypatch.setattr(qdn.io.np, "savetxt", boom)
    out = tmp_path / "o.csv"
    assert main(["denoise", "--demo", "-o", str(out), "--backend", "emulator"]) == 1
    assert list(tmp_path.iterdir()) == []


def test_help(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["denoise", "--help"])
    assert exc.value.code == 0
    assert "--window" in capsys.readouterr().out
