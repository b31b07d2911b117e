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
    import qdn.io.signals

    def boom(*a, **k):
        raise RuntimeError("disk full")

    monkeypatch.setattr(qdn.io.signals.np, "savetxt", boom)
    out = tmp_path / "o.csv"
    assert main(["denoise", "--demo", "-o", str(out), "--backend", "emulator"]) == 1
    assert list(tmp_path.iterdir()) == []


def test_help(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["denoise", "--help"])
    assert exc.value.code == 0
    assert "--window" in capsys.readouterr().out


def test_circuit_command_exports_qasm_that_loads_back(tmp_path):
    import qiskit.qasm3
    from qiskit.quantum_info import Operator

    qasm, png = tmp_path / "c.qasm", tmp_path / "c.png"
    assert main(["circuit", "--n", "8", "--window", "4", "--variant", "compact", "--qasm", str(qasm), "--draw", str(png)]) == 0
    loaded = qiskit.qasm3.loads(qasm.read_text())
    import qdn

    y = np.random.default_rng(0).normal(size=8)
    built = qdn.denoise(y, 4, shifts=1, threshold=1, variant="compact", backend="statevector", pad=False).circuit
    assert Operator(loaded).equiv(Operator(built))
    assert png.read_bytes()[:4] == b"\x89PNG"


def test_image_round_trip_dicom(tmp_path, capsys):
    import pydicom
    from pydicom.data import get_testdata_file

    src = get_testdata_file("MR_small.dcm")
    out = tmp_path / "mr.dcm"
    assert main(["denoise", src, "-o", str(out), "--noise", "awgn:20", "--backend", "emulator"]) == 0
    ds, ds0 = pydicom.dcmread(out), pydicom.dcmread(src)
    assert ds.pixel_array.shape == ds0.pixel_array.shape and ds.pixel_array.dtype == ds0.pixel_array.dtype
    assert ds.PatientName == ds0.PatientName and ds.SOPInstanceUID != ds0.SOPInstanceUID
    printed = capsys.readouterr().out
    noisy_db, den_db = [float(s.split()[0]) for s in printed.split("PSNR noisy ")[1].split("-> denoised ")]
    assert den_db > noisy_db


def test_image_with_quantum_phase_noise(tmp_path, capsys):
    src = tmp_path / "img.npy"
    yy, xx = np.mgrid[:32, :32]
    np.save(src, 1.0 + ((xx - 16) ** 2 + (yy - 16) ** 2 < 100))
    out = tmp_path / "den.npy"
    assert main(["denoise", str(src), "-o", str(out), "--noise", "phase:0.2", "--window", "8"]) == 0
    assert np.load(out).shape == (32, 32)
    assert "PSNR noisy" in capsys.readouterr().out
    other = tmp_path / "other.npy"
    assert main(["denoise", str(src), "-o", str(other), "--method", "wavelet"]) == 2
    assert "--method qdn only" in capsys.readouterr().err and not other.exists()


def test_dicom_waveform_in_and_out(tmp_path):
    from pydicom.data import get_testdata_file

    from qdn.io.signals import read_signal

    src = get_testdata_file("waveform_ecg.dcm")
    out = tmp_path / "ecg.dcm"
    assert main(["denoise", src, "--column", "Lead II", "-o", str(out), "--backend", "emulator"]) == 0
    den = read_signal(out, "Lead II")
    assert den.shape == (10000,) and not np.allclose(den, read_signal(src, "Lead II"))


@pytest.mark.parametrize("method", ["qwt", "wavelet"])
def test_method_and_quantum_noise_options(tmp_path, method):
    out = tmp_path / "o.npy"
    assert main(["denoise", "--demo", "-o", str(out), "--method", method, "--noise", "phase:0.1", "--backend", "emulator"]) == 0
    assert np.load(out).shape == (1024,)


def test_qwt_wavelet_option(tmp_path, capsys):
    out = tmp_path / "o.npy"
    assert main(["denoise", "--demo", "-o", str(out), "--method", "qwt", "--wavelet", "db2", "--backend", "emulator"]) == 0
    d4 = np.load(out)
    assert main(["denoise", "--demo", "-o", str(out), "--method", "qwt", "--backend", "emulator", "--force"]) == 0
    assert d4.shape == (1024,) and not np.allclose(d4, np.load(out))
    assert main(["denoise", "--demo", "-o", str(tmp_path / "x.npy"), "--wavelet", "db2", "--backend", "emulator"]) == 2
    assert "method='qwt' only" in capsys.readouterr().err
    assert not (tmp_path / "x.npy").exists()


def test_nan_and_text_in_numeric_column(tmp_path, capsys):
    src = tmp_path / "nan.csv"
    src.write_text("v\n1\nnan\n3\n4\n")
    assert main(["denoise", str(src), "-o", str(tmp_path / "o.csv"), "--window", "2"]) == 2
    assert "non-finite" in capsys.readouterr().err
    assert not (tmp_path / "o.csv").exists()
