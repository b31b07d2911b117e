"""Reference circuits in OpenQASM 3, with their resource tables.

:func:`export_reference_circuits` writes into a folder (the repository's ``circuits/``):

* ``qdn_N{N}_M{M}_{variant}.qasm``: the whole pipeline (:func:`qdn.circuits.problem.build_circuit`, exact
  schedule, measurement of ``i``, ``j``, ``anc`` into ``meas``) for a fixed seeded signal and
  fixed per-window thresholds (:data:`REFERENCE_CASES`). The stage instructions stay gates of
  their own (``encode``, ``qft``, ``amplify`` with ``oracle``, ``zero_reflection``, ``encode_dg``,
  ``qft_dg`` inside, ``iqft``); everything else is lowered to OpenQASM 3 standard gates so that
  :func:`qiskit.qasm3.dumps` can write it.
* ``reference_inputs.json``: for each circuit, the signal, thresholds, amplitudes, mean codes,
  schedule phases and the expected output (the classical per-window spectral projection, which
  the noise-free circuit reproduces exactly, shared/DESIGN.md §1).
* ``README.md`` (what the files are, how to regenerate and check them, then the table) and
  ``resources.csv``: qubits, depth and CX per stage of those circuits (:mod:`qdn.hardware.resources`),
  no timings, so the files are deterministic for given versions of Qiskit, qiskit-ibm-runtime
  and NumPy (recorded in ``README.md``).

The sizes are N = 16, 64 and 256 (:data:`REFERENCE_CASES`). The tables of N = 256 take most of
the export's time (about 40 s of level-3 transpiling on 2 cores); ``tests/test_circuits_guard.py``
regenerates every circuit but the table rows of N <= :data:`QUICK_MAX_N` only, and leaves the
full comparison to ``python -m qdn.export --check`` and a test marked ``slow``.

Every file is written atomically (temporary file in the same folder, then :func:`os.replace`).

The check (:func:`compare_folders`) does not compare the text byte for byte: the last digits of
the floats (the ``ry`` angles of the amplitude encoding, the signal and amplitudes of
``reference_inputs.json``) depend on the CPU's floating-point code paths (SIMD width of NumPy's
kernels), and so, through the transpiler's float decisions, do a few depths of the resource
tables. Every float literal is compared with :data:`REL_TOL` / :data:`ABS_TOL`, the transpiled
columns of the tables (:data:`TRANSPILED_COLUMNS`) with :data:`RESOURCE_REL_TOL` /
:data:`RESOURCE_ABS_TOL`, everything else (gate names, qubits, integers, words) exactly
(:func:`text_difference`).

Command line::

    python -m qdn.export            # (re)write circuits/
    python -m qdn.export --check    # regenerate in a temporary folder, exit 1 if circuits/ differs
"""

from __future__ import annotations

import argparse
import csv
import difflib
import json
import math
import os
import re
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import numpy as np
from qiskit import QuantumCircuit, qasm3
from qiskit.circuit import Gate

from .circuits.amplification import make_schedule
from .classical.amplitude_map import AmplitudeMap
from .api.plan import plan
from .circuits.problem import DenoisingProblem, build_circuit
from .classical.reference import spectral_projection
from .hardware.resources import (
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
    "REL_TOL",
    "ABS_TOL",
    "TRANSPILED_COLUMNS",
    "RESOURCE_REL_TOL",
    "RESOURCE_ABS_TOL",
    "text_difference",
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
    taus = np.asarray(case.thresholds, dtype=np.int64)
    if taus.shape != (case.n_samples // case.window,):
        raise ValueError(f"{case.name}: need {case.n_samples // case.window} thresholds, got {len(case.thresholds)}")
    p = plan(y, case.window, threshold=taus, variant=case.variant)
    return p.problem, y, p.amplitude_map


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
        "The whole denoising circuit (`qdn.circuits.problem.build_circuit`: encode, windowed QFT, the "
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
        "\"sx\", \"x\"], seed_transpiler=0, hls_config=qdn.circuits.multiplexor.hls_config())` (no coupling "
        "map; the UCRY multiplexor synthesised as N `rz` and N CX; at this level the QFT's final swaps "
        "become a qubit relabelling); `torino_2q` (CZ count) and `torino_depth` after "
        "`generate_preset_pass_manager(optimization_level=3, backend=FakeTorino(), "
        "seed_transpiler=0, hls_config=...)`, routing included. Stages: `encoding` = H + one UCRY multiplexor; "
        "`value_setting` = mean and threshold codes (register variant); `encode` = both; `oracle` "
        "with phase pi; one `amplification_round` of the exact schedule; `qft` on `i`; `pipeline` "
        "= the whole circuit without measurement (see `qdn/hardware/resources.py`).\n"
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
    from .io.atomic import atomic_write

    atomic_write(path, lambda tmp: Path(tmp).write_text(text, encoding="utf-8", newline="\n"), force=True)


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


#: Relative tolerance of the float literals of the exported files (:func:`text_difference`).
#: Regenerating on another CPU changes the angles in their last digits (relative error of a few
#: 1e-16 for angles of order 1; absolute error of ~1e-16 for the small ``ry`` angles of the
#: multiplexor, which are differences of nearly equal sums). 1e-9 leaves six orders of magnitude
#: above that noise and still reports any change a person or a code change would make.
REL_TOL = 1e-9

#: Absolute tolerance of the float literals: angles that are zero up to rounding (1e-17 on one
#: machine, -3e-18 on another) compare equal.
ABS_TOL = 1e-12

#: Columns of the resource tables (``resources.csv`` and the table of ``README.md``) counted on
#: a transpiled circuit. Level-3 transpiling drops or merges single-qubit rotations whose angles
#: are zero up to rounding, so these counts can move by a gate or two between CPUs (seen: 2700
#: and 2702 for a FakeTorino depth); they are compared with :data:`RESOURCE_REL_TOL` and
#: :data:`RESOURCE_ABS_TOL`, the other columns exactly.
TRANSPILED_COLUMNS = frozenset({"depth", "cx", "torino_2q", "torino_depth"})

#: Relative tolerance of the :data:`TRANSPILED_COLUMNS` (0.1%).
RESOURCE_REL_TOL = 1e-3

#: Absolute tolerance of the :data:`TRANSPILED_COLUMNS` (one gate).
RESOURCE_ABS_TOL = 1

#: A float literal: digits with a decimal point and/or an exponent, optionally signed, not part of
#: a name (``_gate_q_13``) or of a dotted version (``2.6.2``). Integers are not floats: they are
#: compared exactly (qubit indices, codes, counts).
_FLOAT = re.compile(
    r"((?<![\w.])[-+]?(?:\d+\.\d*|\.\d+|\d+(?=[eE][-+]?\d))(?:[eE][-+]?\d+)?(?![\w.]))"
)
_INT = re.compile(r"[-+]?\d+")


def _floats_close(a: str, b: str) -> bool:
    return math.isclose(float(a), float(b), rel_tol=REL_TOL, abs_tol=ABS_TOL)


def _tokens_match(a: str, b: str) -> bool:
    """``a`` and ``b`` are the same text up to float literals within :data:`REL_TOL`/:data:`ABS_TOL`."""
    if a == b:
        return True
    pa, pb = _FLOAT.split(a), _FLOAT.split(b)
    if len(pa) != len(pb):
        return False
    # re.split with one group: text, float, text, float, ..., text
    return all(x == y if k % 2 == 0 else _floats_close(x, y) for k, (x, y) in enumerate(zip(pa, pb)))


def _cells(line: str, kind: str) -> list[str] | None:
    if kind == "csv":
        return next(csv.reader([line]))
    stripped = line.strip()
    if len(stripped) >= 2 and stripped[0] == "|" and stripped[-1] == "|":
        return [c.strip() for c in stripped[1:-1].split("|")]
    return None


def _table_columns(lines: Sequence[str], kind: str) -> list[tuple[str, ...] | None]:
    """For each line, the column names of the table it is a data row of (``None`` elsewhere):
    every line after the header of a CSV file; the rows under a ``| a | b |`` + ``|---|---|``
    header of a Markdown file."""
    out: list[tuple[str, ...] | None] = [None] * len(lines)
    if kind == "csv":
        if lines:
            header = tuple(_cells(lines[0], "csv") or ())
            out[1:] = [header] * (len(lines) - 1)
        return out
    if kind != "md":
        return out
    columns: tuple[str, ...] | None = None
    for k, line in enumerate(lines):
        cells = _cells(line, "md")
        if cells is None:
            columns = None
            continue
        nxt = _cells(lines[k + 1], "md") if k + 1 < len(lines) else None
        if nxt is not None and len(nxt) == len(cells) and all(c and set(c) <= set("-:") for c in nxt):
            columns = tuple(cells)  # header row; the separator row below is compared as text
            continue
        if columns is not None and len(cells) == len(columns) and not all(set(c) <= set("-:") for c in cells):
            out[k] = columns
    return out


def _lines_match(a: str, b: str, columns: tuple[str, ...] | None, kind: str) -> bool:
    """One line of the committed file against one of the regenerated file (see :func:`text_difference`)."""
    if a == b:
        return True
    if columns is not None:
        ca, cb = _cells(a, kind), _cells(b, kind)
        if ca is not None and cb is not None and len(ca) == len(cb) == len(columns):
            for col, x, y in zip(columns, ca, cb):
                if col in TRANSPILED_COLUMNS and _INT.fullmatch(x) and _INT.fullmatch(y):
                    if not math.isclose(int(x), int(y), rel_tol=RESOURCE_REL_TOL, abs_tol=RESOURCE_ABS_TOL):
                        return False
                elif not _tokens_match(x, y):
                    return False
            return True
    return _tokens_match(a, b)


def text_difference(
    old: str,
    new: str,
    name: str = "",
    *,
    fromfile: str = "committed",
    tofile: str = "regenerated",
    context_lines: int = 12,
) -> str | None:
    """How the regenerated text ``new`` differs from the committed text ``old`` beyond rounding.

    Both texts are compared line by line (lines aligned by their text with the floats blanked
    out, :mod:`difflib`). Two lines match when they are equal after splitting them at their
    float literals (a decimal point and/or an exponent: ``0.24174563000934537``, ``1e-05``,
    ``3.0``), the text between the floats is equal and every pair of floats is within
    ``math.isclose(a, b, rel_tol=REL_TOL, abs_tol=ABS_TOL)``: a changed gate, qubit, integer,
    key or word is a difference, a float changed in its last digits is not, one changed by
    1e-6 is. In tables (``.csv`` files by ``name``; Markdown tables) the
    :data:`TRANSPILED_COLUMNS` are compared as integers with :data:`RESOURCE_REL_TOL` and
    :data:`RESOURCE_ABS_TOL`. ``reference_inputs.json`` is written one number per line, so its
    values are compared number by number the same way.

    Parameters
    ----------
    old, new : str
        Committed and regenerated text.
    name : str
        File name; a name ending in ``.csv`` makes every line after the first a table row.
    fromfile, tofile : str
        Labels of the diff.
    context_lines : int
        At most this many lines of the diff are shown.

    Returns
    -------
    str or None
        ``None`` when the texts match; otherwise ``"differs (K changed line(s))"`` and the start
        of a unified diff (indented) in which lines that match within the tolerances are shown
        as unchanged.
    """
    if old == new:
        return None
    kind = "csv" if name.endswith(".csv") else "md" if name.endswith(".md") else "text"
    old_lines, new_lines = old.splitlines(), new.splitlines()
    columns = _table_columns(new_lines, kind)
    old_keys = [_FLOAT.sub("#", line) for line in old_lines]
    new_keys = [_FLOAT.sub("#", line) for line in new_lines]
    if old_keys == new_keys:
        opcodes = [("equal", 0, len(old_lines), 0, len(new_lines))]
    else:
        opcodes = difflib.SequenceMatcher(None, old_keys, new_keys).get_opcodes()
    # the regenerated lines, with those that match their committed counterpart replaced by it
    shown = list(new_lines)
    for tag, i1, i2, j1, j2 in opcodes:
        if tag in ("equal", "replace") and i2 - i1 == j2 - j1:
            for i, j in zip(range(i1, i2), range(j1, j2)):
                if _lines_match(old_lines[i], new_lines[j], columns[j], kind):
                    shown[j] = old_lines[i]
    if shown == old_lines:
        if old.endswith("\n") == new.endswith("\n"):
            return None
        return "differs (newline at end of file)"
    diff = list(difflib.unified_diff(old_lines, shown, fromfile, tofile, n=0, lineterm=""))
    changed = sum(1 for d in diff if d[:1] in "+-" and not d.startswith(("+++", "---")))
    text = "\n".join("    " + d for d in diff[: context_lines + 2])
    more = "\n    ..." if len(diff) > context_lines + 2 else ""
    return f"differs ({changed} changed line(s))\n{text}{more}"


def compare_folders(committed: str | os.PathLike, fresh: str | os.PathLike, *, context_lines: int = 12) -> list[str]:
    """Compare the exported files in ``fresh`` with those in ``committed``.

    Every file of ``fresh`` must exist in ``committed`` with the same text up to the rounding of
    its numbers (:func:`text_difference`: floats within :data:`REL_TOL` / :data:`ABS_TOL`, the
    transpiled columns of the resource tables within :data:`RESOURCE_REL_TOL` /
    :data:`RESOURCE_ABS_TOL`); a ``qdn_*.qasm`` in ``committed`` that ``fresh`` lacks is
    reported as stale.

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
        difference = text_difference(
            old, new, name, fromfile=f"{target} (committed)", tofile=f"{name} (regenerated)",
            context_lines=context_lines,
        )
        if difference is not None:
            problems.append(f"{target}: {difference}")
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
