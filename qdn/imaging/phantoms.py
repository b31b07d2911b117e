"""Test objects of the imaging simulations, all loaded offline and scaled to [0, 1]: the
Shepp-Logan phantom (scikit-image), pydicom's CT_small slice, and an edge target for
resolution measurements."""

from __future__ import annotations

import numpy as np

from ..common.registry import lookup
from ..common.validation import check_int

__all__ = ["PHANTOMS", "phantom", "edge_target"]


def _shepp_logan() -> np.ndarray:
    from skimage.data import shepp_logan_phantom

    return shepp_logan_phantom()


def _ct_small() -> np.ndarray:
    import pydicom
    from pydicom.data import get_testdata_file

    ds = pydicom.dcmread(get_testdata_file("CT_small.dcm"))
    return ds.pixel_array.astype(float) * float(ds.get("RescaleSlope", 1)) + float(ds.get("RescaleIntercept", 0))


#: Phantom name -> loader of the full-size image.
PHANTOMS = {"shepp-logan": _shepp_logan, "ct": _ct_small}


def phantom(name: str = "shepp-logan", size: int = 128) -> np.ndarray:
    """The phantom ``name`` ("shepp-logan" or "ct", pydicom's 128x128 CT_small) resized to
    ``size`` x ``size`` (anti-aliased, :func:`skimage.transform.resize`) and scaled to [0, 1]."""
    from skimage.transform import resize

    img = lookup(PHANTOMS, "phantom", name)()
    size = check_int(size, "size", minimum=4)
    if img.shape != (size, size):
        img = resize(img, (size, size), anti_aliasing=True)
    img = img - img.min()
    return img / img.max()


def edge_target(size: int = 64, *, low: float = 0.2, high: float = 1.0, position: int | None = None) -> np.ndarray:
    """A vertical step edge in a ``size`` x ``size`` field: ``low`` left of column ``position``,
    ``high`` from it on (for :func:`qdn.imaging.psf.edge_fwhm`). The default position,
    ``size // 2 + 3``, keeps the edge off the borders of power-of-two patches (a patch-wise
    denoiser would otherwise never see it)."""
    size = check_int(size, "size", minimum=16)
    position = size // 2 + 3 if position is None else check_int(position, "position", minimum=1)
    if position >= size:
        raise ValueError(f"position must lie inside the field (< {size}), got {position}")
    img = np.full((size, size), float(low))
    img[:, position:] = float(high)
    return img
