"""VAE: the latent dimension — test metrics and prior samples of VAEs with d = 2 … 50.

Reads the shipped study in ``checkpoints/latent_dims`` (each model's checkpoint metadata and
sample images; the weights ship beside them); writes nothing.
"""

from __future__ import annotations

import streamlit as st

from gdm_core import tables, vae
from gdm_core.units import fmt
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
    unit = ui.units()
    dims = [r["d"] for r in study]
    neg = [r["neg_elbo"] for r in study]
    falls = all(b <= a for a, b in zip(neg, neg[1:]))
    gain = neg[0] - neg[-1]
    st.markdown(
        f"**Test −ELBO {'falls' if falls else 'does not fall steadily'} from d = {dims[0]} to "
        f"d = {dims[-1]}**: {fmt(ui.to_units(neg[0]), unit, 1)} → "
        f"{fmt(ui.to_units(neg[-1]), unit, 1)}, a gain of {fmt(ui.to_units(gain), unit, 1)}, "
        f"90 % of it reached by d = {_knee(study)}.")
    a, b = st.columns([1.25, 1])
    with a:
        ui.show_figure(ui.figure(figs.latent_dim_bars, dims,
                                 [ui.to_units(r["reconstruction"]) for r in study],
                                 [ui.to_units(r["kl"]) for r in study],
                                 [ui.to_units(r["neg_iw"]) for r in study], unit=unit),
                       key="vae_fig_latent_dims")
    with b:
        st.markdown(tables.markdown(tables.latent_dim_rows(study, unit)))
        st.caption(f"In {unit}, on all 10,000 test digits (binarised with numpy's "
                   "default_rng(0)); −ELBO = −reconstruction (−rec.) + KL; −IW: the negative "
                   "importance-weighted bound with k = 1000 (first 500 test digits), an upper "
                   "bound on −log p(x). Lower is better.")
    cols = st.columns(len(study))
    for col, r in zip(cols, study):
        with col:
            st.markdown(f"**d = {r['d']}**")
            ui.show_figure(ui.figure(vae_figs.image_grid, r["samples"][:9] / 255.0, 3,
                                     [f"d = {r['d']}, sample {i + 1}" for i in range(9)]),
                           key=f"vae_fig_latent_samples_{r['d']}")
    epochs = study[0].get("epochs") or len(study[0]["history"])
    st.caption(
        f"Mean images E[x|z] of 9 draws z ~ N(0, I_d) from each model. One recipe for every d: "
        f"encoder and decoder of {recipe['enc_layers']}+{recipe['dec_layers']} layers of "
        f"{recipe['hidden']} units, {epochs} epochs with KL warm-up, the best epoch on 10,000 "
        "held-out training digits kept; the weights ship in checkpoints/latent_dims. "
        "Reference: Davidson et al. 2018 (N-VAE, MLP 256-128): −ELBO ≈ 137.1, 113.0 and "
        "94.8 nats at d = 2, 5, 20.")


def _knee(study) -> int:
    """The d after which the remaining gain is under a tenth of the whole gain."""
    neg = [r["neg_elbo"] for r in study]
    total = neg[0] - neg[-1]
    for r, v in zip(study, neg):
        if v - neg[-1] <= 0.1 * total:
            return r["d"]
    return study[-1]["d"]
