"""Images as data: read and write PNG, TIFF, NPY and DICOM grey-level images.

:func:`read_image` returns the pixel values as a float64 array in the file's own units, and an
:class:`ImageMeta` that :func:`write_image` uses to write a result back in the source's type:

``.png``
    8- or 16-bit grey (imageio). Values are the stored integers.
``.tif`` / ``.tiff``
    One grey page (tifffile), any numeric type.
``.npy``
    A 2-D real array (``allow_pickle=False``).
``.dcm`` / ``.dicom`` (or any file with the ``DICM`` marker)
    One frame of MONOCHROME1/2 pixel data (pydicom), with the modality rescale applied:
    ``value = stored * RescaleSlope + RescaleIntercept`` (Hounsfield units for CT). Compressed
    transfer syntaxes are read when pydicom has a decoder for them (RLE always; JPEG 2000 and
    baseline JPEG through Pillow; JPEG-LS only with pylibjpeg/gdcm/pyjpegls installed).

Writing (:func:`write_image`; the format follows the suffix; atomic via
:func:`qdn.io.atomic.atomic_write`, an existing file is kept unless ``force``):

* DICOM needs the metadata of a DICOM input: the output is a copy of the input dataset with the
  new pixel data in the original type and range (inverse rescale, round, clip to the
  ``BitsStored``/``PixelRepresentation`` range, cast; 1-bit data re-packed), Explicit VR Little
  Endian (uncompressed), study and patient attributes kept, a new ``SOPInstanceUID`` and
  ``SeriesInstanceUID`` (:func:`pydicom.uid.generate_uid`), ``SeriesDescription`` and
  ``DerivationDescription`` saying it was denoised, ``ImageType`` DERIVED\\SECONDARY, and stale
  ``Smallest/LargestImagePixelValue`` removed. ``anonymize=True`` de-identifies the output with
  :func:`deidentify`: the DICOM PS3.15 Basic Application Level Confidentiality Profile (the
  action table of the standard as shipped by the ``dicom-anonymizer`` package, applied at every
  level of nested sequences, private tags removed) with its Retain UIDs Option (the study UID
  is kept, so the result stays in its study; the series and instance UIDs are new anyway), then
  the attributes of :data:`IDENTIFYING` emptied (Type 2) or deleted, ``PatientIdentityRemoved``
  YES and ``DeidentificationMethod`` (+ code sequence) set. Pixel data is not inspected: a
  source marked ``BurnedInAnnotation`` YES is refused.
* PNG holds unsigned integers: the source's integer type when the metadata comes from a PNG or
  TIFF, else uint8 or uint16 by range (values rounded and clipped to the type); a float image
  within [0, 1] that is not integer-valued is scaled by 255 to uint8 (scikit-image's
  convention). Values outside [0, 65535] raise ``ValueError`` (write TIFF, NPY or DICOM).
* TIFF: the source's integer type when the metadata comes from a PNG or TIFF, else float32.
* NPY: float64, as computed.

Unsupported or unreadable input (RGB/colour, multi-frame, multi-page, compressed DICOM without
a decoder, truncated or corrupt files, non-DICOM data with a DICOM suffix) raises ``ValueError``
with the reason.
"""

from __future__ import annotations

import copy
import functools
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .dicom import read_dataset, write_dataset
from .atomic import atomic_write

__all__ = ["ImageMeta", "read_image", "write_image", "deidentify", "IDENTIFYING", "IMAGE_SUFFIXES"]

IMAGE_SUFFIXES = {
    ".png": "png",
    ".tif": "tiff",
    ".tiff": "tiff",
    ".npy": "npy",
    ".dcm": "dicom",
    ".dicom": "dicom",
}

#: Attributes :func:`deidentify` leaves empty (Type 2 attributes of the Patient and General Study
#: modules) or absent (the others) after the PS3.15 profile, which may leave dummy values in them
#: (its Z and D actions): this list narrows what the profile allows, it does not replace it.
IDENTIFYING_TYPE2 = (
    "PatientName", "PatientID", "PatientBirthDate", "PatientSex", "ReferringPhysicianName",
    "AccessionNumber", "StudyID",
)
IDENTIFYING = IDENTIFYING_TYPE2 + (
    "PatientBirthTime", "PatientAge", "PatientSize", "PatientWeight", "PatientAddress",
    "PatientTelephoneNumbers", "PatientMotherBirthName", "PatientBirthName", "OtherPatientIDs",
    "OtherPatientNames", "OtherPatientIDsSequence", "IssuerOfPatientID", "MilitaryRank",
    "BranchOfService", "EthnicGroup", "Occupation", "PatientComments", "AdditionalPatientHistory",
    "MedicalRecordLocator", "PatientReligiousPreference", "CountryOfResidence", "RegionOfResidence",
    "ReferringPhysicianAddress", "ReferringPhysicianTelephoneNumbers", "PerformingPhysicianName",
    "NameOfPhysiciansReadingStudy", "PhysiciansOfRecord", "RequestingPhysician", "OperatorsName",
    "InstitutionName", "InstitutionAddress", "InstitutionalDepartmentName", "StationName",
    "DeviceSerialNumber", "RequestAttributesSequence",
)

DENOISED_DESCRIPTION = "denoised (qdn, quantum Fourier thresholding)"


@dataclass
class ImageMeta:
    """Where an image came from and how its values are stored.

    ``dtype`` is the stored pixel type (before the DICOM rescale); ``dataset`` the whole pydicom
    dataset of a DICOM input (pixel data included), the template :func:`write_image` writes back.
    """

    format: str
    dtype: np.dtype
    path: str | None = None
    dataset: Any = None
    slope: float = 1.0
    intercept: float = 0.0
    bits_stored: int | None = None
    signed: bool = False
    extra: dict = field(default_factory=dict)


# ---------------------------------------------------------------------------------------------
# reading
# ---------------------------------------------------------------------------------------------
def _is_dicom_file(path: Path) -> bool:
    try:
        with open(path, "rb") as fh:
            head = fh.read(132)
    except OSError:
        return False
    return len(head) == 132 and head[128:] == b"DICM"


def _format_of(path: Path, *, reading: bool) -> str:
    fmt = IMAGE_SUFFIXES.get(path.suffix.lower())
    if fmt is None and reading and _is_dicom_file(path):
        return "dicom"
    if fmt is None:
        valid = ", ".join(sorted(IMAGE_SUFFIXES))
        raise ValueError(f"unsupported image format {path.suffix or '(no suffix)'!r} for {path}; valid: {valid}")
    return fmt


def _grey(arr: np.ndarray, path: Path, what: str) -> np.ndarray:
    if arr.ndim == 3 and arr.shape[-1] in (2, 3, 4):
        raise ValueError(
            f"{path} is a colour {what} image (shape {arr.shape}); qdn denoises grey-level images: "
            "convert it to grey first"
        )
    if arr.ndim != 2:
        raise ValueError(f"{path} holds an array of shape {arr.shape}; a single 2-D grey image is needed")
    if arr.dtype.kind not in "uif" or arr.dtype.kind == "b":
        raise ValueError(f"{path} holds {arr.dtype} data; numeric pixels are needed")
    if min(arr.shape) < 2:
        raise ValueError(f"{path}: image of shape {arr.shape} is too small (at least 2x2 pixels)")
    out = arr.astype(np.float64)
    if not np.all(np.isfinite(out)):
        raise ValueError(f"{path} contains non-finite pixel values (NaN or inf)")
    return out


def _read_png(path: Path) -> tuple[np.ndarray, ImageMeta]:
    import imageio.v3 as iio

    try:
        arr = np.asarray(iio.imread(path, plugin="pillow"))
    except Exception as exc:  # imageio/Pillow raise many types on corrupt files
        raise ValueError(f"cannot read {path} as a PNG image: {_reason(exc)}") from None
    return _grey(arr, path, "PNG"), ImageMeta("png", arr.dtype, str(path))


def _read_tiff(path: Path) -> tuple[np.ndarray, ImageMeta]:
    import tifffile

    logger = logging.getLogger("tifffile")  # tifffile logs what it skips in a corrupt file
    level = logger.level
    logger.setLevel(logging.CRITICAL + 1)
    try:
        with tifffile.TiffFile(path) as tif:
            pages = len(tif.pages)
            arr = np.asarray(tif.asarray())
    except Exception as exc:
        raise ValueError(f"cannot read {path} as a TIFF image: {_reason(exc)}") from None
    finally:
        logger.setLevel(level)
    if pages > 1:
        raise ValueError(f"{path} has {pages} pages (a stack); qdn reads one 2-D grey image")
    return _grey(arr, path, "TIFF"), ImageMeta("tiff", arr.dtype, str(path))


def _read_npy(path: Path) -> tuple[np.ndarray, ImageMeta]:
    try:  # mapped: a header that claims more data than the file holds fails here, unallocated
        arr = np.array(np.load(path, mmap_mode="r", allow_pickle=False))
    except ValueError as exc:
        raise ValueError(f"{path} is not a readable NPY array: {_reason(exc)}") from None
    except Exception as exc:  # OSError, tokenize/syntax errors of a malformed header, ...
        raise ValueError(f"{path} is not a readable NPY array: {type(exc).__name__}: {_reason(exc)}") from None
    if np.iscomplexobj(arr):
        raise ValueError(f"{path} holds complex data; a real image is needed")
    return _grey(np.asarray(arr), path, "NPY"), ImageMeta("npy", arr.dtype, str(path))


def _stored_dtype(bits_allocated: int, signed: bool) -> np.dtype:
    if bits_allocated == 1:
        return np.dtype(np.uint8)
    if bits_allocated not in (8, 16, 32):
        raise ValueError(f"unsupported BitsAllocated {bits_allocated}; valid: 1, 8, 16, 32")
    return np.dtype(f"<{'i' if signed else 'u'}{bits_allocated // 8}")


def _reason(exc: BaseException) -> str:
    text = " ".join(line.strip() for line in str(exc).strip().splitlines() if line.strip())
    return text or type(exc).__name__


def _dicom_header(ds, path: Path) -> dict:
    """Checks on the image description; raises ValueError naming what is unsupported."""
    if "PixelData" not in ds:
        if "FloatPixelData" in ds or "DoubleFloatPixelData" in ds:
            raise ValueError(f"{path} holds float pixel data; integer PixelData is supported")
        kind = getattr(ds.get("SOPClassUID"), "name", "unknown SOP class")
        raise ValueError(f"{path} holds no pixel data ({kind}); a DICOM image is needed")
    spp = int(ds.get("SamplesPerPixel", 1) or 1)
    photometric = str(ds.get("PhotometricInterpretation", "MONOCHROME2")).strip()
    if spp != 1 or photometric not in ("MONOCHROME1", "MONOCHROME2"):
        raise ValueError(
            f"{path} is a colour image ({photometric}, {spp} samples per pixel); qdn denoises "
            "grey-level (MONOCHROME1/2) images"
        )
    frames = int(ds.get("NumberOfFrames", 1) or 1)
    if frames > 1:
        raise ValueError(
            f"{path} is a multi-frame image ({frames} frames); qdn reads single-frame images "
            "(split the frames first)"
        )
    if "ModalityLUTSequence" in ds:
        raise ValueError(f"{path} uses a Modality LUT Sequence; only RescaleSlope/RescaleIntercept are supported")
    bits_allocated = int(ds.BitsAllocated)
    bits_stored = int(ds.get("BitsStored", bits_allocated))
    signed = int(ds.get("PixelRepresentation", 0)) == 1
    dtype = _stored_dtype(bits_allocated, signed)
    if not 1 <= bits_stored <= bits_allocated:
        raise ValueError(f"{path}: BitsStored {bits_stored} does not fit BitsAllocated {bits_allocated}")
    slope = float(ds.get("RescaleSlope", 1.0) or 1.0)
    intercept = float(ds.get("RescaleIntercept", 0.0) or 0.0)
    if slope == 0 or not np.isfinite(slope) or not np.isfinite(intercept):
        raise ValueError(f"{path}: unusable rescale (slope {slope}, intercept {intercept})")
    return dict(photometric=photometric, bits_allocated=bits_allocated, bits_stored=bits_stored,
                signed=signed, dtype=dtype, slope=slope, intercept=intercept)


def _read_dicom(path: Path) -> tuple[np.ndarray, ImageMeta]:
    ds = read_dataset(path)  # fully parsed: a corrupt file fails here, not when the output is written
    file_meta = getattr(ds, "file_meta", None)
    tsyntax = getattr(file_meta, "TransferSyntaxUID", None) if file_meta is not None else None
    try:
        head = _dicom_header(ds, path)
    except ValueError as exc:
        if str(exc).startswith(str(path)):
            raise
        raise ValueError(f"{path}: malformed image attributes: {_reason(exc)}") from None
    except Exception as exc:
        raise ValueError(f"{path}: malformed image attributes: {_reason(exc)}") from None
    try:
        stored = np.asarray(ds.pixel_array)
    except Exception as exc:  # pydicom raises RuntimeError (no decoder), ValueError (corrupt), ...
        if tsyntax is not None and tsyntax.is_compressed:
            raise ValueError(
                f"{path}: pixel data is compressed ({tsyntax.name}) and cannot be decoded here "
                f"({_reason(exc)}); install a pydicom decoder for it (e.g. pylibjpeg with its "
                "plugins, or gdcm) or decompress the file first"
            ) from None
        raise ValueError(f"{path}: cannot decode the pixel data (corrupt or truncated file?): {_reason(exc)}") from None
    if stored.ndim != 2:
        raise ValueError(f"{path}: pixel data of shape {stored.shape}; a single 2-D frame is needed")
    if min(stored.shape) < 2:
        raise ValueError(f"{path}: image of shape {stored.shape} is too small (at least 2x2 pixels)")
    values = stored.astype(np.float64) * head["slope"] + head["intercept"]
    meta = ImageMeta(
        "dicom", head["dtype"], str(path), dataset=ds, slope=head["slope"],
        intercept=head["intercept"], bits_stored=head["bits_stored"], signed=head["signed"],
        extra={"photometric": head["photometric"], "bits_allocated": head["bits_allocated"],
               "transfer_syntax": str(tsyntax) if tsyntax is not None else None},
    )
    return values, meta


def read_image(path: str | os.PathLike) -> tuple[np.ndarray, ImageMeta]:
    """Read a grey-level image: ``(values as float64 (H, W), ImageMeta)``.

    DICOM values are rescaled (``stored * RescaleSlope + RescaleIntercept``). Raises
    ``ValueError`` for a missing, unsupported or unreadable file (see the module doc).
    """
    path = Path(path)
    try:
        if not path.exists():
            raise ValueError(f"input file {path} does not exist")
        if path.is_dir():
            raise ValueError(f"{path} is a directory; an image file is needed")
        if not path.is_file():
            raise ValueError(f"{path} is not a regular file")
        with open(path, "rb") as fh:
            if not fh.read(1):
                raise ValueError(f"{path} is empty")
    except OSError as exc:  # PermissionError, ...
        raise ValueError(f"cannot read {path}: {exc.strerror or _reason(exc)}") from None
    fmt = _format_of(path, reading=True)
    reader = {"png": _read_png, "tiff": _read_tiff, "npy": _read_npy, "dicom": _read_dicom}[fmt]
    try:
        return reader(path)
    except ValueError as exc:
        if str(path) in str(exc):
            raise
        raise ValueError(f"cannot read {path}: {_reason(exc)}") from None
    except Exception as exc:  # a malformed file can make a parser fail in any way
        raise ValueError(f"cannot read {path}: {type(exc).__name__}: {_reason(exc)}") from None


# ---------------------------------------------------------------------------------------------
# writing
# ---------------------------------------------------------------------------------------------
def _cast_clipped(values: np.ndarray, dtype: np.dtype, lo: float | None = None, hi: float | None = None) -> np.ndarray:
    dtype = np.dtype(dtype)
    if dtype.kind == "f":
        return values.astype(dtype)
    info = np.iinfo(dtype)
    lo = info.min if lo is None else lo
    hi = info.max if hi is None else hi
    return np.clip(np.rint(values), lo, hi).astype(dtype)


def _integer_source(meta: ImageMeta | None) -> np.dtype | None:
    if meta is not None and meta.format in ("png", "tiff") and np.dtype(meta.dtype).kind in "ui":
        return np.dtype(meta.dtype)
    return None


def _png_array(values: np.ndarray, meta: ImageMeta | None, path: Path) -> np.ndarray:
    src = _integer_source(meta)
    if src is not None and src.itemsize <= 2 and src.kind == "u":
        return _cast_clipped(values, src)
    is_integral = np.all(values == np.rint(values))
    if values.min() >= 0 and values.max() <= 1 and not is_integral:
        return _cast_clipped(values * 255.0, np.uint8)
    lo, hi = float(np.rint(values.min())), float(np.rint(values.max()))
    if lo < 0 or hi > 65535:
        raise ValueError(
            f"values span [{values.min():.6g}, {values.max():.6g}]: a PNG holds integers in "
            f"[0, 65535]; write {path.stem}.tif, .npy or .dcm instead, or rescale the image"
        )
    return _cast_clipped(values, np.uint8 if hi <= 255 else np.uint16)


#: ``DeidentificationMethodCodeSequence`` items (CID 7050) of :func:`deidentify`.
DEIDENTIFICATION_CODES = (
    ("113100", "Basic Application Confidentiality Profile"),
    ("113110", "Retain UIDs Option"),
)


@functools.lru_cache(maxsize=1)
def _profile() -> tuple[str, dict, dict, dict]:
    """(method text, actions, actions on single tags, Retain UIDs overrides) of the newest PS3.15
    action table that the installed ``dicom-anonymizer`` ships (``dicomfields_2026c``, ...).

    The library applies its repeating-group rules (``(50xx,xxxx)``, ...) at every level already,
    its single-tag rules at the top only: nested items get the single-tag rules.
    """
    import pkgutil
    from importlib.metadata import version as package_version

    from dicomanonymizer import dicom_anonymization_databases as tables
    from dicomanonymizer import simpledicomanonymizer as sda
    from dicomanonymizer.dicomfields_selector import dicom_anonymization_database_selector

    version = max(m.name for m in pkgutil.iter_modules(tables.__path__) if m.name.startswith("dicomfields_"))
    categories = dicom_anonymization_database_selector(version)
    retain = {tag: sda.keep for tag in (*categories["U_TAGS"], *categories["X_Z_U_STAR_TAGS"])}
    actions = sda.initialize_actions(version)
    single = {tag: action for tag, action in actions.items() if len(tag) == 2}
    method = f"dicom-anonymizer {package_version('dicom-anonymizer')} ({version})"
    return method, actions, single, retain


def _profile_on_items(ds, apply) -> None:
    """Apply the profile to every item of every sequence left in ``ds``, depth first (PS3.15
    applies its actions at any level of nesting)."""
    for elem in list(ds):
        if elem.VR == "SQ":
            for item in elem.value:
                apply(item)
                _profile_on_items(item, apply)


def deidentify(ds) -> None:
    """De-identify the pydicom dataset ``ds`` in place (image or waveform).

    The DICOM PS3.15 Basic Application Level Confidentiality Profile: the newest action table of
    the standard that ``dicom-anonymizer`` ships (Z, X, D actions on about 650 attributes),
    applied to the dataset and to every nested sequence item, all private tags removed; with
    the Retain UIDs Option (UIDs kept: a writer gives its output new series and instance
    UIDs). Then the attributes of :data:`IDENTIFYING` are emptied (Type 2) or deleted rather
    than left with the profile's dummy values, and ``PatientIdentityRemoved`` (YES),
    ``DeidentificationMethod`` and ``DeidentificationMethodCodeSequence`` are set. Raises
    ``ValueError`` for a source whose pixels carry burned-in annotation (not inspected here).
    """
    from dicomanonymizer import anonymize_dataset
    from pydicom.dataset import Dataset

    if str(ds.get("BurnedInAnnotation", "")).strip().upper() == "YES":
        raise ValueError(
            "the source is marked BurnedInAnnotation YES: identifying text in the pixels cannot "
            "be removed by qdn, so the output cannot be de-identified"
        )
    method, actions, single, retain = _profile()
    for _ in ds.iterall():  # decode raw elements up front (the library edits decoded ones)
        pass
    anonymize_dataset(ds, dict(retain), delete_private_tags=True, base_rules_gen=lambda: dict(actions))

    def on_item(item) -> None:  # the single-tag rules of the attributes the item holds
        keys = [(t.group, t.element) for t in item.keys()]
        rules = {key: retain.get(key, single[key]) for key in keys if key in single}
        anonymize_dataset(item, None, delete_private_tags=False, base_rules_gen=lambda: rules)

    _profile_on_items(ds, on_item)
    for keyword in IDENTIFYING:
        if keyword in ds:
            if keyword in IDENTIFYING_TYPE2:
                ds[keyword].value = ""
            else:
                del ds[keyword]
    ds.PatientIdentityRemoved = "YES"
    ds.DeidentificationMethod = ["DICOM PS3.15 Basic Profile", "Retain UIDs Option", method]
    codes = []
    for value, meaning in DEIDENTIFICATION_CODES:
        code = Dataset()
        code.CodeValue, code.CodingSchemeDesignator, code.CodeMeaning = value, "DCM", meaning
        codes.append(code)
    ds.DeidentificationMethodCodeSequence = codes


def _dicom_dataset(values: np.ndarray, meta: ImageMeta, anonymize: bool, description: str,
                   series_uid: str | None = None):
    from pydicom.dataset import FileMetaDataset
    from pydicom.pixels import pack_bits
    from pydicom.uid import ExplicitVRLittleEndian, generate_uid

    src = meta.dataset
    rows, cols = int(src.Rows), int(src.Columns)
    if values.shape != (rows, cols):
        raise ValueError(f"image of shape {values.shape} does not fit the DICOM template ({rows}x{cols})")
    bits_allocated = int(meta.extra.get("bits_allocated", np.dtype(meta.dtype).itemsize * 8))
    bits = int(meta.bits_stored or bits_allocated)
    if meta.signed:
        lo, hi = -(2 ** (bits - 1)), 2 ** (bits - 1) - 1
    else:
        lo, hi = 0, 2**bits - 1
    stored = _cast_clipped((values - meta.intercept) / meta.slope, np.dtype(meta.dtype), lo, hi)

    ds = copy.deepcopy(src)
    if anonymize:  # first, so nothing below copies an identifying value (e.g. SeriesDescription)
        deidentify(ds)
    if bits_allocated == 1:
        payload = pack_bits(stored)
    else:
        payload = stored.astype(np.dtype(meta.dtype).newbyteorder("<")).tobytes()
    if len(payload) % 2:
        payload += b"\x00"
    ds.PixelData = payload
    elem = ds["PixelData"]
    elem.VR = "OW" if bits_allocated > 8 else "OB"
    elem.is_undefined_length = False
    for keyword in ("SmallestImagePixelValue", "LargestImagePixelValue", "LossyImageCompressionRatio"):
        if keyword in ds:
            del ds[keyword]

    uid = generate_uid()
    ds.SOPInstanceUID = uid
    ds.SeriesInstanceUID = series_uid or generate_uid()
    old = str(ds.get("SeriesDescription", "") or "").strip()
    tag = "denoised (qdn)"
    ds.SeriesDescription = f"{old[: 64 - len(tag) - 1]} {tag}" if old else tag
    ds.DerivationDescription = description[:1024]
    if "ImageType" in ds:
        image_type = list(ds.ImageType) if ds["ImageType"].VM > 1 else [str(ds.ImageType)]
        ds.ImageType = ["DERIVED", "SECONDARY"] + image_type[2:]
    else:
        ds.ImageType = ["DERIVED", "SECONDARY"]

    file_meta = getattr(ds, "file_meta", None)
    if file_meta is None or not len(file_meta):
        file_meta = FileMetaDataset()
        ds.file_meta = file_meta
    file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    if "SOPClassUID" in ds:
        file_meta.MediaStorageSOPClassUID = ds.SOPClassUID
    file_meta.MediaStorageSOPInstanceUID = uid
    return ds


def write_image(
    path: str | os.PathLike,
    array,
    meta: ImageMeta | None = None,
    *,
    force: bool = False,
    anonymize: bool = False,
    description: str = DENOISED_DESCRIPTION,
    series_uid: str | None = None,
) -> Path:
    """Write a 2-D image; the format follows the suffix (see the module doc). Returns the path.

    ``meta`` (from :func:`read_image`) fixes the output type; DICOM output needs the metadata of
    a DICOM input. ``anonymize`` (DICOM only) de-identifies the output (:func:`deidentify`).
    ``description`` goes into the DICOM ``SeriesDescription``/``DerivationDescription``.
    ``series_uid`` (DICOM only) is the new SeriesInstanceUID (default: a new random one), so that
    the denoised slices of one series stay one series (``qdn batch``).
    """
    path = Path(path)
    fmt = _format_of(path, reading=False)
    if np.iscomplexobj(array):
        raise ValueError("image must be real-valued, got a complex array")
    values = np.asarray(array, dtype=np.float64)
    if values.ndim != 2:
        raise ValueError(f"image must be 2-D, got an array of shape {values.shape}")
    if values.size == 0 or not np.all(np.isfinite(values)):
        raise ValueError("image is empty or contains non-finite values (NaN or inf)")
    if anonymize and fmt != "dicom":
        raise ValueError("anonymize applies to DICOM output only")
    if fmt == "npy":
        return atomic_write(path, lambda tmp: np.save(tmp, values), force=force)
    if fmt == "png":
        import imageio.v3 as iio

        data = _png_array(values, meta, path)
        return atomic_write(path, lambda tmp: iio.imwrite(tmp, data, plugin="pillow", extension=".png"), force=force)
    if fmt == "tiff":
        import tifffile

        src = _integer_source(meta)
        data = _cast_clipped(values, src) if src is not None else values.astype(np.float32)
        return atomic_write(path, lambda tmp: tifffile.imwrite(tmp, data, photometric="minisblack"), force=force)
    # DICOM
    if meta is None or meta.format != "dicom" or meta.dataset is None:
        raise ValueError(
            "writing DICOM needs the metadata of a DICOM input (the second value returned by "
            "read_image on a .dcm file): qdn writes a denoised copy of an existing DICOM image"
        )
    ds = _dicom_dataset(values, meta, anonymize, description, series_uid)
    # dcmwrite (not save_as) so a big-endian source is re-encoded little endian: the only
    # OW/OB payload that depends on byte order, PixelData, was rebuilt little endian above
    return atomic_write(path, lambda tmp: write_dataset(tmp, ds), force=force)
