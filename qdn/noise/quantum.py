r"""The paper's noisy quantum signal (Dutta et al. 2023, Sec. IV and supplement): a signal's
state through a noisy QFT and inverse QFT, read back as a signal; and the mixed scenarios
(AWGN or Poisson noise, then phase noise; bit flips with phase noise). Classical noise alone is
:mod:`qdn.noise.signals`; the noise processes are :mod:`qdn.noise.scenarios`.

The clean signal's normalised state ``psi = y / ||y||`` (n qubits, little-endian sample index)
goes through an n-qubit QFT then an inverse QFT with the noise (:func:`fourier_roundtrip`, made
noisy by :class:`qdn.noise.rewrite.NoisyCircuit`), which gives a density matrix ``rho`` (pure for
one phase-noise realisation). The noisy *signal* is

.. math:: \tilde y = \|y\|\, \mathrm{Re}\big(\rho\,\psi\big) / \|\rho\,\psi\|,

i.e. for a pure output ``phi`` the real part of ``phi`` after removing the global phase
``arg <psi|phi>`` (the phase that best aligns it with the input, which the process knows),
times ``||y||``; the imaginary residue is dropped. For several trajectories ``rho`` is their
average. The noise-free denoiser (:func:`qdn.denoise`) then cleans ``tilde y``. An image goes
through the 2-D QFT and its inverse instead (:func:`fourier_roundtrip_2d`).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from qiskit import QuantumCircuit
from qiskit.circuit.library import QFTGate
from qiskit.transpiler import generate_preset_pass_manager

from ..common.validation import as_signal, is_power_of_two
from .aer import check_noise_model_matches
from .rewrite import NoisyCircuit
from .scenarios import DEFAULT_BASIS, BitFlipNoise, PhaseNoise, seed_sequence
from .signals import awgn, poisson

__all__ = [
    "fourier_roundtrip",
    "fourier_roundtrip_2d",
    "noisy_quantum_signal",
    "phase_noise_signal",
    "awgn_phase",
    "poisson_phase",
    "bitflip_phase",
]


def fourier_roundtrip(num_qubits: int) -> QuantumCircuit:
    """An n-qubit QFT followed by its inverse, as two instructions named ``qft`` and ``iqft``."""
    if num_qubits < 1:
        raise ValueError(f"need at least one qubit, got {num_qubits}")
    qc = QuantumCircuit(num_qubits, name="roundtrip")
    fwd = QuantumCircuit(num_qubits, name="qft")
    fwd.append(QFTGate(num_qubits), fwd.qubits)
    inv = QuantumCircuit(num_qubits, name="iqft")
    inv.append(QFTGate(num_qubits).inverse(), inv.qubits)
    qc.append(fwd.to_gate(), qc.qubits)
    qc.append(inv.to_gate(), qc.qubits)
    return qc


def fourier_roundtrip_2d(row_qubits: int, col_qubits: int) -> QuantumCircuit:
    """The 2-D QFT of an image's state, then its inverse, as instructions ``qft`` and ``iqft``.

    The image's state is row-major (``i = col + C * row``): qubits ``0..c-1`` hold the column,
    ``c..c+r-1`` the row. The 2-D QFT is one ``QFTGate(c)`` on the column bits and one
    ``QFTGate(r)`` on the row bits (as in :mod:`qdn.api.image`).
    """
    if row_qubits < 1 or col_qubits < 1:
        raise ValueError(f"need at least one row and one column qubit, got {row_qubits}, {col_qubits}")
    n = row_qubits + col_qubits
    cols, rows = list(range(col_qubits)), list(range(col_qubits, n))
    qc = QuantumCircuit(n, name="roundtrip_2d")
    fwd = QuantumCircuit(n, name="qft")
    fwd.append(QFTGate(col_qubits), cols)
    fwd.append(QFTGate(row_qubits), rows)
    inv = QuantumCircuit(n, name="iqft")
    inv.append(QFTGate(col_qubits).inverse(), cols)
    inv.append(QFTGate(row_qubits).inverse(), rows)
    qc.append(fwd.to_gate(), qc.qubits)
    qc.append(inv.to_gate(), qc.qubits)
    return qc


def _roundtrip_for(y) -> tuple[np.ndarray, QuantumCircuit]:
    """Validate a signal (1-D) or image (2-D) and return it with its Fourier round trip."""
    arr = np.asarray(y)
    if arr.ndim == 2:
        img = as_signal(arr, name="image", ndim=2)
        if not all(is_power_of_two(d) and d >= 2 for d in img.shape):
            raise ValueError(f"image sides must be powers of two >= 2, got shape {img.shape}")
        r, c = (d.bit_length() - 1 for d in img.shape)
        return img, fourier_roundtrip_2d(r, c)
    y = as_signal(y)
    if not is_power_of_two(y.size) or y.size < 2:
        raise ValueError(f"signal length must be a power of two >= 2, got {y.size}")
    return y, fourier_roundtrip(y.size.bit_length() - 1)


def _components_for_signal(epsilon: float, p: float, axis: str, realisations: int, basis) -> list:
    comps: list = [PhaseNoise(epsilon, axis=axis, realisations=realisations, basis=basis)]
    if p > 0:
        comps.append(BitFlipNoise(p, realisations=realisations, basis=basis))
    return comps


def _aer_density_matrices(nc: NoisyCircuit, psi: np.ndarray, draws, p: float, seed) -> list[np.ndarray]:
    """Density matrices on Aer: phase noise bound per realisation, bit flips as the Aer
    ``NoiseModel`` of :meth:`BitFlipNoise.noise_model` on the H gates."""
    from qiskit_aer import AerSimulator

    n = nc.source.num_qubits
    phase_only = [c for c in nc.components if isinstance(c, PhaseNoise)]
    nc_phase = NoisyCircuit(nc.source, phase_only)
    nm = BitFlipNoise(p, basis=nc_phase.components[0].basis).noise_model() if p > 0 else None
    sim = AerSimulator(method="density_matrix", noise_model=nm)
    qc = QuantumCircuit(n)
    qc.set_density_matrix(np.outer(psi, psi.conj()))
    qc.compose(nc_phase.circuit, inplace=True)
    qc.save_density_matrix()
    isa = generate_preset_pass_manager(optimization_level=0, backend=sim).run(qc)
    if nm is not None:
        check_noise_model_matches(isa, nm)
    params, values = nc_phase.parameter_values([[row[0]] for row in draws])
    binds = [{par: values[:, i].tolist() for i, par in enumerate(params) if par in set(isa.parameters)}]
    result = sim.run(isa, parameter_binds=binds if params else None).result()
    if not result.success:
        raise RuntimeError(f"Aer failed: {result.status}")
    return [np.asarray(result.data(k)["density_matrix"]) for k in range(len(draws))]


def noisy_quantum_signal(
    y,
    epsilon: float = 0.1,
    *,
    p: float = 0.0,
    axis: str = "z",
    realisations: int = 1,
    method: str = "trajectory",
    seed=None,
    basis: Sequence[str] = DEFAULT_BASIS,
    return_state: bool = False,
):
    r"""The paper's noisy quantum signal: ``y``'s state through a noisy QFT then IQFT.

    Parameters
    ----------
    y : array_like, shape (N,) or (R, C)
        Signal (N a power of two, not all zero); its state is ``y / ||y||`` on n = log2 N qubits.
        An image (R, C powers of two) is flattened row-major and goes through the 2-D QFT and its
        inverse (:func:`fourier_roundtrip_2d`); the result has the image's shape.
    epsilon : float
        Phase-noise amplitude (:class:`PhaseNoise`; the paper: 0.1).
    p : float
        Bit-flip probability after each Hadamard of the QFT and IQFT (:class:`BitFlipNoise`).
    axis : {"z", "random"}
        Phase-noise rotation axis.
    realisations : int
        Independent phase-noise draws (and bit-flip trajectories) averaged into one density
        matrix. 1 (default) is one run of the noisy process, as in the paper.
    method : {"trajectory", "density", "aer"}
        ``"trajectory"``: NumPy statevectors, bit flips sampled per trajectory. ``"density"``:
        NumPy density matrix, bit flips as the exact channel. ``"aer"``: Aer density matrix with
        the phase angles bound as parameters and the bit flips as the Aer ``NoiseModel``
        (:meth:`BitFlipNoise.noise_model`) on the H gates. All three use the same phase angles
        for the same seed; ``"density"`` and ``"aer"`` agree to float error.
    seed : int, SeedSequence or None
    basis : sequence of str
        Lowering basis of the QFT/IQFT (must keep ``h`` when ``p > 0``).
    return_state : bool
        Also return the density matrix ``rho`` (``(N, N)``).

    Returns
    -------
    ndarray, shape (N,)
        ``||y|| Re(rho psi) / ||rho psi||`` (module docstring): for one pure realisation, the
        output state's real part after removing its global phase relative to the input, in the
        signal's units. With ``return_state``, ``(signal, rho)``.
    """
    y, roundtrip = _roundtrip_for(y)
    shape = y.shape
    y = y.ravel()
    norm = float(np.linalg.norm(y))
    if norm == 0:
        raise ValueError("the signal is all zeros: it has no quantum state")
    if method not in ("trajectory", "density", "aer"):
        raise ValueError(f"method must be 'trajectory', 'density' or 'aer', got {method!r}")
    psi = y / norm
    comps = _components_for_signal(epsilon, p, axis, realisations, tuple(basis))
    nc = NoisyCircuit(roundtrip, comps)
    draws = nc.draws(seed)
    if method == "aer":
        rhos = _aer_density_matrices(nc, psi, draws, p, seed)
        rho_psi = np.mean([r @ psi for r in rhos], axis=0)
        rho = np.mean(rhos, axis=0) if return_state else None
    elif method == "density":
        rhos = [nc.simulate(psi, row, density=True) for row in draws]
        rho_psi = np.mean([r @ psi for r in rhos], axis=0)
        rho = np.mean(rhos, axis=0) if return_state else None
    else:
        phis = [nc.simulate(psi, row) for row in draws]
        rho_psi = np.mean([phi * np.vdot(phi, psi) for phi in phis], axis=0)
        rho = np.mean([np.outer(phi, phi.conj()) for phi in phis], axis=0) if return_state else None
    scale = np.linalg.norm(rho_psi)
    if scale < 1e-300:
        raise RuntimeError("the noisy state is orthogonal to the input; no phase reference")
    signal = (norm * rho_psi.real / scale).reshape(shape)
    return (signal, rho) if return_state else signal


def phase_noise_signal(y, epsilon: float = 0.1, *, seed=None, **kwargs) -> np.ndarray:
    """Quantum phase noise alone (the paper's scenario ii): :func:`noisy_quantum_signal`."""
    return noisy_quantum_signal(y, epsilon, seed=seed, **kwargs)


#: Spawn key of the classical stream in the mixed scenarios, apart from the quantum children.
_CLASSICAL_KEY = 0x5EED_C1A5


def _two_seeds(seed) -> tuple[np.random.SeedSequence, np.random.SeedSequence]:
    """(classical, quantum) seeds of a mixed scenario. The quantum one is ``seed`` itself, so the
    phase angles equal those of :func:`phase_noise_signal` with the same seed (the scenarios are
    paired); the classical one is a stream of its own."""
    quantum = seed_sequence(seed)
    classical = np.random.SeedSequence(quantum.entropy, spawn_key=tuple(quantum.spawn_key) + (_CLASSICAL_KEY,))
    return classical, quantum


def awgn_phase(y, snr_db: float = 15.0, epsilon: float = 0.1, *, seed=None, **kwargs) -> np.ndarray:
    """Mixed noise (scenario iii): AWGN at ``snr_db`` on the classical signal, whose state then
    goes through the phase-noisy QFT + IQFT (the same gates and angles as
    :func:`phase_noise_signal` with the same seed; the AWGN has a stream of its own)."""
    s_c, s_q = _two_seeds(seed)
    noisy = awgn(y, snr_db, seed=np.random.default_rng(s_c))
    return noisy_quantum_signal(noisy, epsilon, seed=s_q, **kwargs)


def poisson_phase(y, scale: float = 100.0, epsilon: float = 0.1, *, seed=None, **kwargs) -> np.ndarray:
    """Poisson noise (``Poisson(scale y) / scale``, ``y >= 0``) then phase noise (supplement)."""
    s_c, s_q = _two_seeds(seed)
    noisy = poisson(y, scale=scale, seed=np.random.default_rng(s_c))
    return noisy_quantum_signal(noisy, epsilon, seed=s_q, **kwargs)


def bitflip_phase(y, p: float = 0.01, epsilon: float = 0.1, *, seed=None, **kwargs) -> np.ndarray:
    """Bit flips after each H of the QFT and IQFT together with phase noise (supplement)."""
    return noisy_quantum_signal(y, epsilon, p=p, seed=seed, **kwargs)
