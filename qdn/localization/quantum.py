"""The adaptive-basis Hamiltonian of a patch on qubits: Pauli operator, Trotter circuits, the
diffusivity from a statevector, and a phase-estimation resource estimate (issue 19, item 4).

What is whose: the Hamiltonian ``H = diag(V) + p L`` of a patch is Dutta et al.'s (IEEE OJSP
2021); the claim that quantum localization "aligns with the computational primitives of quantum
systems" is Hashemi et al.'s (AIP Advances 2025, abstract only). Everything here is ours: how a
patch goes onto qubits, the circuits, the time-domain form of our diffusivity, and the resource
model.

* :func:`patch_hamiltonian_operator` — ``H`` of an ``h x w`` patch as a ``SparsePauliOp`` on
  ``ceil(log2(h w))`` qubits (pixel ``(i, j)`` is basis state ``i w + j``, qubit 0 the least
  significant bit). A patch whose pixel count is not a power of two is padded with decoupled
  sites of energy ``pad`` (default: twice the Gershgorin upper bound of ``H``, above the whole
  spectrum), so the patch's sites evolve exactly as without padding and the padded levels lie
  above any energy cutoff.
* :func:`evolution_circuit` — ``exp(-i H t)`` as a :class:`~qiskit.circuit.library.PauliEvolutionGate`
  synthesised by Lie–Trotter (order 1) or Suzuki–Trotter (order 2).
* :func:`circuit_diffusivity` — the diffusivity of :func:`qdn.localization.modes.diffusivity` in
  the time domain: with the velocity ``v_a = i [H, X_a]``,
  ``D_n = sum_a int dt w(t) Re <n| v_a(t) v_a |n>``, ``w(t) = exp(-eta**2 t**2 / 2) / (2 pi)``
  (the Fourier transform of the energy Gaussian ``g``); ``<n| v(t) v |n> = <phi(t)| v |chi(t)>``
  with ``phi(t) = U(t)|n>`` and ``chi(t) = U(t) v|n>``, both evolved by the circuit as
  statevectors. Equal to the classical sum when all modes enter it (the classical sum runs over
  the computed modes only).
* :func:`qpe_resources` — qubits and CX count of phase estimation on ``exp(-i H t0)`` fine enough
  to separate the modes kept below an energy cutoff from the next one (``docs/localization.md``
  states the model and its calibration).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np
import scipy.linalg as sla
import scipy.sparse as sp
from qiskit import QuantumCircuit, transpile
from qiskit.circuit.library import PauliEvolutionGate
from qiskit.quantum_info import Operator, SparsePauliOp, Statevector
from qiskit.synthesis import LieTrotter, SuzukiTrotter

from .hamiltonian import blurred_potential, hamiltonian, position_commutators
from .modes import Modes

__all__ = ["patch_hamiltonian", "patch_hamiltonian_operator", "evolution_circuit", "synthesized_operator",
           "trotter_operator", "mode_correlation", "circuit_diffusivity",
           "controlled_step_cx", "QPERow", "demo_patch", "qpe_resources", "qpe_table", "markdown_table"]

#: Basis of the measured CX counts (generic, no device coupling map).
BASIS = ("cx", "rz", "sx", "x")


def patch_hamiltonian(patch: np.ndarray, *, hbar2m: float = 3.0, blur: float = 7.5) -> sp.csr_matrix:
    """``H`` of one patch as :func:`qdn.localization.adaptive_basis.patch_basis` builds it
    (the patch over ``max |patch|``, blurred; the image defaults ``p = 3``, variance 7.5)."""
    patch = np.asarray(patch, float)
    scale = float(np.max(np.abs(patch))) or 1.0
    return hamiltonian(blurred_potential(patch, blur, scale), hbar2m)


def _padded(h, pad: float | None) -> np.ndarray:
    """Dense ``h`` padded to a power-of-two size with decoupled diagonal entries ``pad``."""
    dense = h.toarray() if sp.issparse(h) else np.asarray(h)
    if dense.ndim != 2 or dense.shape[0] != dense.shape[1] or dense.shape[0] < 2:
        raise ValueError(f"H must be a square matrix of size >= 2, got shape {dense.shape}")
    if not np.allclose(dense, dense.conj().T):
        raise ValueError("H must be Hermitian")
    n = dense.shape[0]
    size = 1 << (n - 1).bit_length()
    if size == n:
        return dense
    if pad is None:
        pad = 2.0 * float(np.max(np.sum(np.abs(dense), axis=1)))
    out = np.zeros((size, size), dtype=dense.dtype)
    out[:n, :n] = dense
    out[np.arange(n, size), np.arange(n, size)] = pad
    return out


def patch_hamiltonian_operator(patch_or_h, *, hbar2m: float = 3.0, blur: float = 7.5,
                               pad: float | None = None, atol: float = 1e-12) -> SparsePauliOp:
    """``H`` as a ``SparsePauliOp`` (module docstring: qubit order and padding).

    Parameters
    ----------
    patch_or_h : 2-D patch (ndarray) or scipy.sparse matrix
        A patch (its ``H`` is built by :func:`patch_hamiltonian`) or ``H`` itself (sparse).
    hbar2m, blur : float
        Physics of a patch (ignored for a given ``H``).
    pad : float or None
        Energy of the padding sites (None: twice the Gershgorin bound).
    atol : float
        Pauli coefficients below this are dropped.
    """
    h = patch_or_h if sp.issparse(patch_or_h) else patch_hamiltonian(patch_or_h, hbar2m=hbar2m, blur=blur)
    return SparsePauliOp.from_operator(_padded(h, pad), atol=atol, rtol=atol).simplify(atol=atol, rtol=atol)


def evolution_circuit(op: SparsePauliOp, t: float, steps: int = 1, order: int = 1) -> QuantumCircuit:
    """``exp(-i op t)`` in ``steps`` Trotter steps: order 1 Lie–Trotter, order 2 Suzuki–Trotter."""
    if order not in (1, 2):
        raise ValueError(f"order must be 1 or 2, got {order!r}")
    if int(steps) < 1:
        raise ValueError(f"steps must be >= 1, got {steps!r}")
    synthesis = LieTrotter(reps=int(steps)) if order == 1 else SuzukiTrotter(order=2, reps=int(steps))
    qc = QuantumCircuit(op.num_qubits, name="evolution")
    qc.append(PauliEvolutionGate(op, time=float(t), synthesis=synthesis), range(op.num_qubits))
    return qc


def synthesized_operator(circuit: QuantumCircuit) -> Operator:
    """The unitary of ``circuit`` as its product formula runs: ``PauliEvolutionGate`` instructions
    are decomposed first (``Operator`` of the gate itself is the exact exponential)."""
    for _ in range(4):
        if not any("PauliEvolution" in name for name in circuit.count_ops()):
            break
        circuit = circuit.decompose()
    return Operator(circuit)


def trotter_operator(op: SparsePauliOp, t: float, steps: int = 1, order: int = 1) -> Operator:
    """The unitary of :func:`evolution_circuit`, fast: the synthesized circuit of one step
    ``t / steps`` to the power ``steps`` (the product formula repeats that step; the tests check
    it against :func:`synthesized_operator` of the whole circuit)."""
    return synthesized_operator(evolution_circuit(op, t / int(steps), 1, order)).power(int(steps))


def _default_eta(energies: np.ndarray) -> float:
    """The energy width of :func:`qdn.localization.modes.diffusivity` (4 median level spacings)."""
    gaps = np.diff(energies)
    eta = 4.0 * float(np.median(gaps)) if gaps.size else 1.0
    return eta if eta > 0 else 1.0


def mode_correlation(step: QuantumCircuit | Operator, vel: np.ndarray, mode: np.ndarray, count: int) -> np.ndarray:
    """``<n| v(t_k) v |n> = <phi(t_k)| v |chi(t_k)>``, ``t_k = k dt``, for one mode ``|n>``
    (``step`` = ``U(dt)``), from :class:`~qiskit.quantum_info.Statevector` s evolved by ``step``."""
    step = step if isinstance(step, Operator) else synthesized_operator(step)
    n, size = mode.size, step.dim[0]
    phi = Statevector(np.pad(np.asarray(mode, complex), (0, size - n)))
    chi = Statevector(np.pad(vel @ mode, (0, size - n)))
    out = np.empty(count, dtype=complex)
    for k in range(count):
        out[k] = np.vdot(phi.data[:n], vel @ chi.data[:n])
        phi, chi = phi.evolve(step), chi.evolve(step)
    return out


def _batch_correlations(step: np.ndarray, vels: list, vectors: np.ndarray, count: int) -> np.ndarray:
    """:func:`mode_correlation` summed over the velocities ``vels`` (sparse, one per axis) for
    every column of ``vectors`` at once: the columns ``phi`` and ``v_a phi`` are statevectors
    evolved together by the same unitary ``step`` (one product per time step); shape (count, K)."""
    n, size, k = vectors.shape[0], step.shape[0], vectors.shape[1]
    states = np.zeros((size, k * (1 + len(vels))), complex)
    states[:n, :k] = vectors
    for a, vel in enumerate(vels, start=1):
        states[:n, a * k:(a + 1) * k] = vel @ vectors
    out = np.zeros((count, k), dtype=complex)
    for t in range(count):
        phi = states[:n, :k].conj()
        for a, vel in enumerate(vels, start=1):
            out[t] += np.sum(phi * (vel @ states[:n, a * k:(a + 1) * k]), axis=0)
        states = step @ states
    return out


def circuit_diffusivity(h: sp.spmatrix, modes: Modes, shape: tuple[int, ...], *, eta: float | None = None,
                        dt: float | None = None, span: float = 8.0, steps: int = 0, order: int = 2) -> np.ndarray:
    """The diffusivity of each mode from statevectors evolved by :func:`evolution_circuit`.

    Parameters
    ----------
    h, modes, shape, eta
        As for :func:`qdn.localization.modes.diffusivity` (eta None: the same default).
    dt : float or None
        Time step of the trapezoid rule (None: ``2 pi / (W + span eta)``, ``W = 2 ||H||`` by
        Gershgorin bounding every frequency ``E_m - E_n`` of ``v(t)``: the first alias of the
        integrand then falls where the Gaussian is below ``exp(-span**2 / 2)``).
    span : float
        The integral runs over ``|t| <= span / eta`` (the weight falls to ``exp(-span**2 / 2)``).
    steps, order : int
        Trotter steps per ``dt`` and their order; ``steps=0``: the exact ``exp(-i H dt)`` (the
        gate's matrix exponential) instead of a product formula.

    Returns
    -------
    ndarray, shape (K,)
    """
    eta = _default_eta(modes.energies) if eta is None else float(eta)
    op = patch_hamiltonian_operator(sp.csr_matrix(h))
    if dt is None:
        dt = 2 * np.pi / (2 * float(np.max(np.asarray(abs(h).sum(axis=1)))) + span * eta)
    count = int(math.ceil(span / eta / dt)) + 1
    # the circuit's unitary, once: U(dt) (exact: the gate's matrix exponential; else the Trotter circuit)
    step = Operator(sla.expm(-1j * dt * op.to_matrix())) if steps == 0 else trotter_operator(op, dt, steps, order)
    times = dt * np.arange(count)
    weights = np.exp(-(eta * times) ** 2 / 2) / (2 * np.pi) * dt
    weights[0] /= 2  # trapezoid on [0, T]; C(-t) = conj C(t) doubles the real part
    vels = [(1j * comm).tocsr() for comm in position_commutators(h, shape)]
    corr = _batch_correlations(step.data, vels, modes.vectors.astype(complex), count)
    return 2 * np.sum(weights[:, None] * corr.real, axis=0)


def controlled_step_cx(op: SparsePauliOp, t: float = 1.0, order: int = 2) -> int:
    """CX count of one controlled Trotter step of ``exp(-i op t)``, transpiled to cx/rz/sx/x
    at optimization level 1 (no coupling map)."""
    qc = QuantumCircuit(op.num_qubits + 1)
    synthesis = LieTrotter(reps=1) if order == 1 else SuzukiTrotter(order=2, reps=1)
    qc.append(PauliEvolutionGate(op, time=float(t), synthesis=synthesis).control(1), range(op.num_qubits + 1))
    return int(transpile(qc, basis_gates=list(BASIS), optimization_level=1, seed_transpiler=0).count_ops().get("cx", 0))


def _model_step_cx(op: SparsePauliOp, order: int) -> int:
    """The CX model of one controlled step: a controlled rotation per Pauli term of weight ``w``
    (parity ladder ``2 (w - 1)`` CX, controlled ``Rz`` 2 CX: ``2 w``), every term twice for order 2
    but the halves of neighbouring steps merged (so ``2 w`` per term per step for both orders)."""
    del order
    weights = [int(np.count_nonzero(z | x)) for z, x in zip(op.paulis.z, op.paulis.x)]
    return int(sum(2 * w for w in weights if w > 0))


@dataclass(frozen=True)
class QPERow:
    """One row of :func:`qpe_resources`."""

    side: int
    system_qubits: int
    phase_bits: int
    qubits: int
    pauli_terms: int
    gap: float
    cx_per_step: int
    cx_source: str
    steps_per_unit: int
    cx_total: int

    def as_dict(self) -> dict:
        return asdict(self)


def demo_patch(side: int, seed: int) -> np.ndarray:
    """A disc on a flat background with AWGN 0.1 (the test patch of the resource rows)."""
    yy, xx = np.mgrid[:side, :side]
    disc = ((yy - side / 2) ** 2 + (xx - side / 2) ** 2 < (side / 3) ** 2).astype(float)
    return 0.2 + 0.6 * disc + 0.1 * np.random.default_rng(seed).normal(size=(side, side))


def qpe_resources(patch_side: int, *, patch: np.ndarray | None = None, keep: float = 0.25, steps: int = 16,
                  order: int = 2, measure: bool | None = None, seed: int = 0) -> QPERow:
    """Qubits and CX of phase estimation that projects a ``patch_side`` x ``patch_side`` patch
    onto its modes below an energy cutoff (the lowest ``keep`` fraction).

    Model (docs/localization.md): ``t0 = 2 pi / (E_max - E_min)`` maps the spectrum onto one
    turn; ``b = ceil(log2(2 (E_max - E_min) / gap))`` phase bits resolve the gap at the cutoff to
    half a bin; the controlled powers ``U^(2^k)``, ``k < b``, take ``(2^b - 1) steps`` controlled
    Trotter steps of ``exp(-i H t0 / steps)``; the inverse QFT adds ``b (b - 1)`` CX (controlled
    phases, 2 CX each). CX per controlled step: measured by transpiling (``measure``; default for
    sides up to 8) or the Pauli-weight model of :func:`_model_step_cx`.
    """
    side = int(patch_side)
    patch = demo_patch(side, seed) if patch is None else np.asarray(patch, float)
    if patch.shape != (side, side):
        raise ValueError(f"patch must be {side}x{side}, got shape {patch.shape}")
    h = patch_hamiltonian(patch)
    energies = np.linalg.eigvalsh(h.toarray())
    # the cutoff: the widest gap within N/16 of the lowest keep * N modes (no register separates a
    # cutoff placed inside a near-degenerate pair)
    target, reach = int(round(keep * energies.size)), max(1, energies.size // 16)
    lo, hi = max(target - reach, 1), min(target + reach, energies.size - 1)
    gaps = energies[lo:hi + 1] - energies[lo - 1:hi]
    gap = float(np.max(gaps))
    width = float(energies[-1] - energies[0])
    bits = int(math.ceil(math.log2(2 * width / max(gap, 1e-12))))
    op = patch_hamiltonian_operator(h)
    measure = side <= 8 if measure is None else measure
    t0 = 2 * math.pi / width
    per_step = controlled_step_cx(op, t0 / steps, order) if measure else _model_step_cx(op, order)
    total = (2**bits - 1) * steps * per_step + bits * (bits - 1)
    return QPERow(side=side, system_qubits=op.num_qubits, phase_bits=bits, qubits=op.num_qubits + bits,
                  pauli_terms=len(op), gap=gap, cx_per_step=per_step, cx_source="measured" if measure else "model",
                  steps_per_unit=steps, cx_total=int(total))


def qpe_table(sides=(8, 16, 32, 64), measured=(8,), **options) -> list[QPERow]:
    """:func:`qpe_resources` for each side: a "model" row for every side and a "measured" row
    (transpiled controlled step) for the sides in ``measured``."""
    rows = []
    for side in sides:
        if side in measured:
            rows.append(qpe_resources(side, measure=True, **options))
        rows.append(qpe_resources(side, measure=False, **options))
    return rows


def markdown_table(rows: list[QPERow]) -> str:
    """The rows of :func:`qpe_table` as a Markdown table."""
    head = ("| patch | CX per step from | system qubits | phase bits | qubits | Pauli terms | gap at cutoff "
            "| CX per controlled step | Trotter steps per U | CX total |")
    lines = [head, "|" + "---|" * 10]
    for r in rows:
        lines.append(f"| {r.side}x{r.side} | {r.cx_source} | {r.system_qubits} | {r.phase_bits} | {r.qubits} "
                     f"| {r.pauli_terms} | {r.gap:.3g} | {r.cx_per_step} | {r.steps_per_unit} | {r.cx_total:.3g} |")
    return "\n".join(lines)
