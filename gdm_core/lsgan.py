r"""The least-squares GAN: its losses, its optimal discriminator and what its generator minimises.

Mao et al. replace the GAN's cross-entropy by squared errors towards *codes*: a discriminator
with a **linear** output (no sigmoid) is pulled towards :math:`b` on real data and towards
:math:`a` on fakes, and the generator pulls its fakes' scores towards :math:`c`:

.. math::
    \min_D\ \tfrac12\,\mathbb{E}_{p_r}\big(D(x) - b\big)^2
          + \tfrac12\,\mathbb{E}_{z}\big(D(G(z)) - a\big)^2, \qquad
    \min_G\ \tfrac12\,\mathbb{E}_{z}\big(D(G(z)) - c\big)^2 .

The page trains the paper's "0-1 coding" :math:`a = 0,\ b = c = 1` (:data:`CODING`). For a
fixed generator the discriminator's loss is minimised pointwise by the weighted mean of the two
codes (Mao et al. 2017, Section 3.2)

.. math:: D^*(x) = \frac{b\,p_r(x) + a\,p_g(x)}{p_r(x) + p_g(x)},

and with :math:`b - c = 1,\ b - a = 2` (:data:`CHI2_CODING`: :math:`a = -1, b = 1, c = 0`) the
generator's loss against :math:`D^*`, plus the term :math:`\tfrac12\mathbb{E}_{p_r}(D^*(x) -
c)^2` that does not depend on G, is half a Pearson :math:`\chi^2` divergence (the paper's
result, Section 3.2):

.. math::
    2C(G) = \int \frac{\big(2p_g(x) - (p_r(x) + p_g(x))\big)^2}{p_r(x) + p_g(x)}\,dx
          = \chi^2_{\rm Pearson}(p_r + p_g \,\|\, 2p_g)
          = \int \frac{(p_r(x) - p_g(x))^2}{p_r(x) + p_g(x)}\,dx,

which is 0 exactly when :math:`p_g = p_r`. (The paper writes the divergence with the first
argument's density in the denominator, as here.)

The two losses use only arithmetic and ``.mean()``, so they take NumPy arrays and torch
tensors alike (the GAN package trains with them; the tests check them by hand on arrays).

References
----------
X. Mao, Q. Li, H. Xie, R. Y. K. Lau, Z. Wang, S. P. Smolley, "Least Squares Generative
Adversarial Networks", ICCV 2017, arXiv:1611.04076 (Section 3.2: the objective, the optimal
discriminator, the Pearson χ² divergence and the 0-1 coding).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from scipy import integrate
from gdm_core.critic import densities_at

CODING = (0.0, 1.0, 1.0)        # (a, b, c): the paper's 0-1 coding, trained on the GAN page
CHI2_CODING = (-1.0, 1.0, 0.0)  # b − c = 1, b − a = 2: the generator minimises Pearson χ²


def discriminator_loss(out_real, out_fake, a: float = CODING[0], b: float = CODING[1]):
    r""":math:`\tfrac12\,\mathbb{E}(D(x) - b)^2 + \tfrac12\,\mathbb{E}(D(G(z)) - a)^2`, the loss
    an LSGAN discriminator minimises, from its linear outputs on real and fake samples.

    Parameters
    ----------
    out_real, out_fake : D's outputs (no sigmoid) on a batch of real and of generated points;
        NumPy arrays or torch tensors.
    a, b : the codes for fake and real data (the paper's 0-1 coding by default).

    References
    ----------
    Mao et al. (2017), Section 3.2.
    """
    return 0.5 * ((out_real - b) ** 2).mean() + 0.5 * ((out_fake - a) ** 2).mean()


def generator_loss(out_fake, c: float = CODING[2], reduce: bool = True):
    r""":math:`\tfrac12\,\mathbb{E}(D(G(z)) - c)^2`, the loss an LSGAN generator minimises;
    ``reduce=False`` gives the term :math:`\tfrac12(D(G(z)) - c)^2` of each sample.

    References
    ----------
    Mao et al. (2017), Section 3.2.
    """
    per = 0.5 * (out_fake - c) ** 2
    return per.mean() if reduce else per


def _densities(x, p_real, p_fake) -> tuple[np.ndarray, np.ndarray]:
    pr, pg = densities_at(x, p_real, p_fake)
    if not (np.isfinite(pr).all() and np.isfinite(pg).all()) or (pr < 0).any() or (pg < 0).any():
        raise ValueError("densities must be finite and non-negative.")
    return pr, pg


def optimal_discriminator(x, p_real, p_fake, a: float = CODING[0], b: float = CODING[1]
                          ) -> np.ndarray:
    r"""The optimal LSGAN discriminator :math:`D^*(x) = \dfrac{b\,p_r(x) + a\,p_g(x)}{p_r(x) +
    p_g(x)}` for a fixed generator.

    At each x the discriminator's loss weighs :math:`\tfrac12 p_r(x)(D - b)^2 + \tfrac12
    p_g(x)(D - a)^2`, a parabola in D whose minimum is this weighted mean of the codes. With the
    0-1 coding it equals the standard GAN's :math:`p_r/(p_r + p_g)`, but reached as a plain
    regression target, with no sigmoid to saturate. Where both densities are 0 every D is
    optimal; we return the midpoint :math:`(a + b)/2` there.

    Parameters
    ----------
    x : points where D* is wanted.
    p_real, p_fake : the densities, as callables of x or as arrays of their values at x.
    a, b : the codes for fake and real data.

    References
    ----------
    Mao et al. (2017), Section 3.2 (the optimal discriminator).
    """
    pr, pg = _densities(x, p_real, p_fake)
    total = pr + pg
    with np.errstate(invalid="ignore", divide="ignore"):
        d = (b * pr + a * pg) / total
    return np.where(total > 0, d, 0.5 * (a + b))


def generator_criterion(p_real: Callable, p_fake: Callable, coding=CHI2_CODING,
                        lo: float = -np.inf, hi: float = np.inf) -> float:
    r""":math:`2C(G) = \mathbb{E}_{p_r}(D^*(x) - c)^2 + \mathbb{E}_{p_g}(D^*(x) - c)^2` for 1-D
    densities, by quadrature: what the generator minimises against the optimal discriminator
    (its own loss, doubled, plus a term that does not depend on G).

    References
    ----------
    Mao et al. (2017), Section 3.2.
    """
    a, b, c = coding

    def integrand(x: float) -> float:
        pr, pg = float(p_real(x)), float(p_fake(x))
        if pr + pg <= 0:
            return 0.0
        d = (b * pr + a * pg) / (pr + pg)
        return (pr + pg) * (d - c) ** 2

    return float(integrate.quad(integrand, lo, hi, limit=200)[0])


def pearson_chi2(p_real: Callable, p_fake: Callable, lo: float = -np.inf,
                 hi: float = np.inf) -> float:
    r"""The divergence of the LSGAN theorem for 1-D densities, by quadrature:
    :math:`\chi^2_{\rm Pearson}(p_r + p_g \,\|\, 2p_g) = \int \frac{(2p_g - (p_r + p_g))^2}
    {p_r + p_g}\,dx = \int \frac{(p_r - p_g)^2}{p_r + p_g}\,dx`.

    References
    ----------
    Mao et al. (2017), Section 3.2 (b − c = 1, b − a = 2).
    """
    def integrand(x: float) -> float:
        pr, pg = float(p_real(x)), float(p_fake(x))
        return 0.0 if pr + pg <= 0 else (pr - pg) ** 2 / (pr + pg)

    return float(integrate.quad(integrand, lo, hi, limit=200)[0])
