"""``qdn.denoise``: the quantum denoising pipeline on a 1-D signal."""

from __future__ import annotations

from typing import Any

import numpy as np
from qiskit import QuantumCircuit

from ..common.validation import as_signal, check_window, pad_pow2
from ..circuits.amplification import SCHEDULES, Schedule, make_schedule
from ..classical.amplitude_map import AmplitudeMap
from ..emulator.spectral import emulate_state, sample_state
from ..execution.runs import (
    CIRCUIT_BACKENDS, available_memory, backend_label, check_fits, is_ideal_aer, run_sampler, run_statevector,
    statevector_bytes,
)
from ..circuits.layout import Layout
from ..circuits.problem import DenoisingProblem, build_circuit
from ..execution.readout import counts_amplitudes, rescale, state_amplitudes
from .methods import METHODS, QUANTUM_BASELINES, run_method
from ..circuits.registers import VARIANTS
from .results import DenoiseResult
from ..classical.thresholds import resolve_thresholds

__all__ = ["denoise", "DenoiseResult", "choose_backend", "AUTO_MAX_QUBITS"]

#: ``backend=None`` runs the circuit on Aer only up to this many qubits (beyond 20, Aer takes
#: minutes on 2 cores; 22 qubits took 120 s for N = 1024) and only when the
#: statevector fits in half the available memory); beyond it, the emulator.
AUTO_MAX_QUBITS = 20
DEFAULT_SHOTS = 8192


def choose_backend(num_qubits: int) -> str:
    """The rule behind ``backend=None``: Aer statevector when the circuit has at most
    :data:`AUTO_MAX_QUBITS` qubits and its statevector fits in half the available memory,
    otherwise the exact emulator (same amplitudes, O(N) memory)."""
    if num_qubits <= AUTO_MAX_QUBITS and statevector_bytes(num_qubits) <= available_memory() / 2:
        return "statevector"
    return "emulator"


def _image_baseline(method: str, image, window: int, *, threshold, backend, shots, seed, encoding, floor,
                    mean_bits, wavelet, pad) -> DenoiseResult:
    """``method`` = "qft" / "qwt" (:mod:`qdn.circuits.image_baselines`, on the image padded by reflection to
    a square power-of-two side) or "fft-window" (the classical per-patch 2-D FFT projection)."""
    from .image import patch_projection, patchify, resolve_image_thresholds, unpatchify

    img = as_signal(image, name="image", ndim=2)
    H0, W0 = img.shape
    img = pad_pow2(img, pad=pad, square=method != "fft-window", name="image")
    H, W = img.shape
    if method == "fft-window":
        window = check_window(window, min(H, W))
        patches = patchify(img, window)
        taus = resolve_image_thresholds(patches, threshold, image=img)
        out = unpatchify(patch_projection(patches, taus).real, H, W)[:H0, :W0]
        return DenoiseResult(out, None, taus, 0, None, 1.0, 1.0, "classical", None, None, None, method)
    res = run_method(method, img, window=window, threshold=threshold, backend=backend, shots=shots, seed=seed,
                     encoding=encoding, floor=floor, mean_bits=mean_bits, wavelet=wavelet)
    res.denoised = res.denoised[:H0, :W0]
    return res


def denoise(
    y,
    window: int = 16,
    *,
    method: str = "qdn",
    threshold="auto",
    schedule: str = "exact",
    variant: str = "register",
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
) -> DenoiseResult:
    """Denoise a 1-D signal with the windowed quantum Fourier thresholding of Dutta et al.

    Parameters
    ----------
    y : array_like, shape (N,) or (H, W)
        Noisy signal (finite, real, not constant). A 2-D array is an image, denoised in square
        patches of side ``window`` by :func:`qdn.api.image.denoise_image` (which returns an
        ``ImageDenoiseResult``; more options there: radial masks, cycle spinning).
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
    variant : {"register", "compact"}
        "register" holds means and thresholds in qubit registers (the paper); "compact" compares
        against classical per-window constants (fewer qubits, same output).
    backend : None, "emulator", "statevector", "aer" or a BackendV2
        None picks by :func:`choose_backend`. "statevector" is Aer's exact statevector;
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
        Quantum noise injected into the denoising circuit (:mod:`qdn.noise.quantum`):
        ``PhaseNoise(eps, stages=...)`` and ``BitFlipNoise(p, stages=...)`` (unitary per
        realisation; exact readout on the emulator — Fourier stages only — or Aer statevector,
        each realisation decoded and the outputs averaged; sampled on ``"aer"``), an Aer
        ``NoiseModel`` or ``AerNoise(model, stages=...)``, or a backend whose
        ``AerSimulator.from_backend`` noise is used (sampled readout on Aer). A noise that matches
        no gate of the circuit raises ``ValueError``. See :func:`qdn.noise.quantum.run_noisy`.

    Returns
    -------
    DenoiseResult

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
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}; valid: {', '.join(map(repr, METHODS))}")
    if wavelet is not None and method != "qwt":
        raise ValueError(f"wavelet= applies to method='qwt' only, not {method!r}")
    if np.ndim(y) == 2 and not isinstance(y, str):
        # an image: square patches of side `window` (qdn.api.image)
        if noise is not None or not two_sided:
            raise ValueError("2-D input supports two-sided masks and no noise= (see qdn.api.image.denoise_image)")
        if method in QUANTUM_BASELINES or method == "fft-window":
            return _image_baseline(method, y, window, threshold=threshold, backend=backend, shots=shots, seed=seed,
                                   encoding=encoding, floor=floor, mean_bits=mean_bits, wavelet=wavelet, pad=pad)
        if method != "qdn":
            raise ValueError(f"2-D input supports methods 'qdn', 'qft', 'qwt' and 'fft-window', not {method!r} "
                             "(for classical image denoisers use skimage.restoration)")
        from .image import denoise_image

        return denoise_image(
            y, window, threshold=threshold, schedule=schedule, variant=variant, backend=backend, shots=shots,
            seed=seed, encoding=encoding, pad=pad, mean_bits=mean_bits, floor=floor, min_weight=min_weight, delta=delta,
        )
    y = as_signal(y)
    n_orig = y.size
    if y.size < 2:
        raise ValueError(f"signal needs at least 2 samples, got {y.size}")
    if schedule not in SCHEDULES:
        raise ValueError(f"unknown schedule {schedule!r}; valid: {', '.join(map(repr, SCHEDULES))}")
    if variant not in VARIANTS:
        raise ValueError(f"unknown variant {variant!r}; valid: {', '.join(map(repr, VARIANTS))}")
    if shots is not None and (not isinstance(shots, (int, np.integer)) or shots < 1):
        raise ValueError(f"shots must be a positive integer or None, got {shots!r}")
    if not isinstance(mean_bits, (int, np.integer)) or mean_bits < 1:
        raise ValueError(f"mean_bits must be a positive integer, got {mean_bits!r}")
    y = pad_pow2(y, pad=pad)
    window = check_window(window, y.size)
    if method != "qdn":
        res = run_method(
            method, y, window=window, threshold=threshold, backend=backend, shots=shots, seed=seed,
            encoding=encoding, floor=floor, mean_bits=mean_bits, wavelet=wavelet,
        )
        res.denoised = res.denoised[:n_orig]
        return res
    layout = Layout.from_sizes(y.size, window, mean_bits)
    amap = AmplitudeMap.fit(y, encoding, floor=floor, bits=mean_bits)
    windows = y.reshape(layout.P, layout.M)
    taus = resolve_thresholds(windows, threshold, two_sided=two_sided, signal=y)
    amps = amap.amplitudes(windows)
    problem = DenoisingProblem(
        layout, amps, taus, amap.quantize_mean(windows.mean(axis=1), mean_bits), variant, two_sided
    )
    weight = problem.weight
    sched = make_schedule(schedule, weight, min_weight=min_weight, delta=delta)
    num_qubits = problem.num_qubits

    if backend is None and noise is None:
        backend = choose_backend(num_qubits)
    if isinstance(backend, str) and backend not in CIRCUIT_BACKENDS + ("emulator",):
        raise ValueError(
            f"unknown backend {backend!r}; valid: None, 'emulator', 'statevector', 'aer' or a BackendV2"
        )
    rng = np.random.default_rng(seed)
    circuit = None
    state = counts = c_hat = None
    if noise is not None:
        from ..noise.quantum import mean_aligned_state, run_noisy

        run = run_noisy(problem, sched, noise, backend=backend, shots=shots, seed=seed)
        backend, circuit, counts, shots = run.backend, run.circuit, run.counts, run.shots
        if run.states is not None:
            # averaged-trajectory exact readout: decode each realisation, average the outputs
            c_hat = np.mean([rescale(st[0], float(amps.sum())) for st in run.states], axis=0)
            state = mean_aligned_state(run.states)
    elif backend == "emulator":
        state, _ = emulate_state(amps, taus, sched, two_sided=two_sided)
        if shots is not None:
            counts = sample_state(state, shots, rng)
    else:
        check_fits(num_qubits, backend)
        sampled_on_device = backend != "statevector"
        if sampled_on_device and shots is None:
            shots = DEFAULT_SHOTS
        # ideal Aer applies an MCX in one pass: keep the value setting's MCX gates whole there
        circuit = build_circuit(problem, sched, measure=sampled_on_device, synthesize_mcx=not is_ideal_aer(backend))
        if sampled_on_device:
            counts = run_sampler(circuit, backend, shots=shots, seed=seed)
        else:
            state = state_amplitudes(run_statevector(circuit, seed=seed), layout, variant, two_sided)
            if shots is not None:
                counts = sample_state(state, shots, rng)

    if c_hat is None:
        if counts is not None:
            good, _ = counts_amplitudes(counts, layout)
        else:
            good = state[0]
        c_hat = rescale(good, float(amps.sum()))
    denoised = amap.decode(c_hat).ravel()[:n_orig]
    return DenoiseResult(
        denoised=denoised,
        circuit=circuit,
        thresholds=taus,
        iterations=sched.iterations,
        schedule=sched,
        marked_weight=weight,
        success_probability=sched.success_probability(weight),
        backend=backend_label(backend),
        shots=shots,
        layout=layout,
        amplitude_map=amap,
        state=state,
        counts=counts,
    )
