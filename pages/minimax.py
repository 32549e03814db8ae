"""Minimax: the game min_x max_y xy and four ways of playing it by gradient steps."""

import streamlit as st

from gdm_core import ui
from gdm_core.sections.minimax import controls, gan_link, saddle, theory, trajectories

ui.ensure_entrypoint()  # a deep link must still go through app.py

st.title("Minimax")
st.markdown(
    "Two players share one number, $f(x, y) = xy$. Player **x** wants it small, player **y** "
    "wants it large. The only point where neither can gain by moving alone — the Nash "
    "equilibrium — is $(0, 0)$. Both follow their own gradient, i.e. the field "
    "$v(x, y) = (-y,\\ x)$: a pure **rotation** around the equilibrium. Do they ever get there?"
)
st.latex(r"x_{k+1} = x_k - \eta\,\frac{\partial f}{\partial x} = x_k - \eta\,y_k, \qquad"
         r" y_{k+1} = y_k + \eta\,\frac{\partial f}{\partial y} = y_k + \eta\,x_k")
controls.draw()
ui.show_tabs("mm_tab", [
    ("Trajectories", trajectories.show),
    ("Theory vs measurement", theory.show),
    ("The saddle", saddle.show),
    ("Why GANs", gan_link.show),
])
