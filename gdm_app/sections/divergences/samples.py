"""Divergences §3: W and JS estimated from samples. Reads the seed; writes ``div_theta`` and
``div_n``."""

from __future__ import annotations

import numpy as np
import streamlit as st

from gdm_core import divergences as dv
from gdm_core import transport
from gdm_app import ui
from gdm_app.figures import divergences as figs
from gdm_app.sections.divergences import theta_slider
from gdm_app.sections.layout import headline

PLAN_UP_TO = 60  # more transport lines than this are a grey smear on a projector


@st.cache_data(max_entries=32, show_spinner=False)
def _estimates(theta: float, n: int, seed: int):
    real, fake = dv.sample_shifted_lines(theta, n, np.random.default_rng(seed))
    plan = transport.transport_plan(real, fake) if n <= PLAN_UP_TO else None
    return real, fake, plan, transport.wasserstein_samples(real, fake), dv.js_from_samples(real, fake)


@st.cache_data(max_entries=32, show_spinner=False)
def _convergence(theta: float, seed: int):
    return dv.lines_convergence(theta, [10, 20, 50, 100, 200, 400], repeats=3, seed=seed + 1)


def _delta(estimate: float, exact: float, fmt: str) -> str | None:
    # No arrow for a difference that the shown digits cannot see.
    diff = estimate - exact
    return None if abs(diff) < 5e-5 else f"{diff:{fmt}} vs exact"


@ui.section("Estimating from samples")
def show() -> None:
    headline("From samples alone: W by optimal transport, JS by a trained discriminator, both "
             "nearing the exact values.")
    unit = ui.units()
    c1, c2 = st.columns(2)
    with c1:
        theta = theta_slider()
    with c2:
        n = ui.slider("n, points from each distribution", 5, 1000, 40, key="div_n", step=5)
    real, fake, plan, w_hat, js_hat = _estimates(theta, n, ui.seed())
    exact = dv.shifted_lines(theta)
    conv = _convergence(theta, ui.seed())
    js_u, js_exact = ui.to_units(js_hat["js"]), ui.to_units(exact["js"])
    title = "Samples, transport plan" if plan else f"Samples (plan for n ≤ {PLAN_UP_TO})"
    a, b = st.columns([2, 3])
    with a:
        ui.show_figure(ui.figure(figs.lines_plane, theta, real, fake, plan, title=title),
                       key="div_fig_samples")
    with b:
        ui.show_figure(ui.figure(figs.convergence, conv["n"], conv["w"],
                                 ui.to_units(conv["js"]), exact["w1"], js_exact, unit,
                                 title="Estimates approach the exact values as n grows"),
                       key="div_fig_conv")
    e = st.columns(4)
    e[0].metric("W from samples", f"{w_hat:.4f}", delta=_delta(w_hat, exact["w1"], "+.4f"),
                delta_color="off")
    e[1].metric("W exact", f"{exact['w1']:.4f}")
    e[2].metric(f"JS from samples, {unit}", ui.fmt(js_u),
                delta=_delta(js_u, js_exact, "+.2e"), delta_color="off")
    e[3].metric(f"JS exact, {unit}", ui.fmt(js_exact))
    st.markdown(
        "In practice we only have samples. **W** is estimated exactly on the samples by "
        "optimal transport (POT's `ot.emd2`, each point carrying mass 1/n). **JS** is estimated "
        "with a trained discriminator: a logistic-regression classifier D told to say 1 on P0 "
        "and 0 on Pθ. With a balanced mix the smallest possible mean binary cross-entropy is "
        "log 2 − JS (in nats), so")
    st.latex(r"\widehat{\mathrm{JS}}=\log 2-\min_D\Big(-\tfrac12\,\overline{\log D(x_{\text{"
             r"real}})}-\tfrac12\,\overline{\log\big(1-D(x_{\text{fake}})\big)}\Big)"
             r"\quad\text{(nats)}")
    st.caption(
        "Each grey line moves mass 1/n from a real point to a generated one; W is the average "
        "length. The discriminator here sees both coordinates and has a tiny ridge penalty so "
        "that it stays finite when the two clouds can be separated (then JŜ is log 2 to about "
        "10⁻⁵ nats); at θ = 0 it overfits a little on small samples, so JŜ is slightly above 0 "
        "and shrinks as n grows.")
