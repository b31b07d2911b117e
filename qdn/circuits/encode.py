r"""Stage 1, *encode*: the unitary T of the paper's supplement.

.. math::

    T\,|0\rangle|0\rangle_I|0\rangle_{mean}|0\rangle_J|0\rangle_{thre}
    = \frac{1}{\sqrt{N}} \sum_{j,i} \big(\cos\theta_{ji}|0\rangle + \sin\theta_{ji}|1\rangle\big)
      |i\rangle_I |A_j\rangle_{mean} |j\rangle_J |\tau_j\rangle_{thre}

Built as H on ``i`` and ``j``; one :class:`~qiskit.circuit.library.UCRYGate` multiplexor
(:class:`qdn.circuits.multiplexor.MultiplexedRY`, whose inverse stays a ``UCRYGate``; angles
``2 theta_ji``, controls ``i`` then ``j``, so the control value is the flat sample index
``j*M + i``); and the value setting controlled by ``j`` that writes the a-bit mean code and the
b-bit threshold (:func:`set_window_codes`: per window, a flag ``[j == w]`` computed into a clean
``work`` qubit, copied by CX to the window's set code bits and uncomputed; cost grows with
``P (p + a + b)``, not with N).

Reference: S. Dutta et al., "Quantum Algorithm for Signal Denoising", IEEE SPL 2024, eq. (2)
and supplementary material.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import numpy as np
from qiskit import QuantumCircuit
from qiskit.circuit.commutation_library import SessionCommutationChecker as scc
from qiskit.circuit.library import CXGate, XGate
from qiskit.synthesis import synth_mcx_1_clean_kg24, synth_mcx_2_clean_kg24

from .gates import controlled_x_on_value
from .layout import Layout, holds_codes
from .multiplexor import MultiplexedRY
from .registers import frame, reg

__all__ = ["value_setting", "set_window_codes", "amplitude_encoding", "encode_circuit", "process_encoding"]


def _check_values(values, n_controls: int, n_bits: int) -> np.ndarray:
    values = np.asarray(values, dtype=np.int64)
    if values.shape != (1 << n_controls,):
        raise ValueError(f"need one value per control state ({1 << n_controls}), got {values.shape}")
    if values.min() < 0 or values.max() >= 1 << n_bits:
        raise ValueError(f"values must fit in {n_bits} bits, got range [{values.min()}, {values.max()}]")
    return values


@lru_cache(maxsize=32)
def _flag_mcx(num_controls: int, clean: int) -> QuantumCircuit:
    """MCX on ``controls + [flag] + aux``, exact when the ``clean`` auxiliaries start in |0>."""
    if num_controls >= 3:
        return (synth_mcx_2_clean_kg24 if clean >= 2 else synth_mcx_1_clean_kg24)(num_controls)
    qc = QuantumCircuit(num_controls + 1)
    if num_controls == 2:
        qc.ccx(0, 1, 2)
    else:  # 1 control
        qc.cx(0, 1)
    return qc


def _x(qc: QuantumCircuit, controls: Sequence, qubits: set) -> None:
    """X on ``qubits``, in the order of ``controls`` (deterministic circuits)."""
    flips = [q for q in controls if q in qubits]
    if flips:
        qc.x(flips)


def _emit(qc: QuantumCircuit, gates: list, *, inverse: bool = False) -> None:
    for op, qubits in reversed(gates) if inverse else gates:
        qc.append(op.inverse() if inverse else op, qubits, copy=False)


def _kept_gates(gates: list, middle: list) -> list:
    """The gates of ``A`` left in ``A^dag M A`` after exact pairwise cancellation.

    Scanning ``A`` from its first gate, a gate that commutes with every gate of ``M`` and with
    every earlier gate kept so far moves to the front of ``A`` and cancels against its inverse
    in ``A^dag``: with ``R`` the removed gates, ``A = R K`` and ``A^dag M A = K^dag M K``.
    Commutation is decided by Qiskit's commutation checker (exact; disjoint gates commute).
    Given ``A`` reversed, the same scan simplifies ``A M A^dag`` from the other end.
    """
    kept: list = []
    for op, qubits in gates:
        if all(_commute(op, qubits, other, others) for other, others in middle + kept):
            continue
        kept.append((op, qubits))
    return kept


def _commute(op1, qubits1, op2, qubits2) -> bool:
    if set(qubits1).isdisjoint(qubits2):
        return True
    return scc.commute(op1, qubits1, [], op2, qubits2, [])


def value_setting(
    qc: QuantumCircuit,
    controls: Sequence,
    target: Sequence,
    values: Sequence[int],
    work: Sequence = (),
    *,
    synthesize_mcx: bool = True,
) -> QuantumCircuit:
    """Append ``|j>|0> -> |j>|values[j]>`` (little-endian ``target``) to ``qc``; returns ``qc``.

    More exactly ``|j>|t> -> |j>|t XOR values[j]>``. Two constructions, the same unitary on the
    states where ``work`` is |0>:

    * without ``work`` (standalone use): one multi-controlled X on all of ``controls`` per set
      bit (:func:`~qdn.circuits.gates.controlled_x_on_value`), synthesis left to the transpiler. It can
      borrow qubits it knows to be clean only at the start of a circuit; inside an amplification
      round it synthesises them without auxiliaries (the register round at N = 1024 cost
      17 044 CX against 10 862 for its parts, benchmarks/README.md);
    * with ``work`` qubits that start (and are returned) in |0>: per control value ``w`` with a
      non-zero value, a flag ``[controls == w]`` is computed into ``work[0]`` by one
      multi-controlled X synthesised with the other work qubits as clean auxiliaries
      (:func:`~qiskit.synthesis.synth_mcx_2_clean_kg24` with two,
      :func:`~qiskit.synthesis.synth_mcx_1_clean_kg24` with one; a CX or CCX for one or two
      controls), copied by CX to each set bit of the target, and uncomputed by the inverse
      circuit. Control values are visited in Gray-code order and the controls enter the
      synthesis most-significant first, so consecutive flag computations differ in few gates.
      The builder cancels them itself, exactly (:func:`_kept_gates`, Qiskit's commutation
      checker): inside a window, the trailing gates of the flag's synthesis that commute with
      the CX fan-out (the auxiliaries' uncompute, which the flag's uncompute redoes at once);
      between windows, the gates that commute with the X on the changed controls. That leaves 0.2-0.4 of the gates written out whole and lets level 3
      reach its fixed point in 3 passes instead of 8 (at N = 1024, 64 windows: 968 CX after
      level 3 either way, against 3 629 for one MCX per bit).
      With ``p >= 3`` controls this needs at least two work qubits; with fewer, and with a
      single control (where a controlled X per bit is already cheapest), the first
      construction is used.

    ``synthesize_mcx=False`` takes the first construction whatever ``work`` is: for simulators
    that apply an ``MCXGate`` as one operation (Aer), where the flag's Clifford+T synthesis
    doubles the gate count. Register pipeline at N = 512 on Aer (best of 3): 18.1 s per-bit MCX,
    22.6 s flag with one ``MCXGate``, 35.7 s flag synthesised.
    """
    controls, target, work = list(controls), list(target), list(work)
    values = _check_values(values, len(controls), len(target))
    p = len(controls)
    if not controls:
        flips = [q for bit, q in enumerate(target) if (int(values[0]) >> bit) & 1]
        if flips:
            qc.x(flips)
        return qc
    if not work or not synthesize_mcx or p == 1 or (p >= 3 and len(work) < 2):
        for jv, val in enumerate(values):
            for bit, qubit in enumerate(target):
                if (int(val) >> bit) & 1:
                    controlled_x_on_value(qc, controls, jv, qubit)
        return qc
    flag, aux = work[0], work[1:3]
    compute = _flag_mcx(p, len(aux))
    wires = controls[::-1] + [flag] + aux[: compute.num_qubits - p - 1]
    gates = [(ins.operation, [wires[compute.find_bit(q).index] for q in ins.qubits]) for ins in compute.data]
    # Each window is X_zeros A F A^dag X_zeros with F the flag's CX fan-out. Both kinds of
    # product are simplified exactly before emitting (the transpiler would find most of these
    # cancellations too, one layer per pass of its optimisation loop): A F A^dag = C F C^dag,
    # C without the auxiliaries' uncompute that A^dag redoes; and between consecutive windows
    # C^dag X_changed C = K^dag X_changed K, K without the gates on controls that did not change.
    fan_out = [(CXGate(), [flag, q]) for q in target]  # F for any set bits commutes as this does
    core = _kept_gates(gates[::-1], fan_out)[::-1]
    junctions: dict[frozenset, list] = {}  # a few distinct sets of changed controls (Gray order)
    previous: set | None = None  # controls flipped for the previous window
    for g in range(1 << p):
        jv = g ^ (g >> 1)  # Gray code: one control changes between consecutive windows
        set_bits = [q for bit, q in enumerate(target) if (int(values[jv]) >> bit) & 1]
        if not set_bits:
            continue
        zeros = {q for bit, q in enumerate(controls) if not (jv >> bit) & 1}
        if previous is None:
            _x(qc, controls, zeros)
            _emit(qc, core)
        else:
            changed = frozenset(previous ^ zeros)
            if changed not in junctions:
                junctions[changed] = _kept_gates(core, [(XGate(), [q]) for q in changed])
            _emit(qc, junctions[changed], inverse=True)
            _x(qc, controls, changed)
            _emit(qc, junctions[changed])
        for q in set_bits:
            qc.cx(flag, q)
        previous = zeros
    if previous is not None:
        _emit(qc, core, inverse=True)
        _x(qc, controls, previous)
    return qc


def set_window_codes(
    qc: QuantumCircuit, mean_codes, thresholds, *, use_work: bool = True, synthesize_mcx: bool = True
) -> QuantumCircuit:
    """Write each window's mean code into ``mean`` and its threshold into ``thre``, controlled
    by ``j``, in one :func:`value_setting` sweep over the windows (one flag per window serves
    both registers). ``use_work=True`` uses the circuit's ``work`` register as clean
    auxiliaries: every qdn builder hands ``work`` to the encode stage in |0> (the oracle
    uncomputes its comparator), so the flag construction applies inside amplification rounds
    too. ``synthesize_mcx`` as in :func:`value_setting`. Returns ``qc``."""
    if mean_codes is None or thresholds is None:
        raise ValueError("the register variant needs mean_codes and thresholds")
    j, mean, thre = reg(qc, "j"), reg(qc, "mean"), reg(qc, "thre")
    mean_codes = _check_values(mean_codes, len(j), len(mean))
    thresholds = _check_values(thresholds, len(j), len(thre))
    codes = mean_codes | (thresholds << len(mean))
    work = reg(qc, "work") if use_work else ()
    return value_setting(qc, j, mean + thre, codes, work, synthesize_mcx=synthesize_mcx)


def amplitude_encoding(qc: QuantumCircuit, angles: np.ndarray, multiplexor=None) -> QuantumCircuit:
    """H on ``i`` and ``j``, then one UCRY multiplexor writing ``Ry(angles[j*M+i])`` on ``anc``
    (``multiplexor``: the gate class, default :class:`MultiplexedRY`; a compressed encoding
    passes :class:`~qdn.circuits.compression.WalshRY`)."""
    i, j, anc = reg(qc, "i"), reg(qc, "j"), reg(qc, "anc")
    angles = np.asarray(angles, float).ravel()
    if angles.size != 1 << (len(i) + len(j)):
        raise ValueError(f"need {1 << (len(i) + len(j))} angles, got {angles.size}")
    qc.h(i + j)
    qc.append((multiplexor or MultiplexedRY)(angles.tolist()), anc + i + j)
    return qc


def encode_circuit(
    layout: Layout,
    angles: np.ndarray,
    mean_codes: Sequence[int] | None = None,
    thresholds: Sequence[int] | None = None,
    *,
    variant: str = "register",
    mask: str = "two-sided",
    synthesize_mcx: bool = True,
    multiplexor=None,
) -> QuantumCircuit:
    """The *encode* stage as a circuit on the qdn registers (name ``"encode"``).

    ``angles`` are the Ry angles ``2 theta_ji`` (length N, flat index ``j*M + i``). For the
    register variant ``mean_codes`` (a-bit) and ``thresholds`` (b-bit) give one value per window.
    ``multiplexor`` as in :func:`amplitude_encoding`.
    """
    qc = frame(layout, variant, mask, name="encode")
    amplitude_encoding(qc, angles, multiplexor)
    if holds_codes(variant):
        set_window_codes(qc, mean_codes, thresholds, synthesize_mcx=synthesize_mcx)
    return qc


def process_encoding(
    layout: Layout,
    process: QuantumCircuit,
    mean_codes: Sequence[int] | None = None,
    thresholds: Sequence[int] | None = None,
    *,
    variant: str = "register",
    mask: str = "two-sided",
    synthesize_mcx: bool = True,
) -> QuantumCircuit:
    """The *encode* stage for quantum input (the paper's eq. 4 turned into eq. 3).

    ``process`` (n = m + p qubits, no measurements) prepares ``sum_x alpha_x |x>`` with
    ``x = i + M*j``: its qubits 0..m-1 become ``i`` and m..n-1 become ``j``. The value-setting
    of the register variant follows; ``anc`` stays in 0 (the oracle's ``anc = 0`` condition is
    then always met).
    """
    if process.num_qubits != layout.n:
        raise ValueError(f"process acts on {process.num_qubits} qubits; the signal needs n = {layout.n}")
    if process.num_clbits or any(inst.operation.name in ("measure", "reset") for inst in process.data):
        raise ValueError("process must be unitary: remove its measurements and resets")
    qc = frame(layout, variant, mask, name="encode")
    gate = process.to_gate(label="process")
    qc.append(gate, reg(qc, "i") + reg(qc, "j"))
    if holds_codes(variant):
        set_window_codes(qc, mean_codes, thresholds, synthesize_mcx=synthesize_mcx)
    return qc
