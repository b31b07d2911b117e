"""Everything computed classically, in NumPy/SciPy/PyWavelets, for 1-D windows and N-D patches
alike: windowing (:mod:`~qdn.classical.windows`), the amplitude map
(:mod:`~qdn.classical.amplitude_map`), frequency masks, noise level, SURE cutoffs and threshold
specifications (:mod:`~qdn.classical.thresholds`, :mod:`~qdn.classical.global_cutoffs`), the
classical reference every circuit must equal (:mod:`~qdn.classical.reference`), the classical
denoisers qdn is compared with (:mod:`~qdn.classical.denoisers`) and the metrics
(:mod:`~qdn.classical.metrics`).

May import: :mod:`qdn.common`. No Qiskit.
"""
