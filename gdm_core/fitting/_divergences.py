r"""The four divergences between a 1-D Gaussian mixture p and one Gaussian
:math:`q = \mathcal N(\mu, \sigma^2)`, in nats (W₁ in units of x):

* forward KL, :math:`\mathrm{KL}(p\|q) = -H(p) + \log\sigma + \tfrac12\log 2\pi
  + \frac{v + (\bar m - \mu)^2}{2\sigma^2}` — the cross-entropy of q under p is closed form
  (p's mean :math:`\bar m` and variance v), p's entropy is a number by quadrature;
* reverse KL, :math:`\mathrm{KL}(q\|p) = -\tfrac12\log(2\pi e\sigma^2) - E_q\log p(X)`;
* Jensen–Shannon, :math:`\tfrac12\mathrm{KL}(p\|m) + \tfrac12\mathrm{KL}(q\|m)`,
  :math:`m = (p+q)/2`, with :math:`\log\frac{2p}{p+q} = \log 2 + \log p - \operatorname{logaddexp}
  (\log p, \log q)` (exact in the tails);
* Wasserstein-1, :math:`W_1 = \int |F_p(x) - F_q(x)|\,dx` (1-D optimal transport), with the
  points where :math:`F_p = F_q` added as breakpoints so the kinks of the integrand sit on them.

Every integral is taken on the piecewise Gauss–Legendre grid adapted to p and q
(:func:`gdm_core.fitting._mixture.grid`), accurate to about 1e-10 (checked against
``scipy.integrate.quad`` in ``tests/test_fitting.py``).

References
----------
T. Cover, J. Thomas, "Elements of Information Theory", 2nd ed., 2006, §8 and §2.3.
J. Lin, "Divergence measures based on the Shannon entropy", IEEE Trans. Inf. Theory 37, 1991.
S. S. Vallender, "Calculation of the Wasserstein distance between probability distributions
on the line", Theory Probab. Appl. 18, 1974 (:math:`W_1 = \int|F - G|`).
"""

from __future__ import annotations

import math

import numpy as np
from scipy import special

from gdm_core.fitting import _mixture as mx

DIVERGENCES = ("forward-kl", "reverse-kl", "js", "w1")
# How a page names them
LABELS = {"forward-kl": "forward KL(p‖q)", "reverse-kl": "reverse KL(q‖p)",
          "js": "Jensen–Shannon", "w1": "Wasserstein-1"}
LOG2 = math.log(2.0)


def check_divergence(divergence) -> str:
    if divergence not in DIVERGENCES:
        raise ValueError(f"unknown divergence {divergence!r}: use one of "
                         + ", ".join(repr(d) for d in DIVERGENCES) + ".")
    return divergence


def _forward_kl(w, m, s, mu, sigma, h_p):
    mean, var = mx.moments(w, m, s)
    cross = math.log(sigma) + mx.HALF_LOG_2PI + (var + (mean - mu) ** 2) / (2 * sigma * sigma)
    return cross - h_p


def _reverse_kl(w, m, s, mu, sigma):
    x, wt = mx.grid(w, m, s, mu, sigma)
    lq = mx.normal_logpdf(x, mu, sigma)
    e_log_p = float(np.sum(wt * np.exp(lq) * mx.logpdf(x, w, m, s)))
    return -0.5 * math.log(2 * math.pi * math.e * sigma * sigma) - e_log_p


def _js(w, m, s, mu, sigma):
    x, wt = mx.grid(w, m, s, mu, sigma)
    lp, lq = mx.logpdf(x, w, m, s), mx.normal_logpdf(x, mu, sigma)
    lm = np.logaddexp(lp, lq)
    value = 0.5 * np.sum(wt * np.exp(lp) * (LOG2 + lp - lm)) \
        + 0.5 * np.sum(wt * np.exp(lq) * (LOG2 + lq - lm))
    return float(min(LOG2, max(0.0, value)))


def _w1(w, m, s, mu, sigma):
    pts = mx.breakpoints(list(m) + [mu], list(s) + [sigma])

    def gap(x):
        return mx.cdf(x, w, m, s) - special.ndtr((np.asarray(x, float) - mu) / sigma)

    d = gap(pts)
    flips = np.nonzero(np.sign(d[:-1]) * np.sign(d[1:]) < 0)[0]
    if flips.size:
        # the crossings F_p = F_q, by Newton's method (slope p − q) from the secant's guess,
        # kept inside their brackets: 4 steps take them to ~1e-12, all at once
        a, b = pts[flips], pts[flips + 1]
        r = a - d[flips] * (b - a) / (d[flips + 1] - d[flips])
        for _ in range(4):
            slope = np.exp(mx.logpdf(r, w, m, s)) - np.exp(mx.normal_logpdf(r, mu, sigma))
            with np.errstate(divide="ignore", invalid="ignore"):
                nxt = r - gap(r) / slope
            r = np.where(np.isfinite(nxt) & (nxt > a) & (nxt < b), nxt, r)
        pts = np.unique(np.concatenate([pts, r]))
    x, wt = mx.nodes(pts)
    return float(np.sum(wt * np.abs(gap(x))))


def divergence_value(weights, means, sds, mu, sigma, divergence: str) -> float:
    """D(p, q) for the mixture p (weights, means, sds) and q = N(μ, σ²): nats for the KLs and
    JS, units of x for W₁. ``divergence`` is one of :data:`DIVERGENCES`; ValueError otherwise
    and for any input that is not a valid mixture or Gaussian."""
    w, m, s = mx.check_mixture(weights, means, sds)
    mu, sigma = mx.check_gaussian(mu, sigma)
    return _value(w, m, s, mu, sigma, check_divergence(divergence))


def _value(w, m, s, mu, sigma, divergence, h_p=None) -> float:
    """The unchecked value (the optimiser's objective); ``h_p``: p's entropy if known."""
    if divergence == "forward-kl":
        return _forward_kl(w, m, s, mu, sigma, mx.entropy(w, m, s) if h_p is None else h_p)
    if divergence == "reverse-kl":
        return _reverse_kl(w, m, s, mu, sigma)
    if divergence == "js":
        return _js(w, m, s, mu, sigma)
    return _w1(w, m, s, mu, sigma)


def divergence_surface(weights, means, sds, mus, sigmas, divergence: str) -> np.ndarray:
    """D(p, N(μ, σ²)) on a grid: ``out[i, j]`` at ``(mus[j], sigmas[i])`` (rows are σ)."""
    w, m, s = mx.check_mixture(weights, means, sds)
    divergence = check_divergence(divergence)
    mus, sigmas = np.asarray(mus, float), np.asarray(sigmas, float)
    for mu in mus:
        mx.check_gaussian(mu, 1.0)
    for sigma in sigmas:
        mx.check_gaussian(0.0, sigma)
    h_p = mx.entropy(w, m, s)
    return np.array([[_value(w, m, s, mu, sg, divergence, h_p) for mu in mus] for sg in sigmas])
