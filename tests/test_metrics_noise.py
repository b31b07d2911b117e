import numpy as np
import pytest

from qdn.classical import metrics
from qdn.noise import awgn, poisson, salt_and_pepper


def test_snr_and_psnr_reference_values():
    x = np.array([0.0, 1.0, 2.0, 3.0])
    e = x + np.array([0.1, -0.1, 0.1, -0.1])
    assert metrics.snr(x, e) == pytest.approx(10 * np.log10(14 / 0.04))
    assert metrics.psnr(x, e) == pytest.approx(10 * np.log10(9 / 0.01))
    assert metrics.psnr(x, x) == float("inf")
    with pytest.raises(ValueError, match="shapes differ"):
        metrics.snr(x, e[:3])


@pytest.mark.parametrize("target", [0.0, 10.0, 15.0, 30.0])
@pytest.mark.parametrize("n", [1024, 4096])
def test_awgn_hits_target_snr(target, n):
    x = np.sin(np.arange(n) / 10.0) + 2
    y = awgn(x, target, seed=1)
    assert abs(metrics.snr(x, y) - target) < 0.2
    assert not np.shares_memory(x, y)
    np.testing.assert_array_equal(y, awgn(x, target, seed=1))


def test_poisson_and_salt_and_pepper():
    x = np.full(10000, 5.0)
    y = poisson(x, scale=10, seed=0)
    assert abs(y.mean() - 5) < 0.05 and abs(y.var() - 0.5) < 0.05
    with pytest.raises(ValueError, match="non-negative"):
        poisson(-x)
    z = salt_and_pepper(np.linspace(0, 1, 10000), 0.1, seed=0)
    changed = np.mean(z != np.linspace(0, 1, 10000))
    assert 0.08 < changed < 0.12
