"""Reading and writing images: PNG, TIFF, NPY and DICOM (pydicom's bundled test files)."""

from pathlib import Path

import numpy as np
import pydicom
import pytest
from numpy.testing import assert_allclose
from pydicom.data import get_testdata_file

from qdn.api.image import denoise_image
from qdn.io.images import IDENTIFYING, read_image, write_image


def _dcm(name):
    return get_testdata_file(name)


# ------------------------------------------------------------------------------ DICOM in
def test_read_ct_applies_rescale():
    values, meta = read_image(_dcm("CT_small.dcm"))
    ds = pydicom.dcmread(_dcm("CT_small.dcm"))
    assert values.shape == (128, 128) and values.dtype == np.float64
    assert meta.format == "dicom" and meta.dtype == np.dtype("<i2") and meta.signed
    assert (meta.slope, meta.intercept) == (float(ds.RescaleSlope), float(ds.RescaleIntercept))
    assert_allclose(values, ds.pixel_array * float(ds.RescaleSlope) + float(ds.RescaleIntercept))
    assert values.min() < 0  # Hounsfield units


@pytest.mark.parametrize("name", ["MR_small_RLE.dcm", "MR_small_bigendian.dcm", "MR_small_implicit.dcm"])
def test_other_encodings_read_the_same_pixels(name):
    ref, _ = read_image(_dcm("MR_small.dcm"))
    values, _ = read_image(_dcm(name))
    assert_allclose(values, ref)


# ------------------------------------------------------------------------------ DICOM out
@pytest.mark.parametrize("name", ["CT_small.dcm", "MR_small.dcm", "MR_small_RLE.dcm", "MR_small_bigendian.dcm"])
def test_dicom_round_trip_keeps_tags_and_type(name, tmp_path):
    values, meta = read_image(_dcm(name))
    src = pydicom.dcmread(_dcm(name))
    out = write_image(tmp_path / "out.dcm", values + 0.2, meta)
    back, meta2 = read_image(out)
    assert_allclose(back, values)  # + 0.2 rounds away: same stored integers
    ds = pydicom.dcmread(out)
    assert ds.file_meta.TransferSyntaxUID == pydicom.uid.ExplicitVRLittleEndian
    assert ds.pixel_array.dtype == src.pixel_array.dtype.newbyteorder("=")
    for kw in ("StudyInstanceUID", "PatientName", "PatientID", "StudyDate", "Modality", "Rows", "Columns"):
        assert ds.get(kw) == src.get(kw), kw
    assert ds.SOPInstanceUID != src.SOPInstanceUID
    assert ds.SOPInstanceUID == ds.file_meta.MediaStorageSOPInstanceUID
    assert ds.SeriesInstanceUID != src.SeriesInstanceUID
    assert "denoised" in ds.SeriesDescription and "denoised" in ds.DerivationDescription
    assert ds.ImageType[0] == "DERIVED"
    assert meta2.dtype == meta.dtype


def test_dicom_write_inverse_rescale_and_clip(tmp_path):
    values, meta = read_image(_dcm("CT_small.dcm"))
    meta.slope, meta.intercept = 2.5, -100.0  # pretend the source had this rescale
    ds = meta.dataset
    ds.RescaleSlope, ds.RescaleIntercept = "2.5", "-100"
    target = np.full(values.shape, 12.0)
    target[0, 0] = 1e9  # far above the int16 range
    target[0, 1] = -1e9
    out = write_image(tmp_path / "r.dcm", target, meta)
    stored = pydicom.dcmread(out).pixel_array
    assert stored[5, 5] == round((12.0 + 100) / 2.5)
    assert stored[0, 0] == 32767 and stored[0, 1] == -32768
    back, _ = read_image(out)
    assert back[5, 5] == pytest.approx(12.0, abs=1.25)


def test_dicom_write_clips_to_bits_stored(tmp_path):
    values, meta = read_image(_dcm("MR_small.dcm"))
    meta.bits_stored = 12
    meta.dataset.BitsStored, meta.dataset.HighBit = 12, 11
    vals = np.clip(values, -2048, 2047)
    vals[0, 0], vals[0, 1] = 5000.0, -5000.0
    out = write_image(tmp_path / "b.dcm", vals, meta)
    stored = pydicom.dcmread(out).pixel_array
    assert stored[0, 0] == 2047 and stored[0, 1] == -2048
    assert_allclose(stored[1:], vals[1:])


def test_dicom_one_bit_data_round_trips(tmp_path):
    values, meta = read_image(_dcm("liver_1frame.dcm"))
    out = write_image(tmp_path / "mask.dcm", values * 0.9 + 0.05, meta)
    back, _ = read_image(out)
    assert_allclose(back, values)


def test_anonymize_strips_patient_tags(tmp_path):
    values, meta = read_image(_dcm("CT_small.dcm"))
    src = meta.dataset
    assert str(src.PatientName) and any(e.tag.is_private for e in src)
    out = write_image(tmp_path / "anon.dcm", values, meta, anonymize=True)
    ds = pydicom.dcmread(out)
    for kw in IDENTIFYING:
        assert not ds.get(kw), kw
    assert "PatientName" in ds and str(ds.PatientName) == ""  # Type 2: present, empty
    assert not any(e.tag.is_private for e in ds)
    assert ds.PatientIdentityRemoved == "YES"
    assert ds.StudyInstanceUID == src.StudyInstanceUID
    assert str(src.PatientName)  # the source dataset is untouched


def test_denoise_ct_and_write_dicom(tmp_path):
    values, meta = read_image(_dcm("CT_small.dcm"))
    res = denoise_image(values, 8, backend="emulator")
    out = write_image(tmp_path / "ct_denoised.dcm", res.denoised, meta)
    back, _ = read_image(out)
    assert np.max(np.abs(back - res.denoised)) <= 0.5 + 1e-9  # integer HU, slope 1


# ------------------------------------------------------------------------------ DICOM errors
@pytest.mark.parametrize(
    "name,match",
    [
        ("SC_rgb_small_odd.dcm", "colour image"),
        ("examples_palette.dcm", "colour image"),
        ("rtdose.dcm", "multi-frame"),
        ("MR_truncated.dcm", "corrupt or truncated"),
        ("rtplan.dcm", "no pixel data"),
        ("no_meta.dcm", "not a readable DICOM"),
    ],
)
def test_unsupported_dicom_files(name, match):
    with pytest.raises(ValueError, match=match):
        read_image(_dcm(name))


def test_compressed_dicom_without_decoder():
    name = _dcm("MR_small_jpeg_ls_lossless.dcm")
    try:
        pydicom.dcmread(name).pixel_array
    except Exception:
        with pytest.raises(ValueError, match="compressed .*JPEG-LS.* decoder"):
            read_image(name)
    else:  # a JPEG-LS decoder is installed here
        assert_allclose(read_image(name)[0], read_image(_dcm("MR_small.dcm"))[0])


def test_garbage_files(tmp_path):
    bad = tmp_path / "bad.dcm"
    bad.write_bytes(b"\x00" * 128 + b"DICM" + b"garbage" * 20)
    with pytest.raises(ValueError, match="bad.dcm"):
        read_image(bad)
    png = tmp_path / "bad.png"
    png.write_bytes(b"not a png")
    with pytest.raises(ValueError, match="cannot read .* PNG"):
        read_image(png)
    with pytest.raises(ValueError, match="does not exist"):
        read_image(tmp_path / "missing.png")
    other = tmp_path / "x.jpg"
    other.write_bytes(b"x")
    with pytest.raises(ValueError, match="unsupported image format"):
        read_image(other)


def test_dicom_without_suffix_is_detected(tmp_path):
    plain = tmp_path / "IM0001"
    plain.write_bytes(Path(_dcm("MR_small.dcm")).read_bytes())
    assert read_image(plain)[1].format == "dicom"


def test_dicom_output_needs_a_dicom_source(tmp_path):
    with pytest.raises(ValueError, match="metadata of a DICOM input"):
        write_image(tmp_path / "x.dcm", np.zeros((4, 4)))
    values, meta = read_image(_dcm("MR_small.dcm"))
    with pytest.raises(ValueError, match="does not fit"):
        write_image(tmp_path / "y.dcm", values[:32], meta)


# ------------------------------------------------------------------------------ PNG, TIFF, NPY
@pytest.mark.parametrize("suffix,dtype", [(".png", np.uint8), (".png", np.uint16), (".tif", np.uint16), (".tiff", np.int16)])
def test_integer_round_trip(suffix, dtype, tmp_path, rng):
    info = np.iinfo(dtype)
    img = rng.integers(max(info.min, -1000), min(info.max, 60000), size=(20, 30)).astype(dtype)
    src = tmp_path / f"src{suffix}"
    if suffix == ".png":
        import imageio.v3 as iio

        iio.imwrite(src, img, plugin="pillow", extension=".png")
    else:
        import tifffile

        tifffile.imwrite(src, img, photometric="minisblack")
    values, meta = read_image(src)
    assert meta.dtype == dtype
    assert_allclose(values, img)
    out = write_image(tmp_path / f"out{suffix}", values + 0.3, meta)
    back, meta2 = read_image(out)
    assert meta2.dtype == dtype
    assert_allclose(back, img)
    clipped = write_image(tmp_path / f"clip{suffix}", values + 1e7, meta)
    assert read_image(clipped)[0].max() == info.max


def test_npy_and_float_outputs(tmp_path, rng):
    img = rng.normal(size=(16, 8))
    np.save(tmp_path / "a.npy", img)
    values, meta = read_image(tmp_path / "a.npy")
    assert_allclose(values, img)
    assert meta.format == "npy"
    assert_allclose(read_image(write_image(tmp_path / "b.npy", values, meta))[0], img)
    tif, tmeta = read_image(write_image(tmp_path / "b.tif", values, meta))
    assert tmeta.dtype == np.float32
    assert_allclose(tif, img.astype(np.float32))
    unit = rng.random((8, 8))
    png, pmeta = read_image(write_image(tmp_path / "unit.png", unit))
    assert pmeta.dtype == np.uint8 and np.max(np.abs(png - unit * 255)) <= 0.5 + 1e-9
    with pytest.raises(ValueError, match="PNG holds integers"):
        write_image(tmp_path / "neg.png", img)  # negative values
    assert not (tmp_path / "neg.png").exists()
    ct, ctmeta = read_image(_dcm("CT_small.dcm"))
    with pytest.raises(ValueError, match="PNG holds integers"):
        write_image(tmp_path / "ct.png", ct, ctmeta)  # HU below 0


def test_colour_and_stack_inputs_are_refused(tmp_path, rng):
    import imageio.v3 as iio
    import tifffile

    rgb = rng.integers(0, 255, size=(8, 8, 3)).astype(np.uint8)
    iio.imwrite(tmp_path / "rgb.png", rgb, plugin="pillow", extension=".png")
    with pytest.raises(ValueError, match="colour"):
        read_image(tmp_path / "rgb.png")
    tifffile.imwrite(tmp_path / "stack.tif", np.zeros((3, 8, 8), np.uint16), photometric="minisblack")
    with pytest.raises(ValueError, match="3 pages"):
        read_image(tmp_path / "stack.tif")
    np.save(tmp_path / "cube.npy", np.zeros((2, 8, 8)))
    with pytest.raises(ValueError, match="2-D grey image"):
        read_image(tmp_path / "cube.npy")


def test_writes_are_atomic_and_refuse_overwrite(tmp_path, rng):
    img = rng.random((8, 8))
    path = write_image(tmp_path / "x.npy", img)
    with pytest.raises(FileExistsError):
        write_image(path, img * 2)
    assert_allclose(np.load(path), img)
    write_image(path, img * 2, force=True)
    assert_allclose(np.load(path), img * 2)
    values, meta = read_image(_dcm("MR_small.dcm"))
    with pytest.raises(ValueError, match="DICOM output only"):
        write_image(tmp_path / "y.png", img, anonymize=True)
    with pytest.raises(ValueError, match="unsupported image format"):
        write_image(tmp_path / "y.bmp", img)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.npy"]  # no temporary files left
