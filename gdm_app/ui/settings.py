"""App-wide settings: units (bits or nats) and the random seed, in the sidebar and the URL.

Pages may run without ``app.py`` (a deep link, or ``AppTest.switch_page``), so nothing here
assumes the entrypoint ran: settings are read from session state with defaults.
Changing a setting reruns the whole app (the sidebar is outside every fragment).
"""

from __future__ import annotations

import math

import streamlit as st

from gdm_core.units import LOG_BASE, UNITS, from_nats

DEFAULTS = {"units": "bits", "seed": 0}
SEED_MAX = 2**31 - 1


def units() -> str:
    """The unit chosen in the sidebar ("bits" or "nats"); bits if the sidebar never ran."""
    value = st.session_state.get("units", DEFAULTS["units"])
    return value if value in UNITS else DEFAULTS["units"]


def log_base() -> float:
    """The logarithm base of the chosen unit: 2 for bits, e for nats."""
    return LOG_BASE[units()]


def to_units(value_nats):
    """A value computed in nats, in the chosen unit."""
    return from_nats(value_nats, units())


def seed() -> int:
    """The app-wide random seed for anything sampled."""
    value = st.session_state.get("seed", DEFAULTS["seed"])
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return DEFAULTS["seed"]
    return int(min(max(value, 0), SEED_MAX))


def settings_sidebar() -> None:
    """Draw the app-wide settings; called once per run by ``app.py``.

    Both are bound to the address bar (``?units=nats&seed=3``), so a shared link carries them.
    """
    from .present import KEY as PRESENT
    from .protocol import take_refused
    from .state import number, radio, toggle  # the widgets bound to the URL, sanitised first

    refused = take_refused()
    if refused:
        st.warning(f"{refused} value(s) sent for this page could not be read as numbers; each "
                   "control kept its default.")
    with st.sidebar:
        st.subheader("Settings")
        radio("Units", UNITS, DEFAULTS["units"], key="units", horizontal=True,
              help="Information in bits (log base 2) or nats (natural log). 1 nat ≈ 1.443 bits.")
        number("Random seed", 0, SEED_MAX, DEFAULTS["seed"], key="seed", step=1,
               help="Seeds everything that is sampled, so a class sees the same picture.")
        toggle("Presentation mode", False, key=PRESENT,
               help="For the projector: the sidebar and the rows of inputs fold away, the "
                    "picture fills the screen and all text is 1.5× larger. A link copied in "
                    "this mode opens in it. For a dark hall, pick the dark theme in the menu "
                    "(⋮, top right).")
