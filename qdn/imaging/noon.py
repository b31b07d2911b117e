"""Phase super-resolution with N00N / GHZ states: **Qiskit circuits**, sampled on Aer.

What is a quantum circuit here: :func:`ghz_circuit`, :func:`noon_circuit` and
:func:`parity_circuit` build ``QuantumCircuit`` objects (H, a CX chain, a phase gate P(phi) on
every qubit, then a readout), and :func:`sample_events` runs them through a V2 sampler: Aer's
``SamplerV2`` (ideal, or with an Aer ``NoiseModel`` from :func:`aer_noise_model`) or, for a
fake IBM device, ``BackendSamplerV2`` on Aer with the device's noise model. N qubits stand for
the N photons of a N00N state (|N,0> + |0,N>)/sqrt(2) of a two-mode interferometer, which is the
GHZ state (|0...0> + |1...1>)/sqrt(2) of N qubits; a phase phi per photon becomes the relative
phase N*phi, so the fringe has period 2*pi/N (phase super-resolution).

What is classical: the estimator of phi from the counted events (:func:`estimate_phase`), the
fringe fit (:func:`fit_fringe`), and the limits: shot-noise 1/sqrt(N shots), Heisenberg
1/(N sqrt(shots)), classical Fisher information per shot N^2 V^2 at mid-fringe
(:func:`fisher_information`). A visible advantage over N independent photons needs V > 1/sqrt(N)
(Okamoto et al., New J. Phys. 10, 073033, 2008), see :func:`phase_study`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from qiskit import QuantumCircuit
from qiskit.circuit import Parameter, ParameterExpression

from ..common.registry import lookup
from ..common.validation import check_int, check_seed

__all__ = [
    "ghz_circuit", "noon_circuit", "parity_circuit", "READOUTS", "aer_noise_model", "sample_events",
    "Fringe", "fit_fringe", "estimate_phase", "fisher_information", "shot_noise_limit",
    "heisenberg_limit", "fringe_fisher", "PhaseStudy", "phase_study",
]

Phase = float | ParameterExpression


def _check_phase(phi: Any) -> Phase:
    if isinstance(phi, ParameterExpression):
        return phi
    try:
        value = float(phi)
    except (TypeError, ValueError):
        raise ValueError(f"phi must be a real number or a qiskit Parameter, got {phi!r}") from None
    if not np.isfinite(value):
        raise ValueError(f"phi must be finite, got {phi!r}")
    return value


def ghz_circuit(n: int, phi: Phase) -> QuantumCircuit:
    """The phase-imprinted GHZ (N00N) state of ``n`` qubits, a Qiskit circuit without measurements.

    H on qubit 0, a nearest-neighbour CX chain 0->1->...->n-1, then P(phi) on every qubit:
    (|0...0> + exp(i n phi) |1...1>)/sqrt(2).

    Parameters
    ----------
    n : int
        Number of qubits (photons), at least 1.
    phi : float or qiskit.circuit.Parameter
        Phase per photon.
    """
    n = check_int(n, "n", minimum=1)
    phi = _check_phase(phi)
    qc = QuantumCircuit(n, name=f"ghz{n}")
    qc.h(0)
    for k in range(n - 1):
        qc.cx(k, k + 1)
    for k in range(n):
        qc.p(phi, k)
    return qc


def noon_circuit(n: int, phi: Phase) -> QuantumCircuit:
    """N00N interferometer as a Qiskit circuit on ``n`` qubits, no measurements.

    :func:`ghz_circuit` followed by the inverse CX chain and H on qubit 0 (the second beam
    splitter): the probability of the all-zeros outcome is cos^2(n phi / 2), the other
    outcome (qubit 0 set, the rest zero) has sin^2(n phi / 2).
    """
    qc = ghz_circuit(n, phi)
    for k in reversed(range(qc.num_qubits - 1)):
        qc.cx(k, k + 1)
    qc.h(0)
    qc.name = f"noon{qc.num_qubits}"
    return qc


def parity_circuit(n: int, phi: Phase) -> QuantumCircuit:
    """Parity readout as a Qiskit circuit on ``n`` qubits, no measurements: :func:`ghz_circuit`
    then H on every qubit, so that a Z-basis measurement measures X^{(x) n}. The parity
    expectation <X^{(x) n}> is cos(n phi); the probability of an even number of ones is
    cos^2(n phi / 2)."""
    qc = ghz_circuit(n, phi)
    qc.h(range(qc.num_qubits))
    qc.name = f"parity{qc.num_qubits}"
    return qc


def _all_zeros(bits: np.ndarray) -> np.ndarray:
    return ~np.any(bits, axis=-1)


def _even_parity(bits: np.ndarray) -> np.ndarray:
    return np.sum(bits, axis=-1) % 2 == 0


#: Readout name -> (circuit builder, the event whose probability is cos^2(n phi / 2)).
READOUTS: dict[str, tuple[Callable[[int, Phase], QuantumCircuit], Callable[[np.ndarray], np.ndarray]]] = {
    "zeros": (noon_circuit, _all_zeros),
    "parity": (parity_circuit, _even_parity),
}


def aer_noise_model(cx_error: float, *, single_error: float | None = None, readout_error: float = 0.0):
    """An Aer ``NoiseModel``: depolarising error ``cx_error`` on every CX, ``single_error``
    (default ``cx_error / 10``) on the one-qubit gates, and a symmetric readout error."""
    from qiskit_aer.noise import NoiseModel, ReadoutError, depolarizing_error

    single = cx_error / 10 if single_error is None else single_error
    for name, value in (("cx_error", cx_error), ("single_error", single), ("readout_error", readout_error)):
        if not 0.0 <= float(value) <= 1.0:
            raise ValueError(f"{name} must lie in [0, 1], got {value}")
    model = NoiseModel(basis_gates=["h", "p", "cx", "rz", "sx", "x"])
    if cx_error > 0:
        model.add_all_qubit_quantum_error(depolarizing_error(cx_error, 2), ["cx"])
    if single > 0:
        model.add_all_qubit_quantum_error(depolarizing_error(single, 1), ["h", "p", "rz", "sx", "x"])
    if readout_error > 0:
        r = float(readout_error)
        model.add_all_qubit_readout_error(ReadoutError([[1 - r, r], [r, 1 - r]]))
    return model


def _sampler(qc: QuantumCircuit, shots: int, noise_model: Any, backend: Any, seed: int | None):
    """``(sampler, isa circuit)``: Aer's SamplerV2 (ideal or with ``noise_model``), or a fake
    device's noise model on Aer through BackendSamplerV2."""
    if backend is None:
        from qiskit.transpiler import generate_preset_pass_manager
        from qiskit_aer.primitives import SamplerV2

        options = {"backend_options": {"noise_model": noise_model, "method": "density_matrix"}} if noise_model else None
        isa = generate_preset_pass_manager(optimization_level=1, basis_gates=["h", "p", "cx", "rz", "sx", "x"]).run(qc)
        return SamplerV2(default_shots=shots, seed=seed, options=options), isa
    if noise_model is not None:
        raise ValueError("noise_model is for the Aer simulator; a device backend carries its own noise")
    from qiskit.primitives import BackendSamplerV2

    from ..execution.runs import device_simulator
    from ..execution.transpile import transpile_for_backend

    isa = transpile_for_backend(qc, backend, optimization_level=1)
    sim = device_simulator(backend, isa, shots, seed)
    return BackendSamplerV2(backend=sim, options={"default_shots": shots, "seed_simulator": seed}), isa


def sample_events(
    n: int,
    phis: Sequence[float] | np.ndarray,
    shots: int,
    *,
    readout: str = "parity",
    noise_model: Any = None,
    backend: Any = None,
    seed: int | None = 0,
) -> np.ndarray:
    """Run the ``readout`` circuit (``"parity"``: :func:`parity_circuit`, the event an even
    number of ones; ``"zeros"``: :func:`noon_circuit`, the event all zeros) once per phase in
    ``phis`` with ``shots`` shots each, in one sampler job (the phase is a circuit parameter).
    Returns a boolean array ``(len(phis), shots)``: whether each shot gave the event, of
    probability (1 + cos(n phi))/2 without noise. Under noise the
    parity fringe stays centred on 1/2 (offset 1/2, contrast V), while the all-zeros event loses
    probability to the other outcomes (offset below 1/2).

    ``noise_model``: an Aer ``NoiseModel`` (:func:`aer_noise_model`; simulated as a density
    matrix); ``backend``: a ``BackendV2`` such as a fake IBM device from
    ``qiskit_ibm_runtime.fake_provider`` (transpiled for it, run on Aer with its noise model).
    """
    n = check_int(n, "n", minimum=1)
    shots = check_int(shots, "shots", minimum=1)
    check_seed(seed)
    build, event = lookup(READOUTS, "readout", readout)
    values = np.asarray(phis, dtype=float).reshape(-1, 1)
    if values.size == 0 or not np.all(np.isfinite(values)):
        raise ValueError("phis must be a non-empty sequence of finite phases")
    theta = Parameter("phi")
    qc = build(n, theta)
    qc.measure_all()
    sampler, isa = _sampler(qc, shots * len(values), noise_model, backend, seed)
    bits = sampler.run([(isa, values)], shots=shots).result()[0].data.meas
    packed = bits.array.reshape(len(values), shots, -1)
    unpacked = np.unpackbits(packed, axis=-1, bitorder="big")[..., -bits.num_bits:]
    return event(unpacked.astype(bool))


@dataclass(frozen=True)
class Fringe:
    """A fitted fringe p(phi) = offset + amplitude cos(2 pi phi / period + phase)."""

    period: float
    offset: float
    amplitude: float
    phase: float

    @property
    def visibility(self) -> float:
        """(max - min)/(max + min) of the fringe: amplitude / offset."""
        return float(self.amplitude / self.offset)

    def __call__(self, phi) -> np.ndarray:
        return self.offset + self.amplitude * np.cos(2 * np.pi * np.asarray(phi, float) / self.period + self.phase)


def fit_fringe(phis, p) -> Fringe:
    """Fit a sinusoid to event frequencies ``p`` at phases ``phis`` (evenly spaced over
    [0, 2 pi)): the frequency starts at the FFT peak and is refined with
    :func:`scipy.optimize.curve_fit` together with offset, amplitude and phase."""
    from scipy.optimize import curve_fit

    phis, p = np.asarray(phis, float), np.asarray(p, float)
    if phis.shape != p.shape or phis.size < 4:
        raise ValueError("fit_fringe needs at least 4 phases and one frequency per phase")
    spectrum = np.fft.rfft(p - p.mean())
    k = int(np.argmax(np.abs(spectrum[1:]))) + 1
    span = phis.size * (phis[1] - phis[0])
    freq0 = 2 * np.pi * k / span

    def model(x, off, amp, freq, ph):
        return off + amp * np.cos(freq * x + ph)

    start = (p.mean(), 2 * np.abs(spectrum[k]) / p.size, freq0, np.angle(spectrum[k]))
    (off, amp, freq, ph), _ = curve_fit(model, phis, p, p0=start)
    if amp < 0:
        amp, ph = -amp, ph + np.pi
    return Fringe(period=float(2 * np.pi / freq), offset=float(off), amplitude=float(amp),
                  phase=float(np.angle(np.exp(1j * ph))))


def estimate_phase(freq, n: int, *, offset: float = 0.5, amplitude: float = 0.5, phase: float = 0.0) -> np.ndarray:
    """Phase estimate from event frequencies ``freq`` on one fringe branch, inverting
    freq = offset + amplitude cos(n phi + phase): (arccos((freq - offset)/amplitude) - phase)/n
    (the argument clipped to [-1, 1]; the branch [0, pi/n] when ``phase`` is 0)."""
    n = check_int(n, "n", minimum=1)
    if amplitude <= 0:
        raise ValueError(f"the fringe amplitude must be positive, got {amplitude}")
    return (np.arccos(np.clip((np.asarray(freq, float) - offset) / amplitude, -1.0, 1.0)) - phase) / n


def fisher_information(n: int, visibility: float, phi: float | None = None) -> float:
    """Classical Fisher information per shot of the two-outcome fringe p = (1 + V cos(n phi))/2:
    (dp/dphi)^2 / (p (1 - p)) = n^2 V^2 sin^2(n phi) / (1 - V^2 cos^2(n phi)); at mid-fringe
    (``phi=None``: n phi = pi/2) this is n^2 V^2."""
    n = check_int(n, "n", minimum=1)
    if phi is None:
        return float(n**2 * visibility**2)
    c, s = np.cos(n * phi), np.sin(n * phi)
    return float(n**2 * visibility**2 * s**2 / (1 - visibility**2 * c**2))


def fringe_fisher(n: int, fringe: Fringe) -> float:
    """Fisher information per shot at mid-fringe of a measured two-outcome fringe
    p = offset + amplitude cos(n phi + phase): (n amplitude)^2 / (offset (1 - offset)); equal to
    :func:`fisher_information` n^2 V^2 when the offset is 1/2 (the parity readout)."""
    return float((n * fringe.amplitude) ** 2 / (fringe.offset * (1 - fringe.offset)))


def shot_noise_limit(n: int, shots: int) -> float:
    """1/sqrt(n shots): n independent photons per shot."""
    return float(1 / np.sqrt(n * shots))


def heisenberg_limit(n: int, shots: int) -> float:
    """1/(n sqrt(shots)): one n-photon N00N state per shot."""
    return float(1 / (n * np.sqrt(shots)))


@dataclass(frozen=True)
class PhaseStudy:
    """What :func:`phase_study` measured for one n: the fitted ``fringe``, the ``estimates`` at
    ``phi`` and their ``rmse``, the limits for ``shots`` shots, and ``fisher`` per shot from the
    fitted fringe (:func:`fringe_fisher`)."""

    n: int
    shots: int
    repeats: int
    phi: float
    fringe: Fringe
    estimates: np.ndarray
    rmse: float
    shot_noise: float
    heisenberg: float
    fisher: float

    @property
    def cramer_rao(self) -> float:
        """1/sqrt(shots F): the smallest phase error the measured fringe allows."""
        return float(1 / np.sqrt(self.shots * self.fisher))

    @property
    def visibility(self) -> float:
        return self.fringe.visibility

    @property
    def beats_shot_noise(self) -> bool:
        """Whether the measured phase error is below the shot-noise limit."""
        return bool(self.rmse < self.shot_noise)


def phase_study(
    n: int,
    *,
    shots: int = 1000,
    repeats: int = 200,
    fringe_points: int = 64,
    fringe_shots: int = 2000,
    readout: str = "parity",
    noise_model: Any = None,
    backend: Any = None,
    seed: int = 0,
) -> PhaseStudy:
    """Fringe and phase estimation for one n, all from sampled shots.

    1. The fringe: ``fringe_points`` phases over [0, 2 pi), ``fringe_shots`` shots each,
       fitted (:func:`fit_fringe`): period, visibility (``fringe_points`` must exceed 2n).
    2. ``repeats`` estimates at mid-fringe phi = pi/(2n), ``shots`` shots each (one sampler job
       of ``repeats * shots`` shots cut into runs), by :func:`estimate_phase` with the fitted
       offset and amplitude; their root-mean-square error against the true phi.
    """
    repeats = check_int(repeats, "repeats", minimum=2)
    fringe_points = check_int(fringe_points, "fringe_points", minimum=4)
    n = check_int(n, "n", minimum=1)
    shots = check_int(shots, "shots", minimum=1)
    if fringe_points <= 2 * n:
        raise ValueError(f"fringe_points must exceed 2n = {2 * n} to resolve a fringe of period 2 pi/{n}")
    run = {"readout": readout, "noise_model": noise_model, "backend": backend}
    grid = 2 * np.pi * np.arange(fringe_points) / fringe_points
    fringe = fit_fringe(grid, sample_events(n, grid, fringe_shots, seed=seed, **run).mean(axis=1))
    phi = np.pi / (2 * n)
    events = sample_events(n, [phi], shots * repeats, seed=seed + 1, **run)[0].reshape(repeats, shots)
    amplitude = max(fringe.amplitude, 1e-12)
    est = estimate_phase(events.mean(axis=1), n, offset=fringe.offset, amplitude=amplitude, phase=fringe.phase)
    return PhaseStudy(
        n=n, shots=shots, repeats=repeats, phi=phi, fringe=fringe, estimates=est,
        rmse=float(np.sqrt(np.mean((est - phi) ** 2))), shot_noise=shot_noise_limit(n, shots),
        heisenberg=heisenberg_limit(n, shots), fisher=fringe_fisher(n, fringe),
    )
