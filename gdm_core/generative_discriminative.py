r"""Generative vs discriminative classifiers on a 2-D two-class toy.

*Generative* (Gaussian discriminant analysis): model how each class makes its points,
:math:`p(x\mid y=k) = \mathcal N(x; m_k, \Sigma_k)`, and the classes' frequencies
:math:`\pi_k = p(y=k)`, fitted by maximum likelihood — class frequencies, class means, class
covariances (pooled if the classes share one, as in LDA). Then classify by Bayes' rule,

.. math:: p(y=1\mid x) = \frac{\pi_1\,\mathcal N(x; m_1, \Sigma_1)}
          {\pi_0\,\mathcal N(x; m_0, \Sigma_0) + \pi_1\,\mathcal N(x; m_1, \Sigma_1)}
          = \operatorname{sigmoid}\Big(\log\frac{\pi_1\mathcal N(x; m_1, \Sigma_1)}
          {\pi_0\mathcal N(x; m_0, \Sigma_0)}\Big).

With a shared :math:`\Sigma` the log-odds are linear, :math:`w^\top x + b` with
:math:`w = \Sigma^{-1}(m_1 - m_0)`, :math:`b = -\tfrac12 m_1^\top\Sigma^{-1}m_1
+ \tfrac12 m_0^\top\Sigma^{-1}m_0 + \log(\pi_1/\pi_0)` — the same family as logistic
regression, fitted differently.

*Discriminative* (logistic regression): model :math:`p(y=1\mid x) =
\operatorname{sigmoid}(w^\top x + b)` directly, fitted by maximum (conditional) likelihood,
Newton's method on the mean cross-entropy plus a small ridge :math:`\tfrac\lambda2\|w\|^2`
(which keeps w finite when the classes can be separated).

Only the generative model can **sample** new points (:func:`sample_model`), and only it can
classify a point with a coordinate **missing**, by marginalising: a Gaussian's marginal keeps
its sub-vector and sub-block (:func:`marginal_posterior`).

References
----------
A. Y. Ng, M. I. Jordan, "On discriminative vs. generative classifiers: a comparison of
logistic regression and naive Bayes", NeurIPS 2002.
C. M. Bishop, "Pattern Recognition and Machine Learning", 2006, §4.2 (Eq. 4.65–4.67) and §4.3.2.
K. P. Murphy, "Probabilistic Machine Learning: An Introduction", 2022, §9.2 (GDA), §10.2.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import special

from gdm_core._numeric import count, finite

# The true data: two Gaussian classes with different shapes (so a shared covariance is an
# assumption the student can switch off), class 1 a little more frequent.
TRUE_PRIOR1 = 0.55
TRUE_MEANS = np.array([[-1.0, -0.6], [1.0, 0.9]])
TRUE_COVS = np.array([[[1.0, 0.55], [0.55, 0.8]], [[0.7, -0.25], [-0.25, 0.9]]])
LOG_2PI = math.log(2 * math.pi)


@dataclass(frozen=True)
class ClassGaussians:
    """A fitted generative model: priors ``(π0, π1)``, ``means[k]``, ``covs[k]``."""

    priors: np.ndarray
    means: np.ndarray
    covs: np.ndarray
    shared: bool


def _points(x, name: str = "x") -> np.ndarray:
    arr = np.asarray(x, float)
    if arr.ndim == 1:
        arr = arr[None, :]
    if arr.ndim != 2 or arr.shape[1] != 2:
        raise ValueError(f"{name} must be points in the plane, shape (n, 2), got {arr.shape}.")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must hold finite numbers.")
    return arr


def _labels(X, y) -> np.ndarray:
    y = np.asarray(y)
    if y.shape != (len(X),) or not np.all((y == 0) | (y == 1)):
        raise ValueError("y must hold one label 0 or 1 per point.")
    return y.astype(int)


def sample_two_classes(n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """n labelled points from the true model (:data:`TRUE_PRIOR1`, means, covariances)."""
    n = count("n", n, minimum=2)
    rng = np.random.default_rng(seed)
    y = (rng.random(n) < TRUE_PRIOR1).astype(int)
    y[:2] = [0, 1]  # both classes are always there, so both can be fitted
    chol = np.linalg.cholesky(TRUE_COVS)
    X = TRUE_MEANS[y] + np.einsum("nij,nj->ni", chol[y], rng.standard_normal((n, 2)))
    return X, y


def fit_class_gaussians(X, y, shared: bool = True) -> ClassGaussians:
    r"""Maximum likelihood: :math:`\pi_k = n_k/n`, :math:`m_k` the class means,
    :math:`\Sigma_k = \frac1{n_k}\sum_{y_i=k}(x_i-m_k)(x_i-m_k)^\top`, or with ``shared`` the
    pooled :math:`\frac1n\sum_i (x_i-m_{y_i})(x_i-m_{y_i})^\top`. A tiny 1e-9·I keeps a class
    of one or two points invertible."""
    X = _points(X, "X")
    y = _labels(X, y)
    if not (np.any(y == 0) and np.any(y == 1)):
        raise ValueError("both classes need at least one point.")
    priors = np.array([np.mean(y == 0), np.mean(y == 1)])
    means = np.array([X[y == k].mean(axis=0) for k in (0, 1)])
    resid = X - means[y]
    covs = np.array([resid[y == k].T @ resid[y == k] / np.sum(y == k) for k in (0, 1)])
    if shared:
        pooled = resid.T @ resid / len(X)
        covs = np.array([pooled, pooled])
    covs = covs + 1e-9 * np.eye(2)
    return ClassGaussians(priors, means, covs, bool(shared))


def _log_gauss(X, mean, cov) -> np.ndarray:
    d = X - mean
    sol = np.linalg.solve(cov, d.T).T
    _, logdet = np.linalg.slogdet(cov)
    return -0.5 * np.sum(d * sol, axis=1) - 0.5 * logdet - 0.5 * X.shape[1] * LOG_2PI


def log_odds(model: ClassGaussians, X) -> np.ndarray:
    r""":math:`\log\frac{p(y=1\mid x)}{p(y=0\mid x)} = \log\pi_1 + \log\mathcal N(x; m_1, \Sigma_1)
    - \log\pi_0 - \log\mathcal N(x; m_0, \Sigma_0)` (Bayes' rule, in log space)."""
    X = _points(X)
    return (math.log(model.priors[1]) + _log_gauss(X, model.means[1], model.covs[1])
            - math.log(model.priors[0]) - _log_gauss(X, model.means[0], model.covs[0]))


def gaussian_posterior(model: ClassGaussians, X) -> np.ndarray:
    """p(y = 1 | x) of the generative model, by Bayes' rule."""
    return special.expit(log_odds(model, X))


def lda_weights(model: ClassGaussians) -> tuple[np.ndarray, float]:
    r"""The (w, b) of :math:`p(y=1\mid x) = \operatorname{sigmoid}(w^\top x + b)` implied by a
    shared covariance: :math:`w = \Sigma^{-1}(m_1-m_0)`, :math:`b = -\frac12 m_1^\top\Sigma^{-1}
    m_1 + \frac12 m_0^\top\Sigma^{-1}m_0 + \log\frac{\pi_1}{\pi_0}` (Bishop Eq. 4.66–4.67)."""
    if not model.shared:
        raise ValueError("the posterior is logistic-linear only with a shared covariance.")
    inv = np.linalg.inv(model.covs[0])
    m0, m1 = model.means
    w = inv @ (m1 - m0)
    b = -0.5 * m1 @ inv @ m1 + 0.5 * m0 @ inv @ m0 + math.log(model.priors[1] / model.priors[0])
    return w, float(b)


def logistic_loss(w, b, X, y, ridge: float = 1e-3) -> float:
    r"""Mean negative log-likelihood of logistic regression plus :math:`\tfrac\lambda2\|w\|^2`:
    :math:`\frac1n\sum_i \operatorname{softplus}(-s_i(w^\top x_i + b))`, :math:`s_i = 2y_i-1`."""
    X = _points(X, "X")
    y = _labels(X, y)
    z = X @ np.asarray(w, float) + float(b)
    return float(np.mean(np.logaddexp(0.0, -(2 * y - 1) * z))
                 + 0.5 * ridge * float(np.dot(w, w)))


def fit_logistic(X, y, ridge: float = 1e-3, steps: int = 100) -> tuple[np.ndarray, float]:
    """Logistic regression by maximum likelihood (with the ridge on w, not on b): Newton's
    method from 0, which converges in a few steps on this convex loss."""
    X = _points(X, "X")
    y = _labels(X, y)
    ridge = finite("ridge", ridge)
    A = np.hstack([X, np.ones((len(X), 1))])
    penalty = ridge * np.diag([1.0, 1.0, 0.0])
    theta = np.zeros(3)
    for _ in range(count("steps", steps)):
        p = special.expit(A @ theta)
        grad = A.T @ (p - y) / len(X) + penalty @ theta
        hess = (A * (p * (1 - p))[:, None]).T @ A / len(X) + penalty + 1e-12 * np.eye(3)
        step = np.linalg.solve(hess, grad)
        theta = theta - step
        if np.max(np.abs(step)) < 1e-12:
            break
    return theta[:2], float(theta[2])


def logistic_posterior(w, b, X) -> np.ndarray:
    """p(y = 1 | x) = sigmoid(wᵀx + b)."""
    return special.expit(_points(X) @ np.asarray(w, float) + float(b))


def marginal_posterior(model: ClassGaussians, value: float, observed: int = 0) -> float:
    r"""p(y = 1 | x_observed = value) with the other coordinate **missing**: marginalise it out.
    Each class's marginal is the 1-D Gaussian :math:`\mathcal N(m_{k,o}, \Sigma_{k,oo})`, so

    .. math:: p(y=1\mid x_o) = \frac{\pi_1\mathcal N(x_o; m_{1,o}, \Sigma_{1,oo})}
              {\sum_k \pi_k\mathcal N(x_o; m_{k,o}, \Sigma_{k,oo})}.
    """
    value = finite("value", value)
    if observed not in (0, 1):
        raise ValueError("observed must be 0 (x₁) or 1 (x₂).")
    logs = [math.log(model.priors[k]) - 0.5 * LOG_2PI
            - 0.5 * math.log(model.covs[k][observed, observed])
            - 0.5 * (value - model.means[k][observed]) ** 2 / model.covs[k][observed, observed]
            for k in (0, 1)]
    return float(special.expit(logs[1] - logs[0]))


def sample_model(model: ClassGaussians, n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """n new labelled points from the fitted generative model: y ~ π, then x ~ N(m_y, Σ_y)."""
    n = count("n", n)
    rng = np.random.default_rng(seed)
    y = (rng.random(n) < model.priors[1]).astype(int)
    chol = np.linalg.cholesky(model.covs)
    X = model.means[y] + np.einsum("nij,nj->ni", chol[y], rng.standard_normal((n, 2)))
    return X, y


def accuracy(prob1, y) -> float:
    """Share of points whose more probable class (p ≥ ½ → 1) is their label."""
    return float(np.mean((np.asarray(prob1) >= 0.5).astype(int) == np.asarray(y)))
