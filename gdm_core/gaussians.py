r"""Multivariate Gaussians: KL in closed form, marginals, conditionals, and heavy tails.

The VAE's KL term is the special case :math:`\mathrm{KL}(\mathcal N(\mu, \operatorname{diag}
\sigma^2)\,\|\,\mathcal N(0, I))` of :func:`kl_mvn`; :func:`marginal` and :func:`condition` are
the two operations that keep a Gaussian Gaussian (Bishop, *Pattern Recognition and Machine
Learning*, 2006, Sec. 2.3.1–2.3.2). :func:`kl_cauchy_normal` and :func:`kl_normal_cauchy` show
that KL can be infinite although both densities are positive everywhere.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import integrate


def _vector(mu, name: str = "mean") -> np.ndarray:
    mu = np.asarray(mu, dtype=np.float64)
    if mu.ndim != 1 or mu.size == 0:
        raise ValueError(f"the {name} must be a non-empty vector, got shape {mu.shape}.")
    if not np.isfinite(mu).all():
        raise ValueError(f"the {name} must be finite.")
    return mu


def _cov(cov, k: int, name: str = "covariance") -> tuple[np.ndarray, np.ndarray]:
    """(cov, its Cholesky factor); ValueError if not a finite, symmetric, positive-definite k×k."""
    cov = np.asarray(cov, dtype=np.float64)
    if cov.shape != (k, k):
        raise ValueError(f"the {name} must be {k}×{k} to match the mean, got shape {cov.shape}.")
    if not np.isfinite(cov).all():
        raise ValueError(f"the {name} must be finite.")
    if not np.allclose(cov, cov.T, rtol=1e-10, atol=1e-12 * np.abs(cov).max(initial=1.0)):
        raise ValueError(f"the {name} must be symmetric.")
    try:
        chol = np.linalg.cholesky(cov)
    except np.linalg.LinAlgError:
        raise ValueError(f"the {name} must be positive definite.") from None
    return cov, chol


def _base_log(base: float) -> float:
    if not (isinstance(base, (int, float)) and math.isfinite(base) and base > 0 and base != 1):
        raise ValueError(f"the logarithm's base must be positive and not 1, got {base}.")
    return math.log(base)


def kl_mvn(mu0, cov0, mu1, cov1, *, base: float = math.e) -> float:
    r"""KL(N(μ₀, Σ₀) ‖ N(μ₁, Σ₁)) in closed form (nats by default; ``base=2`` for bits).

    .. math::
        \mathrm{KL} = \tfrac12\Big[\operatorname{tr}(\Sigma_1^{-1}\Sigma_0)
        + (\mu_1-\mu_0)^\top \Sigma_1^{-1} (\mu_1-\mu_0) - k
        + \ln\det\Sigma_1 - \ln\det\Sigma_0\Big]

    Computed with Cholesky factors (log-determinants as :math:`2\sum\ln L_{ii}`, solves instead
    of inverses). Raises ValueError for mis-shaped, non-finite, non-symmetric or non-PD input.

    References
    ----------
    Bishop (2006), Exercise 2.13; Kullback, *Information Theory and Statistics* (1959).
    """
    mu0, mu1 = _vector(mu0, "first mean"), _vector(mu1, "second mean")
    if mu0.shape != mu1.shape:
        raise ValueError(f"the two means differ in size: {mu0.shape} and {mu1.shape}.")
    k = mu0.size
    cov0, l0 = _cov(cov0, k, "first covariance")
    cov1, l1 = _cov(cov1, k, "second covariance")
    from scipy.linalg import solve_triangular

    a = solve_triangular(l1, l0, lower=True)  # L1⁻¹ L0: tr(Σ1⁻¹Σ0) = ‖L1⁻¹L0‖²_F
    b = solve_triangular(l1, mu1 - mu0, lower=True)
    logdet = 2 * (np.log(np.diag(l1)).sum() - np.log(np.diag(l0)).sum())
    kl = 0.5 * (np.sum(a * a) + np.sum(b * b) - k + logdet)
    return float(max(kl, 0.0)) / _base_log(base)


def kl_vae(mu, logvar, *, base: float = math.e) -> float:
    r"""The VAE's KL term, KL(N(μ, diag e^{log σ²}) ‖ N(0, I)), as the special case of
    :func:`kl_mvn` (equals ``vae.gaussian_kl``: :math:`\tfrac12\sum_j(\mu_j^2+\sigma_j^2-\log
    \sigma_j^2-1)`; Kingma & Welling 2014, Appendix B)."""
    mu = _vector(mu)
    logvar = _vector(logvar, "log-variance")
    if logvar.shape != mu.shape:
        raise ValueError("the mean and the log-variances must have one size.")
    k = mu.size
    return kl_mvn(mu, np.diag(np.exp(logvar)), np.zeros(k), np.eye(k), base=base)


def _index(idx, k: int, name: str) -> np.ndarray:
    idx = np.atleast_1d(np.asarray(idx))
    if idx.size == 0 or not np.issubdtype(idx.dtype, np.integer) or idx.ndim != 1:
        raise ValueError(f"{name} must be a non-empty list of integer positions.")
    if idx.min() < 0 or idx.max() >= k or len(set(idx.tolist())) != idx.size:
        raise ValueError(f"{name} must hold distinct positions between 0 and {k - 1}, got "
                         f"{idx.tolist()}.")
    return idx


def marginal(mu, cov, idx) -> tuple[np.ndarray, np.ndarray]:
    r"""The marginal of the coordinates ``idx``: :math:`\mathcal N(\mu_a, \Sigma_{aa})`
    (Bishop 2006, eq. 2.98) — just the sub-vector and the sub-matrix."""
    mu = _vector(mu)
    cov, _ = _cov(cov, mu.size)
    a = _index(idx, mu.size, "idx")
    return mu[a].copy(), cov[np.ix_(a, a)].copy()


def condition(mu, cov, idx_a, idx_b, x_b) -> tuple[np.ndarray, np.ndarray]:
    r"""The conditional of the coordinates a given :math:`x_b` (Bishop 2006, eq. 2.81–2.82):

    .. math::
        \hat\mu_a = \mu_a + \Sigma_{ab}\Sigma_{bb}^{-1}(x_b-\mu_b),\qquad
        \hat\Sigma_a = \Sigma_{aa} - \Sigma_{ab}\Sigma_{bb}^{-1}\Sigma_{ba}

    (the Schur complement). ``idx_a`` and ``idx_b`` must not overlap.
    """
    mu = _vector(mu)
    cov, _ = _cov(cov, mu.size)
    a, b = _index(idx_a, mu.size, "idx_a"), _index(idx_b, mu.size, "idx_b")
    if set(a.tolist()) & set(b.tolist()):
        raise ValueError("idx_a and idx_b must not share a coordinate.")
    x_b = _vector(np.atleast_1d(x_b), "observed value")
    if x_b.shape != b.shape:
        raise ValueError(f"x_b must have one value per index in idx_b ({b.size}), got {x_b.size}.")
    s_ab, s_bb = cov[np.ix_(a, b)], cov[np.ix_(b, b)]
    gain = np.linalg.solve(s_bb, s_ab.T).T  # Σ_ab Σ_bb⁻¹
    mean = mu[a] + gain @ (x_b - mu[b])
    c = cov[np.ix_(a, a)] - gain @ s_ab.T
    return mean, 0.5 * (c + c.T)


def logpdf(x, mu, cov) -> np.ndarray:
    r""":math:`\log\mathcal N(x;\mu,\Sigma)` at each row of x (N, k) (or one x (k,))."""
    mu = _vector(mu)
    cov, chol = _cov(cov, mu.size)
    x = np.asarray(x, dtype=np.float64)
    single = x.ndim == 1
    x = np.atleast_2d(x)
    if x.shape[1] != mu.size:
        raise ValueError(f"points must have {mu.size} coordinates, got {x.shape[1]}.")
    from scipy.linalg import solve_triangular

    y = solve_triangular(chol, (x - mu).T, lower=True)
    out = (-0.5 * np.sum(y * y, axis=0) - np.log(np.diag(chol)).sum()
           - 0.5 * mu.size * math.log(2 * math.pi))
    return out[0] if single else out


def density_grid_2d(mu, cov, n: int = 101, lim: float | None = None):
    r"""A 2-D Gaussian's density on an n×n grid: (x, y, density) with density[i, j] at
    (x[j], y[i]). The square is centred on μ with half-width ``lim`` (default 3.5 times the
    larger standard deviation)."""
    mu = _vector(mu)
    if mu.size != 2:
        raise ValueError(f"a 2-D density grid needs a 2-D Gaussian, got dimension {mu.size}.")
    cov, _ = _cov(cov, 2)
    if int(n) < 2:
        raise ValueError(f"the grid needs at least 2 points per axis, got {n}.")
    half = 3.5 * math.sqrt(max(cov[0, 0], cov[1, 1])) if lim is None else float(lim)
    if not (math.isfinite(half) and half > 0):
        raise ValueError(f"lim must be a positive number, got {lim}.")
    x = np.linspace(mu[0] - half, mu[0] + half, int(n))
    y = np.linspace(mu[1] - half, mu[1] + half, int(n))
    X, Y = np.meshgrid(x, y, indexing="xy")
    d = np.exp(logpdf(np.stack([X.ravel(), Y.ravel()], 1), mu, cov)).reshape(len(y), len(x))
    return x, y, d


def kl_monte_carlo(mu0, cov0, mu1, cov1, n: int = 10_000, seed: int = 0, *,
                   base: float = math.e) -> tuple[float, float]:
    r"""Monte Carlo :math:`\frac1n\sum_i[\log p_0(x_i) - \log p_1(x_i)]`, :math:`x_i\sim p_0`,
    with its standard error: the estimate and the error bar, for comparison with
    :func:`kl_mvn` (seeded NumPy generator)."""
    mu0 = _vector(mu0, "first mean")
    cov0, chol0 = _cov(cov0, mu0.size, "first covariance")
    if int(n) < 2:
        raise ValueError(f"at least 2 samples are needed, got {n}.")
    x = mu0 + np.random.default_rng(int(seed)).standard_normal((int(n), mu0.size)) @ chol0.T
    d = (logpdf(x, mu0, cov0) - logpdf(x, mu1, cov1)) / _base_log(base)
    return float(d.mean()), float(d.std(ddof=1) / math.sqrt(len(d)))


def _check_scale(value: float, name: str) -> float:
    if not (isinstance(value, (int, float, np.floating)) and math.isfinite(value) and value > 0):
        raise ValueError(f"{name} must be a positive number, got {value}.")
    return float(value)


def _check_loc(value: float, name: str) -> float:
    if not (isinstance(value, (int, float, np.floating)) and math.isfinite(value)):
        raise ValueError(f"{name} must be a finite number, got {value}.")
    return float(value)


def kl_cauchy_normal(loc: float = 0.0, scale: float = 1.0, mu: float = 0.0,
                     sigma: float = 1.0) -> tuple[float, str]:
    r"""KL(Cauchy(loc, scale) ‖ N(μ, σ²)) = ∞, and why, as (math.inf, reason).

    .. math::
        \mathrm{KL} = \mathbb E_C[\log c(x)] - \mathbb E_C[\log \mathcal N(x;\mu,\sigma^2)]
        = -\log(4\pi\gamma) + \tfrac12\log(2\pi\sigma^2)
          + \frac{\mathbb E_C[(x-\mu)^2]}{2\sigma^2} = \infty

    since the Cauchy's tails :math:`c(x)\sim\gamma/(\pi x^2)` make :math:`\mathbb E_C[x^2]`
    diverge — although both densities are positive everywhere. (The Cauchy's entropy
    :math:`\log(4\pi\gamma)` is finite.)
    """
    _check_loc(loc, "loc"), _check_scale(scale, "scale")
    _check_loc(mu, "mu"), _check_scale(sigma, "sigma")
    return math.inf, ("infinite: under the Cauchy, E[(x − μ)²] = ∫ (x − μ)² γ / (π((x − x₀)² + "
                      "γ²)) dx diverges (its tails fall only like 1/x²), and −log N(x; μ, σ²) "
                      "grows like x²/(2σ²), so the expected log-ratio is +∞ although both "
                      "densities are positive everywhere.")


def kl_normal_cauchy(mu: float = 0.0, sigma: float = 1.0, loc: float = 0.0,
                     scale: float = 1.0, *, base: float = math.e) -> float:
    r"""KL(N(μ, σ²) ‖ Cauchy(loc, scale)), finite; by quadrature (``scipy.integrate.quad``).

    .. math::
        \mathrm{KL} = -\tfrac12\log(2\pi e\sigma^2) + \log(\pi\gamma)
        + \mathbb E_{\mathcal N}\Big[\log\Big(1 + \big(\tfrac{x-x_0}{\gamma}\big)^2\Big)\Big]

    The Gaussian's tails are light, so the logarithmic growth of −log c(x) costs little:
    the expectation is finite. The one integral is done in the Gaussian's own coordinate
    :math:`x = \mu + \sigma t` over t ∈ (−∞, ∞).

    References
    ----------
    Cover & Thomas, *Elements of Information Theory* (2006), Sec. 8.6 (entropies) and 2.3.
    """
    mu, sigma = _check_loc(mu, "mu"), _check_scale(sigma, "sigma")
    loc, scale = _check_loc(loc, "loc"), _check_scale(scale, "scale")

    log_scale, log_sigma = math.log(scale), math.log(sigma)
    t0 = (loc - mu) / sigma  # the Cauchy's centre in the Gaussian's coordinate (may be ±inf)

    def log1p_u2(t: float) -> float:
        # log(1 + u²), u = (x − x₀)/γ, in logarithms so that no extreme μ, σ, γ overflows.
        if math.isfinite(t0):
            d = abs(t - t0)
            if d == 0.0:
                return 0.0
            log_u = log_sigma + math.log(d) - log_scale
        else:  # σ is negligible beside |μ − x₀|: x ≈ μ for every t that matters
            log_u = math.log(abs(mu - loc)) - log_scale
        if log_u > 20:
            return 2 * log_u + math.log1p(math.exp(-2 * log_u))
        return math.log1p(math.exp(2 * log_u))

    def integrand(t: float) -> float:
        w = math.exp(-0.5 * t * t) / math.sqrt(2 * math.pi)
        return 0.0 if w == 0.0 else w * log1p_u2(t)

    # Split at the Cauchy's centre (a kink of curvature there when σ ≫ γ).
    split = t0 if math.isfinite(t0) and abs(t0) < 40 else 0.0
    parts = [integrate.quad(integrand, -np.inf, split, epsabs=1e-13, epsrel=1e-12, limit=200),
             integrate.quad(integrand, split, np.inf, epsabs=1e-13, epsrel=1e-12, limit=200)]
    expectation = sum(p[0] for p in parts)
    kl = (-0.5 * math.log(2 * math.pi * math.e) - log_sigma + math.log(math.pi) + log_scale
          + expectation)
    return kl / _base_log(base)


def cauchy_normal_densities(x, mu: float = 0.0, sigma: float = 1.0, loc: float = 0.0,
                            scale: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """The two densities at points x, for a figure: (normal, cauchy)."""
    x = np.asarray(x, dtype=np.float64)
    mu, sigma = _check_loc(mu, "mu"), _check_scale(sigma, "sigma")
    loc, scale = _check_loc(loc, "loc"), _check_scale(scale, "scale")
    normal = np.exp(-0.5 * ((x - mu) / sigma) ** 2) / (sigma * math.sqrt(2 * math.pi))
    cauchy = scale / (math.pi * ((x - loc) ** 2 + scale ** 2))
    return normal, cauchy
