"""VAE latent space: walk through the 2-D latent plane of a VAE trained on MNIST."""

import streamlit as st

from gdm_core import torch_threads, ui
from gdm_core.checkpoints import CheckpointError
from gdm_core.data import MnistError
from gdm_core.sections import vae as shared
from gdm_core.sections.vae import (
    elbo, encoded, gap, generate, manifold, reconstruct, reparam, train_own, versus,
)

ui.ensure_entrypoint()  # a deep link must still go through app.py
torch_threads.one_thread()

st.title("VAE latent space")
try:
    model, meta = shared.model()
    images, labels, _ = shared.digits()
except CheckpointError as exc:
    path = shared.checkpoint()
    st.error(f"The trained VAE could not be loaded. {exc}\n\nExpected `{path.name}` and "
             f"`{path.with_suffix('.json').name}` in `{path.parent}`; restore them (see the "
             "README) or retrain with `python -m gdm_core.train`.")
    st.stop()
except MnistError as exc:
    st.error(f"The shipped MNIST test sample could not be read. {exc}")
    st.stop()
except Exception as exc:  # noqa: BLE001 - any other failure must not become a traceback
    st.error(f"The trained VAE could not be loaded ({type(exc).__name__}: {exc}).")
    st.stop()
if model.config.latent_dim != 2:
    st.error(f"This page needs a 2-D latent space; the checkpoint has {model.config.latent_dim}.")
    st.stop()

cfg = model.config
st.markdown(
    "A VAE trained on MNIST with a **2-D latent**: encoder $q(z\\mid x)=\\mathcal N(\\mu(x),"
    "\\operatorname{diag}\\sigma^2(x))$, decoder $p(x\\mid z)$ (784 pixel probabilities), prior "
    "$p(z)=\\mathcal N(0, I)$ — two numbers per digit, so we can *see* the whole latent space.")
st.caption(
    f"{cfg.enc_layers}+{cfg.dec_layers} hidden layers of {cfg.hidden} units, "
    f"{sum(p.numel() for p in model.parameters()):,} weights, "
    f"{len(meta.get('history') or [])} epochs. Digits: the first {len(labels):,} MNIST test "
    "images (LeCun, Cortes & Burges, CC BY-SA 3.0), binarised once: the model's input.")
if meta.get("partial"):
    st.info("This checkpoint is from a training run still in progress.")

ui.show_tabs("vae_tab", [
    ("Latent plane", manifold.show),
    ("Encoded digits", encoded.show),
    ("Generate", generate.show),
    ("Reconstruct", reconstruct.show),
    ("Autoencoder vs VAE", versus.show),
    ("ELBO", elbo.show),
    ("ELBO gap", gap.show),
    ("Reparameterisation", reparam.show),
    ("Train your own", train_own.show),
])
