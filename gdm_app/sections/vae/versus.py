"""VAE: why a VAE and not a plain autoencoder — the same layers, with and without noise + KL.

Writes ``vae_ae_view``, ``vae_ae_nudge`` (bound to the URL) and ``vae_digit`` (the digit to
nudge, shared with the ELBO tabs). Reads ``_ae_checkpoint`` (tests point it elsewhere).
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st
import torch

from gdm_core import autoencoder as ae
from gdm_core import paths, vae
from gdm_app import ui
from gdm_core.checkpoints import load_autoencoder
from gdm_app.figures import vae as figs
from gdm_app.sections.vae import digit_input, digits, model, stamp

VIEWS = {
    "codes": "the codes of the test digits",
    "prior": "decodes of z ~ N(0, I)",
    "grid": "decodes of a grid over [−3, 3]²",
    "nudge": "a digit's code, nudged by noise",
}
RADII = {p: vae.prior_mass_radius(p) for p in (0.5, 0.9, 0.99)}


def _ae_path() -> Path:
    override = st.session_state.get("_ae_checkpoint")
    return Path(override) if override else paths.ae_checkpoint_path()


@st.cache_resource(show_spinner="Loading the autoencoder…", max_entries=2)
def _load_ae(key: tuple):
    net = load_autoencoder(key[0])
    for p in net.parameters():
        p.requires_grad_(False)
    return net


@st.cache_data(max_entries=4, show_spinner=False)
def _codes(kind: str, key: tuple, vae_key: tuple):
    net = _load_ae(key) if kind == "ae" else model()[0]
    return ae.codes(net, torch.from_numpy(digits()[2]))


@st.cache_resource(max_entries=32, show_spinner=False)
def _figure(kind: str, view: str, key: tuple, vae_key: tuple, digit: int, size: float,
            seed: int):
    net = _load_ae(key) if kind == "ae" else model()[0]
    if view == "codes":
        return figs.latent_scatter(_codes(kind, key, vae_key), digits()[1], None, RADII, None)
    if view == "prior":
        z, images = ae.prior_samples(net, 16, seed)
    elif view == "grid":
        z, images = ae.grid_decodes(net, 7)
    else:
        _, z, images = ae.nudge(net, torch.from_numpy(digits()[2][digit]), size, 16, seed)
    return figs.image_grid(images, 8 if view != "grid" else 7,
                           [f"z = ({a:.2f}, {b:.2f})" for a, b in z])


@ui.section("Autoencoder vs VAE")
def show() -> None:
    st.markdown(
        "A plain **autoencoder** with exactly the VAE's layers, trained on the same digits with "
        "the same Bernoulli reconstruction loss — but a deterministic code and no KL term. Can "
        "we change a code slightly and decode a new, reasonable digit? For the autoencoder, "
        "mostly not: nothing asked its codes to fill the plane or to mean anything between "
        "training points. The VAE adds noise to the code during training (and the KL keeps "
        "the codes near N(0, I)), so whole neighbourhoods decode to digits.")
    path = _ae_path()
    try:
        key = stamp(path)
        _load_ae(key)
    except Exception as exc:  # noqa: BLE001 - a missing or broken file: say so, keep the page
        st.info(f"The autoencoder checkpoint `{path.name}` could not be loaded ({exc}). "
                "Train it with the command in the README (*The shipped autoencoder*).")
        return
    c1, c2 = st.columns([2, 1])
    with c1:
        view = ui.radio("Compare", list(VIEWS), "prior", key="vae_ae_view", horizontal=True,
                        format_func=VIEWS.get)
    digit, size = 0, 0.0
    if view == "nudge":
        with c2:
            size = ui.slider("Noise size s (code units)", 0.0, 2.0, 0.5, key="vae_ae_nudge",
                             step=0.05)
            digit = digit_input()
        st.caption(f"Digit #{digit}: its code c(x) plus s·ε, ε ~ N(0, I), 16 times.")
    seed = ui.seed()
    left, right = st.columns(2)
    with left:
        st.markdown("**Autoencoder** (code f(x))")
        ui.show_figure(_figure("ae", view, key, stamp(), digit, size, seed), key="vae_fig_ae")
    with right:
        st.markdown("**VAE** (code μ(x))")
        ui.show_figure(_figure("vae", view, key, stamp(), digit, size, seed), key="vae_fig_vs")
    if view == "codes":
        st.caption("The dotted circles hold 50/90/99 % of N(0, I). The VAE's codes fill them; "
                   "the autoencoder's spread wherever training put them.")
