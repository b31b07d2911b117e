"""One BLAS thread while the patch loop runs (a speed measure; results are unchanged).

Every patch is a small dense problem (a 256x256 ``eigh`` for a 16x16 patch, a few matrix-vector
products). OpenBLAS splits even these over all cores, and on a busy machine its threads wait on
one another: measured on this project's 2-core machine under load (load average 4 to 6), a
256x256 ``scipy.linalg.eigh`` took 0.28 s with OpenBLAS's default threads and 0.011 s with one,
and a 128x128 image 40 s to 60 s against 4 s to 8 s (``OPENBLAS_NUM_THREADS=1``).

:func:`single_thread_blas` is ``threadpoolctl.threadpool_limits.wrap(limits=1, user_api="blas")``:
every BLAS the process has loaded (NumPy's and SciPy's) runs one thread inside the block or the
decorated function, and the counts are restored on exit. Nothing is set until the block is
entered. The setting is process-wide while the block runs.
"""

from __future__ import annotations

from threadpoolctl import threadpool_limits

__all__ = ["single_thread_blas"]


def single_thread_blas():
    """A context manager (and decorator) running its block with one BLAS thread."""
    return threadpool_limits.wrap(limits=1, user_api="blas")
