"""Write the notebooks (without outputs) from the cell sources below: ``python notebooks/build_notebooks.py``."""

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

HERE = Path(__file__).parent

NOTEBOOKS = {
    "01_quickstart.ipynb": [
        ("md", "# qdn quick start\n\nDenoise an ECG with the quantum algorithm of Dutta et al. (2023), see the circuit that ran, and compare with the exact emulator."),
        ("code", "%matplotlib inline\nimport numpy as np\nimport qdn\nfrom qdn.data import ecg\nfrom qdn.noise import awgn\nfrom qdn.plot import denoising_figure, spectrum_figure\n\nclean = ecg()[:256]\nnoisy = awgn(clean, 15, seed=0)   # AWGN at 15 dB, as in the paper's Fig. 1(a)"),
        ("md", "Run the circuit on Aer's statevector simulator (compact variant: fewer qubits, same output). The threshold is chosen per window by SURE from the noisy signal alone."),
        ("code", "res = qdn.denoise(noisy, window=16, shifts=1, variant=\"compact\", backend=\"statevector\")  # the paper's algorithm\nprint(f\"{res.circuit.num_qubits} qubits, {res.iterations} amplification round(s), thresholds {res.thresholds}\")\nprint(f\"PSNR noisy {qdn.metrics.psnr(clean, noisy):.2f} dB -> denoised {qdn.metrics.psnr(clean, res.denoised):.2f} dB\")"),
        ("code", "denoising_figure(noisy, res.denoised, clean)"),
        ("code", "spectrum_figure(noisy, 16, res.thresholds)"),
        ("md", "The emulator computes the same amplitudes with NumPy (no $2^q$ statevector) — here is the check:"),
        ("code", "em = qdn.denoise(noisy, window=16, shifts=1, backend=\"emulator\")\nprint(\"max |circuit - emulator| =\", np.max(np.abs(res.denoised - em.denoised)))"),
        ("md", "qdn's defaults go further: the window chosen from the data (Monte-Carlo SURE), cycle spinning over every window position in one circuit (a shift register and a modular adder), Wiener weights on the kept bins. The emulator runs that circuit's exact amplitudes."),
        ("code", "ti = qdn.denoise(noisy)\nprint(f\"window {ti.window}, {ti.shifts} shifts ({ti.spin}, {ti.weights} weights), {ti.num_qubits} qubits: PSNR {qdn.metrics.psnr(clean, ti.denoised):.2f} dB\")"),
        ("md", "The circuit itself, at a size that fits on screen (N = 16, window 4). Each stage is one labelled instruction."),
        ("code", "small = qdn.denoise(noisy[:16], window=4, shifts=1, threshold=1, variant=\"compact\", backend=\"statevector\")\nsmall.circuit.draw(\"mpl\", fold=-1)"),
        ("code", "small.circuit.decompose(gates_to_decompose=[\"amplify\"]).draw(\"mpl\", fold=-1)"),
    ],
    "02_inside_the_algorithm.ipynb": [
        ("md", "# Inside the algorithm\n\nEach stage's state, for a 16-sample signal in 4 windows, checked against NumPy; then the amplification schedules."),
        ("code", "%matplotlib inline\nimport numpy as np\nfrom qiskit.quantum_info import Statevector\nfrom qdn.classical.amplitude_map import AmplitudeMap\nfrom qdn.circuits.layout import Layout\nfrom qdn.circuits.problem import DenoisingProblem, build_circuit\nfrom qdn.circuits.amplification import exact_schedule, grover_schedule, fixed_point_schedule\nfrom qdn.execution.readout import state_amplitudes\nfrom qdn.classical.reference import spectral_projection\n\nrng = np.random.default_rng(0)\ny = np.sin(np.arange(16) / 2) + 0.3 * rng.normal(size=16)\nlayout = Layout(m=2, p=2, a=2)\namap = AmplitudeMap.fit(y, bits=layout.a)\nwin = y.reshape(4, 4)\ntaus = np.array([0, 1, 1, 2])\nproblem = DenoisingProblem(layout, amap.amplitudes(win), taus, amap.quantize_mean(win.mean(1), 2), \"compact\")"),
        ("md", "**Encode**: the `anc = 0` amplitudes are $\\cos\\theta_{ji}/\\sqrt N$ with $\\cos\\theta$ affine in $y$."),
        ("code", "enc = state_amplitudes(Statevector(problem.encode()).data, layout, \"compact\")\nprint(np.allclose(enc[0] * 4, amap.amplitudes(win)))"),
        ("md", "**Windowed QFT**: each window becomes $\\sqrt M\\,\\mathrm{ifft}$ of itself."),
        ("code", "prep = state_amplitudes(Statevector(problem.state_preparation()).data, layout, \"compact\")\nprint(np.allclose(prep[0], np.fft.ifft(enc[0], axis=1) * 2))"),
        ("md", "**Amplification**: the marked weight and what each schedule does with it."),
        ("code", "w = problem.weight\nfor sch in (exact_schedule(w), grover_schedule(w), fixed_point_schedule(w, 0.1)):\n    print(f\"{sch.name:12s} rounds={sch.iterations}  success={sch.success_probability(w):.6f}\")"),
        ("code", "from matplotlib.figure import Figure\nws = np.linspace(0.01, 1, 300)\nfig = Figure(figsize=(7, 3.5), layout=\"constrained\"); ax = fig.add_subplot()\nax.plot(ws, [grover_schedule(x).success_probability(x) for x in ws], label=\"grover (paper)\")\nax.plot(ws, [exact_schedule(x).success_probability(x) for x in ws], label=\"exact (phase-matched)\")\nfp = fixed_point_schedule(0.05, 0.1)\nax.plot(ws, [fp.success_probability(x) for x in ws], label=\"fixed-point (w >= 0.05, delta 0.1)\")\nax.set_xlabel(\"marked weight\"); ax.set_ylabel(\"success probability\"); ax.legend(); fig"),
        ("md", "**Whole pipeline** with the exact schedule equals the per-window spectral projection:"),
        ("code", "from qdn.execution.runs import run_statevector\nout = state_amplitudes(run_statevector(build_circuit(problem, exact_schedule(w))), layout, \"compact\")[0]\nfrom qdn.execution.readout import rescale\ny_hat = amap.decode(rescale(out, amap.amplitudes(win).sum())).ravel()\nprint(np.max(np.abs(y_hat - spectral_projection(win, taus).ravel())))"),
    ],
    "03_noise.ipynb": [
        ("md", "# Noise: the paper's scenarios\n\nClassical noise on the signal (AWGN, Poisson) and quantum noise in the gates: random phase rotations of amplitude eps after every gate (time-varying coherent error) and bit flips after the Hadamards, applied to a QFT followed by an IQFT of the clean state — the paper's noisy quantum signal — which the noise-free denoiser then cleans. Small sizes, exact emulator."),
        ("code", "%matplotlib inline\nimport numpy as np\nimport qdn\nfrom qdn.data import demo_signal\nfrom qdn.noise import quantum as qn\nfrom qdn.noise import awgn\nfrom qdn.plot import denoising_figure\n\nclean = demo_signal(\"HeaviSine\", 256)"),
        ("code", "scenarios = {\n    \"AWGN 15 dB\": awgn(clean, 15, seed=0),\n    \"phase eps=0.1\": qn.phase_noise_signal(clean, 0.1, seed=0),\n    \"AWGN + phase\": qn.awgn_phase(clean, 15, 0.1, seed=0),\n    \"bit-flip p=0.05 + phase\": qn.bitflip_phase(clean, 0.05, 0.1, seed=0),\n}\nfor name, noisy in scenarios.items():\n    row = {m: qdn.metrics.psnr(clean, qdn.denoise(noisy, 16, method=m, backend=\"emulator\").denoised) for m in (\"qdn\", \"qft\", \"qwt\")}\n    print(f\"{name:24s} noisy {qdn.metrics.psnr(clean, noisy):6.2f} dB  \" + \"  \".join(f\"{m} {v:6.2f}\" for m, v in row.items()))"),
        ("code", "noisy = scenarios[\"AWGN + phase\"]\ndenoising_figure(noisy, qdn.denoise(noisy, 16, backend=\"emulator\").denoised, clean, title=\"AWGN 15 dB + phase noise 0.1\")"),
        ("md", "Noise can also act inside the denoiser. A `PhaseNoise` restricted to stages by label (here the Fourier transforms), run on Aer's statevector simulator with a few random realisations averaged:"),
        ("code", "from qdn.noise.scenarios import PhaseNoise\nsmall = awgn(clean[:64], 15, seed=1)\nideal = qdn.denoise(small, 16, shifts=1, variant=\"compact\", backend=\"statevector\")\nnoisy_run = qdn.denoise(small, 16, shifts=1, variant=\"compact\", backend=\"statevector\", noise=PhaseNoise(0.1, stages=(\"qft\", \"qft_dg\", \"iqft\"), realisations=4))\nprint(f\"noise-free denoiser {qdn.metrics.psnr(clean[:64], ideal.denoised):.2f} dB; noisy denoiser {qdn.metrics.psnr(clean[:64], noisy_run.denoised):.2f} dB\")"),
        ("md", "A noise model that matches no gate of the circuit is an error, not a silent no-op:"),
        ("code", "try:\n    qdn.denoise(small, 16, shifts=1, variant=\"compact\", backend=\"statevector\", noise=PhaseNoise(0.1, stages=\"no-such-stage\"))\nexcept ValueError as exc:\n    print(\"ValueError:\", str(exc)[:160])"),
    ],
    "04_hardware.ipynb": [
        ("md", "# Hardware: what today's IBM devices can do with this algorithm\n\nResources and an estimated success probability for fake IBM backends (calibration snapshots shipped with qiskit-ibm-runtime), then a run in local testing mode through the runtime's client-side Sampler. No account is needed."),
        ("code", "import numpy as np\nimport qdn\nfrom qdn import hardware\nfrom qdn.data import ecg\nfrom qdn.noise import awgn"),
        ("code", "prog = hardware.synthetic_program(16, variant=\"compact\")\nrep = hardware.resource_report(prog, \"fake_torino\")\nfor row in rep.rows():\n    print(row)\nprint(rep.summary())"),
        ("code", "feas = hardware.feasibility(\"fake_torino\", 0.1, max_size=64)\nprint(f\"largest N above a 0.1 success estimate on {feas.backend}: {feas.max_size} ({feas.stopped})\")"),
        ("code", "clean = ecg()[:16]\nnoisy = awgn(clean, 15, seed=0)\nres, run = hardware.run_denoise(noisy, \"fake_torino\", window=8, threshold=1, shots=2000, journal=None)\nexact = qdn.denoise(noisy, 8, shifts=1, threshold=1, backend=\"emulator\").denoised\nprint(\"correlation with the exact output:\", np.corrcoef(res.denoised, exact)[0, 1].round(3))"),
    ],
    "06_quantum_imaging.ipynb": [
        ("md", "# Quantum imaging with entangled photons, simulated\n\nWhat a Qiskit toolkit can simulate honestly of quantum imaging (source document 001): N00N/GHZ phase super-resolution as **Qiskit circuits** on Aer, and — as **classical simulations of photon statistics** — entangled-pair focusing, ghost imaging and twin-beam sub-shot-noise imaging. Every picture can then go through the denoisers. Small sizes."),
        ("code", "%matplotlib inline\nimport numpy as np\nfrom qiskit.quantum_info import SparsePauliOp, Statevector\nfrom qdn.imaging import noon_circuit, phase_study, phantom, psf_image, edge_target, edge_fwhm, ghost_image, twin_beam\nfrom qdn.imaging.noon import ghz_circuit, aer_noise_model\nfrom qdn.imaging.figures import noon_figure, image_grid\nfrom qdn.api.imaging import denoise_picture, picture_metrics"),
        ("md", "**N00N circuit** (H, CX chain, P(phi) on each qubit, inverse chain, H): the all-zeros probability is cos²(Nφ/2) and the GHZ parity ⟨X^⊗N⟩ is cos(Nφ) — fringes of period 2π/N."),
        ("code", "noon_circuit(3, 0.4).draw(\"mpl\")"),
        ("code", "for n in (1, 4, 8):\n    phi = 0.3\n    p0 = Statevector(noon_circuit(n, phi)).probabilities_dict().get(\"0\" * n, 0)\n    parity = Statevector(ghz_circuit(n, phi)).expectation_value(SparsePauliOp(\"X\" * n)).real\n    print(f\"N={n}: P(0..0)={p0:.6f} cos^2(N phi/2)={np.cos(n*phi/2)**2:.6f}   <X^N>={parity:+.6f} cos(N phi)={np.cos(n*phi):+.6f}\")"),
        ("md", "Phase estimation from shots (Aer SamplerV2, parity readout), ideal and with depolarising CX noise: the advantage over the shot-noise limit disappears once the visibility falls below 1/√N."),
        ("code", "kw = dict(shots=200, repeats=30, fringe_points=16, fringe_shots=200)\nideal = [phase_study(n, **kw) for n in (1, 2, 4)]\nnoisy = [phase_study(n, noise_model=aer_noise_model(0.15, readout_error=0.02), **kw) for n in (1, 2, 4)]\nfor s in noisy:\n    print(f\"N={s.n}: V={s.visibility:.2f} (1/sqrt N={1/np.sqrt(s.n):.2f})  error {s.rmse:.4f} vs shot noise {s.shot_noise:.4f}\")\nnoon_figure({\"ideal\": ideal, \"cx 0.15\": noisy})"),
        ("md", "**Entangled-pair focusing** (classical photon statistics): one photon |h|², two-photon absorption |h|⁴, entangled pairs |h_{λ/2}|², with Poisson counting at the same number of detected events."),
        ("code", "obj = phantom(\"shepp-logan\", 64)\nkw = dict(photons=5e4, wavelength=0.8, pixel_size=0.1, na=0.5, seed=0)\npics = {k: psf_image(obj, k, **kw).image for k in (\"single\", \"two-photon-absorption\", \"entangled\")}\nedge = edge_target(64)\nfor k in pics:\n    print(k, \"edge FWHM\", round(edge_fwhm(psf_image(edge, k, **{**kw, \"photons\": None}).image), 2), \"px\", picture_metrics(obj, pics[k]))\nimage_grid([(\"object\", obj)] + [(k, v) for k, v in pics.items()] + [(\"entangled + qdn\", denoise_picture(pics[\"entangled\"], \"qdn\"))], ncols=5)"),
        ("md", "**Ghost imaging**: computational ghost imaging with all Hadamard patterns is exact without noise; differential ghost imaging with speckle converges slowly."),
        ("code", "small = phantom(\"shepp-logan\", 16)\nprint(\"Hadamard, all patterns, max error:\", np.max(np.abs(ghost_image(small, patterns=\"hadamard\", n_patterns=256) - small)))\nghosts = [(f\"DGI {k}\", ghost_image(small, n_patterns=k, differential=True)) for k in (256, 2048)]\nimage_grid([(\"object\", small)] + ghosts + [(\"Hadamard 64\", ghost_image(small, patterns=\"hadamard\", n_patterns=64))], ncols=4)"),
        ("md", "**Twin beams**: the ratio N_obj/N_ref removes the pair-number noise; the noise-reduction factor is 1 − η."),
        ("code", "for eta in (0.5, 0.9):\n    r = twin_beam(obj, mean_photons=50, efficiency=eta)\n    print(f\"eta={eta}: sigma={r.noise_reduction:.3f}  ratio {picture_metrics(obj, r.image)['psnr']:.2f} dB  direct {picture_metrics(obj, r.direct)['psnr']:.2f} dB\")"),
    ],
}


def main(names: list[str] | None = None) -> None:
    """Write the notebooks ``names`` (default: all of them)."""
    for name, cells in NOTEBOOKS.items():
        if names and name not in names:
            continue
        nb = new_notebook(cells=[new_markdown_cell(src) if kind == "md" else new_code_cell(src) for kind, src in cells])
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        nbformat.write(nb, HERE / name)
        print("wrote", HERE / name)


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
