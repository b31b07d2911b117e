"""Shared plumbing with no knowledge of denoising: input validation and padding
(:mod:`~qdn.common.validation`), registries and their "unknown X; valid: ..." message
(:mod:`~qdn.common.registry`), progress bars (:mod:`~qdn.common.progress`).

May import: nothing of qdn (NumPy and tqdm only). Every other layer may import it.
"""
