"""Divergences §6: supports and infinite KL, and heavy tails: KL(Cauchy ‖ Normal) = ∞.
Writes ``div_preset`` (also set by ?preset=)."""

from __future__ import annotations

import numpy as np
import streamlit as st

from gdm_core import divergences as dv
from gdm_core import gaussians, tables
from gdm_app import ui
from gdm_app.figures import divergences as figs
from gdm_app.figures import gaussians as figures_gaussians
from gdm_app.sections.layout import BESIDE, headline

PRESETS = list(dv.SUPPORT_PRESETS)


@ui.section("Support and infinite KL")
def show() -> None:
    headline("KL(P‖Q) is finite only if supp P ⊆ supp Q; JS and W stay finite in every case.")
    preset = ui.radio("Preset", PRESETS, PRESETS[0], key="div_preset", horizontal=True,
                      format_func=lambda k: dv.SUPPORT_PRESETS[k][0])
    label, p, q = dv.SUPPORT_PRESETS[preset]
    sd = dv.support_divergences(p, q)
    unit = ui.units()
    a, b = st.columns(BESIDE)
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
    st.markdown(
        "KL(P‖Q) = Σ P(x) log(P(x)/Q(x)) is finite **only if supp P ⊆ supp Q**: one outcome "
        "that P allows and Q forbids costs log(P(x)/0) = ∞. JS and W stay finite in every case.")
    st.markdown(f"All three side by side (KL and JS in {unit}): KL is finite only when one "
                "support sits inside the other, and only in that direction; JS and W1 always "
                "give a number.")
    st.markdown(tables.markdown(tables.support_rows(unit)))


@st.cache_data(max_entries=2, show_spinner=False)
def _cauchy_normal():
    x = np.linspace(-12, 12, 601)
    normal, cauchy = gaussians.cauchy_normal_densities(x)
    return x, normal, cauchy, gaussians.kl_normal_cauchy(), gaussians.kl_cauchy_normal()


@ui.section("Normal and Cauchy")
def tails() -> None:
    headline("Both positive everywhere, yet KL(Cauchy ‖ Normal) = ∞: heavy tails put mass where "
             "the Normal has almost none.")
    x, normal, cauchy, kl_nc, (kl_cn, reason) = _cauchy_normal()
    unit = ui.units()
    a, b = st.columns(BESIDE)
    with a:
        ui.show_figure(ui.figure(figures_gaussians.normal_vs_cauchy, x, normal, cauchy,
                                 ui.to_units(kl_nc), ui.to_units(kl_cn),
                                 title="Both densities, log axis", unit=unit),
                       key="div_fig_cauchy")
    with b:
        st.metric(f"KL(Normal ‖ Cauchy), {unit}", ui.fmt(ui.to_units(kl_nc), None, 4))
        st.caption("Finite: by quadrature. The Normal's light tails make −log c(x), which grows "
                   "only like 2 log|x|, cheap on average.")
        st.metric(f"KL(Cauchy ‖ Normal), {unit}", ui.fmt(kl_cn))
        st.caption(reason[0].upper() + reason[1:])
    st.markdown(
        "Overlapping supports are not enough. N(0, 1) and the standard Cauchy are both positive "
        "everywhere, yet KL(Cauchy ‖ Normal) = ∞ while KL(Normal ‖ Cauchy) is finite: the "
        "Cauchy's heavy tails put mass where the Normal's density is astronomically small.")
