r"""Two ways to differentiate an expectation over a Gaussian: the score function and the path.

For :math:`L(\mu, \sigma) = \mathbb E_{z\sim\mathcal N(\mu,\sigma^2)}[f(z)]`, with
:math:`z = \mu + \sigma\varepsilon`, :math:`\varepsilon\sim\mathcal N(0, 1)`:

* **score function** (REINFORCE; Williams 1992, Glynn 1990) — needs only values of f:

  .. math:: \nabla L = \mathbb E\big[f(z)\,\nabla\log\mathcal N(z;\mu,\sigma^2)\big],\quad
            \partial_\mu\log\mathcal N = \frac{\varepsilon}{\sigma},\quad
            \partial_\sigma\log\mathcal N = \frac{\varepsilon^2-1}{\sigma};

* **pathwise** (the reparameterisation trick; Kingma & Welling 2014, Sec. 2.4; Rezende,
  Mohamed & Wierstra 2014) — differentiates through the sample:

  .. math:: \partial_\mu L = \mathbb E[f'(z)],\qquad \partial_\sigma L = \mathbb E[f'(z)\,\varepsilon].

Both are unbiased; the pathwise one usually has far smaller variance (Mohamed, Rosca, Figurnov
& Mnih, "Monte Carlo gradient estimation in machine learning", JMLR 21, 2020). Here the
score-function estimator has no baseline or control variate, as in its textbook form.
Both estimators draw ε from ``numpy.random.default_rng(seed)``, so one seed gives both the
same samples. The VAE's own f (:func:`vae_coordinate`) and its derivative are evaluated in
NumPy (the decoder's forward mode); torch is imported only by :func:`pathwise_grad` when it is
asked to differentiate a torch-written f by autograd.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from gdm_core.layers import IMAGE_SIZE, bernoulli_log_likelihood
from gdm_core.numpy_nets import as_numpy


def _check(mu: float, sigma: float, n: int) -> tuple[float, float, int]:
    try:
        mu, sigma = float(mu), float(sigma)
    except (TypeError, ValueError):
        raise ValueError("mu and sigma must be numbers.") from None
    if not math.isfinite(mu):
        raise ValueError(f"mu must be a finite number, got {mu}.")
    if not (math.isfinite(sigma) and sigma > 0):
        raise ValueError(f"sigma must be a positive number, got {sigma}.")
    if int(n) != n or int(n) < 1:
        raise ValueError(f"the number of samples must be a positive integer, got {n}.")
    return mu, sigma, int(n)


def _eps(n: int, seed: int) -> np.ndarray:
    return np.random.default_rng(int(seed)).standard_normal(n)


def _values(f: Callable, z: np.ndarray) -> np.ndarray:
    v = np.asarray(f(z), dtype=np.float64)
    if v.shape != z.shape:
        raise ValueError(f"f must return one value per sample (shape {z.shape}), got {v.shape}.")
    if not np.isfinite(v).all():
        raise ValueError("f returned a value that is not finite.")
    return v


def score_function_grad(f: Callable, mu: float, sigma: float, n: int,
                        seed: int = 0) -> tuple[float, float]:
    r"""Score-function estimate of :math:`(\partial_\mu, \partial_\sigma)\,\mathbb E[f(z)]`
    from n samples: :math:`\frac1n\sum f(z_i)\,\varepsilon_i/\sigma` and
    :math:`\frac1n\sum f(z_i)(\varepsilon_i^2-1)/\sigma`.

    ``f`` maps a NumPy array of samples to an array of values (never differentiated).
    """
    mu, sigma, n = _check(mu, sigma, n)
    eps = _eps(n, seed)
    v = _values(f, mu + sigma * eps)
    return float(np.mean(v * eps) / sigma), float(np.mean(v * (eps * eps - 1)) / sigma)


def pathwise_grad(f: Callable, mu: float, sigma: float, n: int, seed: int = 0, *,
                  df: Callable | None = None) -> tuple[float, float]:
    r"""Pathwise (reparameterisation) estimate of :math:`(\partial_\mu, \partial_\sigma)
    \,\mathbb E[f(z)]`: :math:`\frac1n\sum f'(z_i)` and :math:`\frac1n\sum f'(z_i)\,\varepsilon_i`.

    With ``df`` (f's derivative, on NumPy arrays) it is used directly; without it, f is
    called on a float64 torch tensor :math:`z = \mu + \sigma\varepsilon` and differentiated
    by autograd (f must then be written with torch operations).
    """
    mu, sigma, n = _check(mu, sigma, n)
    eps = _eps(n, seed)
    if df is not None:
        d = _values(df, mu + sigma * eps)
        return float(np.mean(d)), float(np.mean(d * eps))
    import torch  # only for an f written with torch operations, differentiated by autograd

    mu_t = torch.tensor(mu, dtype=torch.float64, requires_grad=True)
    sigma_t = torch.tensor(sigma, dtype=torch.float64, requires_grad=True)
    z = mu_t + sigma_t * torch.from_numpy(eps)
    try:
        out = f(z)
    except Exception as exc:  # noqa: BLE001 - f may be NumPy-only
        raise ValueError(f"f could not be evaluated on a torch tensor ({type(exc).__name__}: "
                         f"{exc}); pass its derivative as df=.") from None
    if not isinstance(out, torch.Tensor) or not out.requires_grad:
        raise ValueError("f must return a torch tensor that depends on z (write it with torch "
                         "operations), or pass its derivative as df=.")
    if out.shape != z.shape:
        raise ValueError(f"f must return one value per sample (shape {tuple(z.shape)}), "
                         f"got {tuple(out.shape)}.")
    out.mean().backward()
    g_mu, g_sigma = float(mu_t.grad), float(sigma_t.grad)
    if not (math.isfinite(g_mu) and math.isfinite(g_sigma)):
        raise ValueError("the gradient of f is not finite at these samples.")
    return g_mu, g_sigma


def quadratic(a: float, b: float, c: float) -> tuple[Callable, Callable]:
    """f(z) = a z² + b z + c and its derivative f'(z) = 2 a z + b (work on NumPy and torch)."""
    return (lambda z: a * z * z + b * z + c), (lambda z: 2 * a * z + b)


def quadratic_grad(a: float, b: float, c: float, mu: float, sigma: float) -> tuple[float, float]:
    r"""The exact gradient for :math:`f(z)=az^2+bz+c`: :math:`\mathbb E f = a(\mu^2+\sigma^2)
    + b\mu + c`, so :math:`\partial_\mu = 2a\mu + b` and :math:`\partial_\sigma = 2a\sigma`."""
    mu, sigma, _ = _check(mu, sigma, 1)
    return 2 * a * mu + b, 2 * a * sigma


def quadratic_variances(a: float, b: float, mu: float, sigma: float) -> dict[str, tuple[float, float]]:
    r"""Exact per-sample variances of the four estimators for :math:`f = az^2+bz+c` with c = 0
    (a closed form for the tests' variance claim): pathwise :math:`\partial_\mu` sample
    :math:`2a(\mu+\sigma\varepsilon)+b` has variance :math:`4a^2\sigma^2`, pathwise
    :math:`\partial_\sigma` sample :math:`(2a\mu+b)\varepsilon + 2a\sigma\varepsilon^2` has
    :math:`(2a\mu+b)^2 + 8a^2\sigma^2`. (Score-function variances depend on c; see the tests.)
    """
    return {"pathwise": (4 * a * a * sigma * sigma, (2 * a * mu + b) ** 2 + 8 * a * a * sigma ** 2)}


def quadrature_grad(f: Callable, mu: float, sigma: float, order: int = 40) -> tuple[float, float]:
    r"""The exact :math:`(\partial_\mu, \partial_\sigma)\,\mathbb E[f(z)]`,
    :math:`z\sim\mathcal N(\mu,\sigma^2)`, by Gauss–Hermite quadrature of the score-function
    identity: :math:`\mathbb E[f(z)\,\varepsilon]/\sigma` and
    :math:`\mathbb E[f(z)(\varepsilon^2-1)]/\sigma` with ``order`` nodes (no sampling).

    Exact for polynomial f of degree up to 2·order − 3; for the VAE's smooth f
    (:func:`vae_coordinate`) orders 10 to 160 agree to 1e-4 (the decoder's float32 noise).
    ``f`` maps a NumPy array of points to values (never differentiated).
    """
    mu, sigma, _ = _check(mu, sigma, 1)
    if int(order) != order or int(order) < 2:
        raise ValueError(f"order must be an integer of at least 2, got {order}.")
    t, w = np.polynomial.hermite.hermgauss(int(order))
    eps = math.sqrt(2.0) * t
    v = _values(f, mu + sigma * eps)
    w = w / math.sqrt(math.pi)
    return float((w * v * eps).sum() / sigma), float((w * v * (eps * eps - 1)).sum() / sigma)


@dataclass(frozen=True)
class EstimatorSpread:
    """Mean and standard deviation over ``repeats`` seeds of both estimators, per n.

    Arrays of shape (len(n), 2): column 0 is ∂/∂μ, column 1 ∂/∂σ.
    """

    n: np.ndarray
    score_mean: np.ndarray
    score_sd: np.ndarray
    path_mean: np.ndarray
    path_sd: np.ndarray


def estimator_spread(f: Callable, mu: float, sigma: float, ns=(1, 3, 10, 30, 100, 300, 1000),
                     repeats: int = 50, seed: int = 0, *,
                     df: Callable | None = None) -> EstimatorSpread:
    """Both estimators at each n in ``ns``, repeated with seeds ``seed, seed+1, …``: their mean
    and spread against the number of samples, for a plot (spread ∝ 1/√n)."""
    _check(mu, sigma, 1)
    ns = np.asarray(sorted({int(v) for v in ns}))
    if len(ns) == 0 or ns[0] < 1:
        raise ValueError("ns must be positive integers.")
    if int(repeats) < 2:
        raise ValueError(f"at least 2 repeats are needed for a spread, got {repeats}.")
    score = np.empty((len(ns), int(repeats), 2))
    path = np.empty_like(score)
    for i, n in enumerate(ns):
        for r in range(int(repeats)):
            score[i, r] = score_function_grad(f, mu, sigma, n, seed + r)
            path[i, r] = pathwise_grad(f, mu, sigma, n, seed + r, df=df)
    return EstimatorSpread(ns, score.mean(1), score.std(1, ddof=1), path.mean(1),
                           path.std(1, ddof=1))


def vae_coordinate(model, x, coord: int = 0) -> tuple[Callable, float, float, Callable]:
    r"""The VAE's own :math:`f(t) = \log p(x \mid z)` along one latent coordinate of a digit.

    :math:`z = \mu(x)` except :math:`z_{\text{coord}} = t`. Returns (f, μ, σ, df): f and its
    derivative

    .. math:: f'(t) = \sum_j \big(x_j - \sigma(\ell_j(z))\big)\,
              \frac{\partial \ell_j}{\partial z_{\text{coord}}}

    (the decoder's forward-mode derivative, ``NumpyNet.decode_with_tangent``) work on NumPy
    arrays, and (μ, σ) are q(z|x)'s mean and standard deviation along that coordinate — so
    ``pathwise_grad(f, mu, sigma, …, df=df)`` is the gradient the VAE's training gets for that
    coordinate of the reconstruction term.
    """
    net = as_numpy(model)
    dim = net.config.latent_dim
    if int(coord) != coord or not 0 <= int(coord) < dim:
        raise ValueError(f"coord must be between 0 and {dim - 1}, got {coord}.")
    coord = int(coord)
    x = np.asarray(x, dtype=np.float32).reshape(-1)
    if x.size != IMAGE_SIZE:
        raise ValueError(f"expected one digit of 784 pixels, got {x.size} values.")
    mu, logvar = net.encode(x[None])
    base, sd = mu[0].astype(np.float64), float(np.exp(0.5 * float(logvar[0, coord])))

    def _z(t):
        t = np.asarray(t, dtype=np.float64)
        z = np.repeat(base[None, :], t.size, axis=0)
        z[:, coord] = t.reshape(-1)
        return t, z

    def f(t):
        t, z = _z(t)
        return bernoulli_log_likelihood(net.decode(z).astype(np.float64), x[None]).reshape(t.shape)

    def df(t):
        t, z = _z(t)
        dz = np.zeros_like(z)
        dz[:, coord] = 1.0
        logits, dlogits = net.decode_with_tangent(z, dz)
        p = 0.5 * (1.0 + np.tanh(0.5 * logits.astype(np.float64)))
        return ((x[None].astype(np.float64) - p) * dlogits).sum(-1).reshape(t.shape)

    return f, float(base[coord]), sd, df


def log_lik_curve(model, x, coord: int = 0, half_width: float = 4.0,
                  n: int = 201) -> tuple[np.ndarray, np.ndarray, float, float]:
    """``vae_coordinate``'s f on an even grid of n points over μ ± half_width·σ:
    (t, log p(x|z(t)), μ, σ)."""
    f, mu, sd, _ = vae_coordinate(model, x, coord)
    if not (math.isfinite(half_width) and half_width > 0) or int(n) < 2:
        raise ValueError("half_width must be positive and n at least 2.")
    t = np.linspace(mu - half_width * sd, mu + half_width * sd, int(n))
    return t, f(t), mu, sd
