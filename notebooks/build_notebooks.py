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
    "05_localization.ipynb": [
        ("md", "# Quantum localization and the quantum adaptive basis\n\nThe image's patches become Hamiltonians `H = diag(V) + p L` (Dutta et al., IEEE OJSP 2021); their eigenmodes form an adaptive basis. `method=\"qab\"` is the group's reconstruction with a blind (SURE) cutoff; `method=\"localization\"` is our reading of Hashemi et al. (AIP Advances 2025): a mode-resolved, blind selection, with a participation ratio and a diffusivity per mode. Then the Qiskit side: `H` of an 8x8 patch on 6 qubits, its Trotter circuits, the diffusivity from statevectors, and a phase-estimation resource estimate. See `docs/localization.md`. Small sizes."),
        ("code", "%matplotlib inline\nimport numpy as np\nfrom matplotlib.figure import Figure\nimport qdn\nfrom qdn.imaging import phantom\nfrom qdn.noise import awgn\nfrom qdn.localization import mode_report, eigenmodes, diffusivity\nfrom qdn.localization import quantum as lq\n\nclean = phantom(\"shepp-logan\", 32)\nnoisy = awgn(clean, 15.0, seed=0)"),
        ("code", "outs = {m: qdn.denoise(noisy, method=m).denoised for m in (\"localization\", \"qab\")}\nprint(f\"noisy {qdn.metrics.psnr(clean, noisy):.2f} dB\")\nfor m, out in outs.items():\n    print(f\"{m:12s} {qdn.metrics.psnr(clean, out):.2f} dB\")\nfig = Figure(figsize=(9, 3), layout=\"constrained\")\nfor ax, (title, img) in zip(fig.subplots(1, 4), [(\"clean\", clean), (\"noisy\", noisy), *outs.items()]):\n    ax.imshow(img, cmap=\"gray\"); ax.set_title(title); ax.axis(\"off\")\nfig"),
        ("md", "**Per mode** on one 16x16 patch: energy, participation ratio (1/N for a delta, 1 for a flat vector), diffusivity (Kubo–Greenwood style), and the weight the blind rule gives it."),
        ("code", "rep = mode_report(noisy[8:24, 8:24])\nfig = Figure(figsize=(9, 3), layout=\"constrained\")\nax1, ax2, ax3 = fig.subplots(1, 3)\nax1.plot(rep.energies, rep.participation, \".\"); ax1.set_xlabel(\"energy\"); ax1.set_ylabel(\"participation ratio\")\nax2.plot(rep.energies, rep.diffusivity, \".\"); ax2.set_xlabel(\"energy\"); ax2.set_ylabel(\"diffusivity\")\nax3.plot(rep.energies, rep.weights, \".\"); ax3.set_xlabel(\"energy\"); ax3.set_ylabel(\"kept weight\")\nfig"),
        ("md", "**On qubits**: an 8x8 patch is 64 sites, 6 qubits; `H` as a `SparsePauliOp`, and `exp(-iHt)` as a `PauliEvolutionGate` (Lie–Trotter, Suzuki–Trotter order 2) against `scipy.linalg.expm`."),
        ("code", "import scipy.linalg as sla\npatch = noisy[12:20, 12:20]\nh = lq.patch_hamiltonian(patch)\nop = lq.patch_hamiltonian_operator(patch)\nprint(op.num_qubits, \"qubits,\", len(op), \"Pauli terms, max |op - H| =\", np.max(np.abs(op.to_matrix() - h.toarray())))\nexact = sla.expm(-1j * 0.5 * h.toarray())\nfor order in (1, 2):\n    errs = [np.linalg.norm(lq.trotter_operator(op, 0.5, r, order).data - exact, 2) for r in (4, 8, 16)]\n    print(f\"order {order}: errors\", np.round(errs, 5), \"measured order\", np.round(np.log2(np.array(errs[:-1]) / errs[1:]), 2))"),
        ("md", "**Diffusivity from the circuit**: the velocity autocorrelation of each mode, `<n|v(t) v|n>`, from statevectors evolved by the circuit, integrated against the Gaussian window, equals the classical Kubo–Greenwood sum."),
        ("code", "modes = eigenmodes(h)\nclassical = diffusivity(h, modes, (8, 8))\nfrom_circuit = lq.circuit_diffusivity(h, modes, (8, 8), steps=8, order=2)\nprint(\"max |circuit - classical| / max classical =\", np.max(np.abs(from_circuit - classical)) / classical.max())"),
        ("md", "**Phase estimation** onto the modes below the cutoff: qubits and CX (8x8 measured by transpiling the controlled Trotter step; larger patches by the Pauli-weight model)."),
        ("code", "for side, measure in ((8, True), (8, False), (16, False)):\n    r = lq.qpe_resources(side, measure=measure)\n    print(f\"{side}x{side} ({r.cx_source}): {r.qubits} qubits ({r.system_qubits} + {r.phase_bits} phase), {r.pauli_terms} terms, {r.cx_per_step} CX/step, {r.cx_total:.3g} CX\")"),
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
