r"""Maximum likelihood is minimising :math:`\mathrm{KL}(p_{\text{data}}\,\|\,p_\theta)`.

For any model :math:`p_\theta`, the expected negative log-likelihood splits as

.. math:: E_{p_{\text{data}}}[-\log p_\theta(X)] = H(p_{\text{data}})
          + \mathrm{KL}(p_{\text{data}}\,\|\,p_\theta),

and the entropy does not depend on θ: the two curves over θ are the same curve shifted by a
constant, with the same minimiser. On a sample :math:`x_1..x_n` the average NLL
:math:`-\frac1n\sum_i\log p_\theta(x_i)` estimates the left side (law of large numbers).

Here :math:`p_\text{data}` is a Gaussian mixture and :math:`p_\theta = \mathcal N(\mu, \sigma^2)`,
σ either fixed or *profiled* (for each μ the best σ, :math:`\hat\sigma^2(\mu) =
\frac1n\sum_i(x_i-\mu)^2` on the sample, :math:`v + (\bar m-\mu)^2` for the population). Either
way the minimiser over μ is the sample mean :math:`\bar x` (on the sample) and the mixture mean
:math:`\bar m` (for the KL).

References
----------
K. P. Murphy, "Probabilistic Machine Learning: An Introduction", 2022, §4.2.2 (MLE as KL
minimisation). I. Goodfellow, Y. Bengio, A. Courville, "Deep Learning", 2016, §5.5.
"""

from __future__ import annotations

import math

import numpy as np

from gdm_core.fitting import _mixture as mx
from gdm_core._numeric import count

HALF_LOG_2PI = mx.HALF_LOG_2PI


def _gauss_nll(second_moment, sigma):
    """Average −log N(x; μ, σ²) given the mean of (x − μ)² (an array over μ)."""
    return np.log(sigma) + HALF_LOG_2PI + second_moment / (2 * sigma * sigma)


def likelihood_curves(weights, means, sds, n: int, mus, sigma: float | None = None,
                      seed: int = 0) -> dict:
    """Over the grid ``mus``: the sample's average NLL (``nll``), the population's expected NLL
    (``cross_entropy``), ``kl`` = KL(p_data‖N(μ, σ²)) and the constant ``entropy`` H(p_data), in
    nats; ``sigma=None`` profiles σ (``sigma_sample`` and ``sigma_population`` over μ). Also
    the ``sample``, its mean ``x_bar`` (the NLL's minimiser) and the mixture ``mean`` (the
    KL's)."""
    w, m, s = mx.check_mixture(weights, means, sds)
    n = count("n", n, minimum=2)
    mus = np.asarray(mus, float)
    if mus.ndim != 1 or not np.all(np.isfinite(mus)):
        raise ValueError("mus must be a 1-D array of finite numbers.")
    x = mx.sample(w, m, s, n, seed)
    mean, var = mx.moments(w, m, s)
    h = mx.entropy(w, m, s)
    sample_sq = np.mean((x[None, :] - mus[:, None]) ** 2, axis=1)
    pop_sq = var + (mean - mus) ** 2
    if sigma is None:
        s_sample, s_pop = np.sqrt(sample_sq), np.sqrt(pop_sq)
    else:
        sigma = mx.check_gaussian(0.0, sigma)[1]
        s_sample = s_pop = np.full(mus.shape, sigma)
    nll = _gauss_nll(sample_sq, s_sample)
    cross = _gauss_nll(pop_sq, s_pop)
    return {"mus": mus, "sample": x, "nll": nll, "cross_entropy": cross, "kl": cross - h,
            "entropy": h, "sigma_sample": s_sample, "sigma_population": s_pop,
            "x_bar": float(np.mean(x)), "mean": mean, "var": var}


def coverage(weights, means, sds, mu, sigma, level: float = 0.05) -> dict[str, float]:
    r"""How q = N(μ, σ²) and the mixture p miss each other, exactly (no sampling):

    * ``q_mass_where_p_low`` — q's mass where :math:`p < \text{level}\cdot\max p`: samples of q
      that p would call implausible (a blur between the modes);
    * ``p_mass_where_q_low`` — p's mass where :math:`q < \text{level}\cdot\max q`, i.e.
      :math:`|x-\mu| > \sigma\sqrt{-2\log\text{level}}`: data q almost never produces
      (a missing mode).

    The level set of p is found by bisection (``brentq``) between points of a fine grid.
    """
    from scipy import optimize, special

    w, m, s = mx.check_mixture(weights, means, sds)
    mu, sigma = mx.check_gaussian(mu, sigma)
    lo, hi = float(np.min(m - 12 * s)), float(np.max(m + 12 * s))
    xs = np.union1d(np.linspace(lo, hi, 4001), m)
    lp = mx.logpdf(xs, w, m, s)
    best = xs[np.argmax(lp)]
    peak = -optimize.minimize_scalar(lambda t: -float(mx.logpdf(np.array([t]), w, m, s)[0]),
                                     bracket=(best - 1e-3 * (hi - lo), best,
                                              best + 1e-3 * (hi - lo))).fun
    cut = peak + math.log(level)
    d = lp - cut
    roots = [optimize.brentq(lambda t: float(mx.logpdf(np.array([t]), w, m, s)[0]) - cut,
                             xs[i], xs[i + 1], xtol=1e-13)
             for i in np.nonzero(np.sign(d[:-1]) * np.sign(d[1:]) < 0)[0]]
    # p ≥ cut on [r0, r1] ∪ [r2, r3] ∪ …: q's mass there, by Φ differences
    edges = np.array(roots)
    inside = sum(special.ndtr((b - mu) / sigma) - special.ndtr((a - mu) / sigma)
                 for a, b in zip(edges[0::2], edges[1::2]))
    half = sigma * math.sqrt(-2 * math.log(level))
    p_inside = float(mx.cdf(np.array([mu + half]), w, m, s)[0]
                     - mx.cdf(np.array([mu - half]), w, m, s)[0])
    return {"q_mass_where_p_low": float(min(1.0, max(0.0, 1.0 - inside))),
            "p_mass_where_q_low": float(min(1.0, max(0.0, 1.0 - p_inside)))}
