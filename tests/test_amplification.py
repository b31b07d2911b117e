"""Amplification schedules, in the 2x2 plane and on the full circuit."""

import numpy as np
import pytest
from numpy.testing import assert_allclose

from qdn.circuits.amplification import Schedule, exact_schedule, fixed_point_schedule, grover_schedule, make_schedule
from qdn.classical.amplitude_map import AmplitudeMap
from qdn.execution.runs import run_statevector
from qdn.circuits.layout import Layout
from qdn.circuits.problem import DenoisingProblem, build_circuit
from qdn.execution.readout import state_amplitudes
from qdn.classical.thresholds import frequency_mask

WEIGHTS = np.concatenate([np.geomspace(1e-4, 0.1, 15), np.linspace(0.1, 1.0, 19)])


@pytest.mark.parametrize("weight", WEIGHTS)
def test_exact_schedule_reaches_one(weight):
    sch = exact_schedule(weight)
    assert sch.success_probability(weight) >= 1 - 1e-9
    th = np.arcsin(np.sqrt(weight))
    assert sch.iterations == int(np.ceil((np.pi / 2 - th) / (2 * th) - 1e-12))


@pytest.mark.parametrize("weight", WEIGHTS)
def test_grover_schedule_follows_sin2(weight):
    sch = grover_schedule(weight)
    th = np.arcsin(np.sqrt(weight))
    assert sch.success_probability(weight) == pytest.approx(np.sin((2 * sch.iterations + 1) * th) ** 2, abs=1e-12)


@pytest.mark.parametrize("min_weight,delta", [(0.01, 0.1), (0.05, 0.05), (0.2, 0.01), (0.5, 0.2)])
def test_fixed_point_bound_holds_above_min_weight(min_weight, delta):
    sch = fixed_point_schedule(min_weight, delta)
    for w in np.linspace(min_weight, 1.0, 200):
        assert sch.success_probability(w) >= 1 - delta**2 - 1e-12, f"weight {w}"


def test_schedule_rejects_bad_names_and_weights():
    with pytest.raises(ValueError, match="valid: 'exact', 'grover', 'fixed-point'"):
        make_schedule("uniform", 0.5)
    with pytest.raises(ValueError, match="weight"):
        exact_schedule(0.0)


def _problem(rng, layout, taus, variant="register"):
    y = rng.normal(size=layout.N)
    amap = AmplitudeMap.fit(y, bits=layout.a)
    win = y.reshape(layout.P, layout.M)
    return DenoisingProblem(layout, amap.amplitudes(win), taus, amap.quantize_mean(win.mean(1), layout.a), variant)


def _good_probability(problem, state):
    """Good-subspace probability of a final state, computed by numpy: undo the IQFT, mask."""
    spec = np.fft.ifft(state[0], axis=1) * np.sqrt(problem.layout.M)
    mask = frequency_mask(problem.layout.M, problem.thresholds)
    return float(np.sum(np.abs(spec[mask]) ** 2))


@pytest.mark.parametrize("variant", ["register", "compact"])
def test_circuit_grover_rounds_follow_sin2(variant, rng):
    layout = Layout(m=2, p=1, a=1)
    problem = _problem(rng, layout, np.array([0, 1]), variant)
    th = np.arcsin(np.sqrt(problem.weight))
    for rounds in range(4):
        sch = Schedule("grover", (np.pi,) * rounds, (np.pi,) * rounds)
        state = state_amplitudes(run_statevector(build_circuit(problem, sch)), layout, variant)
        assert _good_probability(problem, state) == pytest.approx(np.sin((2 * rounds + 1) * th) ** 2, abs=1e-10)


@pytest.mark.parametrize("variant", ["register", "compact"])
@pytest.mark.parametrize("name", ["exact", "fixed-point"])
def test_circuit_success_matches_schedule(variant, name, rng):
    layout = Layout(m=3, p=1, a=1)
    problem = _problem(rng, layout, np.array([0, 2]), variant)
    sch = make_schedule(name, problem.weight, delta=0.1)
    state = state_amplitudes(run_statevector(build_circuit(problem, sch)), layout, variant)
    p_good = _good_probability(problem, state)
    assert p_good == pytest.approx(sch.success_probability(problem.weight), abs=1e-10)
    if name == "exact":
        assert p_good >= 1 - 1e-9
