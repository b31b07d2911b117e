"""The encode stage: amplitudes and register contents against the formula of eq. (2)."""

import numpy as np
import pytest
from numpy.testing import assert_allclose
from qiskit import QuantumCircuit
from qiskit.circuit import AncillaRegister, QuantumRegister

from qdn.classical.amplitude_map import AmplitudeMap
from qdn.circuits.encode import encode_circuit, set_window_codes, value_setting
from qdn.circuits.layout import Layout
from qdn.circuits.registers import frame

from conftest import evolve, random_state


@pytest.mark.parametrize("m,p", [(1, 1), (2, 1), (2, 2), (3, 1)])
@pytest.mark.parametrize("encoding", ["linear", "paper"])
def test_register_encoding_matches_formula(m, p, encoding, rng):
    layout = Layout(m=m, p=p, a=3)
    y = rng.normal(size=layout.N)
    amap = AmplitudeMap.fit(y, encoding, bits=layout.a)
    c = amap.amplitudes(y.reshape(layout.P, layout.M))
    means = amap.quantize_mean(y.reshape(layout.P, layout.M).mean(1), layout.a)
    taus = rng.integers(0, layout.M // 2 + 1, size=layout.P)
    qc = encode_circuit(layout, amap.ry_angles(y), means, taus)
    psi = np.zeros(1 << qc.num_qubits, complex)
    psi[0] = 1
    out = evolve(qc, psi)
    # index = i + M*(mean + 2^a*(j + P*(thre + 2^b*(anc + 2*work))))
    arr = out.reshape(-1, 2, 1 << layout.b, layout.P, 1 << layout.a, layout.M)
    assert_allclose(arr[1:], 0, atol=1e-12)  # work qubits untouched
    expected = np.zeros(arr.shape[1:], complex)
    s = np.sqrt(1 - c**2)
    for j in range(layout.P):
        expected[0, taus[j], j, means[j], :] = c[j] / np.sqrt(layout.N)
        expected[1, taus[j], j, means[j], :] = s[j] / np.sqrt(layout.N)
    assert_allclose(arr[0], expected, atol=1e-12)


def test_linear_map_is_affine_onto_floor_one(rng):
    y = rng.normal(size=64)
    amap = AmplitudeMap.fit(y, floor=0.3)
    c = amap.amplitudes(y)
    assert c.min() == pytest.approx(0.3) and c.max() == pytest.approx(1.0)
    assert_allclose(np.diff(c) / np.diff(y), 0.7 / np.ptp(y), rtol=1e-10)  # affine
    assert_allclose(amap.decode(c), y, atol=1e-12)


def test_paper_map_is_pi_s_over_2a():
    y = np.arange(16.0)
    amap = AmplitudeMap.fit(y, "paper", bits=4)
    assert_allclose(amap.amplitudes(y), np.cos(np.pi * np.arange(16) / 16), atol=1e-12)
    assert_allclose(amap.decode(amap.amplitudes(y)), y, atol=1e-9)


def test_encoding_uses_one_multiplexor():
    layout = Layout(m=2, p=2, a=2)
    qc = encode_circuit(layout, np.full(16, 0.5), np.zeros(4, int), np.ones(4, int))
    ops = qc.count_ops()
    assert ops["ucry"] == 1 and ops["h"] == 4


def test_value_setting_rejects_values_too_wide():
    layout = Layout(m=2, p=1, a=2)
    with pytest.raises(ValueError, match="fit in 2 bits"):
        encode_circuit(layout, np.full(8, 0.5), np.array([0, 4]), np.array([0, 1]))


def _value_setting_truth_table(qc, p, t, values, rng):
    """Evolve a random state of ``j`` (p qubits) and the target (t qubits), work in |0>, through
    ``qc`` and compare with ``|j>|x> -> |j>|x XOR values[j]>`` (phases included); work must end in |0>."""
    n_work = qc.num_qubits - p - t
    psi = random_state(p + t, rng)
    out = evolve(qc, np.concatenate([psi, np.zeros(((1 << n_work) - 1) << (p + t), complex)]))
    out = out.reshape(1 << n_work, 1 << (p + t))
    assert_allclose(out[1:], 0, atol=1e-10)  # work qubits back in |0>
    jv, xv = np.arange(1 << (p + t)) % (1 << p), np.arange(1 << (p + t)) >> p
    expected = np.zeros_like(psi)
    expected[jv + ((xv ^ np.asarray(values)[jv]) << p)] = psi
    assert_allclose(out[0], expected, atol=1e-10)


@pytest.mark.parametrize("p,n_work", [(1, 2), (2, 1), (2, 2), (3, 1), (3, 2), (3, 3), (4, 2), (4, 3), (5, 3)])
def test_value_setting_with_work_truth_table(p, n_work, rng):
    """The flag construction (one window flag in a clean work qubit, one or two more as clean
    auxiliaries of its MCX) is the multiplexed X; so is the path without work qubits."""
    t = 4
    j, x, w = QuantumRegister(p, "j"), QuantumRegister(t, "x"), AncillaRegister(n_work, "work")
    values = rng.integers(0, 1 << t, size=1 << p)
    values[0], values[-1] = 0, (1 << t) - 1  # a window with nothing to write and one with every bit
    qc = value_setting(QuantumCircuit(j, x, w), j, x, values, w)
    if p >= 2:  # the flag's CX fan-out; p >= 3 with one work qubit falls back to one MCX per bit
        assert ("cx" in qc.count_ops()) == (p == 2 or n_work >= 2)
    _value_setting_truth_table(qc, p, t, values, rng)
    old = value_setting(QuantumCircuit(j, x, w), j, x, values)  # one multi-controlled X per set bit
    assert "cx" not in old.count_ops() or p == 1
    _value_setting_truth_table(old, p, t, values, rng)


def _on(qc, order):
    """``qc`` restricted to ``order`` (its qubits renumbered 0, 1, ...)."""
    sub = QuantumCircuit(len(order), global_phase=qc.global_phase)
    index = {q: k for k, q in enumerate(order)}
    for ins in qc.data:
        assert all(q in index for q in ins.qubits)  # the value setting never touches i or anc
        sub.append(ins.operation, [index[q] for q in ins.qubits])
    return sub


@pytest.mark.parametrize("m,p,a", [(2, 2, 2), (2, 3, 2), (1, 4, 2)])
def test_set_window_codes_truth_table(m, p, a, rng):
    """Inside the register frame: mean and thre receive the codes XORed, work returns to |0>."""
    layout = Layout(m=m, p=p, a=a)
    means = rng.integers(0, 1 << a, size=layout.P)
    taus = rng.integers(0, 1 << layout.b, size=layout.P)
    qc = set_window_codes(frame(layout, "register"), means, taus)
    # qubit order i, mean, j, thre, anc, work: leave i and anc at 0 and view (mean, j, thre) as
    # j (p qubits) then a target of a + b qubits, by permuting the circuit's qubits
    regs = {r.name: list(r) for r in qc.qregs}
    order = regs["j"] + regs["mean"] + regs["thre"] + regs["work"]
    codes = means | (taus << a)
    _value_setting_truth_table(_on(qc, order), p, a + layout.b, codes, rng)
    plain = set_window_codes(frame(layout, "register"), means, taus, use_work=False)
    assert "cx" not in plain.count_ops() and "cx" in qc.count_ops()  # per-bit MCX vs flag fan-out
    _value_setting_truth_table(_on(plain, order), p, a + layout.b, codes, rng)


@pytest.mark.parametrize("p,n_work", [(3, 2), (4, 3), (5, 3)])
def test_value_setting_unsynthesized_mcx_truth_table(p, n_work, rng):
    """``synthesize_mcx=False`` (for Aer): one MCXGate per set bit, work unused, same unitary."""
    t = 3
    j, x, w = QuantumRegister(p, "j"), QuantumRegister(t, "x"), AncillaRegister(n_work, "work")
    values = rng.integers(0, 1 << t, size=1 << p)
    qc = value_setting(QuantumCircuit(j, x, w), j, x, values, w, synthesize_mcx=False)
    ops = qc.count_ops()
    n_mcx = sum(n for name, n in ops.items() if name.startswith("mcx"))  # open controls rename it
    assert n_mcx == sum(bin(int(v)).count("1") for v in values) and "cx" not in ops
    _value_setting_truth_table(qc, p, t, values, rng)


@pytest.mark.parametrize("p", [3, 4, 5])
def test_value_setting_sparse_windows_truth_table(p, rng):
    """Windows with nothing to write are skipped, so consecutive written windows can differ in
    several controls: the junction simplification must hold for every set of changed controls."""
    t = 3
    j, x, w = QuantumRegister(p, "j"), QuantumRegister(t, "x"), AncillaRegister(3, "work")
    for _ in range(3):
        values = rng.integers(1, 1 << t, size=1 << p)
        values[rng.random(1 << p) < 0.6] = 0
        qc = value_setting(QuantumCircuit(j, x, w), j, x, values, w)
        _value_setting_truth_table(qc, p, t, values, rng)


@pytest.mark.parametrize("p,most", [(3, 0.45), (5, 0.35), (6, 0.25)])
def test_value_setting_emits_the_simplified_circuit(p, most, rng):
    """Per window, compute + fan-out + uncompute written out whole would be ``2 L + bits + 2 zeros``
    gates (L = the flag's MCX synthesis); the exact cancellations between and inside windows
    leave at most ``most`` of that (measured: 0.38, 0.31, 0.21)."""
    from qdn.circuits.encode import _flag_mcx

    t = 4
    values = rng.integers(1, 1 << t, size=1 << p)
    j, x, w = QuantumRegister(p, "j"), QuantumRegister(t, "x"), AncillaRegister(3, "work")
    qc = value_setting(QuantumCircuit(j, x, w), j, x, values, w)
    flag_gates = len(_flag_mcx(p, 2).data)
    whole = sum(
        2 * flag_gates + bin(int(v)).count("1") + 2 * (p - bin(jv).count("1")) for jv, v in enumerate(values)
    )
    assert qc.size() <= most * whole
