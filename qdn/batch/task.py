"""The work of one item, run on a Dask worker: denoise one file as ``qdn denoise`` does.

:func:`denoise_item` takes an :class:`ItemSpec` (plain paths and options: nothing else travels
to a worker, no account or token) and returns an :class:`ItemResult`; it never raises, so that a
bad file is one failed item, reported with the line ``qdn denoise`` would print
(``qdn: error: ...`` for bad input, ``qdn: failed: ...`` for a runtime failure). The output is
written (atomically) to the item's staging path; the driver puts it in place after recording it
in the manifest. The steps are those of ``qdn denoise`` (:mod:`qdn.cli.main`), with the same
readers, checks and writers of :mod:`qdn.cli.files` and :mod:`qdn.io`, so the outputs are the
same bytes (DICOM outputs get new UIDs on every write, as with ``qdn denoise``).
"""

from __future__ import annotations

import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np

from ..cli.args import add_noise
from ..cli.files import check_result, check_values, is_image_file, numerics, one_line, reading
from .manifest import file_sha256

__all__ = ["ItemSpec", "ItemResult", "denoise_item", "denoise_file", "error_line", "SIGNAL_OUTPUTS", "IMAGE_METHODS"]

#: Output suffixes of a denoised signal (those of ``qdn denoise``).
SIGNAL_OUTPUTS = (".csv", ".txt", ".npy", ".wav", ".dcm", ".dicom")
DICOM_SUFFIXES = (".dcm", ".dicom")
#: Methods ``qdn denoise`` accepts for images.
IMAGE_METHODS = ("qdn", "localization", "qab")


@dataclass(frozen=True)
class ItemSpec:
    """What a worker receives for one item: paths and options, nothing else.

    Attributes
    ----------
    rel : str
        The item's key (its path relative to the inputs' root).
    input : str
        The input file, named as the user names it.
    output : str
        Where the output goes in the end (named in messages).
    staged : str
        Where the worker writes it (a hidden staging folder inside the output folder).
    options : dict
        The ``qdn denoise`` options (``method``, ``window``, ``seed``, ...).
    salt : str
        The options key: with the source series, it makes a DICOM output's new SeriesInstanceUID.
    """

    rel: str
    input: str
    output: str
    staged: str
    options: dict = field(hash=False)
    salt: str = ""


@dataclass
class ItemResult:
    """What a worker sends back: the outcome of one item (small: no arrays)."""

    rel: str
    ok: bool
    error: str | None = None
    output_sha256: str | None = None
    kind: str | None = None
    seconds: float = 0.0
    warning: str | None = None


def error_line(exc: BaseException) -> str:
    """The one line ``qdn denoise`` prints for ``exc`` (exit 2 kinds, else exit 1 kinds)."""
    if isinstance(exc, (ValueError, FileExistsError)):
        return f"qdn: error: {one_line(exc)}"
    return f"qdn: failed: {type(exc).__name__}: {one_line(exc)}"


def _check_output(o, output: str, image: bool) -> None:
    """The output checks of ``qdn denoise`` that depend on the input's kind."""
    from ..io.images import IMAGE_SUFFIXES

    if image and (o.method not in IMAGE_METHODS or o.wavelet is not None):
        raise ValueError(f"images are denoised with --method qdn only, or localization or qab (got --method {o.method}"
                         + (f" --wavelet {o.wavelet}" if o.wavelet else "") + ")")
    suffixes = tuple(IMAGE_SUFFIXES) if image else SIGNAL_OUTPUTS
    suffix = Path(output).suffix.lower()
    if suffix not in suffixes:
        raise ValueError(f"unsupported output format {suffix or '(no suffix)'!r} for {output}; valid: {', '.join(suffixes)}")


def _denoise_image(o, path: str, staged: str, salt: str) -> None:
    import qdn
    from ..io.images import read_image, write_image

    with reading(path):
        image, meta = read_image(path)
    check_values(image, path)
    noisy = image
    window = 8 if o.window in (None, "auto") else o.window
    with numerics(image, path):
        if o.noise is not None:
            noisy = add_noise(image, o.noise, o.seed)
        res = qdn.denoise(noisy, window, method=o.method, threshold=o.threshold, schedule=o.schedule,
                          variant=o.variant, backend=o.backend, shots=o.shots, seed=o.seed, noise_model=o.noise_model)
    check_result(res.denoised, image, path)
    dicom = Path(staged).suffix.lower() in DICOM_SUFFIXES
    write_image(staged, res.denoised, meta, force=True, anonymize=o.anonymize and dicom,
                series_uid=_series_uid(meta, salt) if dicom else None)


def _series_uid(meta, salt: str) -> str | None:
    """One new SeriesInstanceUID per source series and options (the slices of a series, denoised
    as separate items on any worker, stay one series; a rerun gives the same UID)."""
    from pydicom.uid import generate_uid

    src = getattr(meta, "dataset", None)
    uid = None if src is None else src.get("SeriesInstanceUID")
    return generate_uid(entropy_srcs=[str(uid), salt]) if uid else None


def _denoise_signal(o, path: str, staged: str, salt: str) -> None:
    import qdn
    from ..io.signals import read_signal_meta, write_signal

    with reading(path):
        y, meta = read_signal_meta(path, o.column)
    data = check_values(y, path)
    clean, noisy = (None, data) if o.noise is None else (data, None)
    window = "auto" if o.window is None else o.window
    with numerics(data, path):
        if noisy is None:
            noisy = add_noise(data, o.noise, o.seed)
        res = qdn.denoise(
            noisy, window, method=o.method, threshold=o.threshold, schedule=o.schedule, variant=o.variant,
            backend=o.backend, shots=o.shots, seed=o.seed, wavelet=o.wavelet, shifts=o.shifts, spin=o.spin,
            boundary=o.boundary, noise_model=o.noise_model,
        )
    check_result(np.concatenate([noisy, res.denoised]), data, path)
    columns = {"noisy": noisy, "denoised": res.denoised}
    if clean is not None:
        columns = {"clean": clean, **columns}
    dicom = Path(staged).suffix.lower() in DICOM_SUFFIXES
    extra = {"anonymize": True} if o.anonymize and dicom else {}
    write_signal(staged, columns, force=True, meta=meta, **extra)


def denoise_file(path: str, output: str, staged: str, options: dict[str, Any], salt: str = "") -> str:
    """Denoise ``path`` as ``qdn denoise path -o output`` would, writing to ``staged``; returns
    the kind (``"signal"`` or ``"image"``). ``--anonymize`` applies to DICOM outputs only (a
    batch mixes kinds); a DICOM image's new SeriesInstanceUID derives from its source series and
    ``salt`` (the options key). Raises what ``qdn denoise`` raises."""
    o = SimpleNamespace(**options)
    with reading(path):
        image = is_image_file(path)
    _check_output(o, output, image)
    dicom_in = Path(path).suffix.lower() in DICOM_SUFFIXES
    if Path(output).suffix.lower() in DICOM_SUFFIXES and not dicom_in:
        raise ValueError(f"a DICOM output ({output}) needs a DICOM input (its dataset is reused); write another format")
    Path(staged).parent.mkdir(parents=True, exist_ok=True)
    (_denoise_image if image else _denoise_signal)(o, path, staged, salt)
    return "image" if image else "signal"


def denoise_item(spec: ItemSpec) -> ItemResult:
    """Run :func:`denoise_file` for ``spec`` on a worker; every failure becomes a failed
    :class:`ItemResult` with the line ``qdn denoise`` prints. Library warnings are held back and
    the first is returned as one line."""
    t0 = time.perf_counter()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            kind = denoise_file(spec.input, spec.output, spec.staged, spec.options, spec.salt)
        except Exception as exc:  # noqa: BLE001 - one failed item, never a failed batch
            return ItemResult(spec.rel, False, error=error_line(exc), seconds=time.perf_counter() - t0)
    warning = next((f"{w.category.__name__}: {one_line(str(w.message))}" for w in caught), None)
    return ItemResult(spec.rel, True, output_sha256=file_sha256(spec.staged), kind=kind,
                      seconds=time.perf_counter() - t0, warning=warning)
