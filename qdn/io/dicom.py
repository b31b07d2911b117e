"""Reading a DICOM file all at once, so that a corrupt file fails where it is read.

pydicom parses elements lazily: a mangled value representation or a truncated element would
only fail later, while qdn writes its output from the input's header. :func:`read_dataset`
parses every element (nested sequences and the file meta included) and encodes the dataset once
in memory, so every such file is refused up front as bad input (``ValueError`` naming it).
"""

from __future__ import annotations

import io
import os

__all__ = ["read_dataset"]


def read_dataset(path: str | os.PathLike):
    """``pydicom.dcmread(path)``, fully parsed and known to encode again; ``ValueError`` with the
    file's name and the reason otherwise."""
    import pydicom

    try:
        ds = pydicom.dcmread(path)
        for part in (getattr(ds, "file_meta", None), ds):
            if part is not None:
                for _ in part.iterall():
                    pass
        pydicom.dcmwrite(io.BytesIO(), ds, enforce_file_format=False)
    except Exception as exc:  # InvalidDicomError, EOFError, struct errors, unknown VRs, bad encodings, ...
        reason = " ".join(str(exc).split()) or type(exc).__name__
        raise ValueError(f"{path} is not a readable DICOM file: {reason[:300]}") from None
    return ds
