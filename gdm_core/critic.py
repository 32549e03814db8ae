r"""What a GAN's discriminator and a WGAN's critic tell the generator (the WGAN paper's Fig. 2).

For real data :math:`p_r` and generated data :math:`p_g` the optimal discriminator of the GAN
game is (Goodfellow et al. 2014, Prop. 1)

.. math:: D^*(x) = \frac{p_r(x)}{p_r(x) + p_g(x)},

and the WGAN critic is a maximiser in the Kantorovich–Rubinstein duality (Villani 2009, Thm 5.10)

.. math:: W_1(p_r, p_g) = \max_{\|f\|_L \le 1}\ \mathbb{E}_{p_r} f - \mathbb{E}_{p_g} f .

When the two distributions are far apart, :math:`D^*` is flat (≈ 0) on the generated samples and
its slope vanishes there, while the critic keeps slope 1 (Arjovsky, Chintala & Bottou 2017,
Fig. 2): :func:`discriminator_vs_critic` computes both, for two Gaussians of equal width, to
relative ~1e-10 however small the numbers get.

References
----------
I. Goodfellow et al., "Generative Adversarial Nets", NeurIPS 2014 (Prop. 1, Section 3).
M. Arjovsky, S. Chintala, L. Bottou, "Wasserstein GAN", ICML 2017 (Figure 2).
C. Villani, "Optimal Transport: Old and New", Springer 2009 (Kantorovich duality).
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
from scipy import integrate, optimize, special

from gdm_core._numeric import INV_SQRT_2PI, count, finite, positive, softplus
from gdm_core.divergences import gaussian_logpdf


def densities_at(x, p_real, p_fake) -> tuple[np.ndarray, np.ndarray]:
    """Two densities at x — each a callable of x or an array of its values — broadcast to one
    shape; ValueError if they cannot be."""
    x = np.asarray(x, dtype=float)
    pr = np.asarray(p_real(x) if callable(p_real) else p_real, dtype=float)
    pg = np.asarray(p_fake(x) if callable(p_fake) else p_fake, dtype=float)
    try:
        return tuple(np.broadcast_arrays(pr, pg))
    except ValueError:
        raise ValueError("p_real and p_fake must have the same shape as x.") from None


def optimal_discriminator(x, p_real, p_fake, log: bool = False) -> np.ndarray:
    r"""The optimal GAN discriminator :math:`D^*(x) = \dfrac{p_r(x)}{p_r(x) + p_g(x)}`.

    Parameters
    ----------
    x : points where D* is wanted.
    p_real, p_fake : the densities, as callables of x or as arrays of their values at x.
    log : if True the densities are given as log-densities, and D* is computed as
        :math:`\sigma(\log p_r - \log p_g)`, which stays exact far in the tails where both
        densities underflow to 0.

    Where both densities are 0 every value of D is optimal (there is nothing to classify); we
    return 1/2 there.

    References
    ----------
    Goodfellow et al. (2014), Proposition 1.
    """
    pr, pg = densities_at(x, p_real, p_fake)
    if np.isnan(pr).any() or np.isnan(pg).any():
        raise ValueError("A density value is not a number.")
    if np.isposinf(pr).any() or np.isposinf(pg).any():
        raise ValueError("A density value is infinite (a point mass): D* is not defined there.")
    if log:
        both_zero = np.isneginf(pr) & np.isneginf(pg)
        diff = np.where(both_zero, 0.0, pr - np.where(both_zero, 0.0, pg))
        return special.expit(diff)
    if (pr < 0).any() or (pg < 0).any():
        raise ValueError("A density cannot be negative.")
    total = pr + pg
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, pr / np.where(total > 0, total, 1.0), 0.5)



def critic_1d(x, cdf_real: Callable, cdf_fake: Callable) -> np.ndarray:
    r"""A 1-Lipschitz Kantorovich potential (WGAN critic) for :math:`W_1` in 1-D, on a grid x.

    Integrating by parts, :math:`E_{P_r} f - E_{P_g} f = \int f'(t)\,(F_g(t) - F_r(t))\,dt`,
    which over :math:`|f'| \le 1` is maximised by :math:`f' = \operatorname{sign}(F_g - F_r)`;
    the maximum is :math:`\int |F_r - F_g| = W_1`. We return
    :math:`f(x) = \int_{x_0}^{x} \operatorname{sign}(F_g - F_r)` (trapezoid rule on the sorted grid),
    defined up to a constant.
    """
    x = np.asarray(x, dtype=float)
    if x.ndim != 1 or len(x) < 2 or np.any(np.diff(x) <= 0) or not np.isfinite(x).all():
        raise ValueError("x must be an increasing grid of at least two finite points.")
    slope = np.sign(np.asarray(cdf_fake(x), float) - np.asarray(cdf_real(x), float))
    steps = 0.5 * (slope[1:] + slope[:-1]) * np.diff(x)
    return np.concatenate([[0.0], np.cumsum(steps)])


def wgan_picture(mu_real: float, mu_fake: float, sigma: float, points: int = 600) -> dict[str, np.ndarray]:
    r"""Everything WGAN's Fig. 2 draws for :math:`N(\mu_r,\sigma^2)` vs :math:`N(\mu_g,\sigma^2)`
    on a grid covering both: the densities, :math:`D^*` (from log-densities, exact in the tails)
    and the critic of :func:`critic_1d`, shifted to 0 midway between the means."""
    mu_r, mu_g, sigma = finite("μ_real", mu_real), finite("μ_fake", mu_fake), positive("σ", sigma)
    points = count("points", points, minimum=2)
    x = np.linspace(min(mu_r, mu_g) - 4 * sigma, max(mu_r, mu_g) + 4 * sigma, points)
    log_r, log_g = gaussian_logpdf(x, mu_r, sigma), gaussian_logpdf(x, mu_g, sigma)
    critic = critic_1d(x, lambda t: special.ndtr((t - mu_r) / sigma), lambda t: special.ndtr((t - mu_g) / sigma))
    critic = critic - np.interp(0.5 * (mu_r + mu_g), x, critic)  # f is only defined up to a constant
    return {"x": x, "p_real": np.exp(log_r), "p_fake": np.exp(log_g),
            "d_star": optimal_discriminator(x, log_r, log_g, log=True), "critic": critic}


def _log_normal_expectation(log_w: Callable[[float], float], dlog_w: Callable[[float], float],
                            lo: float, hi: float, kinks=()) -> float:
    r"""log of :math:`E[w(T)] = \int w(t)\,\varphi(t)\,dt`, :math:`T\sim N(0, 1)`, for a
    log-concave weight w given by its log and the derivative of its log.

    The integrand :math:`g = \log w - t^2/2` is concave, so its mode :math:`t^*` is the root of
    :math:`g'` (bracketed by ``lo`` < ``hi``); quad then integrates :math:`e^{g - g(t^*)}` ≤ 1
    on :math:`t^* \pm 40` (:math:`g'' \le -1`: the rest is below :math:`e^{-800}`) with a purely
    relative tolerance. Integrating the raw integrand instead, as before, met quad's default
    *absolute* tolerance 1.5e-8 long before a relative one when the expectation is ~1e-138,
    and was off by up to 23 %.
    """
    def dg(t):
        return dlog_w(t) - t

    if dg(lo) <= 0:
        mode = lo
    elif dg(hi) >= 0:
        mode = hi
    else:
        mode = optimize.brentq(dg, lo, hi, xtol=1e-14, rtol=1e-15, maxiter=200)
    peak = log_w(mode) - 0.5 * mode * mode
    if not math.isfinite(peak):
        return -math.inf

    def scaled(t):
        return math.exp(log_w(t) - 0.5 * t * t - peak)

    # breakpoints: the mode, a few of its widths away, and where w bends (kinks)
    width = 1.0 / math.sqrt(1.0 + max(0.0, -(dg(mode + 1e-6) - dg(mode - 1e-6)) / 2e-6 - 1.0))
    pts = {mode + j * width for j in (-8, -3, -1, 0, 1, 3, 8)} | {float(c) for c in kinks}
    pts = sorted(p for p in pts if mode - 40.0 < p < mode + 40.0)
    area = integrate.quad(scaled, mode - 40.0, mode + 40.0, points=pts, limit=400,
                          epsabs=0.0, epsrel=1e-12)[0]
    return peak + math.log(area) + math.log(INV_SQRT_2PI)


def discriminator_vs_critic(mu_real: float, mu_fake: float, sigma: float) -> dict[str, float]:
    r"""What the optimal discriminator and the critic tell the generator, on its own samples,
    for :math:`P_r = N(\mu_r,\sigma^2)` vs :math:`P_g = N(\mu_g,\sigma^2)`.

    With equal variances :math:`D^*(x) = \sigma(a(x - c))`, :math:`a = (\mu_r-\mu_g)/\sigma^2`,
    :math:`c = (\mu_r+\mu_g)/2`, so :math:`D^{*\prime} = a\,D^*(1-D^*)`. By the reflection
    about c, which swaps :math:`p_r` and :math:`p_g`,
    :math:`E_g[D^*(1-D^*)] = \tfrac12 E_g[D^*]`, hence
    :math:`E_g|D^{*\prime}| = \frac{|\mu_r-\mu_g|}{2\sigma^2}E_g[D^*]` (checked in the tests,
    both sides integrated separately). The generator's gradient in x with D* held fixed:

    * saturating loss :math:`\log(1 - D^*)` (the minimax game):
      :math:`|\partial_x \log(1-D^*)| = |a|\,D^*`, mean :math:`|a|\,E_g[D^*]` — it vanishes
      with :math:`E_g[D^*]` as the gap grows;
    * non-saturating loss :math:`-\log D^*` (what GANs train with):
      :math:`|\partial_x(-\log D^*)| = |a|(1-D^*)`, mean :math:`|a|(1 - E_g[D^*])`, which tends
      to :math:`|a|`: it keeps a slope.

    The critic is :math:`f(x) = \operatorname{sign}(\mu_r-\mu_g)\,x`, whose slope is 1
    everywhere (0 if the means agree: then nothing needs to move). Expectations are integrated
    in log space (:func:`_log_normal_expectation`), to relative ~1e-10 however small they are.

    Returns
    -------
    dict with ``"disc_grad"`` (:math:`E_{P_g}|D^{*\prime}|`), ``"critic_grad"``,
    ``"disc_on_fake"`` (:math:`E_{P_g} D^*`), ``"gen_grad_saturating"``
    (:math:`E_{P_g}|\partial_x\log(1-D^*)|`), ``"gen_grad_nonsaturating"``
    (:math:`E_{P_g}|\partial_x\log D^*|`) and ``"w1"`` (:math:`|\mu_r-\mu_g|`).
    """
    mu_r, mu_g, sigma = finite("μ_real", mu_real), finite("μ_fake", mu_fake), positive("σ", sigma)
    gap = mu_r - mu_g
    if gap == 0:
        return {"disc_grad": 0.0, "critic_grad": 0.0, "disc_on_fake": 0.5,
                "gen_grad_saturating": 0.0, "gen_grad_nonsaturating": 0.0, "w1": 0.0}
    # log|a| with a = gap/σ², in logs: σ² underflows to 0 for σ = 1e-300 (hostile-input test)
    log_a = math.log(abs(gap)) - 2.0 * math.log(sigma)
    # in t = (x - μ_g)/σ the logit is u = a(x - c) = k (t - k/2), k = gap/σ
    k = gap / sigma
    if abs(k) > 200.0:
        # E_g[D*] < exp(-k²/8) < 1e-2000 and |a| < e^1500: both products underflow to 0
        log_on, log_dd = -math.inf, -math.inf
    else:
        def u(t):
            return k * (t - k / 2.0)

        lo, hi = min(0.0, k) - 1.0, max(0.0, k) + 1.0
        # log D = -softplus(-u), (log D)' = k σ(-u)
        log_on = _log_normal_expectation(lambda t: -softplus(-u(t)),
                                         lambda t: k * special.expit(-u(t)), lo, hi, (k / 2.0,))
        # log D(1-D) = -|u| - 2 softplus(-|u|), (log D(1-D))' = k (1 - 2D)
        log_dd = _log_normal_expectation(
            lambda t: -abs(u(t)) - 2.0 * softplus(-abs(u(t))),
            lambda t: k * (1.0 - 2.0 * special.expit(u(t))), lo, hi, (k / 2.0,))

    def exp_capped(v):  # |a| alone can pass the float range (σ = 5e-324)
        return math.exp(v) if v < 709.0 else math.inf

    on_fake = exp_capped(log_on)
    return {"disc_grad": exp_capped(log_a + log_dd), "critic_grad": 1.0,
            "disc_on_fake": on_fake,
            "gen_grad_saturating": exp_capped(log_a + log_on),
            "gen_grad_nonsaturating": exp_capped(log_a + math.log1p(-on_fake)),
            "w1": abs(gap)}

