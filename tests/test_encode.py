"""The encode stage: amplitudes and register contents against the formula of eq. (2)."""

import numpy as np
import pytest
from numpy.testing import assert_allclose

from qdn.amplitude_map import AmplitudeMap
from qdn.encode import encode_circuit
from qdn.layout import Layout

from conftest import evolve


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
