"""Where the emulator's time goes, against the NumPy floor (evidence for benchmarks/README.md).

Times each step of ``qdn.emulator.emulate_state`` at N = 2**20 (window 16, threshold 4) and a
leaner evaluation of the same formula (this script's :func:`lean_state`, not part of qdn): only
the ``anc = 0`` branch is transformed, with one real FFT pair, because the ``anc = 1`` branch has
no kept bins and only gets multiplied by the bad-subspace coefficient. Checks that both give the
same amplitudes. Usage::

    python benchmarks/diagnose_emulator.py [--exponent 20]
"""

from __future__ import annotations

import argparse
import sys
import time

import numpy as np

from qdn.amplification import make_schedule
from qdn.emulator import emulate_state, prepared_spectrum
from qdn.reference import spectral_projection
from qdn.thresholds import frequency_mask


def best(func, repeat: int = 7) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        func()
        times.append(time.perf_counter() - t0)
    return min(times)


def lean_state(c: np.ndarray, taus: np.ndarray, schedule: str = "exact") -> np.ndarray:
    """The amplitudes of ``emulate_state(c, taus, schedule)`` (two-sided, one signal)."""
    P, M = c.shape
    N = P * M
    mask = frequency_mask(M, taus, True)[:, : M // 2 + 1]
    proj = np.fft.irfft(np.fft.rfft(c, axis=-1) * mask, n=M, axis=-1)  # kept part, sample domain
    s2 = np.clip(1.0 - c * c, 0.0, None)
    g2 = float(np.vdot(proj, proj)) / N  # good weight (the state has norm 1)
    cg, cb = make_schedule(schedule, g2).final_coefficients(g2)
    sg, sb = cg / np.sqrt(g2), cb / np.sqrt(1.0 - g2)
    out = np.empty((2, P, M), complex)
    out[0] = ((sg - sb) / np.sqrt(N)) * proj + (sb / np.sqrt(N)) * c
    out[1] = (sb / np.sqrt(N)) * np.sqrt(s2)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--exponent", type=int, default=20)
    args = parser.parse_args(argv)
    N, M = 1 << args.exponent, 16
    P = N // M
    c = 1.0 - np.random.default_rng(0).uniform(0.0, 0.75, (P, M))
    taus = np.full(P, M // 4)

    floor = best(lambda: spectral_projection(c, taus))
    full = best(lambda: emulate_state(c, taus, "exact"))
    lean = best(lambda: lean_state(c, taus))
    ref, _ = emulate_state(c, taus, "exact")
    diff = float(np.abs(ref - lean_state(c, taus)).max())

    spec = prepared_spectrum(c)
    mask = np.zeros(spec.shape, bool)
    mask[0] = frequency_mask(M, taus, True)
    good = np.where(mask, spec, 0.0)
    bad = spec - good
    steps = {
        "prepared_spectrum (sqrt, stack, complex ifft of both anc branches)": best(lambda: prepared_spectrum(c)),
        "mask + where (good part)": best(lambda: np.where(mask, spec, 0.0)),
        "spec - good (bad part)": best(lambda: spec - good),
        "two norms": best(lambda: (np.sqrt(np.sum(np.abs(good) ** 2)), np.sqrt(np.sum(np.abs(bad) ** 2)))),
        "good * sg + bad * sb": best(lambda: good * 0.3 + bad * 0.2),
        "final complex fft of both branches": best(lambda: np.fft.fft(spec, axis=-1) / np.sqrt(M)),
    }
    print(f"N = 2^{args.exponent}, window {M}, threshold {M // 4}; best-of-7 wall times")
    print(f"  NumPy floor spectral_projection      {floor * 1e3:8.2f} ms")
    print(f"  qdn emulate_state                    {full * 1e3:8.2f} ms  ({full / floor:.2f}x the floor)")
    for name, t in steps.items():
        print(f"    {name:66s} {t * 1e3:7.2f} ms")
    print(f"  lean_state (anc=0 branch only, rfft) {lean * 1e3:8.2f} ms  ({lean / floor:.2f}x the floor), "
          f"max |difference| {diff:.1e}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
