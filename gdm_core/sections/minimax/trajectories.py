"""Minimax §1: the runs drawn on the plane and their distance to the equilibrium.

Reads the page controls (``controls.current()``); writes ``mm_k`` (the step slider, bound to
the URL) and ``_mm_k_max`` (the run length the slider last had, so it can follow the end).
"""

from __future__ import annotations

import streamlit as st

from gdm_core import games, ui
from gdm_core.figures import games as figs
from gdm_core.sections.minimax import closed_forms, current

THEORY_LABELS = {
    "simultaneous": "Simultaneous theory (1+η²)^{k/2}‖z₀‖",
    "extragradient": "Extragradient theory (1−η²+η⁴)^{k/2}‖z₀‖",
    "optimistic": "Optimistic theory (closed form, roots λ±)",
}


def step(steps: int) -> int:
    """The step slider k ∈ [0, steps]. It follows the end of the run unless the student moved
    it back; a value the new run cannot show is put back to the end, before the slider is drawn
    (drawing it with a stale value is what raised the KeyError on ``mm_k``)."""
    ss = st.session_state
    k = ss.get("mm_k")
    valid = isinstance(k, int) and not isinstance(k, bool) and 0 <= k <= steps
    if not valid or k == ss.get("_mm_k_max"):
        ss.mm_k = steps
    ss._mm_k_max = steps
    if steps == 0:
        return 0  # a slider needs two ends
    return ui.slider("Show the iterates z₀ … z_k up to step k", 0, steps, steps, key="mm_k",
                     help="Drag to draw the run step by step, or press ▶ Play under the plot.")


@ui.section("Trajectories")
def show() -> None:
    ready = current()
    if ready is None:
        return
    c, results = ready
    k = step(c.steps)
    if not c.methods:
        st.info("Switch on at least one method above to see its trajectory.")
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
    paths = {m: results[m].path for m in c.methods}
    left, right = st.columns(2)
    with left:
        ui.show_figure(figs.trajectories(paths, upto=k), key="mm_fig_traj")
        st.caption("**Trajectories.** Background: f(x, y) (red high, blue low) and arrows of "
                   "the field (−y, x). Dots are the iterates z_k; the black ring is z₀, the star "
                   "the equilibrium. The view fits the runs that stay bounded; a run marked "
                   "“leaves the view” spirals out of the frame.")
    with right:
        th = closed_forms(c.x0, c.y0, c.lr, c.steps)
        norms = {m: games.distances(p) for m, p in paths.items()}
        band = games.alternating_band((c.x0, c.y0), c.lr)
        ui.show_figure(figs.distance_plot(norms, {m: th[m] for m in c.methods}, band, upto=k,
                                          theory_labels=THEORY_LABELS), key="mm_fig_dist")
        st.caption("**Distance to the equilibrium.** Solid: measured ‖z_k‖. Dashed black: the exact closed form — it lies on "
                   "top of the measured line. Dotted: the band alternating GDA cannot leave.")
