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
