r"""The quantum baselines on images: 2-D QFT thresholding and 2-D quantum wavelet thresholding.

The 1-D circuits of :mod:`qdn.circuits.baselines` carried to a square image of side ``S = 2**s``. The
image's amplitudes are encoded row-major (``i = col + S * row``: qubits ``0..s-1`` hold the
column, ``s..2s-1`` the row, as in :mod:`qdn.api.image`), then

* **2-D QFT thresholding**: ``QFTGate(s)`` on the column bits and on the row bits; the ``keep``
  flag is set where ``min(kx, S-kx) <= tau`` *and* ``min(ky, S-ky) <= tau`` (the separable mask
  of :func:`qdn.api.image.patch_mask` with one patch covering the image); inverse 2-D QFT.
* **2-D QWT thresholding**: the L-level wavelet transform of :func:`qdn.circuits.baselines.wavelet_transform`
  on the column bits and on the row bits (the tensor product of the 1-D transforms); ``keep``
  where both coordinates are approximation coefficients of level L (their ``L`` lowest bits are
  0). The kept subspace :math:`V_L \otimes V_L` is the approximation space of the pyramid
  transform ``pywt.wavedec2`` too, so the projection equals PyWavelets' ``wavedec2`` with every
  detail band set to zero, then ``waverec2`` (mode ``"periodization"``), which is what the
  emulator computes.

As in 1-D, the readout post-selects ``anc = 0``, ``keep = 1`` (no amplification); the emulators
return the four branches ``(keep, anc, i)`` computed with ``numpy.fft.fft2`` and PyWavelets,
independently of the circuits.
"""

from __future__ import annotations

import warnings

import numpy as np
import pywt
from qiskit import QuantumCircuit
from qiskit.circuit.library import IntegerComparatorGate, QFTGate

from .baselines import _branches, _encode, _filter_frame, _finish, _wavelet, wavelet_transform

__all__ = [
    "qft_image_filter_circuit",
    "qft_image_filter_state",
    "qwt_image_filter_circuit",
    "qwt_image_filter_state",
    "qft_image_sure_threshold",
    "qwt_image_sure_level",
]


def _side_qubits(amplitudes) -> tuple[np.ndarray, int]:
    a = np.asarray(amplitudes, float)
    if a.ndim != 2 or a.shape[0] != a.shape[1] or a.shape[0] < 2 or a.shape[0] & (a.shape[0] - 1):
        raise ValueError(f"need a square image with a power-of-two side >= 2, got shape {a.shape}")
    return a, a.shape[0].bit_length() - 1


def _low_pass_flag(qc: QuantumCircuit, reg, tau: int, work, flag) -> None:
    """``flag ^= [min(k, S - k) <= tau]`` for the integer ``k`` held by ``reg`` (two comparators,
    uncomputed; ``work`` holds two clean qubits)."""
    S = 1 << len(reg)
    if tau >= S // 2:
        qc.x(flag)
        return
    low = IntegerComparatorGate(len(reg), tau + 1, geq=True)  # k >= tau + 1
    high = IntegerComparatorGate(len(reg), S - tau, geq=True)  # k >= S - tau
    qc.append(low, list(reg) + [work[0]])
    qc.append(high, list(reg) + [work[1]])
    qc.x(flag)  # kept = not(k >= tau+1) or (k >= S-tau); the two are disjoint for tau < S/2
    qc.cx(work[0], flag)
    qc.cx(work[1], flag)
    qc.append(high, list(reg) + [work[1]])  # comparators are involutions
    qc.append(low, list(reg) + [work[0]])


def qft_image_filter_circuit(amplitudes, threshold: int, *, measure: bool = False) -> QuantumCircuit:
    """2-D QFT thresholding of an ``S x S`` image with the separable cutoff ``threshold``.

    Registers ``i`` (2s qubits), ``anc``, ``keep``, ``work`` (4 clean ancillas, returned to 0).
    ``meas`` (if measured) reads ``i + N anc + 2N keep`` with ``N = S**2``; keep ``anc = 0``,
    ``keep = 1``.
    """
    a, s = _side_qubits(amplitudes)
    if not 0 <= threshold <= (1 << s) // 2:
        raise ValueError(f"threshold must lie in [0, {(1 << s) // 2}], got {threshold}")
    qc, i, anc, keep = _filter_frame(2 * s, 4, "qft2_threshold")
    work = qc.ancillas
    cols, rows = i[:s], i[s:]
    _encode(qc, i, anc, a.ravel())
    qft = QuantumCircuit(2 * s, name="qft2")
    qft.append(QFTGate(s), range(s))
    qft.append(QFTGate(s), range(s, 2 * s))
    qc.append(qft.to_gate(), i)
    mark = QuantumCircuit(*qc.qregs, name="mark")
    _low_pass_flag(mark, cols, threshold, work[:2], work[2])
    _low_pass_flag(mark, rows, threshold, work[:2], work[3])
    mark.ccx(work[2], work[3], keep[0])
    _low_pass_flag(mark, rows, threshold, work[:2], work[3])
    _low_pass_flag(mark, cols, threshold, work[:2], work[2])
    qc.append(mark.to_gate(), qc.qubits)
    qc.append(qft.inverse().to_gate(label="iqft2"), i)
    return _finish(qc, i, anc, keep, measure)


def qft_image_filter_state(amplitudes, threshold: int) -> np.ndarray:
    """Emulator of :func:`qft_image_filter_circuit`: amplitudes on ``(keep, anc, i)``, ``(2, 2, S*S)``."""
    a, s = _side_qubits(amplitudes)
    S = 1 << s
    k = np.arange(S)
    low = np.minimum(k, S - k) <= threshold
    mask = low[:, None] & low[None, :]

    def project(v):
        return np.fft.ifft2(np.fft.fft2(v.reshape(S, S)) * mask).ravel()

    return _branches(a.ravel(), project)


def qwt_image_filter_circuit(amplitudes, level: int, *, measure: bool = False, wavelet: str = "haar") -> QuantumCircuit:
    """2-D quantum wavelet thresholding: keep the level-``level`` approximation of both axes."""
    a, s = _side_qubits(amplitudes)
    if not 1 <= level <= s:
        raise ValueError(f"level must lie in [1, {s}], got {level}")
    qc, i, anc, keep = _filter_frame(2 * s, 0, "qwt2_threshold")
    _encode(qc, i, anc, a.ravel())
    w = wavelet_transform(s, level, wavelet)
    qwt = QuantumCircuit(2 * s, name="qwt2")
    qwt.append(w.to_gate(), range(s))
    qwt.append(w.to_gate(), range(s, 2 * s))
    qc.append(qwt.to_gate(), i)
    mark = QuantumCircuit(*qc.qregs, name="mark")
    mark.mcx(list(i[:level]) + list(i[s : s + level]), keep[0], ctrl_state=0)
    qc.append(mark.to_gate(), qc.qubits)
    qc.append(qwt.inverse().to_gate(label="iqwt2"), i)
    return _finish(qc, i, anc, keep, measure)


def _approximation(v: np.ndarray, level: int, wavelet: str) -> np.ndarray:
    with warnings.catch_warnings():  # db2 beyond dwt_max_level: "boundary effects", still exact
        warnings.filterwarnings("ignore", "Level value of .* is too high", UserWarning)
        coeffs = pywt.wavedec2(v, wavelet, level=level, mode="periodization")
    return coeffs


def qwt_image_filter_state(amplitudes, level: int, *, wavelet: str = "haar") -> np.ndarray:
    """Emulator of :func:`qwt_image_filter_circuit` (``pywt.wavedec2`` / ``waverec2``)."""
    a, s = _side_qubits(amplitudes)
    name = _wavelet(wavelet)
    S = 1 << s

    def project(v):
        coeffs = _approximation(v.reshape(S, S), level, name)
        zeroed = [coeffs[0]] + [tuple(np.zeros_like(d) for d in band) for band in coeffs[1:]]
        return pywt.waverec2(zeroed, name, mode="periodization").ravel()

    return _branches(a.ravel(), project)


def qft_image_sure_threshold(image: np.ndarray, sigma: float) -> int:
    """Global separable cutoff minimising SURE of the 2-D spectral projection of ``image``."""
    from ..api.image import sure_thresholds_2d

    a, _ = _side_qubits(image)
    return int(sure_thresholds_2d(a[None], sigma, "separable")[0])


def qwt_image_sure_level(image: np.ndarray, sigma: float, wavelet: str = "haar") -> int:
    """Levels of detail to remove (1..s) minimising SURE of the projection on the approximation:
    ``||details||^2 + 2 sigma^2 (approximation size)``."""
    a, s = _side_qubits(image)
    name = _wavelet(wavelet)
    best = None
    for level in range(1, s + 1):
        coeffs = _approximation(a, level, name)
        residual = sum(float(np.sum(d**2)) for band in coeffs[1:] for d in band)
        risk = residual + 2 * sigma**2 * coeffs[0].size
        if best is None or risk < best[0]:
            best = (risk, level)
    return best[1]
