"""VAE §2: the encoded test digits and a point z decoded live.

Writes ``vae_z1``, ``vae_z2``, the interpolation ends ``vae_interp_a``/``_b`` (shared with the
Reconstruct tab; all bound to the URL) and, on a click on a dot, ``vae_digit``.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from gdm_core import estimates, vae
from gdm_app import ui
from gdm_app.figures import vae as figs
from gdm_app.sections.layout import headline
from gdm_app.sections.vae import codes, digits, model

Z_MIN, Z_MAX = -4.0, 4.0
RADII = {p: vae.prior_mass_radius(p) for p in (0.5, 0.9, 0.99)}


def _on_pick() -> None:
    # A click on a digit moves the chosen point there (runs before the sliders are drawn).
    event = st.session_state.get("vae_scatter")
    picked = figs.picked_point(event.get("selection") if hasattr(event, "get") else None)
    if picked is None:
        return
    x, y, index = picked
    st.session_state["vae_z1"] = float(np.clip(round(x, 2), Z_MIN, Z_MAX))
    st.session_state["vae_z2"] = float(np.clip(round(y, 2), Z_MIN, Z_MAX))
    if index is not None and 0 <= index < len(digits()[1]):
        st.session_state["vae_digit"] = int(index)


def interpolation_ends(n: int) -> tuple[int, int]:
    """The two test digits the interpolation walks between: drawn here and on the Reconstruct
    tab under the same URL-bound keys, so either tab's link carries them."""
    c1, c2 = st.columns(2)
    with c1:
        a = ui.number("From test digit #", 0, n - 1, 2, key="vae_interp_a", step=1)
    with c2:
        b = ui.number("To test digit #", 0, n - 1, 0, key="vae_interp_b", step=1)
    return int(a), int(b)


@ui.section("Encoded digits")
def show() -> None:
    _, labels, _ = digits()
    mu, _ = codes()
    headline("The encoder sorts the digits into clusters without ever seeing a label: click a "
             "dot to decode it.")
    left, right = st.columns([3, 1.3])
    with right:
        z1 = ui.slider("z₁", Z_MIN, Z_MAX, 0.0, key="vae_z1", step=0.05)
        z2 = ui.slider("z₂", Z_MIN, Z_MAX, 0.0, key="vae_z2", step=0.05)
        decoded = vae.decode_images(model()[0], [[z1, z2]])[0]
        sample = estimates.bernoulli_sample(decoded, ui.seed())
        ui.show_figure(figs.mean_and_sample(decoded, sample, z=(z1, z2)),
                       key="vae_fig_decoded")
        st.caption(f"Decoded at z = ({z1:.2f}, {z2:.2f}), the ✕ on the scatter. Left: each "
                   "pixel's probability of being on; right: what the VAE generates, each "
                   "pixel switched on with that probability. The black line is the "
                   "interpolation of the *Reconstruct* tab.")
    with left:
        scatter = st.container()  # the picture first, the line's two ends under it
        with st.expander("The interpolation line (the *Reconstruct* tab walks along it)"):
            a, b = interpolation_ends(len(mu))
        with scatter:
            ui.show_selectable_figure(
                figs.latent_scatter(mu, labels, (z1, z2), RADII,
                                    vae.interpolate(mu[a], mu[b], 2)),
                key="vae_scatter", on_select=_on_pick)
    st.markdown(
        f"Each dot is the posterior mean μ(x) of one of the {len(mu):,} test digits (their "
        "binarised pixels, the model's input), drawn as its label — the VAE never saw labels. "
        "Dotted circles hold 50 %, 90 % and 99 % of the prior N(0, I). **Click a dot** or use "
        "the two sliders to choose a point z, decoded live on the right.")
