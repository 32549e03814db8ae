"""Fitting §3: generative vs discriminative. Class-conditional Gaussians fitted by maximum
likelihood, turned into p(y | x) by Bayes' rule, beside logistic regression fitted directly;
only the first can sample, and only it can classify a point with x₂ missing. Reads the seed;
writes ``fit_cls_n``, ``fit_shared``, ``fit_sample`` and ``fit_x1``."""

from __future__ import annotations

import numpy as np
import streamlit as st

from gdm_core import generative_discriminative as gd
from gdm_app import ui
from gdm_app.figures import fitting as figs
from gdm_app.sections.layout import headline

SIZES = [20, 40, 60, 100, 200, 500]
GRID = np.linspace(-4.0, 4.0, 121)      # x₂ in view, for the logistic model's range
PICTURE = np.linspace(-4.0, 4.0, 61)    # the shading and boundaries: smooth at 61×61
TEST_N = 5000


@st.cache_data(max_entries=64, show_spinner=False)
def models(n: int, shared: bool, seed: int) -> dict:
    """The sample, both fitted models, their p(y=1|x) on the grid and their test accuracy."""
    X, y = gd.sample_two_classes(n, seed=seed)
    model = gd.fit_class_gaussians(X, y, shared=shared)
    w, b = gd.fit_logistic(X, y)
    gx, gy = np.meshgrid(PICTURE, PICTURE)
    pts = np.column_stack([gx.ravel(), gy.ravel()])
    Xt, yt = gd.sample_two_classes(TEST_N, seed=seed + 1_000_003)
    return dict(X=X, y=y, model=model, w=w, b=b,
                gen=gd.gaussian_posterior(model, pts).reshape(gx.shape),
                disc=gd.logistic_posterior(w, b, pts).reshape(gx.shape),
                acc_gen=gd.accuracy(gd.gaussian_posterior(model, Xt), yt),
                acc_disc=gd.accuracy(gd.logistic_posterior(w, b, Xt), yt))


@ui.section("Generative vs discriminative")
def show() -> None:
    headline("A generative model learns p(x | y) and gets p(y | x) by Bayes' rule; a "
             "discriminative one learns only p(y | x).")
    c = st.columns(4)
    with c[0]:
        n = ui.select_slider("n, labelled points", SIZES, 40, key="fit_cls_n")
    with c[1]:
        shared = ui.toggle("shared Σ (LDA)", True, key="fit_shared",
                           help="One covariance for both classes: Bayes' rule gives a straight boundary, the "
                                "logistic family. Separate Σₖ: a curved one.")
    with c[2]:
        sample = ui.toggle("sample from p(x, y)", False, key="fit_sample",
                           help="New points drawn from the fitted generative model.")
    with c[3]:
        x1 = ui.slider("x₂ missing, x₁ =", -3.0, 3.0, 0.5, key="fit_x1", step=0.1)
    r = models(n, shared, ui.seed())
    model = r["model"]
    new = gd.sample_model(model, n, seed=ui.seed() + 7) if sample else None
    ui.show_figure(ui.figure(figs.classifiers_figure, r["X"], r["y"], PICTURE, PICTURE,
                             r["gen"], r["disc"], model.means, model.covs, new, x1),
                   key="fit_fig_classifiers")
    p_gen = gd.marginal_posterior(model, x1)
    along = gd.logistic_posterior(r["w"], r["b"], np.column_stack([np.full(GRID.size, x1), GRID]))
    k = st.columns(4)
    k[0].metric("generative p(y=1 | x₁)", f"{p_gen:.3f}",
                help=f"x₂ missing, x₁ = {x1:g}: marginalise x₂ out — each class's p(x₁ | y) is "
                     "its Gaussian's marginal.")
    k[1].metric("logistic p(y=1 | x₁, x₂)", f"{along.min():.2f} … {along.max():.2f}",
                help="Logistic regression needs x₂: over the x₂ in view it says anything in "
                     "this range.")
    k[2].metric("test accuracy, generative", f"{r['acc_gen']:.1%}",
                help=f"On {TEST_N:,} new points from the true distribution.")
    k[3].metric("test accuracy, logistic", f"{r['acc_disc']:.1%}",
                help=f"On the same {TEST_N:,} new points.")
    if shared:
        w_lda, b_lda = gd.lda_weights(model)
        st.caption(f"With one covariance Bayes' rule is itself a logistic model: w = Σ⁻¹(m₁ − m₀) "
                   f"= ({w_lda[0]:.2f}, {w_lda[1]:.2f}), b = {b_lda:.2f}. Logistic regression, "
                   f"fitted to the same points by maximum p(y | x) likelihood: w = "
                   f"({r['w'][0]:.2f}, {r['w'][1]:.2f}), b = {r['b']:.2f}. Same family, "
                   "different fits.")
    else:
        st.caption("With a covariance per class Bayes' rule gives a quadratic boundary, which "
                   "logistic regression on (x₁, x₂) cannot draw.")
    st.markdown(
        "Only the generative model can **sample**: it describes how points are made, "
        "y ~ π then x ~ N(m_y, Σ_y) (the hollow points). The logistic model p(y | x) has "
        "nothing to sample — it never modelled x. And only the generative model classifies a "
        "point whose **x₂ is missing**, by summing x₂ out; the logistic model needs both "
        "coordinates.")
    st.latex(r"p(y{=}1\mid x)=\frac{\pi_1\,\mathcal N(x;m_1,\Sigma_1)}{\sum_k\pi_k\,"
             r"\mathcal N(x;m_k,\Sigma_k)},\qquad p(y{=}1\mid x_1)=\frac{\pi_1\,\mathcal N(x_1;"
             r"m_{1,1},\Sigma_{1,11})}{\sum_k\pi_k\,\mathcal N(x_1;m_{k,1},\Sigma_{k,11})}")
