"""VAE §1: the decoded latent plane. Writes ``vae_grid``."""

from __future__ import annotations

import streamlit as st

from gdm_core import vae
from gdm_app import ui
from gdm_app.figures import vae as figs
from gdm_app.sections.layout import headline
from gdm_app.sections.vae import model, stamp


@st.cache_resource(show_spinner=False, max_entries=16)
def _figure(key: tuple, n: int):
    z = vae.latent_grid(n)
    return figs.manifold_figure(vae.decode_images(model()[0], z), z, n)


@ui.section("The latent manifold")
def show() -> None:
    headline("Every point of this plane is a digit: the decoder's image at each z of a grid.")
    pic, side = st.columns([3, 1.4])
    with side:
        n = ui.slider("Grid size (tiles per side)", 5, 30, 15, key="vae_grid")
        st.markdown(
            "Each tile is the decoder's mean image $\\sigma(\\text{logits}(z))$ at one point z. "
            "The grid is even in *probability*, not in z: an even grid u on the unit square "
            "(from 0.05 to 0.95) is "
            "sent through the inverse Gaussian CDF Φ⁻¹ (Kingma & Welling 2014, Fig. 4), so every "
            "tile stands for the same prior mass and the tiles crowd near the origin.")
        st.latex(r"z = \big(\Phi^{-1}(u_1),\ \Phi^{-1}(u_2)\big)")
        st.latex(r"u_i \in \{0.05, \dots, 0.95\}")
    with pic:
        ui.show_figure(_figure(stamp(), n), key="vae_fig_manifold")
