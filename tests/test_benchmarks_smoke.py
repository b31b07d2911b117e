"""Each benchmark script runs with --quick and writes its tables (no timing assertions)."""

import csv
import importlib.util
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "benchmarks"


def _load(name):
    spec = importlib.util.spec_from_file_location(f"qdn_bench_smoke_{name}", BENCH / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _read_csv(path: Path) -> tuple[dict, list[dict]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    header = dict(line[2:].split(": ", 1) for line in lines if line.startswith("# "))
    rows = list(csv.DictReader(line for line in lines if not line.startswith("#")))
    return header, rows


def _check(out: Path, name: str, tables: dict[str, list[str]], min_rows: int) -> dict[str, list[dict]]:
    md = (out / f"{name}.md").read_text(encoding="utf-8")
    for key in ("cpu:", "cores:", "python:", "numpy:", "qiskit:", "qiskit-aer:", "mode: quick"):
        assert key in md, key
    found = {}
    for key, columns in tables.items():
        header, rows = _read_csv(out / f"{name}_{key}.csv")
        assert header["mode"].startswith("quick") and header["cpu"]
        assert list(rows[0]) == columns
        assert len(rows) >= min_rows
        assert "| " + " | ".join(columns) + " |" in md
        found[key] = rows
    return found


def test_bench_emulator_quick(tmp_path):
    mod = _load("bench_emulator")
    assert mod.main(["--quick", "--out", str(tmp_path)]) == 0
    rows = _check(tmp_path, "bench_emulator", {"timing": mod.COLUMNS}, 3)["timing"]
    assert [int(r["N"]) for r in rows] == [1024, 2048, 4096]
    assert all(float(r["max_abs_diff"]) < 1e-9 for r in rows)


def test_bench_aer_quick(tmp_path):
    pytest.importorskip("qiskit_aer")
    mod = _load("bench_aer")
    assert mod.main(["--quick", "--out", str(tmp_path)]) == 0
    rows = _check(tmp_path, "bench_aer", {"timing": mod.COLUMNS}, 4)["timing"]
    assert {r["variant"] for r in rows} == {"register", "compact"}
    assert all(float(r["max_abs_diff"]) < 1e-6 for r in rows)


def test_bench_resources_quick(tmp_path):
    mod = _load("bench_resources")
    assert mod.main(["--quick", "--out", str(tmp_path)]) == 0
    tables = _check(
        tmp_path,
        "bench_resources",
        {"stages": mod.STAGE_COLUMNS, "encoding": mod.ENCODING_COLUMNS, "pipeline": mod.PIPELINE_COLUMNS},
        2,
    )
    assert {r["stage"] for r in tables["stages"]} >= {"encoding", "value_setting", "oracle", "amplification_round", "qft"}
    assert all(r["within_bound"] == "True" for r in tables["encoding"])


def test_run_all_knows_every_script():
    mod = _load("run_all")
    # modules named _* are helpers of the scripts, not scripts
    scripts = {p.stem for p in BENCH.glob("*.py") if not p.stem.startswith("_")} - {
        "run_all", "diagnose_emulator", "diagnose_transpile"}
    assert set(mod.SCRIPTS.values()) == scripts
    with pytest.raises(ValueError, match="unknown benchmark"):
        mod.run_all(quick=True, only=["nope"])


def test_run_all_loads_scripts_with_dataclasses(tmp_path):
    """paper.py defines dataclasses, which look up their module in sys.modules while the script
    is imported: run_all (and so `qdn bench`) failed on it before the loader registered it."""
    assert _load("run_all").run_all(quick=True, out=str(tmp_path), only=["paper"]) == 0


def test_noise_scenarios_quick(capsys):
    _load("noise_scenarios").main(["--quick"])
    out = capsys.readouterr().out
    for scenario in ("AWGN 15 dB", "Poisson 30 counts", "Poisson + phase", "phase eps=0.1",
                     "AWGN 15 dB + phase", "bit-flip p=0.05 + phase"):
        assert out.count(scenario + "  ") == 2, scenario  # both signals (columns are space-padded)


def test_images_quick(tmp_path):
    _load("images").main(["--quick", "--out", str(tmp_path)])
    md = (tmp_path / "images.md").read_text(encoding="utf-8")
    for method in ("| qdn |", "| qdn cs16 |", "| fft-window |", "| QFT |", "| QWT haar |", "| NLM (h=0.8 sigma) |"):
        assert method in md, method
    assert (tmp_path / "images_MR_small.png").read_bytes()[:4] == b"\x89PNG"


def test_hardware_quick(tmp_path):
    pytest.importorskip("qiskit_ibm_runtime")
    mod = _load("hardware")
    assert mod.main(["--quick", "--out", str(tmp_path)]) == 0
    tables = _check(
        tmp_path, "hardware",
        {"stages": mod.STAGE_COLUMNS, "sizes": mod.SIZE_COLUMNS, "largest": mod.LARGEST_COLUMNS}, 2,
    )
    totals = [r for r in tables["stages"] if r["stage"] == "total"]
    assert {r["variant"] for r in totals} == {"compact", "register"}
    assert all(0 < float(r["esp"]) <= float(r["esp_gates_readout"]) <= 1 for r in totals)
    # the compact variant needs fewer 2-qubit gates than the register one at the same N
    two_q = {(r["variant"], r["n_samples"]): int(r["two_qubit"]) for r in tables["sizes"]}
    assert two_q[("compact", "4")] < two_q[("register", "4")]


def test_local_noise_cost_quick(tmp_path):
    pytest.importorskip("qiskit_ibm_runtime")
    mod = _load("local_noise_cost")
    assert mod.main(["--quick", "--out", str(tmp_path)]) == 0
    md = (tmp_path / "local_noise_cost.md").read_text(encoding="utf-8")
    assert "density_matrix" in md and "statevector" in md and "Worst ratio" in md


def test_batch_quick(tmp_path):
    pytest.importorskip("distributed")
    mod = _load("batch")
    assert mod.main(["--quick", "--skip-paper", "--out", str(tmp_path)]) == 0
    rows = _check(tmp_path, "batch", {"throughput": mod.THROUGHPUT_COLUMNS}, 4)["throughput"]
    assert {int(r["workers"]) for r in rows} == {1, 2}
    assert all(float(r["items_per_s"]) > 0 for r in rows)
