"""GAN §5: the formulas behind the page, in words. Reads and writes nothing."""

from __future__ import annotations

import streamlit as st

from gdm_core import critic
from gdm_app import ui
from gdm_app.figures import divergences as div_figs
from gdm_app.sections import layout


# The picture: WGAN's Fig. 2 (Arjovsky et al. 2017) for two unit Gaussians 6 apart, the
# optimal discriminator saturating where the critic keeps its slope (D* < 0.003 on 95 %
# of the fakes).
EXAMPLE = dict(mu_real=6.0, mu_fake=0.0, sigma=1.0)


@ui.section("The maths")
def show() -> None:
    layout.headline("What D and the critic converge to: D* saturates (0 or 1 almost "
                    "everywhere), the critic keeps a slope of 1 — WGAN's Fig. 2.")
    pic_col, side = st.columns(layout.BESIDE)
    pic = critic.wgan_picture(**EXAMPLE)
    with pic_col:
        ui.show_figure(ui.figure(div_figs.discriminator_and_critic, pic["x"], pic["p_real"],
                                 pic["p_fake"], pic["d_star"], pic["critic"],
                                 title="D* and the critic, p_r = N(6, 1), p_g = N(0, 1)"),
                       key="gan_fig_maths")
    with side:
        st.markdown("Real data N(6, 1), fakes N(0, 1). The optimal discriminator "
                    "D* = p_r / (p_r + p_g) (the LSGAN's too, with a = 0, b = 1) is flat near 0 "
                    "on the fakes: log(1 − D(G(z))) gives G almost no signal. The optimal "
                    "critic of W₁ rises with slope 1 all the way: a signal everywhere. The "
                    "Divergences page's *Discriminator vs critic* tab moves the gap.")
    a, b = st.columns(2)
    with a:
        st.markdown("**The value function** (Goodfellow et al. 2014). D maximises it, G "
                    "minimises it; the loop alternates *freeze D, train G* and *freeze G, "
                    "train D*.")
        st.latex(r"\min_G\max_D\ V = \mathbb E_{p_r}\log D(x)")
        st.latex(r"\qquad\qquad + \mathbb E_{z}\log\big(1 - D(G(z))\big)")
        st.markdown("For a fixed G the best discriminator, and what G then minimises:")
        st.latex(r"D^*(x) = \frac{p_r(x)}{p_r(x) + p_g(x)}")
        st.latex(r"V(G, D^*) = 2\,\mathrm{JS}(p_r, p_g) - \log 4")
        st.markdown("**Non-saturating loss.** log(1 − D(G(z))) is flat where D rejects the "
                    "fakes — no signal early on. G maximises log D(G(z)) instead: same "
                    "fixed point, strong gradient where D is confident.")
        st.latex(r"\min_G\ -\mathbb E_z \log D(G(z))")
    with b:
        st.markdown("**Wasserstein GAN** (Arjovsky et al. 2017): the critic estimates W₁ by "
                    "the Kantorovich–Rubinstein dual, over 1-Lipschitz functions f.")
        st.latex(r"W_1(p_r, p_g) = \sup_{\|f\|_L \le 1}\ \mathbb E_{p_r} f(x) - "
                 r"\mathbb E_{p_g} f(x)")
        st.markdown("**Weight clipping** keeps f Lipschitz by forcing every weight into "
                    "[−c, c]; **the gradient penalty** (Gulrajani et al. 2017) asks for unit "
                    "gradients between real and fake points instead:")
        st.latex(r"L_{\rm critic} = \mathbb E_{p_g} f - \mathbb E_{p_r} f")
        st.latex(r"\qquad + \lambda\,\mathbb E_{\hat x}\big(\|\nabla_{\hat x} f(\hat x)\|_2 - 1\big)^2")
        st.markdown("What the pictures show: no Nash equilibrium is guaranteed for finite "
                    "networks; with low-dimensional supports JS is constant (log 2), so its "
                    "gradient vanishes; G may put all its mass on a few modes (**mode "
                    "collapse**); W₁ still measures how far the fakes are — the referee on "
                    "this page.")
    c, d = st.columns(2)
    with c:
        st.markdown("**Least-squares GAN** (Mao et al. 2017). D's output is linear, no "
                    "sigmoid: it regresses the data onto a code b and the fakes onto a, while "
                    "G pulls its fakes' scores towards c. This page trains a = 0, b = c = 1.")
        st.latex(r"\begin{aligned} L_D &= \tfrac12\,\mathbb E_{p_r}\big(D(x) - b\big)^2 \\ "
                 r"&\quad + \tfrac12\,\mathbb E_z\big(D(G(z)) - a\big)^2 \\ "
                 r"L_G &= \tfrac12\,\mathbb E_z\big(D(G(z)) - c\big)^2 \end{aligned}")
        st.markdown("A fake's push is (c − D)∇D: it grows with how far D scores the fake from "
                    "c, and no sigmoid flattens it where D is sure.")
    with d:
        st.markdown("For a fixed G the best D is the mean of the two codes weighted by the "
                    "densities (with a = 0, b = 1 the GAN's D* above):")
        st.latex(r"D^*(x) = \frac{b\,p_r(x) + a\,p_g(x)}{p_r(x) + p_g(x)}")
        st.markdown("With b − c = 1 and b − a = 2 (a = −1, b = 1, c = 0), G's loss against D* "
                    "plus ½ E[(D*(x) − c)²] over real x, a term free of G — call the sum C(G) — is "
                    "half a **Pearson χ² divergence**, zero only when p_g = p_r:")
        st.latex(r"\begin{aligned} 2\,C(G) &= \chi^2_{\rm Pearson}\big(p_r + p_g \,\|\, "
                 r"2p_g\big) \\ &= \int \frac{\big(p_r(x) - p_g(x)\big)^2}{p_r(x) + p_g(x)}"
                 r"\,dx \end{aligned}")
