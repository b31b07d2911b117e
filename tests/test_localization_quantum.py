"""Issue 19, item 4: the patch Hamiltonian on qubits (qdn.localization.quantum) against
independent dense computations (numpy, scipy.linalg.expm)."""

import numpy as np
import pytest
import scipy.linalg as sla
import scipy.sparse as sp
from numpy.testing import assert_allclose
from qiskit.quantum_info import Operator, SparsePauliOp

from qdn.localization import diffusivity, eigenmodes
from qdn.localization.hamiltonian import position_commutators
from qdn.localization.quantum import (
    demo_patch, circuit_diffusivity, evolution_circuit, mode_correlation, patch_hamiltonian,
    patch_hamiltonian_operator, qpe_resources, synthesized_operator, trotter_operator,
)


@pytest.fixture(scope="module")
def patch8():
    return demo_patch(8, 0)


@pytest.fixture(scope="module")
def ham8(patch8):
    return patch_hamiltonian(patch8)


def test_operator_is_the_dense_hamiltonian(patch8, ham8):
    op = patch_hamiltonian_operator(patch8)
    assert isinstance(op, SparsePauliOp) and op.num_qubits == 6
    assert_allclose(op.to_matrix(), ham8.toarray(), atol=1e-12)  # every Pauli term kept (rtol too)
    assert_allclose(Operator(op).data, ham8.toarray(), atol=1e-12)
    # H is real symmetric: only Pauli strings with an even number of Y, real coefficients
    assert_allclose(op.coeffs.imag, 0, atol=1e-12)
    assert np.all(np.sum(op.paulis.x & op.paulis.z, axis=1) % 2 == 0)


def test_padding_decouples_and_lies_above_the_spectrum():
    h = patch_hamiltonian(demo_patch(6, 1))  # 36 sites -> 64 (6 qubits)
    mat = patch_hamiltonian_operator(h).to_matrix()
    assert mat.shape == (64, 64)
    assert_allclose(mat[:36, :36], h.toarray(), atol=1e-12)
    assert_allclose(mat[:36, 36:], 0, atol=1e-12)
    assert np.min(np.diag(mat)[36:].real) > np.max(np.linalg.eigvalsh(h.toarray()))
    with pytest.raises(ValueError, match="Hermitian"):
        patch_hamiltonian_operator(sp.csr_matrix(np.triu(np.ones((4, 4)))))


@pytest.mark.parametrize("order,expected", [(1, 1.0), (2, 2.0)])
def test_trotter_converges_to_expm_at_its_order(ham8, order, expected):
    op = patch_hamiltonian_operator(ham8)
    exact = sla.expm(-1j * ham8.toarray() * 0.5)
    steps = (4, 8, 16)
    errors = [np.linalg.norm(trotter_operator(op, 0.5, r, order).data - exact, 2) for r in steps]
    assert errors[0] > errors[1] > errors[2]
    rates = np.log2(np.array(errors[:-1]) / errors[1:])  # measured order of convergence
    assert_allclose(rates, expected, atol=0.35)
    # trotter_operator (one step, powered) is the unitary of the whole circuit
    whole = synthesized_operator(evolution_circuit(op, 0.5, 3, order))
    assert_allclose(trotter_operator(op, 0.5, 3, order).data, whole.data, atol=1e-10)
    gate = evolution_circuit(op, 0.5, 3, order).data[0].operation
    assert gate.name == "PauliEvolution" and gate.synthesis.reps == 3 and gate.synthesis.order == order


def test_evolution_circuit_checks_its_options(ham8):
    op = patch_hamiltonian_operator(ham8)
    with pytest.raises(ValueError, match="order"):
        evolution_circuit(op, 1.0, 1, order=3)
    with pytest.raises(ValueError, match="steps"):
        evolution_circuit(op, 1.0, 0)


def test_statevector_correlation_is_the_spectral_sum(ham8):
    """<n|v(t) v|n> from Statevector.evolve(circuit) = sum_m |v_mn|^2 exp(i (E_n - E_m) t)."""
    modes = eigenmodes(ham8)
    vel = (1j * position_commutators(ham8, (8, 8))[0]).toarray()
    op = patch_hamiltonian_operator(ham8)
    n, dt = 5, 0.05
    corr = mode_correlation(evolution_circuit(op, dt, 2, 2), vel, modes.vectors[:, n], 4)
    vmn = modes.vectors.T @ vel @ modes.vectors[:, n]
    times = dt * np.arange(4)
    spectral = (np.abs(vmn) ** 2) @ np.exp(1j * (modes.energies[n] - modes.energies)[:, None] * times)
    assert_allclose(corr, spectral, atol=1e-3 * np.abs(spectral[0]))  # Trotter error of 2 order-2 steps


def test_circuit_diffusivity_equals_the_classical_one(ham8):
    modes = eigenmodes(ham8)
    classical = diffusivity(ham8, modes, (8, 8))
    exact = circuit_diffusivity(ham8, modes, (8, 8))  # exact exp(-i H dt) steps: quadrature error only
    assert_allclose(exact, classical, rtol=1e-8, atol=1e-8 * classical.max())
    trotter = circuit_diffusivity(ham8, modes, (8, 8), steps=8, order=2)  # product formula per dt
    assert_allclose(trotter, classical, rtol=0, atol=1e-3 * classical.max())


def test_qpe_resources_8x8_measured_and_model():
    measured = qpe_resources(8)
    model = qpe_resources(8, measure=False)
    assert (measured.system_qubits, measured.cx_source, model.cx_source) == (6, "measured", "model")
    assert measured.qubits == 6 + measured.phase_bits and measured.phase_bits == model.phase_bits
    e = np.linalg.eigvalsh(patch_hamiltonian(demo_patch(8, 0)).toarray())
    assert 2 ** -measured.phase_bits <= measured.gap / (e[-1] - e[0]) / 2  # half a bin resolves the gap
    assert 0.5 < model.cx_per_step / measured.cx_per_step < 1.5
    b = measured.phase_bits
    assert measured.cx_total == (2**b - 1) * measured.steps_per_unit * measured.cx_per_step + b * (b - 1)


@pytest.mark.slow
def test_qpe_resources_table_grows_with_the_patch():
    rows = [qpe_resources(side, measure=False) for side in (8, 16, 32)]
    assert [r.system_qubits for r in rows] == [6, 8, 10]
    assert rows[0].cx_total < rows[1].cx_total < rows[2].cx_total
