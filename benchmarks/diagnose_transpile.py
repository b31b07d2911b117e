"""Why the whole circuit is slow to transpile and why the register round costs more than its
parts (evidence for benchmarks/README.md).

1. ``--passes``: time of each pass of the generic optimization-level-3 lowering of the whole
   pipeline circuit at N (default 4096), per variant, with the UCRY synthesised by qdn's
   z-chain (:mod:`qdn.circuits.multiplexor`, what qdn's reports use) and by Qiskit's default.
2. ``--context``: CX of the state preparation A (encode + QFT) alone, where the transpiler knows
   the ``mean``/``thre``/``work`` qubits start clean, and "in context", after an H on every qubit
   (as inside an amplification round, where no qubit is known to be clean); and the same for an
   alternative value setting: one window flag per window in a ``work`` qubit (multi-controlled X
   synthesised with one clean ``work`` ancilla), CX fan-out to the code bits, flag uncomputed.
   This was the prototype of the fix now in qdn (:func:`qdn.circuits.encode.set_window_codes`, which adds
   Gray-code window order and two clean ancillas and so costs fewer CX than this prototype); it
   is kept as the record of the measurement and checked against qdn's A on a statevector.

3. ``--ucry``: the encoding alone (H + one UCRY) at N = 256, 1024, 4096: level-3 transpile time
   and gate counts with either synthesis, the number of ``CommutativeCancellation`` calls and
   their mean time (how that pass scales with the multiplexor length), and the level-1 time.

4. ``--whole``: build + level-3 time, CX, single-qubit gates and depth of the whole circuit at N
   (default 4096), as the resource reports lower it. It imports nothing newer than
   :mod:`qdn.hardware.resources`, so it also runs against an older checkout for an A/B comparison:
   ``PYTHONPATH=<old checkout> python benchmarks/diagnose_transpile.py --whole``.

Usage::

    python benchmarks/diagnose_transpile.py --passes [--n 4096]
    python benchmarks/diagnose_transpile.py --context [--sizes 64,1024,4096]
    python benchmarks/diagnose_transpile.py --ucry
    python benchmarks/diagnose_transpile.py --whole [--n 4096]

The statevector check of ``--context`` runs up to 20 qubits (N <= 256 in the register
variant; ``--sizes 128,256`` takes about 5 minutes on 2 cores).
"""

from __future__ import annotations

import argparse
import collections
import sys
import time

import numpy as np
from qiskit.quantum_info import Statevector
from qiskit.synthesis import synth_mcx_1_clean_kg24
from qiskit.transpiler import generate_preset_pass_manager

from qdn.circuits.amplification import make_schedule
from qdn.circuits.encode import amplitude_encoding
from qdn.circuits.problem import build_circuit
from qdn.circuits.qft import windowed_qft
from qdn.circuits.registers import reg
from qdn.hardware.resources import GENERIC_BASIS, circuit_cost, make_problem


def syntheses() -> dict:
    """The two syntheses of the UCRY multiplexor compared (:mod:`qdn.circuits.multiplexor`)."""
    from qdn.circuits.multiplexor import hls_config  # imported here: --whole also runs on older qdn

    return {"qdn z-chain": hls_config(), "Qiskit default": None}


def whole(n: int) -> None:
    """Build + level-3 lowering of the whole circuit as qdn's reports do it
    (:func:`qdn.hardware.resources.circuit_cost`), with whichever qdn is imported."""
    import qdn

    print(f"qdn from {qdn.__file__}")
    for variant in ("register", "compact"):
        t0 = time.perf_counter()
        problem = make_problem(n, None, variant)
        qc = build_circuit(problem, make_schedule("exact", problem.weight))
        build = time.perf_counter() - t0
        cost = circuit_cost(qc)
        cx = cost.ops.get("cx", 0)
        print(
            f"N={n} {variant}: build {build:.2f} s + level 3 {cost.seconds:.2f} s = {build + cost.seconds:.2f} s; "
            f"{cx} CX, {cost.size - cx} 1-qubit gates, depth {cost.depth}"
        )


def passes(n: int) -> None:
    for variant in ("compact", "register"):
        problem = make_problem(n, None, variant)
        qc = build_circuit(problem, make_schedule("exact", problem.weight))
        for synthesis, config in syntheses().items():
            pm = generate_preset_pass_manager(
                optimization_level=3, basis_gates=list(GENERIC_BASIS), seed_transpiler=0, hls_config=config
            )
            total, calls = collections.Counter(), collections.Counter()

            def callback(pass_, time, **_):
                total[pass_.name()] += time
                calls[pass_.name()] += 1

            t0 = time.perf_counter()
            low = pm.run(qc, callback=callback)
            print(
                f"N={n} {variant}, UCRY by {synthesis}: level-3 transpile {time.perf_counter() - t0:.2f} s, "
                f"{low.count_ops().get('cx', 0)} CX, {low.size() - low.count_ops().get('cx', 0)} 1-qubit gates"
            )
            for name, t in total.most_common(3):
                print(f"  {name:30s} {t:7.2f} s in {calls[name]} call(s)")


def _flag_mcx(qc, controls, value, flag, aux) -> None:
    zeros = [q for b, q in enumerate(controls) if not (value >> b) & 1]
    if zeros:
        qc.x(zeros)
    if len(controls) == 1:
        qc.cx(controls[0], flag)
    elif len(controls) == 2:
        qc.ccx(controls[0], controls[1], flag)
    else:
        qc.compose(synth_mcx_1_clean_kg24(len(controls)), list(controls) + [flag, aux], inplace=True)
    if zeros:
        qc.x(zeros)


def flag_value_setting(qc, mean_codes, thresholds) -> None:
    j, mean, thre, work = reg(qc, "j"), reg(qc, "mean"), reg(qc, "thre"), reg(qc, "work")
    flag, aux = work[0], work[1]
    for jv, (mc, tc) in enumerate(zip(mean_codes, thresholds)):
        targets = [q for b, q in enumerate(mean) if (int(mc) >> b) & 1]
        targets += [q for b, q in enumerate(thre) if (int(tc) >> b) & 1]
        if targets:
            _flag_mcx(qc, j, jv, flag, aux)
            for t in targets:
                qc.cx(flag, t)
            _flag_mcx(qc, j, jv, flag, aux)


def context(sizes: list[int]) -> None:
    for n in sizes:
        problem = make_problem(n, None, "register")
        A = problem.state_preparation()
        alt = A.copy_empty_like()
        amplitude_encoding(alt, 2 * np.arccos(problem.amplitudes).ravel())
        flag_value_setting(alt, problem.mean_codes, problem.thresholds)
        alt.compose(windowed_qft(problem.layout), inplace=True)
        if problem.num_qubits <= 20:
            same = np.allclose(Statevector(A).data, Statevector(alt).data, atol=1e-9)
            check = f"same state as qdn's A: {same}"
        else:
            check = "state check skipped (too many qubits)"
        busy = A.copy_empty_like()
        busy.h(busy.qubits)

        def in_context(circuit):
            qc = busy.copy()
            qc.compose(circuit, inplace=True)
            return circuit_cost(qc).ops.get("cx", 0)

        print(
            f"N={n}: qdn A alone {circuit_cost(A).ops.get('cx', 0)} CX, in context {in_context(A)} CX; "
            f"flag value setting alone {circuit_cost(alt).ops.get('cx', 0)} CX, in context {in_context(alt)} CX; {check}"
        )


def ucry() -> None:
    from qdn.hardware.resources import stage_circuits

    for n in (256, 1024, 4096):
        enc = stage_circuits(make_problem(n, None, "compact"), ["encoding"])["encoding"]
        for synthesis, config in syntheses().items():
            pm = generate_preset_pass_manager(
                optimization_level=3, basis_gates=list(GENERIC_BASIS), seed_transpiler=0, hls_config=config
            )
            cc = []

            def callback(pass_, time, **_):
                if pass_.name() == "CommutativeCancellation":
                    cc.append(time)

            t0 = time.perf_counter()
            low = pm.run(enc, callback=callback)
            t3 = time.perf_counter() - t0
            ops = low.count_ops()
            print(
                f"N={n}, {synthesis}: level 3 {t3:.2f} s ({ops.get('cx', 0)} CX, {ops.get('rz', 0)} rz, "
                f"{ops.get('sx', 0) + ops.get('x', 0)} sx/x), CommutativeCancellation {len(cc)} calls x "
                f"{np.mean(cc) * 1e3:.0f} ms = {sum(cc):.2f} s"
            )
        one = circuit_cost(enc, optimization_level=1)
        print(f"N={n}: level 1 (qdn's synthesis) {one.seconds:.2f} s ({one.ops.get('cx', 0)} CX)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--passes", action="store_true")
    parser.add_argument("--n", type=int, default=4096)
    parser.add_argument("--context", action="store_true")
    parser.add_argument("--sizes", default="64,1024,4096")
    parser.add_argument("--ucry", action="store_true")
    parser.add_argument("--whole", action="store_true")
    args = parser.parse_args(argv)
    if not (args.passes or args.context or args.ucry or args.whole):
        parser.error("choose --passes, --context, --ucry and/or --whole")
    if args.whole:
        whole(args.n)
    if args.ucry:
        ucry()
    if args.context:
        context([int(s) for s in args.sizes.split(",")])
    if args.passes:
        passes(args.n)
    return 0


if __name__ == "__main__":
    sys.exit(main())
