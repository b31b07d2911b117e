"""The exact emulator: the circuits' output amplitudes computed with NumPy FFTs (O(N log M)
time, O(N) memory) for sizes no simulator holds — the qdn pipeline on 1-D windows and 2-D
patches (:mod:`~qdn.emulator.spectral`), the quantum baselines (:mod:`~qdn.emulator.baselines`),
and one entry point per problem type (:func:`~qdn.emulator.problems.emulate`).

May import: ``qdn.common``, ``qdn.classical``, ``qdn.circuits`` (problem types and schedules).
"""
