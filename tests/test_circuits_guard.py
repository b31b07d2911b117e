"""The committed reference circuits in circuits/ must equal a fresh export (they cannot rot).

Transpiler output and QASM text depend on the versions of Qiskit (and qiskit-ibm-runtime for the
FakeTorino column, NumPy for the floats): the comparison runs when the installed versions are
the ones recorded in circuits/resources.md, and is skipped with the command to regenerate
otherwise.
"""

import json
import re
import shutil
from pathlib import Path

import numpy as np
import pytest

from qdn.export import (
    REFERENCE_CASES,
    compare_folders,
    export_reference_circuits,
    version_stamp,
)

CIRCUITS = Path(__file__).resolve().parents[1] / "circuits"


def _recorded_versions() -> dict[str, str]:
    text = (CIRCUITS / "resources.md").read_text(encoding="utf-8")
    return dict(re.findall(r"^- (qiskit|qiskit-ibm-runtime|numpy) (\S+)$", text, flags=re.M))


def _skip_unless_same_versions():
    recorded, now = _recorded_versions(), version_stamp()
    if recorded != now:
        pytest.skip(
            f"circuits/ was generated with {recorded}, installed {now}: run `python -m qdn.export` "
            "to regenerate, then review the diff"
        )


@pytest.fixture(scope="module")
def fresh(tmp_path_factory):
    """A fresh export of the circuits and inputs (no resource tables: those are the next test)."""
    _skip_unless_same_versions()
    out = tmp_path_factory.mktemp("circuits")
    export_reference_circuits(out, resources=False)
    return out


def test_committed_circuits_equal_fresh_export(fresh):
    written = sorted(p.name for p in fresh.iterdir())
    assert written == sorted([f"{c.name}.qasm" for c in REFERENCE_CASES] + ["reference_inputs.json"])
    problems = compare_folders(CIRCUITS, fresh)
    assert not problems, "circuits/ is out of date (run `python -m qdn.export`):\n" + "\n".join(problems)


def test_committed_resources_equal_fresh_export(tmp_path):
    _skip_unless_same_versions()
    pytest.importorskip("qiskit_ibm_runtime")
    export_reference_circuits(tmp_path, circuits=False)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["resources.csv", "resources.md"]
    problems = compare_folders(CIRCUITS, tmp_path)
    problems = [p for p in problems if "stale" not in p]  # the circuits are not in this export
    assert not problems, "circuits/ is out of date (run `python -m qdn.export`):\n" + "\n".join(problems)


def test_guard_reports_an_edited_file(fresh, tmp_path):
    committed = tmp_path / "committed"
    shutil.copytree(CIRCUITS, committed)
    qasm = committed / f"{REFERENCE_CASES[0].name}.qasm"
    qasm.write_text(qasm.read_text(encoding="utf-8").replace("cx ", "cz ", 1), encoding="utf-8")
    (committed / "reference_inputs.json").unlink()
    (committed / "qdn_N8_M2_old.qasm").write_text("OPENQASM 3.0;\n", encoding="utf-8")
    problems = compare_folders(committed, fresh)
    assert len(problems) == 3
    assert any("differs (2 changed line(s))" in p and "cz " in p for p in problems)
    assert any(p.endswith("reference_inputs.json: missing") for p in problems)
    assert any("qdn_N8_M2_old.qasm: stale" in p for p in problems)


def test_export_keeps_stage_gates():
    text = (CIRCUITS / f"{REFERENCE_CASES[0].name}.qasm").read_text(encoding="utf-8")
    assert text.splitlines()[3] == "OPENQASM 3.0;"
    for stage in ("encode", "qft", "amplify", "oracle", "zero_reflection", "encode_dg", "iqft"):
        assert re.search(rf"^gate {stage}\b", text, flags=re.M), stage
    assert "measure" in text


@pytest.mark.parametrize("case", [c for c in REFERENCE_CASES if c.n_samples == 16], ids=lambda c: c.name)
def test_committed_qasm_reproduces_the_reference_output(case):
    """Parse the committed QASM, simulate it exactly, decode, compare with the JSON's expected
    output (the per-window spectral projection) and with qdn.denoise on the emulator."""
    pytest.importorskip("qiskit_qasm3_import")
    from qiskit import qasm3
    from qiskit.quantum_info import Statevector

    import qdn
    from qdn.amplitude_map import AmplitudeMap
    from qdn.layout import Layout
    from qdn.readout import rescale, state_amplitudes

    inputs = json.loads((CIRCUITS / "reference_inputs.json").read_text(encoding="utf-8"))[case.name]
    qc = qasm3.loads((CIRCUITS / f"{case.name}.qasm").read_text(encoding="utf-8"))
    assert qc.num_qubits == inputs["num_qubits"]
    qc.remove_final_measurements()
    layout = Layout.from_sizes(case.n_samples, case.window, 4)
    state = state_amplitudes(Statevector(qc).data, layout, case.variant, True)
    assert np.abs(state[1]).max() < 1e-9  # exact schedule: nothing left on anc = 1
    amap = AmplitudeMap(**inputs["amplitude_map"])
    decoded = amap.decode(rescale(state[0], float(np.sum(inputs["amplitudes"])))).ravel()
    expected = np.array(inputs["expected_denoised"])
    np.testing.assert_allclose(decoded, expected, atol=1e-9)
    res = qdn.denoise(
        np.array(inputs["signal"]), case.window, threshold=np.array(inputs["thresholds"]), backend="emulator"
    )
    np.testing.assert_allclose(res.denoised, expected, atol=1e-9)
