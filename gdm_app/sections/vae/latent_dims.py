"""VAE: the latent dimension — test metrics and prior samples of VAEs with d = 2, 5, 10, 20.

Reads the shipped study in ``checkpoints/latent_dims`` (metrics JSON and sample images, no
weights); writes ``vae_ld_d`` (whose samples are shown, bound to the URL).
"""

from __future__ import annotations

import streamlit as st

from gdm_core import tables, vae
from gdm_app import ui
from gdm_app.figures import latent as figs
from gdm_app.figures import vae as vae_figs


@st.cache_data(max_entries=2, show_spinner=False)
def _study():
    return vae.load_latent_dims()


@ui.section("Latent dimension")
def show() -> None:
    try:
        study = _study()
    except Exception as exc:  # noqa: BLE001 - a missing or damaged study: say so
        study, problem = [], f" ({type(exc).__name__}: {exc})"
    else:
        problem = ""
    if not study:
        st.info(f"The latent-dimension study is not shipped{problem}; the README says how to "
                "make it.")
        return
    recipe = study[0]["architecture"]
    st.markdown(
        f"VAEs with latent dimension d = {', '.join(str(r['d']) for r in study)}, one recipe "
        f"for all (encoder and decoder of {recipe['enc_layers']}+{recipe['dec_layers']} layers "
        f"of {recipe['hidden']} units, {len(study[0]['history'])} epochs; smaller than the "
        "2-D model of the other pages), scored on the 10,000 MNIST test digits. The lecture "
        "claims models with fewer than about 4 latent dimensions struggle: the bars show "
        "what the measurements say.")
    unit = ui.units()
    rows = tables.latent_dim_rows(study, unit)
    a, b = st.columns([3, 2])
    with a:
        ui.show_figure(ui.figure(figs.latent_dim_bars, [r["d"] for r in study],
                                 [ui.to_units(r["reconstruction"]) for r in study],
                                 [ui.to_units(r["kl"]) for r in study],
                                 [ui.to_units(r["neg_iw"]) for r in study], unit=unit),
                       key="vae_fig_latent_dims")
    with b:
        st.markdown(tables.markdown(rows))
        st.caption("−ELBO = −reconstruction + KL, on all test digits; −IW: the negative "
                   "importance-weighted bound with k = 1000 (first 500 test digits), an upper "
                   "bound on −log p(x). Lower is better.")
        d = ui.radio("Prior samples of the model with d =", [r["d"] for r in study],
                     study[0]["d"], key="vae_ld_d", horizontal=True)
    chosen = next(r for r in study if r["d"] == d)
    ui.show_figure(ui.figure(vae_figs.image_grid, chosen["samples"] / 255.0, 8,
                             [f"sample {i + 1}" for i in range(len(chosen["samples"]))]),
                   key="vae_fig_latent_samples")
    st.caption(f"Mean images E[x|z] of 16 draws z ~ N(0, I_{d}) from the d = {d} model.")
