"""Information §4: the average surprise of n rolls tends to H. Reads ``info_die`` and the
seed; writes ``info_n``."""

from __future__ import annotations

import numpy as np
import streamlit as st

from gdm_core import information as info
from gdm_app import ui
from gdm_app.sections import layout
from gdm_app.figures import information as figs
from gdm_app.sections.information.die import FACES
from gdm_app.sections.information.surprise import need_die


@st.cache_data(max_entries=64, show_spinner=False)
def _rolls(die: tuple, n: int, seed: int, base: float):
    return info.running_average_surprise(np.array(die), n, seed=seed, base=base)


@ui.section("Many rolls")
def show() -> None:
    layout.headline("Average the surprise of n rolls: the law of large numbers pulls it to "
                    "the entropy.")
    die = st.session_state.get("info_die")
    if die is None:
        return need_die()
    unit, base = ui.units(), ui.log_base()
    pic, side = st.columns(layout.BESIDE)
    with side:
        n = ui.slider("Number of rolls n", 10, 10_000, 1000, key="info_n", step=10)
    rolls, running = _rolls(tuple(die), n, ui.seed(), base)
    h = info.entropy(die, base=base)
    with pic:
        ui.show_figure(ui.figure(figs.lln_figure, running, h, unit), key="info_fig_lln")
    with side:
        st.metric(f"Average surprise of {n} rolls", ui.fmt(running[-1], unit, 3))
        c2, c3 = st.columns(2)
        c2.metric("H(X)", ui.fmt(h, unit, 3))
        c3.metric("Difference", ui.fmt(running[-1] - h, unit, 3))
        counts = np.bincount(rolls, minlength=6)
        st.caption("Faces rolled: " + ", ".join(f"{f}: {c}" for f, c in zip(FACES, counts))
                   + f". Rolls use the seed ({ui.seed()}) from the sidebar.")
        st.latex(r"\frac{1}{n}\sum_{k=1}^{n} -\log p(x_k) \;\longrightarrow\; H(X)")
