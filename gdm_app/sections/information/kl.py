"""Information §7: KL divergence as the extra bits of a code built for the wrong die.

Writes the two dice ``info_kl_p_*`` and ``info_kl_q_*`` and their presets. Reads nothing else.
"""

from __future__ import annotations

import streamlit as st

from gdm_core import information as info
from gdm_app import ui
from gdm_app.figures import information as figs
from gdm_app.sections.information.die import FACES, KL_PRESETS, editor
from gdm_app.sections.layout import BESIDE, headline


@ui.section("KL: extra bits")
def show() -> None:
    headline("Expect Q when rolls come from P and you pay KL(P‖Q) extra bits per roll: ∞ if Q "
             "rules out a face.")
    p = editor("info_kl_p", "info_kl_p_preset", KL_PRESETS, "loaded", "die P", "p")
    q = editor("info_kl_q", "info_kl_q_preset", KL_PRESETS, "fair", "die Q", "q")
    if p is None or q is None:
        st.warning("Fix the probabilities of P and Q above to compare them.")
        return
    unit, base = ui.units(), ui.log_base()

    def fmt(v):
        return ui.fmt(v, unit, 3)

    h_p, h_q = info.entropy(p, base=base), info.entropy(q, base=base)
    kl_pq, kl_qp = info.kl_divergence(p, q, base=base), info.kl_divergence(q, p, base=base)
    ce_pq, ce_qp = info.cross_entropy(p, q, base=base), info.cross_entropy(q, p, base=base)
    a, b = st.columns(BESIDE)
    with a:
        ui.show_figure(ui.figure(figs.kl_bars, h_p, kl_pq, h_q, kl_qp, unit), key="info_fig_kl")
    with b:
        ui.show_figure(ui.figure(figs.dice_comparison, p, q, FACES), key="info_fig_dice")
    c1, c2, c3, c4 = st.columns(4)
    c1.metric("H(P)", fmt(h_p))
    c2.metric("KL(P‖Q)", fmt(kl_pq))
    c3.metric("H(P,Q)", fmt(ce_pq))
    c4.metric("KL(Q‖P)", fmt(kl_qp))
    for a_name, b_name, a_die, b_die in (("P", "Q", p, q), ("Q", "P", q, p)):
        for i in info.support_violations(a_die, b_die):
            st.warning(
                f"KL({a_name}‖{b_name}) = ∞: {b_name} gives face {FACES[i]} probability 0, but "
                f"{a_name} rolls it with probability {a_die[i]:.4g}. A code built for {b_name} "
                f"has no answer for a {FACES[i]}: its surprise −log 0 is infinite.")
    st.markdown(f"H(P,Q) = H(P) + KL(P‖Q): {fmt(ce_pq)} = {fmt(h_p)} + {fmt(kl_pq)}.  \n"
                f"H(Q,P) = H(Q) + KL(Q‖P): {fmt(ce_qp)} = {fmt(h_q)} + {fmt(kl_qp)}.  \n"
                f"Jensen–Shannon, symmetric and finite: JS(P, Q) = "
                f"{fmt(info.js_divergence(p, q, base=base))}.")
    st.latex(r"H(P,Q) = -\sum_x p(x)\log q(x) = H(P) + \mathrm{KL}(P\,\|\,Q), \qquad "
             r"\mathrm{KL}(P\,\|\,Q) = \sum_x p(x)\log\frac{p(x)}{q(x)} \ge 0")
    st.markdown("Rolls come from P but you expect Q (you built your questions for Q): on "
                "average you pay H(P, Q) instead of H(P). The extra is KL(P‖Q) ≥ 0, and "
                "it is not symmetric.")
