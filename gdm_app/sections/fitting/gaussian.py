"""Fitting §2: one Gaussian q fitted to a bimodal p by forward KL, reverse KL, JS or W₁: the
divergence over (μ, σ) with the descent path on it, q over p, the four fits side by side.
Reads the unit; writes ``fit_div``, ``fit_weight``, ``fit_mu0`` and ``fit_sigma0``."""

from __future__ import annotations

import numpy as np
import streamlit as st

from gdm_core import fitting
from gdm_app import ui
from gdm_app.figures import fitting as figs
from gdm_app.sections.fitting import LEFT_WEIGHT, mixture
from gdm_app.sections.layout import headline

SHORT = {"forward-kl": "KL(p‖q)", "reverse-kl": "KL(q‖p)", "js": "JS", "w1": "W₁"}
SIGMA0S = [0.3, 0.5, 1.0, 2.0, 3.0]
GRID_MU = np.linspace(-4.0, 4.0, 41)
GRID_SIGMA = np.geomspace(0.25, 4.0, 29)
X = np.linspace(-5.0, 5.5, 300)
STEPS = 120
LEVEL = 0.05  # "p is tiny": below 5 % of its peak


@st.cache_data(max_entries=32, show_spinner="Computing the divergence over (μ, σ)…")
def _surface(weight: float, divergence: str):
    return fitting.divergence_surface(*mixture(weight), GRID_MU, GRID_SIGMA, divergence)


@st.cache_data(max_entries=64, show_spinner=False)
def _path(weight: float, divergence: str, mu0: float, sigma0: float):
    return fitting.descent_path(*mixture(weight), divergence, init=(mu0, sigma0), steps=STEPS)


@st.cache_data(max_entries=64, show_spinner="Fitting q by each divergence…")
def fits(weight: float, mu0: float, sigma0: float) -> dict:
    """Every divergence's fit from one start: (μ, σ), the value there and its coverage."""
    p = mixture(weight)
    out = {}
    for d in fitting.DIVERGENCES:
        mu, sigma = fitting.fit_gaussian(*p, d, init=(mu0, sigma0))
        out[d] = dict(mu=mu, sigma=sigma, value=fitting.divergence_value(*p, mu, sigma, d),
                      **fitting.coverage(*p, mu, sigma, LEVEL))
    return out


def normal_pdf(x, mu: float, sigma: float) -> np.ndarray:
    return np.exp(-0.5 * ((x - mu) / sigma) ** 2) / (sigma * np.sqrt(2 * np.pi))


def _shown(divergence: str, value: float, unit: str) -> str:
    return ui.fmt(value if divergence == "w1" else ui.to_units(value))


@ui.section("One Gaussian, four divergences")
def show() -> None:
    headline("Forward KL covers both modes (moment matching); reverse KL seeks one, and the "
             "start decides which.")
    c = st.columns([2.3, 1, 1, 1])
    with c[0]:
        div = ui.radio("minimise", list(fitting.DIVERGENCES), "reverse-kl", key="fit_div",
                       horizontal=True, format_func=SHORT.get)
    with c[1]:
        weight = ui.slider("weight of the left mode", 0.1, 0.9, LEFT_WEIGHT, key="fit_weight",
                           step=0.05)
    with c[2]:
        mu0 = ui.slider("start μ₀", -4.0, 4.0, -1.0, key="fit_mu0", step=0.25)
    with c[3]:
        sigma0 = ui.select_slider("start σ₀", SIGMA0S, 1.0, key="fit_sigma0")
    unit = ui.units()
    p = mixture(weight)
    w, m, s = (np.asarray(a) for a in p)
    p_x = np.exp(fitting.mixture_logpdf(X, w, m, s))
    surface = _surface(weight, div)
    path = _path(weight, div, mu0, sigma0)
    q_curves = np.array([normal_pdf(X, a, b) for a, b in zip(path["mu"], path["sigma"])])
    surface_shown = surface if div == "w1" else ui.to_units(surface)
    ui.show_figure(ui.figure(figs.fit_figure, GRID_MU, GRID_SIGMA, surface_shown, path["mu"],
                             path["sigma"], X, p_x, q_curves, fitting.LABELS[div],
                             "W₁" if div == "w1" else unit), key="fit_fig_surface")
    all_fits = fits(weight, mu0, sigma0)
    f = all_fits[div]
    k = st.columns(5)
    k[0].metric("fitted μ", f"{f['mu']:.3f}")
    k[1].metric("fitted σ", f"{f['sigma']:.3f}")
    k[2].metric(f"{SHORT[div]} at the fit" + ("" if div == "w1" else f", {unit}"),
                _shown(div, f["value"], unit))
    k[3].metric("q's mass off p", f"{f['q_mass_where_p_low']:.1%}",
                help=f"q's mass where p < {LEVEL:.0%} of its peak: samples p calls implausible "
                     "(blur).")
    k[4].metric("p's mass off q", f"{f['p_mass_where_q_low']:.1%}",
                help=f"p's mass where q < {LEVEL:.0%} of its peak: data q never produces "
                     "(a missing mode).")
    st.caption(f"▶ Play walks q down the path: {STEPS} steps of gradient descent on (μ, log σ) "
               f"with η = {fitting.LEARNING_RATES[div]:g}; the fit is that descent polished by "
               "Nelder–Mead. The colour is on a log scale: the valleys show.")
    a, b = st.columns([3, 2])
    with a:
        ui.show_figure(ui.figure(figs.four_fits, X, p_x,
                                 {d: normal_pdf(X, v["mu"], v["sigma"]) for d, v in all_fits.items()},
                                 fitting.LABELS,
                                 title=f"All four from the same start (μ₀ = {mu0:g}, σ₀ = {sigma0:g})"),
                       key="fit_fig_four")
    with b:
        rows = ["| minimise | μ | σ | q off p | p off q |",
                "| --- | --- | --- | --- | --- |"]
        rows += [f"| {SHORT[d]} | {v['mu']:.3f} | {v['sigma']:.3f} | "
                 f"{v['q_mass_where_p_low']:.1%} | {v['p_mass_where_q_low']:.1%} |"
                 for d, v in all_fits.items()]
        st.markdown("\n".join(rows))
        mean, var = fitting.moments(w, m, s)
        st.caption(f"Moment matching: E[X] = {mean:.3f}, sd = {np.sqrt(var):.3f} — the forward "
                   f"KL fit, exactly. 'q off p': q's mass where p is below {LEVEL:.0%} of its "
                   "peak (blur); 'p off q': p's mass where q is (missed modes).")
    st.markdown(
        "**Why generative models look the way they do.** A VAE (like every maximum-likelihood "
        "model) minimises the forward KL: like the solid forward-KL curve it must cover every "
        "mode and puts mass between them — **blurry samples**; a GAN's generator follows a "
        "JS- or reverse-KL-like signal: like the dashed reverse-KL curve it may settle on one "
        "mode and never produce the other — **missing modes**.")
    left, right = st.columns(2)
    left.latex(r"\mathrm{KL}(p\|q)=\int p\log\frac pq:\ q>0\ \text{wherever}\ p>0")
    right.latex(r"\mathrm{KL}(q\|p)=\int q\log\frac qp:\ q\approx0\ \text{wherever}\ p\approx0")
    st.latex(r"\mathrm{JS}=\tfrac12\mathrm{KL}(p\|m)+\tfrac12\mathrm{KL}(q\|m),\ m=\tfrac{p+q}2,"
             r"\qquad W_1=\int|F_p(x)-F_q(x)|\,dx")
