"""Divergences §4: the optimal discriminator saturates, the WGAN critic does not.
Writes ``div_gap`` and ``div_sigma4``."""

from __future__ import annotations

import streamlit as st

from gdm_core import curves
from gdm_app import ui
from gdm_core import critic
from gdm_app.figures import divergences as figs
from gdm_app.sections.layout import headline


@st.cache_data(max_entries=32, show_spinner=False)
def _gap_sweep(sigma: float):
    return curves.gap_sweep(sigma)


@ui.section("Discriminator vs critic")
def show() -> None:
    headline("Far apart, the optimal discriminator goes flat on the fakes and log(1 − D) gives "
             "no signal; the critic's slope stays 1.")
    c1, c2 = st.columns(2)
    with c1:
        gap = ui.slider("gap μ_real − μ_fake", 0.0, 10.0, 2.0, key="div_gap", step=0.25)
    with c2:
        sigma = ui.slider("σ (both)", 0.2, 3.0, 1.0, key="div_sigma4", step=0.1)
    here = critic.discriminator_vs_critic(gap, 0.0, sigma)
    pic = critic.wgan_picture(gap, 0.0, sigma)
    sweep = _gap_sweep(sigma)
    a, b = st.columns(2)
    with a:
        ui.show_figure(ui.figure(figs.discriminator_and_critic, pic["x"], pic["p_real"],
                                 pic["p_fake"], pic["d_star"], pic["critic"],
                                 title="D* and the critic"), key="div_fig_wgan")
    with b:
        ui.show_figure(ui.figure(figs.gradient_vs_gap, sweep["gap"], sweep["disc_grad"],
                                 sweep["critic_grad"], gap,
                                 title="Signal on fake samples as the gap grows",
                                 gen_saturating=sweep["gen_grad_saturating"],
                                 gen_nonsaturating=sweep["gen_grad_nonsaturating"]),
                       key="div_fig_gap")
    names = [("disc_on_fake", "mean D* on fake samples"),
             ("gen_grad_saturating", "G's signal, log(1 − D)"),
             ("gen_grad_nonsaturating", "G's signal, −log D"),
             ("critic_grad", "critic's slope |f′|")]
    for col, (k, label) in zip(st.columns(len(names)), names):
        col.metric(label, f"{here[k]:.3g}")
    st.caption("The vanishing signal belongs to the minimax loss log(1 − D*): its slope on fake "
               "samples is |a|·E[D*] (a = gap/σ²), which dies with D*. The non-saturating loss "
               "−log D* has slope |a|·(1 − E[D*]) → gap/σ², so it keeps pushing; the critic's "
               "slope is 1 everywhere. Means over the fake distribution, by quadrature in log "
               "space (to a relative 10⁻⁶ even where they are as small as 10⁻¹³⁸).")
    st.markdown(
        "Real data N(μ_real, σ²), generated N(μ_fake, σ²) — the WGAN paper's Figure 2. The "
        "optimal GAN discriminator is D* = p_real / (p_real + p_fake). When the two are far "
        "apart it is a flat 0 on the fake samples. With the lecture's (saturating) generator "
        "loss log(1 − D(G(z))) the generator's signal is D*'s slope there, which vanishes; the "
        "usual non-saturating loss −log D(G(z)) divides it by D* and keeps a slope. The WGAN "
        "critic is a 1-Lipschitz f maximising E_real f − E_fake f; here f(x) = x (up to a "
        "constant), whose slope is 1 wherever the fake samples are.")
    st.latex(r"D^*(x)=\frac{p_r(x)}{p_r(x)+p_g(x)},\qquad "
             r"W_1=\max_{\|f\|_L\le1}\ \mathbb E_{p_r}f-\mathbb E_{p_g}f")
