"""Reading and writing 1-D signals (CSV, NPY, WAV, DICOM waveforms), with atomic writes
(:func:`qdn.io.atomic.atomic_write`).

:func:`read_signal_meta` returns the signal and what is needed to write it back in the same
kind: the WAV sample rate and sample type; for DICOM, the dataset and the channel, so the
output is the same waveform object with that channel's samples replaced (raw values
``(x - baseline) / (sensitivity * correction)``, rounded and clipped to the sample type), a
new SOPInstanceUID and SeriesInstanceUID (study and patient kept) and a SeriesDescription
saying it was denoised. ``anonymize=True`` de-identifies a DICOM output as the image writer
does (:func:`qdn.io.images.deidentify`: PS3.15 Basic Profile, Retain UIDs Option).
"""

from __future__ import annotations

import copy
import csv
import os
import struct
from collections.abc import Mapping
from pathlib import Path

import numpy as np

from .dicom import read_dataset, write_dataset
from .atomic import atomic_write
from .images import deidentify

__all__ = ["read_signal", "read_signal_meta", "write_signal", "wav_sample_bits"]


def read_signal(path: str | os.PathLike, column: str | None = None) -> np.ndarray:
    """Read a 1-D signal from ``.npy``, ``.csv``, ``.wav`` or a DICOM waveform (``.dcm``).

    ``column`` names a CSV column, or a WAV/DICOM channel (index, or DICOM channel label).
    """
    return read_signal_meta(path, column)[0]


def _pick_channel(labels: list[str], column: str | None, path: Path) -> int:
    if column is None:
        if len(labels) == 1:
            return 0
        raise ValueError(f"{path} has {len(labels)} channels {labels}; choose one with --column (index or label)")
    if column in labels:
        return labels.index(column)
    try:
        idx = int(column)
    except ValueError:
        raise ValueError(f"channel {column!r} not found in {path}; channels: {labels}") from None
    if not 0 <= idx < len(labels):
        raise ValueError(f"channel index {idx} out of range for {path} ({len(labels)} channels)")
    return idx


def wav_sample_bits(path: str | os.PathLike) -> int | None:
    """Bits per sample of a WAV file as stored (its ``fmt`` chunk's block align per channel:
    24 for 24-bit PCM, which :func:`scipy.io.wavfile.read` returns as int32), or ``None``
    when the file has no readable ``fmt`` chunk."""
    with open(path, "rb") as fh:
        head = fh.read(12)
        if len(head) < 12 or head[:4] not in (b"RIFF", b"RIFX", b"RF64") or head[8:] != b"WAVE":
            return None
        order = ">" if head[:4] == b"RIFX" else "<"
        while len(chunk := fh.read(8)) == 8:
            size = struct.unpack(order + "I", chunk[4:])[0]
            if chunk[:4] == b"fmt ":
                fmt = fh.read(min(size, 16))
                if len(fmt) < 14:
                    return None
                channels, align = struct.unpack(order + "2xH8xH", fmt[:14])
                return 8 * (align // channels) if channels and align >= channels else None
            fh.seek(size + (size & 1), os.SEEK_CUR)
    return None


def _read_wav(path: Path, column):
    from scipy.io import wavfile

    try:
        rate, data = wavfile.read(path)
    except Exception as exc:  # scipy raises ValueError, struct.error, ZeroDivisionError, ... on bad headers
        raise ValueError(f"{path} is not a readable WAV file: {_reason(exc)}") from None
    if data.ndim not in (1, 2) or data.size == 0 or data.dtype.kind not in "iuf":
        raise ValueError(f"{path} holds no samples a signal can be read from ({data.dtype}, shape {data.shape})")
    chans = 1 if data.ndim == 1 else data.shape[1]
    idx = _pick_channel([str(k) for k in range(chans)], column, path)
    y = data if data.ndim == 1 else data[:, idx]
    meta = {"kind": "wav", "rate": int(rate), "dtype": data.dtype.str, "sample_bits": wav_sample_bits(path)}
    return y.astype(float), meta


def _read_dicom_waveform(path: Path, column):
    ds = read_dataset(path)
    if "WaveformSequence" not in ds:
        raise ValueError(f"{path} holds no DICOM waveform (use the image reader for pixel data)")
    seq = ds.WaveformSequence[0]
    labels = []
    for k, ch in enumerate(seq.ChannelDefinitionSequence):
        try:
            labels.append(str(ch.ChannelSourceSequence[0].CodeMeaning))
        except (AttributeError, IndexError):
            labels.append(str(k))
    idx = _pick_channel(labels, column, path)
    try:
        y = np.asarray(ds.waveform_array(0)[:, idx], float)
    except Exception as exc:  # pydicom raises several kinds for malformed waveform data
        raise ValueError(f"{path}: cannot decode the waveform ({exc})") from None
    return y, {"kind": "dicom", "dataset": ds, "channel": idx, "label": labels[idx]}


def _reason(exc: BaseException) -> str:
    """An exception as one line: its message (after its type, unless a ValueError or OSError)."""
    text = " ".join(str(exc).split())
    if isinstance(exc, (ValueError, OSError)) and text:
        return text
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _check_readable(path: Path) -> None:
    """``ValueError`` naming ``path`` unless it is a regular, readable, non-empty file."""
    try:
        if not path.exists():
            raise ValueError(f"input file {path} does not exist")
        if path.is_dir():
            raise ValueError(f"{path} is a directory; a signal file is needed")
        if not path.is_file():
            raise ValueError(f"{path} is not a regular file")
        with open(path, "rb") as fh:
            empty = not fh.read(1)
    except OSError as exc:  # PermissionError, ...
        raise ValueError(f"cannot read {path}: {exc.strerror or _reason(exc)}") from None
    if empty:
        raise ValueError(f"{path} is empty")


def read_signal_meta(path: str | os.PathLike, column: str | None = None) -> tuple[np.ndarray, dict]:
    """Like :func:`read_signal`, also returning what :func:`write_signal` needs (``meta``).

    Every failure is a ``ValueError`` whose message names the file: missing, a directory,
    unreadable, empty, malformed (whatever the parser of the format raised), or not a signal.
    """
    path = Path(path)
    _check_readable(path)
    suffix = path.suffix.lower()
    try:
        if suffix == ".wav":
            return _read_wav(path, column)
        if suffix in (".dcm", ".dicom"):
            return _read_dicom_waveform(path, column)
        return _read_table(path, suffix, column), {"kind": suffix.lstrip(".")}
    except ValueError as exc:
        if str(path) in str(exc):
            raise
        raise ValueError(f"cannot read {path}: {_reason(exc)}") from None
    except Exception as exc:  # a malformed file can make a parser fail in any way
        raise ValueError(f"cannot read {path}: {_reason(exc)}") from None


def _read_table(path: Path, suffix: str, column: str | None) -> np.ndarray:
    if suffix == ".npy":
        try:  # mapped: a header that claims more data than the file holds fails here, unallocated
            data = np.array(np.load(path, mmap_mode="r", allow_pickle=False))
        except Exception as exc:  # ValueError, tokenize/syntax errors of a malformed header, ...
            raise ValueError(f"{path} is not a readable NPY array: {_reason(exc)}") from None
        if data.ndim != 1:
            raise ValueError(f"{path} holds an array of shape {data.shape}; a 1-D signal is needed")
        if data.dtype.kind not in "iuf":
            raise ValueError(f"{path} holds {data.dtype} values; a signal of real numbers is needed")
        return data.astype(float)
    if suffix in (".csv", ".txt"):
        try:
            with open(path, newline="", encoding="utf-8-sig") as fh:
                rows = [r for r in csv.reader(fh) if r and any(c.strip() for c in r)]
        except UnicodeDecodeError as exc:
            raise ValueError(f"{path} is not a UTF-8 text file: {_reason(exc)}") from None
        except csv.Error as exc:
            raise ValueError(f"{path} is not a readable CSV file: {_reason(exc)}") from None
        if not rows:
            raise ValueError(f"{path} is empty")
        header = None
        try:
            [float(c) for c in rows[0]]
        except ValueError:
            header, rows = [c.strip() for c in rows[0]], rows[1:]
        if not rows:
            raise ValueError(f"{path} has a header line but no data")
        ncol = len(rows[0])
        if column is not None:
            if header is None or column not in header:
                raise ValueError(f"column {column!r} not found in {path}; columns: {header}")
            idx = header.index(column)
        elif ncol == 1:
            idx = 0
        else:
            raise ValueError(f"{path} has {ncol} columns {header or ''}; choose one with --column")
        try:
            return np.array([float(r[idx]) for r in rows])
        except (ValueError, IndexError) as exc:
            raise ValueError(f"{path}: not a numeric column ({exc})") from None
    raise ValueError(f"unsupported input format {suffix or '(no suffix)'!r} for {path}; valid: .csv, .txt, .npy, .wav, .dcm")


def _write_wav(tmp: str, y: np.ndarray, meta: Mapping | None) -> None:
    from scipy.io import wavfile

    rate = int(meta.get("rate", 1000)) if meta else 1000
    dtype = np.dtype(meta["dtype"]) if meta and "dtype" in meta else np.dtype(np.float32)
    if dtype.kind in "iu":
        info = np.iinfo(dtype)
        data = np.clip(np.rint(y), info.min, info.max).astype(dtype)
    else:
        data = y.astype(dtype)
    wavfile.write(tmp, rate, data)


def _write_dicom_waveform(tmp: str, y: np.ndarray, meta: Mapping | None, anonymize: bool = False) -> None:
    from pydicom.uid import generate_uid

    if not meta or meta.get("kind") != "dicom":
        raise ValueError("writing a DICOM waveform needs a DICOM waveform input (its dataset is reused)")
    ds = copy.deepcopy(meta["dataset"])
    if anonymize:  # first, so nothing below copies an identifying value
        deidentify(ds)
    seq = ds.WaveformSequence[0]
    ch = seq.ChannelDefinitionSequence[meta["channel"]]
    n_ch, n_s = int(seq.NumberOfWaveformChannels), int(seq.NumberOfWaveformSamples)
    if y.size != n_s:
        raise ValueError(f"denoised length {y.size} differs from the waveform's {n_s} samples")
    if int(seq.WaveformBitsAllocated) != 16 or seq.WaveformSampleInterpretation != "SS":
        raise ValueError("only 16-bit signed (SS) DICOM waveforms can be written back")
    raw = np.frombuffer(seq.WaveformData, dtype="<i2").reshape(n_s, n_ch).copy()
    scale = float(ch.get("ChannelSensitivity", 1.0)) * float(ch.get("ChannelSensitivityCorrectionFactor", 1.0))
    values = (y - float(ch.get("ChannelBaseline", 0.0))) / scale
    raw[:, meta["channel"]] = np.clip(np.rint(values), -32768, 32767).astype("<i2")
    seq.WaveformData = raw.tobytes()
    ds.SOPInstanceUID = generate_uid()
    ds.SeriesInstanceUID = generate_uid()
    file_meta = getattr(ds, "file_meta", None)
    if file_meta is not None and "MediaStorageSOPInstanceUID" in file_meta:
        file_meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
    ds.SeriesDescription = f"qdn denoised ({meta.get('label', 'channel')})"
    write_dataset(tmp, ds)


def write_signal(
    path: str | os.PathLike,
    columns: Mapping[str, np.ndarray],
    *,
    force: bool = False,
    meta: Mapping | None = None,
    anonymize: bool = False,
) -> Path:
    """Write named columns to ``.csv`` (with a header), or the ``denoised`` column to ``.npy``,
    ``.wav`` (sample rate and type from ``meta``) or a DICOM waveform (``meta`` from a DICOM
    input). ``anonymize`` (DICOM only) de-identifies the output (:func:`qdn.io.images.deidentify`)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if anonymize and suffix not in (".dcm", ".dicom"):
        raise ValueError("anonymize applies to DICOM output only")
    if suffix == ".wav":
        return atomic_write(path, lambda tmp: _write_wav(tmp, np.asarray(columns["denoised"], float), meta), force=force)
    if suffix in (".dcm", ".dicom"):
        if not meta or meta.get("kind") != "dicom":
            raise ValueError("writing a DICOM waveform needs a DICOM waveform input (its dataset is reused)")
        denoised = np.asarray(columns["denoised"], float)
        return atomic_write(path, lambda tmp: _write_dicom_waveform(tmp, denoised, meta, anonymize), force=force)
    if suffix == ".npy":
        return atomic_write(path, lambda tmp: np.save(tmp, np.asarray(columns["denoised"])), force=force)
    if suffix in (".csv", ".txt"):
        names = list(columns)
        table = np.column_stack([np.asarray(columns[n], float) for n in names])
        return atomic_write(
            path, lambda tmp: np.savetxt(tmp, table, delimiter=",", header=",".join(names), comments="", fmt="%.10g"),
            force=force,
        )
    raise ValueError(f"unsupported output format {suffix!r}; valid: .csv, .txt, .npy, .wav, .dcm")
