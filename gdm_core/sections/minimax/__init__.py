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
    from gdm_core.sections.minimax import controls

    c = controls.current()
    try:
        return c, runs(c.x0, c.y0, c.lr, c.steps)
    except ValueError as err:
        st.error(f"Cannot run the dynamics: {err}.")
        return None


def chosen_step(steps: int) -> int:
    """The step k chosen with the slider under *Trajectories* (the end of the run if unset)."""
    k = st.session_state.get("mm_k", steps)
    return k if isinstance(k, int) and not isinstance(k, bool) and 0 <= k <= steps else steps
