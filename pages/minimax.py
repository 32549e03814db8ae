"""Minimax: the game min_x max_y xy and four ways of playing it by gradient steps."""

import streamlit as st

from gdm_app import ui
from gdm_app.sections.minimax import controls, gan_link, saddle, theory, trajectories

ui.ensure_entrypoint()  # a deep link must still go through app.py

st.title("Minimax")
st.markdown(
    "Two players share $f(x, y) = xy$: **x** wants it small, **y** wants it large, and both "
    "step along their own gradient, $x \\leftarrow x - \\eta\\,y$ and "
    "$y \\leftarrow y + \\eta\\,x$ — a **rotation** around the equilibrium $(0, 0)$. "
    "Do they ever get there?")
controls.draw()
ui.show_tabs("mm_tab", [
    ("Trajectories", trajectories.show),
    ("Theory vs measurement", theory.show),
    ("The saddle", saddle.show),
    ("Why GANs", gan_link.show),
])
