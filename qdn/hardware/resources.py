"""Resource counts of the qdn circuits, stage by stage.

Every figure here comes from building the stage with the package's own builders
(:class:`~qdn.circuits.problem.DenoisingProblem`, :func:`~qdn.circuits.amplification.amplification_round`, ...)
and transpiling it; nothing is estimated from formulas unless a row says so
(``method="per-gate x N"`` in :class:`EncodingComparison`).

Two lowerings are reported for each circuit, both with ``hls_config=qdn.circuits.multiplexor.hls_config()``
(the UCRY multiplexor synthesised as N ``rz`` and N CX, :mod:`qdn.circuits.multiplexor`):

* **generic**: ``generate_preset_pass_manager(optimization_level=3,
  basis_gates=["cx", "rz", "sx", "x"])``, no coupling map. Depth and CX count are taken from it.
  At this level Qiskit's ``ElidePermutations`` pass turns the final swaps of a QFT into a qubit
  relabelling (kept in the transpiled layout), so an m-qubit QFT (m >= 3) costs ``m (m - 1)``
  CX, not ``m (m - 1) + 3 floor(m / 2)``; at m = 2 the swap stays and is fused with the
  controlled phase into 3 CX.
* **FakeTorino**: ``generate_preset_pass_manager(optimization_level=3, backend=FakeTorino(),
  seed_transpiler=seed)``: the 133-qubit heavy-hex IBM Heron r1 model with CZ as its 2-qubit
  gate; routing included. ``qiskit-ibm-runtime`` is an optional extra: without it the column is
  ``None`` and :func:`torino_available` says why.

Stages (:data:`STAGES`):

``encoding``
    The amplitude multiplexor alone: H on ``i`` and ``j`` and one ``UCRYGate``
    (:func:`qdn.circuits.encode.amplitude_encoding`), synthesised in both lowerings by
    :func:`qdn.circuits.multiplexor.ucry_z_chain` (N ``rz`` and N CX; see :mod:`qdn.circuits.multiplexor`).
``value_setting``
    Register variant only: the mean and threshold codes written under control of ``j``
    (:func:`qdn.circuits.encode.set_window_codes`: one window flag per window in a clean ``work`` qubit,
    fanned out by CX to the set code bits).
``encode``
    The whole *encode* stage T (:meth:`DenoisingProblem.encode`): the two above together.
``oracle``
    The comparator/oracle with the paper's phase pi (:meth:`DenoisingProblem.oracle`).
``amplification_round``
    One round ``-A S_0(alpha) A^dag O(beta)`` of the exact schedule
    (:func:`qdn.circuits.amplification.amplification_round`).
``qft``
    The windowed QFT on ``i`` (:meth:`DenoisingProblem.qft`).
``pipeline``
    The assembled circuit of :func:`qdn.circuits.problem.build_circuit` under the exact schedule.

The encoding is also compared (:func:`encoding_comparison`) with (a) one multi-controlled RY per
sample (controls ``i`` and ``j``, ``ctrl_state`` the flat sample index) and (b) Qiskit's generic
:class:`~qiskit.circuit.library.StatePreparation` of the same ``2**(n+1)`` amplitudes of
``anc``, ``i``, ``j``.
"""

from __future__ import annotations

import csv
import io
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from functools import lru_cache
from typing import Any

import numpy as np
from qiskit import QuantumCircuit, QuantumRegister
from qiskit.circuit.library import RYGate, StatePreparation
from qiskit.transpiler import generate_preset_pass_manager

from ..circuits.amplification import amplification_round, make_schedule
from ..circuits.encode import amplitude_encoding, set_window_codes
from ..circuits.layout import Layout, holds_codes
from ..circuits.multiplexor import hls_config
from ..circuits.problem import DenoisingProblem, build_circuit
from ..circuits.registers import frame
from ..classical.thresholds import side_mask
from .cost import circuit_counts
from ..common.registry import unknown as unknown_choice

__all__ = [
    "GENERIC_BASIS",
    "STAGES",
    "CircuitCost",
    "StageResources",
    "EncodingComparison",
    "ResourceReport",
    "default_window",
    "make_problem",
    "stage_circuits",
    "circuit_cost",
    "torino_available",
    "problem_resources",
    "stage_resources",
    "per_sample_encoding",
    "state_preparation_encoding",
    "encoding_comparison",
    "stage_resource_report",
    "markdown_table",
    "csv_table",
    "STAGE_COLUMNS",
    "COMPARISON_COLUMNS",
]

#: Basis of the generic lowering (no coupling map).
GENERIC_BASIS = ("cx", "rz", "sx", "x")

#: Stage names, in pipeline order (``value_setting`` only exists in the register variant).
STAGES = ("encoding", "value_setting", "encode", "oracle", "amplification_round", "qft", "pipeline")

#: Columns of :meth:`StageResources.row` that are deterministic (no timings).
STAGE_COLUMNS = (
    "n_samples", "window", "variant", "stage", "qubits", "width", "depth", "cx", "torino_2q", "torino_depth",
)

#: Columns of :meth:`EncodingComparison.row` that are deterministic (no timings).
COMPARISON_COLUMNS = (
    "n_samples", "qubits", "ucry_cx", "ucry_depth", "per_sample_cx", "per_sample_method",
    "state_prep_cx", "state_prep_depth", "state_prep_anc_last_cx", "state_prep_anc_last_depth",
)


@dataclass(frozen=True)
class CircuitCost:
    """Cost of one circuit after one lowering (counted by :func:`qdn.hardware.cost.circuit_counts`).

    Attributes
    ----------
    depth : int
        Depth of the lowered circuit.
    two_qubit : int
        Number of 2-qubit gates (CX for the generic lowering, CZ for FakeTorino).
    size : int
        Total number of operations (barriers excluded).
    ops : dict
        Operation counts by name.
    active_qubits : int
        Qubits that carry at least one operation after lowering.
    seconds : float
        Wall time of the pass manager run.
    """

    depth: int
    two_qubit: int
    size: int
    ops: dict
    active_qubits: int
    seconds: float


@dataclass(frozen=True)
class StageResources:
    """Resources of one stage of one problem size.

    Attributes
    ----------
    n_samples, window : int
        Signal length N and window M.
    variant : str
        ``"register"`` or ``"compact"``.
    stage : str
        One of :data:`STAGES`.
    qubits : int
        Qubits the stage acts on (carrying at least one gate after the generic lowering).
    width : int
        Qubits of the circuit frame (all registers of the variant, work qubits included).
    depth, cx : int
        Depth and CX count after the generic optimization-level-3 lowering.
    torino_2q, torino_depth : int or None
        2-qubit gate count and depth after transpiling for FakeTorino; ``None`` when
        qiskit-ibm-runtime is not installed or the column was not requested.
    build_seconds, transpile_seconds, torino_seconds : float or None
        Wall times of building the stage circuit and of the two pass-manager runs.
    """

    n_samples: int
    window: int
    variant: str
    stage: str
    qubits: int
    width: int
    depth: int
    cx: int
    torino_2q: int | None
    torino_depth: int | None
    build_seconds: float
    transpile_seconds: float
    torino_seconds: float | None

    def row(self, timings: bool = False) -> dict[str, Any]:
        """Plain dict for tables; timing columns only with ``timings=True``."""
        d = asdict(self)
        if not timings:
            for key in ("build_seconds", "transpile_seconds", "torino_seconds"):
                d.pop(key)
        return d


@dataclass(frozen=True)
class EncodingComparison:
    """The UCRY amplitude encoding against two other ways to prepare the same state.

    Attributes
    ----------
    n_samples : int
        Signal length N (``n = log2 N`` index qubits).
    qubits : int
        ``n + 1`` (``anc``, ``i``, ``j``).
    ucry_cx, ucry_depth : int
        H on the index qubits and one ``UCRYGate`` (the qdn encoding).
    per_sample_cx : int
        One multi-controlled RY per sample (``RYGate(angle).control(n, ctrl_state=index)``).
    per_sample_depth : int or None
        Depth of that construction; ``None`` when it was not transpiled as a whole.
    per_sample_method : str
        ``"measured"``: the whole circuit was transpiled; ``"per-gate x N"``: one
        ``n``-controlled RY was transpiled and its CX count multiplied by N (at every size where
        both were measured, the two agree exactly: the gates do not cancel across samples).
    state_prep_cx, state_prep_depth : int
        Qiskit's ``StatePreparation`` of the ``2**(n+1)``-amplitude vector, qubit order
        ``anc, i, j`` (``anc`` least significant).
    state_prep_anc_last_cx, state_prep_anc_last_depth : int
        The same vector with qubit order ``i, j, anc`` (see :func:`state_preparation_encoding`).
    ucry_seconds, per_sample_seconds, state_prep_seconds : float
        Build plus transpile wall time of each construction (``state_prep_seconds`` covers
        both qubit orders).
    """

    n_samples: int
    qubits: int
    ucry_cx: int
    ucry_depth: int
    per_sample_cx: int
    per_sample_depth: int | None
    per_sample_method: str
    state_prep_cx: int
    state_prep_depth: int
    state_prep_anc_last_cx: int
    state_prep_anc_last_depth: int
    ucry_seconds: float
    per_sample_seconds: float
    state_prep_seconds: float

    def row(self, timings: bool = False) -> dict[str, Any]:
        """Plain dict for tables; timing columns only with ``timings=True``."""
        d = asdict(self)
        if not timings:
            for key in ("ucry_seconds", "per_sample_seconds", "state_prep_seconds"):
                d.pop(key)
        return d


@dataclass
class ResourceReport:
    """Stage rows and encoding comparisons of several problem sizes.

    Attributes
    ----------
    stages : list of StageResources
    comparisons : list of EncodingComparison
    notes : list of str
        Caveats (e.g. why the FakeTorino column is empty).
    """

    stages: list[StageResources]
    comparisons: list[EncodingComparison]
    notes: list[str]

    def stage_rows(self, timings: bool = False) -> list[dict[str, Any]]:
        """Stage rows as plain dicts."""
        return [s.row(timings) for s in self.stages]


# ---------------------------------------------------------------------------------------------
# problems and stage circuits
# ---------------------------------------------------------------------------------------------
def default_window(n_samples: int) -> int:
    """Window 16 where the signal holds at least 4 windows of 16, else ``N // 4`` (at least 2)."""
    return max(2, min(16, n_samples // 4))


def make_problem(
    n_samples: int,
    window: int | None = None,
    variant: str = "register",
    *,
    seed: int = 0,
    thresholds: int | Sequence[int] | None = None,
    mean_bits: int = 4,
    two_sided: bool = True,
) -> DenoisingProblem:
    """A seeded random :class:`~qdn.circuits.problem.DenoisingProblem` of the given size.

    Parameters
    ----------
    n_samples : int
        Signal length N, a power of two.
    window : int, optional
        Window M (default :func:`default_window`).
    variant : {"register", "compact"}
    seed : int
        Seed of the amplitudes (uniform in ``(0.25, 1]``).
    thresholds : int or sequence of int, optional
        One cutoff for every window or one per window; default ``M // 4``.
    mean_bits : int
        Width ``a`` of the ``mean`` register.
    two_sided : bool

    Returns
    -------
    DenoisingProblem
        Mean codes are the window means of the amplitudes quantised to ``mean_bits`` bits over
        ``[0.25, 1]``.
    """
    if n_samples < 2 or n_samples & (n_samples - 1):
        raise ValueError(f"n_samples must be a power of two >= 2, got {n_samples}")
    window = default_window(n_samples) if window is None else int(window)
    if window < 2 or window & (window - 1) or window > n_samples:
        raise ValueError(f"window must be a power of two in [2, {n_samples}], got {window}")
    layout = Layout.from_sizes(n_samples, window, mean_bits)
    rng = np.random.default_rng(seed)
    amps = 1.0 - rng.uniform(0.0, 0.75, size=(layout.P, layout.M))  # in (0.25, 1]
    if thresholds is None:
        thresholds = window // 4
    taus = np.broadcast_to(np.asarray(thresholds, dtype=np.int64), (layout.P,)).copy()
    codes = np.rint((amps.mean(axis=1) - 0.25) / 0.75 * (2**mean_bits - 1)).astype(np.int64)
    return DenoisingProblem(layout, amps, taus, codes, variant, side_mask(two_sided))


def _angles(problem: DenoisingProblem) -> np.ndarray:
    return 2.0 * np.arccos(np.clip(problem.amplitudes, -1.0, 1.0)).ravel()


def stage_circuits(problem: DenoisingProblem, stages: Iterable[str] = STAGES) -> dict[str, QuantumCircuit]:
    """The stage circuits of ``problem`` (see the module docstring), built by qdn's builders.

    ``value_setting`` is left out for the compact variant. The amplification round and the
    pipeline use the exact schedule of the problem's marked weight (phase pi when that schedule
    has no round).
    """
    stages = list(stages)
    unknown = set(stages) - set(STAGES)
    if unknown:
        raise ValueError(f"unknown stage(s) {sorted(unknown)}; valid: {', '.join(STAGES)}")
    layout, variant, mask = problem.layout, problem.variant, problem.mask
    out: dict[str, QuantumCircuit] = {}
    for stage in stages:
        if stage == "encoding":
            qc = frame(layout, variant, mask, name="encoding")
            amplitude_encoding(qc, _angles(problem))
        elif stage == "value_setting":
            if not holds_codes(variant):
                continue
            qc = frame(layout, variant, mask, name="value_setting")
            set_window_codes(qc, problem.mean_codes, problem.thresholds)
        elif stage == "encode":
            qc = problem.encode()
        elif stage == "oracle":
            qc = problem.oracle(np.pi)
        elif stage == "amplification_round":
            sched = make_schedule("exact", problem.weight)
            alpha = sched.alphas[0] if sched.iterations else np.pi
            beta = sched.betas[0] if sched.iterations else np.pi
            qc = amplification_round(problem.state_preparation(), problem.oracle(beta), alpha)
        elif stage == "qft":
            qc = problem.qft()
        else:  # pipeline
            qc = build_circuit(problem, make_schedule("exact", problem.weight))
        out[stage] = qc
    return out


# ---------------------------------------------------------------------------------------------
# lowering and counting
# ---------------------------------------------------------------------------------------------
@lru_cache(maxsize=1)
def _torino():
    from qiskit_ibm_runtime.fake_provider import FakeTorino

    return FakeTorino()


def torino_available() -> tuple[bool, str]:
    """Whether FakeTorino can be loaded, and a note saying why not."""
    try:
        _torino()
    except ImportError as exc:
        return False, (
            "FakeTorino column skipped: qiskit-ibm-runtime is not installed "
            f"({exc}); install the optional extra `pip install qdn[ibm]`"
        )
    return True, ""


@lru_cache(maxsize=8)
def _pass_manager(target: str, optimization_level: int, seed: int):
    if target == "generic":
        return generate_preset_pass_manager(
            optimization_level=optimization_level, basis_gates=list(GENERIC_BASIS), seed_transpiler=seed,
            hls_config=hls_config(),
        )
    if target == "torino":
        return generate_preset_pass_manager(
            optimization_level=optimization_level, backend=_torino(), seed_transpiler=seed,
            hls_config=hls_config(),
        )
    raise ValueError(unknown_choice("target", target, ("generic", "torino")))


def circuit_cost(
    circuit: QuantumCircuit, target: str = "generic", *, optimization_level: int = 3, seed: int = 0
) -> CircuitCost:
    """Lower ``circuit`` for ``target`` (``"generic"`` or ``"torino"``) and count it.

    Parameters
    ----------
    circuit : QuantumCircuit
    target : {"generic", "torino"}
        Generic basis ``cx, rz, sx, x`` without coupling map, or FakeTorino.
    optimization_level : int
        Preset pass-manager level (3 in every table of this module).
    seed : int
        ``seed_transpiler``.

    Returns
    -------
    CircuitCost
    """
    pm = _pass_manager(target, optimization_level, seed)
    t0 = time.perf_counter()
    low = pm.run(circuit)
    seconds = time.perf_counter() - t0
    counts = circuit_counts(low)
    return CircuitCost(
        depth=counts.depth,
        two_qubit=counts.two_qubit,
        size=counts.size,
        ops=dict(low.count_ops()),
        active_qubits=counts.qubits,
        seconds=seconds,
    )


def problem_resources(
    problem: DenoisingProblem,
    *,
    stages: Iterable[str] = STAGES,
    torino: bool = True,
    torino_stages: Iterable[str] | None = None,
    seed: int = 0,
) -> list[StageResources]:
    """Per-stage resources of ``problem``.

    Parameters
    ----------
    problem : DenoisingProblem
    stages : iterable of str
        Subset of :data:`STAGES` (``value_setting`` is skipped for the compact variant).
    torino : bool
        Also transpile for FakeTorino (``None`` in the column if qiskit-ibm-runtime is absent).
    torino_stages : iterable of str, optional
        Restrict the FakeTorino column to these stages (default: all requested).
    seed : int
        ``seed_transpiler`` of both lowerings.

    Returns
    -------
    list of StageResources
    """
    use_torino = torino and torino_available()[0]
    torino_set = None if torino_stages is None else set(torino_stages)
    rows = []
    for stage in stages:
        t0 = time.perf_counter()
        circuits = stage_circuits(problem, [stage])
        build = time.perf_counter() - t0
        if stage not in circuits:
            continue
        qc = circuits[stage]
        gen = circuit_cost(qc, "generic", seed=seed)
        tor = (
            circuit_cost(qc, "torino", seed=seed)
            if use_torino and (torino_set is None or stage in torino_set)
            else None
        )
        rows.append(
            StageResources(
                n_samples=problem.layout.N,
                window=problem.layout.M,
                variant=problem.variant,
                stage=stage,
                qubits=gen.active_qubits,
                width=qc.num_qubits,
                depth=gen.depth,
                cx=gen.ops.get("cx", 0),
                torino_2q=None if tor is None else tor.two_qubit,
                torino_depth=None if tor is None else tor.depth,
                build_seconds=build,
                transpile_seconds=gen.seconds,
                torino_seconds=None if tor is None else tor.seconds,
            )
        )
    return rows


def stage_resources(
    n_samples: int,
    window: int | None = None,
    variant: str = "register",
    *,
    stages: Iterable[str] = STAGES,
    torino: bool = True,
    torino_stages: Iterable[str] | None = None,
    seed: int = 0,
    thresholds: int | Sequence[int] | None = None,
) -> list[StageResources]:
    """Per-stage resources of one seeded random problem (:func:`make_problem`).

    Parameters
    ----------
    n_samples, window, variant, seed, thresholds
        Passed to :func:`make_problem` (``seed`` also seeds the transpiler).
    stages, torino, torino_stages
        See :func:`problem_resources`.

    Returns
    -------
    list of StageResources
    """
    problem = make_problem(n_samples, window, variant, seed=seed, thresholds=thresholds)
    return problem_resources(problem, stages=stages, torino=torino, torino_stages=torino_stages, seed=seed)


# ---------------------------------------------------------------------------------------------
# the encoding against other state preparations
# ---------------------------------------------------------------------------------------------
def per_sample_encoding(angles: np.ndarray, m: int) -> QuantumCircuit:
    """H on ``i``, ``j``, then one multi-controlled RY per sample.

    The controls are ``i`` then ``j`` (little-endian), so ``ctrl_state = j*M + i`` selects
    sample ``(j, i)``; registers ``i``, ``j``, ``anc``.
    """
    angles = np.asarray(angles, float).ravel()
    n = angles.size.bit_length() - 1
    if angles.size != 1 << n or not 1 <= m <= n:
        raise ValueError(f"need 2**n angles and 1 <= m <= n, got {angles.size} angles and m={m}")
    regs = [QuantumRegister(m, "i")]
    if n > m:
        regs.append(QuantumRegister(n - m, "j"))
    anc = QuantumRegister(1, "anc")
    qc = QuantumCircuit(*regs, anc, name="per_sample_encoding")
    idx = [q for r in regs for q in r]
    qc.h(idx)
    for s, theta in enumerate(angles):
        qc.append(RYGate(float(theta)).control(n, ctrl_state=s, annotated=True), idx + [anc[0]])
    return qc


def state_preparation_encoding(amplitudes: np.ndarray, *, anc_first: bool = True) -> QuantumCircuit:
    """Qiskit's :class:`StatePreparation` of the encoded state on ``anc``, ``i``, ``j``.

    ``amplitudes`` are the ``cos(theta)`` values, shape ``(P, M)``; the vector has ``2 N``
    entries ``[cos, sin] / sqrt(N)``. With ``anc_first`` (qubit order ``anc, i, j``,
    little-endian) the entry of ``(anc, j, i)`` sits at index ``anc + 2 (j M + i)``; otherwise
    (order ``i, j, anc``) at ``j M + i + N anc``.

    Qiskit's synthesis disentangles the least significant qubit first. With ``anc`` first that
    step is one uniformly controlled RY (the qdn construction) and the rest is a product state;
    with ``anc`` last the same vector costs a generic ``~2**(n+1)`` CX.
    """
    c = np.asarray(amplitudes, float)
    P, M = c.shape
    s = np.sqrt(np.clip(1.0 - c**2, 0.0, None))
    axis = -1 if anc_first else 0
    vec = np.stack([c, s], axis=axis).ravel() / np.sqrt(P * M)
    m, p = M.bit_length() - 1, P.bit_length() - 1
    index_regs = [QuantumRegister(m, "i")] + ([QuantumRegister(p, "j")] if p else [])
    anc = QuantumRegister(1, "anc")
    regs = [anc, *index_regs] if anc_first else [*index_regs, anc]
    qc = QuantumCircuit(*regs, name="state_preparation_encoding")
    qc.append(StatePreparation(vec.tolist()), qc.qubits)
    return qc


def _ucry_encoding(problem: DenoisingProblem) -> QuantumCircuit:
    regs = [QuantumRegister(problem.layout.m, "i")]
    if problem.layout.p:
        regs.append(QuantumRegister(problem.layout.p, "j"))
    qc = QuantumCircuit(*regs, QuantumRegister(1, "anc"), name="ucry_encoding")
    amplitude_encoding(qc, _angles(problem))
    return qc


def encoding_comparison(
    n_samples: int,
    window: int | None = None,
    *,
    seed: int = 0,
    per_sample_max: int = 256,
) -> EncodingComparison:
    """Compare the UCRY encoding with per-sample multi-controlled RY and ``StatePreparation``.

    Parameters
    ----------
    n_samples, window, seed
        Problem (:func:`make_problem`; the variant does not matter here).
    per_sample_max : int
        Largest N for which the whole per-sample circuit is transpiled; beyond it, one
        ``n``-controlled RY is transpiled and its CX count multiplied by N
        (``per_sample_method="per-gate x N"``). The whole-circuit transpile takes 4 s at N = 256
        and 57 s at N = 1024 on 2 cores.

    Returns
    -------
    EncodingComparison
    """
    problem = make_problem(n_samples, window, "compact", seed=seed)
    n = problem.layout.n

    t0 = time.perf_counter()
    ucry = circuit_cost(_ucry_encoding(problem), seed=seed)
    ucry_s = time.perf_counter() - t0

    angles = _angles(problem)
    t0 = time.perf_counter()
    if n_samples <= per_sample_max:
        per = circuit_cost(per_sample_encoding(angles, problem.layout.m), seed=seed)
        per_cx, per_depth, method = per.ops.get("cx", 0), per.depth, "measured"
    else:
        one = QuantumCircuit(n + 1)
        one.append(RYGate(float(angles[-1])).control(n, ctrl_state=n_samples - 1, annotated=True), list(range(1, n + 1)) + [0])
        per = circuit_cost(one, seed=seed)
        per_cx, per_depth, method = per.ops.get("cx", 0) * n_samples, None, "per-gate x N"
    per_s = time.perf_counter() - t0

    t0 = time.perf_counter()
    sp = circuit_cost(state_preparation_encoding(problem.amplitudes), seed=seed)
    sp_last = circuit_cost(state_preparation_encoding(problem.amplitudes, anc_first=False), seed=seed)
    sp_s = time.perf_counter() - t0

    return EncodingComparison(
        n_samples=n_samples,
        qubits=n + 1,
        ucry_cx=ucry.ops.get("cx", 0),
        ucry_depth=ucry.depth,
        per_sample_cx=per_cx,
        per_sample_depth=per_depth,
        per_sample_method=method,
        state_prep_cx=sp.ops.get("cx", 0),
        state_prep_depth=sp.depth,
        state_prep_anc_last_cx=sp_last.ops.get("cx", 0),
        state_prep_anc_last_depth=sp_last.depth,
        ucry_seconds=ucry_s,
        per_sample_seconds=per_s,
        state_prep_seconds=sp_s,
    )


def stage_resource_report(
    sizes: Iterable[int | tuple[int, int]],
    variants: Sequence[str] = ("register", "compact"),
    *,
    stages: Iterable[str] = STAGES,
    torino: bool = True,
    comparisons: bool = True,
    seed: int = 0,
    per_sample_max: int = 256,
) -> ResourceReport:
    """Stage resources and encoding comparisons for several sizes.

    Parameters
    ----------
    sizes : iterable of int or (int, int)
        Signal lengths N (window :func:`default_window`) or ``(N, window)`` pairs.
    variants : sequence of str
    stages : iterable of str
        Subset of :data:`STAGES`.
    torino : bool
        Include the FakeTorino column (needs qiskit-ibm-runtime).
    comparisons : bool
        Include :func:`encoding_comparison` for each size.
    seed : int
    per_sample_max : int
        See :func:`encoding_comparison`.

    Returns
    -------
    ResourceReport
    """
    stages = list(stages)
    notes: list[str] = []
    if torino:
        ok, why = torino_available()
        if not ok:
            notes.append(why)
    rows: list[StageResources] = []
    comps: list[EncodingComparison] = []
    for size in sizes:
        n_samples, window = (size, None) if isinstance(size, (int, np.integer)) else size
        for variant in variants:
            rows.extend(stage_resources(int(n_samples), window, variant, stages=stages, torino=torino, seed=seed))
        if comparisons:
            comps.append(encoding_comparison(int(n_samples), window, seed=seed, per_sample_max=per_sample_max))
    return ResourceReport(stages=rows, comparisons=comps, notes=notes)


# ---------------------------------------------------------------------------------------------
# tables
# ---------------------------------------------------------------------------------------------
def _fmt(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def markdown_table(rows: Sequence[Mapping[str, Any]], columns: Sequence[str] | None = None) -> str:
    """A GitHub Markdown table of ``rows`` (``None`` shows as ``-``)."""
    if not rows:
        return ""
    columns = list(columns or rows[0].keys())
    lines = ["| " + " | ".join(columns) + " |", "|" + "|".join("---" for _ in columns) + "|"]
    for r in rows:
        lines.append("| " + " | ".join(_fmt(r.get(c)) for c in columns) + " |")
    return "\n".join(lines) + "\n"


def csv_table(rows: Sequence[Mapping[str, Any]], columns: Sequence[str] | None = None) -> str:
    """CSV text of ``rows`` (``None`` as an empty field, ``\\n`` line endings)."""
    buf = io.StringIO()
    if not rows:
        return ""
    columns = list(columns or rows[0].keys())
    writer = csv.DictWriter(buf, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for r in rows:
        writer.writerow({c: ("" if r.get(c) is None else r.get(c)) for c in columns})
    return buf.getvalue()
