r"""A 1-D Gaussian mixture :math:`p(x) = \sum_k w_k\,\mathcal N(x; m_k, s_k^2)`: input checks,
log-density, CDF, moments, sampling, and a quadrature grid adapted to a set of Gaussians.

The quadrature is piecewise Gauss–Legendre: every Gaussian :math:`\mathcal N(c, s^2)` that
matters (the mixture's components and the model q) contributes breakpoints
:math:`c + s\,t`, :math:`t \in [-12, 12]` in steps of 0.5, and each interval between two
consecutive breakpoints gets :data:`ORDER` Gauss–Legendre nodes. Beyond 12 standard deviations
a density is below :math:`e^{-72}`: smooth integrands (densities times logarithms of densities)
are then integrated to about :math:`10^{-12}` whatever the widths are.

References
----------
G. H. Golub, J. H. Welsch, "Calculation of Gauss quadrature rules", Math. Comp. 23, 1969.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import special

from gdm_core._numeric import finite

SUM_TOL = 1e-9   # how far the weights may sum from 1
SPAN = 12.0      # breakpoints cover ± SPAN standard deviations of every Gaussian
STEP = 0.5       # … every STEP standard deviations
ORDER = 8        # Gauss–Legendre nodes per interval
_T = np.arange(-SPAN, SPAN + STEP / 2, STEP)
_GL_X, _GL_W = np.polynomial.legendre.leggauss(ORDER)
HALF_LOG_2PI = 0.5 * math.log(2 * math.pi)


def _vector(name: str, values) -> np.ndarray:
    try:
        arr = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a list of numbers, got {values!r}.") from None
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(f"{name} must be a non-empty list of numbers, got {values!r}.")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must hold finite numbers, got {arr.tolist()}.")
    return arr


def check_mixture(weights, means, sds) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The mixture's parameters as float arrays, or a ``ValueError`` that says what is wrong:
    lengths that differ, a value that is not a finite number, a negative weight, weights that
    do not sum to 1 (within :data:`SUM_TOL`), a standard deviation that is not positive."""
    w, m, s = _vector("weights", weights), _vector("means", means), _vector("sds", sds)
    if not (w.size == m.size == s.size):
        raise ValueError(f"weights, means and sds must have the same length, got "
                         f"{w.size}, {m.size} and {s.size}.")
    if np.any(w < 0):
        raise ValueError(f"weights must be ≥ 0, got {w.tolist()}.")
    if abs(w.sum() - 1.0) > SUM_TOL:
        raise ValueError(f"weights must sum to 1, got {w.tolist()} (sum {w.sum():.12g}).")
    if np.any(s <= 0):
        raise ValueError(f"sds must be positive (standard deviations > 0), got {s.tolist()}.")
    return w, m, s


def check_gaussian(mu, sigma) -> tuple[float, float]:
    """(μ, σ) of the model q as floats, or ValueError (σ must be > 0)."""
    mu, sigma = finite("μ", mu), finite("σ", sigma)
    if sigma <= 0:
        raise ValueError(f"σ must be positive (a standard deviation > 0), got {sigma}.")
    return mu, sigma


def normal_logpdf(x, mu: float, sigma: float) -> np.ndarray:
    """log N(x; μ, σ²)."""
    z = (np.asarray(x, float) - mu) / sigma
    return -0.5 * z * z - np.log(sigma) - HALF_LOG_2PI


def logpdf(x, w, m, s) -> np.ndarray:
    r""":math:`\log p(x) = \operatorname{logsumexp}_k\,[\log w_k + \log\mathcal N(x; m_k, s_k^2)]`,
    exact far in the tails (no density underflows to 0)."""
    x = np.asarray(x, float)
    with np.errstate(divide="ignore"):
        logw = np.log(w)
    parts = logw[:, None] + normal_logpdf(x.ravel()[None, :], m[:, None], s[:, None])
    if len(w) == 1:
        return parts[0].reshape(x.shape)
    top = parts.max(axis=0)  # a log-sum-exp by hand: scipy's costs 10× more on 1,000 points
    return (top + np.log(np.exp(parts - top).sum(axis=0))).reshape(x.shape)


def cdf(x, w, m, s) -> np.ndarray:
    r""":math:`F_p(x) = \sum_k w_k\,\Phi((x - m_k)/s_k)`."""
    x = np.asarray(x, float)
    return (w[:, None] * special.ndtr((x.ravel()[None, :] - m[:, None]) / s[:, None])
            ).sum(axis=0).reshape(x.shape)


def moments(w, m, s) -> tuple[float, float]:
    r"""Mean and variance: :math:`\bar m = \sum_k w_k m_k`,
    :math:`v = \sum_k w_k (s_k^2 + m_k^2) - \bar m^2` (law of total variance)."""
    mean = float(np.dot(w, m))
    var = float(np.dot(w, s * s + (m - mean) ** 2))
    return mean, var


def sample(w, m, s, n: int, seed: int = 0) -> np.ndarray:
    """n draws from the mixture (component by ``rng.choice``, then its Gaussian), seeded."""
    rng = np.random.default_rng(seed)
    k = rng.choice(len(w), size=n, p=w / w.sum())
    return m[k] + s[k] * rng.standard_normal(n)


def breakpoints(centres, scales) -> np.ndarray:
    """Sorted breakpoints ``c + s·t``, t ∈ [−12, 12] every 0.5, over all the Gaussians given."""
    c, sc = np.asarray(centres, float), np.asarray(scales, float)
    return np.unique((c[:, None] + sc[:, None] * _T[None, :]).ravel())


def nodes(points) -> tuple[np.ndarray, np.ndarray]:
    """Gauss–Legendre nodes and weights on every interval between consecutive ``points``."""
    a, b = points[:-1], points[1:]
    keep = b > a
    a, b = a[keep], b[keep]
    half, mid = (b - a) / 2, (a + b) / 2
    x = (mid[:, None] + half[:, None] * _GL_X[None, :]).ravel()
    wt = (half[:, None] * _GL_W[None, :]).ravel()
    return x, wt


def grid(w, m, s, mu: float | None = None, sigma: float | None = None):
    """Quadrature nodes and weights adapted to p's components (and to q = N(μ, σ²) if given)."""
    centres, scales = list(m), list(s)
    if mu is not None:
        centres.append(mu)
        scales.append(sigma)
    return nodes(breakpoints(centres, scales))


def entropy(w, m, s) -> float:
    r"""Differential entropy :math:`H(p) = -\int p\log p` (nats), by the adapted quadrature."""
    x, wt = grid(w, m, s)
    lp = logpdf(x, w, m, s)
    return float(-np.sum(wt * np.exp(lp) * lp))
