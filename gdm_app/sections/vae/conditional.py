"""VAE §4: conditional generation — a VAE that is told the digit (Sohn et al. 2015). Writes
``vae_cond_digit``, ``vae_cond_z1`` and ``vae_cond_z2`` (bound to the URL); reads
``_cvae_checkpoint`` (tests point it elsewhere)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import streamlit as st

from gdm_core import cvae
from gdm_app import ui
from gdm_app.figures import vae as figs
from gdm_app.sections.layout import BESIDE, headline
from gdm_app.sections.vae import digits, judge, judge_accuracy, stamp

GRID = 10          # style plane: tiles per side
PER_DIGIT = 100    # samples per digit the judge reads


def _key() -> tuple:
    """The checkpoint's :func:`stamp` (``_cvae_checkpoint`` in the session: a test's file), part
    of every cache key below."""
    return stamp(Path(st.session_state.get("_cvae_checkpoint") or cvae.CVAE_CHECKPOINT))


@st.cache_resource(show_spinner="Loading the conditional VAE…", max_entries=2)
def _model(key: tuple):
    return cvae.load_cvae(key[0])


@st.cache_resource(show_spinner=False, max_entries=10)
def _plane(key: tuple, digit: int):
    z, images = cvae.style_plane(_model(key)[0], digit, GRID)
    fig = figs.manifold_figure(images, z, GRID)
    fig.update_layout(title=dict(text=f"Digit {digit}: its style plane"))
    return fig


@st.cache_resource(show_spinner=False, max_entries=32)
def _strip(key: tuple, z1: float, z2: float):
    images = cvae.one_style_all_digits(_model(key)[0], [z1, z2])
    return figs.image_grid(images, 5, [f"digit {d}, z = ({z1:.1f}, {z2:.1f})" for d in range(10)],
                           title=f"z = ({z1:.1f}, {z2:.1f}) as every digit", height=260)


@st.cache_data(show_spinner=False, max_entries=4)
def _agreement(key: tuple, seed: int) -> dict:
    return cvae.label_agreement(_model(key)[0], judge(), PER_DIGIT, seed)


@st.cache_data(show_spinner=False, max_entries=4)
def _neg_elbo(key: tuple, seed: int) -> tuple[float, float, int]:
    _, labels, x = digits()
    rec, kl = cvae.conditional_elbo(_model(key)[0], x, labels, seed)
    loss = kl - rec
    return float(loss.mean()), float(loss.std(ddof=1) / np.sqrt(len(loss))), len(loss)


@st.cache_data(show_spinner=False, max_entries=2)
def _style(key: tuple) -> dict:
    return cvae.shared_style(_model(key)[0])


def _span(values) -> str:
    lo, hi = float(np.min(values)), float(np.max(values))
    return f"{lo:.2f} to {hi:.2f}".replace("-", "−")


def _trend(correlations, axis: str) -> str:
    """The words for ten correlations with one axis: said only when all ten agree in sign."""
    c = np.asarray(correlations)
    if (c > 0).all():
        return f"grows with {axis}"
    if (c < 0).all():
        return f"falls as {axis} grows"
    return f"does not move one way with {axis}"


@ui.section("Conditional")
def show() -> None:
    try:
        key = _key()
        _, meta = _model(key)
        judge()
    except Exception as exc:  # noqa: BLE001 - a missing or altered file: say so, keep the page
        st.info(f"The conditional VAE or the digit classifier could not be loaded ({exc}).")
        return
    headline("Tell the decoder the digit: the label picks *which* digit, the 2-D code z only "
             "its *style*.")
    pic, side = st.columns(BESIDE)
    with side:
        digit = int(ui.radio("Digit", list(range(10)), 3, key="vae_cond_digit", horizontal=True))
        c1, c2 = st.columns(2)
        with c1:
            z1 = ui.slider("Style z₁", -2.5, 2.5, 1.5, key="vae_cond_z1", step=0.1)
        with c2:
            z2 = ui.slider("Style z₂", -2.5, 2.5, 0.0, key="vae_cond_z2", step=0.1)
        ui.show_figure(_strip(key, round(float(z1), 1), round(float(z2), 1)), key="vae_fig_cond_strip")
        seed = ui.seed()
        agree = _agreement(key, seed)
        lo, hi = agree["overall_ci95"]
        st.markdown(
            f"**{100 * agree['overall']:.1f} %** (95 % interval {100 * lo:.1f}–{100 * hi:.1f} %) "
            f"of {agree['n']:,} samples, {PER_DIGIT} per digit with z ~ N(0, I), are read as the "
            f"digit asked for by an independent classifier ({100 * judge_accuracy():.1f} % on "
            "real test digits).")
    with pic:
        ui.show_figure(_plane(key, digit), key="vae_fig_cond_plane")
    loss, se, n = _neg_elbo(key, seed)
    unit = ui.units()
    worst = int(np.argmin(agree["per_digit"]))
    style = _style(key)
    st.markdown(
        "Each tile of the plane is the decoder's mean image at one style code z, for the digit "
        "chosen; the strip decodes *one* z as all ten digits. One code is one style, whatever "
        f"the digit: on a {int(np.sqrt(style['n_codes']))}×{int(np.sqrt(style['n_codes']))} "
        f"grid of codes in [−2, 2]², every digit's slant {_trend(style['slant'][:, 1], 'z₂')} "
        f"(correlation {_span(style['slant'][:, 1])}) and its ink "
        f"{_trend(style['ink'][:, 0], 'z₁')} ({_span(style['ink'][:, 0])}). The label enters the encoder and the decoder as a one-hot vector, "
        "so z needs to hold only what the label does not say (Sohn, Lee & Yan, NeurIPS 2015; "
        "Kingma et al., NeurIPS 2014, model M2 with y observed):")
    st.latex(r"\log p(x\mid y) \;\ge\; \mathbb E_{q(z\mid x,y)}[\log p(x\mid z,y)]"
             r" - \mathrm{KL}\big(q(z\mid x,y)\,\|\,\mathcal N(0,I)\big)")
    def value(v, digits=1):
        return ui.fmt(ui.from_nats(v, unit), unit, digits)

    st.caption(
        f"Test −ELBO of the conditional VAE: {value(loss)} ± {value(se, 2)} per digit on the "
        f"{n:,} shipped test digits (one z each, seed {seed}); {value(meta['test_neg_elbo'])} "
        f"on all 10,000 at the end of training. The judge's lowest share: digit {worst}, "
        f"{100 * agree['per_digit'][worst]:.0f} of {PER_DIGIT}. Architecture "
        f"{meta['architecture']['enc_layers']}+{meta['architecture']['dec_layers']} layers of "
        f"{meta['architecture']['hidden']} units, {len(meta['history'])} epochs.")
