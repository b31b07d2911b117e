"""The largest signal a backend can take: sweep N until the success estimate drops below a floor.

Without an error budget every size is the seeded synthetic problem
(:func:`~qdn.hardware.synthetic_program`) with the given variant and the exact schedule, as
before. With one (issue 21), every size is the bundled ECG around its R peak
(:func:`~qdn.hardware.budget.reference_signal`, what ``qdn run --demo`` sends) with the
compression, QFT approximation and schedule :func:`~qdn.hardware.budget.choose_trades` picks
within the budget.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from ..common.progress import progress
from ..execution.backends import backend_label
from .budget import TradeChoice, choose_trades, reference_signal
from .isa import DEFAULT_OPTIMIZATION_LEVEL
from .program import DEFAULT_VARIANT, synthetic_program
from .reports import HardwareReport, resource_report
from .resources import default_window
from .service import get_backend

__all__ = ["Feasibility", "feasibility"]


@dataclass
class Feasibility:
    """Largest signal whose success estimate stays above ``floor`` on one backend.

    Attributes
    ----------
    backend : str
    floor : float
    max_size : int or None
        Largest N tried with ``esp >= floor`` (``None`` if none).
    reports : list of HardwareReport
        One per size tried, smallest first (the sweep stops at the first size below the floor or
        that does not fit).
    stopped : str
        Why the sweep stopped.
    """

    backend: str
    floor: float
    max_size: int | None
    reports: list[HardwareReport]
    stopped: str
    error_budget: float | None = None
    choices: list[TradeChoice] = field(default_factory=list)

    @property
    def best(self) -> int | None:
        """The largest N above the floor (:attr:`max_size`)."""
        return self.max_size

    def rows(self) -> list[dict[str, Any]]:
        rows = [dict(r.summary(), feasible=r.success.total >= self.floor) for r in self.reports]
        for row, choice in zip(rows, self.choices):  # with a budget: the settings and their error
            row.update(schedule=choice.trades.schedule, compression=choice.trades.compression,
                       qft_degree=choice.trades.qft_degree, error=choice.error, success=choice.success,
                       useful=choice.useful)
        return rows


def _doubling(start: int, stop: int) -> Iterator[int]:
    """start, 2 start, 4 start, ... up to stop."""
    n = start
    while n <= stop:
        yield n
        n *= 2


def feasibility(
    backend,
    floor: float,
    *,
    variant: str = DEFAULT_VARIANT,
    window: int | None = None,
    min_size: int = 4,
    max_size: int = 1 << 14,
    seed: int = 0,
    optimization_level: int = DEFAULT_OPTIMIZATION_LEVEL,
    model: str = "full",
    error_budget: float | None = None,
) -> Feasibility:
    """Sweep N = min_size, 2 min_size, ... on :func:`~qdn.hardware.synthetic_program` until the
    success estimate drops below ``floor`` (or the circuit no longer fits the backend).

    Parameters
    ----------
    backend : BackendV2 or str
    floor : float
        In (0, 1].
    variant : {"compact", "register"}
    window : int, optional
        Fixed window (capped at N); default :func:`qdn.hardware.resources.default_window` per size.
    model : {"full", "gates"}
        ``"full"`` uses :attr:`SuccessEstimate.total` (gates, readout, idle decoherence);
        ``"gates"`` the plain product over gates and readout. The placement of each circuit
        (:func:`~qdn.hardware.prepare`) maximises the same estimate.
    error_budget : float, optional
        None: the synthetic problem, exact schedule, no trade (the meaning this function always
        had). A relative output error: each size is the reference ECG with the settings
        :func:`~qdn.hardware.budget.choose_trades` picks within it (``model="full"`` only; at
        most 1024 samples, the ECG's length).
    """
    if not 0.0 < floor <= 1.0:
        raise ValueError(f"floor must lie in (0, 1], got {floor}")
    if model not in ("full", "gates"):
        raise ValueError(f"model must be 'full' or 'gates', got {model!r}")
    if min_size < 4 or min_size & (min_size - 1):
        raise ValueError(f"min_size must be a power of two >= 4, got {min_size}")
    if error_budget is not None and model != "full":
        raise ValueError("an error budget is weighed against the full success estimate: use model='full'")
    backend = get_backend(backend) if isinstance(backend, str) else backend
    if error_budget is not None:
        max_size = min(max_size, reference_signal(None).size)
    reports: list[HardwareReport] = []
    choices: list[TradeChoice] = []
    best = None
    stopped = f"reached max_size {max_size}"
    sizes = progress(_doubling(min_size, max_size), desc=f"feasibility on {backend_label(backend)}", unit="size",
                     total=max(0, max_size.bit_length() - min_size.bit_length() + 1))
    for n in sizes:
        w = None if window is None else min(int(window), n)
        prog = synthetic_program(n, w, variant, seed=seed)
        if prog.num_qubits + (error_budget is not None) > backend.target.num_qubits:
            stopped = f"N={n} needs {prog.num_qubits} qubits, more than the backend's {backend.target.num_qubits}"
            break
        if error_budget is None:
            rep = resource_report(prog, backend, stages=False, optimization_level=optimization_level,
                                  seed_transpiler=seed, placement=model)
        else:
            choices.append(choose_trades(reference_signal(n), backend, error_budget, window=w or default_window(n),
                                         variant=variant, optimization_level=optimization_level, seed=seed))
            rep = choices[-1].report
        reports.append(rep)
        esp = rep.success.total if model == "full" else rep.success.gates_readout
        if esp < floor:
            stopped = f"N={n}: estimate {esp:.3g} below floor {floor:g}"
            break
        best = n
    return Feasibility(backend_label(backend), float(floor), best, reports, stopped, error_budget, choices)
