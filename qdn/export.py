"""Reference circuits in OpenQASM 3, with their resource tables.

:func:`export_reference_circuits` writes into a folder (the repository's ``circuits/``):

* ``qdn_N{N}_M{M}_{variant}.qasm``: the whole pipeline (:func:`qdn.pipeline.build_circuit`, exact
  schedule, measurement of ``i``, ``j``, ``anc`` into ``meas``) for a fixed seeded signal and
  fixed per-window thresholds (:data:`REFERENCE_CASES`). The stage instructions stay gates of
  their own (``encode``, ``qft``, ``amplify`` with ``oracle``, ``zero_reflection``, ``encode_dg``,
  ``qft_dg`` inside, ``iqft``); everything else is lowered to OpenQASM 3 standard gates so that
  :func:`qiskit.qasm3.dumps` can write it.
* ``reference_inputs.json``: for each circuit, the signal, thresholds, amplitudes, mean codes,
  schedule phases and the expected output (the classical per-window spectral projection, which
  the noise-free circuit reproduces exactly, shared/DESIGN.md §1).
* ``README.md`` (what the files are, how to regenerate and check them, then the table) and
  ``resources.csv``: qubits, depth and CX per stage of those circuits (:mod:`qdn.resources`),
  no timings, so the files are deterministic for given versions of Qiskit, qiskit-ibm-runtime
  and NumPy (recorded in ``README.md``).

The sizes are N = 16, 64 and 256 (:data:`REFERENCE_CASES`). The tables of N = 256 take most of
the export's time (about 40 s of level-3 transpiling on 2 cores); ``tests/test_circuits_guard.py``
regenerates every circuit but the table rows of N <= :data:`QUICK_MAX_N` only, and leaves the
full comparison to ``python -m qdn.export --check`` and a test marked ``slow``.

Every file is written atomically (temporary file in the same folder, then :func:`os.replace`).

Command line::

    python -m qdn.export            # (re)write circuits/
    python -m qdn.export --check    # regenerate in a temporary folder, exit 1 if circuits/ differs
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import numpy as np
from qiskit import QuantumCircuit, qasm3
from qiskit.circuit import Gate

from .amplification import make_schedule
from .amplitude_map import AmplitudeMap
from .layout import Layout
from .pipeline import DenoisingProblem, build_circuit
from .reference import spectral_projection
from .resources import (
    STAGE_COLUMNS,
    StageResources,
    csv_table,
    markdown_table,
    problem_resources,
    torino_available,
)

__all__ = [
    "ReferenceCase",
    "REFERENCE_CASES",
    "SIGNAL_SEED",
    "reference_signal",
    "reference_problem",
    "lower_for_qasm",
    "reference_files",
    "TABLE_FILE",
    "table_header",
    "QUICK_MAX_N",
    "export_reference_circuits",
    "compare_folders",
    "check_reference_circuits",
    "version_stamp",
    "main",
]

#: Seed of the reference signals' noise.
SIGNAL_SEED = 2023

#: Stage instructions kept as named gates in the exported QASM (``_dg`` inverses included).
STAGE_GATES = frozenset({"encode", "qft", "iqft", "amplify", "oracle", "zero_reflection", "A"})

#: Gates of OpenQASM 3's ``stdgates.inc`` (plus the built-in ``U``).
QASM_STANDARD = frozenset(
    {
        "p", "x", "y", "z", "h", "s", "sdg", "t", "tdg", "sx", "rx", "ry", "rz", "cx", "cy", "cz",
        "cp", "crx", "cry", "crz", "ch", "swap", "ccx", "cswap", "cu", "id", "u1", "u2", "u3", "u",
    }
)
_NON_GATES = frozenset({"measure", "barrier", "reset"})


@dataclass(frozen=True)
class ReferenceCase:
    """One exported circuit: signal length, window, variant and per-window thresholds."""

    n_samples: int
    window: int
    variant: str
    thresholds: tuple[int, ...]

    @property
    def name(self) -> str:
        return f"qdn_N{self.n_samples}_M{self.window}_{self.variant}"


_TAUS_64 = (2, 1, 3, 2, 1, 2, 3, 1)
_TAUS_256 = (3, 2, 4, 3, 2, 5, 3, 2, 4, 3, 2, 6, 3, 2, 4, 1)

#: The exported circuits, both variants each: N = 16 with window 4 (4 windows), N = 64 with
#: window 8 (8 windows) and N = 256 with window 16 (16 windows).
REFERENCE_CASES: tuple[ReferenceCase, ...] = (
    ReferenceCase(16, 4, "register", (1, 0, 2, 1)),
    ReferenceCase(16, 4, "compact", (1, 0, 2, 1)),
    ReferenceCase(64, 8, "register", _TAUS_64),
    ReferenceCase(64, 8, "compact", _TAUS_64),
    ReferenceCase(256, 16, "register", _TAUS_256),
    ReferenceCase(256, 16, "compact", _TAUS_256),
)

#: Name of the generated table (with the folder's explanation) in ``circuits/``.
TABLE_FILE = "README.md"

#: Largest N whose table rows the default test run recomputes (the N = 256 rows cost ~40 s).
QUICK_MAX_N = 64


def reference_signal(n_samples: int, seed: int = SIGNAL_SEED) -> np.ndarray:
    """Two sinusoids plus seeded Gaussian noise (standard deviation 0.3), ``n_samples`` long."""
    t = np.arange(n_samples) / n_samples
    clean = np.sin(2 * np.pi * 2 * t) + 0.5 * np.cos(2 * np.pi * 5 * t)
    return clean + 0.3 * np.random.default_rng(seed).normal(size=n_samples)


def reference_problem(case: ReferenceCase) -> tuple[DenoisingProblem, np.ndarray, AmplitudeMap]:
    """The :class:`DenoisingProblem` of ``case`` built as :func:`qdn.denoise` builds it
    (linear encoding, floor 0.25, 4 mean bits, two-sided), its signal and amplitude map."""
    y = reference_signal(case.n_samples)
    layout = Layout.from_sizes(case.n_samples, case.window, 4)
    amap = AmplitudeMap.fit(y, "linear", floor=0.25, bits=4)
    windows = y.reshape(layout.P, layout.M)
    taus = np.asarray(case.thresholds, dtype=np.int64)
    if taus.shape != (layout.P,):
        raise ValueError(f"{case.name}: need {layout.P} thresholds, got {len(case.thresholds)}")
    problem = DenoisingProblem(
        layout, amap.amplitudes(windows), taus, amap.quantize_mean(windows.mean(axis=1), 4), case.variant, True
    )
    return problem, y, amap


# ---------------------------------------------------------------------------------------------
# lowering for the QASM 3 exporter
# ---------------------------------------------------------------------------------------------
def _is_stage(name: str) -> bool:
    return name.removesuffix("_dg") in STAGE_GATES


def _flatten_leaves(circuit: QuantumCircuit, max_rounds: int = 32) -> QuantumCircuit:
    """Decompose every instruction that is neither a stage, a QASM standard gate nor a
    measurement, until none is left."""
    for _ in range(max_rounds):
        names = {
            ins.operation.name
            for ins in circuit.data
            if not _is_stage(ins.operation.name)
            and ins.operation.name not in QASM_STANDARD
            and ins.operation.name not in _NON_GATES
        }
        if not names:
            return circuit
        circuit = circuit.decompose(gates_to_decompose=sorted(names))
    raise RuntimeError(f"could not lower {sorted(names)} to OpenQASM 3 standard gates")


def lower_for_qasm(circuit: QuantumCircuit) -> QuantumCircuit:
    """A copy of ``circuit`` that :func:`qiskit.qasm3.dumps` can write.

    Stage instructions (:data:`STAGE_GATES` and their ``_dg`` inverses) become parameter-free
    gates of the same name whose definitions are lowered the same way, recursively; every
    other instruction is decomposed down to OpenQASM 3 standard gates.
    """
    cache: dict[int, Gate] = {}

    def lower(qc: QuantumCircuit) -> QuantumCircuit:
        flat = _flatten_leaves(qc)
        out = flat.copy_empty_like()
        for ins in flat.data:
            op = ins.operation
            if _is_stage(op.name) and op.definition is not None:
                key = id(op)
                if key not in cache:
                    gate = Gate(op.name, op.num_qubits, [])
                    gate.definition = lower(op.definition)
                    cache[key] = gate
                out.append(cache[key], ins.qubits, ins.clbits)
            else:
                out.append(op, ins.qubits, ins.clbits)
        return out

    return lower(circuit)


# ---------------------------------------------------------------------------------------------
# the files
# ---------------------------------------------------------------------------------------------
def version_stamp() -> dict[str, str]:
    """Versions the generated files depend on (``"not installed"`` when absent)."""
    out = {}
    for dist in ("qiskit", "qiskit-ibm-runtime", "numpy"):
        try:
            out[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            out[dist] = "not installed"
    return out


def _floats(a) -> list:
    return [float(x) for x in np.asarray(a, float).ravel()]


def reference_files(
    *, torino: bool = True, circuits: bool = True, resources: bool = True, max_n: int | None = None
) -> dict[str, str]:
    """Contents of the exported files, keyed by file name (nothing is written).

    Parameters
    ----------
    torino : bool
        Fill the FakeTorino column of the resource tables.
    circuits : bool
        Include the ``.qasm`` files and ``reference_inputs.json``.
    resources : bool
        Include ``README.md`` and ``resources.csv`` (these need the transpiler runs).
    max_n : int, optional
        Only the cases with ``n_samples <= max_n`` (the files are then partial: for tests).
    """
    files: dict[str, str] = {}
    inputs = {}
    rows: list[StageResources] = []
    for case in REFERENCE_CASES:
        if max_n is not None and case.n_samples > max_n:
            continue
        problem, y, amap = reference_problem(case)
        if resources:
            rows.extend(problem_resources(problem, torino=torino))
        if not circuits:
            continue
        sched = make_schedule("exact", problem.weight)
        circuit = build_circuit(problem, sched, measure=True)
        header = (
            f"// qdn reference circuit {case.name}: N={case.n_samples}, window={case.window}, "
            f"variant={case.variant}, two-sided, linear encoding (floor 0.25), exact schedule with "
            f"{sched.iterations} round(s).\n"
            f"// Inputs and expected output: reference_inputs.json[\"{case.name}\"]. Generated by "
            "`python -m qdn.export`; do not edit.\n"
            "// meas = i + M*j + N*anc (little-endian); the denoised amplitudes are on anc = 0.\n"
        )
        files[f"{case.name}.qasm"] = header + qasm3.dumps(lower_for_qasm(circuit))
        layout = problem.layout
        inputs[case.name] = {
            "n_samples": case.n_samples,
            "window": case.window,
            "variant": case.variant,
            "num_qubits": circuit.num_qubits,
            "signal": _floats(y),
            "signal_seed": SIGNAL_SEED,
            "thresholds": [int(t) for t in problem.thresholds],
            "mean_codes": [int(c) for c in problem.mean_codes],
            "amplitudes": _floats(problem.amplitudes),
            "amplitude_map": {"kind": amap.kind, "lo": amap.lo, "hi": amap.hi, "floor": amap.floor},
            "marked_weight": float(problem.weight),
            "schedule": {"name": sched.name, "alphas": _floats(sched.alphas), "betas": _floats(sched.betas)},
            "expected_denoised": _floats(spectral_projection(y.reshape(layout.P, layout.M), problem.thresholds)),
        }
    if circuits:
        files["reference_inputs.json"] = json.dumps(inputs, indent=1, sort_keys=True) + "\n"
    if resources:
        files.update(_resource_files(rows, torino))
    return files


def table_header(torino: bool = True) -> str:
    """The text of ``README.md`` above the table (independent of the cases)."""
    versions = version_stamp()
    ok, why = torino_available() if torino else (False, "FakeTorino column not requested")
    notes = [] if ok else [f"- {why}"]
    files = "\n".join(
        f"| `{c.name}.qasm` | {c.n_samples} | {c.window} | {c.n_samples // c.window} | {c.variant} |"
        for c in REFERENCE_CASES
    )
    return (
        "# Reference circuits\n\n"
        "Generated by `python -m qdn.export` (`qdn/export.py`); do not edit.\n\n"
        "The whole denoising circuit (`qdn.pipeline.build_circuit`: encode, windowed QFT, the "
        "exact schedule's amplification rounds, inverse QFT, measurement of `i`, `j`, `anc` into "
        "`meas` = i + M*j + N*anc) of a fixed seeded signal (two sinusoids plus Gaussian noise) "
        "with fixed per-window thresholds, as OpenQASM 3. The stages stay named gates (`encode`, "
        "`qft`, `amplify` with `oracle`, `zero_reflection`, `encode_dg`, `qft_dg` inside, `iqft`); "
        "everything else is lowered to `stdgates.inc` gates. `reference_inputs.json` holds each "
        "circuit's signal, thresholds, amplitudes, mean codes, schedule phases and the expected "
        "output (the per-window spectral projection the noise-free circuit reproduces exactly); "
        "`resources.csv` the table below.\n\n"
        "| file | N | window | windows | variant |\n|---|---|---|---|---|\n"
        + files
        + "\n\n"
        "- Regenerate: `python -m qdn.export` (about 15 s on 2 cores; most of it is the "
        "transpiling of the N = 256 rows).\n"
        "- Check: `python -m qdn.export --check` regenerates into a temporary folder and exits 1 "
        "if a file here differs. `tests/test_circuits_guard.py` regenerates every circuit and the "
        f"table rows of N <= {QUICK_MAX_N}, loads each QASM file back with `qiskit.qasm3.loads` and "
        "compares it with the builder's circuit (gate by gate; Operator equality at N = 16); "
        "`pytest -m slow tests/test_circuits_guard.py` adds the N = 256 rows and files.\n\n"
        "Generated with:\n\n"
        + "".join(f"- {k} {v}\n" for k, v in versions.items())
        + "\n## Resources per stage\n\n"
        "Columns: `qubits` carry a gate in the stage, `width` is the circuit frame; `depth` and `cx` "
        "after `generate_preset_pass_manager(optimization_level=3, basis_gates=[\"cx\", \"rz\", "
        "\"sx\", \"x\"], seed_transpiler=0, hls_config=qdn.multiplexor.hls_config())` (no coupling "
        "map; the UCRY multiplexor synthesised as N `rz` and N CX; at this level the QFT's final swaps "
        "become a qubit relabelling); `torino_2q` (CZ count) and `torino_depth` after "
        "`generate_preset_pass_manager(optimization_level=3, backend=FakeTorino(), "
        "seed_transpiler=0, hls_config=...)`, routing included. Stages: `encoding` = H + one UCRY multiplexor; "
        "`value_setting` = mean and threshold codes (register variant); `encode` = both; `oracle` "
        "with phase pi; one `amplification_round` of the exact schedule; `qft` on `i`; `pipeline` "
        "= the whole circuit without measurement (see `qdn/resources.py`).\n"
        + ("\n" + "\n".join(notes) + "\n" if notes else "")
        + "\n"
    )


def _resource_files(rows: list[StageResources], torino: bool) -> dict[str, str]:
    table = [r.row() for r in rows]
    return {
        "resources.csv": csv_table(table, STAGE_COLUMNS),
        TABLE_FILE: table_header(torino) + markdown_table(table, STAGE_COLUMNS),
    }


def _atomic_write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def export_reference_circuits(
    out_dir: str | os.PathLike = "circuits",
    *,
    torino: bool = True,
    circuits: bool = True,
    resources: bool = True,
    max_n: int | None = None,
) -> list[Path]:
    """Write the reference circuits, their inputs and resource tables into ``out_dir``.

    Parameters
    ----------
    out_dir : path
        Target folder (created if missing). Files are replaced atomically.
    torino : bool
        Fill the FakeTorino column (needs qiskit-ibm-runtime; left empty with a note otherwise).
    circuits, resources : bool
        Write the circuits (``.qasm``, ``reference_inputs.json``) and/or the resource tables.
    max_n : int, optional
        Only the cases with ``n_samples <= max_n`` (see :func:`reference_files`).

    Returns
    -------
    list of Path
        The written files, sorted by name.
    """
    out = Path(out_dir)
    written = []
    files = reference_files(torino=torino, circuits=circuits, resources=resources, max_n=max_n)
    for name, text in sorted(files.items()):
        _atomic_write(out / name, text)
        written.append(out / name)
    return written


def compare_folders(committed: str | os.PathLike, fresh: str | os.PathLike, *, context_lines: int = 12) -> list[str]:
    """Compare the exported files in ``fresh`` with those in ``committed``.

    Every file of ``fresh`` must exist in ``committed`` with the same text; a ``qdn_*.qasm`` in
    ``committed`` that ``fresh`` lacks is reported as stale.

    Returns
    -------
    list of str
        One summary (with the start of a unified diff) per differing, missing or stale file.
    """
    committed, fresh = Path(committed), Path(fresh)
    problems = []
    fresh_names = {p.name for p in fresh.iterdir() if p.is_file()}
    for name in sorted(fresh_names):
        target = committed / name
        new = (fresh / name).read_text(encoding="utf-8")
        if not target.exists():
            problems.append(f"{target}: missing")
            continue
        old = target.read_text(encoding="utf-8")
        if old == new:
            continue
        diff = list(
            difflib.unified_diff(
                old.splitlines(), new.splitlines(), f"{target} (committed)", f"{name} (regenerated)",
                n=0, lineterm="",
            )
        )
        changed = sum(1 for d in diff if d[:1] in "+-" and not d.startswith(("+++", "---")))
        shown = "\n".join("    " + d for d in diff[: context_lines + 2])
        more = "\n    ..." if len(diff) > context_lines + 2 else ""
        problems.append(f"{target}: differs ({changed} changed line(s))\n{shown}{more}")
    if committed.is_dir():
        for path in sorted(committed.glob("qdn_*.qasm")):
            if path.name not in fresh_names:
                problems.append(f"{path}: stale (no reference case produces it any more)")
    return problems


def check_reference_circuits(
    out_dir: str | os.PathLike = "circuits", *, torino: bool = True, context_lines: int = 12
) -> list[str]:
    """Regenerate into a temporary folder and compare with ``out_dir`` (:func:`compare_folders`).

    Returns
    -------
    list of str
        One summary per differing, missing or stale file (empty when everything matches).
    """
    with tempfile.TemporaryDirectory() as tmp:
        export_reference_circuits(tmp, torino=torino)
        return compare_folders(out_dir, tmp, context_lines=context_lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: write (default) or ``--check`` the reference circuits."""
    parser = argparse.ArgumentParser(prog="python -m qdn.export", description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default="circuits", help="output folder (default: circuits)")
    parser.add_argument("--check", action="store_true", help="regenerate in a temporary folder and compare")
    parser.add_argument("--no-torino", action="store_true", help="leave the FakeTorino column empty")
    args = parser.parse_args(argv)
    torino = not args.no_torino
    if args.check:
        problems = check_reference_circuits(args.out, torino=torino)
        if problems:
            print(f"{len(problems)} file(s) in {args.out} differ from a fresh export:", file=sys.stderr)
            for p in problems:
                print(p, file=sys.stderr)
            print("run `python -m qdn.export` to regenerate (versions now: "
                  + ", ".join(f"{k} {v}" for k, v in version_stamp().items()) + ")", file=sys.stderr)
            return 1
        print(f"{args.out}: up to date")
        return 0
    for path in export_reference_circuits(args.out, torino=torino):
        print(path)
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
