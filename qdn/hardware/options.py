"""Options of the client-side Sampler: shots, simulator seed, error suppression and mitigation.

:func:`sampler_options` checks and assembles the options qdn passes to
``qiskit_ibm_runtime.executor_sampler.Sampler`` as a plain, JSON-serialisable dict (the journal
keeps it): dynamical decoupling, Pauli twirling of gates and measurements, an execution-time
limit, and any other ``SamplerOptions`` field, merged last with :func:`merge_options`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from .service import one_line, require_runtime

__all__ = ["DD_SEQUENCES", "TWIRL_CHOICES", "merge_options", "sampler_options"]

#: Dynamical-decoupling sequences the Sampler offers.
DD_SEQUENCES = ("XX", "XpXm", "XY4")
#: What :func:`sampler_options` can twirl.
TWIRL_CHOICES = ("none", "gates", "measure", "all")


def merge_options(base: dict, extra: Mapping) -> dict:
    """``base`` updated with ``extra``, nested dicts merged key by key (``base`` is not changed)."""
    out = dict(base)
    for k, v in extra.items():
        out[k] = merge_options(out[k], v) if isinstance(v, Mapping) and isinstance(out.get(k), dict) else v
    return out


def sampler_options(
    *,
    shots: int = 4096,
    seed: int | None = None,
    local: bool = True,
    dynamical_decoupling: str | bool | None = None,
    twirl: str = "none",
    num_randomizations: int | str = "auto",
    shots_per_randomization: int | str = "auto",
    max_execution_time: int | None = None,
    options: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Options of the client-side Sampler as a plain (JSON-serialisable) dict.

    Parameters
    ----------
    shots : int
        ``default_shots``.
    seed : int, optional
        ``simulator.seed_simulator`` (local testing mode only).
    local : bool
        Whether the run is simulated (simulator options are only sent then).
    dynamical_decoupling : {"XX", "XpXm", "XY4"}, True or None
        Enable DD with that sequence (True: "XX"); scheduling ALAP.
    twirl : {"none", "gates", "measure", "all"}
        Pauli twirling of 2-qubit gate layers and/or measurements.
    num_randomizations, shots_per_randomization : int or "auto"
        Twirling randomizations.
    max_execution_time : int, optional
        Seconds of QPU time after which the service cancels the job.
    options : mapping, optional
        Any other ``SamplerOptions`` field, merged last (nested dicts merge).

    The client-side Sampler of qiskit-ibm-runtime 0.51 has no readout-error mitigation option
    (TREX/M3 are Estimator or add-on features); ``twirl="measure"`` symmetrises readout errors.
    """
    require_runtime()
    from qiskit_ibm_runtime.options_models import SamplerOptions

    if not isinstance(shots, (int, np.integer)) or isinstance(shots, bool) or shots < 1:
        raise ValueError(f"shots must be a positive integer, got {shots!r}")
    if twirl not in TWIRL_CHOICES:
        raise ValueError(f"twirl must be one of {', '.join(TWIRL_CHOICES)}, got {twirl!r}")
    dd = "XX" if dynamical_decoupling is True else (dynamical_decoupling or None)
    if dd is not None and dd not in DD_SEQUENCES:
        raise ValueError(f"dynamical_decoupling must be one of {', '.join(DD_SEQUENCES)}, got {dd!r}")
    opts: dict[str, Any] = {
        "default_shots": int(shots),
        "dynamical_decoupling": {"enable": dd is not None, **({"sequence_type": dd} if dd else {})},
        "twirling": {
            "enable_gates": twirl in ("gates", "all"),
            "enable_measure": twirl in ("measure", "all"),
            "num_randomizations": num_randomizations,
            "shots_per_randomization": shots_per_randomization,
        },
    }
    if max_execution_time is not None:
        opts["max_execution_time"] = int(max_execution_time)
    if local and seed is not None:
        opts["simulator"] = {"seed_simulator": int(seed)}
    if options:
        opts = merge_options(opts, options)
    try:
        SamplerOptions(**opts)
    except Exception as exc:  # noqa: BLE001 - pydantic validation error
        raise ValueError(f"invalid sampler options: {one_line(exc)}") from None
    return opts
