"""A tab's first screen, pictures first (issue 19): one short headline sentence leads the tab,
then its picture; the inputs it needs go right above it or beside it, and explanations, formulas
and tables beside it or after it. At a projector's 1280×720 with the sidebar open the picture
then starts on the first screen with at least 200 px of it in view
(``tests/e2e/test_layout.py`` measures it).
"""

from __future__ import annotations

import streamlit as st

# The picture's column and the narrower one beside it (inputs, numbers, short explanations).
BESIDE = [3, 2]


def headline(text: str) -> None:
    """The one short sentence that leads a tab, above its picture (about one line at 1280 px)."""
    st.markdown(f"**{text}**")


def open_tab(key: str) -> str | None:
    """The label of the tab this run opens, read before ``ui.show_tabs`` draws the tabs (from
    the session, else the URL; None on a first visit without one). A page uses it to draw an
    input shared by some of its tabs above those tabs only."""
    value = st.session_state.get(key)
    return value if value is not None else st.query_params.get(key)
