"""Divergences §5: two Gaussians in closed form. Writes ``div_mu2``, ``div_sigma1``,
``div_same_sigma`` and ``div_sigma2``.

It opens on σ1 = 1, σ2 = 2 (not σ2 = σ1): with equal widths KL(p‖q) = KL(q‖p) = Δμ²/(2σ²) and
the asymmetry of KL cannot be seen; with σ2 = 2σ1 (and μ2 = 1) they differ by a factor of 2.9.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from gdm_core import curves
from gdm_app import ui
from gdm_app.sections import layout
from gdm_core import divergences as dv
from gdm_app.figures import divergences as figs

SIGMAS = [2.0, 1.0, 0.5, 0.2, 0.1, 0.05, 0.02, 0.01]


@st.cache_data(max_entries=64, show_spinner=False)
def _sweep(s1: float, s2: float):
    return curves.gaussian_sweep(s1, s2)


def _asymmetry(kl: float, reverse: float, unit: str) -> str:
    """The sentence under the metrics: KL is not symmetric, with the numbers on screen."""
    if abs(kl - reverse) <= 5e-5 * max(1.0, abs(kl)):
        return ("KL(p‖q) = KL(q‖p) here: with equal widths both are (μ2 − μ1)²/(2σ²). "
                "Make σ2 differ from σ1 and the two directions part.")
    big, small = ("KL(q‖p)", "KL(p‖q)") if reverse > kl else ("KL(p‖q)", "KL(q‖p)")
    ratio = max(kl, reverse) / min(kl, reverse) if min(kl, reverse) > 0 else float("inf")
    factor = "infinitely" if ratio == float("inf") else f"{ratio:.1f}×"
    return (f"KL is not symmetric: {big} = {ui.fmt(max(kl, reverse), unit)} is {factor} "
            f"{small} = {ui.fmt(min(kl, reverse), unit)}. The direction whose first argument "
            "is the wider Gaussian pays more: it puts mass where the narrower one has almost "
            "none.")


@ui.section("Two Gaussians")
def show() -> None:
    layout.headline("Shrink σ and the Gaussians become spikes: KL explodes, JS sticks at "
                    "log 2, W₁ and W₂ tend to |μ2 − μ1|.")
    c1, c2, c3 = st.columns(3)
    with c1:
        mu2 = ui.slider("μ2", -4.0, 4.0, 1.0, key="div_mu2", step=0.1)
    with c2:
        s1 = ui.select_slider("σ1", SIGMAS, 1.0, key="div_sigma1")
    with c3:
        same = ui.checkbox("σ2 = σ1", False, key="div_same_sigma")
        s2 = s1 if same else ui.select_slider("σ2", SIGMAS, 2.0, key="div_sigma2")
    unit = ui.units()
    g = dv.gaussians(0.0, s1, mu2, s2)
    half = max(s1, s2) * 4
    x = np.linspace(min(0.0, mu2) - half, max(0.0, mu2) + half, 800)
    mus, sweep = _sweep(s1, s2)
    a, b = st.columns([2, 3])
    with a:
        ui.show_figure(ui.figure(figs.gaussian_densities, x,
                                 np.exp(dv.gaussian_logpdf(x, 0.0, s1)),
                                 np.exp(dv.gaussian_logpdf(x, mu2, s2)),
                                 title="The two densities"), key="div_fig_gauss")
    with b:
        ui.show_figure(ui.figure(figs.gaussian_curves, mus, ui.to_units(sweep["kl"]),
                                 ui.to_units(sweep["reverse_kl"]), ui.to_units(sweep["js"]),
                                 sweep["w1"], sweep["w2"], mu2, unit, title="As μ2 moves"),
                       key="div_fig_gauss_curves")
    m = st.columns(5)
    m[0].metric(f"KL(p‖q), {unit}", ui.fmt(ui.to_units(g["kl"])))
    m[1].metric(f"KL(q‖p), {unit}", ui.fmt(ui.to_units(g["reverse_kl"])))
    m[2].metric(f"JS(p, q), {unit}", ui.fmt(ui.to_units(g["js"])))
    m[3].metric("W1", ui.fmt(g["w1"]))
    m[4].metric("W2", ui.fmt(g["w2"]))
    st.caption(_asymmetry(ui.to_units(g["kl"]), ui.to_units(g["reverse_kl"]), unit))
    st.markdown("p = N(μ1, σ1²) with μ1 = 0 and q = N(μ2, σ2²).")
    st.latex(r"\mathrm{KL}(p\|q)=\log\frac{\sigma_2}{\sigma_1}+\frac{\sigma_1^2+(\mu_1-\mu_2)^2}"
             r"{2\sigma_2^2}-\frac12,\qquad W_2=\sqrt{(\mu_1-\mu_2)^2+(\sigma_1-\sigma_2)^2}")
    st.latex(r"W_1=\mathbb E\,|\Delta\mu+\Delta\sigma Z|,\ Z\sim N(0,1)")
    st.latex(r"\mathrm{JS}=\tfrac12\mathrm{KL}(p\|m)+\tfrac12\mathrm{KL}(q\|m),\ "
             r"m=\tfrac{p+q}2\ \text{(numerical)}")
