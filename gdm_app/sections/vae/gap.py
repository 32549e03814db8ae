"""VAE: the true posterior of one digit and the ELBO gap, log p(x) − ELBO = KL(q ‖ p(z|x)).

Writes ``vae_digit`` (the same digit as the ELBO tab and a click on the scatter). Reads the
seed for the importance-weighted curve.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from gdm_core import posterior
from gdm_app import ui
from gdm_app.sections import layout
from gdm_app.figures import latent as figs
from gdm_app.sections.vae import digit_input, digits, model, stamp

ORDER = 20  # Gauss–Hermite points per axis for E_q[log p(x|z)]: orders 12–40 agree to 1e-5 nats
REPEATS = 5  # independent runs of the importance-weighted estimate per k
FLOOR_NATS = -12.0  # the heatmap's colour scale: 12 nats (17.3 bits) below the peak


@st.cache_data(max_entries=32, show_spinner="Integrating p(x | z) p(z) over the latent plane…")
def _gap(key: tuple, index: int):
    x = digits()[2][index]
    g = posterior.elbo_gap(model()[0], x, order=ORDER)
    return {k: getattr(g, k) for k in ("log_px", "elbo", "reconstruction", "kl_prior", "gap",
                                        "kl_posterior", "q_mass")}, g.grid


@st.cache_data(max_entries=32, show_spinner=False)
def _iw(key: tuple, index: int, seed: int):
    x = digits()[2][index]
    return posterior.iw_curve(model()[0], x, repeats=REPEATS, seed=seed)


def _q_distance(grid) -> float:
    """How far the true posterior's mean is from q's mean, in q's standard deviations (the
    Mahalanobis distance under q's covariance): over 2, it lies outside q's 2σ ellipse."""
    d = grid.posterior_mean - grid.q_mean
    return float(np.sqrt(d @ np.linalg.solve(grid.q_cov, d)))


@ui.section("ELBO gap")
def show() -> None:
    layout.headline("With a 2-D latent, log p(x) can be computed exactly: the ELBO falls "
                    "short of it by KL(q(z|x) ‖ p(z|x)), the encoder's error.")
    _, labels, _ = digits()
    unit = ui.units()
    c1, _ = st.columns([1, 2])
    with c1:
        digit = digit_input()
    numbers, grid = _gap(stamp(), int(digit))

    def fmt(v):
        return ui.fmt(ui.to_units(v), None, 3)

    a, b = st.columns(2)
    with a:
        ui.show_figure(ui.figure(figs.posterior_heatmap, grid.z1, grid.z2,
                                 ui.to_units(grid.log_post), grid.q_mean, grid.q_cov,
                                 title=f"p(z | x) for digit #{digit} ({labels[int(digit)]})",
                                 floor=ui.to_units(FLOOR_NATS), unit=unit),
                       key="vae_fig_posterior")
        off = _q_distance(grid)
        where = "outside" if off > 2 else "inside"
        st.caption(f"Colour: the true posterior (log scale, {-ui.to_units(FLOOR_NATS):.3g} "
                   f"{unit} deep). Ellipses: q(z|x)'s 1σ and 2σ. Where they disagree, the ELBO "
                   f"pays the KL above: here the posterior's mean is {off:.1f} σ of q from q's "
                   f"mean, {where} its 2σ ellipse.")
    with b:
        ks, mean, sd = _iw(stamp(), int(digit), ui.seed())
        ui.show_figure(ui.figure(figs.iw_curve_figure, ks, ui.to_units(mean), ui.to_units(sd),
                                 ui.to_units(numbers["log_px"]), ui.to_units(numbers["elbo"]),
                                 title="Estimates of the IW bound approach log p(x)", unit=unit,
                                 runs=REPEATS),
                       key="vae_fig_iw_curve")
        st.caption(
            f"Estimates of 𝓛_k for k = 1 … 1000: the mean of {REPEATS} independent runs, the "
            f"band ± one run's standard deviation (seed {ui.seed()} from the sidebar). The "
            "bound holds in expectation — 𝓛_k, the mean of infinitely many runs, is ≤ log p(x) "
            "and rises from the ELBO (k = 1) to it — but each run is random, so the mean of "
            f"{REPEATS} runs can sit above log p(x) by about its noise (one run's s.d. "
            f"/ √{REPEATS}).")
    m = st.columns(4)
    m[0].metric(f"log p(x), quadrature ({unit})", fmt(numbers["log_px"]))
    m[1].metric(f"ELBO ({unit})", fmt(numbers["elbo"]))
    m[2].metric(f"log p(x) − ELBO ({unit})", fmt(numbers["gap"]))
    m[3].metric(f"KL(q ‖ p(z|x)) on the grid ({unit})", fmt(numbers["kl_posterior"]))
    st.caption(
        f"Two routes to the same number: the difference of the first two, and the KL summed "
        f"directly on the grid ({grid.decodes:,} decoder evaluations; the grid's border is "
        f"{-ui.to_units(grid.edge):.0f} {unit} below the peak, and it holds "
        f"{numbers['q_mass']:.6f} of q's "
        f"mass). The ELBO's reconstruction term is a {ORDER}×{ORDER} Gauss–Hermite rule, its KL "
        "to the prior exact — no Monte Carlo here.")
    st.markdown(
        "With a 2-D latent, $p(x) = \\int p(x\\mid z)\\,p(z)\\,dz$ can be *computed*: evaluate "
        "the integrand on a fine grid around the posterior mass and add it up. That gives the "
        "true posterior $p(z\\mid x)$ and the exact gap the ELBO leaves out:")
    st.latex(r"\log p(x) = \mathrm{ELBO}(x) + \mathrm{KL}\big(q(z\mid x)\,\|\,p(z\mid x)\big)"
             r"\qquad\text{(derivation I: the gap is the encoder's error)}")
