"""``qdn.denoise``: one front door for signals (and images) and every method.

Each method is a runner in :data:`METHODS`; qdn itself is plan (:func:`qdn.api.plan.plan`) then
execute (:func:`qdn.execution.executor.execute`) then decode.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .image import denoise_image
from .methods import QUANTUM_BASELINES, run_baseline, run_classical
from .plan import plan
from .results import DenoiseResult, ImageDenoiseResult
from ..classical.denoisers import CLASSICAL_METHODS
from ..classical.thresholds import side_mask
from ..common.registry import lookup
from ..common.validation import as_signal, check_bool, check_int, check_seed, check_window, data_ndim, pad_pow2
from ..execution.backends import check_backend, check_shots, default_variant
from ..execution.cost import DEFAULT_MAX_SECONDS
from ..execution.executor import execute
from ..noise.runs import NoisyExecution

__all__ = ["denoise", "METHODS", "IMAGE_METHODS"]


def _qdn(y: np.ndarray, *, window: int, threshold: Any, schedule: str, variant: str, two_sided: bool, encoding: str,
         floor: float, mean_bits: int, min_weight: float | None, delta: float, backend: Any, shots: int | None,
         seed: int | None, noise: Any, device: str = "CPU", max_seconds: float | None = None,
         **_: Any) -> DenoiseResult:
    """The qdn pipeline on a padded signal: plan, execute (with ``noise`` if given), decode."""
    p = plan(y, window, threshold=threshold, schedule=schedule, variant=variant, mask=side_mask(two_sided),
             encoding=encoding, floor=floor, mean_bits=mean_bits, min_weight=min_weight, delta=delta)
    readout = execute(p.problem, p.schedule, backend, shots=shots, seed=seed, device=device, max_seconds=max_seconds,
                      noise=None if noise is None else NoisyExecution(noise))
    return DenoiseResult(
        denoised=p.decode(readout), circuit=readout.circuit, thresholds=p.problem.thresholds,
        iterations=p.schedule.iterations, schedule=p.schedule, marked_weight=p.weight,
        success_probability=p.schedule.success_probability(p.weight), backend=readout.backend,
        shots=readout.shots, layout=p.layout, amplitude_map=p.amplitude_map, state=readout.state,
        counts=readout.counts, simulation=readout.simulation,
    )


#: Method name -> runner ``(padded data, **options) -> DenoiseResult``.
METHODS = {
    "qdn": _qdn,
    **{name: (lambda y, _m=name, **kw: run_baseline(_m, y, **kw)) for name in QUANTUM_BASELINES},
    **{name: (lambda y, _m=name, **kw: run_classical(_m, y, **kw)) for name in CLASSICAL_METHODS},
}
#: Methods that take 2-D input ("qdn" through :func:`qdn.denoise_image`).
IMAGE_METHODS = ("qdn", "qft", "qwt", "fft-window")


def _denoise_2d(image, window: int, method: str, *, pad: bool, noise: Any, two_sided: bool, **options: Any):
    """2-D input: qdn by :func:`denoise_image`, the baselines on the image padded to a square
    power-of-two side, the per-patch FFT projection on power-of-two sides."""
    if noise is not None or not two_sided:
        raise ValueError("2-D input supports two-sided masks and no noise= (see qdn.denoise_image)")
    if method not in IMAGE_METHODS:
        raise ValueError(f"2-D input supports methods 'qdn', 'qft', 'qwt' and 'fft-window', not {method!r} "
                         "(for classical image denoisers use skimage.restoration)")
    if method == "qdn":
        options.pop("wavelet")
        return denoise_image(image, window, pad=pad, **options)
    img = as_signal(image, name="image", ndim=2)
    padded = pad_pow2(img, pad=pad, square=method != "fft-window", name="image")
    res = METHODS[method](padded, window=check_window(window, min(padded.shape)) if method == "fft-window" else window,
                          **options)
    res.denoised = res.denoised[: img.shape[0], : img.shape[1]]
    return res


def denoise(
    y,
    window: int = 16,
    *,
    method: str = "qdn",
    threshold="auto",
    schedule: str = "exact",
    variant: str | None = None,
    backend: Any = None,
    shots: int | None = None,
    seed: int | None = 0,
    encoding: str = "linear",
    two_sided: bool = True,
    pad: bool = True,
    mean_bits: int = 4,
    floor: float = 0.25,
    min_weight: float | None = None,
    delta: float = 0.05,
    noise: Any = None,
    wavelet: str | None = None,
    device: str = "CPU",
    max_seconds: float | None = DEFAULT_MAX_SECONDS,
) -> DenoiseResult | ImageDenoiseResult:
    """Denoise a 1-D signal with the windowed quantum Fourier thresholding of Dutta et al.

    Parameters
    ----------
    y : array_like, shape (N,) or (H, W)
        Noisy signal (finite, real, not constant). A 2-D array is an image, denoised in square
        patches of side ``window`` by :func:`qdn.denoise_image` (which returns an
        :class:`~qdn.api.results.ImageDenoiseResult`; more options there: radial masks, cycle
        spinning); the methods "qft", "qwt" and "fft-window" take images too.
    window : int
        Window length M, a power of two <= N.
    method : str
        "qdn" (default), the quantum baselines "qft" and "qwt" (:mod:`qdn.circuits.baselines`), or the
        classical "fft-window", "wavelet", "wiener", "savgol" (:mod:`qdn.classical.denoisers`).
    wavelet : {None, "haar", "db2"}
        ``method="qwt"`` only: the quantum wavelet transform, "haar" (default) or the 4-tap
        Daubechies D4, "db2" in PyWavelets' naming (alias "d4"; PyWavelets' "db4" has 8 taps
        and is refused). Its ``threshold`` is the number of finest detail bands removed.
    threshold : int, array of length P, callable or "auto"
        Per-window cutoffs (see :mod:`qdn.classical.thresholds`). "auto" is per-window SURE.
    schedule : {"exact", "grover", "fixed-point"}
        Amplitude-amplification schedule (see :mod:`qdn.circuits.amplification`).
    variant : {None, "register", "compact"}
        "register" holds means and thresholds in qubit registers (the paper); "compact" compares
        against classical per-window constants (fewer qubits, same output). None (default):
        "register" on the emulator and ideal Aer, "compact" on any ``BackendV2`` and with
        ``noise=`` (:func:`qdn.execution.backends.default_variant`).
    backend : None, "emulator", "statevector", "aer" or a BackendV2
        None picks by :func:`qdn.choose_backend`. "statevector" is Aer's exact statevector;
        "aer" samples with Aer; a ``BackendV2`` is transpiled for and sampled on.
    shots : int or None
        None reads the exact state (emulator/statevector); an int samples that many shots.
    seed : int or None
        Seed of every random draw (sampling, simulator).
    encoding : {"linear", "paper"}
        Amplitude map (see :mod:`qdn.classical.amplitude_map`).
    two_sided : bool
        Keep ``min(k, M-k) <= tau`` (default) or the paper's literal ``k <= tau`` (complex output;
        the real part is returned).
    pad : bool
        Pad a length that is not a power of two by reflection, and crop back.
    mean_bits : int
        Qubits of the ``mean`` register (and the paper encoding's quantisation).
    floor : float
        Smallest amplitude of the linear encoding, in (0, 1).
    min_weight, delta : float
        Fixed-point schedule: lower bound on the marked weight (default: the actual one) and
        target error (success >= 1 - delta**2).
    noise : None, scenario, NoiseModel, BackendV2 or a sequence of them
        Quantum noise injected into the denoising circuit (:mod:`qdn.noise.scenarios`, :mod:`qdn.noise.rewrite`):
        ``PhaseNoise(eps, stages=...)`` and ``BitFlipNoise(p, stages=...)`` (unitary per
        realisation; exact readout on the emulator — Fourier stages only — or Aer statevector,
        each realisation decoded and the outputs averaged; sampled on ``"aer"``), an Aer
        ``NoiseModel`` or ``AerNoise(model, stages=...)``, or a backend whose
        ``AerSimulator.from_backend`` noise is used (sampled readout on Aer). A noise that matches
        no gate of the circuit raises ``ValueError``. See :func:`qdn.noise.runs.run_noisy`.
    device : {"CPU", "GPU"}
        Aer's device for the simulators qdn runs ("GPU" needs the ``qiskit-aer-gpu`` build
        instead of ``qiskit-aer``; refused with that message otherwise). A fake IBM backend is
        simulated on Aer with its noise model and the method picked by cost (density matrix
        when ``2**qubits < shots``, statevector trajectories otherwise), reported in
        ``DenoiseResult.simulation``.
    max_seconds : float or None
        Limit on the estimated time of such a local noisy simulation (default 300 s; None: no
        limit): a longer one is refused before it starts, with the estimate and the cheaper
        choices (:mod:`qdn.execution.cost`). Runs estimated over 10 s show a progress bar.

    Returns
    -------
    DenoiseResult (ImageDenoiseResult for ``method="qdn"`` on 2-D input)

    Examples
    --------
    >>> import qdn
    >>> from qdn.data import ecg
    >>> from qdn.noise import awgn
    >>> clean = ecg()[:256]
    >>> noisy = awgn(clean, 15, seed=1)
    >>> res = qdn.denoise(noisy, window=16, backend="emulator")
    >>> bool(qdn.classical.metrics.psnr(clean, res.denoised) > qdn.classical.metrics.psnr(clean, noisy))
    True
    """
    lookup(METHODS, "method", method)
    if wavelet is not None and method != "qwt":
        raise ValueError(f"wavelet= applies to method='qwt' only, not {method!r}")
    check_backend(backend)
    check_shots(shots)
    check_seed(seed)
    variant = default_variant(backend, noisy=noise is not None) if variant is None else variant
    check_int(mean_bits, "mean_bits", minimum=1)
    check_bool(two_sided, "two_sided")
    check_bool(pad, "pad")
    options = dict(threshold=threshold, schedule=schedule, variant=variant, backend=backend, shots=shots, seed=seed,
                   encoding=encoding, floor=floor, mean_bits=mean_bits, min_weight=min_weight, delta=delta,
                   wavelet=wavelet)
    if data_ndim(y) == 2 and not isinstance(y, str):
        return _denoise_2d(y, window, method, pad=pad, noise=noise, two_sided=two_sided, **options)
    y = as_signal(y)
    n_orig = y.size
    if n_orig < 2:
        raise ValueError(f"signal needs at least 2 samples, got {n_orig}")
    y = pad_pow2(y, pad=pad)
    window = check_window(window, y.size)
    res = METHODS[method](y, window=window, two_sided=two_sided, noise=noise, device=device, max_seconds=max_seconds,
                          **options)
    res.denoised = res.denoised[:n_orig]
    return res
