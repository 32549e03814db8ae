"""Minimax §1: the runs drawn on the plane and their distance to the equilibrium.

Reads the page controls (``controls.current()``); writes ``mm_k`` (the step slider, bound to
the URL, shared with the other tabs) and ``_mm_k_max`` (the run length it last had).
"""

from __future__ import annotations

import streamlit as st

from gdm_core import games
from gdm_app import ui
from gdm_app.figures import games as figs
from gdm_app.sections.layout import headline
from gdm_app.sections.minimax import closed_forms, current, step_slider

THEORY_LABELS = {
    "simultaneous": "Simultaneous theory (1+η²)^{k/2}‖z₀‖",
    "extragradient": "Extragradient theory (1−η²+η⁴)^{k/2}‖z₀‖",
    "optimistic": "Optimistic theory (closed form, roots λ±)",
}


@ui.section("Trajectories")
def show() -> None:
    ready = current()
    if ready is None:
        return
    c, results = ready
    headline("Each player follows its own gradient: the pair circles the equilibrium — spirals "
             "out, orbits, or converges.")
    if not c.methods:
        st.info("Switch on at least one method above to see its trajectory.")
    paths = {m: results[m].path for m in c.methods}
    left, right = st.columns(2)  # the pictures first, the step slider under them
    k = step_slider(c.steps)
    with left:
        # shared by the class: the same preset is one build for everyone
        ui.show_figure(ui.heavy_figure(figs.trajectories, paths, upto=k), key="mm_fig_traj")
        st.caption("**Trajectories.** Background: f(x, y) (red high, blue low) and arrows of "
                   "the field (−y, x). Dots are the iterates z_k; the black ring is z₀, the star "
                   "the equilibrium. The view fits the runs that stay bounded; a run marked "
                   "“leaves the view” spirals out of the frame.")
    with right:
        th = closed_forms(c.x0, c.y0, c.lr, c.steps)
        norms = {m: games.distances(p) for m, p in paths.items()}
        band = games.alternating_band((c.x0, c.y0), c.lr)
        ui.show_figure(ui.figure(figs.distance_plot, norms, {m: th[m] for m in c.methods},
                                 band, upto=k, theory_labels=THEORY_LABELS), key="mm_fig_dist")
        st.caption("**Distance to the equilibrium.** Solid: measured ‖z_k‖. Dashed black: the "
                   "exact closed form — it lies on top of the measured line. Dotted: the band "
                   "alternating GDA cannot leave.")
    if c.x0 == 0 and c.y0 == 0:
        st.info("z₀ = (0, 0) is the equilibrium itself: no player has a reason to move, so "
                "every method stays there (and ‖z_k‖ = 0 has no place on a log axis).")
    for m in c.methods:
        r = results[m]
        if r.diverged:
            st.warning(
                f"**{games.METHOD_LABELS[m]} diverged after {r.diverged_at} steps**: at step "
                f"{r.diverged_at} the distance ‖z‖ passed 10⁶ × max(1, ‖z₀‖) = {r.bound:.3g}, "
                f"so the run was stopped and is drawn up to step {r.steps_done}.")
