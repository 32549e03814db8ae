"""Gaussians: marginals, conditionals and KL — the facts the VAE's derivations use."""

import streamlit as st

from gdm_app import ui
from gdm_app.sections.gaussians import conditional, kl

ui.ensure_entrypoint()  # a deep link must still go through app.py

st.title("Gaussians")
st.markdown("The Gaussian facts a VAE's derivation uses: marginals, conditionals and the KL "
            "between two Gaussians.")
ui.show_tabs("g_tab", [
    ("Marginal and conditional", conditional.show),
    ("KL between Gaussians", kl.show),
])
