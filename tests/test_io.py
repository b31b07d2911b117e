"""Signal files: CSV, NPY, WAV and DICOM waveforms, round trips and clear errors."""

import numpy as np
import pytest
from numpy.testing import assert_allclose
from pydicom.data import get_testdata_file

from qdn.io.signals import read_signal, read_signal_meta, write_signal

ECG_DCM = get_testdata_file("waveform_ecg.dcm")


def test_wav_round_trip_keeps_rate_and_type(tmp_path):
    from scipy.io import wavfile

    src = tmp_path / "in.wav"
    data = (1000 * np.sin(np.arange(512) / 9)).astype(np.int16)
    wavfile.write(src, 8000, data)
    y, meta = read_signal_meta(src)
    assert_allclose(y, data)
    write_signal(tmp_path / "out.wav", {"denoised": y + 0.4}, meta=meta)
    rate, back = wavfile.read(tmp_path / "out.wav")
    assert rate == 8000 and back.dtype == np.int16
    assert_allclose(back, data)  # +0.4 rounds away


def test_stereo_wav_needs_a_channel(tmp_path):
    from scipy.io import wavfile

    wavfile.write(tmp_path / "s.wav", 100, np.zeros((64, 2), np.int16))
    with pytest.raises(ValueError, match="2 channels"):
        read_signal(tmp_path / "s.wav")
    assert read_signal(tmp_path / "s.wav", "1").shape == (64,)


def test_dicom_waveform_channels_by_label_and_index():
    lead2 = read_signal(ECG_DCM, "Lead II")
    assert lead2.shape == (10000,)
    assert_allclose(read_signal(ECG_DCM, "1"), lead2)
    with pytest.raises(ValueError, match="12 channels"):
        read_signal(ECG_DCM)
    with pytest.raises(ValueError, match="not found"):
        read_signal(ECG_DCM, "Lead X")


def test_dicom_waveform_round_trip(tmp_path):
    y, meta = read_signal_meta(ECG_DCM, "Lead II")
    out = tmp_path / "out.dcm"
    write_signal(out, {"denoised": 0.5 * y}, meta=meta)
    back, meta2 = read_signal_meta(out, "Lead II")
    assert np.max(np.abs(back - 0.5 * y)) <= 1.25 / 2 + 1e-9  # one quantisation step (sensitivity 1.25)
    assert_allclose(read_signal(out, "Lead I (Einthoven)"), read_signal(ECG_DCM, "0"))  # others untouched
    ds, ds0 = meta2["dataset"], meta["dataset"]
    assert ds.SOPInstanceUID != ds0.SOPInstanceUID and "denoised" in ds.SeriesDescription
    assert ds.PatientName == ds0.PatientName and ds.StudyInstanceUID == ds0.StudyInstanceUID


@pytest.mark.parametrize(
    "content,suffix,match",
    [
        ("", ".csv", "empty"),
        ("a\n1\nx\n", ".csv", "numeric"),
        ("not a wav", ".wav", "WAV"),
        ("not dicom", ".dcm", "DICOM"),
        ("1,2", ".xyz", "unsupported input format"),
    ],
)
def test_bad_files(tmp_path, content, suffix, match):
    p = tmp_path / f"f{suffix}"
    p.write_text(content)
    with pytest.raises(ValueError, match=match):
        read_signal(p)


def test_dicom_output_needs_dicom_input(tmp_path):
    with pytest.raises(ValueError, match="DICOM waveform input"):
        write_signal(tmp_path / "o.dcm", {"denoised": np.zeros(4)})
    assert not (tmp_path / "o.dcm").exists()
