"""Divergences §1: two parallel lines; KL, JS, TV and W as the shift θ moves.
Writes ``div_theta`` (bound to the URL), which §2 and §3 read."""

from __future__ import annotations

import streamlit as st

from gdm_core import curves
from gdm_app import ui
from gdm_core import divergences as dv
from gdm_app.figures import divergences as figs
from gdm_app.sections.layout import headline
from gdm_app.sections.divergences import theta_slider

LATEX = [
    r"\mathrm{KL}(P_\theta\|P_0)=\mathrm{KL}(P_0\|P_\theta)="
    r"\begin{cases}+\infty&\theta\ne0\\0&\theta=0\end{cases}",
    r"\mathrm{JS}(P_0,P_\theta)=\begin{cases}\log 2&\theta\ne0\\0&\theta=0\end{cases}",
    r"\mathrm{TV}=\begin{cases}1&\theta\ne0\\0&\theta=0\end{cases}",
    r"W(P_0,P_\theta)=|\theta|",
]


@st.cache_data(max_entries=2, show_spinner=False)
def _series():
    return curves.lines_series()


@ui.section("Two parallel lines")
def show() -> None:
    headline("For every θ ≠ 0 the lines share no point: KL is ∞, JS is stuck at log 2, only "
             "W = |θ| moves with θ.")
    theta = theta_slider()
    unit = ui.units()
    lines = dv.shifted_lines(theta)
    grid, series, jumps = _series()
    conv = {name: ui.to_units(v) if name.startswith(("KL", "JS")) else v
            for name, v in series.items()}
    conv_jumps = {name: tuple(ui.to_units(x) if name.startswith(("KL", "JS")) else x for x in j)
                  for name, j in jumps.items()}
    left, right = st.columns([2, 3])
    with left:
        ui.show_figure(ui.figure(figs.lines_plane, theta, title="The two distributions"),
                       key="div_fig_plane")
    with right:
        ui.show_figure(ui.figure(figs.lines_curves, grid, conv, theta, conv_jumps, unit,
                                 inf_level=1.25, title="Divergences against θ"),
                       key="div_fig_curves")
        st.caption("Open circle: the value as θ → 0; filled circle: the value at θ = 0. "
                   "KL, JS and TV jump at 0; W is continuous.")
    cols = st.columns(5)  # units in the labels: five values side by side fit a projector
    cols[0].metric(f"KL(Pθ‖P0), {unit}", ui.fmt(ui.to_units(lines["kl"])))
    cols[1].metric(f"KL(P0‖Pθ), {unit}", ui.fmt(ui.to_units(lines["reverse_kl"])))
    cols[2].metric(f"JS(P0, Pθ), {unit}", ui.fmt(ui.to_units(lines["js"])))
    cols[3].metric("TV(P0, Pθ)", ui.fmt(lines["tv"]))
    cols[4].metric("W(P0, Pθ)", ui.fmt(lines["w1"]))
    if theta != 0:
        st.caption(f"KL is ∞ because Pθ puts all its mass where P0 has density 0 (and vice "
                   f"versa). JS is log 2 = {ui.fmt(ui.to_units(dv.LOG2), unit)} for every "
                   "θ ≠ 0, however close the lines are.")
    else:
        st.caption("θ = 0: the two distributions are the same, so every divergence is 0.")
    st.markdown(
        "Take Z uniform on [0, 1]. The real distribution P0 puts all its mass on the vertical "
        "segment {0} × [0, 1]; the generator's Pθ on the segment {θ} × [0, 1]. For every θ ≠ 0 "
        "the two segments share no point.")
    # Two formulas per row: one row of four cut the KL and JS cases (θ ≠ 0, θ = 0) at 1280 px.
    for row in (LATEX[:2], LATEX[2:]):
        for col, tex in zip(st.columns(2), row):
            with col:
                st.latex(tex)
