"""qdn batch on Dask (issue 22): throughput of 1 and 2 workers, and the paper bench serial vs 2 workers.

* Throughput: ``qdn.batch.denoise_files`` on 64 ECG files (``pywt.data.ecg()``, 1024 samples,
  AWGN 15 dB, one noise seed per file, CSV; qdn's defaults on the exact emulator: window by
  Monte-Carlo SURE, every shift, Wiener weights) and on 16 CT slices (pydicom's ``CT_small.dcm``,
  128x128, Gaussian noise of 20 HU added per slice, written as DICOM; 8x8 patches on the
  emulator). One local cluster, with 1 worker, then scaled to 2, warmed (qdn imported on every
  worker) before the clock starts: items/s is the steady rate of the batch, manifest and atomic
  writes included, cluster start-up excluded (reported apart).
* The paper bench (``benchmarks/paper.py``) run serially and with ``--workers 2`` into temporary
  folders: wall time of each, their ratio, and whether the two result tables hold the same numbers.

The speedups depend on the machine being otherwise idle: the load average at start and end is in
the header. ``--quick``: 8 ECG files of 256 samples, 4 CT slices of 32x32, ``paper.py --quick``.

    python benchmarks/batch.py            # full run -> benchmarks/results/batch.md (+ CSV)
    python benchmarks/batch.py --quick --out /tmp/q
"""

from __future__ import annotations

import argparse
import copy
import csv
import importlib.util
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from _common import Report  # noqa: E402

THROUGHPUT_COLUMNS = ["dataset", "items", "workers", "startup_s", "seconds", "items_per_s", "speedup"]
PAPER_COLUMNS = ["run", "workers", "seconds", "speedup", "rows", "max_abs_diff"]


def make_ecg_files(folder: Path, count: int, n: int) -> None:
    from qdn.data import ecg
    from qdn.noise import awgn

    folder.mkdir(parents=True, exist_ok=True)
    clean = np.resize(ecg(), n)
    for i in range(count):
        np.savetxt(folder / f"ecg{i:03d}.csv", awgn(clean, 15.0, seed=i), fmt="%.17g")


def make_ct_slices(folder: Path, count: int, side: int) -> None:
    """``count`` noisy copies of CT_small (cropped to side x side), one DICOM file each."""
    import pydicom
    from pydicom.data import get_testdata_file
    from pydicom.uid import generate_uid

    folder.mkdir(parents=True, exist_ok=True)
    base = pydicom.dcmread(get_testdata_file("CT_small.dcm"))
    pixels = base.pixel_array[:side, :side].astype(np.int32)
    rng = np.random.default_rng(0)
    for i in range(count):
        ds = copy.deepcopy(base)
        noisy = np.clip(pixels + rng.normal(0, 20, pixels.shape), np.iinfo(np.int16).min, np.iinfo(np.int16).max)
        ds.Rows = ds.Columns = side
        ds.PixelData = noisy.astype("<i2").tobytes()
        ds.InstanceNumber = i + 1
        ds.SOPInstanceUID = generate_uid()
        ds.file_meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
        ds.save_as(folder / f"ct{i:03d}.dcm")


#: Run on every worker before the clock starts: the imports and first-call costs of a worker
#: process (qdn, the readers, a 1-D and a 2-D denoise) are start-up, not throughput. A lambda,
#: so that it is pickled by value (this script is not importable on a worker).
_WARM = lambda: [__import__("qdn.batch.task"), __import__("pydicom"),  # noqa: E731
                 __import__("qdn").denoise(__import__("numpy").linspace(0.0, 1.0, 64), backend="emulator"),
                 __import__("qdn").denoise(__import__("numpy").eye(16), 8, backend="emulator")] and None


def _batch(client, folder: Path, count: int, options: dict) -> float:
    """Seconds of one batch of ``folder`` on ``client`` (into a temporary output folder)."""
    from qdn.batch import denoise_files

    out = Path(tempfile.mkdtemp(prefix="qdn-batch-bench-"))
    try:
        t0 = time.perf_counter()
        summary = denoise_files(folder, out, client=client, echo=False, **options)
        seconds = time.perf_counter() - t0
    finally:
        shutil.rmtree(out, ignore_errors=True)
    if not summary.ok or len(summary.done) != count:
        raise RuntimeError(f"batch of {folder} failed: {summary.failed}")
    return seconds


def throughput(sets: list, workers: int) -> list[dict]:
    """Every data set on 1 worker, then on ``workers`` (the same local cluster, scaled up and
    warmed before the clock starts: start-up is reported apart, not counted)."""
    from distributed import Client

    from qdn.batch.driver import local_cluster

    rows = []
    with local_cluster(1) as cluster, Client(cluster) as client:
        for w in (1, workers):
            t0 = time.perf_counter()
            cluster.scale(w)
            client.wait_for_workers(w)
            client.run(_WARM)
            startup = time.perf_counter() - t0
            for name, folder, count, options in sets:
                seconds = _batch(client, folder, count, options)
                rows.append({"dataset": name, "items": count, "workers": w, "startup_s": startup,
                             "seconds": seconds, "items_per_s": count / seconds})
    for r in rows:
        base = next(b for b in rows if b["dataset"] == r["dataset"] and b["workers"] == 1)
        r["speedup"] = r["items_per_s"] / base["items_per_s"]
    return rows


def _load_paper():
    spec = importlib.util.spec_from_file_location("qdn_benchmarks_paper", HERE / "paper.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # paper.py defines dataclasses
    spec.loader.exec_module(module)
    return module


def _paper_numbers(path: Path) -> list[list[float]]:
    with open(path, encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    keys = ("psnr_mean", "psnr_std", "snr_mean", "snr_std")
    return [[float(r[k]) for k in keys] for r in rows]


def paper_runs(quick: bool, workers: int) -> list[dict]:
    """The paper bench serially and on ``workers`` Dask workers, each into its own temporary folder."""
    paper = _load_paper()
    rows, numbers = [], []
    for w in (None, workers):
        out = Path(tempfile.mkdtemp(prefix="qdn-paper-bench-"))
        try:
            argv = ["--out", str(out)] + (["--quick"] if quick else []) + (["--workers", str(w)] if w else [])
            t0 = time.perf_counter()
            if paper.main(argv) != 0:
                raise RuntimeError(f"paper.py {' '.join(argv)} failed")
            seconds = time.perf_counter() - t0
            numbers.append(_paper_numbers(out / "paper.csv"))
        finally:
            shutil.rmtree(out, ignore_errors=True)
        rows.append({"run": "serial" if w is None else f"--workers {w}", "workers": w or 1, "seconds": seconds})
    diff = max((abs(a - b) for ra, rb in zip(*numbers) for a, b in zip(ra, rb)), default=0.0)
    same_shape = len(numbers[0]) == len(numbers[1])
    for r in rows:
        r["speedup"] = rows[0]["seconds"] / r["seconds"]
        r["rows"] = len(numbers[0])
        r["max_abs_diff"] = diff if same_shape else float("nan")
    return rows


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="small sizes (CI smoke)")
    ap.add_argument("--out", type=Path, default=None, help="results folder (default benchmarks/results)")
    ap.add_argument("--workers", type=int, default=2, help="the parallel runs' workers (default 2)")
    ap.add_argument("--skip-paper", action="store_true", help="only the throughput table")
    args = ap.parse_args(argv)
    report = Report("batch", "qdn batch on Dask: throughput and the paper bench on workers", argv, args.quick)
    n_ecg, n_ct = (8, 4) if args.quick else (64, 16)
    ecg_len, ct_side = (256, 32) if args.quick else (1024, 128)
    data = Path(tempfile.mkdtemp(prefix="qdn-batch-data-"))
    try:
        make_ecg_files(data / "ecg", n_ecg, ecg_len)
        make_ct_slices(data / "ct", n_ct, ct_side)
        sets = [(f"ECG {ecg_len} samples, CSV", data / "ecg", n_ecg, {"backend": "emulator"}),
                (f"CT {ct_side}x{ct_side}, DICOM", data / "ct", n_ct, {"backend": "emulator"})]
        rows = throughput(sets, args.workers)
    finally:
        shutil.rmtree(data, ignore_errors=True)
    report.table("throughput", f"Throughput, 1 and {args.workers} workers", rows, THROUGHPUT_COLUMNS,
                 "items/s over the batch itself (manifest, staging and atomic writes included); startup_s: "
                 "local cluster start and warm-up (qdn imported on every worker), not counted; speedup: "
                 "items/s over the 1-worker run.")
    if not args.skip_paper:
        prows = paper_runs(args.quick, args.workers)
        report.table("paper", "benchmarks/paper.py, serial and on Dask workers", prows, PAPER_COLUMNS,
                     "Wall time of the whole script (figures included); max_abs_diff: largest difference "
                     "between the two runs' paper.csv numbers (0: the same results). Target: speedup >= 1.7 "
                     "with 2 workers on an idle 2-core machine.")
    report.note("Rerun on a quiet machine: `python benchmarks/batch.py` (the load average is in the header).")
    report.write(args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
