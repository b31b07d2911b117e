"""Issue 19, item 5: ``qdn denoise IMAGE --method localization | qab`` (PNG, NPY, DICOM in and out)."""

import numpy as np
import pytest

from qdn.cli import main


def _phantom(n=32):
    yy, xx = np.mgrid[:n, :n]
    return 0.2 + 0.6 * (((yy - n / 2) ** 2 + (xx - n / 2) ** 2) < (n / 3) ** 2)


def _psnr(printed):
    noisy_db, den_db = [float(s.split()[0]) for s in printed.split("PSNR noisy ")[1].split("-> denoised ")]
    return noisy_db, den_db


@pytest.mark.parametrize("method", ["localization", "qab"])
def test_image_npy_with_method(tmp_path, capsys, method):
    import qdn
    from qdn.classical.metrics import psnr
    from qdn.noise import awgn

    src, out = tmp_path / "img.npy", tmp_path / "den.npy"
    noisy = awgn(_phantom(), 15.0, seed=0)
    np.save(src, noisy)
    assert main(["denoise", str(src), "-o", str(out), "--method", method]) == 0
    assert f"image with {method}" in capsys.readouterr().out
    den = np.load(out)
    assert den.shape == (32, 32) and psnr(_phantom(), den) > psnr(_phantom(), noisy)
    np.testing.assert_allclose(den, qdn.denoise(noisy, method=method).denoised, atol=1e-12)  # the API's output


def test_image_png_with_localization(tmp_path, capsys):
    from PIL import Image

    src, out = tmp_path / "img.png", tmp_path / "den.png"
    Image.fromarray((_phantom() * 255).astype(np.uint8)).save(src)
    assert main(["denoise", str(src), "-o", str(out), "--method", "localization", "--noise", "awgn:15"]) == 0
    assert out.read_bytes()[:4] == b"\x89PNG" and np.asarray(Image.open(out)).shape == (32, 32)


def test_image_dicom_with_qab(tmp_path, capsys):
    import pydicom
    from pydicom.data import get_testdata_file

    src = get_testdata_file("MR_small.dcm")
    out = tmp_path / "mr.dcm"
    assert main(["denoise", src, "-o", str(out), "--method", "qab", "--noise", "awgn:20"]) == 0
    ds, ds0 = pydicom.dcmread(out), pydicom.dcmread(src)
    assert ds.pixel_array.shape == ds0.pixel_array.shape and ds.pixel_array.dtype == ds0.pixel_array.dtype
    assert ds.SOPInstanceUID != ds0.SOPInstanceUID
    noisy_db, den_db = _psnr(capsys.readouterr().out)
    assert den_db > noisy_db


def test_image_method_not_for_images_is_exit_2(tmp_path, capsys):
    src, out = tmp_path / "img.npy", tmp_path / "den.npy"
    np.save(src, _phantom())
    assert main(["denoise", str(src), "-o", str(out), "--method", "savgol"]) == 2
    assert "localization or qab" in capsys.readouterr().err and not out.exists()
