"""One output-error budget for the hardware trades: compressed encoding, approximate QFT, schedule.

:func:`output_error` emulates a program (:func:`qdn.execution.executor.execute` on the emulator,
which mirrors the compressed angles, the approximate QFT and the flag schedules exactly) and
returns the relative L2 distance of its decoded output to the exact qdn output of the same
signal (no compression, exact QFT, exact schedule). :func:`choose_trades` then keeps the settings
whose error stays within the budget, transpiles them for the backend and picks the one with the most useful shots per submitted shot: the estimated success of the
circuit (ESP, :func:`qdn.hardware.estimate_success`) times the schedule's success probability
(the fraction of shots the readout keeps; 1 for ``"exact"``, the marked weight for
``"postselect"``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..data import ecg
from ..execution.executor import execute
from .isa import DEFAULT_OPTIMIZATION_LEVEL
from .program import DEFAULT_VARIANT, QdnProgram, build_program
from .reports import HardwareReport, resource_report

__all__ = ["COMPRESSIONS", "AUTO_SCHEDULES", "Trades", "TradeChoice", "reference_signal", "emulated_output",
           "output_error", "choose_trades"]

#: Fractions of the encoding's Walsh coefficients the budget search tries.
COMPRESSIONS = (0.0, 0.25, 0.5, 0.625, 0.75, 0.8125, 0.875, 0.9375)
#: Schedules ``--schedule auto`` compares.
AUTO_SCHEDULES = ("exact", "grover-1", "fixed-point", "postselect")


@dataclass(frozen=True)
class Trades:
    """What depth is traded for: ``compression`` (fraction of Walsh coefficients dropped),
    ``qft_degree`` (approximate QFT) and the ``schedule``."""

    compression: float = 0.0
    qft_degree: int = 0
    schedule: str = "exact"

    def as_dict(self) -> dict[str, Any]:
        return {"compression": self.compression, "qft_degree": self.qft_degree, "schedule": self.schedule}


@dataclass
class TradeChoice:
    """The settings :func:`choose_trades` picked, their error terms and the estimate.

    ``error`` is the emulated output error of all trades together; ``compression_error`` and
    ``qft_error`` each trade alone (exact schedule). ``useful`` = ``esp * success``. ``candidates``
    lists every transpiled setting (plain dicts, best first).
    """

    trades: Trades
    error: float
    compression_error: float
    qft_error: float
    esp: float
    success: float
    report: HardwareReport
    program: QdnProgram
    budget: float
    candidates: list[dict] = field(default_factory=list)

    @property
    def useful(self) -> float:
        return self.esp * self.success

    def summary(self) -> dict[str, Any]:
        return {**self.trades.as_dict(), "error": self.error, "compression_error": self.compression_error,
                "qft_error": self.qft_error, "esp": self.esp, "success": self.success, "useful": self.useful,
                "budget": self.budget, "two_qubit": self.report.total.two_qubit}


def reference_signal(n_samples: int | None) -> np.ndarray:
    """``n_samples`` of the bundled ECG around its R peak (what ``qdn run --demo`` sends, before
    its noise); ``None``: the whole recording."""
    full = ecg()
    if n_samples is None:
        return full
    if not 1 < n_samples <= full.size:
        raise ValueError(f"the reference ECG has {full.size} samples; asked for {n_samples}")
    start = int(np.clip(np.argmax(full) - n_samples // 2, 0, full.size - n_samples))
    return full[start : start + n_samples]


def emulated_output(program: QdnProgram) -> np.ndarray:
    """The decoded output of ``program`` on the emulator (exact readout)."""
    readout = execute(program.problem, program.schedule, "emulator")
    return program.amplitude_map.decode(readout.amplitudes(program.amplitude_total)).ravel()[: program.n_orig]


def output_error(signal, window: int, trades: Trades, *, reference: np.ndarray | None = None, **program_kwargs) -> float:
    """Relative L2 error of the emulated output under ``trades`` against the exact qdn output
    (``reference``, computed when not given)."""
    if reference is None:
        reference = emulated_output(build_program(signal, window, schedule="exact", **program_kwargs))
    prog = build_program(signal, window, schedule=trades.schedule, compression=trades.compression,
                         qft_degree=trades.qft_degree, **program_kwargs)
    return _relative_error(emulated_output(prog), reference)


def _relative_error(out: np.ndarray, reference: np.ndarray) -> float:
    return float(np.linalg.norm(out - reference) / np.linalg.norm(reference))


def _check_budget(budget: float) -> float:
    if isinstance(budget, bool) or not isinstance(budget, (int, float)) or not 0.0 <= budget < 1.0:
        raise ValueError(f"error budget must be a relative output error in [0, 1), got {budget!r}")
    return float(budget)


def _frontier(signal, window: int, budget: float, reference: np.ndarray, kwargs: dict) -> list[tuple[Trades, float]]:
    """Per QFT degree, the largest compression within ``budget`` (exact schedule), with its error."""
    degrees = range(max(1, int(window).bit_length() - 1))
    out = []
    for degree in degrees:
        best = None
        for comp in COMPRESSIONS:
            err = output_error(signal, window, Trades(comp, degree), reference=reference, **kwargs)
            if err <= budget:
                best = (Trades(comp, degree), err)
            elif comp > 0:
                break  # more compression only adds error here
        if best is not None:
            out.append(best)
    return out


@dataclass(frozen=True)
class _Search:
    """What every candidate of one :func:`choose_trades` call shares."""

    signal: np.ndarray
    window: int
    backend: Any
    budget: float
    reference: np.ndarray
    kwargs: dict
    optimization_level: int
    seed: int

    def evaluate(self, base: Trades, sched: str):
        """``(useful, row, (trades, error, report, program))`` of one setting; None over budget."""
        trades = Trades(base.compression, base.qft_degree, sched)
        # one program: its emulated output gives the error, its circuit the estimate
        prog = build_program(self.signal, self.window, schedule=sched, compression=base.compression,
                             qft_degree=base.qft_degree, **self.kwargs)
        err = _relative_error(emulated_output(prog), self.reference)
        if err > self.budget + 1e-12:
            return None
        rep = resource_report(prog, self.backend, stages=False, optimization_level=self.optimization_level,
                              seed_transpiler=self.seed)
        return _row(trades, err, rep, prog)


def _row(trades: Trades, err: float, rep: HardwareReport, prog: QdnProgram):
    success = prog.schedule.success_probability(prog.problem.weight)
    row = {**trades.as_dict(), "error": err, "esp": rep.success.total, "success": success,
           "useful": rep.success.total * success, "two_qubit": rep.total.two_qubit}
    return row["useful"], row, (trades, err, rep, prog)


def choose_trades(
    signal,
    backend,
    error_budget: float = 0.0,
    *,
    window: int = 16,
    threshold="auto",
    variant: str = DEFAULT_VARIANT,
    schedules: tuple[str, ...] = AUTO_SCHEDULES,
    optimization_level: int = DEFAULT_OPTIMIZATION_LEVEL,
    seed: int = 0,
    **program_kwargs,
) -> TradeChoice:
    """Compression, QFT approximation and schedule with the most useful shots per submitted shot
    on ``backend`` whose emulated output error stays within ``error_budget``.

    Budget 0 keeps the exact encoding and QFT and compares the schedules without output error
    (``"fixed-point"`` stops short of the good subspace by up to ``delta`` and is then left out).

    The candidates are, per QFT degree, the largest compression within the budget (emulated,
    exact schedule), crossed with ``schedules``; each is transpiled for ``backend`` (level
    ``optimization_level``, qdn's placement). A schedule whose cheapest candidate is 10x below
    the best is not transpiled at its other candidates (the schedule changes the estimate by
    orders of magnitude, the other two by percents). ``TradeChoice.candidates`` lists what was
    transpiled.
    """
    budget = _check_budget(error_budget)
    kwargs = dict(threshold=threshold, variant=variant, **program_kwargs)
    reference = emulated_output(build_program(signal, window, schedule="exact", **kwargs))
    frontier = _frontier(signal, window, budget, reference, kwargs)
    rows: list[tuple[float, dict, Any]] = []
    # probe each schedule at the frontier's last point (the most approximate QFT), then spend the
    # other transpilations only on schedules within 10x of the best probe: the schedule moves the
    # estimate by orders of magnitude, compression and QFT degree by percents
    search = _Search(np.asarray(signal), window, backend, budget, reference, kwargs, optimization_level, seed)
    probes = {s: search.evaluate(frontier[-1][0], s) for s in schedules} if frontier else {}
    best_probe = max((r[0] for r in probes.values() if r is not None), default=0.0)
    for sched, probe in probes.items():
        if probe is None:
            continue
        rows.append(probe)
        if probe[0] < 0.1 * best_probe:
            continue
        for base, _ in frontier[:-1]:
            row = search.evaluate(base, sched)
            if row is not None:
                rows.append(row)
    if not rows:
        raise ValueError(f"no schedule among {', '.join(schedules)} stays within the error budget {budget:g}")
    rows.sort(key=lambda r: -r[0])
    trades, err, rep, prog = rows[0][2]
    comp_err = output_error(signal, window, Trades(trades.compression, 0), reference=reference, **kwargs)
    qft_err = output_error(signal, window, Trades(0.0, trades.qft_degree), reference=reference, **kwargs)
    return TradeChoice(trades, err, comp_err, qft_err, rep.success.total,
                       prog.schedule.success_probability(prog.problem.weight), rep, prog, budget,
                       [r[1] for r in rows])
