"""Information §5: the Bernoulli entropy of a coin. Writes ``info_coin_p``."""

from __future__ import annotations

import streamlit as st

from gdm_core import information as info
from gdm_app import ui
from gdm_app.figures import information as figs
from gdm_app.sections.layout import BESIDE, headline


@ui.section("Coin")
def show() -> None:
    headline("A fair coin is the most uncertain coin: one question, one bit. A sure coin tells "
             "nothing.")
    unit, base = ui.units(), ui.log_base()
    pic, side = st.columns(BESIDE)
    with side:
        p = ui.slider("p = P(heads)", 0.0, 1.0, 0.2, key="info_coin_p", step=0.01)
        h = info.bernoulli_entropy(p, base=base)
        h_half = info.bernoulli_entropy(0.5, base=base)
        st.metric(f"H({p:.2f})", ui.fmt(h, unit, 3))
        st.metric("H(1/2)", ui.fmt(h_half, unit, 3) + ("" if unit == "bits" else " = 1 bit"))
        st.latex(r"H(p) = -p\log p - (1-p)\log(1-p)")
        st.latex(r"H(\tfrac12) = 1 \text{ bit}")
    with pic:
        grid, h_grid = info.bernoulli_curve(base=base)
        ui.show_figure(ui.figure(figs.bernoulli_figure, grid, h_grid, p, h, h_half, unit),
                       key="info_fig_coin")
