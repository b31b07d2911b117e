"""The front doors: :func:`qdn.denoise` (signals, images, every method;
:mod:`~qdn.api.signal`), :func:`qdn.denoise_image` (:mod:`~qdn.api.image`),
:func:`qdn.denoise_state` (quantum input; :mod:`~qdn.api.state`), the non-qdn methods
(:mod:`~qdn.api.methods`), the result objects (:mod:`~qdn.api.results`) and the planner they all
share (:mod:`~qdn.api.plan`). Each front door validates, plans, calls
:func:`qdn.execution.executor.execute` and decodes.

May import: every lower layer (common, classical, circuits, emulator, execution, noise). Imported
by :mod:`qdn.hardware`, :mod:`qdn.cli` and the top-level tools.
"""
