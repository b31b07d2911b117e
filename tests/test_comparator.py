"""Carry-chain comparators: truth tables over every basis input."""

import numpy as np
import pytest
from qiskit.quantum_info import Statevector

from qdn.circuits.comparator import comparator_circuit


def _basis_output(qc, index):
    sv = Statevector.from_int(index, 1 << qc.num_qubits).evolve(qc)
    probs = np.abs(sv.data) ** 2
    out = int(np.argmax(probs))
    assert probs[out] == pytest.approx(1.0, abs=1e-12), "comparator must map basis states to basis states"
    return out


@pytest.mark.parametrize("m", [2, 3, 4])
@pytest.mark.parametrize("kind", ["leq", "wrap"])
@pytest.mark.parametrize("flag_in", [0, 1])
def test_truth_table(m, kind, flag_in):
    qc = comparator_circuit(m, kind)  # qubits: x (m), y (m), flag, cin
    M = 1 << m
    for x in range(M):
        for y in range(M):
            idx = x + (y << m) + (flag_in << (2 * m))
            out = _basis_output(qc, idx)
            expect = (x <= y) if kind == "leq" else (x + y >= M)
            assert out & (M - 1) == x, "x register restored"
            assert (out >> m) & (M - 1) == y, "y register restored"
            assert (out >> (2 * m)) & 1 == flag_in ^ int(expect), f"flag wrong for x={x} y={y}"
            assert (out >> (2 * m + 1)) & 1 == 0, "carry-in ancilla restored"


def test_unknown_kind():
    with pytest.raises(ValueError, match="valid: 'leq', 'wrap'"):
        comparator_circuit(2, "lt")
