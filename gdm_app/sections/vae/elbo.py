"""VAE §5: the ELBO of one digit, its two terms, the importance-weighted bound, and the
training curve. Writes ``vae_digit`` (also set by a click on the scatter), ``vae_elbo_samples``
and ``vae_iw_k``."""

from __future__ import annotations

import streamlit as st

from gdm_core import estimates, tables, vae
from gdm_app import ui
from gdm_app.figures import vae as figs
from gdm_app.sections.layout import headline
from gdm_app.sections.vae import digit_input, digits, model, stamp

REPEATS = 5


@st.cache_data(max_entries=64, show_spinner=False)
def _bounds(key: tuple, index: int, samples: int, k: int, seed: int) -> dict:
    x = digits()[2][index:index + 1]
    return estimates.digit_bounds(model()[0], x, samples, k, seed, repeats=REPEATS)


@st.cache_data(show_spinner="Computing the ELBO of the shipped test digits…", max_entries=8)
def _all_digits(key: tuple, seed: int):
    return vae.elbo_estimate(model()[0], digits()[2], seed=seed)


@st.cache_resource(show_spinner=False, max_entries=16)
def _curve(key: tuple, unit: str):
    history = model()[1].get("history")
    return figs.training_curve(history if isinstance(history, list) else [], unit,
                               lambda v: ui.from_nats(v, unit))


@ui.section("The ELBO")
def show() -> None:
    headline("The ELBO is reconstruction minus the KL price of the code; training pushes the "
             "bar (−ELBO) down.")
    _, labels, x_bin = digits()
    unit, seed = ui.units(), ui.seed()
    c1, c2, c3 = st.columns(3)
    with c1:
        digit = digit_input()
    with c2:
        samples = ui.select_slider("Draws of z for the reconstruction term",
                                   [1, 10, 100, 1000], 100, key="vae_elbo_samples")
    with c3:
        k = ui.select_slider("k for the importance-weighted bound", [1, 10, 100, 1000], 100,
                             key="vae_iw_k")
    b = _bounds(stamp(), int(digit), int(samples), int(k), seed)
    rec_all, kl_all = _all_digits(stamp(), seed)
    final = _final_logged(model()[1])
    rows = tables.elbo_rows(b, rec_all, kl_all, final, int(digit), int(k), unit)
    col_bars, col_img = st.columns([3, 1])
    with col_bars:
        ui.show_figure(ui.figure(figs.elbo_bars, tables.elbo_bar_rows(b, rec_all, kl_all,
                                                                      int(digit), unit), unit),
                       key="vae_fig_elbo")
    with col_img:
        ui.show_figure(ui.figure(figs.digit_heatmap, x_bin[int(digit)].reshape(28, 28),
                                 f"#{digit}, label {labels[int(digit)]}, binarised", 260,
                                 "pixel"), key="vae_fig_digit")
    st.markdown(f"**In {unit}** (higher is better; all are ≤ 0 except the KL)")
    st.markdown(tables.markdown(rows))
    st.caption(
        f"Digit #{digit}: the reconstruction term averages {samples} draws of z (± its "
        f"standard error); the KL is exact. ELBO ≤ 𝓛_k ≤ log p(x) holds **in expectation**: "
        f"these are Monte Carlo estimates, so one draw can fall below the ELBO for small k. "
        f"The IW bound is the mean ± standard deviation of {REPEATS} independent estimates "
        f"(seed {seed}). The *ELBO gap* tab computes log p(x) itself by quadrature.")
    st.markdown(
        "Training maximises the **evidence lower bound**. For a binarised digit x it has two "
        "terms: how well the decoder reproduces x from codes drawn from q(z|x), and how far "
        "q(z|x) is from the prior.")
    st.latex(r"\log p(x)\;\ge\;\mathrm{ELBO}(x) = "
             r"\underbrace{\mathbb E_{q(z\mid x)}\!\big[\log p(x\mid z)\big]}_{\text{"
             r"reconstruction}} - \underbrace{\mathrm{KL}\big(q(z\mid x)\,\|\,p(z)\big)}_{"
             r"\text{KL, exact for Gaussians}}")
    st.latex(r"\log p(x)\;\ge\;\mathcal L_k = \mathbb E\Big[\log\tfrac1k\sum_{i=1}^k"
             r"\tfrac{p(x\mid z_i)\,p(z_i)}{q(z_i\mid x)}\Big]\ \ \text{(Burda et al. 2016; }"
             r"\mathcal L_1 = \mathrm{ELBO},\ \mathcal L_k \uparrow \log p(x))")
    st.subheader("Training curve")
    if model()[1].get("history"):
        ui.show_figure(_curve(stamp(), unit), key="vae_fig_curve")
        st.caption("Test negative ELBO after every epoch, from the checkpoint's metadata; the "
                   "training loss is an exponential moving average over batches. The command "
                   "that reproduces the model is in the README (*The shipped VAE*).")
    else:
        st.info("The checkpoint's metadata holds no training history.")


def _final_logged(meta: dict) -> dict:
    history = meta.get("history") if isinstance(meta.get("history"), list) else []
    return history[-1] if history and isinstance(history[-1], dict) else {}
