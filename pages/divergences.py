"""Divergences: why WGAN exists — KL, JS and Wasserstein when supports do not overlap."""

import streamlit as st

from gdm_core import divergences as dv
from gdm_app import ui
from gdm_app.sections.divergences import (
    critic, gaussians, gradients, lines, samples, support, transport,
)

ui.ensure_entrypoint()  # a deep link must still go through app.py
# …/divergences?preset=disjoint opens the support example on that preset.
if ui.preset_from_url("div", dv.SUPPORT_PRESETS,
                      lambda name: st.session_state.update(div_preset=name)):
    st.session_state.setdefault("div_tab", "Support")

st.title("Divergences")
st.markdown("Why WGAN exists: when real and generated data **do not overlap**, only the "
            "Wasserstein distance still gives a signal.")
ui.show_tabs("div_tab", [
    ("Parallel lines", lines.show),
    ("Gradients", gradients.show),
    ("From samples", samples.show),
    ("Discriminator vs critic", critic.show),
    ("Plan and critic", transport.show),
    ("Two Gaussians", gaussians.show),
    ("Support", support.show),
    ("Heavy tails", support.tails),
])
