"""Why a VAE §1: autoencoder vs VAE — a pair trained alike, compared on what actually differs.

The two models are a pair (``checkpoints/ae2d.npz`` and the d = 2 VAE of the latent-dimension
study, ``checkpoints/latent_dims/vae_d2.npz``): the same layers, data, recipe and epochs. The
decodes are judged by the shipped classifier (``gdm_core.classifier``), never by eye.

Writes ``vae_ae_view``, ``vae_ae_nudge``, ``vae_ae_a``, ``vae_ae_b`` (bound to the URL) and
``vae_digit`` (the digit to nudge, shared with the ELBO tabs). Reads ``_ae_checkpoint`` and
``_pair_vae_checkpoint`` (tests point them elsewhere).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import streamlit as st

from gdm_core import autoencoder as ae
from gdm_core import paths, vae, versus
from gdm_app import ui
from gdm_app.figures import vae as figs
from gdm_app.sections.vae import (digit_input, digits, judge, judge_accuracy, load_frozen,
                                   stamp)

VIEWS = {
    "prior": "decode z ~ N(0, I)",
    "codes": "where the codes lie",
    "line": "between two codes",
    "nudge": "nudge a code",
}
N_JUDGED = 500   # prior draws judged per model: the class shares' noise is then ~1.3 points
N_SHOWN = 16
RADII = {p: vae.prior_mass_radius(p) for p in (0.5, 0.9, 0.99)}
NAMES = {"ae": "Autoencoder", "vae": "VAE"}


def _paths() -> dict[str, Path]:
    ss = st.session_state
    return {"ae": Path(ss.get("_ae_checkpoint") or paths.ae_checkpoint_path()),
            "vae": Path(ss.get("_pair_vae_checkpoint") or paths.PAIR_VAE)}


@st.cache_data(max_entries=4, show_spinner=False)
def _codes(key: tuple) -> np.ndarray:
    return ae.codes(load_frozen(key)[0], digits()[2])


@st.cache_data(max_entries=16, show_spinner=False)
def _judged(key: tuple, seed: int) -> dict:
    out = versus.judged_prior(load_frozen(key)[0], judge(), N_JUDGED, seed)
    out["images"], out["z"] = out["images"][:N_SHOWN], out["z"][:N_SHOWN]
    return out


def _tiles(z, images, ncols: int = 8, labels=None, height: int | None = None,
           title: str | None = None):
    hover = [f"z = ({a:.2f}, {b:.2f})" + (f" — read as {labels[i]}" if labels is not None else "")
             for i, (a, b) in enumerate(z)]
    return figs.image_grid(images, ncols, hover, title=title, height=height)


@st.cache_resource(max_entries=32, show_spinner=False)
def _prior_figures(keys: tuple, seed: int):
    judged = {k: _judged(key, seed) for k, key in zip(("ae", "vae"), keys)}
    grids = {}
    for k, j in judged.items():
        labels = judge().predict(j["images"])
        # the grid's name in its own title: a line of text above it would push it down
        grids[k] = _tiles(j["z"], j["images"], ncols=4, labels=labels, height=380,
                          title=NAMES[k])
    hist = figs.judge_histogram({NAMES[k]: j["counts"] for k, j in judged.items()}, N_JUDGED,
                                title=f"Classes read in {N_JUDGED} decodes")
    return grids, hist


@st.cache_resource(max_entries=8, show_spinner=False)
def _codes_figures(keys: tuple):
    labels = digits()[1]
    clouds = {k: _codes(key) for k, key in zip(("ae", "vae"), keys)}
    lim = float(np.ceil(max(np.abs(c).max() for c in clouds.values()) + 0.5))
    out = {}
    for k, c in clouds.items():
        fig = figs.latent_scatter(c, labels, None, RADII, None)
        fig.update_xaxes(range=[-lim, lim], title="z₁")
        fig.update_yaxes(range=[-lim, lim], title="z₂")
        fig.update_layout(showlegend=False, height=460)
        out[k] = fig
    return out


def _headline(keys: tuple, seed: int) -> str:
    j = {k: _judged(key, seed) for k, key in zip(("ae", "vae"), keys)}
    v = versus.verdict(j["ae"], j["vae"])
    even = "more evenly" if v["vae_more_even"] else "less evenly"
    sure = "surer" if v["vae_more_legible"] else "less sure"
    return (f"Decoded from {N_JUDGED} draws of N(0, I), the VAE's images spread over the ten "
            f"digits **{even}** than the autoencoder's (distance from a tenth each: "
            f"{v['tv'][1]:.2f} vs {v['tv'][0]:.2f}), and a digit classifier is **{sure}** of "
            f"them (mean top probability {v['confidence'][1]:.0%} vs {v['confidence'][0]:.0%}).")


def _pair_caption(metas: dict) -> str:
    ae_meta, vae_meta = metas["ae"], metas["vae"]
    epochs = {k: m.get("epochs") or len(m.get("history", [])) for k, m in metas.items()}
    return (f"The pair: the same layers ({vae_meta['architecture']['hidden']} units × "
            f"{vae_meta['architecture']['enc_layers']} + {vae_meta['architecture']['dec_layers']}"
            f" layers), data and recipe, {epochs['ae']} and {epochs['vae']} epochs; the "
            "autoencoder has a deterministic code and no KL term. Judge: a one-hidden-layer "
            f"classifier trained on real digits ({100 * judge_accuracy():.1f} % test accuracy).")


@ui.section("Autoencoder vs VAE")
def show() -> None:
    try:
        keys = tuple(stamp(p) for p in _paths().values())
        metas = {k: load_frozen(key)[1] for k, key in zip(("ae", "vae"), keys)}
        judge()
    except Exception as exc:  # noqa: BLE001 - a missing or broken file: say so, keep the page
        st.info(f"The autoencoder, its paired VAE or the digit classifier could not be loaded "
                f"({exc}). The README's *The shipped autoencoder* gives the commands.")
        return
    view = ui.radio("Compare", list(VIEWS), "prior", key="vae_ae_view", horizontal=True,
                    format_func=VIEWS.get)
    seed = ui.seed()
    if view == "prior":
        st.markdown(_headline(keys, seed))
        grids, hist = _prior_figures(keys, seed)
        left, mid, right = st.columns([1, 1, 1.1])
        for col, k in ((left, "ae"), (mid, "vae")):
            with col:
                ui.show_figure(grids[k], key=f"vae_fig_prior_{k}")
        with right:
            ui.show_figure(hist, key="vae_fig_judge")
        st.caption(f"Each grid: {N_SHOWN} of the {N_JUDGED} decodes the classifier read.")
    elif view == "codes":
        clouds = {k: _codes(key) for k, key in zip(("ae", "vae"), keys)}
        spread = {k: versus.code_spread(c) for k, c in clouds.items()}
        inside = {k: versus.prior_coverage(c, RADII[0.9]) for k, c in clouds.items()}
        st.markdown(
            f"The codes of {len(clouds['ae']):,} test digits on the same axes; dotted: the "
            f"circles holding 50/90/99 % of N(0, I). Inside the 90 % circle: VAE "
            f"**{inside['vae']:.0%}**, autoencoder **{inside['ae']:.0%}** of the codes.")
        figures = _codes_figures(keys)
        left, right = st.columns(2)
        for col, k in ((left, "ae"), (right, "vae")):
            with col:
                sd = ", ".join(f"{v:.1f}" for v in spread[k])
                st.markdown(f"**{NAMES[k]}** (spread per axis: {sd})")
                ui.show_figure(figures[k], key=f"vae_fig_codes_{k}")
    elif view == "line":
        n = len(digits()[1])
        c1, c2 = st.columns(2)
        with c1:
            a = int(ui.number("From test digit #", 0, n - 1, 3, key="vae_ae_a", step=1))
        with c2:
            b = int(ui.number("to test digit #", 0, n - 1, 2, key="vae_ae_b", step=1))
        st.markdown("Ten decodes on the straight line between the two digits' codes: does the "
                    "path pass through digits, or through codes no digit ever had?")
        for k, key in zip(("ae", "vae"), keys):
            c = _codes(key)
            z, images = versus.line_decodes(load_frozen(key)[0], c[a], c[b], 10)
            labels = judge().predict(images)
            st.markdown(f"**{NAMES[k]}**: read as " + " ".join(str(v) for v in labels))
            ui.show_figure(_tiles(z, images, 10, labels), key=f"vae_fig_line_{k}")
    else:
        s = ui.slider("Nudge size s (a fraction of each model's code spread)", 0.0, 1.0, 0.2,
                      key="vae_ae_nudge", step=0.05)
        digit = digit_input()
        st.markdown(f"Digit #{digit}: its code c(x) plus s·σ·ε, ε ~ N(0, I), 16 times, where σ "
                    "is the model's own spread of codes — so both move alike relative to "
                    "their clouds.")
        left, right = st.columns(2)
        x = digits()[2][digit]
        for col, (k, key) in zip((left, right), zip(("ae", "vae"), keys)):
            spread = versus.code_spread(_codes(key))
            _, z, images = versus.scaled_nudge(load_frozen(key)[0], x, s, spread, 16, seed)
            with col:
                st.markdown(f"**{NAMES[k]}**")
                ui.show_figure(_tiles(z, images), key=f"vae_fig_nudge_{k}")
    st.caption(_pair_caption(metas))
