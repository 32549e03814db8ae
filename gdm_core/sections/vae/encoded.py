"""VAE §2: the encoded test digits and a point z decoded live.

Writes ``vae_z1``, ``vae_z2`` (bound to the URL) and, on a click on a dot, ``vae_digit``
(the digit the ELBO tab shows). Reads the interpolation ends ``vae_interp_a``/``_b``/``_steps``
to draw the interpolation line.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from gdm_core import estimates, ui, vae
from gdm_core.figures import vae as figs
from gdm_core.sections.vae import codes, digits, model

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


def interpolation_path(mu: np.ndarray) -> np.ndarray | None:
    """The straight line of the interpolation tab, if its ends are valid digits."""
    ss, n = st.session_state, len(mu)
    a, b, steps = ss.get("vae_interp_a", 2), ss.get("vae_interp_b", 0), ss.get("vae_interp_steps", 9)
    if all(isinstance(v, int) for v in (a, b, steps)) and 0 <= a < n and 0 <= b < n and steps >= 2:
        return vae.interpolate(mu[a], mu[b], steps)
    return None


@ui.section("Encoded digits")
def show() -> None:
    _, labels, _ = digits()
    mu, _ = codes()
    st.markdown(
        f"Each dot is the posterior mean μ(x) of one of the {len(mu):,} test digits (their "
        "binarised pixels, the model's input), drawn as its label — the VAE never saw labels. "
        "Dotted circles hold 50 %, 90 % and 99 % of the prior N(0, I). **Click a dot** or use "
        "the two sliders to choose a point z, decoded live on the right.")
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
        ui.show_selectable_figure(
            figs.latent_scatter(mu, labels, (z1, z2), RADII, interpolation_path(mu)),
            key="vae_scatter", on_select=_on_pick)
