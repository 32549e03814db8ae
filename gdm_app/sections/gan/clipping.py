"""GAN §4: weight clipping vs gradient penalty — the critic's weights and ‖∇ₓ f‖ between real
and fake points (Gulrajani et al. 2017, Fig. 1). Uses the shipped "clipping" and "wgan-gp"
preset runs; reads and writes nothing else."""

from __future__ import annotations

import streamlit as st

from gdm_core import gan
from gdm_app import ui
from gdm_app.sections import layout
from gdm_app.figures import gan as figs
from gdm_app.sections.gan import get_run


@st.cache_resource(max_entries=2, show_spinner=False)
def _figures():
    clip_run = get_run(gan.PRESETS["clipping"][1])
    gp_run = get_run(gan.PRESETS["wgan-gp"][1])
    c = clip_run.config.clip
    hist = figs.weight_histogram_figure({f"clipping (c = {c:g})": clip_run.critic_weights,
                                         "gradient penalty": gp_run.critic_weights}, clip=c)
    lines = figs.grad_norm_lines_figure(gp_run.line_t, {
        f"clipping (c = {c:g})": clip_run.line_grad_norm,
        "gradient penalty": gp_run.line_grad_norm})
    return hist, lines


@ui.section("Clipping vs penalty")
def show() -> None:
    layout.headline("Both WGANs need a 1-Lipschitz critic: clipping forces it crudely, the "
                    "gradient penalty asks for ‖∇ₓ f‖ = 1 — and gets it.")
    hist, lines = _figures()
    a, b = st.columns(2)
    with a:
        ui.show_figure(hist, key="gan_fig_weights")
        st.caption("The final critic weights of the two preset runs (ring of 8, same seed).")
    with b:
        ui.show_figure(lines, key="gan_fig_lines")
        st.caption("‖∇ₓ f‖ at points from a fake (t = 0) to a real sample (t = 1), for 12 "
                   "pairs: near 1 with the penalty, far below it with clipping.")
    st.markdown(
        "**Clipping** keeps every weight in [−c, c]. The weights pile up at ±c and the critic "
        "can only be a very simple function, with a gradient far below 1 (or, with a larger c, "
        "exploding). The **gradient penalty** asks for ‖∇ₓ f‖ = 1 on points between real and "
        "fake samples.")
    st.latex(r"\text{clip: } w \leftarrow \operatorname{clip}(w, -c, c)")
    st.latex(r"\text{penalty: } \lambda\,\mathbb E_{\hat x}\big(\|\nabla_{\hat x} f(\hat x)\|_2 - 1"
             r"\big)^2,\ \hat x = \epsilon x + (1-\epsilon)\tilde x")
