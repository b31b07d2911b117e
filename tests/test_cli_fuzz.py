"""Property-based fuzzing of the command line's file loaders.

Random bytes, and small valid files with bytes flipped, cut, inserted or deleted, go through
``qdn denoise`` for every loader (CSV, NPY, WAV, DICOM waveform; PNG, TIFF, NPY image, DICOM
image), in-process on the emulator with 4-sample windows. Whatever the bytes: exit 0 or 2 (never
1), no traceback, at most one stderr line (exactly one ``qdn: error:`` line on exit 2), and no
file left behind but the input and, on success, the output.

The number of examples comes from the hypothesis profile (tests/conftest.py): a few per loader by
default, thousands with ``HYPOTHESIS_PROFILE=slow``; ``-m slow`` also runs a long campaign of
mutated files per loader.
"""

import contextlib
import io
import logging
import tempfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qdn.cli import main


# ------------------------------------------------------------------------------- seed files
def _csv() -> bytes:
    y = np.sin(np.arange(16) / 2.0) + 0.1 * np.cos(np.arange(16) * 1.3)
    return ("value\n" + "\n".join(f"{v:.6f}" for v in y) + "\n").encode()


def _npy(array) -> bytes:
    buf = io.BytesIO()
    np.save(buf, array)
    return buf.getvalue()


def _wav() -> bytes:
    from scipy.io import wavfile

    buf = io.BytesIO()
    wavfile.write(buf, 8000, (np.sin(np.arange(16) / 2.0) * 9000).astype(np.int16))
    return buf.getvalue()


def _image() -> np.ndarray:
    return np.add.outer(np.arange(8), np.arange(8)) * 7 % 256


def _png() -> bytes:
    import imageio.v3 as iio

    return iio.imwrite("<bytes>", _image().astype(np.uint8), extension=".png")


def _tiff() -> bytes:
    import tifffile

    buf = io.BytesIO()
    tifffile.imwrite(buf, (_image() * 100).astype(np.uint16), photometric="minisblack")
    return buf.getvalue()


def _dicom(ds) -> bytes:
    import pydicom
    from pydicom.dataset import FileMetaDataset
    from pydicom.uid import ExplicitVRLittleEndian, generate_uid

    ds.SOPInstanceUID = generate_uid()
    ds.file_meta = FileMetaDataset()
    ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds.file_meta.MediaStorageSOPClassUID = ds.SOPClassUID
    ds.file_meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
    buf = io.BytesIO()
    pydicom.dcmwrite(buf, ds, enforce_file_format=True)
    return buf.getvalue()


def _dicom_waveform() -> bytes:
    """A one-channel, 16-sample 12-lead-ECG waveform object."""
    from pydicom.dataset import Dataset

    source = Dataset()
    source.CodeValue, source.CodingSchemeDesignator, source.CodeMeaning = "2:1", "MDC", "Lead I"
    channel = Dataset()
    channel.ChannelSourceSequence = [source]
    channel.ChannelSensitivity, channel.ChannelSensitivityCorrectionFactor, channel.ChannelBaseline = 1.0, 1.0, 0.0
    channel.WaveformBitsStored = 16
    seq = Dataset()
    seq.WaveformOriginality, seq.SamplingFrequency = "ORIGINAL", 500.0
    seq.NumberOfWaveformChannels, seq.NumberOfWaveformSamples = 1, 16
    seq.ChannelDefinitionSequence = [channel]
    seq.WaveformBitsAllocated, seq.WaveformSampleInterpretation = 16, "SS"
    seq.WaveformData = (np.sin(np.arange(16) / 2.0) * 1000).astype("<i2").tobytes()
    ds = Dataset()
    ds.SOPClassUID, ds.Modality = "1.2.840.10008.5.1.4.1.1.9.1.1", "ECG"
    ds.WaveformSequence = [seq]
    return _dicom(ds)


def _dicom_image() -> bytes:
    """An 8x8, 12-bit CT image with a rescale."""
    from pydicom.dataset import Dataset

    ds = Dataset()
    ds.SOPClassUID, ds.Modality = "1.2.840.10008.5.1.4.1.1.2", "CT"
    ds.Rows = ds.Columns = 8
    ds.SamplesPerPixel, ds.PhotometricInterpretation = 1, "MONOCHROME2"
    ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 16, 12, 11, 0
    ds.RescaleSlope, ds.RescaleIntercept = 1, -1024
    ds.PixelData = (_image() * 16).astype("<u2").tobytes()
    return _dicom(ds)


#: loader: (input suffix, seed file, output suffix): each kind is written back as its own kind (a
#: DICOM output re-encodes the input's dataset, so a header the reader let through is written too).
LOADERS = {
    "csv": (".csv", _csv, ".csv"),
    "npy-signal": (".npy", lambda: _npy(np.sin(np.arange(16) / 2.0)), ".npy"),
    "wav": (".wav", _wav, ".wav"),
    "dicom-waveform": (".dcm", _dicom_waveform, ".dcm"),
    "png": (".png", _png, ".png"),
    "tiff": (".tif", _tiff, ".tif"),
    "npy-image": (".npy", lambda: _npy(_image() / 10.0), ".npy"),
    "dicom-image": (".dcm", _dicom_image, ".dcm"),
}
SEEDS: dict[str, bytes] = {}


def _seed(kind: str) -> bytes:
    if kind not in SEEDS:
        SEEDS[kind] = LOADERS[kind][1]()
    return SEEDS[kind]


# ------------------------------------------------------------------------------- strategies
@st.composite
def mutated(draw, seed: bytes) -> bytes:
    """``seed`` with a few bytes overwritten, then maybe a run inserted or deleted, then maybe cut."""
    data = bytearray(seed)
    for _ in range(draw(st.integers(1, 6))):
        pos = draw(st.integers(0, len(data) - 1))
        data[pos] = draw(st.sampled_from([0x00, 0xFF, 0x7F, 0x80, 0x30, 0x2E, 0x2D, 0x65])) if draw(st.booleans()) \
            else draw(st.integers(0, 255))
    edit = draw(st.sampled_from(["none", "insert", "delete", "cut"]))
    if edit == "insert":
        pos = draw(st.integers(0, len(data)))
        data[pos:pos] = draw(st.binary(min_size=1, max_size=16))
    elif edit == "delete":
        pos = draw(st.integers(0, len(data) - 1))
        del data[pos:pos + draw(st.integers(1, 16))]
    elif edit == "cut":
        del data[draw(st.integers(0, len(data))):]
    return bytes(data)


def random_bytes(seed: bytes):
    """Random bytes, bare or after the seed's first bytes (its magic number and header start)."""
    return st.one_of(
        st.binary(max_size=512),
        st.builds(lambda n, tail: seed[:n] + tail, st.integers(1, min(len(seed), 160)), st.binary(max_size=256)),
    )


# ------------------------------------------------------------------------------- the property
class _Records(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.records = []

    def emit(self, record):
        self.records.append(record)


def _denoise_bytes(kind: str, content: bytes) -> None:
    suffix, _, out_suffix = LOADERS[kind]
    with tempfile.TemporaryDirectory() as tmp:
        src, out = Path(tmp) / f"in{suffix}", Path(tmp) / f"out{out_suffix}"
        src.write_bytes(content)
        err, printed, logged = io.StringIO(), io.StringIO(), _Records()
        logging.getLogger().addHandler(logged)  # what a library logs would be stderr lines too
        try:
            with contextlib.redirect_stderr(err), contextlib.redirect_stdout(printed):
                code = main(["denoise", str(src), "-o", str(out), "--backend", "emulator", "--window", "4"])
        finally:
            logging.getLogger().removeHandler(logged)
        assert not logged.records, [r.getMessage() for r in logged.records]
        lines = err.getvalue().splitlines()
        assert code in (0, 2), err.getvalue()
        assert "Traceback" not in err.getvalue() and len(lines) <= 1, err.getvalue()
        if code == 2:
            assert len(lines) == 1 and lines[0].startswith("qdn: error: "), err.getvalue()
        left = sorted(p.name for p in Path(tmp).iterdir())
        assert left == sorted([src.name] + ([out.name] if code == 0 else [])), (left, err.getvalue())


FUZZ = settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def test_the_seed_files_denoise():
    for kind in LOADERS:
        _denoise_bytes(kind, _seed(kind))


@pytest.mark.parametrize("kind", list(LOADERS))
@FUZZ
@given(data=st.data())
def test_random_bytes_exit_0_or_2(kind, data):
    _denoise_bytes(kind, data.draw(random_bytes(_seed(kind)), label="content"))


@pytest.mark.parametrize("kind", list(LOADERS))
@FUZZ
@given(data=st.data())
def test_mutated_files_exit_0_or_2(kind, data):
    _denoise_bytes(kind, data.draw(mutated(_seed(kind)), label="content"))


@pytest.mark.slow
@pytest.mark.parametrize("kind", list(LOADERS))
@settings(FUZZ, max_examples=max(3000, settings().max_examples))
@given(data=st.data())
def test_mutated_files_exit_0_or_2_long(kind, data):
    _denoise_bytes(kind, data.draw(st.one_of(mutated(_seed(kind)), random_bytes(_seed(kind))), label="content"))
