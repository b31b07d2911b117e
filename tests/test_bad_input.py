"""Bad input gets a ValueError that names the problem."""

import numpy as np
import pytest

import qdn
from _paper import paper_denoise


@pytest.mark.parametrize(
    "y,kwargs,match",
    [
        (np.array([1.0, np.nan, 2.0, 3.0]), {}, "non-finite"),
        (np.array([1.0, np.inf, 2.0, 3.0]), {}, "non-finite"),
        (np.array([]), {}, "empty"),
        (np.ones((4, 4, 4)), {}, "1-D"),
        (np.arange(16.0), {"window": 6}, "power of two"),
        (np.arange(16.0), {"window": 32}, "larger than the signal"),
        (np.arange(12.0), {"window": 4, "pad": False}, "not a power of two"),
        (np.full(16, 3.0), {"window": 4}, "constant"),
        (np.arange(16.0), {"window": 4, "threshold": 3}, r"\[0, 2\]"),
        (np.arange(16.0), {"window": 4, "threshold": [1, 2]}, "one entry per window"),
        (np.arange(16.0), {"window": 4, "threshold": "sure"}, "valid: 'auto'"),
        (np.arange(16.0), {"window": 4, "schedule": "fast"}, "valid: 'exact'"),
        (np.arange(16.0), {"window": 4, "variant": "tiny"}, "valid: 'register'"),
        (np.arange(16.0), {"window": 4, "backend": "gpu"}, "unknown backend"),
        (np.arange(16.0), {"window": 4, "shots": 0}, "shots"),
        (np.arange(16.0) + 1j, {"window": 4}, "real"),
        (["a", "b"], {"window": 2}, "real numbers"),
    ],
)
def test_bad_input(y, kwargs, match):
    with pytest.raises(ValueError, match=match):
        paper_denoise(y, **kwargs)


def test_too_many_qubits_for_memory_names_qubits_and_memory():
    y = np.sin(np.arange(1 << 20) / 100.0)
    with pytest.raises(ValueError, match=r"needs 32 qubits: a statevector of 64\.0 GiB"):
        paper_denoise(y, 16, threshold=2, backend="statevector")


def test_too_many_qubits_for_device():
    from qiskit.providers.fake_provider import GenericBackendV2

    y = np.sin(np.arange(64) / 5.0)
    with pytest.raises(ValueError, match="needs 18 qubits but backend .* has 5"):  # the paper's register layout
        paper_denoise(y, 16, threshold=2, variant="register", backend=GenericBackendV2(5, seed=1))
