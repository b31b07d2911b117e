"""The quantum circuits, each stage a plain builder that returns a ``QuantumCircuit``: register
layout and frame (:mod:`~qdn.circuits.layout`, :mod:`~qdn.circuits.registers`), the encode stage
and its UCRY multiplexor (:mod:`~qdn.circuits.encode`, :mod:`~qdn.circuits.multiplexor`), the
windowed QFT (:mod:`~qdn.circuits.qft`), the comparators and oracles for 1-D windows and 2-D
patches (:mod:`~qdn.circuits.comparator`, :mod:`~qdn.circuits.oracle`), amplitude amplification
and its schedules (:mod:`~qdn.circuits.amplification`), the problem that assembles them
(:mod:`~qdn.circuits.problem`) and the QFT / wavelet baselines (:mod:`~qdn.circuits.baselines`).

May import: :mod:`qdn.common`, :mod:`qdn.classical`. Backends stay out: nothing here runs a circuit.
"""
