"""Oracles: their diagonal over every basis input, against the threshold condition."""

import numpy as np
import pytest
from numpy.testing import assert_allclose

from qdn.circuits.layout import Layout
from qdn.circuits.oracle import compact_oracle, register_oracle
from qdn.classical.thresholds import side_mask

from conftest import evolve


def _good(k, tau, M, two_sided):
    return min(k, M - k) <= tau if two_sided else k <= tau


@pytest.mark.parametrize("m", [2, 3, 4])
@pytest.mark.parametrize("two_sided", [True, False])
def test_register_oracle_diagonal(m, two_sided, rng):
    layout = Layout(m=m, p=0, a=1)
    phase = 0.7
    qc = register_oracle(layout, None, phase, mask=side_mask(two_sided))
    M = layout.M
    # qubit order: i (m), mean (1), thre (m), anc (1), work
    sub = 1 << (2 * m + 2)
    psi = np.zeros(1 << qc.num_qubits, complex)
    psi[:sub] = rng.normal(size=sub) + 1j * rng.normal(size=sub)
    psi /= np.linalg.norm(psi)
    out = evolve(qc, psi)
    assert_allclose(out[sub:], 0, atol=1e-12)  # work qubits uncomputed
    expected = psi[:sub].copy()
    for idx in range(sub):
        k, tau, anc = idx & (M - 1), (idx >> (m + 1)) & (M - 1), idx >> (2 * m + 1)
        if anc == 0 and _good(k, tau, M, two_sided):
            expected[idx] *= np.exp(1j * phase)
    assert_allclose(out[:sub], expected, atol=1e-12)


@pytest.mark.parametrize("m,p", [(2, 2), (3, 1), (3, 2), (4, 1)])
@pytest.mark.parametrize("two_sided", [True, False])
def test_compact_oracle_diagonal(m, p, two_sided, rng):
    layout = Layout(m=m, p=p, a=1)
    t_max = layout.M // 2 if two_sided else layout.M - 1
    taus = rng.integers(0, t_max + 1, size=layout.P)
    taus[0] = t_max  # a window that keeps everything
    phase = np.pi
    qc = compact_oracle(layout, taus, phase, mask=side_mask(two_sided))
    M, P = layout.M, layout.P
    sub = 2 * P * M  # (anc, j, i)
    psi = np.zeros(1 << qc.num_qubits, complex)
    psi[:sub] = rng.normal(size=sub) + 1j * rng.normal(size=sub)
    psi /= np.linalg.norm(psi)
    out = evolve(qc, psi)
    assert_allclose(out[sub:], 0, atol=1e-12)
    expected = psi[:sub].copy()
    for idx in range(sub):
        k, j, anc = idx % M, (idx // M) % P, idx // (P * M)
        if anc == 0 and _good(k, taus[j], M, two_sided):
            expected[idx] *= np.exp(1j * phase)
    assert_allclose(out[:sub], expected, atol=1e-12)


def test_compact_oracle_shared_threshold_needs_no_window_control():
    layout = Layout(m=3, p=3, a=1)
    shared = compact_oracle(layout, np.full(8, 2))
    mixed = compact_oracle(layout, np.array([2, 2, 2, 2, 2, 2, 2, 1]))
    assert shared.size() < mixed.size()
