"""Gaussians §1: a 2-D Gaussian, its marginal and its conditional.

Writes P's ``g_mu1`` … ``g_rho`` (shared with the KL tab) and ``g_xb`` (bound to the URL).
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from gdm_core import gaussians as gs
from gdm_app import ui
from gdm_app.figures import gaussians as figs
from gdm_app.sections.gaussians import p_controls
from gdm_app.sections.layout import headline


def _normal_curve(mean: float, var: float, x: np.ndarray) -> np.ndarray:
    return np.exp(gs.logpdf(x[:, None], np.array([mean]), np.array([[var]])))


@ui.section("Marginal and conditional")
def show() -> None:
    headline("Observe z₂ and z₁ shifts by ρσ₁/σ₂ per unit and narrows by √(1 − ρ²), whatever "
             "you observed.")
    mu, cov = p_controls()
    (mu1, mu2), s1, s2 = mu, np.sqrt(cov[0, 0]), np.sqrt(cov[1, 1])
    rho = cov[0, 1] / (s1 * s2)
    x_b = ui.slider("observed x_b = z₂", -4.0, 4.0, 1.0, key="g_xb", step=0.1)
    m_mean, m_cov = gs.marginal(mu, cov, [0])
    c_mean, c_cov = gs.condition(mu, cov, [0], [1], [x_b])
    x, y, dens = gs.density_grid_2d(mu, cov, n=81, lim=3.5 * max(s1, s2))
    line = np.linspace(mu1 - 4 * s1, mu1 + 4 * s1, 301)
    ui.show_figure(ui.figure(figs.density_with_slices, x, y, dens, line,
                             _normal_curve(m_mean[0], m_cov[0, 0], line), float(x_b), line,
                             _normal_curve(c_mean[0], c_cov[0, 0], line)),
                   key="g_fig_conditional")
    k = st.columns(4)
    k[0].metric("marginal mean μ_a", f"{m_mean[0]:.3f}")
    k[1].metric("marginal sd √Σ_a", f"{np.sqrt(m_cov[0, 0]):.3f}")
    k[2].metric("conditional mean μ̂_a", f"{c_mean[0]:.3f}")
    k[3].metric("conditional sd √Σ̂_a", f"{np.sqrt(c_cov[0, 0]):.3f}")
    st.caption(f"Here Σ_c Σ_b⁻¹ = ρσ₁/σ₂ = {rho * s1 / s2:.3f}: μ̂_a = {mu1:g} + "
               f"{rho * s1 / s2:.3f} × ({x_b:g} − {mu2:g}) = {c_mean[0]:.3f}, and "
               f"Σ̂_a = σ₁²(1 − ρ²) = {c_cov[0, 0]:.3f}, whatever x_b is.")
    st.markdown(
        "The VAE's derivations lean on two facts about a Gaussian: a **marginal** keeps the "
        "sub-vector of the mean and the sub-block of the covariance; a **conditional** is "
        "Gaussian again, shifted along the correlation and narrowed by it.")
    st.latex(r"p(x_a) = \mathcal N(\mu_a, \Sigma_a),\qquad p(x_a\mid x_b) = \mathcal N\big("
             r"\underbrace{\mu_a + \Sigma_c\Sigma_b^{-1}(x_b-\mu_b)}_{\hat\mu_a},\ "
             r"\underbrace{\Sigma_a - \Sigma_c\Sigma_b^{-1}\Sigma_c^\top}_{\hat\Sigma_a}\big)")
