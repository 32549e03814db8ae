"""Figure builders for "why a VAE" and Gaussians: the numbers land in the traces, readable type."""

from __future__ import annotations

import math

import numpy as np
import pytest

from gdm_core import gaussians as g
from gdm_app.figures import gaussians as gfig
from gdm_app.figures import latent as figs


def _readable(fig):
    assert fig.layout.title.font.size >= 18
    for axis in (fig.layout.xaxis, fig.layout.yaxis):
        assert axis.tickfont.size >= 16 and axis.tickfont.color == "#111111"


def test_ellipse_is_the_k_sigma_contour():
    mean, cov = np.array([1.0, -2.0]), np.array([[2.0, 0.8], [0.8, 1.0]])
    x, y = figs.ellipse(mean, cov, k=2)
    d = np.stack([x - 1.0, y + 2.0])
    m = np.einsum("in,ij,jn->n", d, np.linalg.inv(cov), d)
    assert np.allclose(m, 4.0)
    with pytest.raises(ValueError, match="positive definite"):
        figs.ellipse(mean, -cov)


def test_posterior_heatmap_carries_the_grid_and_both_ellipses():
    z = np.linspace(-1, 1, 5)
    lp = -np.add.outer(z ** 2, z ** 2)
    fig = figs.posterior_heatmap(z, z, lp, [0.1, 0.2], np.diag([0.04, 0.09]), floor=-1.5)
    heat = fig.data[0]
    assert heat.colorbar.title.text.endswith("(nats)")
    in_bits = figs.posterior_heatmap(z, z, lp, [0.1, 0.2], np.diag([0.04, 0.09]), floor=-1.5,
                                     unit="bits").data[0]
    assert in_bits.colorbar.title.text.endswith("(bits)") and "nats" not in \
        in_bits.hovertemplate + in_bits.colorbar.title.text
    assert heat.type == "heatmap" and np.allclose(heat.z, np.maximum(lp - lp.max(), -1.5))
    names = [t.name for t in fig.data]
    assert "q(z|x), 1σ" in names and "q(z|x), 2σ" in names and "μ(x)" in names
    one = fig.data[names.index("q(z|x), 1σ")]
    assert max(one.x) == pytest.approx(0.1 + 0.2, abs=1e-3)
    _readable(fig)


def test_iw_curve_has_the_band_the_mean_and_the_quadrature_line():
    ks, mean, sd = np.array([1, 10, 100]), np.array([-80.0, -79.0, -78.6]), np.array([1, .3, .1])
    fig = figs.iw_curve_figure(ks, mean, sd, log_px=-78.5, elbo=-80.1)
    line = next(t for t in fig.data if t.name == "IW estimate, mean of the runs")
    assert list(line.y) == list(mean)
    assert "bound, mean" not in " ".join(t.name for t in fig.data)  # estimates, not the bound
    named = figs.iw_curve_figure(ks, mean, sd, log_px=-78.5, runs=5, unit="bits")
    assert [t.name for t in named.data] == ["± 1 s.d. of one run", "IW estimate, mean of 5 runs"]
    assert named.layout.yaxis.title.text == "estimate of 𝓛_k (bits)"
    assert [s.y0 for s in fig.layout.shapes] == [-78.5, -80.1]
    assert fig.layout.xaxis.type == "log"
    _readable(fig)
    with pytest.raises(ValueError):
        figs.iw_curve_figure(ks, mean[:2], sd, -1)


def test_estimator_spread_figure_has_error_bars():
    n = np.array([10, 100])
    fig = figs.estimator_spread_figure(n, [0.1, 0.09], [2.0, 0.6], [0.1, 0.1], [0.5, 0.15], 0.1)
    score, path = fig.data
    assert list(score.error_y.array) == [2.0, 0.6] and list(path.error_y.array) == [0.5, 0.15]
    assert fig.layout.shapes[0].y0 == 0.1
    _readable(fig)
    # no exact value known: no line (a line at 0 would claim the gradient is 0)
    for exact in (None, float("nan")):
        bare = figs.estimator_spread_figure(n, [0.1, 0.09], [2.0, 0.6], [0.1, 0.1],
                                            [0.5, 0.15], exact)
        assert not bare.layout.shapes and not bare.layout.annotations
    labelled = figs.estimator_spread_figure(n, [1, 1], [2, 1], [1, 1], [.5, .2], -40.0,
                                            exact_label="exact (quadrature)")
    assert labelled.layout.shapes[0].y0 == -40.0
    assert labelled.layout.annotations[0].text == "exact (quadrature)"


def test_computation_graphs_show_both_graphs():
    fig = figs.computation_graphs()
    labels = [t.text[0] for t in fig.data]
    assert "z ~ N" in labels and "z = μ+σε" in labels and "ε ~ N(0,1)" in labels
    texts = " ".join(a.text for a in fig.layout.annotations)
    assert "stops here" in texts and "f′(z)·ε" in texts
    assert fig.layout.title.font.size >= 18


def test_latent_dim_bars_stack_reconstruction_and_kl():
    fig = figs.latent_dim_bars([2, 5], [-140.0, -110.0], [5.0, 12.0], neg_iw=[142.0, 118.0])
    rec, kl, iw = fig.data
    assert list(rec.y) == [140.0, 110.0] and list(kl.y) == [5.0, 12.0]
    assert kl.text == ("−ELBO 145.0", "−ELBO 122.0") and list(iw.y) == [142.0, 118.0]
    assert fig.layout.barmode == "stack"
    _readable(fig)


def test_density_with_slices_uses_gaussians_numbers():
    mu, cov = np.array([0.0, 1.0]), np.array([[1.0, 0.7], [0.7, 1.0]])
    x, y, d = g.density_grid_2d(mu, cov, n=31)
    m, c = g.marginal(mu, cov, [0])
    cm, cc = g.condition(mu, cov, [0], [1], [2.0])
    t = np.linspace(-4, 4, 50)
    pdf = lambda m_, v: np.exp(-(t - m_) ** 2 / (2 * v)) / math.sqrt(2 * math.pi * v)  # noqa
    fig = gfig.density_with_slices(x, y, d, t, pdf(m[0], c[0, 0]), 2.0, t,
                                   pdf(cm[0], cc[0, 0]))
    assert np.allclose(fig.data[0].z, d)
    cond = fig.data[3]
    assert t[np.argmax(cond.y)] == pytest.approx(cm[0], abs=0.1)
    assert fig.layout.title.font.size >= 18


def test_normal_vs_cauchy_labels_the_two_kls():
    x = np.linspace(-10, 10, 11)
    n, c = g.cauchy_normal_densities(x)
    fig = gfig.normal_vs_cauchy(x, n, c, g.kl_normal_cauchy(), g.kl_cauchy_normal()[0])
    assert "∞" in fig.data[1].name and "0.259 nats" in fig.data[0].name
    assert fig.layout.yaxis.type == "log"
    bits = gfig.normal_vs_cauchy(x, n, c, g.kl_normal_cauchy() / math.log(2), math.inf,
                                 unit="bits")
    assert bits.data[0].name == "Normal — KL(N ‖ C) = 0.374 bits"
    assert "nats" not in bits.data[0].name + bits.data[1].name


def test_two_gaussians_draws_both_ellipses_and_means():
    mu_p, cov_p = np.zeros(2), np.array([[1.0, 0.8], [0.8, 1.0]])
    mu_q, cov_q = np.array([1.0, -0.5]), np.diag([0.25, 4.0])
    fig = gfig.two_gaussians(mu_p, cov_p, mu_q, cov_q)
    names = [t.name for t in fig.data]
    assert names == ["P, 1σ", "P, 2σ", "mean of P", "Q, 1σ", "Q, 2σ", "mean of Q"]
    for name, mu, cov in (("P", mu_p, cov_p), ("Q", mu_q, cov_q)):
        for k in (1, 2):
            t = fig.data[names.index(f"{name}, {k}σ")]
            d = np.stack([np.asarray(t.x) - mu[0], np.asarray(t.y) - mu[1]])
            assert np.allclose(np.einsum("in,ij,jn->n", d, np.linalg.inv(cov), d), k * k)
    assert fig.layout.yaxis.scaleanchor == "x"
    _readable(fig)
