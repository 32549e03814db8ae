"""VAE: the latent dimension — test metrics and prior samples of VAEs with d = 2 … 20.

Reads the shipped ``checkpoints/latent_dims`` files (metrics JSON and sample images); writes
nothing.
"""

from __future__ import annotations

import streamlit as st

from gdm_core import ui


@ui.section("Latent dimension")
def show() -> None:
    st.info("The latent-dimension models are being trained; their figures appear here once "
            "they are shipped.")
