"""qdn.batch: many files denoised on Dask (``distributed``), resumable, with the results of
``qdn denoise`` run file by file (``qdn batch``, :func:`denoise_files`).

Modules, one job each: :mod:`~qdn.batch.discovery` (which files), :mod:`~qdn.batch.manifest`
(the JSON-lines record of finished items), :mod:`~qdn.batch.plan` (skip, redo or refuse each
item), :mod:`~qdn.batch.task` (one file on a worker), :mod:`~qdn.batch.outputs` (staging and
putting outputs in place), :mod:`~qdn.batch.driver` (the Dask client and the pass over the
tasks), :mod:`~qdn.batch.campaign` (IBM backends: one ``Batch`` of journaled jobs),
:mod:`~qdn.batch.summary` and :mod:`~qdn.batch.runner` (:func:`denoise_files`).

Layer: above ``api``, ``io``, ``hardware`` and the leaf modules of the command line
(:mod:`qdn.cli.files`, :mod:`qdn.cli.args`); below :mod:`qdn.cli.main` and :mod:`qdn.cli.batch`,
which are the only modules that import it.
"""

from .discovery import INPUT_SUFFIXES, Item, discover
from .manifest import MANIFEST_NAME, Manifest
from .runner import DEFAULT_OPTIONS, denoise_files, is_hardware_backend
from .summary import BatchSummary

__all__ = ["denoise_files", "BatchSummary", "DEFAULT_OPTIONS", "discover", "Item", "INPUT_SUFFIXES",
           "Manifest", "MANIFEST_NAME", "is_hardware_backend"]
