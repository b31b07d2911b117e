"""Exact emulator against the classical per-window FFT projection (the NumPy floor).

For N = 2**10 ... 2**22 samples, window 16, fixed threshold M // 4, a seeded noisy signal:

* ``emulator``: ``qdn.emulator.spectral.emulate_state(amap.amplitudes(windows), taus, "exact")`` with
  ``amap = AmplitudeMap.fit(y)`` (the final amplitudes of the whole circuit);
* ``denoise``: ``qdn.denoise(y, 16, threshold=taus, backend="emulator")`` end to end (map, emulate,
  rescale, decode);
* ``numpy``: ``qdn.classical.reference.spectral_projection(windows, taus)`` (FFT, mask, inverse FFT).

Times are best-of-k wall times (k = 7 up to 2**16 samples, then 5, then 3); peak memory is the
tracemalloc peak of one separate call (NumPy's allocations included). Usage::

    python benchmarks/bench_emulator.py [--quick] [--out DIR]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import Report, best_of, peak_memory  # noqa: E402

import qdn  # noqa: E402
from qdn.classical.amplitude_map import AmplitudeMap  # noqa: E402
from qdn.emulator.spectral import emulate_state  # noqa: E402
from qdn.classical.reference import spectral_projection  # noqa: E402

WINDOW = 16
COLUMNS = [
    "N", "emulator_s", "denoise_s", "numpy_s", "ratio_emulator", "ratio_denoise",
    "emulator_peak_MiB", "denoise_peak_MiB", "numpy_peak_MiB", "input_MiB", "max_abs_diff",
]


def signal(n: int, seed: int = 0) -> np.ndarray:
    t = np.arange(n) / n
    clean = np.sin(2 * np.pi * 7 * t) + 0.5 * np.sign(np.sin(2 * np.pi * 3 * t))
    return clean + 0.3 * np.random.default_rng(seed).normal(size=n)


def measure(n: int) -> dict:
    y = signal(n)
    windows = y.reshape(-1, WINDOW)
    taus = np.full(windows.shape[0], WINDOW // 4)
    amap = AmplitudeMap.fit(y)

    def emulator():
        return emulate_state(amap.amplitudes(windows), taus, "exact")

    def denoise():
        return qdn.denoise(y, WINDOW, shifts=1, threshold=taus, backend="emulator")

    def numpy_floor():
        return spectral_projection(windows, taus)

    repeat = 7 if n <= 2**16 else 5 if n <= 2**20 else 3
    t_emu, _ = best_of(emulator, repeat)
    t_den, res = best_of(denoise, repeat)
    t_np, ref = best_of(numpy_floor, repeat)
    return {
        "N": n,
        "emulator_s": t_emu,
        "denoise_s": t_den,
        "numpy_s": t_np,
        "ratio_emulator": t_emu / t_np,
        "ratio_denoise": t_den / t_np,
        "emulator_peak_MiB": peak_memory(emulator) / 2**20,
        "denoise_peak_MiB": peak_memory(denoise) / 2**20,
        "numpy_peak_MiB": peak_memory(numpy_floor) / 2**20,
        "input_MiB": y.nbytes / 2**20,
        "max_abs_diff": float(np.abs(res.denoised - ref.ravel()).max()),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes (CI smoke)")
    parser.add_argument("--out", default=None, help="output folder (default benchmarks/results)")
    args = parser.parse_args(argv)
    exponents = range(10, 13) if args.quick else range(10, 23)
    report = Report("bench_emulator", "Emulator vs NumPy per-window FFT projection", argv, args.quick)
    rows = []
    for e in exponents:
        rows.append(measure(1 << e))
        print(f"N=2^{e}: emulator {rows[-1]['emulator_s']:.4g} s, numpy {rows[-1]['numpy_s']:.4g} s", flush=True)
    report.table(
        "timing", f"Time and peak memory, window {WINDOW}, threshold {WINDOW // 4}", rows, COLUMNS,
        "Ratios are emulator (or end-to-end denoise) time over the NumPy projection time; "
        "`max_abs_diff` compares denoise's output with the projection.",
    )
    target = [r for r in rows if r["N"] == 2**20]
    if target:
        r = target[0]
        report.note(
            f"Target N=2^20: emulator {r['emulator_s']:.3f} s (< 1 s: {'met' if r['emulator_s'] < 1 else 'MISSED'}), "
            f"{r['ratio_emulator']:.2f}x the NumPy floor (<= 5x: {'met' if r['ratio_emulator'] <= 5 else 'MISSED'}); "
            f"end-to-end denoise {r['denoise_s']:.3f} s = {r['ratio_denoise']:.2f}x."
        )
    report.write(args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
