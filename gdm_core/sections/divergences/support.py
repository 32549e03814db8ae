"""Divergences §6: supports and infinite KL. Writes ``div_preset`` (also set by ?preset=)."""

from __future__ import annotations

import numpy as np
import streamlit as st

from gdm_core import divergences as dv
from gdm_core import tables, ui
from gdm_core.figures import divergences as figs

PRESETS = list(dv.SUPPORT_PRESETS)


@ui.section("Support and infinite KL")
def show() -> None:
    st.markdown(
        "KL(P‖Q) = Σ P(x) log(P(x)/Q(x)) is finite **only if supp P ⊆ supp Q**: one outcome "
        "that P allows and Q forbids costs log(P(x)/0) = ∞. JS and W stay finite in every case.")
    preset = ui.radio("Preset", PRESETS, PRESETS[0], key="div_preset", horizontal=True,
                      format_func=lambda k: dv.SUPPORT_PRESETS[k][0])
    label, p, q = dv.SUPPORT_PRESETS[preset]
    sd = dv.support_divergences(p, q)
    unit = ui.units()
    a, b = st.columns([3, 2])
    with a:
        ui.show_figure(ui.figure(figs.support_bars, np.arange(len(p)), p, q, title=label),
                       key="div_fig_support")
    with b:
        st.metric("KL(P‖Q)", ui.fmt(ui.to_units(sd["kl"]), unit))
        st.caption(sd["kl_reason"])
        st.metric("KL(Q‖P)", ui.fmt(ui.to_units(sd["reverse_kl"]), unit))
        st.caption(sd["reverse_kl_reason"])
        st.markdown(f"JS = **{ui.fmt(ui.to_units(sd['js']), unit)}** · TV = "
                    f"**{ui.fmt(sd['tv'])}** · W1 = **{ui.fmt(sd['w1'])}**")
    st.markdown(f"All three side by side (KL and JS in {unit}): KL is finite only when one "
                "support sits inside the other, and only in that direction; JS and W1 always "
                "give a number.")
    st.markdown(tables.markdown(tables.support_rows(unit)))
