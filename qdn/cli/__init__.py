"""qdn.cli: the ``qdn`` command line.

This layer owns argument parsing, exit codes and one-line error messages of the ``qdn``
commands: ``denoise``, ``circuit`` and ``bench`` (:mod:`qdn.cli.main`), ``resources``, ``run``
and ``jobs`` on IBM Quantum (:mod:`qdn.cli.hardware`), the argument types, parser and noise
options they share (:mod:`qdn.cli.args`), and their input and output files
(:mod:`qdn.cli.files`: outputs checked before any work and written together at the end, input
failures as one line naming the file). It is the top layer: it may import every other layer
of qdn (api, io, hardware, noise, classical, circuits, ...), and nothing in qdn imports it
(``python -m qdn`` and the ``qdn`` script enter through :func:`main`). Inside it,
``main`` imports ``hardware``, ``batch``, ``args`` and ``files``, ``hardware`` imports ``args`` and
``files``, and ``args`` and ``files`` import neither. ``qdn batch`` (:mod:`qdn.cli.batch`) runs
:mod:`qdn.batch`, which sits between: it imports ``args`` and ``files``, never ``main``.
"""

from .main import main

__all__ = ["main"]
