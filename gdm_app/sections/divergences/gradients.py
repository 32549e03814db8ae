"""Divergences §2: the gradient each divergence gives the generator, and descent from θ0.
Reads the seed; writes ``div_theta``, ``div_theta0``, ``div_lr``, ``div_steps``."""

from __future__ import annotations

import streamlit as st

from gdm_core import curves
from gdm_app import ui
from gdm_core import divergences as dv
from gdm_app.figures import divergences as figs
from gdm_app.sections.divergences import theta_slider
from gdm_app.sections.layout import headline

RATES = [0.02, 0.05, 0.1, 0.2]
DESCENT_CAPTION = (
    "Under W the generated line walks to the real one; under JS it never moves. Near θ = 0 the "
    "sample W is smooth, not a V: with 100 independent samples per line its slope is only "
    "about 0.36 at θ = 0.01 and 0.89 at θ = 0.1, always with the sign of θ. So with η = 0.1 "
    "the generated line reaches the real one in about 8 steps, then hops across it, ending in "
    "a two-step cycle at |θ| of a few hundredths.")


@st.cache_data(max_entries=8, show_spinner=False)
def _gradients(seed: int):
    return curves.lines_gradient_series(seed)


@st.cache_data(max_entries=32, show_spinner=False)
def _descent(theta0: float, lr: float, steps: int, seed: int):
    return dv.gradient_descent(theta0, lr, steps, n=100, seed=seed)


@ui.section("Gradients")
def show() -> None:
    headline("The generator follows dD/dθ: JS and TV give 0, KL gives none, W gives sign(θ), "
             "towards the real data.")
    unit = ui.units()
    ui.show_figure(ui.figure(figs.lines_gradients, *_gradients(ui.seed()),
                             title="d/dθ of each divergence"), key="div_fig_grads")
    st.markdown(
        "A generator learns by following the derivative of the divergence with respect to θ. "
        "KL is ∞ on both sides of 0, so it has **no derivative**. JS and TV are constant for "
        "θ ≠ 0, so their derivative is **0**: no signal. W = |θ| has derivative **sign(θ)**: it "
        "always points towards the real data.")
    st.latex(r"\frac{\partial}{\partial\theta}\mathrm{JS}(P_0,P_\theta)=0\ (\theta\ne0),\qquad "
             r"\frac{\partial}{\partial\theta}W(P_0,P_\theta)=\operatorname{sign}\theta")
    theta = theta_slider("θ, where the slopes below are read")
    here = dv.shifted_lines_gradients(theta)
    g = st.columns(3)
    g[0].metric(f"dKL/dθ at θ = {theta:g}", "none",
                help="KL is ∞ on both sides of 0: no slope exists.")
    g[1].metric(f"dJS/dθ at θ = {theta:g} ({unit})", ui.fmt(ui.to_units(here["js"])),
                help="JS is log 2 for every θ ≠ 0 and jumps to 0 at θ = 0: no slope there.")
    g[2].metric(f"dW/dθ at θ = {theta:g}", ui.fmt(here["w1"], digits=0),
                help="W = |θ| has a kink at 0: any slope in [−1, 1] is a subgradient there.")
    st.caption("The crosses are computed for "
               "real: 200 samples on each line, POT's exact optimal transport (`ot.emd2` on "
               "torch tensors) and `backward()` to θ. At |θ| ≥ 0.1 they read 0.96–1.0.")

    st.subheader("Gradient descent from θ0")
    st.markdown("Both generators start at the same θ0 and take steps θ ← θ − η·dD/dθ. "
                "The W gradient comes from 100 samples per line (POT + autograd); the JS "
                "gradient is its exact value, 0.")
    c1, c2, c3 = st.columns(3)
    with c1:
        theta0 = ui.slider("starting θ0", -1.0, 1.0, 0.8, key="div_theta0", step=0.05)
    with c2:
        lr = ui.select_slider("learning rate η", RATES, 0.1, key="div_lr")
    with c3:
        steps = ui.slider("steps", 5, 60, 25, key="div_steps")
    path = _descent(theta0, lr, steps, ui.seed())
    d = st.columns(3)
    d[0].metric("θ after descent on W", f"{path['theta_w'][-1]:.4f}",
                help=f"started at θ0 = {theta0:g}")
    d[1].metric("θ after descent on JS", f"{path['theta_js'][-1]:.4f}",
                help="JS gives a zero gradient: θ stays at θ0")
    d[2].metric("sample W at the end", f"{path['w'][-1]:.4f}")
    a, b = st.columns(2)
    with a:
        ui.show_figure(ui.figure(figs.descent_paths, path["theta_w"], path["theta_js"],
                                 title="θ_k step by step"), key="div_fig_descent")
    with b:
        ui.show_figure(ui.figure(figs.descent_animation, path["theta_w"], path["theta_js"],
                                 title="Press ▶ Play"), key="div_fig_anim")
    st.caption(DESCENT_CAPTION)
