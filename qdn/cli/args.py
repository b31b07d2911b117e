"""Argument types and noise options shared by the ``qdn`` sub-commands.

The ``type=`` converters of :mod:`argparse` (:func:`threshold_arg`, :func:`noise_arg`,
:func:`positive_int`, :func:`window_arg`, :func:`floor_arg`) raise
:class:`argparse.ArgumentTypeError` with the message the user sees; :data:`NOISE_KINDS` lists the
``--noise`` kinds and :func:`add_noise` applies a parsed ``--noise`` to a signal or an image.
:class:`Parser` is the parser of every ``qdn`` command: an option error is one line (no usage
block), raised as :class:`UsageError` for :func:`qdn.cli.main` to print and exit 2.
"""

from __future__ import annotations

import argparse

import numpy as np

__all__ = ["NOISE_KINDS", "Parser", "UsageError", "threshold_arg", "noise_arg", "positive_int", "window_arg", "shifts_arg",
           "floor_arg", "add_noise"]

class UsageError(Exception):
    """A command-line option error: one line, exit code 2."""


class Parser(argparse.ArgumentParser):
    """:class:`argparse.ArgumentParser` whose errors are one line naming the command and the
    problem (``qdn denoise: error: argument --window: ...``), raised as :class:`UsageError`
    instead of printing the usage block and exiting; sub-parsers inherit the class."""

    def error(self, message: str):
        raise UsageError(f"{self.prog}: error: {' '.join(message.split())} (see {self.prog} --help)")


#: ``--noise KIND:VALUE`` kinds and what VALUE means.
NOISE_KINDS = {
    "awgn": "AWGN at SNR_DB (e.g. awgn:15)",
    "poisson": "Poisson counts with SCALE photons per unit (e.g. poisson:30)",
    "phase": "the paper's quantum phase noise EPS on a QFT+IQFT of the signal (2-D QFT for images) (e.g. phase:0.1)",
    "awgn+phase": "AWGN 15 dB then phase noise EPS (e.g. awgn+phase:0.1)",
    "bitflip+phase": "bit flips P after each H, with phase noise 0.1 (e.g. bitflip+phase:0.01)",
}


def threshold_arg(text: str):
    """``--threshold``: ``"auto"`` or an integer bin count."""
    if text == "auto":
        return "auto"
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"threshold must be 'auto' or an integer, got {text!r}") from None


def noise_arg(text: str) -> tuple[str, float]:
    """``--noise KIND:VALUE`` as ``(kind, value)``; KIND one of :data:`NOISE_KINDS`."""
    kind, _, value = text.partition(":")
    if kind not in NOISE_KINDS or not value:
        valid = "; ".join(f"{k}: {v}" for k, v in NOISE_KINDS.items())
        raise argparse.ArgumentTypeError(f"bad noise {text!r}; valid: {valid}")
    try:
        return (kind, float(value))
    except ValueError:
        raise argparse.ArgumentTypeError(f"bad number in {text!r}") from None


def positive_int(text: str) -> int:
    """An integer >= 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {value}")
    return value


def window_arg(text: str) -> int | str:
    """``--window``: ``auto`` or a power of two >= 2 (``0`` is an error, not the default)."""
    if text == "auto":
        return text
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"window must be 'auto' or a power of two >= 2, got {text!r}") from None
    if value < 2 or value & (value - 1):
        raise argparse.ArgumentTypeError(f"window must be a power of two >= 2, got {value}")
    return value


def shifts_arg(text: str) -> int | str:
    """``--shifts``: ``auto`` or a power of two >= 1."""
    if text == "auto":
        return text
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"shifts must be 'auto' or a power of two >= 1, got {text!r}") from None
    if value < 1 or value & (value - 1):
        raise argparse.ArgumentTypeError(f"shifts must be 'auto' or a power of two >= 1, got {value}")
    return value


def floor_arg(text: str) -> float:
    """``--floor``: a success-probability floor in (0, 1]."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"floor must be a number in (0, 1], got {text!r}") from None
    if not 0.0 < value <= 1.0:
        raise argparse.ArgumentTypeError(f"floor must lie in (0, 1], got {value}")
    return value


def add_noise(y: np.ndarray, spec: tuple[str, float], seed: int) -> np.ndarray:
    """``y`` (a signal or an image) with the noise ``spec`` of :func:`noise_arg` added."""
    from qdn import noise as cn

    kind, value = spec
    if kind == "awgn":
        return cn.awgn(y, value, seed=seed)
    if kind == "poisson":
        return cn.poisson(y - min(0.0, float(y.min())), scale=value, seed=seed)
    from qdn.noise import quantum as qn

    if kind == "phase":
        return qn.phase_noise_signal(y, value, seed=seed)
    if kind == "awgn+phase":
        return qn.awgn_phase(y, 15.0, value, seed=seed)
    return qn.bitflip_phase(y, value, 0.1, seed=seed)
