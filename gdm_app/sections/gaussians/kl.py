"""Gaussians §2: KL between two 2-D Gaussians, closed form against Monte Carlo, and the VAE's
KL term as the special case q = N(μ, diag σ²), p = N(0, I). The picture comes first: P and Q
as their 1σ/2σ ellipses beside both KL directions.

Writes Q's ``g_kl_*`` and P's ``g_mu1`` … ``g_rho`` (shared with the first tab), all bound to
the URL.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from gdm_core import gaussians as gs
from gdm_app import ui
from gdm_app.figures import gaussians as figs
from gdm_app.sections.gaussians import covariance, p_controls

MC_SAMPLES = 20_000


@st.cache_data(max_entries=64, show_spinner=False)
def _mc(mu0, cov0, mu1, cov1, seed):
    return gs.kl_monte_carlo(np.array(mu0), np.array(cov0), np.array(mu1), np.array(cov1),
                             n=MC_SAMPLES, seed=seed)


def _direction(kl_pq: float, kl_qp: float, unit: str) -> str:
    """One sentence comparing the two directions, with the numbers on screen."""
    if abs(kl_pq - kl_qp) <= 5e-5 * max(1.0, abs(kl_pq)):
        return "Here the two directions agree: KL(P ‖ Q) = KL(Q ‖ P)."
    big, small = ("KL(Q ‖ P)", "KL(P ‖ Q)") if kl_qp > kl_pq else ("KL(P ‖ Q)", "KL(Q ‖ P)")
    hi, lo = ui.fmt(max(kl_pq, kl_qp), unit, 4), ui.fmt(min(kl_pq, kl_qp), unit, 4)
    return f"Not symmetric: {big} is larger than {small} ({hi} against {lo})."


@ui.section("KL between Gaussians")
def show() -> None:
    top = st.container()  # the picture and both KLs, drawn once the inputs below are read
    mu_p, cov_p = p_controls("P: ")
    c = st.columns(5)
    with c[0]:
        m1 = ui.slider("Q: μ₁", -3.0, 3.0, 1.0, key="g_kl_mu1", step=0.1)
    with c[1]:
        m2 = ui.slider("Q: μ₂", -3.0, 3.0, 0.0, key="g_kl_mu2", step=0.1)
    with c[2]:
        s1 = ui.slider("Q: σ₁", 0.2, 3.0, 1.0, key="g_kl_s1", step=0.1)
    with c[3]:
        s2 = ui.slider("Q: σ₂", 0.2, 3.0, 1.0, key="g_kl_s2", step=0.1)
    with c[4]:
        rho = ui.slider("Q: ρ", -0.95, 0.95, 0.0, key="g_kl_rho", step=0.05)
    mu_q, cov_q = np.array([m1, m2]), covariance(s1, s2, rho)
    unit, base = ui.units(), ui.log_base()
    seed = ui.seed()
    rows = []
    for name, a, b in (("KL(P ‖ Q)", (mu_p, cov_p), (mu_q, cov_q)),
                       ("KL(Q ‖ P)", (mu_q, cov_q), (mu_p, cov_p))):
        exact = gs.kl_mvn(*a, *b, base=base)
        est, se = _mc(tuple(a[0]), tuple(map(tuple, a[1])), tuple(b[0]),
                      tuple(map(tuple, b[1])), seed)
        est_u, se_u = ui.to_units(est), ui.to_units(se)
        rows.append((name, exact, est_u, se_u))
    with top:
        pic, numbers = st.columns([3, 2])
        with pic:
            ui.show_figure(ui.figure(figs.two_gaussians, mu_p, cov_p, mu_q, cov_q,
                                     title="P (blue) and Q (orange)"), key="g_fig_kl")
        with numbers:
            for name, exact, est, se in rows:
                st.metric(f"{name}, closed form ({unit})", ui.fmt(exact, None, 4))
                st.caption(f"Monte Carlo: {est:.4f} ± {se:.4f} (one standard error), "
                           f"seed {seed}.")
            st.caption(_direction(rows[0][1], rows[1][1], unit))
    st.latex(r"\mathrm{KL}(\mathcal N_0\,\|\,\mathcal N_1) = \tfrac12\Big[\operatorname{tr}"
             r"(\Sigma_1^{-1}\Sigma_0) + (\mu_1-\mu_0)^\top\Sigma_1^{-1}(\mu_1-\mu_0) - k + "
             r"\log\frac{\det\Sigma_1}{\det\Sigma_0}\Big],\quad k = 2")
    st.markdown("The closed form is checked against a Monte Carlo average of log p − log q over "
                f"{MC_SAMPLES:,} draws.")
    st.subheader("The VAE's KL term is the special case")
    st.latex(r"\mathrm{KL}\big(\mathcal N(\mu,\operatorname{diag}\sigma^2)\,\|\,\mathcal N(0,I)"
             r"\big) = \tfrac12\sum_j\big(\mu_j^2+\sigma_j^2-\log\sigma_j^2-1\big)")
    logvar = np.log([s1 * s1, s2 * s2])
    vae_kl = gs.kl_vae(np.array([m1, m2]), logvar, base=base)
    by_formula = 0.5 * float(np.sum(np.array([m1, m2]) ** 2 + np.exp(logvar) - logvar - 1))
    st.markdown(
        f"With q = N(({m1:g}, {m2:g}), diag({s1 * s1:.3g}, {s2 * s2:.3g})) — Q above without "
        f"its correlation — against the prior N(0, I): the general formula gives "
        f"**{ui.fmt(vae_kl, unit, 4)}**, the VAE's sum gives "
        f"**{ui.fmt(ui.to_units(by_formula), unit, 4)}**.")
