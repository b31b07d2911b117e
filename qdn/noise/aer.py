"""Reading an Aer ``NoiseModel`` through its public API: which error it puts after a gate, and
whether it would apply any error at all to a circuit.

:func:`error_for` asks ``qiskit_aer.utils.insert_noise`` (Aer's own rule: the error local to the
gate's qubits, else the all-qubit one) on a one-gate probe circuit; readout errors are read from
``NoiseModel.to_dict()``, and only when a measurement could be the sole match.
"""

from __future__ import annotations

from collections.abc import Sequence

from qiskit import QuantumCircuit
from qiskit.circuit import Instruction

__all__ = ["error_for", "check_noise_model_matches"]


def error_for(noise_model, name: str, qubits: Sequence[int]) -> Instruction | None:
    """The model's quantum error for gate ``name`` on ``qubits`` (local first, else all-qubit),
    as the instruction Aer inserts after the gate; None when there is none."""
    qubits = [int(q) for q in qubits]
    if name not in noise_model.noise_instructions:
        return None
    from qiskit_aer.utils import insert_noise

    probe = QuantumCircuit(max(qubits, default=-1) + 1)
    probe.append(Instruction(name, len(qubits), 0, []), qubits)
    noisy = insert_noise(probe, noise_model)
    return noisy.data[1].operation if len(noisy.data) > 1 else None


def _readout_errors(noise_model) -> tuple[bool, set[tuple[int, ...]]]:
    """(whether the model has an all-qubit readout error, the qubits with a local one)."""
    default, local = False, set()
    for err in noise_model.to_dict()["errors"]:
        if err["type"] != "roerror":
            continue
        if "gate_qubits" in err:
            local.update(tuple(int(q) for q in qs) for qs in err["gate_qubits"])
        else:
            default = True
    return default, local


def check_noise_model_matches(circuit: QuantumCircuit, noise_model) -> None:
    """Raise ``ValueError`` when ``noise_model`` would apply no error to ``circuit``.

    ``circuit`` is the circuit as it will run (lowered; physical qubit indices for a backend).
    A gate matches when the model has an error for its name on its qubits (or for its name on all
    qubits); a measurement matches a readout error.
    """
    present: set[tuple[str, tuple[int, ...]]] = set()
    for inst in circuit.data:
        present.add((inst.operation.name, tuple(circuit.find_bit(q).index for q in inst.qubits)))
    for name, qubits in present:
        if error_for(noise_model, name, qubits) is not None:
            return
    measured = {qubits for name, qubits in present if name == "measure"}
    if measured and "measure" in noise_model.noise_instructions:
        ro_default, ro_local = _readout_errors(noise_model)
        if ro_default or measured & ro_local:
            return
    names = sorted({n for n, _ in present} - {"barrier"})
    raise ValueError(
        f"the noise model expects gates {sorted(noise_model.noise_instructions)} "
        f"(on qubits {sorted(noise_model.noise_qubits) or 'all'}), but the circuit it would run on "
        f"has gates {names}: it would be a silent no-op. Lower the circuit to the model's basis "
        f"{list(noise_model.basis_gates)} or attach the errors to gates that are present"
    )
