"""The few Streamlit helpers every page shares: app-wide settings and safe rendering.

Pages may run without ``app.py`` (a deep link, or ``AppTest.switch_page``), so nothing here
assumes the entrypoint ran: settings are read from session state with defaults.
This is the only module of ``gdm_core`` that imports Streamlit.
"""

from __future__ import annotations

import math

# Imported here, eagerly, because every page needs them: Streamlit runs each session's script in
# its own thread, and when a classroom arrives at once, lazy first imports of pandas (which plotly
# pulls in on demand) race and fail with "partially initialized module". Importing them with
# this module serialises them under Python's import lock (found by tests/load).
import numpy  # noqa: F401
import pandas  # noqa: F401
import plotly.express  # noqa: F401
import plotly.graph_objects  # noqa: F401
import streamlit as st

# One list of the app's pages: app.py registers them, the tests and benchmarks walk them.
# (file under pages/, title, url path, icon, heading shown on the page)
PAGES = [
    # Material icons ship with Streamlit's own font, so they show even where no emoji font is.
    ("home.py", "Home", "home", ":material/home:", "gdm-explorer"),
    ("information.py", "Information", "information", ":material/casino:", "Information"),
    ("divergences.py", "Divergences", "divergences", ":material/straighten:", "Divergences"),
    ("minimax.py", "Minimax", "minimax", ":material/cyclone:", "Minimax"),
    ("vae.py", "VAE latent space", "vae", ":material/scatter_plot:", "VAE latent space"),
]

UNITS = ("bits", "nats")
DEFAULTS = {"units": "bits", "seed": 0}


def ensure_entrypoint() -> None:
    """Make sure this run went through app.py; call first on every page.

    With a ``pages/`` folder beside ``app.py``, Streamlit starts in its old multipage mode: until
    some session has run ``app.py`` (whose ``st.navigation`` switches the mode off), a deep link
    such as ``/minimax`` runs ``pages/minimax.py`` alone — no settings, a file-list menu — and so
    does every later request to that server. Here a page notices it, switches the mode off, and
    reruns: the rerun goes through ``app.py``, which routes to the same URL.
    """
    try:
        from streamlit.runtime.pages_manager import PagesManager
    except ImportError:  # a future Streamlit without the old mode
        return
    if getattr(PagesManager, "uses_pages_directory", None):
        PagesManager.uses_pages_directory = False
        st.rerun()


def units() -> str:
    """The unit chosen in the sidebar ("bits" or "nats"); bits if the sidebar never ran."""
    value = st.session_state.get("units", DEFAULTS["units"])
    return value if value in UNITS else DEFAULTS["units"]


def log_base() -> float:
    """The logarithm base of the chosen unit: 2 for bits, e for nats."""
    return 2.0 if units() == "bits" else math.e


def seed() -> int:
    """The app-wide random seed for anything sampled."""
    try:
        return int(st.session_state.get("seed", DEFAULTS["seed"]))
    except (TypeError, ValueError):
        return DEFAULTS["seed"]


def settings_sidebar() -> None:
    """Draw the app-wide settings; called once per run by ``app.py``."""
    _seed_from_query_params()
    with st.sidebar:
        st.subheader("Settings")
        st.radio(
            "Units", UNITS, key="units", horizontal=True,
            help="Information in bits (log base 2) or nats (natural log). 1 nat ≈ 1.443 bits.",
        )
        st.number_input(
            "Random seed", min_value=0, max_value=2**31 - 1, step=1, key="seed",
            help="Seeds everything that is sampled, so a class sees the same picture.",
        )


def _seed_from_query_params() -> None:
    # ?units=nats&seed=3 in a shared link sets the defaults once per session.
    if st.session_state.get("_settings_init"):
        return
    st.session_state["_settings_init"] = True
    qp = st.query_params
    if qp.get("units") in UNITS:
        st.session_state["units"] = qp["units"]
    if "seed" in qp:
        try:
            st.session_state["seed"] = max(0, min(2**31 - 1, int(qp["seed"])))
        except ValueError:
            pass  # a mistyped link falls back to the default seed
    for key, value in DEFAULTS.items():
        st.session_state.setdefault(key, value)


def fmt(value: float, unit: str | None = None, digits: int = 4) -> str:
    """Format an information quantity: '∞' for infinity, never 'nan'."""
    suffix = f" {unit}" if unit else ""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "undefined"
    if math.isinf(value):
        return ("∞" if value > 0 else "−∞") + suffix
    return f"{value:.{digits}f}{suffix}"


def show_figure(fig, key: str | None = None) -> None:
    """One place to draw Plotly figures, so every chart shares the same options."""
    st.plotly_chart(fig, width="stretch", key=key, config={"displaylogo": False})


def show_selectable_figure(fig, key: str, on_select) -> None:
    """Like ``show_figure``, but a click on a point calls ``on_select`` (before the rerun).

    The callback reads the clicked point from ``st.session_state[key]["selection"]``.
    """
    st.plotly_chart(fig, width="stretch", key=key, config={"displaylogo": False},
                    on_select=on_select, selection_mode="points")
