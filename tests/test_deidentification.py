"""``--anonymize`` de-identifies DICOM images and waveforms (PS3.15 Basic Profile through
``dicom-anonymizer``, applied at every nesting level): no identifying value of the source is left
anywhere in the output bytes, and every output gets new series and instance UIDs."""

import copy

import numpy as np
import pydicom
import pytest
from numpy.testing import assert_allclose
from pydicom.data import get_testdata_file
from pydicom.dataset import Dataset
from pydicom.sequence import Sequence

from qdn.cli import main
from qdn.io.images import deidentify, read_image, write_image
from qdn.io.signals import read_signal_meta, write_signal

SECRETS = {
    "PatientName": "SECRETNAME^X",
    "PatientID": "ID-987654",
    "PatientBirthDate": "19230405",
    "PatientTelecomInformation": "555-0199",
    "AdmissionID": "ADM-445566",
    "CurrentPatientLocation": "WARD-SECRET-7",
    "ResponsiblePerson": "RESPONSIBLE^SECRET",
    "OtherPatientNames": "OTHERSECRET^Y",
}
PRIVATE = "SECRETPRIVATE"
NEEDLES = [v.encode() for v in SECRETS.values()] + [b"SECRETNAME", PRIVATE.encode()]


def _carry_identity(ds: Dataset, group: int) -> Dataset:
    for keyword, value in SECRETS.items():
        setattr(ds, keyword, value)
    ds.private_block(group, "QDN TEST", create=True).add_new(0x01, "LO", PRIVATE)
    return ds


def _identified(name: str, path) -> str:
    """``name`` (pydicom test file) with identity at top level, in private tags, and inside
    OriginalAttributesSequence and ScheduledProcedureStepSequence items; saved to ``path``."""
    ds = _carry_identity(pydicom.dcmread(get_testdata_file(name)), 0x0011)
    original = Dataset()
    original.ModifiedAttributesSequence = Sequence([_carry_identity(Dataset(), 0x0013)])
    original.SourceOfPreviousValues = "SECRETNAME"
    original.ModifyingSystem = "test"
    original.ReasonForTheAttributeModification = "COERCE"
    original.AttributeModificationDateTime = "20200101120000"
    ds.OriginalAttributesSequence = Sequence([original])
    ds.ScheduledProcedureStepSequence = Sequence([_carry_identity(Dataset(), 0x0015)])
    ds.save_as(path, enforce_file_format=True)
    raw = path.read_bytes()
    assert all(needle in raw for needle in NEEDLES)  # the fixture does carry them
    return str(path)


def _assert_deidentified(out, src_path) -> pydicom.Dataset:
    raw = out.read_bytes()
    left = [needle.decode() for needle in NEEDLES if needle in raw]
    assert not left, f"identifying values left in {out.name}: {left}"
    ds, src = pydicom.dcmread(out), pydicom.dcmread(src_path)
    assert ds.PatientIdentityRemoved == "YES"
    assert ds.DeidentificationMethod and "PS3.15" in str(ds.DeidentificationMethod)
    assert "113100" in [item.CodeValue for item in ds.DeidentificationMethodCodeSequence]
    assert not any(elem.tag.is_private for elem in ds.iterall())
    assert "OriginalAttributesSequence" not in ds
    assert ds.SeriesInstanceUID != src.SeriesInstanceUID and ds.SOPInstanceUID != src.SOPInstanceUID
    assert ds.file_meta.MediaStorageSOPInstanceUID == ds.SOPInstanceUID
    return ds


# ------------------------------------------------------------------------------ images
def test_image_writer_deidentifies(tmp_path):
    src = _identified("CT_small.dcm", tmp_path / "in.dcm")
    values, meta = read_image(src)
    out = write_image(tmp_path / "out.dcm", values, meta, anonymize=True)
    ds = _assert_deidentified(out, src)
    assert str(ds.PatientName) == "" and ds.PatientID == ""
    assert_allclose(read_image(out)[0], values)  # the image itself is unchanged
    assert str(meta.dataset.PatientName) == SECRETS["PatientName"]  # the source is untouched


def test_cli_anonymize_image(tmp_path, capsys):
    src = _identified("CT_small.dcm", tmp_path / "in.dcm")
    out = tmp_path / "out.dcm"
    assert main(["denoise", src, "-o", str(out), "--anonymize", "--backend", "emulator"]) == 0
    _assert_deidentified(out, src)
    assert "wrote" in capsys.readouterr().out


def test_burned_in_annotation_is_refused(tmp_path):
    values, meta = read_image(get_testdata_file("CT_small.dcm"))
    meta.dataset.BurnedInAnnotation = "YES"
    with pytest.raises(ValueError, match="BurnedInAnnotation"):
        write_image(tmp_path / "out.dcm", values, meta, anonymize=True)
    assert not (tmp_path / "out.dcm").exists()


# ------------------------------------------------------------------------------ waveforms
def test_waveform_writer_deidentifies(tmp_path):
    src = _identified("waveform_ecg.dcm", tmp_path / "in.dcm")
    y, meta = read_signal_meta(src, "Lead II")
    out = write_signal(tmp_path / "out.dcm", {"denoised": 0.5 * y}, meta=meta, anonymize=True)
    _assert_deidentified(out, src)
    back, _ = read_signal_meta(out, "Lead II")
    assert np.max(np.abs(back - 0.5 * y)) <= 1.25 / 2 + 1e-9  # one quantisation step


def test_cli_anonymize_waveform(tmp_path):
    src = _identified("waveform_ecg.dcm", tmp_path / "in.dcm")
    out = tmp_path / "out.dcm"
    assert main(["denoise", src, "-o", str(out), "--column", "Lead II", "--anonymize", "--backend", "emulator"]) == 0
    _assert_deidentified(out, src)


def test_waveform_without_anonymize_gets_new_series_keeps_study(tmp_path):
    src = get_testdata_file("waveform_ecg.dcm")
    y, meta = read_signal_meta(src, "Lead II")
    out = write_signal(tmp_path / "out.dcm", {"denoised": y}, meta=meta)
    ds, ds0 = pydicom.dcmread(out), pydicom.dcmread(src)
    assert ds.SeriesInstanceUID != ds0.SeriesInstanceUID and ds.SOPInstanceUID != ds0.SOPInstanceUID
    assert ds.StudyInstanceUID == ds0.StudyInstanceUID and ds.PatientName == ds0.PatientName
    assert "PatientIdentityRemoved" not in ds


def test_anonymize_needs_dicom_signal_output(tmp_path):
    with pytest.raises(ValueError, match="DICOM output only"):
        write_signal(tmp_path / "out.csv", {"denoised": np.ones(4)}, anonymize=True)
    assert not (tmp_path / "out.csv").exists()


# ------------------------------------------------------------------------------ the function
@pytest.mark.parametrize("name", ["CT_small.dcm", "waveform_ecg.dcm"])
def test_deidentify_is_deterministic_and_keeps_uids(name, tmp_path):
    src = pydicom.dcmread(_identified(name, tmp_path / "in.dcm"))
    first, second = copy.deepcopy(src), copy.deepcopy(src)
    deidentify(first)
    deidentify(second)
    assert first == second
    # Retain UIDs Option: the writers, not the profile, give outputs their new UIDs
    for keyword in ("StudyInstanceUID", "SeriesInstanceUID", "SOPInstanceUID", "SOPClassUID"):
        assert first[keyword].value == src[keyword].value
    item = first.ScheduledProcedureStepSequence[0]
    assert str(item.PatientName) == "" and SECRETS["PatientID"] not in str(item.get("PatientID", ""))
