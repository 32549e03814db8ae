"""VAE §4: reconstruction and interpolation of test digits. Writes ``vae_recon``,
``vae_interp_a``, ``vae_interp_b`` and ``vae_interp_steps`` (the scatter tab draws the line)."""

from __future__ import annotations

import numpy as np
import streamlit as st

from gdm_core import vae
from gdm_app import ui
from gdm_app.figures import vae as figs
from gdm_app.sections.layout import headline
from gdm_app.sections.vae import codes, digits, model, stamp
from gdm_app.sections.vae.encoded import interpolation_ends


@st.cache_resource(show_spinner=False, max_entries=32)
def _recon_figure(key: tuple, indices: tuple):
    _, labels, x_bin = digits()
    x = x_bin[list(indices)]
    return figs.reconstruction_pairs(x.reshape(-1, 28, 28),
                                     vae.reconstruct(model()[0], x), indices,
                                     [int(labels[i]) for i in indices])


@st.cache_resource(show_spinner=False, max_entries=32)
def _interp_figure(key: tuple, a: int, b: int, steps: int):
    mu, _ = codes()
    z = vae.interpolate(mu[a], mu[b], steps)
    return figs.interpolation_strip(vae.decode_images(model()[0], z), np.linspace(0, 1, steps), z)


@ui.section("Reconstruct and interpolate")
def show() -> None:
    _, labels, _ = digits()
    n = len(labels)
    headline("Encode a digit to its 2-number code μ(x) and decode it: identity and style "
             "survive, details do not.")
    chosen = ui.multiselect("Test digits to reconstruct", list(range(n)), list(range(8)),
                            key="vae_recon", max_selections=12,
                            format_func=lambda i: f"#{i} ({labels[i]})")
    if chosen:
        ui.show_figure(_recon_figure(stamp(), tuple(chosen)), key="vae_fig_recon")
    else:
        st.warning("Choose at least one test digit to reconstruct.")
    st.markdown("Encode a test digit's binarised pixels to μ(x) and decode it again. A "
                "2-number code keeps the digit's identity and style roughly, not its details.")
    st.subheader("Interpolation")
    st.markdown("Walk on the straight line between the codes μ of two test digits and decode "
                "every step (the black line on the *Encoded digits* scatter).")
    c1, c2 = st.columns([2, 1])
    with c1:
        a, b = interpolation_ends(n)
        st.caption(f"From a {labels[a]} to a {labels[b]}.")
    with c2:
        steps = ui.slider("Steps", 3, 15, 9, key="vae_interp_steps")
    ui.show_figure(_interp_figure(stamp(), int(a), int(b), int(steps)), key="vae_fig_interp")
    st.latex(r"z(t) = (1-t)\,\mu(x_A) + t\,\mu(x_B),\quad t\in[0,1]")
