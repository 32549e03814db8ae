"""Minimax §4: why this toy game is the GAN problem. Reads the page controls (for the picture:
the value x·y along each run, a GAN's loss curve in miniature); writes nothing."""

from __future__ import annotations

import streamlit as st

from gdm_core import games
from gdm_app import ui
from gdm_app.figures import games as figs
from gdm_app.sections.layout import BESIDE, headline
from gdm_app.sections.minimax import controls, runs


@ui.section("Why this is the GAN problem")
def show() -> None:
    headline("A GAN's training loop is alternating gradient steps on a minimax game: its loss "
             "oscillates instead of settling.")
    pic, side = st.columns(BESIDE)
    with side:
        st.markdown(
            "A GAN is this game with millions of parameters: the **generator** $G_\\theta$ "
            "(player x, minimising) and the **discriminator** $D_\\varphi$ (player y, "
            "maximising) share one value V (below). Here the generator is x, the "
            "discriminator y, and V is x·y: the picture is its loss curve.")
    with pic:
        c = controls.current()
        try:
            results = runs(c.x0, c.y0, c.lr, c.steps)
        except ValueError as err:  # the other tabs say why; here the text still stands
            st.caption(f"No picture for these controls: {err}.")
        else:
            values = {m: games.XY.value(results[m].path[:, 0], results[m].path[:, 1])
                      for m in c.methods}
            if values:
                ui.show_figure(figs.value_curves(values), key="mm_fig_value")
                st.caption("The shared value x·y of the runs above, step by step: alternating "
                           "steps (the GAN loop) keep it swinging around 0 for ever; look-ahead "
                           "steps damp it to the equilibrium's value, 0.")
            else:
                st.info("Switch on at least one method above to see its value.")
    st.latex(r"\min_\theta \max_\varphi\; V(\theta, \varphi) = "
             r"\mathbb{E}_{x\sim p_{\rm data}}\big[\log D_\varphi(x)\big] + "
             r"\mathbb{E}_{z\sim p(z)}\big[\log\big(1 - D_\varphi(G_\theta(z))\big)\big]")
    st.markdown(
        "The lecture's training loop freezes D and takes a step of G down "
        "$\\nabla_\\theta V$, then freezes G and takes a step of D up $\\nabla_\\varphi V$: "
        "that is **alternating** gradient descent–ascent, and the simulation on this page "
        "moves the same way — x (the generator) first, then y against the new x. Near an "
        "equilibrium the coupling term of V behaves like $\\theta^\\top C \\varphi$, i.e. like "
        "$xy$ here. Each player treats the other as fixed, but the other moves too: the joint "
        "field is a rotation, so the players chase each other around the equilibrium "
        "(alternating) or spiral away from it (simultaneous) instead of meeting — the "
        "oscillating losses seen when training GANs. Extragradient and optimistic steps "
        "anticipate the opponent's reply (a look-ahead step, or a correction with the "
        "previous gradient), which adds the missing pull $-\\eta^2 z$ towards the equilibrium."
    )
    st.caption("References: Goodfellow et al., Generative Adversarial Nets (2014); Korpelevich "
               "(1976), extragradient; Daskalakis et al., Training GANs with Optimism (ICLR "
               "2018); Gidel et al., A Variational Inequality Perspective on GANs (ICLR 2019); "
               "Bailey, Gidel & Piliouras, Finite Regret and Cycles with Fixed Step-Size via "
               "Alternating GDA (COLT 2020).")
