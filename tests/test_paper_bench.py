"""benchmarks/paper.py --quick runs (a smoke run: tables and figures are written)."""

import importlib.util
import sys
from pathlib import Path

BENCH = Path(__file__).parent.parent / "benchmarks" / "paper.py"


def test_paper_quick(tmp_path):
    spec = importlib.util.spec_from_file_location("paper_bench", BENCH)
    mod = importlib.util.module_from_spec(spec)
    sys.modules["paper_bench"] = mod  # dataclasses look their module up there
    spec.loader.exec_module(mod)
    assert mod.main(["--quick", "--out", str(tmp_path)]) == 0
    md = (tmp_path / "paper.md").read_text()
    for scenario in mod.SCENARIOS:
        assert f"| {scenario} |" in md
        assert (tmp_path / f"paper_{scenario.replace('+', '_')}.png").stat().st_size > 10_000
    assert "ORACLE" in md  # the oracle table says so
    rows = (tmp_path / "paper.csv").read_text().splitlines()
    assert rows[0].startswith("policy,scenario,method")
    assert any(r.startswith("auto,awgn,qdn,0,") for r in rows)  # qdn chooses its window
    assert any(r.startswith("auto,awgn,qdn-paper,16,") for r in rows)
