"""Fitting §1: maximum likelihood is minimising KL(p_data‖p_θ). Reads the seed and the unit;
writes ``fit_n``, ``fit_sigma`` and ``fit_profile``."""

from __future__ import annotations

import numpy as np
import streamlit as st

from gdm_core import fitting
from gdm_app import ui
from gdm_app.figures import fitting as figs
from gdm_app.sections.fitting import mixture
from gdm_app.sections.layout import headline

SIZES = [20, 50, 100, 200, 500, 1000, 5000]
MUS = np.linspace(-3.0, 4.5, 301)
X = np.linspace(-5.0, 6.0, 400)


@st.cache_data(max_entries=64, show_spinner=False)
def _curves(n: int, sigma: float | None, seed: int):
    return fitting.likelihood_curves(*mixture(), n, MUS, sigma=sigma, seed=seed)


@ui.section("Likelihood = KL")
def show() -> None:
    headline("Maximising the likelihood minimises KL(p_data ‖ p_θ): the two curves differ by "
             "the constant H(p_data).")
    c1, c2, c3 = st.columns([2, 2, 1.2])
    with c1:
        n = ui.select_slider("n, points in the sample", SIZES, 200, key="fit_n")
    with c3:
        profile = ui.toggle("best σ per μ", False, key="fit_profile",
                            help="For each μ use the σ that fits best (σ is 'profiled out').")
    with c2:
        sigma = ui.slider("σ of the model N(μ, σ²)", 0.5, 4.0, 2.0, key="fit_sigma", step=0.1,
                          disabled=profile)
    unit = ui.units()
    c = _curves(n, None if profile else sigma, ui.seed())
    w, m, s = (np.asarray(a) for a in mixture())
    p_data = np.exp(fitting.mixture_logpdf(X, w, m, s))
    s_hat = float(np.sqrt(np.mean((c["sample"] - c["x_bar"]) ** 2))) if profile else sigma
    q_fit = np.exp(-0.5 * ((X - c["x_bar"]) / s_hat) ** 2) / (s_hat * np.sqrt(2 * np.pi))
    ui.show_figure(ui.figure(figs.likelihood_figure, c["sample"], X, p_data, q_fit, MUS,
                             ui.to_units(c["nll"]), ui.to_units(c["cross_entropy"]),
                             ui.to_units(c["kl"]), c["x_bar"], c["mean"],
                             float(ui.to_units(c["entropy"])), unit), key="fit_fig_likelihood")
    k = st.columns(4)
    k[0].metric("max likelihood: μ̂ = x̄", f"{c['x_bar']:.3f}",
                help="The minimiser of the sample's average −log p_θ: the sample mean.")
    k[1].metric("min KL: μ* = E[X]", f"{c['mean']:.3f}",
                help="The minimiser of KL(p_data‖p_θ): the data's mean.")
    k[2].metric(f"H(p_data), {unit}", ui.fmt(ui.to_units(c["entropy"])),
                help="The gap between the expected −log p_θ and KL, the same for every μ.")
    k[3].metric(f"KL at the minimum, {unit}", ui.fmt(ui.to_units(float(np.min(c["kl"])))),
                help="Above 0: no Gaussian is the bimodal p_data.")
    st.caption(f"σ {'profiled: σ̂²(μ) = mean of (xᵢ − μ)²' if profile else f'fixed at {sigma:g}'}"
               f". With n = {n} the sample mean x̄ is {abs(c['x_bar'] - c['mean']):.3f} from "
               "E[X]; a larger sample brings the sample's curve onto the expected one (the law "
               "of large numbers) and x̄ onto E[X].")
    st.markdown(
        "The average negative log-likelihood of a sample estimates the expected one, and the "
        "expected one splits into the data's entropy — which no model can change — plus the "
        "KL from the data to the model. So **maximum likelihood = minimum KL(p_data ‖ p_θ)**, "
        "the *forward* KL: the next tab shows what that direction does on a bimodal p_data.")
    st.latex(r"-\frac1n\sum_{i=1}^n\log p_\theta(x_i)\ \xrightarrow[n\to\infty]{}\ "
             r"\mathbb E_{p_\text{data}}[-\log p_\theta(X)] = H(p_\text{data}) + "
             r"\mathrm{KL}(p_\text{data}\,\|\,p_\theta)")
