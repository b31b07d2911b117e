"""qdn.hardware: qdn circuits on IBM Quantum backends (real devices and fake-provider models).

This layer owns everything between a signal and a backend of the IBM service: backends and
account access (:mod:`~qdn.hardware.service`), the qdn program of a signal (:mod:`~qdn.hardware.program`),
ISA circuits and their placement (:mod:`~qdn.hardware.isa`, :mod:`~qdn.hardware.placement`),
counting (:mod:`~qdn.hardware.cost`), the success estimate and its error model
(:mod:`~qdn.hardware.success`, :mod:`~qdn.hardware.error_model`), resource and feasibility reports
(:mod:`~qdn.hardware.reports`, :mod:`~qdn.hardware.feasibility`), the hardware trades chosen
from an output-error budget (:mod:`~qdn.hardware.budget`), and the backend-free stage tables of :mod:`~qdn.hardware.resources`),
Sampler options (:mod:`~qdn.hardware.options`), and journaled runs that survive a crash
(:mod:`~qdn.hardware.journal`, :mod:`~qdn.hardware.jobs`, :mod:`~qdn.hardware.runs`). It sits
above every other layer and may import any of them (common, classical, circuits, emulator,
execution, noise, api, io); nothing imports it except the command line (:mod:`qdn.cli`) and the
top-level export tool (:mod:`qdn.export`). The names below are its public API.
"""

from .cost import STAGE_NAMES, CircuitCounts, circuit_counts, split_stages
from .isa import DEFAULT_OPTIMIZATION_LEVEL, check_isa, prepare
from .options import sampler_options
from .program import DEFAULT_VARIANT, QdnProgram, build_program, program_from_params, synthetic_program
from .budget import Trades, TradeChoice, choose_trades, output_error
from .feasibility import Feasibility, feasibility
from .reports import HardwareReport, resource_report
from .runs import HardwareRun, fetch, run_denoise, submit
from .service import TOKEN_ENV, HardwareAccessError, get_backend, is_local, open_service, scrub
from .success import SuccessEstimate, estimate_success

__all__ = [
    "HardwareAccessError",
    "TOKEN_ENV",
    "DEFAULT_OPTIMIZATION_LEVEL",
    "DEFAULT_VARIANT",
    "STAGE_NAMES",
    "QdnProgram",
    "build_program",
    "program_from_params",
    "synthetic_program",
    "prepare",
    "check_isa",
    "CircuitCounts",
    "circuit_counts",
    "split_stages",
    "SuccessEstimate",
    "estimate_success",
    "HardwareReport",
    "resource_report",
    "Feasibility",
    "feasibility",
    "Trades",
    "TradeChoice",
    "choose_trades",
    "output_error",
    "get_backend",
    "is_local",
    "open_service",
    "sampler_options",
    "HardwareRun",
    "submit",
    "fetch",
    "run_denoise",
    "scrub",
]
