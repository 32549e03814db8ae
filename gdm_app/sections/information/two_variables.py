"""Information §6: joint and conditional entropy and mutual information of a table P(X, Y).

Writes ``info_joint_preset``, ``info_joint_rows``, ``info_joint_cols`` and the cells
``info_joint_<i>_<j>`` (all bound to the URL). Reads nothing from other sections.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from gdm_core import information as info
from gdm_app import ui
from gdm_app.figures import information as figs
from gdm_app.sections.layout import BESIDE, headline

# Lecture example. X: the teacher is in the room (rows: 0 no, 1 yes); Y: you saw the teacher
# walk in (columns: 0 no, 1 yes). You cannot see them walk in if they are not there, and half
# the time they are there; if they are, you saw them come in 4 times out of 5.
JOINT_PRESETS = {
    "teacher": [[0.5, 0.0], [0.1, 0.4]],
    "independent": np.outer([0.7, 0.3], [0.4, 0.6]).tolist(),
}
PRESET_NAMES = {"teacher": "the teacher (lecture example)",
                "independent": "independent X and Y"}
SIZES = [1, 2, 3, 4]
NAMES = ["H(X)", "H(Y)", "H(X,Y)", "H(X|Y)", "H(Y|X)", "I(X;Y)"]


def cell(i: int, j: int) -> str:
    return f"info_joint_{i}_{j}"


def apply_preset(name: str) -> None:
    table, ss = JOINT_PRESETS[name], st.session_state
    ss["info_joint_preset"] = name
    ss["info_joint_rows"], ss["info_joint_cols"] = len(table), len(table[0])
    for i, row in enumerate(table):
        for j, value in enumerate(row):
            ss[cell(i, j)] = float(value)


def _start_value(i: int, j: int) -> float:
    # New cells start at 0 (impossible pairs), so enlarging a valid table keeps it valid.
    table = JOINT_PRESETS["teacher"]
    return float(table[i][j]) if i < len(table) and j < len(table[0]) else 0.0


def _normalise(rows: int, cols: int) -> None:
    values = [[st.session_state.get(cell(i, j)) for j in range(cols)] for i in range(rows)]
    if info.can_normalize(values):
        for i, row in enumerate(info.normalize(values)):
            for j, value in enumerate(row):
                st.session_state[cell(i, j)] = float(value)


@ui.section("Two variables")
def show() -> None:
    headline("Mutual information: how much knowing Y lowers your uncertainty about X (0 when "
             "independent).")
    ui.preset_from_url("info_joint", JOINT_PRESETS, apply_preset)
    pic, side = st.columns(BESIDE)
    with side:  # the table first (the picture needs it), drawn beside the picture
        preset = ui.select("Preset", list(JOINT_PRESETS), "teacher", key="info_joint_preset",
                           format_func=PRESET_NAMES.get,
                           on_change=lambda: apply_preset(st.session_state.info_joint_preset))
        c2, c3 = st.columns(2)
        with c2:
            rows = ui.select("Values of X (rows)", SIZES, 2, key="info_joint_rows")
        with c3:
            cols = ui.select("Values of Y (columns)", SIZES, 2, key="info_joint_cols")
        values = []
        for i in range(rows):
            row = []
            for j, col in enumerate(st.columns(cols)):
                with col:
                    row.append(ui.number(f"P(X={i}, Y={j})", 0.0, 1.0, _start_value(i, j),
                                         key=cell(i, j), step=0.01, format="%.4f"))
            values.append(row)
        labels = [[f"P(X={i}, Y={j})" for j in range(cols)] for i in range(rows)]
        try:
            joint = info.check_distribution(values, name="the joint table", ndim=2,
                                            labels=labels)
        except ValueError as err:
            st.error(str(err))
            if info.can_normalize(values):
                st.button("Normalise the table", key="info_joint_normalise",
                          on_click=_normalise, args=(rows, cols))
            return
        note = info.rescale_note(values)
        if note:
            st.caption(note)
    unit = ui.units()
    s = info.joint_summary(joint, base=ui.log_base())
    with pic:
        ui.show_figure(ui.figure(figs.information_diagram, s, unit), key="info_fig_diagram")
    for col, name in zip(st.columns(3) + st.columns(3), NAMES):  # two rows: readable
        col.metric(name, ui.fmt(s[name], unit, 3))
    st.markdown(f"Check: H(X) − H(X|Y) = {ui.fmt(s['H(X)'], unit, 3)} − "
                f"{ui.fmt(s['H(X|Y)'], unit, 3)} = {ui.fmt(s['H(X)'] - s['H(X|Y)'], unit, 3)}"
                " = I(X;Y).")
    if preset == "teacher" and (rows, cols) == (2, 2):
        st.caption("X = 1: the teacher is in the room. Y = 1: you saw the teacher walk in. "
                   "P(X=1, Y=1) = 0.4, P(X=1, Y=0) = 0.1 (came in while you looked away), "
                   "P(X=0, Y=1) = 0 (you cannot see someone walk in who is not there), "
                   "P(X=0, Y=0) = 0.5.")
    st.latex(r"H(X|Y) = H(X,Y) - H(Y), \qquad I(X;Y) = H(X) - H(X|Y) = H(X) + H(Y) - H(X,Y)")
    st.markdown("The mutual information is how much knowing Y lowers your uncertainty "
                "about X (and the other way round). It is 0 exactly when X and Y are "
                "independent.")
