"""The windowed QFT against numpy.fft (unitary normalisation, little-endian)."""

import numpy as np
import pytest
from numpy.testing import assert_allclose
from qiskit.quantum_info import Operator

from qdn.circuits.layout import Layout
from qdn.circuits.qft import windowed_qft

from conftest import evolve, random_state


@pytest.mark.parametrize("m", [1, 2, 3, 4])
def test_qft_gate_is_sqrtM_ifft(m):
    layout = Layout(m=m, p=0, a=1)
    qc = windowed_qft(layout, variant="compact")
    # restrict to the i register: every other qubit idles, so take the top-left block
    full = Operator(qc).data
    M = 1 << m
    block = full[:M, :M]
    expected = np.fft.ifft(np.eye(M), axis=0) * np.sqrt(M)  # column x -> sqrt(M) ifft(e_x)
    assert_allclose(block, expected, atol=1e-12)


@pytest.mark.parametrize("m,p", [(2, 1), (3, 2), (2, 3)])
@pytest.mark.parametrize("inverse", [False, True])
def test_windowed_qft_transforms_every_window(m, p, inverse, rng):
    layout = Layout(m=m, p=p, a=1)
    qc = windowed_qft(layout, inverse=inverse, variant="compact")
    M, P = layout.M, layout.P
    # support: work = 0, anc = 0
    support = np.zeros(1 << qc.num_qubits, bool)
    support[: P * M] = True
    psi = random_state(qc.num_qubits, rng, support)
    out = evolve(qc, psi)[: P * M].reshape(P, M)
    win = psi[: P * M].reshape(P, M)
    ref = np.fft.fft(win, axis=1) / np.sqrt(M) if inverse else np.fft.ifft(win, axis=1) * np.sqrt(M)
    assert_allclose(out, ref, atol=1e-12)
