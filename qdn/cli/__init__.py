"""qdn.cli: the ``qdn`` command line.

This layer owns argument parsing, exit codes and one-line error messages of the ``qdn``
commands: ``denoise``, ``circuit`` and ``bench`` (:mod:`qdn.cli.main`), ``resources``, ``run``
and ``jobs`` on IBM Quantum (:mod:`qdn.cli.hardware`), and the argument types and noise
options they share (:mod:`qdn.cli.args`). It is the top layer: it may import every other layer
of qdn (api, io, hardware, noise, classical, circuits, ...), and nothing in qdn imports it
(``python -m qdn`` and the ``qdn`` script enter through :func:`main`). Inside it,
``main`` imports ``hardware`` and ``args``, ``hardware`` imports ``args``, and ``args`` imports
neither.
"""

from .main import main

__all__ = ["main"]
