"""VAE §3: generating — draw z from the prior, decode it. Writes ``vae_samples_n``,
``vae_draw`` (bound to the URL, so a shared link shows the same digits) and ``vae_binary``."""

from __future__ import annotations

import numpy as np
import streamlit as st

from gdm_core import estimates, vae
from gdm_app import ui
from gdm_app.figures import vae as figs
from gdm_app.sections.layout import headline
from gdm_app.sections.vae import model, stamp


@st.cache_resource(show_spinner=False, max_entries=32)
def _figure(key: tuple, n: int, draw_seed: int, binary: bool):
    z, means = vae.sample_prior(model()[0], n, draw_seed)
    images = estimates.bernoulli_sample(means, draw_seed) if binary else means
    return figs.image_grid(images, 8, [f"z = ({a:.2f}, {b:.2f})" for a, b in z])


def _resample() -> None:
    st.session_state["vae_draw"] = int(st.session_state.get("vae_draw", 0)) + 1


@ui.section("Generate")
def show() -> None:
    headline("Generating is two steps: draw z from the prior N(0, I), then decode it.")
    c1, c2, c3, c4 = st.columns([3, 1.2, 1.2, 2])
    with c1:
        n = ui.slider("Number of samples", 8, 40, 16, key="vae_samples_n", step=8)
    with c2:
        draw = ui.number("Draw #", 0, 1_000_000, 0, key="vae_draw", step=1)
    with c3:
        st.button("Resample", key="vae_resample", icon=":material/casino:", on_click=_resample)
    with c4:
        binary = ui.toggle("Show Bernoulli samples x ~ p(x|z)", False, key="vae_binary")
    seed = ui.seed()
    draw_seed = int(np.random.SeedSequence([seed, int(draw)]).generate_state(1)[0])
    ui.show_figure(_figure(stamp(), n, draw_seed, binary), key="vae_fig_samples")
    shown = "binary samples x ~ Bernoulli(p(x|z))" if binary else "mean images E[x|z]"
    st.caption(f"Showing {shown}. Seed {seed} (sidebar), draw {draw}: the same seed and draw "
               "give the same digits.")
    st.markdown(
        "Draw $z \\sim \\mathcal N(0, I)$ and decode it. The decoder gives 784 pixel "
        "probabilities $p(x\\mid z)$: their **mean image** $\\mathbb E[x\\mid z]$ is the smooth "
        "grey picture usually shown; the VAE's actual **sample** is a binary image "
        "$x \\sim \\text{Bernoulli}(p)$, pixel by pixel.")
