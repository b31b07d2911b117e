"""The issue-21 tables of ``benchmarks/hardware.py``: compressed encoding, approximate QFT,
schedules, the error budget's feasibility and runs (kept apart so each piece stays short).

Signals: the bundled ECG around its R peak (:func:`qdn.hardware.budget.reference_signal`),
PyWavelets' HeaviSine, and a centred square patch of pydicom's CT_small read row by row, each
with AWGN at 15 dB (seed 0) as a run would send it. Errors are relative L2 distances between
emulated outputs (exact readout), PSNRs use the uncompressed output as the reference.
"""

from __future__ import annotations

import tempfile

import numpy as np
from qiskit import transpile

import qdn
from qdn import hardware as hw
from qdn.circuits.compression import walsh_cx_count
from qdn.circuits.qft import approximate_qft
from qdn.classical.metrics import psnr
from qdn.data import demo_signal
from qdn.hardware.budget import AUTO_SCHEDULES, COMPRESSIONS, Trades, emulated_output, output_error, reference_signal
from qdn.hardware.resources import default_window
from qdn.noise import awgn

COMPRESSION_COLUMNS = ["signal", "n_samples", "window", "compression", "encode_cx", "encode_cx_ratio", "error",
                       "psnr_vs_uncompressed"]
AQFT_COLUMNS = ["m", "degree", "qft_cx", "cx_saved", "error_ecg", "error_heavisine"]
SCHEDULE_COLUMNS = ["backend", "n_samples", "window", "schedule", "two_qubit", "esp", "success", "useful"]
BUDGET_COLUMNS = ["backend", "n_samples", "window", "schedule", "compression", "qft_degree", "error", "two_qubit",
                  "esp", "success", "useful", "feasible"]
RUN_COLUMNS = ["signal", "setting", "schedule", "compression", "qft_degree", "two_qubit", "esp", "shots_sent",
               "shots_kept", "psnr_noisy", "psnr_exact_emulator", "psnr_device"]


def _ct_patch(n: int) -> np.ndarray:
    from pydicom.data import get_testdata_file

    from qdn.io.images import read_image

    img = np.asarray(read_image(get_testdata_file("CT_small.dcm"))[0], float)
    side = int(round(np.sqrt(n)))
    r0, c0 = (img.shape[0] - side) // 2, (img.shape[1] - side) // 2
    return img[r0 : r0 + side, c0 : c0 + side].ravel()


SIGNALS = {
    "ECG": reference_signal,
    "HeaviSine": lambda n: demo_signal("HeaviSine", n),
    "CT patch": _ct_patch,
}


def compression_rows(sizes) -> list[dict]:
    rows = []
    for name, make in SIGNALS.items():
        for n in sizes:
            y = awgn(make(n), 15.0, seed=0)
            w = default_window(n)
            base = hw.build_program(y, w)
            ref = emulated_output(base)
            for comp in COMPRESSIONS:
                prog = hw.build_program(y, w, compression=comp)
                cx = n if prog.problem.angles is None else walsh_cx_count(prog.problem.angles)
                out = emulated_output(prog)
                rows.append({"signal": name, "n_samples": n, "window": w, "compression": comp, "encode_cx": cx,
                             "encode_cx_ratio": cx / n,
                             "error": float(np.linalg.norm(out - ref) / np.linalg.norm(ref)),
                             "psnr_vs_uncompressed": psnr(ref, out) if comp else float("inf")})
    return rows


def aqft_rows(ms) -> list[dict]:
    rows = []
    for m in ms:
        n = max(256, 4 << m)
        ecg_y, hs_y = (awgn(f(n), 15.0, seed=0) for f in (reference_signal, lambda k: demo_signal("HeaviSine", k)))
        full = None
        for d in range(m):
            cx = transpile(approximate_qft(m, d), basis_gates=["cx", "rz", "sx", "x"], optimization_level=2,
                           seed_transpiler=0).count_ops().get("cx", 0)
            full = cx if full is None else full
            rows.append({"m": m, "degree": d, "qft_cx": cx, "cx_saved": full - cx,
                         "error_ecg": output_error(ecg_y, 1 << m, Trades(0.0, d)),
                         "error_heavisine": output_error(hs_y, 1 << m, Trades(0.0, d))})
    return rows


def schedule_rows(backends, sizes) -> list[dict]:
    rows = []
    for b in backends:
        for n in sizes:
            y = awgn(reference_signal(n), 15.0, seed=0)
            w = default_window(n)
            for sched in AUTO_SCHEDULES:
                prog = hw.build_program(y, w, schedule=sched)
                rep = hw.resource_report(prog, b, stages=False)
                success = prog.schedule.success_probability(prog.problem.weight)
                rows.append({"backend": b.name, "n_samples": n, "window": w, "schedule": sched,
                             "two_qubit": rep.total.two_qubit, "esp": rep.success.total, "success": success,
                             "useful": rep.success.total * success})
    return rows


def budget_rows(backends, floor: float, budget: float, max_size: int) -> tuple[list[dict], dict]:
    rows, largest = [], {}
    for b in backends:
        f = hw.feasibility(b, floor, error_budget=budget, max_size=max_size)
        largest[b.name] = (f.best, f.stopped)
        for r in f.rows():
            rows.append({k: r.get(k) for k in BUDGET_COLUMNS} | {"backend": b.name})
    return rows, largest


def budget_runs(backend, budget: float, *, test_signal, shots: int = 4096) -> list[dict]:
    """``qdn run --demo`` (16 samples, window 8, threshold 1) and the tests' signal, exact
    schedule as before and with the budget; 64 ECG samples with the budget."""
    cases = [
        ("ECG demo 16", reference_signal(16), 8, 1),
        ("tests' signal 16", None, 8, 1),
        ("ECG demo 64", reference_signal(64), 16, "auto"),
    ]
    rows = []
    with tempfile.TemporaryDirectory() as journal:
        for label, clean, window, thr in cases:
            noisy = test_signal() if clean is None else awgn(clean, 15.0, seed=0)
            ref = qdn.denoise(noisy, window, shifts=1, threshold=thr, variant="compact", backend="emulator").denoised
            target = ref if clean is None else clean
            settings = [("exact, no trade", hw.build_program(noisy, window, threshold=thr), None)]
            choice = hw.choose_trades(noisy, backend, budget, window=window, threshold=thr)
            settings.append((f"budget {budget:g}", choice.program, choice))
            for setting, prog, ch in settings:
                sent = prog.shots_for(shots)
                run = hw.submit(prog, backend, shots=sent, seed=1, journal=journal)
                res = run.result(0)
                rep = hw.resource_report(prog, backend, stages=False)
                kept = prog.kept_shots(res.counts)
                t = ch.trades if ch is not None else Trades()
                rows.append({"signal": label, "setting": setting, "schedule": prog.schedule.name,
                             "compression": t.compression, "qft_degree": t.qft_degree,
                             "two_qubit": rep.total.two_qubit, "esp": rep.success.total, "shots_sent": sent,
                             "shots_kept": kept, "psnr_noisy": psnr(target, noisy) if clean is not None else None,
                             "psnr_exact_emulator": psnr(target, ref) if clean is not None else None,
                             "psnr_device": psnr(target, res.denoised)})
                print(f"run {label}, {setting}: {rows[-1]['psnr_device']:.2f} dB", flush=True)
    return rows
