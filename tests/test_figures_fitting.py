"""Figure builders of the Fitting page: the traces carry the numbers they were given, the
descent animates in at most MAX_FRAMES frames, legends sit under the plots."""

from __future__ import annotations

import numpy as np

from gdm_core import fitting
from gdm_core import generative_discriminative as gd
from gdm_app.figures import fitting as figs

W, M, S = fitting.DEFAULT_MIXTURE


def _named(fig, name):
    return next(t for t in fig.data if t.name == name)


def test_fit_figure_draws_the_path_and_animates_q():
    mus, sigmas = np.linspace(-4, 4, 9), np.geomspace(0.25, 4, 7)
    surf = fitting.divergence_surface(W, M, S, mus, sigmas, "forward-kl")
    path = fitting.descent_path(W, M, S, "forward-kl", init=(-1.0, 1.0), steps=80)
    x = np.linspace(-5, 5, 50)
    q = np.array([np.exp(-0.5 * ((x - a) / b) ** 2) for a, b in zip(path["mu"], path["sigma"])])
    fig = figs.fit_figure(mus, sigmas, surf, path["mu"], path["sigma"], x, np.ones_like(x), q,
                          "forward KL", "nats")
    np.testing.assert_allclose(fig.data[0].customdata, surf)  # hover shows the true values
    np.testing.assert_allclose(_named(fig, "gradient descent").x, path["mu"])
    assert _named(fig, "q now").x[0] == path["mu"][-1]
    assert 2 <= len(fig.frames) <= figs.MAX_FRAMES and fig.frames[-1].name == "80"
    np.testing.assert_allclose(fig.frames[-1].data[1].y, q[-1])
    assert fig.layout.legend.yref == "container" and fig.layout.legend.y == 0


def test_four_fits_and_classifiers_figures():
    x = np.linspace(-5, 5, 20)
    fig = figs.four_fits(x, x * 0, {d: x * 0 + i for i, d in enumerate(fitting.DIVERGENCES)},
                         fitting.LABELS)
    assert [t.name for t in fig.data][1:] == [fitting.LABELS[d] for d in fitting.DIVERGENCES]
    X, y = gd.sample_two_classes(30, seed=1)
    model = gd.fit_class_gaussians(X, y)
    g = np.linspace(-4, 4, 11)
    prob = np.full((11, 11), 0.5)
    fig = figs.classifiers_figure(X, y, g, g, prob, prob, model.means, model.covs,
                                  samples=gd.sample_model(model, 10), missing_x1=0.5)
    assert {"class 0", "class 1", "sampled from p(x, y)", "x₂ missing: x₁ known",
            "generative boundary (Bayes)", "logistic boundary"} <= {t.name for t in fig.data}
    assert len(_named(fig, "class 1").x) == int(np.sum(y == 1))


def test_the_descent_figure_stays_small_over_the_wire():
    """Issue 20: no interaction sends more than 200 KB. The figure's 40 animation frames carry
    q's curve as float32 typed arrays (as decimal lists the figure was 536 KB)."""
    import plotly.io as pio

    from gdm_app.sections.fitting import gaussian as g
    from gdm_app.sections.fitting import mixture
    from gdm_core import fitting as core

    w, m, s = (np.asarray(a) for a in mixture(0.3))
    p_x = np.exp(core.mixture_logpdf(g.X, w, m, s))
    path = g._path(0.3, "reverse-kl", -1.0, 1.0)
    q = np.array([g.normal_pdf(g.X, a, b) for a, b in zip(path["mu"], path["sigma"])])
    fig = figs.fit_figure(g.GRID_MU, g.GRID_SIGMA, g._surface(0.3, "reverse-kl"), path["mu"],
                          path["sigma"], g.X, p_x, q, "KL", "bits")
    assert len(pio.to_json(fig, validate=False)) < 200_000
    last = fig.frames[-1].data[1]
    np.testing.assert_allclose(last.y, q[-1], rtol=1e-6, atol=1e-12)


def test_the_classifiers_figure_stays_small_and_draws_the_boundary_where_p_is_one_half():
    """Issue 20: the chart was 1.2 MB (six 121×121 float64 grids). The shading is float32 and
    each boundary's field int8 (127·(2p − 1)), whose zero crossing is p = ½."""
    import plotly.io as pio

    from gdm_app.sections.fitting import classifiers

    r = classifiers.models(40, False, 0)
    g = classifiers.PICTURE
    fig = figs.classifiers_figure(r["X"], r["y"], g, g, r["gen"], r["disc"], r["model"].means,
                                  r["model"].covs)
    assert len(pio.to_json(fig, validate=False)) < 120_000
    boundary = _named(fig, "generative boundary (Bayes)")
    z = np.asarray(boundary.z, dtype=float)
    assert np.asarray(boundary.z).dtype == np.int8
    # the field's sign is the side of p = ½, everywhere the probability is not within 1/254 of it
    clear = np.abs(r["gen"] - 0.5) > 1 / 254
    assert np.array_equal(np.sign(z[clear]), np.sign(r["gen"][clear] - 0.5))
    assert (boundary.contours.start, boundary.contours.end) == (0, 0)
    shading = next(t for t in fig.data if t.type == "heatmap")
    np.testing.assert_allclose(np.asarray(shading.z, float), r["gen"], rtol=1e-6, atol=1e-7)
