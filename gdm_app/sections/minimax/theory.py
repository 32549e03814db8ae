"""Minimax §2: theory beside measurement — each method's rate ρ(η) with the rate its run
measured, one table row per method, and where the rates come from.

Reads the page controls; writes ``mm_k`` (the step slider, shared with the other tabs).
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from gdm_core import games, tables
from gdm_app import ui
from gdm_app.figures import games as figs
from gdm_app.sections.layout import BESIDE, headline
from gdm_app.sections.minimax import closed_forms, current, step_slider


@ui.section("Theory and measurement")
def show() -> None:
    ready = current()
    if ready is None:
        return
    c, results = ready
    headline("Each run's measured rate sits on its theory curve: only rates below 1 reach the "
             "equilibrium.")
    pic, side = st.columns(BESIDE)
    with side:
        k = step_slider(c.steps)
        if "alternating" in c.methods:
            q = games.conserved_quantity(results["alternating"].path[: k + 1], c.lr)
            st.metric("Alternating: Q(z₀) = x₀² + y₀² − η x₀ y₀", f"{q[0]:.10g}")
            st.metric(f"Q(z_k) at k = {len(q) - 1}", f"{q[-1]:.10g}")
            st.metric("largest |Q(z_j) − Q(z₀)|, j ≤ k", f"{np.max(np.abs(q - q[0])):.2g}")
    with pic:
        lrs = np.linspace(0.0, max(1.2, 1.2 * c.lr), 241)
        measured = {m: games.measured_rate(results[m].path, k) for m in c.methods}
        ui.show_figure(ui.figure(figs.rate_figure, lrs, games.rate_curves(lrs), c.lr,
                                 measured), key="mm_fig_rates")
        st.caption("Curves: the rate ρ(η) from the closed forms below. Markers: what your runs "
                   "measured at the page's η over their first k steps, (‖z_k‖/‖z₀‖)^{1/k} "
                   "(alternating and optimistic wobble around ρᵏ, so theirs approach ρ as k "
                   "grows). Above ρ = 1 a run spirals out; below it converges.")
    st.subheader(f"Theory and measurement at step k = {k}")
    if not c.methods:
        st.info("Switch on at least one method above.")
    else:
        band = games.alternating_band((c.x0, c.y0), c.lr)
        th = closed_forms(c.x0, c.y0, c.lr, c.steps)
        shown = {m: results[m] for m in c.methods}
        st.markdown(tables.markdown(tables.minimax_rows(shown, th, c.lr, k, band)))
    st.markdown("**The updates.** Simultaneous GDA moves both players at once:")
    st.latex(r"x_{k+1} = x_k - \eta\,\frac{\partial f}{\partial x} = x_k - \eta\,y_k, \qquad"
             r" y_{k+1} = y_k + \eta\,\frac{\partial f}{\partial y} = y_k + \eta\,x_k")
    st.markdown("**Where the rates come from.** Write $z = (x, y)$ as the complex number "
                "$w = x + iy$: the field $(-y, x)$ is $i\\,w$, so each step multiplies by a "
                "complex number.")
    st.latex(r"\text{simultaneous: } w_{k+1} = (1 + i\eta)\,w_k \;\Rightarrow\;"
             r"\|z_{k+1}\| = \sqrt{1+\eta^2}\,\|z_k\|")
    st.latex(r"\text{extragradient: } \bar w = w_k + i\eta\,w_k,\; w_{k+1} = w_k + i\eta\,"
             r"\bar w = (1 + i\eta - \eta^2)\,w_k \;\Rightarrow\; \|z_{k+1}\| = "
             r"\sqrt{1 - \eta^2 + \eta^4}\,\|z_k\|")
    st.latex(r"\text{optimistic: } w_{k+1} = (1 + 2i\eta)\,w_k - i\eta\,w_{k-1},\quad"
             r"\lambda_\pm = \tfrac{1}{2}\big(1 + 2i\eta \pm \sqrt{1 - 4\eta^2}\big)")
    st.latex(r"\rho = \max|\lambda_\pm| < 1 \iff \eta < 1/\sqrt{3}")
    st.latex(r"\text{alternating: } \begin{pmatrix}x_{k+1}\\ y_{k+1}\end{pmatrix} = "
             r"\begin{pmatrix}1 & -\eta\\ \eta & 1-\eta^2\end{pmatrix}"
             r"\begin{pmatrix}x_k\\ y_k\end{pmatrix},\ \det = 1,\ "
             r"x^2 + y^2 - \eta\,xy \text{ is conserved}")
    st.markdown("Simultaneous steps grow for **every** η > 0; alternating steps neither "
                "grow nor shrink for η < 2 (an ellipse); extragradient converges for "
                "η < 1 and optimistic GDA for η < 1/√3 ≈ 0.577. The optimistic run starts "
                "with one plain step (z₋₁ = z₀).")
