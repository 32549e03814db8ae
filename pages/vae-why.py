"""Why a VAE: autoencoder vs VAE, the exact ELBO gap, reparameterisation, latent dimension."""

import streamlit as st

from gdm_app import ui
from gdm_app.sections import vae as shared
from gdm_app.sections.vae import gap, jensen, latent_dims, reparam, versus

ui.ensure_entrypoint()  # a deep link must still go through app.py

st.title("Why a VAE")
shared.require_model()
st.caption(
    "Computed on 2-D models: what the VAE's noise and KL change, the gap the ELBO leaves out "
    "and three ways to derive it, the trick that makes it trainable, and how many latent "
    "dimensions it needs.")
ui.show_tabs("why_tab", [
    ("Autoencoder vs VAE", versus.show),
    ("ELBO gap", gap.show),
    ("Jensen and the ELBO", jensen.show),
    ("Reparameterisation", reparam.show),
    ("Latent dimension", latent_dims.show),
])
