"""VAE latent space: walk through the 2-D latent plane of a VAE trained on MNIST."""

import streamlit as st

from gdm_app import ui
from gdm_app.sections import vae as shared
from gdm_app.sections.vae import (conditional, draw, elbo, encoded, generate, manifold,
                                  reconstruct, train_own)

ui.ensure_entrypoint()  # a deep link must still go through app.py

st.title("VAE latent space")
model, meta = shared.require_model()
cfg, labels = model.config, shared.digits()[1]
st.markdown("A VAE trained on MNIST with a **2-D latent**: two numbers per digit, so we can *see* "
            "the whole latent space.")
if meta.get("partial"):
    st.info("This checkpoint is from a training run still in progress.")

ui.show_tabs("vae_tab", [
    ("Latent plane", manifold.show),
    ("Encoded digits", encoded.show),
    ("Draw a digit", draw.show),
    ("Generate", generate.show),
    ("Conditional", conditional.show),
    ("Reconstruct", reconstruct.show),
    ("ELBO", elbo.show),
    ("Train your own", train_own.show),
])
st.divider()
st.markdown(
    "The model: encoder $q(z\\mid x)=\\mathcal N(\\mu(x),\\operatorname{diag}\\sigma^2(x))$, "
    "decoder $p(x\\mid z)$ (784 pixel probabilities), prior $p(z)=\\mathcal N(0, I)$.")
st.caption(
    f"{cfg.enc_layers}+{cfg.dec_layers} hidden layers of {cfg.hidden} units, "
    f"{model.n_weights:,} weights, "
    f"{len(meta.get('history') or [])} epochs. Digits: the first {len(labels):,} MNIST test "
    "images (LeCun, Cortes & Burges, CC BY-SA 3.0), binarised once: the model's input. "
    "Why it is built this way: the *Why a VAE* page.")
