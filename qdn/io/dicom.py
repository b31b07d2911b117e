"""Reading a DICOM file all at once, so that a corrupt file fails where it is read.

pydicom parses elements lazily: a mangled value representation or a truncated element would
only fail later, while qdn writes its output from the input's header. :func:`read_dataset`
parses every element (nested sequences and the file meta included), so such a file is refused
up front as bad input (``ValueError`` naming it); :func:`write_dataset` turns an element of the
input's header that pydicom cannot encode into the same kind of error (the atomic write then
leaves no file).
"""

from __future__ import annotations

import os
import warnings

__all__ = ["read_dataset", "write_dataset"]


def read_dataset(path: str | os.PathLike):
    """``pydicom.dcmread(path)``, fully parsed; ``ValueError`` with the file's name and the reason
    otherwise."""
    import pydicom

    try:
        ds = pydicom.dcmread(path)
        with warnings.catch_warnings():
            # a value that breaks its VR's rules (pydicom's own test file rtdose.dcm has a UID
            # with a leading zero) is still read; qdn replaces the UIDs it writes
            warnings.filterwarnings("ignore", message="Invalid value for VR", category=UserWarning)
            for part in (getattr(ds, "file_meta", None), ds):
                if part is not None:
                    for _ in part.iterall():
                        pass
    except Exception as exc:  # InvalidDicomError, EOFError, struct errors, unknown VRs, bad encodings, ...
        reason = " ".join(str(exc).split()) or type(exc).__name__
        raise ValueError(f"{path} is not a readable DICOM file: {reason[:300]}") from None
    return ds


def write_dataset(target, ds, *, source: str = "the input") -> None:
    """``pydicom.dcmwrite(target, ds, enforce_file_format=True)`` (re-encoding a big-endian
    source little endian); an element copied from ``source`` that cannot be encoded is a
    ``ValueError`` naming it."""
    import pydicom

    try:
        pydicom.dcmwrite(target, ds, enforce_file_format=True)
    except (TypeError, NotImplementedError, ValueError, KeyError, AttributeError, OverflowError) as exc:
        reason = " ".join(str(exc).split()) or type(exc).__name__
        raise ValueError(f"cannot write a DICOM file from the header of {source}: {reason[:300]}") from None
