"""Minimax: the game min_x max_y xy and four ways of playing it by gradient steps."""

import streamlit as st

from gdm_app import ui
from gdm_app.sections.minimax import controls, gan_link, saddle, theory, trajectories

ui.ensure_entrypoint()  # a deep link must still go through app.py

st.title("Minimax")
st.markdown("Two players share $f(x, y) = xy$, **x** minimising and **y** maximising by gradient "
            "steps: do they reach $(0, 0)$?")
controls.draw()
ui.show_tabs("mm_tab", [
    ("Trajectories", trajectories.show),
    ("Theory vs measurement", theory.show),
    ("The saddle", saddle.show),
    ("Why GANs", gan_link.show),
])
