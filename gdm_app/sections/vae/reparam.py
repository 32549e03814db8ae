"""VAE: the reparameterisation trick — two ways to estimate ∇_{μ,σ} E_q[f(z)].

Writes ``vae_rp_f``, ``vae_rp_mu``, ``vae_rp_sigma`` and, for the VAE's own f, ``vae_digit``
(the digit whose log p(x|z) is used). Reads the seed.
"""

from __future__ import annotations

import streamlit as st
import torch

from gdm_core import reparam
from gdm_app import ui
from gdm_app.figures import latent as figs
from gdm_app.sections.vae import digit_input, digits, model, stamp

QUADRATIC = (1.0, -1.0, 0.0)  # f(z) = z² − z: closed-form gradient (2μ − 1, 2σ)
FUNCTIONS = {"quadratic": "f(z) = z² − z (closed form known)",
             "vae": "the VAE's log p(x | z) along z₁ for the chosen digit"}


@st.cache_data(max_entries=32, show_spinner="Estimating the gradients many times…")
def _spread(which: str, mu: float, sigma: float, seed: int, key: tuple, digit: int):
    if which == "quadratic":
        f, df = reparam.quadratic(*QUADRATIC)
        s = reparam.estimator_spread(f, mu, sigma, repeats=50, seed=seed, df=df)
        exact = reparam.quadratic_grad(*QUADRATIC, mu, sigma)
    else:
        f, mu, sigma = reparam.vae_coordinate(model()[0], torch.from_numpy(digits()[2][digit]))
        s = reparam.estimator_spread(f, mu, sigma, ns=(1, 10, 100), repeats=20,
                                     seed=seed)
        exact = None
    return s, exact, mu, sigma


@ui.section("Reparameterisation")
def show() -> None:
    st.markdown(
        "Training needs $\\nabla_{\\mu,\\sigma}\\,\\mathbb E_{z\\sim\\mathcal N(\\mu,\\sigma^2)}"
        "[f(z)]$, but z is *sampled*. The **score function** (REINFORCE) estimator "
        "differentiates the density and only needs values of f; the **pathwise** "
        "(reparameterised) one writes $z = \\mu + \\sigma\\varepsilon$, $\\varepsilon\\sim"
        "\\mathcal N(0,1)$, and backpropagates through f.")
    st.latex(r"\nabla_\mu \mathbb E[f] \approx \frac1n\sum_i f(z_i)\,\frac{\varepsilon_i}{\sigma}"
             r"\ \ \text{(score)}\qquad"
             r"\nabla_\mu \mathbb E[f] \approx \frac1n\sum_i f'(\mu + \sigma\varepsilon_i)"
             r"\ \ \text{(pathwise)}")
    c1, c2, c3 = st.columns([2, 1, 1])
    with c1:
        which = ui.radio("f", list(FUNCTIONS), "quadratic", key="vae_rp_f",
                         format_func=FUNCTIONS.get)
    quad = which == "quadratic"
    with c2:
        mu = ui.slider("μ", -2.0, 2.0, 0.5, key="vae_rp_mu", step=0.1, disabled=not quad)
    with c3:
        sigma = ui.slider("σ", 0.1, 2.0, 1.0, key="vae_rp_sigma", step=0.1, disabled=not quad)
    digit = 0
    if not quad:
        with c1:
            digit = digit_input()
    s, exact, mu, sigma = _spread(which, float(mu), float(sigma), ui.seed(), stamp(), digit)
    if not quad:
        st.caption(f"Digit #{digit}: q(z₁|x) has μ = {mu:.3f}, "
                   f"σ = {sigma:.3f}; f is the reconstruction term the VAE's training "
                   "differentiates.")
    n_last = int(s.n[-1])
    cols = st.columns(4)
    for col, (name, j) in zip((cols[:2], cols[2:]), (("∂/∂μ", 0), ("∂/∂σ", 1))):
        col[0].metric(f"score {name}, n = {n_last}",
                      f"{s.score_mean[-1, j]:.3f} ± {s.score_sd[-1, j]:.3f}")
        col[1].metric(f"pathwise {name}, n = {n_last}",
                      f"{s.path_mean[-1, j]:.3f} ± {s.path_sd[-1, j]:.3f}")
    if exact is not None:
        st.caption(f"Closed form: ∂/∂μ = 2μ − 1 = {exact[0]:.3f}, ∂/∂σ = 2σ = {exact[1]:.3f}. "
                   "Both estimators are unbiased (their means sit on it); ± is the spread of "
                   "one estimate over 50 seeds — the pathwise one is far smaller.")
    a, b = st.columns(2)
    with a:
        ui.show_figure(ui.figure(figs.estimator_spread_figure, s.n, s.score_mean[:, 0],
                                 s.score_sd[:, 0], s.path_mean[:, 0], s.path_sd[:, 0],
                                 exact[0] if exact else float("nan"), which="∂/∂μ",
                                 title="∂/∂μ against the number of samples"),
                       key="vae_fig_reparam")
    with b:
        ui.show_figure(ui.figure(figs.computation_graphs), key="vae_fig_graphs")
        st.caption("Left: z is drawn inside the graph — no gradient passes the sampling node. "
                   "Right: the noise ε is an input and z = μ + σ·ε a plain function, so "
                   "backpropagation reaches μ and σ (Kingma & Welling 2014).")
