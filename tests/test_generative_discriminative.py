"""gdm_core.generative_discriminative against independent references: LDA's closed-form
weights, scipy.optimize on the logistic loss, marginalisation by quadrature, sampling."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import integrate, optimize, special, stats

from gdm_core import generative_discriminative as gd


@pytest.fixture(scope="module")
def data():
    return gd.sample_two_classes(300, seed=4)


def test_fit_is_maximum_likelihood(data):
    X, y = data
    for shared in (True, False):
        model = gd.fit_class_gaussians(X, y, shared=shared)
        assert model.priors.sum() == pytest.approx(1.0)
        assert np.allclose(model.means[1], X[y == 1].mean(axis=0))
        if not shared:
            assert np.allclose(model.covs[0], np.cov(X[y == 0].T, bias=True), atol=1e-8)
        # the class-conditional log-likelihood is maximal: moving a mean lowers it
        def loglik(m1):
            return np.sum(stats.multivariate_normal.logpdf(X[y == 1], m1, model.covs[1]))
        assert loglik(model.means[1]) > loglik(model.means[1] + [0.05, -0.02])


def test_bayes_rule_with_shared_covariance_is_the_lda_logistic(data):
    X, y = data
    model = gd.fit_class_gaussians(X, y, shared=True)
    grid = np.random.default_rng(0).normal(0, 2, (50, 2))
    w, b = gd.lda_weights(model)
    assert np.allclose(gd.gaussian_posterior(model, grid), special.expit(grid @ w + b),
                       atol=1e-12)
    # and by Bayes' rule written out with scipy's densities
    like = [model.priors[k] * stats.multivariate_normal.pdf(grid, model.means[k], model.covs[k])
            for k in (0, 1)]
    assert np.allclose(gd.gaussian_posterior(model, grid), like[1] / (like[0] + like[1]))
    with pytest.raises(ValueError, match="shared"):
        gd.lda_weights(gd.fit_class_gaussians(X, y, shared=False))


def test_logistic_fit_matches_scipy_on_the_same_loss(data):
    X, y = data
    for ridge in (1e-3, 0.1):
        w, b = gd.fit_logistic(X, y, ridge=ridge)
        ref = optimize.minimize(lambda t: gd.logistic_loss(t[:2], t[2], X, y, ridge),
                                np.zeros(3), method="BFGS", options=dict(gtol=1e-10))
        assert np.allclose(np.r_[w, b], ref.x, atol=1e-5)
        assert gd.logistic_loss(w, b, X, y, ridge) <= ref.fun + 1e-12


def test_separable_data_stays_finite():
    X = np.array([[-2.0, 0.0], [-1.0, 0.5], [1.0, 0.0], [2.0, -0.5]])
    w, b = gd.fit_logistic(X, [0, 0, 1, 1])
    assert np.all(np.isfinite(w)) and np.isfinite(b) and w[0] > 0


def test_marginalising_the_missing_coordinate_matches_quadrature(data):
    X, y = data
    for shared in (True, False):
        model = gd.fit_class_gaussians(X, y, shared=shared)
        for x1 in (-1.5, 0.2, 2.0):
            def joint(x2, k):
                return model.priors[k] * stats.multivariate_normal.pdf(
                    [x1, x2], model.means[k], model.covs[k])
            p = [integrate.quad(joint, -30, 30, args=(k,), epsabs=1e-14)[0] for k in (0, 1)]
            assert gd.marginal_posterior(model, x1) == pytest.approx(p[1] / sum(p), abs=1e-9)
            # the other coordinate missing instead
            assert 0 < gd.marginal_posterior(model, x1, observed=1) < 1


def test_sampling_the_generative_model_reproduces_it(data):
    X, y = data
    model = gd.fit_class_gaussians(X, y, shared=False)
    Xs, ys = gd.sample_model(model, 100_000, seed=1)
    assert np.mean(ys) == pytest.approx(model.priors[1], abs=0.01)
    refit = gd.fit_class_gaussians(Xs, ys, shared=False)
    assert np.allclose(refit.means, model.means, atol=0.03)
    assert np.allclose(refit.covs, model.covs, atol=0.03)


def test_both_classify_well_above_chance(data):
    X, y = data
    Xt, yt = gd.sample_two_classes(4000, seed=99)
    model = gd.fit_class_gaussians(X, y)
    w, b = gd.fit_logistic(X, y)
    assert gd.accuracy(gd.gaussian_posterior(model, Xt), yt) > 0.85
    assert gd.accuracy(gd.logistic_posterior(w, b, Xt), yt) > 0.85


def test_input_checks():
    with pytest.raises(ValueError, match="shape"):
        gd.fit_class_gaussians(np.zeros((3, 3)), [0, 1, 0])
    with pytest.raises(ValueError, match="label"):
        gd.fit_class_gaussians(np.zeros((3, 2)), [0, 2, 1])
    with pytest.raises(ValueError, match="both classes"):
        gd.fit_class_gaussians(np.zeros((3, 2)), [1, 1, 1])
    with pytest.raises(ValueError, match="finite"):
        gd.fit_logistic([[0.0, np.nan], [1.0, 1.0]], [0, 1])
