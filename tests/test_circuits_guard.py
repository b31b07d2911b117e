"""The committed reference circuits in circuits/ must equal a fresh export (they cannot rot), and
each QASM file must load back into the builder's circuit.

Transpiler output and QASM text depend on the versions of Qiskit (and qiskit-ibm-runtime for the
FakeTorino column, NumPy for the floats): the comparisons run when the installed versions are
the ones recorded in circuits/README.md, and are skipped with the command to regenerate
otherwise. Even with the same versions the last digits of the floats (and, through the
transpiler, a depth here and there) depend on the CPU: the comparisons go through
``qdn.export.text_difference``, which compares float literals with a tolerance (1e-9 relative,
1e-12 absolute) and the transpiled columns of the tables within 0.1% / one gate, everything else
exactly; the ``test_guard_*`` tests below check on small synthetic files that it still reports a
changed gate, qubit, integer or angle.

Time (2 cores): the default run regenerates every circuit (N = 16, 64, 256) and the table rows
of N <= QUICK_MAX_N, and loads back the QASM files of N <= QUICK_MAX_N; the N = 256 table rows
(about 40 s of level-3 transpiling) and QASM files (about 12 s of parsing) are checked by the
tests marked ``slow`` and by ``python -m qdn.export --check``.
"""

import csv
import io
import json
import math
import re
import shutil
from pathlib import Path

import numpy as np
from _paper import paper_denoise
import pytest
from qiskit import QuantumCircuit, transpile
from qiskit.quantum_info import Operator, Statevector

from qdn.circuits.amplification import make_schedule
from qdn.export import (
    QUICK_MAX_N,
    REFERENCE_CASES,
    TABLE_FILE,
    compare_folders,
    export_reference_circuits,
    lower_for_qasm,
    reference_problem,
    table_header,
    text_difference,
    version_stamp,
)
from qdn.circuits.problem import build_circuit
from qdn.circuits.registers import reg

CIRCUITS = Path(__file__).resolve().parents[1] / "circuits"
SMALLEST = min(c.n_samples for c in REFERENCE_CASES)


def _recorded_versions() -> dict[str, str]:
    text = (CIRCUITS / TABLE_FILE).read_text(encoding="utf-8")
    return dict(re.findall(r"^- (qiskit|qiskit-ibm-runtime|numpy) (\S+)$", text, flags=re.M))


def _skip_unless_same_versions():
    recorded, now = _recorded_versions(), version_stamp()
    if recorded != now:
        pytest.skip(
            f"circuits/ was generated with {recorded}, installed {now}: run `python -m qdn.export` "
            "to regenerate, then review the diff"
        )


def _by_size(cases):
    """Parameters, the cases above QUICK_MAX_N marked slow."""
    return [
        pytest.param(c, id=c.name, marks=[pytest.mark.slow] if c.n_samples > QUICK_MAX_N else [])
        for c in cases
    ]


@pytest.fixture(scope="module")
def fresh(tmp_path_factory):
    """A fresh export of the circuits and inputs, every size (no resource tables: those are the
    next tests)."""
    _skip_unless_same_versions()
    out = tmp_path_factory.mktemp("circuits")
    export_reference_circuits(out, resources=False)
    return out


def test_committed_circuits_equal_fresh_export(fresh):
    written = sorted(p.name for p in fresh.iterdir())
    assert written == sorted([f"{c.name}.qasm" for c in REFERENCE_CASES] + ["reference_inputs.json"])
    assert {c.n_samples for c in REFERENCE_CASES} == {16, 64, 256}
    problems = compare_folders(CIRCUITS, fresh)
    assert not problems, "circuits/ is out of date (run `python -m qdn.export`):\n" + "\n".join(problems)


def _first_cell_int(line: str) -> int | None:
    cells = line.strip().strip("|").split("|") if line.startswith("|") else line.split(",")
    head = cells[0].strip()
    return int(head) if head.isdigit() else None


def test_committed_resources_of_small_sizes_equal_fresh_export(tmp_path):
    """The table rows of N <= QUICK_MAX_N, recomputed, are the committed ones (CSV and README),
    within the tolerance of the transpiled columns (see qdn.export.TRANSPILED_COLUMNS)."""
    _skip_unless_same_versions()
    pytest.importorskip("qiskit_ibm_runtime")
    export_reference_circuits(tmp_path, circuits=False, max_n=QUICK_MAX_N)
    assert sorted(p.name for p in tmp_path.iterdir()) == [TABLE_FILE, "resources.csv"]
    stale = "is out of date (run `python -m qdn.export`)"

    def small(text: str) -> str:
        """``text`` without the table rows of N > QUICK_MAX_N."""
        keep = [line for line in text.splitlines(keepends=True) if (_first_cell_int(line) or 0) <= QUICK_MAX_N]
        return "".join(keep)

    rerun = (tmp_path / "resources.csv").read_text(encoding="utf-8")
    committed = (CIRCUITS / "resources.csv").read_text(encoding="utf-8")
    assert any(r for r in csv.DictReader(io.StringIO(committed)) if int(r["n_samples"]) > QUICK_MAX_N)
    problem = text_difference(small(committed), rerun, "resources.csv")
    assert problem is None, f"circuits/resources.csv {stale}: {problem}"
    readme = (CIRCUITS / TABLE_FILE).read_text(encoding="utf-8")
    problem = text_difference(small(readme), (tmp_path / TABLE_FILE).read_text(encoding="utf-8"), TABLE_FILE)
    assert problem is None, f"circuits/{TABLE_FILE} {stale}: {problem}"
    table = readme[len(table_header()):].splitlines()
    assert len(table) - 2 == sum(1 for _ in csv.DictReader(io.StringIO(committed)))


@pytest.mark.slow
def test_committed_resources_equal_fresh_export(tmp_path):
    """All table rows (N = 256 included: about 40 s on 2 cores)."""
    _skip_unless_same_versions()
    pytest.importorskip("qiskit_ibm_runtime")
    export_reference_circuits(tmp_path, circuits=False)
    problems = [p for p in compare_folders(CIRCUITS, tmp_path) if "stale" not in p]
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


# ---------------------------------------------------------------------------------------------
# the comparison itself, on small synthetic files (no regeneration)
# ---------------------------------------------------------------------------------------------
_QASM = """\
OPENQASM 3.0;
include "stdgates.inc";
gate encode _gate_q_0, _gate_q_1, _gate_q_2 {
  h _gate_q_0;
  ry(1.7488748345112295) _gate_q_2;
  cx _gate_q_0, _gate_q_2;
  ry(0.24174563000934537) _gate_q_2;
  cx _gate_q_1, _gate_q_2;
  ry(-0.0047123477981650674) _gate_q_2;
  rz(1.2e-17) _gate_q_2;
  cp(3.141592653589793) _gate_q_0, _gate_q_1;
}
bit[3] meas;
qubit[3] q;
encode q[0], q[1], q[2];
meas[0] = measure q[0];
"""

_INPUTS = {
    "qdn_N4_M2_compact": {
        "amplitudes": [0.8015828021150493, 0.853699033796976, 1.0, 0.25],
        "marked_weight": 0.33820529535193716,
        "thresholds": [1, 0],
        "variant": "compact",
    }
}

_CSV = (
    "n_samples,window,variant,stage,qubits,width,depth,cx,torino_2q,torino_depth\n"
    "16,4,register,amplification_round,14,14,749,638,1397,2702\n"
    "16,4,register,qft,2,14,11,3,3,15\n"
)


def _markdown(table: str) -> str:
    """A README like circuits/README.md: a small table of other columns, then ``table`` (CSV)."""
    rows = ["| " + " | ".join(line.split(",")) + " |" for line in table.splitlines()]
    ncol = rows[0].count("|") - 1
    return "\n".join(["# t", "", "| a | b |", "|---|---|", "| x | 1.0 |", "", rows[0], "|" + "---|" * ncol, *rows[1:]]) + "\n"


def _write(folder: Path, qasm: str = _QASM, inputs=None, table: str = _CSV) -> Path:
    folder.mkdir()
    (folder / "qdn_N4_M2_compact.qasm").write_text(qasm, encoding="utf-8")
    text = json.dumps(_INPUTS if inputs is None else inputs, indent=1, sort_keys=True) + "\n"
    (folder / "reference_inputs.json").write_text(text, encoding="utf-8")
    (folder / "resources.csv").write_text(table, encoding="utf-8")
    return folder


def _ulps(x: float, n: int) -> float:
    for _ in range(abs(n)):
        x = math.nextafter(x, math.inf if n > 0 else -math.inf)
    return x


def test_guard_accepts_angles_changed_in_their_last_digits(tmp_path):
    """What another CPU gives: each float a few ulps off, a zero angle of the other sign,
    the transpiled depth two gates off."""
    qasm = (
        _QASM.replace("0.24174563000934537", "0.24174563000934535")  # the example
        .replace("1.7488748345112295", repr(_ulps(1.7488748345112295, 3)))
        .replace("-0.0047123477981650674", repr(-0.0047123477981650674 + 5.5e-17))
        .replace("rz(1.2e-17)", "rz(-3e-18)")
    )
    assert qasm != _QASM
    row = _INPUTS["qdn_N4_M2_compact"]
    inputs = {"qdn_N4_M2_compact": dict(row, amplitudes=[_ulps(a, -2) for a in row["amplitudes"]])}
    inputs["qdn_N4_M2_compact"]["marked_weight"] = _ulps(row["marked_weight"], 1)
    committed, fresh = _write(tmp_path / "committed"), _write(
        tmp_path / "fresh", qasm, inputs, _CSV.replace(",2702\n", ",2700\n")
    )
    assert compare_folders(committed, fresh) == []
    assert text_difference(_QASM, qasm, "a.qasm") is None


@pytest.mark.parametrize(
    "old, new",
    [
        ("0.24174563000934537", "0.24174663000934537"),  # + 1e-6
        ("-0.0047123477981650674", "-0.0047133477981650674"),  # - 1e-6 on a small angle
        ("1.7488748345112295", "1.7488758345112295"),  # + 1e-6 on a large one
        ("rz(1.2e-17)", "rz(1e-06)"),  # a zero angle that is no longer zero
        ("cp(3.141592653589793)", "cp(-3.141592653589793)"),  # the sign
    ],
)
def test_guard_reports_an_angle_changed_by_1e_6(tmp_path, old, new):
    committed, fresh = _write(tmp_path / "committed"), _write(tmp_path / "fresh", _QASM.replace(old, new))
    problems = compare_folders(committed, fresh)
    assert len(problems) == 1
    assert "qdn_N4_M2_compact.qasm: differs (2 changed line(s))" in problems[0]
    assert old in problems[0] and new in problems[0]


def test_guard_reports_a_value_of_the_inputs_changed_by_1e_6(tmp_path):
    row = _INPUTS["qdn_N4_M2_compact"]
    for key, value in [("marked_weight", row["marked_weight"] + 1e-6), ("thresholds", [2, 0])]:
        inputs = {"qdn_N4_M2_compact": dict(row, **{key: value})}
        committed, fresh = _write(tmp_path / f"committed_{key}"), _write(tmp_path / f"fresh_{key}", inputs=inputs)
        problems = compare_folders(committed, fresh)
        assert len(problems) == 1 and "reference_inputs.json: differs (2 changed line(s))" in problems[0], key


@pytest.mark.parametrize(
    "old, new",
    [
        ("  cx _gate_q_0, _gate_q_2;", "  cz _gate_q_0, _gate_q_2;"),  # gate name
        ("  ry(0.24174563000934537) _gate_q_2;", "  rz(0.24174563000934537) _gate_q_2;"),  # rotation axis
        ("  cx _gate_q_1, _gate_q_2;", "  cx _gate_q_1, _gate_q_0;"),  # target qubit
        ("  ry(1.7488748345112295) _gate_q_2;", "  ry(1.7488748345112295) _gate_q_1;"),  # qubit of a rotation
        ("meas[0] = measure q[0];", "meas[0] = measure q[1];"),  # measured qubit
        ("qubit[3] q;", "qubit[4] q;"),  # register size
    ],
)
def test_guard_reports_a_changed_gate_or_qubit(tmp_path, old, new):
    assert old in _QASM
    committed, fresh = _write(tmp_path / "committed"), _write(tmp_path / "fresh", _QASM.replace(old, new))
    problems = compare_folders(committed, fresh)
    assert len(problems) == 1
    assert "differs (2 changed line(s))" in problems[0]
    assert f"-{old}" in problems[0] and f"+{new}" in problems[0]


def test_guard_reports_an_added_or_removed_gate(tmp_path):
    lines = _QASM.splitlines(keepends=True)
    extra = "".join(lines[:6] + ["  h _gate_q_1;\n"] + lines[6:])
    fewer = "".join(lines[:6] + lines[7:])
    for label, qasm in [("extra", extra), ("fewer", fewer)]:
        committed, fresh = _write(tmp_path / f"committed_{label}"), _write(tmp_path / f"fresh_{label}", qasm)
        problems = compare_folders(committed, fresh)
        assert len(problems) == 1 and "differs (1 changed line(s))" in problems[0], label


@pytest.mark.parametrize(
    "old, new, reported",
    [
        (",2702\n", ",2701\n", False),  # torino_depth, transpiled: within 0.1%
        (",749,638,", ",750,638,", False),  # depth
        (",2702\n", ",2740\n", True),  # 1.4%
        (",749,638,", ",749,700,", True),  # cx
        (",11,3,3,15\n", ",11,3,3,17\n", True),  # two gates on a small count
        ("amplification_round,14,14", "amplification_round,15,14", True),  # qubits: exact
        ("16,4,register,qft", "16,4,compact,qft", True),
    ],
)
def test_guard_compares_resource_tables_within_the_transpiled_tolerance(tmp_path, old, new, reported):
    assert old in _CSV
    committed, fresh = _write(tmp_path / "committed"), _write(tmp_path / "fresh", table=_CSV.replace(old, new))
    problems = compare_folders(committed, fresh)
    assert len(problems) == int(reported)
    assert all("resources.csv: differs (2 changed line(s))" in p for p in problems)
    markdown, changed = _markdown(_CSV), _markdown(_CSV.replace(old, new))
    assert (text_difference(markdown, changed, TABLE_FILE) is not None) == reported


def test_guard_reports_a_changed_text_line_and_a_missing_newline():
    assert text_difference("a 1.0\nb\n", "a 1.0\nc\n", "x.md").startswith("differs (2 changed line(s))")
    assert text_difference("- qiskit 2.6.2\n", "- qiskit 2.6.3\n", TABLE_FILE) is not None  # not a float
    assert text_difference("a 1.0\n", "a 1.0", "x.qasm") == "differs (newline at end of file)"
    assert text_difference("a 1.0\n", "a 1.0000000000000002\n", "x.qasm") is None


def test_export_keeps_stage_gates():
    text = (CIRCUITS / f"{REFERENCE_CASES[0].name}.qasm").read_text(encoding="utf-8")
    assert text.splitlines()[3] == "OPENQASM 3.0;"
    for stage in ("encode", "qft", "amplify", "oracle", "zero_reflection", "encode_dg", "iqft"):
        assert re.search(rf"^gate {stage}\b", text, flags=re.M), stage
    assert "measure" in text


def _flat(qc: QuantumCircuit) -> list[tuple]:
    """Every gate of ``qc`` with the named stage gates expanded: (name, qubit indices, params)."""
    out = []

    def walk(circuit, qubits):
        for ins in circuit.data:
            op = ins.operation
            where = [qubits[circuit.find_bit(q).index] for q in ins.qubits]
            if op.definition is not None and op.name not in _LEAVES:
                walk(op.definition, where)
            else:
                out.append((op.name, tuple(where), tuple(float(p) for p in op.params)))

    walk(qc, list(range(qc.num_qubits)))
    return out


#: Gates compared as they are (the stdgates.inc gates the export lowers to; ``measure``).
_LEAVES = frozenset(
    {"p", "x", "y", "z", "h", "s", "sdg", "t", "tdg", "sx", "rx", "ry", "rz", "cx", "cy", "cz", "cp",
     "crx", "cry", "crz", "ch", "swap", "ccx", "cswap", "cu", "id", "u1", "u2", "u3", "u", "measure"}
)


def _restricted_state(qc: QuantumCircuit, inputs: list[int]) -> np.ndarray:
    """``qc`` applied to half of a maximally entangled state of ``inputs`` and as many reference
    qubits: the state holds the columns of ``qc``'s operator for every basis input of ``inputs``
    (other qubits in |0>), i.e. the operator restricted to that subspace (Aer statevector)."""
    from qiskit_aer import AerSimulator

    n, k = qc.num_qubits, len(inputs)
    big = QuantumCircuit(n + k)
    for r, q in enumerate(inputs):
        big.h(n + r)
        big.cx(n + r, q)
    big.compose(qc, range(n), inplace=True)
    big.save_statevector()
    sim = AerSimulator(method="statevector")
    return np.asarray(sim.run(transpile(big, sim, optimization_level=0)).result().get_statevector())


@pytest.mark.parametrize("case", _by_size(REFERENCE_CASES))
def test_committed_qasm_loads_back_into_the_builders_circuit(case):
    """``qiskit.qasm3.loads`` of each committed file gives the builder's circuit: the same gates,
    stage by stage, as the builder's circuit lowered for QASM; and at the smallest size the
    same operator as the builder's own circuit (UCRY, QFTGate, MCX, ... unlowered): in full for
    the compact variant (7 qubits), on the inputs the circuit is defined for (``mean``,
    ``thre``, ``work`` in |0>; 2^14 x 2^14 is too large in full) for the register variant."""
    pytest.importorskip("qiskit_qasm3_import")
    from qiskit import qasm3

    problem, _, _ = reference_problem(case)
    built = build_circuit(problem, make_schedule("exact", problem.weight), measure=True)
    loaded = qasm3.loads((CIRCUITS / f"{case.name}.qasm").read_text(encoding="utf-8"))
    assert (loaded.num_qubits, loaded.num_clbits) == (built.num_qubits, built.num_clbits)
    want, got = _flat(lower_for_qasm(built)), _flat(loaded)
    assert [(n, q) for n, q, _ in got] == [(n, q) for n, q, _ in want]
    np.testing.assert_allclose(
        [p for *_, ps in got for p in ps], [p for *_, ps in want for p in ps], rtol=0, atol=1e-12
    )
    if case.n_samples != SMALLEST:
        return
    loaded.remove_final_measurements()
    built.remove_final_measurements()
    if case.variant == "compact":
        assert Operator(loaded).equiv(Operator(built))
    else:
        inputs = [built.find_bit(q).index for q in reg(built, "i") + reg(built, "j") + reg(built, "anc")]
        assert Statevector(_restricted_state(loaded, inputs)).equiv(Statevector(_restricted_state(built, inputs)))


@pytest.mark.parametrize("case", [c for c in REFERENCE_CASES if c.n_samples == SMALLEST], ids=lambda c: c.name)
def test_committed_qasm_reproduces_the_reference_output(case):
    """Parse the committed QASM, simulate it exactly, decode, compare with the JSON's expected
    output (the per-window spectral projection) and with qdn.denoise on the emulator."""
    pytest.importorskip("qiskit_qasm3_import")
    from qiskit import qasm3

    import qdn
    from qdn.classical.amplitude_map import AmplitudeMap
    from qdn.circuits.layout import Layout
    from qdn.execution.readout import rescale, state_amplitudes

    inputs = json.loads((CIRCUITS / "reference_inputs.json").read_text(encoding="utf-8"))[case.name]
    qc = qasm3.loads((CIRCUITS / f"{case.name}.qasm").read_text(encoding="utf-8"))
    assert qc.num_qubits == inputs["num_qubits"]
    qc.remove_final_measurements()
    layout = Layout.from_sizes(case.n_samples, case.window, 4)
    state = state_amplitudes(Statevector(qc).data, layout, case.variant, "two-sided")
    assert np.abs(state[1]).max() < 1e-9  # exact schedule: nothing left on anc = 1
    amap = AmplitudeMap(**inputs["amplitude_map"])
    decoded = amap.decode(rescale(state[0], float(np.sum(inputs["amplitudes"])))).ravel()
    expected = np.array(inputs["expected_denoised"])
    np.testing.assert_allclose(decoded, expected, atol=1e-9)
    res = paper_denoise(
        np.array(inputs["signal"]), case.window, threshold=np.array(inputs["thresholds"]), backend="emulator"
    )
    np.testing.assert_allclose(res.denoised, expected, atol=1e-9)
