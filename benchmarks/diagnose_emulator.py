"""Where the emulator's time goes, against the NumPy floor (evidence for benchmarks/README.md).

At N = 2**20 (window 16, threshold 4) times ``qdn.emulator.spectral.emulate_state``, two-sided and
one-sided, step by step, against the NumPy floor and against the general formula it replaced
(this script's :func:`general_state`, the previous qdn implementation: both ``anc`` branches
through a complex QFT, the full good/bad decomposition, a complex inverse QFT of both branches),
and checks that both give the same amplitudes. Usage::

    python benchmarks/diagnose_emulator.py [--exponent 20]
"""

from __future__ import annotations

import argparse
import os
import sys
import time

import numpy as np

from qdn.circuits.amplification import make_schedule
from qdn.emulator.spectral import emulate_state, prepared_spectrum
from qdn.classical.reference import spectral_projection
from qdn.classical.thresholds import frequency_mask, side_mask


def best(func, repeat: int = 7) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        func()
        times.append(time.perf_counter() - t0)
    return min(times)


def general_state(c: np.ndarray, taus: np.ndarray, schedule: str = "exact", two_sided: bool = True) -> np.ndarray:
    """The amplitudes of ``emulate_state(c, taus, schedule)`` (one signal), computed as qdn did
    before the fast path: every step over both ``anc`` branches, 2N complex numbers."""
    spec = prepared_spectrum(c)
    M = spec.shape[-1]
    mask = np.zeros(spec.shape, bool)
    mask[0] = frequency_mask(M, taus, side_mask(two_sided))
    good = np.where(mask, spec, 0.0)
    bad = spec - good
    g_norm, b_norm = np.sqrt(np.sum(np.abs(good) ** 2)), np.sqrt(np.sum(np.abs(bad) ** 2))
    weight = g_norm**2 / (g_norm**2 + b_norm**2)
    cg, cb = make_schedule(schedule, weight).final_coefficients(weight)
    return np.fft.fft(good * (cg / g_norm) + bad * (cb / b_norm), axis=-1) / np.sqrt(M)


def emulator_steps(c: np.ndarray, taus: np.ndarray) -> dict[str, float]:
    """Best times of the steps of ``emulate_state`` (two-sided), as qdn/emulator.py runs them."""
    P, M = c.shape
    k, t = np.arange(M // 2 + 1), taus[:, None]
    spec = np.fft.rfft(c, axis=-1)
    proj = np.fft.irfft(spec * (k <= t), n=M, axis=-1)
    s = np.sqrt(np.clip(1.0 - c * c, 0.0, None))
    sb, diff = 0.1 + 0.2j, 0.3 - 0.1j

    def mask_spectrum():
        np.multiply(spec, k <= t, out=spec)

    def sine():
        x = np.multiply(c, c)
        np.subtract(1.0, x, out=x)
        np.maximum(x, 0.0, out=x)
        np.sqrt(x, out=x)

    def combine():
        res = np.empty((2, P, M), complex)
        good = res[0]
        np.multiply(proj, diff, out=good)
        good += c * sb
        np.multiply(s, sb, out=res[1])

    return {
        "rfft of c": best(lambda: np.fft.rfft(c, axis=-1)),
        "mask the kept bins": best(mask_spectrum),
        "irfft (Pc, real)": best(lambda: np.fft.irfft(spec, n=M, axis=-1)),
        "s = sqrt(1 - c^2), in place": best(sine),
        "three squared norms": best(lambda: [np.einsum("i,i->", x.ravel(), x.ravel()) for x in (proj, c, s)]),
        "write the output: (sg - sb) Pc + sb c, sb s (fresh 2N complex)": best(combine),
        "  of which: writing a fresh 2N complex array": best(lambda: np.empty((2, P, M), complex).fill(0)),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--exponent", type=int, default=20)
    args = parser.parse_args(argv)
    N, M = 1 << args.exponent, 16
    P = N // M
    c = 1.0 - np.random.default_rng(0).uniform(0.0, 0.75, (P, M))
    taus = np.full(P, M // 4)
    load = os.getloadavg()[0]

    floor = best(lambda: spectral_projection(c, taus))
    fast = best(lambda: emulate_state(c, taus, "exact"))
    general = best(lambda: general_state(c, taus))
    fast_one = best(lambda: emulate_state(c, taus, "exact", two_sided=False))
    general_one = best(lambda: general_state(c, taus, two_sided=False))
    diff = float(np.abs(emulate_state(c, taus, "exact")[0] - general_state(c, taus)).max())
    diff_one = float(np.abs(emulate_state(c, taus, "exact", two_sided=False)[0]
                            - general_state(c, taus, two_sided=False)).max())
    steps = emulator_steps(c, taus)

    print(f"N = 2^{args.exponent}, window {M}, threshold {M // 4}; best-of-7 wall times; load average {load:.2f}")
    def line(name: str, t: float, extra: str = "") -> None:
        print(f"  {name:42s} {t * 1e3:8.2f} ms  ({t / floor:.2f}x the floor){extra}")

    print(f"  {'NumPy floor spectral_projection':42s} {floor * 1e3:8.2f} ms")
    line("qdn emulate_state", fast)
    for name, t in steps.items():
        print(f"    {name:66s} {t * 1e3:7.2f} ms")
    line("general formula (previous qdn)", general, f", max |difference| {diff:.1e}")
    line("one-sided: qdn emulate_state", fast_one)
    line("one-sided: general formula", general_one, f", max |difference| {diff_one:.1e}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
