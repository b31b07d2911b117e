"""``qdn.denoise``: one front door for signals (and images) and every method.

Each method is a runner in :data:`METHODS`; qdn itself is plan (:func:`qdn.api.plan.plan`) then
execute (:func:`qdn.execution.executor.execute`) then decode.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .image import denoise_image
from .localization import LOCALIZATION_METHODS
from .methods import QUANTUM_BASELINES, run_baseline, run_classical
from .results import DenoiseResult, ImageDenoiseResult
from .spin import (
    NoiseTransform, resolve_shifts, resolve_spin, resolve_weights, resolve_window, run_planned, spin_by_runs,
)
from ..classical.denoisers import CLASSICAL_METHODS
from ..classical.spinning import BOUNDARIES, extend
from ..classical.thresholds import side_mask
from ..common.registry import lookup
from ..common.validation import as_signal, check_bool, check_int, check_seed, check_window, data_ndim, pad_pow2
from ..execution.backends import check_backend, check_shots, default_variant
from ..execution.cost import DEFAULT_MAX_SECONDS
from ..noise.runs import NoisyExecution

__all__ = ["denoise", "METHODS", "IMAGE_METHODS"]


def _qdn(y: np.ndarray, *, window: int, threshold: Any, schedule: str, variant: str, two_sided: bool, encoding: str,
         floor: float, mean_bits: int, min_weight: float | None, delta: float, backend: Any, shots: int | None,
         seed: int | None, noise: Any, device: str = "CPU", max_seconds: float | None = None, shifts: int = 1,
         spin: str = "circuit", sigma: float | None = None, weights: str = "hard", **_: Any) -> DenoiseResult:
    """The qdn pipeline on a padded signal: plan, execute (with ``noise`` if given), decode;
    ``shifts`` > 1 spins in the circuit or by runs (:mod:`qdn.api.spin`)."""
    mask = side_mask(two_sided)
    plan_options = dict(schedule=schedule, variant=variant, mask=mask, encoding=encoding, floor=floor,
                        mean_bits=mean_bits, min_weight=min_weight, delta=delta, weights=weights)
    execute_options = dict(backend=backend, shots=shots, device=device, max_seconds=max_seconds,
                           noise=None if noise is None else NoisyExecution(noise))
    runs: list = []
    if shifts > 1 and spin == "runs":
        def one(v: np.ndarray, cut: np.ndarray):
            run_seed = None if seed is None else seed + len(runs)
            out, p, readout = run_planned(v, window, shifts=1, threshold=cut, sigma=sigma, plan_options=plan_options,
                                          execute_options=dict(execute_options, seed=run_seed))
            runs.append((p, readout))
            return out

        denoised = spin_by_runs(y, window, shifts, one, threshold=threshold, mask=mask, sigma=sigma)
        p, readout = runs[0]
        thresholds = np.stack([r[0].problem.thresholds for r in runs])
    else:
        if noise is not None and shifts > 1:
            raise ValueError("noise= runs the paper's circuit per shift: with shifts > 1 use spin='runs'")
        # backend=None: the emulator for the spinning circuit (the same amplitudes; its circuit
        # costs 3.9x the paper's CX at N = 1024, benchmarks/results/spinning.md)
        denoised, p, readout = run_planned(y, window, shifts=shifts, threshold=threshold, sigma=sigma,
                                           plan_options=plan_options,
                                           execute_options=dict(execute_options, seed=seed, circuit_ok=shifts == 1))
        thresholds = p.problem.thresholds
    return DenoiseResult(
        denoised=denoised, circuit=readout.circuit, thresholds=thresholds,
        iterations=p.schedule.iterations, schedule=p.schedule, marked_weight=p.weight,
        success_probability=p.schedule.success_probability(p.weight), backend=readout.backend,
        shots=readout.shots, layout=p.layout, amplitude_map=p.amplitude_map, state=readout.state,
        counts=readout.counts, simulation=readout.simulation, shifts=shifts, spin=spin if shifts > 1 else None,
        runs=max(1, len(runs)), num_qubits=p.problem.num_qubits,
    )


#: Method name -> runner ``(padded data, **options) -> DenoiseResult``.
METHODS = {
    "qdn": _qdn,
    **{name: (lambda y, _m=name, **kw: run_baseline(_m, y, **kw)) for name in QUANTUM_BASELINES},
    **{name: (lambda y, _m=name, **kw: run_classical(_m, y, **kw)) for name in CLASSICAL_METHODS},
    **LOCALIZATION_METHODS,
}
#: Methods that take 2-D input ("qdn" through :func:`qdn.denoise_image`).
IMAGE_METHODS = ("qdn", "qft", "qwt", "fft-window", *LOCALIZATION_METHODS)


def _denoise_2d(image, window: int, method: str, *, pad: bool, noise: Any, two_sided: bool, **options: Any):
    """2-D input: qdn by :func:`denoise_image`, the baselines on the image padded to a square
    power-of-two side, the per-patch FFT projection on power-of-two sides."""
    if noise is not None or not two_sided:
        raise ValueError("2-D input supports two-sided masks and no noise= (see qdn.denoise_image)")
    if method not in IMAGE_METHODS:
        raise ValueError(f"2-D input supports methods {', '.join(map(repr, IMAGE_METHODS))}, not {method!r} "
                         "(for classical image denoisers use skimage.restoration)")
    if method == "qdn":
        options.pop("wavelet")
        return denoise_image(image, window, pad=pad, **options)
    img = as_signal(image, name="image", ndim=2)
    if method in LOCALIZATION_METHODS:  # any size: patches of their own, no padding
        return METHODS[method](img, sigma=options.get("sigma"))
    padded = pad_pow2(img, pad=pad, square=method != "fft-window", name="image")
    res = METHODS[method](padded, window=check_window(window, min(padded.shape)) if method == "fft-window" else window,
                          **options)
    res.denoised = res.denoised[: img.shape[0], : img.shape[1]]
    return res


def denoise(
    y,
    window: int | str = "auto",
    *,
    method: str = "qdn",
    shifts: int | str = "auto",
    noise_model: str = "gaussian",
    boundary: str = "reflect",
    spin: str | None = None,
    weights: str | None = None,
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
    window : int or "auto"
        Window length M, a power of two <= N. "auto" (default) chooses M from 4 ... 256 (at least
        two windows) by Monte-Carlo SURE of the whole estimator (:mod:`qdn.classical.risk`): it
        sees the noisy signal only; the choice is ``DenoiseResult.window``. Images: 16.
    shifts : int or "auto"
        Cycle spinning (qdn): the output is the mean over ``shifts`` evenly spaced shifts
        ``d = k * M / shifts`` of ``np.roll(F_d(np.roll(y, -d)), d)``, ``F_d`` the per-window
        projection with that shift's cutoffs. A power of two <= M; "auto" (default) is M (every
        window position, translation invariant). ``shifts=1, window=16`` is the paper's algorithm,
        bit for bit.
    noise_model : {"gaussian", "poisson"}
        "poisson": ``y`` are counts; the Anscombe transform makes the noise Gaussian of unit
        variance, the method denoises that, and the Mäkitalo–Foi exact unbiased inverse returns
        counts (:mod:`qdn.classical.anscombe`). Any method, signals and images.
    boundary : {"reflect", "periodic"}
        The signal is first extended by its mirror image so its two ends never share a window
        ("reflect", default: +0.1 dB under AWGN and +0.2 dB under Poisson on the paper's signals,
        ``benchmarks/results/spinning.md``, for one more qubit) or shifts wrap around
        ("periodic") (:data:`qdn.classical.spinning.BOUNDARIES`).
    spin : {None, "circuit", "runs"}
        How ``shifts`` > 1 runs: "circuit" (a shift register in superposition and a modular
        adder: one circuit, :mod:`qdn.circuits.spinning`) or "runs" (one paper circuit per shift,
        outputs averaged). None: "runs" on a ``BackendV2`` or with ``noise=``, else "circuit".
    weights : {None, "hard", "wiener"}
        The mark on the kept bins (:data:`qdn.classical.spinning.WEIGHTS`): the paper's hard
        mask, or empirical Wiener weights (the paper's suggested future work), a rotation of the
        spinning circuit's flag (compact variant, spin "circuit"). None: "wiener" where it can be
        built (measured best), "hard" otherwise.
    method : str
        "qdn" (default), the quantum baselines "qft" and "qwt" (:mod:`qdn.circuits.baselines`), or the
        classical "fft-window", "wavelet", "wiener", "savgol" (:mod:`qdn.classical.denoisers`), or the
        adaptive-basis "localization" (blind mode-resolved selection) and "qab" (blind QAB), for
        signals and images (:mod:`qdn.localization`; ``window`` does not apply to them).
    wavelet : {None, "haar", "db2"}
        ``method="qwt"`` only: the quantum wavelet transform, "haar" (default) or the 4-tap
        Daubechies D4, "db2" in PyWavelets' naming (alias "d4"; PyWavelets' "db4" has 8 taps
        and is refused). Its ``threshold`` is the number of finest detail bands removed.
    threshold : int, array of length P, callable or "auto"
        Per-window cutoffs (see :mod:`qdn.classical.thresholds`). "auto" is per-window SURE.
    schedule : {"exact", "grover", "fixed-point", "postselect", "grover-1"}
        Amplitude-amplification schedule (see :mod:`qdn.circuits.amplification`). The last two
        read the kept bins through a measured flag qubit (``shifts=1`` only): the exact output
        from a shallower circuit, on a fraction of the shots (docs/hardware.md).
    variant : {None, "register", "compact"}
        "register" holds means and thresholds in qubit registers (the paper); "compact" compares
        against classical per-window constants (fewer qubits, same output). None (default):
        "compact" for the spinning circuit; otherwise "register" on the emulator and ideal Aer,
        "compact" on any ``BackendV2`` and with ``noise=``
        (:func:`qdn.execution.backends.default_variant`).
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
    check_int(mean_bits, "mean_bits", minimum=1)
    check_bool(two_sided, "two_sided")
    check_bool(pad, "pad")
    transform = NoiseTransform(noise_model)
    lookup(BOUNDARIES, "boundary", boundary)
    spin = resolve_spin(spin, backend, noise is not None)
    spun = method == "qdn" and data_ndim(y) == 1 and not (isinstance(shifts, (int, np.integer)) and shifts == 1)
    if variant is None:  # the spinning circuit holds no codes: compact (its mark is one UCRY)
        variant = "compact" if spun and spin == "circuit" else default_variant(backend, noisy=noise is not None)
    weights = resolve_weights(weights, spin, 2 if spun else 1, variant) if method == "qdn" else "hard"
    options = dict(threshold=threshold, schedule=schedule, variant=variant, backend=backend, shots=shots, seed=seed,
                   encoding=encoding, floor=floor, mean_bits=mean_bits, min_weight=min_weight, delta=delta,
                   wavelet=wavelet)
    if data_ndim(y) == 2 and not isinstance(y, str):
        image = as_signal(y, name="image", ndim=2)
        res = _denoise_2d(transform(image), 16 if window == "auto" else window, method, pad=pad, noise=noise,
                          two_sided=two_sided, sigma=transform.sigma, **options)
        res.denoised = transform.inverse(res.denoised)
        return res
    y = as_signal(y)
    n_orig = y.size
    if n_orig < 2:
        raise ValueError(f"signal needs at least 2 samples, got {n_orig}")
    z = pad_pow2(transform(y), pad=pad)
    size = z.size
    z = extend(z, boundary if spun else "periodic")  # the boundary is the spinning's
    window, risks = resolve_window(z, window if method in ("qdn", "fft-window") or window != "auto" else 16,
                                   shifts if method == "qdn" else 1, threshold=threshold, mask=side_mask(two_sided),
                                   sigma=transform.sigma, seed=seed, weights=weights, size=size)
    shifts = resolve_shifts(shifts, window) if method == "qdn" else 1
    res = METHODS[method](z, window=window, two_sided=two_sided, noise=noise, device=device, max_seconds=max_seconds,
                          shifts=shifts, spin=spin, sigma=transform.sigma, weights=weights, **options)
    res.denoised = transform.inverse(res.denoised[:n_orig])  # drops the mirror image and the padding
    res.window, res.window_risks, res.noise_model = window, risks, noise_model
    res.boundary = boundary if spun else "periodic"
    res.weights = weights if res.shifts > 1 else "hard"
    return res
