"""Divergences: why WGAN exists — KL, JS and Wasserstein when supports do not overlap."""

import streamlit as st

from gdm_core import divergences as dv
from gdm_app import ui
from gdm_app.sections.divergences import (
    critic, gaussians, gradients, lines, samples, support,
)

ui.ensure_entrypoint()  # a deep link must still go through app.py
# …/divergences?preset=disjoint opens the support example on that preset.
if ui.preset_from_url("div", dv.SUPPORT_PRESETS,
                      lambda name: st.session_state.update(div_preset=name)):
    st.session_state.setdefault("div_tab", "Support")

st.title("Divergences")
st.markdown(
    "Why WGAN exists. When the real and the generated distributions **do not overlap**, KL and "
    "Jensen–Shannon give the generator no signal at all, while the Wasserstein (earth mover's) "
    "distance still says which way to move. Move the sliders and watch it happen.")
ui.show_tabs("div_tab", [
    ("Parallel lines", lines.show),
    ("Gradients", gradients.show),
    ("From samples", samples.show),
    ("Discriminator vs critic", critic.show),
    ("Two Gaussians", gaussians.show),
    ("Support", support.show),
    ("Heavy tails", support.tails),
])
