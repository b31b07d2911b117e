"""The assembled denoising circuit: encode, QFT, amplification rounds, inverse QFT, readout.

:class:`DenoisingProblem` holds what is marked and how the state is prepared (classical data
turned into angles, mean codes and thresholds); the schedule is chosen separately
(:mod:`qdn.circuits.amplification`); :func:`build_circuit` puts them together. Each stage is appended as
one instruction named for it (``encode``, ``qft``, ``amplify``, ``iqft``; inside ``amplify``:
``oracle``, ``zero_reflection`` and the inverse stages), so noise models and resource reports can
target a stage by name.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from qiskit import ClassicalRegister, QuantumCircuit, QuantumRegister

from .amplification import Schedule, amplification_round
from .compression import WalshRY
from .encode import encode_circuit, process_encoding
from .layout import Layout
from .oracle import oracle_circuit
from .qft import window_transform, windowed_qft
from ..classical.reference import marked_weight
from ..classical.thresholds import frequency_mask
from .layout import VARIANTS
from .registers import frame, reg
from ..common.registry import check_choice

__all__ = ["DenoisingProblem", "build_circuit"]


@dataclass(frozen=True)
class DenoisingProblem:
    """Amplitude-amplification problem of one windowed signal or patched image.

    ``amplitudes`` are ``cos(theta_ji)`` with shape ``(P, M)`` (1-D windows) or
    ``(P, *layout.window_shape)`` (N-D patches, ``layout.grid`` set); ``thresholds`` the
    per-window cutoffs; ``mean_codes`` the a-bit window means (register variant); ``mask`` the
    kept frequencies (:data:`qdn.classical.thresholds.MASKS`: "two-sided" or "one-sided" in 1-D,
    "separable" or "radial" for patches). For quantum input, ``process`` is the circuit preparing
    the signal state and ``amplitudes`` may be None.

    Hardware trades (1-D, issue 21): ``angles`` are the encoding's Ry angles when they are not
    ``2 arccos(amplitudes)`` -- a compressed encoding (:mod:`qdn.circuits.compression`), whose
    angles may leave ``[0, pi]`` (so the sign of ``sin`` is kept) and which is synthesised without
    its zero Walsh coefficients; ``amplitudes`` are then ``cos(angles / 2)``. ``qft_degree`` > 0
    replaces the windowed QFT by Coppersmith's approximate QFT of that degree
    (:func:`qdn.circuits.qft.window_transform`); the marked weight and the emulator follow.
    """

    layout: Layout
    amplitudes: np.ndarray
    thresholds: np.ndarray
    mean_codes: np.ndarray
    variant: str = "register"
    mask: str = "two-sided"
    process: QuantumCircuit | None = None
    angles: np.ndarray | None = None
    qft_degree: int = 0
    _cache: dict = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        check_choice("variant", self.variant, VARIANTS)
        if self.layout.ndim > 1 and self.mask == "two-sided":
            object.__setattr__(self, "mask", "separable")
        shape = (self.layout.P,) + self.layout.window_shape
        if self.process is None and np.shape(self.amplitudes) != shape:
            raise ValueError(f"amplitudes must have shape {shape}")
        if self.process is not None and self.layout.ndim > 1:
            raise ValueError("quantum input is supported for 1-D signals only")
        if (self.angles is not None or self.qft_degree) and (self.layout.ndim > 1 or self.process is not None):
            raise ValueError("compressed encodings and the approximate QFT are for 1-D classical signals only")
        if self.angles is not None and np.size(self.angles) != self.layout.N:
            raise ValueError(f"angles must hold one angle per sample ({self.layout.N}), got {np.size(self.angles)}")

    @property
    def two_sided(self) -> bool:
        """Whether the mask keeps both ends of each axis' spectrum (every mask but "one-sided")."""
        return self.mask != "one-sided"

    @property
    def weight(self) -> float:
        """Marked weight ``sin^2(theta)`` of ``A|0>``, computed classically."""
        if self.process is not None:
            raise ValueError("the marked weight of a quantum input is unknown: use the fixed-point schedule or estimate it by sampling")
        if self.qft_degree:
            spec = np.asarray(self.amplitudes) @ window_transform(self.layout.m, self.qft_degree).T
            kept = frequency_mask(self.layout.M, self.thresholds, self.mask)
            return float(np.sum(np.abs(spec) ** 2 * kept) / self.layout.N)
        return marked_weight(self.amplitudes, self.thresholds, mask=self.mask, ndim=self.layout.ndim)

    @property
    def num_qubits(self) -> int:
        return self.layout.num_qubits(self.variant, self.mask)

    def frame(self, name: str) -> QuantumCircuit:
        """An empty circuit on this problem's registers."""
        return frame(self.layout, self.variant, self.mask, name=name)

    def encode(self, *, synthesize_mcx: bool = True) -> QuantumCircuit:
        """The encode stage; ``synthesize_mcx`` as in :func:`qdn.circuits.encode.value_setting`."""
        if self.process is not None:
            return process_encoding(
                self.layout, self.process, self.mean_codes, self.thresholds,
                variant=self.variant, mask=self.mask, synthesize_mcx=synthesize_mcx,
            )
        compressed = self.angles is not None
        angles = self.angles if compressed else 2.0 * np.arccos(np.clip(self.amplitudes, -1.0, 1.0))
        return encode_circuit(
            self.layout, np.asarray(angles).ravel(), self.mean_codes, self.thresholds,
            variant=self.variant, mask=self.mask, synthesize_mcx=synthesize_mcx,
            multiplexor=WalshRY if compressed else None,
        )

    def qft(self, inverse: bool = False) -> QuantumCircuit:
        return windowed_qft(self.layout, inverse=inverse, variant=self.variant, mask=self.mask,
                            degree=self.qft_degree)

    def flag_mark(self) -> QuantumCircuit:
        """``flag ^= [bin k kept in window j]`` on ``i + j + [flag]`` (name ``"mark"``): a
        :class:`~qdn.circuits.compression.WalshRY` of angles ``pi`` on the kept bins, so a
        cutoff shared by every window costs no ``j`` control. The readout keeps ``flag = 1`` and
        ``anc = 0``: the good component, with probability the marked weight."""
        if self.layout.ndim > 1:
            raise ValueError("the post-selected (flag) schedules are for 1-D signals only")
        kept = frequency_mask(self.layout.M, np.broadcast_to(self.thresholds, (self.layout.P,)), self.mask)
        qc = QuantumCircuit(self.layout.n + 1, name="mark")
        qc.append(WalshRY(np.pi * kept.ravel()), [self.layout.n] + list(range(self.layout.n)))
        return qc

    def state_preparation(self, *, synthesize_mcx: bool = True) -> QuantumCircuit:
        """``A`` = encode then QFT, each one labelled instruction."""
        key = ("A", synthesize_mcx)
        if key not in self._cache:
            qc = self.frame("A")
            qc.append(self.encode(synthesize_mcx=synthesize_mcx).to_gate(), qc.qubits)
            qc.append(self.qft().to_gate(), qc.qubits)
            self._cache[key] = qc
        return self._cache[key]

    def oracle(self, phase: float = np.pi) -> QuantumCircuit:
        """Oracle with phase ``phase`` on the good subspace, as one labelled instruction."""
        inner = oracle_circuit(self.layout, self.thresholds, phase, variant=self.variant, mask=self.mask)
        qc = self.frame("oracle")
        qc.append(inner.to_gate(), qc.qubits)
        return qc

    def circuit(self, schedule: Schedule, *, measure: bool = False, synthesize_mcx: bool = True) -> QuantumCircuit:
        """:func:`build_circuit` of this problem."""
        return build_circuit(self, schedule, measure=measure, synthesize_mcx=synthesize_mcx)


def build_circuit(
    problem: DenoisingProblem, schedule: Schedule, *, measure: bool = False, synthesize_mcx: bool = True
) -> QuantumCircuit:
    """The whole pipeline for ``problem`` under ``schedule``.

    With ``measure=True`` the registers ``i``, ``j`` and ``anc`` are measured into one classical
    register ``meas`` whose integer value is ``i + M*j + N*anc`` (``M`` samples per window: for
    patches ``i = ix + side*iy``); a schedule with ``flag`` adds the ``flag`` qubit, marked
    after the rounds, and ``+ 2N*flag``. ``synthesize_mcx=False`` keeps the value setting's
    multi-controlled X gates whole, for Aer (:func:`qdn.circuits.encode.value_setting`).
    """
    qc = problem.frame("qdn")
    stages = list(qc.qubits)
    qc.append(problem.encode(synthesize_mcx=synthesize_mcx).to_gate(), stages)
    qc.append(problem.qft().to_gate(), stages)
    prep = problem.state_preparation(synthesize_mcx=synthesize_mcx)
    for alpha, beta in zip(schedule.alphas, schedule.betas):
        rnd = amplification_round(prep, problem.oracle(beta), alpha)
        qc.append(rnd.to_gate(), stages)
    if schedule.flag:
        flag = QuantumRegister(1, "flag")
        qc.add_register(flag)
        qc.append(problem.flag_mark().to_gate(), reg(qc, "i") + reg(qc, "j") + list(flag))
    qc.append(problem.qft(inverse=True).to_gate(), stages)
    layout = problem.layout
    qc.metadata = {
        "schedule": schedule.name,
        "iterations": schedule.iterations,
        "variant": problem.variant,
        "two_sided": problem.two_sided,
        "window": layout.side,
        "windows": layout.P,
    }
    # the hardware trades are recorded only when used: today's circuits stay as they were
    trades = {"flag": schedule.flag, "compressed": problem.angles is not None, "qft_degree": problem.qft_degree}
    qc.metadata.update({k: v for k, v in trades.items() if v})
    if layout.ndim > 1:
        qc.metadata.update(patch_grid=layout.grid_shape, shape=problem.mask)
    if measure:
        read = reg(qc, "i") + reg(qc, "j") + reg(qc, "anc") + reg(qc, "flag")
        creg = ClassicalRegister(len(read), "meas")
        qc.add_register(creg)
        qc.measure(read, creg)
    return qc
