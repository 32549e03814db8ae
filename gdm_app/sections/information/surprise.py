"""Information §1: surprise and entropy of the page's die. Reads ``info_die``; writes
``info_face``."""

from __future__ import annotations

import streamlit as st

from gdm_core import information as info
from gdm_app import ui
from gdm_app.sections import layout
from gdm_app.figures import information as figs
from gdm_app.sections.information.die import FACES


def need_die() -> None:
    st.warning("Fix the die's probabilities above to see this section.")


@ui.section("Surprise and entropy")
def show() -> None:
    layout.headline("A rare face is surprising, a likely one is not; the entropy is the "
                    "surprise you expect before you roll.")
    die = st.session_state.get("info_die")
    if die is None:
        return need_die()
    unit, base = ui.units(), ui.log_base()
    surprise = info.information_content(die, base=base)
    h = info.entropy(die, base=base)
    pic, side = st.columns(layout.BESIDE)
    with side:
        face = ui.select("Face x", FACES, "3", key="info_face")
        c1, c2 = st.columns(2)
        c1.metric(f"I(X={face}) = −log p({face})", ui.fmt(surprise[FACES.index(face)], unit, 3))
        c2.metric("H(X)", ui.fmt(h, unit, 3))
        if die[FACES.index(face)] == 0:
            st.info(f"Face {face} has probability 0: seeing it would be infinitely surprising.")
        st.latex(r"I(x) = -\log p(x)")
        st.latex(r"H(X) = \mathbb{E}\,[I(X)] = -\sum_x p(x)\log p(x)")
    with pic:
        ui.show_figure(ui.figure(figs.surprise_bars, die, surprise, h, unit, FACES),
                       key="info_fig_surprise")
