r"""Stage 3b, *amplify*: amplitude amplification about the prepared state, and its schedules.

One round with phases ``(alpha, beta)`` is

.. math::

    G(\alpha, \beta) = -\,A\, S_0(\alpha)\, A^\dagger\, O(\beta),\qquad
    S_0(\alpha) = I + (e^{i\alpha} - 1)|0\rangle\langle 0|,

with ``A`` = encode then QFT and ``O`` the oracle (:mod:`qdn.circuits.oracle`), built with Qiskit's
:func:`~qiskit.circuit.library.grover_operator` (which supplies the ``-1``). The reflection is
about the *prepared* state ``A|0>``, never the uniform superposition. In the plane of the good
and bad components of ``A|0> = sin(theta)|g> + cos(theta)|b>`` every schedule is a product of
2x2 matrices, which is how :meth:`Schedule.success_probability` and the emulator evaluate it.

Schedules (shared/DESIGN.md §1):

``"exact"``
    Phase-matched amplification (G. L. Long, PRA 64, 022307 (2001); Brassard, Høyer, Mosca,
    Tapp, quant-ph/0005055 §2): ``J = ceil((pi/2 - theta) / (2 theta))`` rounds with
    ``alpha = beta = 2 arcsin(sin(pi / (4J + 2)) / sin(theta))``; success probability 1.
``"grover"``
    The paper's pi phases, ``floor(pi / (4 theta))`` rounds; success ``sin^2((2J + 1) theta)``.
``"postselect"``
    No amplification: the kept bins are computed into a ``flag`` qubit that is measured with
    the signal; a shot is kept when ``flag = 1`` and ``anc = 0`` (probability: the marked weight).
    The cheapest circuit; ``1 / weight`` times the shots.
``"grover-1"``
    One round with pi phases, then the flag as for ``"postselect"``: success ``sin^2(3 theta)``
    and a clean readout although one round does not reach the good subspace.
``"fixed-point"``
    Yoder, Low, Chuang, PRL 113, 210501 (2014): ``L = 2l + 1`` queries with
    ``gamma^-1 = T_{1/L}(1/delta)``, ``alpha_j = 2 arccot(tan(2 pi j / L) sqrt(1 - gamma^2))``
    and oracle phase ``-beta_j = alpha_{l - j + 1}``; success ``>= 1 - delta^2`` for every weight
    ``>= min_weight``, without knowing the weight.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from qiskit import QuantumCircuit
from qiskit.circuit.library import grover_operator

from .gates import pattern_phase
from ..common.registry import lookup
from .registers import reflection_qubits

__all__ = [
    "SCHEDULES",
    "Schedule",
    "exact_schedule",
    "grover_schedule",
    "fixed_point_schedule",
    "postselect_schedule",
    "make_schedule",
    "zero_reflection",
    "amplification_round",
]

@dataclass(frozen=True)
class Schedule:
    """A sequence of rounds ``G(alpha_r, beta_r)``: reflection phases ``alpha`` and oracle
    phases ``beta`` (applied as ``exp(i beta)`` on the good subspace)."""

    name: str
    alphas: tuple[float, ...]
    betas: tuple[float, ...]
    #: the kept bins are also computed into a measured ``flag`` qubit (post-selected readout)
    flag: bool = False

    @property
    def iterations(self) -> int:
        return len(self.alphas)

    def plane_matrices(self, weight: float) -> np.ndarray:
        """The rounds as 2x2 matrices on the (good, bad) basis, for marked weight ``weight``."""
        th = np.arcsin(np.sqrt(np.clip(weight, 0.0, 1.0)))
        psi = np.array([np.sin(th), np.cos(th)])
        proj = np.outer(psi, psi)
        mats = []
        for a, b in zip(self.alphas, self.betas):
            s0 = np.eye(2) + (np.exp(1j * a) - 1.0) * proj
            o = np.diag([np.exp(1j * b), 1.0])
            mats.append(-s0 @ o)
        return np.array(mats).reshape(-1, 2, 2)

    def final_coefficients(self, weight: float) -> np.ndarray:
        """Coefficients ``(c_good, c_bad)`` of the final state on the unit good and bad vectors."""
        th = np.arcsin(np.sqrt(np.clip(weight, 0.0, 1.0)))
        state = np.array([np.sin(th), np.cos(th)], dtype=complex)
        for mat in self.plane_matrices(weight):
            state = mat @ state
        return state

    def success_probability(self, weight: float) -> float:
        """Probability of the good subspace after the schedule."""
        return float(abs(self.final_coefficients(weight)[0]) ** 2)


def _theta(weight: float) -> float:
    if not 0.0 < weight <= 1.0:
        raise ValueError(f"marked weight must lie in (0, 1], got {weight}")
    return float(np.arcsin(np.sqrt(weight)))


def exact_schedule(weight: float) -> Schedule:
    """Phase-matched schedule reaching the good subspace with certainty."""
    th = _theta(weight)
    if th >= np.pi / 2 - 1e-12:
        return Schedule("exact", (), ())
    rounds = int(np.ceil((np.pi / 2 - th) / (2 * th) - 1e-12))
    phi = 2.0 * np.arcsin(min(1.0, np.sin(np.pi / (4 * rounds + 2)) / np.sin(th)))
    return Schedule("exact", (phi,) * rounds, (phi,) * rounds)


def grover_schedule(weight: float) -> Schedule:
    """The paper's schedule: pi phases, ``floor(pi / (4 theta))`` rounds."""
    th = _theta(weight)
    rounds = int(np.floor(np.pi / (4 * th)))
    return Schedule("grover", (np.pi,) * rounds, (np.pi,) * rounds)


def postselect_schedule(weight: float, rounds: int = 0) -> Schedule:
    """``rounds`` rounds with pi phases (none: ``"postselect"``; one: ``"grover-1"``), read out
    through the flag qubit; success ``sin^2((2 rounds + 1) theta)``."""
    _theta(weight)
    return Schedule("postselect" if rounds == 0 else f"grover-{rounds}", (np.pi,) * rounds, (np.pi,) * rounds,
                    flag=True)


def fixed_point_schedule(min_weight: float, delta: float = 0.05) -> Schedule:
    """Yoder–Low–Chuang fixed-point schedule: success ``>= 1 - delta**2`` for weight ``>= min_weight``."""
    if not 0.0 < min_weight <= 1.0:
        raise ValueError(f"min_weight must lie in (0, 1], got {min_weight}")
    if not 0.0 < delta < 1.0:
        raise ValueError(f"delta must lie in (0, 1), got {delta}")
    queries = int(np.ceil(np.log(2.0 / delta) / np.sqrt(min_weight)))
    queries += queries % 2 == 0  # L = 2l + 1 is odd
    rounds = (queries - 1) // 2
    gamma = 1.0 / np.cosh(np.arccosh(1.0 / delta) / queries)
    alphas = [
        2.0 * np.arctan2(1.0, np.tan(2 * np.pi * r / queries) * np.sqrt(1 - gamma**2))
        for r in range(1, rounds + 1)
    ]
    # beta_r = -alpha_{l-r+1}; the oracle phase in G(alpha, beta) = -A S0 A^dag O carries the sign
    betas = [alphas[rounds - r] for r in range(1, rounds + 1)]
    return Schedule("fixed-point", tuple(alphas), tuple(betas))


#: Schedule name -> factory ``(weight, min_weight, delta) -> Schedule``. ``"fixed-point"`` uses
#: only ``min_weight`` (default: the weight): it does not depend on the actual weight.
SCHEDULES = {
    "exact": lambda weight, min_weight, delta: exact_schedule(weight),
    "grover": lambda weight, min_weight, delta: grover_schedule(weight),
    "fixed-point": lambda weight, min_weight, delta: fixed_point_schedule(
        weight if min_weight is None else min_weight, delta
    ),
    "postselect": lambda weight, min_weight, delta: postselect_schedule(weight, 0),
    "grover-1": lambda weight, min_weight, delta: postselect_schedule(weight, 1),
}


def make_schedule(name: str, weight: float, *, min_weight: float | None = None, delta: float = 0.05) -> Schedule:
    """Schedule by name (:data:`SCHEDULES`). ``weight`` is the marked weight of the prepared state."""
    return lookup(SCHEDULES, "schedule", name)(weight, min_weight, delta)


def zero_reflection(template: QuantumCircuit, alpha: float) -> QuantumCircuit:
    """``S_0(alpha)`` on the reflection qubits of ``template`` (all but ``work``)."""
    inner = template.copy_empty_like(name="zero_reflection", vars_mode="drop")
    qubits = reflection_qubits(inner)
    pattern_phase(inner, qubits, [0] * len(qubits), alpha)
    # wrapped as one named instruction so noise and resource reports can target the stage
    qc = template.copy_empty_like(name="zero_reflection", vars_mode="drop")
    qc.append(inner.to_gate(), qc.qubits)
    return qc


def amplification_round(
    state_preparation: QuantumCircuit, oracle: QuantumCircuit, alpha: float
) -> QuantumCircuit:
    """One round ``-A S_0(alpha) A^dag O``; ``oracle`` already carries its phase beta."""
    q = grover_operator(
        oracle,
        state_preparation=state_preparation,
        zero_reflection=zero_reflection(oracle, alpha),
        reflection_qubits=reflection_qubits(oracle),
        name="amplify",
    )
    return q
