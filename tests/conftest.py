import os

import numpy as np
import pytest
from hypothesis import settings
from qiskit.quantum_info import Statevector

# Hypothesis profiles: "ci" (the default) keeps the property and fuzz tests fast; "slow" runs
# thousands of examples: HYPOTHESIS_PROFILE=slow python -m pytest tests/test_cli_fuzz.py ...
settings.register_profile("ci", max_examples=20, deadline=None, database=None, print_blob=True)
settings.register_profile("slow", max_examples=2000, deadline=None, database=None, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture
def rng():
    return np.random.default_rng(12345)


def evolve(circuit, init: np.ndarray) -> np.ndarray:
    """Qiskit's reference statevector simulation (independent of Aer)."""
    return Statevector(init).evolve(circuit).data


def random_state(num_qubits: int, rng, support=None) -> np.ndarray:
    """A random normalised complex vector, optionally zero outside ``support`` (bool mask)."""
    v = rng.normal(size=1 << num_qubits) + 1j * rng.normal(size=1 << num_qubits)
    if support is not None:
        v = np.where(support, v, 0)
    return v / np.linalg.norm(v)
