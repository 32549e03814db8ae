"""Information §5: the Bernoulli entropy of a coin. Writes ``info_coin_p``."""

from __future__ import annotations

import streamlit as st

from gdm_core import information as info
from gdm_app import ui
from gdm_app.figures import information as figs


@ui.section("Coin")
def show() -> None:
    st.latex(r"H(p) = -p\log p - (1-p)\log(1-p), \qquad H(\tfrac12) = 1 \text{ bit}")
    st.markdown("A fair coin is the most uncertain coin: one yes/no question, one bit. "
                "A coin that always lands heads tells you nothing.")
    unit, base = ui.units(), ui.log_base()
    p = ui.slider("p = P(heads)", 0.0, 1.0, 0.2, key="info_coin_p", step=0.01)
    h = info.bernoulli_entropy(p, base=base)
    h_half = info.bernoulli_entropy(0.5, base=base)
    c1, c2 = st.columns(2)
    c1.metric(f"H({p:.2f})", ui.fmt(h, unit, 3))
    c2.metric("H(1/2)", ui.fmt(h_half, unit, 3) + ("" if unit == "bits" else " = 1 bit"))
    grid, h_grid = info.bernoulli_curve(base=base)
    ui.show_figure(ui.figure(figs.bernoulli_figure, grid, h_grid, p, h, h_half, unit),
                   key="info_fig_coin")
