"""Minimax §4: why this toy game is the GAN problem. Reads nothing; text and formulas only."""

from __future__ import annotations

import streamlit as st

from gdm_app import ui


@ui.section("Why this is the GAN problem")
def show() -> None:
    st.markdown(
        "A GAN is this game with millions of parameters: the **generator** $G_\\theta$ "
        "(player x, minimising) and the **discriminator** $D_\\varphi$ (player y, maximising) "
        "share one value"
    )
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
