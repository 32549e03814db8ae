"""VAE latent space: walk through the 2-D latent plane of a VAE trained on MNIST."""

from __future__ import annotations

import copy
import os
import time
from pathlib import Path

import numpy as np
import pandas as pd
import streamlit as st
import torch

from gdm_core import ui, vae
from gdm_core.checkpoints import CheckpointError, load_checkpoint
from gdm_core.data import MnistError, load_mnist
from gdm_core.figures import vae as figs
from gdm_core.train import binarize_test, train_vae

ui.ensure_entrypoint()  # a deep link must still go through app.py

st.title("VAE latent space")

# One torch thread per script run. Several students share 2 cores, and torch's OpenMP pool
# spin-waits when the cores are oversubscribed: on a busy machine in-page training took 0.56 s
# with one thread against 4.8 s with two, and a forward pass of 1,000 digits 0.08 s against
# 0.22 s (bench/bench_vae.py). Only this page uses torch.
torch.set_num_threads(1)

# ---- settings, defaults and presets (before any widget is drawn) ----
Z_MIN, Z_MAX = -4.0, 4.0
DEFAULTS = {
    "vae_grid": 15, "vae_z1": 0.0, "vae_z2": 0.0, "vae_samples_n": 16,
    "vae_recon": [0, 1, 2, 3, 4, 5, 6, 7], "vae_interp_a": 2, "vae_interp_b": 0,
    "vae_interp_steps": 9, "vae_digit": 0, "vae_elbo_samples": 100, "vae_iw_k": 100,
    "vae_train_n": 1500, "vae_train_epochs": 10, "vae_train_hidden": 256, "vae_train_lr": 0.003,
}
PRESETS = {
    "overview": {},
    "dense-grid": {"vae_grid": 25},
    "one-to-seven": {"vae_interp_a": 2, "vae_interp_b": 0, "vae_interp_steps": 13},
    "far-out": {"vae_z1": 3.5, "vae_z2": -3.5},
}
HELD_OUT = 500  # the last 500 shipped digits judge the model you train in section 5
# In-page training stops itself after this, so a class never waits long (tests shorten it).
TRAIN_SECONDS = float(st.session_state.get("_vae_train_seconds", 120))

if not st.session_state.get("_vae_preset_read"):
    st.session_state["_vae_preset_read"] = True
    for key, value in PRESETS.get(st.query_params.get("preset"), {}).items():
        st.session_state[key] = value
for key, value in DEFAULTS.items():
    st.session_state.setdefault(key, value)

unit = ui.units()
seed = ui.seed()


def _checkpoint() -> Path:
    """The one place that decides which checkpoint the page shows (tests point it elsewhere)."""
    override = st.session_state.get("_vae_checkpoint")
    return Path(override) if override else vae.checkpoint_path()


def _stamp(path: Path) -> tuple:
    # Part of every cache key: a replaced checkpoint file is reloaded, not served stale.
    try:
        s = path.stat()
        return (str(path), s.st_mtime_ns, s.st_size)
    except OSError:
        return (str(path), None, None)


@st.cache_resource(show_spinner="Loading the trained VAE…", max_entries=4)
def _load(stamp: tuple):
    model, meta = load_checkpoint(stamp[0])
    for p in model.parameters():
        p.requires_grad_(False)  # shared by every session: read only
    return model, meta


@st.cache_data(show_spinner=False, max_entries=2)
def _load_sample(folder: str):
    images, labels = load_mnist(folder, "test")
    return images, labels, binarize_test(images).numpy()


def _sample():
    return _load_sample(str(vae.MNIST_SAMPLE))


@st.cache_data(show_spinner="Encoding the test digits…", max_entries=4)
def _encoded(stamp: tuple):
    model, _ = _load(stamp)
    return vae.encode_mean(model, vae.to_input(_sample()[0]))


@st.cache_data(show_spinner=False, max_entries=32)
def _manifold(stamp: tuple, n: int):
    model, _ = _load(stamp)
    z = vae.latent_grid(n).numpy()
    return z, vae.decode_images(model, z)


@st.cache_data(show_spinner=False, max_entries=64)
def _digit_bounds(stamp: tuple, index: int, samples: int, k: int, elbo_seed: int):
    model, _ = _load(stamp)
    x = torch.from_numpy(_sample()[2][index:index + 1])
    rec, kl = vae.elbo_estimate(model, x, samples=samples, seed=elbo_seed)
    iw = vae.iw_bound(model, x, k=k, generator=torch.Generator().manual_seed(elbo_seed))
    return float(rec[0]), float(kl[0]), float(iw[0])


@st.cache_data(show_spinner="Computing the ELBO of 2,000 test digits…", max_entries=8)
def _sample_elbo(stamp: tuple, elbo_seed: int):
    return vae.elbo_estimate(_load(stamp)[0], torch.from_numpy(_sample()[2]), seed=elbo_seed)


# Figures that depend only on cached results are cached too: building a Plotly figure costs
# tens of milliseconds, and a slider elsewhere on the page should not pay for it again.
# (cache_resource hands back the same object; st.plotly_chart only reads it, via to_dict.)
@st.cache_resource(show_spinner=False, max_entries=32)
def _manifold_fig(stamp: tuple, n: int):
    z, images = _manifold(stamp, n)
    return figs.manifold_figure(images, z, n)


@st.cache_resource(show_spinner=False, max_entries=64)
def _samples_fig(stamp: tuple, n: int, sample_seed: int):
    z, images = vae.sample_prior(_load(stamp)[0], n, sample_seed)
    return figs.image_grid(images, 8, [f"z = ({a:.2f}, {b:.2f})" for a, b in z])


@st.cache_resource(show_spinner=False, max_entries=64)
def _recon_fig(stamp: tuple, indices: tuple):
    images, labels, _ = _sample()
    x = vae.to_input(images[list(indices)])
    return figs.reconstruction_pairs(x.numpy().reshape(-1, 28, 28), vae.reconstruct(
        _load(stamp)[0], x), indices, [int(labels[i]) for i in indices])


@st.cache_resource(show_spinner=False, max_entries=64)
def _interp_fig(stamp: tuple, a: int, b: int, steps: int):
    mu, _ = _encoded(stamp)
    z = vae.interpolate(mu[a], mu[b], steps)
    return figs.interpolation_strip(vae.decode_images(_load(stamp)[0], z),
                                    np.linspace(0, 1, steps), z)


@st.cache_resource(show_spinner=False, max_entries=64)
def _digit_fig(index: int):
    _, labels, x_bin = _sample()
    return figs.digit_heatmap(x_bin[index], f"#{index}, label {labels[index]}, binarised",
                              260, "pixel")


@st.cache_resource(show_spinner=False, max_entries=16)
def _curve_fig(stamp: tuple, unit: str):
    history = _load(stamp)[1].get("history")
    return figs.training_curve(history if isinstance(history, list) else [], unit,
                               lambda v: vae.nats_to(v, unit))


@st.cache_resource(show_spinner=False, max_entries=64)
def _elbo_fig(stamp: tuple, digit: int, samples: int, k: int, elbo_seed: int, unit: str):
    rec, kl, _ = _digit_bounds(stamp, digit, samples, k, elbo_seed)
    s_rec, s_kl = _sample_elbo(stamp, elbo_seed)
    n = len(s_rec)
    return figs.elbo_bars([
        (f"digit #{digit}", vae.nats_to(rec, unit), vae.nats_to(kl, unit)),
        (f"mean of {n:,} test digits", vae.nats_to(float(s_rec.mean()), unit),
         vae.nats_to(float(s_kl.mean()), unit)),
    ], unit)


def u(nats: float) -> float:
    return vae.nats_to(nats, unit)


# ---- load the model and the shipped digits; a broken file stops here, politely ----
path = _checkpoint()
stamp = _stamp(path)
try:
    model, meta = _load(stamp)
except CheckpointError as exc:
    st.error(f"The trained VAE could not be loaded. {exc}\n\n"
             f"Expected `{path.name}` and `{path.with_suffix('.json').name}` in `{path.parent}`; "
             "restore them (see the README) or retrain with `python -m gdm_core.train`.")
    st.stop()
except Exception as exc:  # noqa: BLE001 - any other failure must not become a traceback
    st.error(f"The trained VAE could not be loaded ({type(exc).__name__}: {exc}).")
    st.stop()
try:
    images, labels, x_bin = _sample()
except MnistError as exc:
    st.error(f"The shipped MNIST test sample could not be read. {exc}")
    st.stop()
N = len(images)

cfg = model.config
history = meta.get("history") if isinstance(meta.get("history"), list) else []
st.markdown(
    "A **variational autoencoder** with a 2-dimensional latent space, trained on MNIST. "
    "The encoder maps a digit x to a Gaussian $q(z\\mid x)=\\mathcal N(\\mu(x),"
    "\\operatorname{diag}\\sigma^2(x))$; the decoder maps a point z to 784 pixel probabilities "
    "$p(x\\mid z)$; the prior is $p(z)=\\mathcal N(0, I)$. With only two latent numbers per "
    "digit we can *see* the whole latent space."
)
st.caption(
    f"Model: {cfg.enc_layers}+{cfg.dec_layers} hidden layers of {cfg.hidden} units, latent "
    f"dimension {cfg.latent_dim}, {sum(p.numel() for p in model.parameters()):,} weights; "
    f"{len(history)} training epochs. Digits: the first {N:,} MNIST test images "
    "(LeCun, Cortes & Burges, CC BY-SA 3.0)."
)
if meta.get("partial"):
    st.info(f"This checkpoint is from a training run still in progress "
            f"(saved after epoch {len(history)}).")
if cfg.latent_dim != 2:
    st.error(f"This page needs a 2-D latent space; the checkpoint has {cfg.latent_dim}.")
    st.stop()

# ---- 1. the latent manifold ----
st.header("1. The latent manifold")
st.markdown(
    "Each tile is the decoder's picture $\\sigma(\\text{logits}(z))$ at one point z. The grid "
    "is even in *probability*, not in z: an even grid u on the unit square is sent through the "
    "inverse Gaussian CDF Φ⁻¹ (Kingma & Welling 2014, Fig. 4), so every tile stands for the "
    "same prior mass and the tiles crowd near the origin, where the prior puts its mass."
)
st.latex(r"z = \big(\Phi^{-1}(u_1),\ \Phi^{-1}(u_2)\big),\qquad "
         r"u_i \in \{0.05, \dots, 0.95\}\ \text{evenly spaced}")
n_grid = st.slider("Grid size (tiles per side)", 5, 30, key="vae_grid")
ui.show_figure(_manifold_fig(stamp, n_grid), key="vae_fig_manifold")


# ---- 2. the encoded test digits ----
def _on_pick() -> None:
    # A click on a digit moves the chosen point there (runs before the sliders are drawn).
    event = st.session_state.get("vae_scatter")
    picked = figs.picked_point(event.get("selection") if hasattr(event, "get") else None)
    if picked is None:
        return
    x, y, index = picked
    st.session_state["vae_z1"] = float(np.clip(round(x, 2), Z_MIN, Z_MAX))
    st.session_state["vae_z2"] = float(np.clip(round(y, 2), Z_MIN, Z_MAX))
    if index is not None and 0 <= index < N:
        st.session_state["vae_digit"] = index


st.header("2. The encoded test digits")
st.markdown(
    f"Each dot is the posterior mean μ(x) of one of the {N:,} test digits, coloured by its "
    "label (the VAE never saw labels). Dotted circles hold 50 %, 90 % and 99 % of the prior "
    "N(0, I). Hover a dot for its label and index; **click a dot** or use the two sliders to "
    "choose a point z, decoded live on the right."
)
mu, logvar = _encoded(stamp)
interp_a = int(st.session_state["vae_interp_a"])
interp_b = int(st.session_state["vae_interp_b"])
steps = int(st.session_state["vae_interp_steps"])
path_z = vae.interpolate(mu[interp_a], mu[interp_b], steps) if (
    0 <= interp_a < N and 0 <= interp_b < N and steps >= 2) else None
left, right = st.columns([3, 1.3])
with right:
    z1 = st.slider("z₁", Z_MIN, Z_MAX, step=0.05, key="vae_z1")
    z2 = st.slider("z₂", Z_MIN, Z_MAX, step=0.05, key="vae_z2")
    decoded = vae.decode_images(model, [[z1, z2]])[0]
    ui.show_figure(figs.digit_heatmap(decoded, f"decoded at ({z1:.2f}, {z2:.2f})"),
                   key="vae_fig_decoded")
    st.caption("The chosen point is the ✕ on the scatter; the black line is the "
               "interpolation of section 3.")
with left:
    radii = {p: vae.prior_mass_radius(p) for p in (0.5, 0.9, 0.99)}
    ui.show_selectable_figure(figs.latent_scatter(mu, labels, (z1, z2), radii, path_z),
                              key="vae_scatter", on_select=_on_pick)

# ---- 3. sample, reconstruct, interpolate ----
st.header("3. Sample, reconstruct, interpolate")
st.subheader("Sampling from the prior")
st.markdown("Draw $z \\sim \\mathcal N(0, I)$ and decode it: this is how a VAE *generates*.")
c1, c2 = st.columns([3, 1])
with c1:
    n_samples = st.slider("Number of samples", 8, 40, step=8, key="vae_samples_n")
with c2:
    if st.button("Resample", key="vae_resample", icon=":material/casino:"):
        st.session_state["_vae_draw"] = st.session_state.get("_vae_draw", 0) + 1
draw = st.session_state.get("_vae_draw", 0)
sample_seed = int(np.random.SeedSequence([seed, draw]).generate_state(1)[0])
ui.show_figure(_samples_fig(stamp, n_samples, sample_seed), key="vae_fig_samples")
st.caption(f"Seed {seed} (sidebar), draw {draw}: the same seed and draw give the same digits.")

st.subheader("Reconstruction")
st.markdown("Encode a test digit to μ(x) and decode it again. A 2-number code keeps the "
            "digit's identity and style roughly, not its details.")
chosen = st.multiselect(
    "Test digits to reconstruct", list(range(N)), key="vae_recon", max_selections=12,
    format_func=lambda i: f"#{i} ({labels[i]})",
)
if chosen:
    ui.show_figure(_recon_fig(stamp, tuple(chosen)), key="vae_fig_recon")
else:
    st.warning("Choose at least one test digit to reconstruct.")

st.subheader("Interpolation")
st.markdown("Walk on the straight line between the codes μ of two test digits and decode "
            "every step (the black line on the scatter above).")
c1, c2, c3 = st.columns(3)
with c1:
    a = st.number_input("From test digit #", 0, N - 1, step=1, key="vae_interp_a")
    st.caption(f"label {labels[a]}")
with c2:
    b = st.number_input("To test digit #", 0, N - 1, step=1, key="vae_interp_b")
    st.caption(f"label {labels[b]}")
with c3:
    steps = st.slider("Steps", 3, 15, key="vae_interp_steps")
ui.show_figure(_interp_fig(stamp, int(a), int(b), int(steps)), key="vae_fig_interp")
st.latex(r"z(t) = (1-t)\,\mu(x_A) + t\,\mu(x_B),\quad t\in[0,1]")

# ---- 4. the ELBO ----
st.header("4. The ELBO")
st.markdown(
    "Training maximises the **evidence lower bound**. For a binarised digit x it has two "
    "terms: how well the decoder reproduces x from codes drawn from q(z|x), and how far "
    "q(z|x) is from the prior."
)
st.latex(r"\log p(x)\;\ge\;\mathrm{ELBO}(x) = "
         r"\underbrace{\mathbb E_{q(z\mid x)}\!\big[\log p(x\mid z)\big]}_{\text{reconstruction}}"
         r" - \underbrace{\mathrm{KL}\big(q(z\mid x)\,\|\,p(z)\big)}_{\text{KL}}")
st.latex(r"\mathrm{KL}\big(\mathcal N(\mu,\operatorname{diag}\sigma^2)\,\|\,\mathcal N(0,I)\big)"
         r" = \tfrac12\sum_{j}\big(\mu_j^2+\sigma_j^2-\log\sigma_j^2-1\big)"
         r"\quad\text{(exact for Gaussians)}")
st.latex(r"\log p(x)\;\ge\;\mathbb E\Big[\log\tfrac1k\sum_{i=1}^k"
         r"\tfrac{p(x\mid z_i)\,p(z_i)}{q(z_i\mid x)}\Big]\ \ \text{(importance-weighted, "
         r"Burda et al. 2016; } k=1 \text{ is the ELBO)}")
if unit == "bits":
    st.caption("Computed in nats (natural logarithms) and shown in **bits**: nats ÷ ln 2. "
               "Switch units in the sidebar.")
else:
    st.caption("Shown in **nats** (natural logarithms); 1 nat ≈ 1.443 bits. "
               "Switch units in the sidebar.")

c1, c2, c3 = st.columns([1, 1, 1])
with c1:
    digit = st.number_input("Test digit #", 0, N - 1, step=1, key="vae_digit",
                            help="Clicking a dot on the scatter chooses it too.")
with c2:
    n_mc = st.select_slider("Samples of z for the reconstruction term", [1, 10, 100, 1000],
                            key="vae_elbo_samples")
with c3:
    k_iw = st.select_slider("k for the importance-weighted bound", [1, 10, 100, 1000],
                            key="vae_iw_k")
rec, kl, iw = _digit_bounds(stamp, digit, n_mc, k_iw, seed)
sample_rec, sample_kl = _sample_elbo(stamp, seed)
final = history[-1] if history and isinstance(history[-1], dict) else {}
final_metrics = meta.get("metrics") if isinstance(meta.get("metrics"), dict) else {}
iw_keys = [k for k in final_metrics if k.startswith("test_neg_iw_bound")]


def _cell(value) -> str:
    return ui.fmt(u(value), None, 2) if isinstance(value, (int, float)) else "—"


logged = {name: final.get(key) for name, key in (("rec", "test_rec"), ("kl", "test_kl"))}
logged["elbo"] = (-final["test_neg_elbo"] if isinstance(final.get("test_neg_elbo"), (int, float))
                  else None)
table = pd.DataFrame(
    {
        f"digit #{digit}": [_cell(rec), _cell(kl), _cell(rec - kl), _cell(iw)],
        f"mean of the {N:,} shipped digits": [
            _cell(float(sample_rec.mean())), _cell(float(sample_kl.mean())),
            _cell(float((sample_rec - sample_kl).mean())), "—"],
        "all 10,000 test digits (training log)": [
            _cell(logged["rec"]), _cell(logged["kl"]), _cell(logged["elbo"]), "—"],
    },
    index=["reconstruction E_q[log p(x|z)]", "KL(q(z|x) ‖ p(z))", "ELBO = reconstruction − KL",
           f"IW bound on log p(x), k = {k_iw}"],
)
col_img, col_table = st.columns([1, 3])
with col_img:
    ui.show_figure(_digit_fig(int(digit)), key="vae_fig_digit")
with col_table:
    st.markdown(f"**In {unit}** (higher is better; all are ≤ 0 except the KL)")
    st.table(table)
    st.caption(
        f"Digit #{digit}: reconstruction averaged over {n_mc} draws of z (seed {seed}); the KL "
        f"is exact. ELBO ≤ IW bound (k = {k_iw}) ≤ log p(x). The {N:,}-digit means use one "
        "draw per digit."
    )
ui.show_figure(_elbo_fig(stamp, int(digit), int(n_mc), int(k_iw), seed, unit),
               key="vae_fig_elbo")

st.subheader("Training curve")
if history:
    ui.show_figure(_curve_fig(stamp, unit), key="vae_fig_curve")
    command = meta.get("command", "")
    st.caption(f"From the checkpoint's metadata. Reproduce it with `{command}` "
               f"(seed {meta.get('seed', '?')})."
               + (f" Its final upper bound on −log p(x) (`{iw_keys[0]}`): "
                  f"{ui.fmt(u(meta['metrics'][iw_keys[0]]), unit, 2)}." if iw_keys else ""))
else:
    st.info("The checkpoint's metadata holds no training history.")

# ---- 5. train your own ----
st.header("5. Train your own small VAE")
st.markdown(
    f"Train a small VAE here, on the first digits of the shipped sample, and compare it on "
    f"the last {HELD_OUT} (never trained on) with the shipped model. It lives only in your "
    "session: the shipped model is not touched. Training stops by itself after "
    f"{TRAIN_SECONDS:g} s."
)
c1, c2, c3, c4 = st.columns(4)
with c1:
    n_train = st.select_slider("Training digits", [250, 500, 1000, 1500], key="vae_train_n")
with c2:
    epochs = st.slider("Epochs", 1, 20, key="vae_train_epochs")
with c3:
    hidden = st.select_slider("Hidden units", [32, 64, 128, 256], key="vae_train_hidden")
with c4:
    lr = st.select_slider("Learning rate", [0.0003, 0.001, 0.003, 0.01], key="vae_train_lr")
b1, b2 = st.columns(2)
go_clicked = b1.button("Train", key="vae_train_go", type="primary", icon=":material/play_arrow:")
cancel = b2.button("Cancel training", key="vae_train_cancel", icon=":material/stop:")
status = st.session_state.get("_vae_train_status")
held_x = torch.from_numpy(x_bin[N - HELD_OUT:])

if status == "running" and not go_clicked:
    # The previous run was cut short: Streamlit stops a running script when a widget changes.
    status = "cancelled" if cancel else "interrupted"
    st.session_state["_vae_train_status"] = status
elif cancel:
    st.info("Nothing is training right now.")

if go_clicked:
    st.session_state["_vae_train_status"] = "running"
    st.session_state.pop("_vae_own", None)
    bar = st.progress(0.0, text="Starting…")
    started = time.time()
    config = vae.VAEConfig(latent_dim=2, hidden=hidden, enc_layers=1, dec_layers=1)

    def on_progress(step: int, total: int, running: float) -> None:
        bar.progress(step / total, text=f"step {step} of {total}: running −ELBO "
                                        f"{ui.fmt(u(running), unit, 1)}")

    def on_epoch(trained, hist) -> None:
        # Keep a copy after each finished epoch, so a cancel still leaves a model to look at.
        st.session_state["_vae_own"] = {"model": copy.deepcopy(trained).eval(),
                                        "history": list(hist), "epochs": epochs}

    own_model, own_history = train_vae(
        images[:n_train], config, epochs=epochs, lr=lr, batch_size=50, seed=seed,
        test_x=held_x, on_progress=on_progress, on_epoch=on_epoch,
        should_stop=lambda: time.time() - started > TRAIN_SECONDS,
    )
    stopped = bool(own_history and own_history[-1].get("stopped"))
    st.session_state["_vae_own"] = {"model": own_model, "history": own_history, "epochs": epochs}
    status = "stopped" if stopped else "done"
    st.session_state["_vae_train_status"] = status
    bar.progress(1.0, text=f"Trained in {time.time() - started:.1f} s.")

own = st.session_state.get("_vae_own")
finished = [h for h in (own or {}).get("history", []) if "test_neg_elbo" in h]
if status == "cancelled":
    st.warning(f"Training cancelled after {len(finished)} finished epoch(s)."
               + (" Showing the model after the last finished epoch." if own else ""))
elif status == "interrupted":
    st.warning("Training was interrupted by another change on the page; press Train again."
               + (" Showing the model after the last finished epoch." if own else ""))
elif status == "stopped":
    st.warning(f"Training stopped at the {TRAIN_SECONDS:g} s time limit; showing the model "
               "as it was then.")
elif status == "done" and own:
    st.success(f"Trained {own['epochs']} epoch(s) on {n_train} digits.")

if own:
    own_model = own["model"]
    own_rec, own_kl = vae.elbo_estimate(own_model, held_x, seed=seed)
    m1, m2 = st.columns(2)
    m1.metric(f"your model: ELBO on the last {HELD_OUT} digits",
              ui.fmt(u(float((own_rec - own_kl).mean())), unit, 2))
    m2.metric(f"shipped model: ELBO on the same {HELD_OUT}",
              ui.fmt(u(float((sample_rec - sample_kl)[N - HELD_OUT:].mean())), unit, 2))
    c1, c2 = st.columns(2)
    with c1:
        own_z = vae.latent_grid(10).numpy()
        ui.show_figure(figs.manifold_figure(vae.decode_images(own_model, own_z), own_z, 10),
                       key="vae_fig_own_manifold")
    with c2:
        if finished:
            ui.show_figure(figs.training_curve(finished, unit, u), key="vae_fig_own_curve")
elif status is None:
    st.caption("Press **Train** to start; a few epochs take a few seconds.")

with st.expander("Where the model and the digits come from"):
    st.markdown(
        f"Checkpoint `{path.name}` with metadata `{path.with_suffix('.json').name}` "
        "(architecture, training command and seed, data checksums, per-epoch test ELBO). "
        "The weights are read with `torch.load(weights_only=True)`, which refuses files "
        "that would run code. The test digits are the first 2,000 of the MNIST test set "
        "(Y. LeCun, C. Cortes, C. J. C. Burges; CC BY-SA 3.0), binarised once with "
        "`numpy.random.default_rng(0).random(x.shape) < x / 255`."
    )
    if os.environ.get(vae.CHECKPOINT_ENV):
        st.caption(f"Checkpoint chosen by ${vae.CHECKPOINT_ENV}.")
