"""VAE: the reparameterisation trick — two ways to estimate ∇_{μ,σ} E_q[f(z)].

Writes ``vae_rp_f``, ``vae_rp_mu``, ``vae_rp_sigma`` and, for the VAE's own f (the default: the
estimator whose variance the trick removes), ``vae_digit`` (the digit whose log p(x|z) is
used). Reads the seed. The exact gradient is drawn and stated: in closed form for the
quadratic, by Gauss–Hermite quadrature for the VAE's f.
"""

from __future__ import annotations

import math

import streamlit as st

from gdm_core import reparam
from gdm_app import ui
from gdm_app.sections import layout
from gdm_app.figures import latent as figs
from gdm_app.sections.vae import digit_input, digits, model, stamp

QUADRATIC = (1.0, -1.0, 0.0)  # f(z) = z² − z: closed-form gradient (2μ − 1, 2σ)
# The VAE's own f first and by default: there the spreads differ by a factor of hundreds
# (test digit #3: ±469 vs ±0.80 at n = 100); on the quadratic only by 1.8 at μ = 0.5, σ = 1.
FUNCTIONS = {"vae": "the VAE's log p(x | z) along z₁ for the chosen digit",
             "quadratic": "f(z) = z² − z (closed form known)"}
REPEATS = {"quadratic": 50, "vae": 20}
GH_ORDER = 40  # Gauss–Hermite nodes for the VAE's exact gradient (orders 10–160 agree to 1e-4)


@st.cache_data(max_entries=32, show_spinner="Estimating the gradients many times…")
def _spread(which: str, mu: float, sigma: float, seed: int, key: tuple, digit: int):
    if which == "quadratic":
        f, df = reparam.quadratic(*QUADRATIC)
        s = reparam.estimator_spread(f, mu, sigma, repeats=REPEATS[which], seed=seed, df=df)
        exact = reparam.quadratic_grad(*QUADRATIC, mu, sigma)
    else:
        f, mu, sigma, df = reparam.vae_coordinate(model()[0], digits()[2][digit])
        s = reparam.estimator_spread(f, mu, sigma, ns=(1, 10, 100), repeats=REPEATS[which],
                                     seed=seed, df=df)
        exact = reparam.quadrature_grad(f, mu, sigma, order=GH_ORDER)
    return s, exact, mu, sigma


def plus_minus(mean: float, sd: float) -> str:
    """``mean ± sd`` with sd to two significant digits and the mean to the same decimals
    (short enough for a metric at a projector's 1280 px)."""
    if not (math.isfinite(sd) and sd > 0):
        return f"{mean:.3f} ± {sd:.3f}"
    decimals = min(max(0, 1 - math.floor(math.log10(sd))), 4)
    return f"{mean:.{decimals}f} ± {sd:.{decimals}f}"


def times(ratio: float) -> str:
    """A ratio of spreads in words: "53× smaller", "1.8× smaller", "2.0× larger"."""
    if not math.isfinite(ratio) or ratio <= 0:
        return "not comparable"
    r, word = (ratio, "smaller") if ratio >= 1 else (1 / ratio, "larger")
    return f"{r:.0f}× {word}" if r >= 10 else f"{r:.1f}× {word}"


@ui.section("Reparameterisation")
def show() -> None:
    layout.headline("Two unbiased gradients of E[f(z)]: the score function's is noisy, the "
                    "reparameterised (pathwise) one's far less.")
    c1, c2, c3 = st.columns([2, 1, 1])
    with c1:
        which = ui.radio("f", list(FUNCTIONS), "vae", key="vae_rp_f",
                         format_func=FUNCTIONS.get, horizontal=True)
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
    n_last, repeats = int(s.n[-1]), REPEATS[which]
    a, b = st.columns(2)
    with a:
        ui.show_figure(ui.figure(figs.estimator_spread_figure, s.n, s.score_mean[:, 0],
                                 s.score_sd[:, 0], s.path_mean[:, 0], s.path_sd[:, 0],
                                 exact[0], which="∂/∂μ",
                                 title="∂/∂μ against the number of samples",
                                 exact_label="closed form" if quad else "exact (quadrature)"),
                       key="vae_fig_reparam")
    with b:
        ui.show_figure(ui.figure(figs.computation_graphs), key="vae_fig_graphs")
        st.caption("Left: z is drawn inside the graph — no gradient passes the sampling node. "
                   "Right: the noise ε is an input and z = μ + σ·ε a plain function, so "
                   "backpropagation reaches μ and σ (Kingma & Welling 2014).")
    if not quad:
        st.caption(f"Digit #{digit}: q(z₁|x) has μ = {mu:.3f}, "
                   f"σ = {sigma:.3f}; f is the reconstruction term the VAE's training "
                   "differentiates.")
    for name, j in (("∂/∂μ", 0), ("∂/∂σ", 1)):  # two wide columns: the numbers fit at 1280 px
        col = st.columns(2)
        col[0].metric(f"score {name}, n = {n_last}",
                      plus_minus(s.score_mean[-1, j], s.score_sd[-1, j]))
        col[1].metric(f"pathwise {name}, n = {n_last}",
                      plus_minus(s.path_mean[-1, j], s.path_sd[-1, j]))
    ratio = s.score_sd[-1] / s.path_sd[-1]
    if quad:
        source = (f"Closed form: ∂/∂μ = 2μ − 1 = {exact[0]:.3f}, ∂/∂σ = 2σ = {exact[1]:.3f}.")
    else:
        source = (f"Exact, by {GH_ORDER}-point Gauss–Hermite quadrature: ∂/∂μ = "
                  f"{exact[0]:.3f}, ∂/∂σ = {exact[1]:.3f}.")
    st.caption(f"{source} Both estimators are unbiased: their means (over {repeats} seeds) "
               f"agree with it within their noise. ± is the spread of one estimate of n = "
               f"{n_last} samples: the pathwise one's is {times(ratio[0])} for ∂/∂μ and "
               f"{times(ratio[1])} for ∂/∂σ.")
    st.markdown(
        "Training needs $\\nabla_{\\mu,\\sigma}\\,\\mathbb E_{z\\sim\\mathcal N(\\mu,\\sigma^2)}"
        "[f(z)]$, but z is *sampled*. The **score function** (REINFORCE) estimator "
        "differentiates the density and only needs values of f; the **pathwise** "
        "(reparameterised) one writes $z = \\mu + \\sigma\\varepsilon$, $\\varepsilon\\sim"
        "\\mathcal N(0,1)$, and backpropagates through f.")
    st.latex(r"\nabla_\mu \mathbb E[f] \approx \frac1n\sum_i f(z_i)\,\frac{\varepsilon_i}{\sigma}"
             r"\ \ \text{(score)}")
    st.latex(r"\nabla_\mu \mathbb E[f] \approx \frac1n\sum_i f'(\mu + \sigma\varepsilon_i)"
             r"\ \ \text{(pathwise)}")
