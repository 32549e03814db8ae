"""Sections of the Divergences page. ``theta()`` is the shift chosen in §1, read by §2 and §3."""

from __future__ import annotations

import math

import streamlit as st

THETA_DEFAULT = 0.5


def theta() -> float:
    """θ from §1's slider (its default if §1 has not run in this session)."""
    value = st.session_state.get("div_theta", THETA_DEFAULT)
    ok = isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
    return float(value) if ok and -1 <= value <= 1 else THETA_DEFAULT
