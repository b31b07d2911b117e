"""Where and how a problem runs: backend names, the rule behind ``backend=None``, default shots
and the memory check (:mod:`~qdn.execution.backends`); Aer and sampler runs
(:mod:`~qdn.execution.runs`, :mod:`~qdn.execution.transpile`); the readout from statevector or
counts back to amplitudes (:mod:`~qdn.execution.readout`); and the one executor every front door
calls (:mod:`~qdn.execution.executor`).

May import: :mod:`qdn.common`, :mod:`qdn.classical`, :mod:`qdn.circuits`, :mod:`qdn.emulator`.
Noise is handed in by the caller (a runner object), never imported.
"""
