"""The committed reference circuits in circuits/ must equal a fresh export (they cannot rot), and
each QASM file must load back into the builder's circuit.

Transpiler output and QASM text depend on the versions of Qiskit (and qiskit-ibm-runtime for the
FakeTorino column, NumPy for the floats): the comparisons run when the installed versions are
the ones recorded in circuits/README.md, and are skipped with the command to regenerate
otherwise.

Time (2 cores): the default run regenerates every circuit (N = 16, 64, 256) and the table rows
of N <= QUICK_MAX_N, and loads back the QASM files of N <= QUICK_MAX_N; the N = 256 table rows
(about 40 s of level-3 transpiling) and QASM files (about 12 s of parsing) are checked by the
tests marked ``slow`` and by ``python -m qdn.export --check``.
"""

import csv
import io
import json
import re
import shutil
from pathlib import Path

import numpy as np
import pytest
from qiskit import QuantumCircuit, transpile
from qiskit.quantum_info import Operator, Statevector

from qdn.amplification import make_schedule
from qdn.export import (
    QUICK_MAX_N,
    REFERENCE_CASES,
    TABLE_FILE,
    compare_folders,
    export_reference_circuits,
    lower_for_qasm,
    reference_problem,
    table_header,
    version_stamp,
)
from qdn.pipeline import build_circuit
from qdn.registers import reg

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


def test_committed_resources_of_small_sizes_equal_fresh_export(tmp_path):
    """The table rows of N <= QUICK_MAX_N, recomputed, are the committed ones (CSV and README)."""
    _skip_unless_same_versions()
    pytest.importorskip("qiskit_ibm_runtime")
    export_reference_circuits(tmp_path, circuits=False, max_n=QUICK_MAX_N)
    assert sorted(p.name for p in tmp_path.iterdir()) == [TABLE_FILE, "resources.csv"]
    rerun = (tmp_path / "resources.csv").read_text(encoding="utf-8")
    committed = (CIRCUITS / "resources.csv").read_text(encoding="utf-8")
    small = [r for r in csv.DictReader(io.StringIO(committed)) if int(r["n_samples"]) <= QUICK_MAX_N]
    stale = "is out of date (run `python -m qdn.export`)"
    assert list(csv.DictReader(io.StringIO(rerun))) == small, f"circuits/resources.csv {stale}"
    assert rerun.splitlines()[0] == committed.splitlines()[0]
    readme = (CIRCUITS / TABLE_FILE).read_text(encoding="utf-8")
    assert readme.startswith(table_header()), f"circuits/README.md header {stale}"
    table = readme[len(table_header()):].splitlines()
    fresh_table = (tmp_path / TABLE_FILE).read_text(encoding="utf-8")[len(table_header()):].splitlines()
    assert table[:2] == fresh_table[:2]  # column header
    assert table[2 : 2 + len(fresh_table) - 2] == fresh_table[2:]  # the small sizes come first
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
