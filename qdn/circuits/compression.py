r"""Compressed amplitude encoding: the multiplexor's angles in the Walsh basis, smallest dropped.

A uniformly controlled Y rotation on ``k`` controls (:class:`~qiskit.circuit.library.UCRYGate`,
Möttönen et al. 2004) is a chain of ``N = 2**k`` rotations :math:`R_Y(\alpha_t)` on the target
separated by CX whose controls follow the Gray code :math:`g_t = t \oplus (t \gg 1)`. On the
control state ``x`` the target turns by

.. math::

    \theta_x = \sum_t (-1)^{x \cdot g_t}\, \alpha_t,\qquad
    \alpha_t = \frac{1}{N} \sum_x (-1)^{x \cdot g_t}\, \theta_x ,

so the chain's rotation angles are the Walsh–Hadamard transform of the samples' angles, taken
in Gray order. A smooth signal concentrates on few Walsh coefficients. Dropping a coefficient
removes its rotation; the CX between two kept rotations ``t < u`` then collapse to one CX per set
bit of :math:`g_t \oplus g_u` (CX sharing a target commute; two on the same control cancel).
This is the angle compression of QPIXL (M. G. Amankwah, D. Camps, E. W. Bethel, R. Van Beeumen,
T. Perciano, "Quantum pixel representations and compression for N-dimensional images",
Sci. Rep. 12, 7712 (2022)).

:func:`compress_angles` drops a fraction of the coefficients and returns the angles the kept
ones encode exactly; :class:`WalshRY` is the multiplexor of such angles, synthesised without the
zero coefficients (a ``UCRYGate`` of the same angles has the same operator and ``N`` CX). The
emulator reads the same angles, so hardware output can still be checked against it.
"""

from __future__ import annotations

from collections.abc import Sequence
from numbers import Real

import numpy as np
from qiskit import QuantumCircuit
from qiskit.circuit import Gate

__all__ = ["ZERO_TOL", "walsh_coefficients", "walsh_angles", "compress_angles", "walsh_ry_circuit",
           "walsh_cx_count", "WalshRY"]

#: Coefficients at or below this (radians) are zero: a compressed encoding's dropped ones come
#: back from the round trip at ~1e-16, and N of them move an angle by at most N * ZERO_TOL.
ZERO_TOL = 1e-12


def _fwht(values: np.ndarray) -> np.ndarray:
    """Unnormalised Walsh–Hadamard transform in natural (Hadamard) order, ``O(N log N)``."""
    v = np.array(values, dtype=float)
    n = v.size.bit_length() - 1
    if v.size != 1 << n:
        raise ValueError(f"need a power-of-two number of angles, got {v.size}")
    shape = v.shape
    v = v.reshape((2,) * n) if n else v
    for axis in range(n):
        a, b = np.split(v, 2, axis=axis)
        v = np.concatenate([a + b, a - b], axis=axis)
    return v.reshape(shape)


def _gray(size: int) -> np.ndarray:
    t = np.arange(size)
    return t ^ (t >> 1)


def walsh_coefficients(angles: Sequence[float]) -> np.ndarray:
    r"""The chain's rotation angles :math:`\alpha_t` (Gray order) of ``UCRY(angles)``."""
    angles = np.asarray(angles, float).ravel()
    return _fwht(angles)[_gray(angles.size)] / angles.size


def walsh_angles(coefficients: Sequence[float]) -> np.ndarray:
    r"""Inverse of :func:`walsh_coefficients`: :math:`\theta_x = \sum_t (-1)^{x\cdot g_t}\alpha_t`."""
    alpha = np.asarray(coefficients, float).ravel()
    natural = np.empty_like(alpha)
    natural[_gray(alpha.size)] = alpha
    return _fwht(natural)


def compress_angles(angles: Sequence[float], drop: float) -> tuple[np.ndarray, np.ndarray]:
    """Drop the fraction ``drop`` of the Walsh coefficients of ``angles`` with the smallest
    magnitude (ties: the later in Gray order first).

    Returns
    -------
    angles : ndarray
        The angles the kept coefficients encode (what the compressed circuit writes).
    kept : ndarray of bool
        Which coefficients (Gray order) are kept.
    """
    if isinstance(drop, bool) or not isinstance(drop, Real) or not 0.0 <= drop < 1.0:
        raise ValueError(f"compression must be a fraction of angles in [0, 1), got {drop!r}")
    alpha = walsh_coefficients(angles)
    n_drop = int(np.floor(drop * alpha.size + 1e-9))
    kept = np.ones(alpha.size, bool)
    if n_drop:
        order = np.lexsort((-np.arange(alpha.size), np.abs(alpha)))  # smallest first
        kept[order[:n_drop]] = False
    return walsh_angles(np.where(kept, alpha, 0.0)), kept


def _kept_chain(angles: Sequence[float]) -> tuple[np.ndarray, np.ndarray]:
    """Kept coefficients (Gray index and value) in the order the chain applies them."""
    alpha = walsh_coefficients(angles)
    kept = _tour(np.flatnonzero(np.abs(alpha) > ZERO_TOL))
    return kept, alpha[kept]


def _popcount(values: np.ndarray) -> np.ndarray:
    return np.array([bin(int(v)).count("1") for v in values], dtype=np.int64)


def _tour(kept: np.ndarray) -> np.ndarray:
    """``kept`` (Gray indices) in nearest-neighbour order from code 0, ties by index.

    For one control state the chain's rotations are all Y rotations of the target, so they
    commute: any order gives the same operator, and the CX cost is the Hamming length of the
    closed tour 0 -> codes -> 0. With every coefficient kept this is the Gray order (N CX);
    with some dropped it skips the CX a fixed order would spend crossing the gaps.
    """
    if kept.size == 0:
        return kept
    codes = _gray(int(kept.max()) + 1)[kept]
    left = np.ones(kept.size, bool)
    order, prev = [], 0
    for _ in range(kept.size):
        cand = np.flatnonzero(left)
        dist = _popcount(codes[cand] ^ prev)
        pick = cand[int(np.argmin(dist))]  # argmin takes the first: the smallest Gray index
        order.append(pick)
        left[pick] = False
        prev = int(codes[pick])
    return kept[np.asarray(order)]


def _cx_controls(kept: np.ndarray, n_controls: int) -> list[list[int]]:
    """Controls of the CX before each kept rotation, and (last entry) after the last one."""
    gray = _gray(1 << n_controls)
    out, prev = [], 0
    for t in kept:
        diff = prev ^ int(gray[t])
        out.append([b for b in range(n_controls) if (diff >> b) & 1])
        prev = int(gray[t])
    out.append([b for b in range(n_controls) if (prev >> b) & 1])
    return out


def walsh_cx_count(angles: Sequence[float]) -> int:
    """CX of :func:`walsh_ry_circuit` for ``angles`` (``N`` when no coefficient is zero)."""
    n_controls = np.size(angles).bit_length() - 1
    kept, _ = _kept_chain(angles)
    return sum(len(c) for c in _cx_controls(kept, n_controls))


def walsh_ry_circuit(angles: Sequence[float]) -> QuantumCircuit:
    """``UCRY(angles)`` (qubit 0 the target, then the controls, control value ``x``
    little-endian) as the Walsh chain without its zero coefficients (:data:`ZERO_TOL`).

    Each kept rotation sees the target flipped by the parity ``x . g_t``: before it, one CX from
    each control in ``g_prev XOR g_t``; after the last, the CX that bring the parity back to 0.
    The kept rotations are visited in nearest-neighbour order (:func:`_tour`).
    """
    angles = np.asarray(angles, float).ravel()
    n_controls = angles.size.bit_length() - 1
    kept, alpha = _kept_chain(angles)
    qc = QuantumCircuit(n_controls + 1, name="walsh_ry")
    controls = _cx_controls(kept, n_controls)
    for ctrls, a in zip(controls, alpha):
        for c in ctrls:
            qc.cx(1 + c, 0)
        qc.ry(float(a), 0)
    for c in controls[-1]:
        qc.cx(1 + c, 0)
    return qc


class WalshRY(Gate):
    r"""``UCRY(angles)`` synthesised by :func:`walsh_ry_circuit` (zero Walsh coefficients cost
    nothing); :math:`\mathrm{UCRY}(\theta)^\dagger = \mathrm{UCRY}(-\theta)`.

    Qubit 0 is the target, the others the controls (Qiskit's ``UCRYGate`` convention).
    """

    def __init__(self, angles: Sequence[float], label: str | None = None):
        angles = [float(a) for a in np.asarray(angles, float).ravel()]
        n = len(angles)
        if n < 1 or n & (n - 1):
            raise ValueError(f"need a power-of-two number of angles, got {n}")
        super().__init__("walsh_ry", n.bit_length(), angles, label=label)

    def _define(self) -> None:
        self.definition = walsh_ry_circuit(self.params)

    def inverse(self, annotated: bool = False) -> WalshRY:
        return WalshRY([-float(a) for a in self.params])

    def validate_parameter(self, parameter):
        return float(parameter)
