"""Minimax §3: the saddle f(x, y) = xy in 3-D, with the runs drawn on it.

Reads the page controls; writes ``mm_k`` (the step slider, shared with the other tabs).
"""

from __future__ import annotations

import streamlit as st

from gdm_app import ui
from gdm_app.figures import games as figs
from gdm_app.sections.layout import BESIDE, headline
from gdm_app.sections.minimax import current, step_slider


@ui.section("The saddle")
def show() -> None:
    ready = current()
    if ready is None:
        return
    c, results = ready
    headline("f(x, y) = xy is a saddle: each player always has a reason to move, except at "
             "(0, 0).")
    s1, s2 = st.columns(BESIDE)  # the picture first, the step slider under it
    k = step_slider(c.steps)
    extent = 1.2 * max(abs(c.x0), abs(c.y0)) if (c.x0 or c.y0) else 1.0
    lifted = {m: results[m].path[: k + 1] for m in c.methods}
    with s1:
        ui.show_figure(figs.saddle_surface(extent=extent, paths=lifted), key="mm_fig_saddle")
    with s2:
        st.markdown(
            "Fix y: f is a straight line in x, so player x always wants to move, in the "
            "direction set by the sign of y. Fix x: the same for player y. Only at (0, 0) is "
            "neither tempted. The surface is a **saddle**, and the runs are drawn on it "
            "(drag to rotate; the part of a run that leaves the patch is cut)."
        )
