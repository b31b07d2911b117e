"""Entangled-pair focusing: point-spread functions and scanned images with photon counting.

**Classical simulation of photon statistics** (no circuit): the intensity point-spread
functions of a lens focusing

* one photon of wavelength lambda: |h_lambda|^2 (``"single"``);
* classical two-photon absorption, a rate proportional to the intensity squared:
  |h_lambda|^4 (``"two-photon-absorption"``, FWHM / sqrt(2), exactly for a Gaussian pupil,
  to 1.5 % for a circular one);
* entangled photon pairs detected in coincidence, whose summed wave vector focuses like one
  photon of wavelength lambda/2: |h_{lambda/2}|^2 (``"entangled"``, FWHM / 2; Nasr et al.,
  Phys. Rev. Lett. 88, 2002; Gregory et al., 2025),

with h the amplitude PSF of a circular pupil (Airy, 2 J1(v)/v, v = 2 pi NA r / lambda) or of a
Gaussian beam (exp(-r^2/w^2), w = lambda/(pi NA)). :func:`psf_image` scans an object through one
of them (:func:`scipy.signal.fftconvolve` with the normalised kernel) and counts photons: a
Poisson number of detected events, ``photons`` in expectation over the whole image, a pair
counting once. At equal detected events the three images differ only in resolution; the price
of the entangled source is its rate (SPDC gives far fewer pairs per second than a laser gives
photons), which a caller models by giving it fewer ``photons``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..common.registry import check_choice, lookup
from ..common.validation import check_seed
from .counting import check_photons, check_positive, poisson_image

__all__ = ["PSF_KINDS", "PUPILS", "psf", "psf_kernel", "fwhm", "PSFImage", "psf_image", "edge_fwhm"]


def _airy(v: np.ndarray) -> np.ndarray:
    from scipy.special import j1

    v = np.asarray(v, float)
    out = np.ones_like(v)
    nz = np.abs(v) > 1e-12
    out[nz] = 2 * j1(v[nz]) / v[nz]
    return out


def _gaussian(v: np.ndarray) -> np.ndarray:
    # v = 2 pi NA r / lambda and w = lambda / (pi NA): r / w = v / 2
    return np.exp(-((np.asarray(v, float) / 2) ** 2))


#: Pupil name -> amplitude PSF as a function of v = 2 pi NA r / lambda (value 1 at v = 0).
PUPILS = {"airy": _airy, "gaussian": _gaussian}

#: PSF kind -> (wavelength divisor, power of |h|): intensity = |h_{lambda/divisor}|^power.
PSF_KINDS = {"single": (1, 2), "two-photon-absorption": (1, 4), "entangled": (2, 2)}


def psf(kind: str, x, *, wavelength: float, na: float = 0.5, pupil: str = "airy") -> np.ndarray:
    """Intensity point-spread function on the grid ``x`` (distances from the focus, same unit
    as ``wavelength``), peak 1. A classical model of the focal spot (see the module doc).

    Parameters
    ----------
    kind : {"single", "two-photon-absorption", "entangled"}
    x : array_like
        Positions (1-D profile) or radii (any shape).
    wavelength : float
        Wavelength of one photon (the pair's photons each have this wavelength).
    na : float
        Numerical aperture of the focusing lens.
    pupil : {"airy", "gaussian"}
    """
    divisor, power = lookup(PSF_KINDS, "PSF kind", kind)
    amplitude = lookup(PUPILS, "pupil", pupil)
    lam = check_positive(wavelength, "wavelength") / divisor
    na = check_positive(na, "na")
    v = 2 * np.pi * na * np.asarray(x, float) / lam
    return np.abs(amplitude(v)) ** power


def psf_kernel(kind: str, *, wavelength: float, pixel_size: float, na: float = 0.5, pupil: str = "airy",
               radius: int | None = None) -> np.ndarray:
    """The 2-D intensity PSF sampled on pixels of ``pixel_size``, normalised to sum 1; square of
    side 2 ``radius`` + 1 (default: four single-photon FWHMs, 2 lambda / NA)."""
    pixel = check_positive(pixel_size, "pixel_size")
    if radius is None:
        radius = max(1, int(np.ceil(2 * wavelength / (check_positive(na, "na") * pixel))))
    ax = np.arange(-radius, radius + 1) * pixel
    r = np.hypot(ax[:, None], ax[None, :])
    k = psf(kind, r, wavelength=wavelength, na=na, pupil=pupil)
    return k / k.sum()


def fwhm(x, profile) -> float:
    """Full width at half maximum of the highest peak of ``profile`` on the evenly spaced grid
    ``x`` (linear interpolation between samples, :func:`scipy.signal.peak_widths`)."""
    from scipy.signal import peak_widths

    x, profile = np.asarray(x, float), np.asarray(profile, float)
    if x.ndim != 1 or x.shape != profile.shape or x.size < 3:
        raise ValueError("fwhm needs a 1-D grid and a profile of the same length (at least 3 points)")
    peak = int(np.argmax(profile))
    width = peak_widths(profile, [peak], rel_height=0.5)[0][0]
    return float(width * (x[1] - x[0]))


@dataclass(frozen=True)
class PSFImage:
    """A scanned image: ``expected`` (object blurred by the PSF, object units), ``counts``
    (detected events per pixel; None without noise) and ``image`` (counts back in object units,
    or ``expected`` without noise)."""

    kind: str
    expected: np.ndarray
    counts: np.ndarray | None
    image: np.ndarray
    photons: float | None


def psf_image(obj, kind: str, *, photons: float | None, wavelength: float, pixel_size: float, na: float = 0.5,
              pupil: str = "airy", seed: int | None = 0) -> PSFImage:
    """Scan ``obj`` (a non-negative 2-D object: fluorescence or absorption density) through the
    ``kind`` PSF and count photons (a classical simulation of photon statistics).

    The expected image is ``fftconvolve(obj, kernel, mode="same")`` (zero outside the field);
    ``photons`` (None: noise-free) is the expected number of detected events in the whole
    image, an entangled pair counting once: counts ~ Poisson(photons * expected / sum(expected)).
    """
    from scipy.signal import fftconvolve

    check_seed(seed)
    check_choice("PSF kind", kind, PSF_KINDS)
    obj = np.asarray(obj, float)
    if obj.ndim != 2 or not np.all(np.isfinite(obj)) or np.any(obj < 0) or not np.any(obj > 0):
        raise ValueError("the object must be a finite, non-negative 2-D array that is not all zero")
    photons = check_photons(photons)
    kernel = psf_kernel(kind, wavelength=wavelength, pixel_size=pixel_size, na=na, pupil=pupil)
    expected = np.clip(fftconvolve(obj, kernel, mode="same"), 0.0, None)
    if photons is None:
        return PSFImage(kind, expected, None, expected, None)
    counts, image = poisson_image(expected, photons, np.random.default_rng(seed))
    return PSFImage(kind, expected, counts, image, photons)


def _erf_edge(x, lo, hi, x0, sigma):
    from scipy.special import erf

    return lo + (hi - lo) * (1 + erf((x - x0) / (np.sqrt(2) * sigma))) / 2


def edge_fwhm(image, *, pixel_size: float = 1.0) -> float:
    """Resolution from a vertical edge in the middle half of ``image`` (columns W/4 .. 3W/4,
    away from the field's borders): the rows are averaged into an edge-spread function, an error
    function is fitted to it (:func:`scipy.optimize.curve_fit`; robust to counting noise, unlike
    differentiating the noisy profile) and the FWHM of its Gaussian line-spread function,
    2 sqrt(2 ln 2) sigma, is returned in units of ``pixel_size``. Exact for a Gaussian PSF; for
    an Airy PSF it is the width of the best Gaussian fit. NaN when the fit fails or the fitted
    step is below five times the residual's standard deviation (no edge visible in the noise)."""
    import warnings

    from scipy.optimize import OptimizeWarning, curve_fit

    img = np.asarray(image, float)
    if img.ndim != 2 or img.shape[1] < 16:
        raise ValueError("edge_fwhm needs a 2-D image at least 16 pixels wide")
    w = img.shape[1]
    esf = img[:, w // 4: w - w // 4].mean(axis=0)
    x = np.arange(esf.size, dtype=float)
    start = (esf[:3].mean(), esf[-3:].mean(), float(np.argmax(np.abs(np.diff(esf)))) + 0.5, 2.0)
    try:
        with warnings.catch_warnings():  # a flat (noise-only) profile: no covariance, still a fit
            warnings.simplefilter("ignore", OptimizeWarning)
            params, _ = curve_fit(_erf_edge, x, esf, p0=start, maxfev=5000)
    except (RuntimeError, ValueError):
        return float("nan")
    sigma = params[3]
    fit = _erf_edge(x, *params)
    lo, hi = params[0], params[1]
    if not np.isfinite(sigma) or abs(sigma) > esf.size or abs(hi - lo) < 5 * np.std(esf - fit):
        return float("nan")  # no edge inside the profile, or none that stands out of the noise
    return float(2 * np.sqrt(2 * np.log(2)) * abs(sigma) * check_positive(pixel_size, "pixel_size"))
