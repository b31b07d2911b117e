"""What a local noisy simulation will cost, before it runs.

Aer's time for a noisy run of ``gates`` gates on ``q`` active qubits is modelled as
``overhead + c_method * gates * work``, with ``work = 4**q`` for the density-matrix method (one
pass for every shot) and ``shots * 2**q`` for statevector trajectories (one per shot). The
constants were fitted by ``benchmarks/local_noise_cost.py`` on this project's 2-core machine
(FakeTorino's noise model, qdn's circuits, 6 to 17 active qubits, 20 to 4,000 shots; every
estimate within the factor given in ``benchmarks/results/local_noise_cost.md``). Other machines
differ by their speed: treat the estimate as an order of magnitude.
"""

from __future__ import annotations

__all__ = [
    "SECONDS_PER_UNIT",
    "OVERHEAD_S",
    "FUSION_THRESHOLD",
    "FUSED_STATEVECTOR_SECONDS_PER_UNIT",
    "DEFAULT_MAX_SECONDS",
    "PROGRESS_AFTER_S",
    "estimate_seconds",
    "cost_message",
]

#: Fitted seconds per (gate x amplitude work unit), per Aer method.
SECONDS_PER_UNIT = {"density_matrix": 3.0e-8, "statevector": 5.0e-9}
#: Aer fuses gates on circuits of more than ``FUSION_THRESHOLD`` qubits (its default
#: ``fusion_threshold``): statevector trajectories then cost less per gate (measured 1.3e-9 s
#: per unit at 17 qubits against 3.4e-9 to 6.9e-9 at 7 and 14).
FUSION_THRESHOLD = 14
FUSED_STATEVECTOR_SECONDS_PER_UNIT = 1.4e-9
#: Fixed cost of a run (simulator set-up with the device noise model: about 4 s for FakeTorino).
OVERHEAD_S = 4.0
#: A local noisy run estimated to take longer is refused unless the caller raises the limit.
DEFAULT_MAX_SECONDS = 300.0
#: Runs estimated longer than this show a progress bar (on an interactive terminal).
PROGRESS_AFTER_S = 10.0


def estimate_seconds(method: str, active_qubits: int, gates: int, shots: int) -> float:
    """Estimated seconds of Aer's run (see the module docstring)."""
    if method == "density_matrix":
        return OVERHEAD_S + SECONDS_PER_UNIT[method] * gates * 4**active_qubits
    per_unit = FUSED_STATEVECTOR_SECONDS_PER_UNIT if active_qubits > FUSION_THRESHOLD else SECONDS_PER_UNIT[method]
    return OVERHEAD_S + per_unit * gates * shots * 2**active_qubits


def cost_message(estimate: float, limit: float, *, method: str, active_qubits: int, gates: int, shots: int) -> str:
    """The refusal: the estimate, the limit and the cheaper choices."""
    return (
        f"this noisy simulation is estimated at {estimate:.0f} s ({method}, {active_qubits} active qubits, "
        f"{gates} gates, {shots} shots) on a machine like this project's, over the {limit:.0f} s limit; "
        "cheaper: variant='compact', fewer shots, a smaller signal or window, or backend='emulator' with "
        "noise=PhaseNoise(...) on the Fourier stages; or raise the limit with max_seconds= "
        "(qdn run: --max-minutes)"
    )
