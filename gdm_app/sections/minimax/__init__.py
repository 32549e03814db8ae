"""Sections of the Minimax page, and the runs they share (cached for the whole server)."""

from __future__ import annotations

import streamlit as st

from gdm_core import games


@st.cache_data(max_entries=64, show_spinner=False)
def runs(x0: float, y0: float, lr: float, steps: int) -> dict:
    """All four methods at once: 4 × 5,000 steps take milliseconds, so a toggle is free."""
    return {m: games.simulate(m, (x0, y0), lr, steps) for m in games.METHODS}


@st.cache_data(max_entries=64, show_spinner=False)
def closed_forms(x0: float, y0: float, lr: float, steps: int) -> dict:
    return {m: games.closed_form_norms(m, (x0, y0), lr, steps) for m in games.METHODS}


def current():
    """The page controls and the four runs they define, or None after saying why they cannot
    run (every section starts here)."""
    from gdm_app.sections.minimax import controls

    c = controls.current()
    try:
        return c, runs(c.x0, c.y0, c.lr, c.steps)
    except ValueError as err:
        st.error(f"Cannot run the dynamics: {err}.")
        return None


def step_slider(steps: int) -> int:
    """The step slider k ∈ [0, steps], drawn by every section that shows step k (one key, so
    the URL always carries it, whichever tab is open).

    It follows the end of the run unless the student moved it back; a value the new run cannot
    show is put back to the end before the slider is drawn (drawing it with a stale value is
    what raised the KeyError on ``mm_k``).
    """
    from gdm_app import ui

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
