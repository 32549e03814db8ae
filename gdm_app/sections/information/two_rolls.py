"""Information §3: two independent rolls, surprises add up (a stacked-bar picture: each roll's
surprise, the pair's, and the same for the entropies). Reads ``info_die``; writes ``info_x1``,
``info_x2``."""

from __future__ import annotations

import numpy as np
import streamlit as st

from gdm_core import information as info
from gdm_app import ui
from gdm_app.figures import information as figs
from gdm_app.sections.information.die import FACES
from gdm_app.sections.information.surprise import need_die
from gdm_app.sections.layout import BESIDE, headline


@ui.section("Two rolls")
def show() -> None:
    headline("Independent rolls: probabilities multiply, so surprises add, and so do the "
             "entropies.")
    die = st.session_state.get("info_die")
    if die is None:
        return need_die()
    unit, base = ui.units(), ui.log_base()

    def fmt(v):
        return ui.fmt(v, unit, 3)

    pic, side = st.columns(BESIDE)
    with side:
        c1, c2 = st.columns(2)
        with c1:
            x1 = ui.select("First roll x₁", FACES, "6", key="info_x1")
        with c2:
            x2 = ui.select("Second roll x₂", FACES, "1", key="info_x2")
        i1, i2, i12 = info.pair_information(die, FACES.index(x1), FACES.index(x2), base=base)
        h = info.entropy(die, base=base)
        two = info.joint_entropy(np.outer(die, die), base=base)
        st.metric(f"I(x₁={x1})", fmt(i1))
        st.metric(f"I(x₂={x2})", fmt(i2))
        st.metric(f"I({x1}, {x2})", fmt(i12))
    with pic:
        ui.show_figure(ui.figure(figs.pair_surprise_bars, i1, i2, i12, h, two, x1, x2, unit),
                       key="info_fig_pair")
    st.latex(r"I(x_1, x_2) = -\log p(x_1)\,p(x_2) = I(x_1) + I(x_2)")
    st.markdown(f"I({x1}) + I({x2}) = {fmt(i1)} + {fmt(i2)} = **{fmt(i1 + i2)}**; "
                f"p({x1})·p({x2}) = {die[FACES.index(x1)] * die[FACES.index(x2)]:.6g}.")
    if not np.isfinite(i12):
        st.info("∞: one of the two faces has probability 0, so the pair can never happen.")
    st.markdown(f"H(X₁, X₂) = {fmt(two)} = 2 × {fmt(h)}.")
