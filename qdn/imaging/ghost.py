"""Ghost imaging: **classical simulation of photon statistics** (no circuit).

The object ``T`` (transmission, non-negative) is illuminated by patterns I_k(x); a bucket
detector without spatial resolution records B_k = sum_x I_k(x) T(x), optionally as Poisson
counts (``photons`` = expected counts of the bucket over all patterns together, the photon budget).
The image comes from correlating the buckets with the patterns:

* correlation ghost imaging, G(x) = <(B - <B>) I(x)>, with pseudo-thermal speckle (independent
  exponential intensities, one speckle grain per pixel, unit mean and variance: G estimates T);
* differential ghost imaging (Ferri et al., Phys. Rev. Lett. 104, 253603, 2010),
  G(x) = <B I(x)> - (<B>/<R>) <R I(x)> with R_k = sum_x I_k(x) the pattern's total intensity;
* computational ghost imaging with Hadamard patterns: the rows of a Sylvester Hadamard matrix
  (:func:`scipy.linalg.hadamard`), one per image axis, ordered by sequency, shown as non-negative
  masks (1 + h)/2 beside the all-ones mask; with all of them (as many patterns as pixels) and no
  noise the object is recovered exactly, with fewer it is projected on the lowest sequencies.
"""

from __future__ import annotations

import numpy as np

from ..common.registry import check_choice
from ..common.validation import check_bool, check_int, is_power_of_two
from .counting import check_photons, seed_sequence

__all__ = ["PATTERNS", "ghost_image", "hadamard_order", "buckets_to_counts"]

PATTERNS = ("speckle", "hadamard")

#: Speckle patterns generated and correlated per batch (memory: batch x pixels floats).
BATCH = 512


def _check_object(obj) -> np.ndarray:
    obj = np.asarray(obj, float)
    if obj.ndim != 2 or obj.size == 0 or not np.all(np.isfinite(obj)) or np.any(obj < 0):
        raise ValueError("the object must be a finite, non-negative 2-D array")
    return obj


def buckets_to_counts(buckets: np.ndarray, photons: float | None, rng: np.random.Generator) -> np.ndarray:
    """Bucket values as Poisson counts with ``photons`` expected in total, rescaled back to the
    bucket's units (unbiased); the values themselves when ``photons`` is None."""
    if photons is None:
        return buckets
    total = float(np.sum(buckets))
    if total <= 0:
        raise ValueError("the object transmits no light: the bucket detector counts nothing")
    scale = photons / total
    return rng.poisson(buckets * scale) / scale


def _speckle_batches(n_patterns: int, pixels: int, seeds: list[np.random.SeedSequence]):
    """The speckle patterns in batches of at most :data:`BATCH`, the same each time for the same
    ``seeds`` (one per batch), so they need not be kept in memory between the two passes."""
    for k, start in enumerate(range(0, n_patterns, BATCH)):
        size = min(BATCH, n_patterns - start)
        yield start, np.random.default_rng(seeds[k]).exponential(1.0, size=(size, pixels))


def _speckle(obj: np.ndarray, n_patterns: int, photons: float | None, differential: bool,
             seed: np.random.SeedSequence) -> np.ndarray:
    flat = obj.ravel()
    noise_seed, *seeds = seed.spawn(1 + -(-n_patterns // BATCH))
    buckets, refs = np.empty(n_patterns), np.empty(n_patterns)
    for start, batch in _speckle_batches(n_patterns, flat.size, seeds):
        buckets[start:start + len(batch)] = batch @ flat
        refs[start:start + len(batch)] = batch.sum(axis=1)
    buckets = buckets_to_counts(buckets, photons, np.random.default_rng(noise_seed))
    if differential:
        ratio = buckets.mean() / refs.mean()
        weights, offset = buckets - ratio * refs, ratio
    else:
        weights, offset = buckets - buckets.mean(), 0.0
    image = np.zeros(flat.size)
    for start, batch in _speckle_batches(n_patterns, flat.size, seeds):
        image += weights[start:start + len(batch)] @ batch
    return (image / n_patterns + offset).reshape(obj.shape)


def hadamard_order(n: int) -> np.ndarray:
    """The rows of ``scipy.linalg.hadamard(n)`` ordered by sequency (number of sign changes),
    as an index array: row ``order[s]`` changes sign ``s`` times."""
    from scipy.linalg import hadamard

    h = hadamard(n)
    changes = np.count_nonzero(np.diff(h, axis=1), axis=1)
    return np.argsort(changes, kind="stable")


def _pattern_mask(shape: tuple[int, int], n_patterns: int) -> np.ndarray:
    """Which 2-D Hadamard patterns (row sequency i, column sequency j) are shown: the first
    ``n_patterns`` by (i + j, i), lowest sequencies first; (0, 0) is the all-ones mask."""
    i, j = np.indices(shape)
    order = np.lexsort((i.ravel(), (i + j).ravel()))
    mask = np.zeros(i.size, dtype=bool)
    mask[order[:n_patterns]] = True
    return mask.reshape(shape)


def _hadamard(obj: np.ndarray, n_patterns: int, photons: float | None, seed: np.random.SeedSequence) -> np.ndarray:
    from scipy.linalg import hadamard

    rows, cols = obj.shape
    hr = hadamard(rows)[hadamard_order(rows)].astype(float)
    hc = hadamard(cols)[hadamard_order(cols)].astype(float)
    coeffs = hr @ obj @ hc.T  # sum_x h_ij(x) T(x) for every pattern (i, j)
    mask = _pattern_mask(obj.shape, n_patterns)
    # the mask (1 + h_ij)/2 on the object gives the bucket (sum T + coeff_ij)/2; (0, 0) gives sum T
    buckets = buckets_to_counts((coeffs[0, 0] + coeffs[mask]) / 2, photons, np.random.default_rng(seed))
    measured = np.zeros_like(coeffs)
    measured[mask] = 2 * buckets - buckets[0]
    return hr.T @ measured @ hc / obj.size


def ghost_image(obj, *, patterns: str = "speckle", n_patterns: int, photons: float | None = None,
                differential: bool = False, seed: int | None = 0) -> np.ndarray:
    """Reconstruct ``obj`` (a non-negative 2-D transmission) by ghost imaging, a classical
    simulation of the photon statistics (see the module doc).

    Parameters
    ----------
    obj : array_like, shape (H, W)
    patterns : {"speckle", "hadamard"}
        Pseudo-thermal speckle (correlation or differential ghost imaging) or computational
        ghost imaging with Hadamard masks (H and W powers of two; at most H*W patterns).
    n_patterns : int
        Number of patterns (exposures of the bucket detector), at least 1.
    photons : float or None
        Expected bucket counts over all patterns together (Poisson noise); None: noise-free.
    differential : bool
        Differential ghost imaging (speckle only).
    seed : int or None

    Returns
    -------
    ndarray, shape (H, W)
        The estimate of ``obj`` in its own units.
    """
    obj = _check_object(obj)
    check_choice("patterns", patterns, PATTERNS)
    n_patterns = check_int(n_patterns, "n_patterns", minimum=1)
    photons = check_photons(photons)
    differential = check_bool(differential, "differential")
    seq = seed_sequence(seed)
    if patterns == "speckle":
        if n_patterns < 2:
            raise ValueError("speckle ghost imaging correlates fluctuations: n_patterns must be >= 2")
        return _speckle(obj, n_patterns, photons, differential, seq)
    if differential:
        raise ValueError("differential=True applies to speckle patterns (Hadamard masks are exact without it)")
    if not all(is_power_of_two(s) for s in obj.shape):
        raise ValueError(f"Hadamard patterns need power-of-two sides, got an object of shape {obj.shape}")
    if n_patterns > obj.size:
        raise ValueError(f"at most {obj.size} Hadamard patterns exist for a {obj.shape[0]}x{obj.shape[1]} object, "
                         f"got n_patterns={n_patterns}")
    return _hadamard(obj, n_patterns, photons, seq)
