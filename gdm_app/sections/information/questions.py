"""Information §2: perfect yes/no questions (a Huffman code) against the entropy.
Reads ``info_die``."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from gdm_core import information as info
from gdm_core import tables
from gdm_app import ui
from gdm_app.figures import information as figs
from gdm_app.sections.layout import BESIDE, headline
from gdm_app.sections.information.die import FACES
from gdm_app.sections.information.surprise import need_die


@ui.section("Perfect yes/no questions")
def show() -> None:
    headline("A perfect yes/no strategy needs about H(X) questions per roll: Huffman's tree.")
    die = st.session_state.get("info_die")
    if die is None:
        return need_die()
    code = info.huffman_code(die)
    length = info.expected_length(die, code)
    h_bits = info.entropy(die, base=2)
    pic, side = st.columns(BESIDE)
    with pic:
        ui.show_figure(ui.figure(figs.huffman_tree_figure, info.huffman_tree(die), FACES),
                       key="info_fig_tree")
    with side:
        st.metric("H(X)", ui.fmt(h_bits, "bits", 3))
        st.metric("Expected questions L", f"{length:.3f}")
        st.metric("L − H", f"{length - h_bits:.3f}")
        st.latex(r"L = \sum_x p(x)\,\ell(x)")
        st.latex(r"H(X) \le L < H(X) + 1")
        if ui.units() != "bits":
            st.caption("Questions have two answers, so they are compared with H in bits.")
    st.markdown(
        "Guess the face with yes/no questions. Huffman **builds** the best question tree from "
        "the bottom, joining the two least likely faces first; the questions are then **asked** "
        "from the top, so the first question singles out the most likely faces. A face costs "
        "about −log₂ p(x) questions (bounds in bits).")
    if length - h_bits > 0.5:
        st.info("Asking about one roll at a time costs at least one question whenever two "
                "faces are possible, even if one is nearly certain. Asking about many rolls "
                "at once brings the average per roll down to H.")
    rows = tables.huffman_rows(die, code, info.information_content(die, base=2), FACES)
    # a static table: it wraps to its column (the scrolling grid cut its last column at 1280 px)
    st.table(pd.DataFrame(rows), hide_index=True)
