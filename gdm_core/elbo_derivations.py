r"""The three derivations of the ELBO, every line with its number, for one digit of a 2-D VAE.

All three arrive at the same bound,

.. math:: \log p(x) \;\ge\; \mathrm{ELBO}(x) =
          \mathbb E_{q(z\mid x)}[\log p(x\mid z)] - \mathrm{KL}\big(q(z\mid x)\,\|\,p(z)\big),

by three routes:

I. **From the encoder's error** (Kingma & Welling 2014, eq. 1–3; Doersch, "Tutorial on
   variational autoencoders", 2016, eq. 2–5): expand KL(q(z|x) ‖ p(z|x)) with Bayes' rule; then
   log p(x) − KL(q ‖ p(z|x)) = ELBO.
II. **Multiplying by q/q inside the expectation** (Bishop, *Pattern Recognition and Machine
    Learning*, 2006, eq. 10.2–10.4): log p(x) = E_q[log p(x, z)/p(z|x)], split as
    E_q[log p(x, z)/q] + KL(q ‖ p(z|x)); the KL is ≥ 0.
III. **Jensen** (Jordan, Ghahramani, Jaakkola & Saul 1999, Sec. 6; Blei, Kucukelbir &
     McAuliffe 2017, eq. 12–13): log p(x) = log E_q[w] with w = p(x, z)/q(z|x) (importance
     sampling), and log E_q[w] ≥ E_q[log w] because the log is concave (``gdm_core.jensen``).

The numbers (nats) come from quadrature, no Monte Carlo: log p(x) and KL(q ‖ p(z|x)) from the
posterior on a grid (``gdm_core.posterior``); every expectation over q of a function of the
decoder, E_q[log p(x|z)], E_q[log w] and log E_q[w], from one Gauss–Hermite rule in q's
coordinates (order 20 per axis; orders 20–80 agree to a few 1e-6 nats, the float32 decoder's
own rounding); E_q[log p(z)], E_q[log q(z|x)] and KL(q ‖ p(z)) in closed form. So log E_q[w] is
a second, independent quadrature of log p(x), and the lines of one derivation that are equal
in algebra agree to about 1e-6 nats.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.special import logsumexp

from gdm_core import posterior
from gdm_core.numpy_nets import as_numpy

LOG_2PI = math.log(2 * math.pi)
ORDER = 20  # Gauss–Hermite points per axis, as ``gdm_app.sections.vae.gap`` uses


@dataclass(frozen=True)
class Terms:
    r"""Every quantity the lines use, for one digit, in nats.

    ``log_px`` log p(x) on the grid; ``log_mean_w`` log E_q[w] by Gauss–Hermite (log p(x) a
    second way); ``mean_log_w`` E_q[log w] by Gauss–Hermite (the ELBO summed directly);
    ``reconstruction`` E_q[log p(x|z)] (Gauss–Hermite); ``e_log_prior`` E_q[log p(z)] and
    ``e_log_q`` E_q[log q(z|x)] = −H(q) (closed forms); ``kl_prior`` KL(q ‖ p(z)) (closed form);
    ``kl_posterior`` KL(q ‖ p(z|x)) and ``e_log_posterior`` E_q[log p(z|x)] summed on the grid;
    ``elbo`` = reconstruction − kl_prior.
    """

    log_px: float
    log_mean_w: float
    mean_log_w: float
    reconstruction: float
    e_log_prior: float
    e_log_q: float
    kl_prior: float
    kl_posterior: float
    e_log_posterior: float
    elbo: float


@dataclass(frozen=True)
class Line:
    """One line of a derivation: ``latex`` (its right-hand side, starting with its relation,
    "=" or "≥", except the first line), ``value`` in nats, ``why`` the step in words."""

    latex: str
    value: float
    why: str


@dataclass(frozen=True)
class Derivation:
    key: str      # "I", "II", "III"
    title: str
    lines: tuple[Line, ...]

    @property
    def final(self) -> float:
        """The value of its last line: the ELBO."""
        return self.lines[-1].value


def _gauss_hermite(mu: np.ndarray, sd: np.ndarray, order: int) -> tuple[np.ndarray, np.ndarray]:
    """Nodes z (order², 2) and weights (order²,) summing to 1 of the product Gauss–Hermite rule
    for E over N(μ, diag σ²): z = μ + √2 σ t, weights w/√π per axis."""
    t, w = np.polynomial.hermite.hermgauss(int(order))
    T1, T2 = np.meshgrid(t, t, indexing="xy")
    z = np.stack([mu[0] + math.sqrt(2) * sd[0] * T1.ravel(),
                  mu[1] + math.sqrt(2) * sd[1] * T2.ravel()], axis=1)
    return z, (np.outer(w, w) / math.pi).ravel()


def terms(model, x, order: int = ORDER, n: int = 48,
          gap: posterior.ElboGap | None = None) -> Terms:
    r"""The quantities of the three derivations for one binary digit x (``vae.model_input``).

    Parameters
    ----------
    model : a VAE with a 2-D latent (NumPy, or a torch VAE, converted).
    x : one binary digit (784,).
    order : Gauss–Hermite points per axis for the expectations over q (order² decodes).
    n : grid points per axis for log p(x) and KL(q ‖ p(z|x)) (``posterior.posterior_grid``).
    gap : ``posterior.elbo_gap(model, x, n=n)`` if already computed.

    Notes
    -----
    With :math:`\log w(z) = \log p(x\mid z) + \log\mathcal N(z; 0, I) - \log q(z\mid x)`,
    :math:`\mathbb E_q[\log w] = \sum_k \omega_k \log w(z_k)` and
    :math:`\log \mathbb E_q[w] = \log\sum_k \omega_k\, w(z_k)` (a log-sum-exp) on the same
    nodes :math:`z_k` and weights :math:`\omega_k`.
    """
    model = as_numpy(model)
    g = gap if gap is not None else posterior.elbo_gap(model, x, n=n, order=order)
    mu, var = g.grid.q_mean, np.diag(g.grid.q_cov)
    sd = np.sqrt(var)
    z, omega = _gauss_hermite(mu, sd, order)
    log_lik = posterior.log_likelihood(model, np.asarray(x, dtype=np.float32).reshape(-1), z)
    log_prior = -0.5 * (z ** 2).sum(1) - LOG_2PI
    log_q = -0.5 * (((z - mu) / sd) ** 2).sum(1) - LOG_2PI - np.log(sd).sum()
    log_w = log_lik + log_prior - log_q
    reconstruction = float(omega @ log_lik)
    e_log_prior = float(-LOG_2PI - 0.5 * np.sum(mu ** 2 + var))
    e_log_q = float(-LOG_2PI - 1.0 - np.log(sd).sum())  # −H(q) of a 2-D Gaussian
    kl_prior = float(0.5 * np.sum(mu ** 2 + var - np.log(var) - 1.0))
    grid = g.grid
    Z1, Z2 = np.meshgrid(grid.z1, grid.z2, indexing="xy")
    q_cells = np.exp(-0.5 * (((Z1 - mu[0]) / sd[0]) ** 2 + ((Z2 - mu[1]) / sd[1]) ** 2)
                     - LOG_2PI - np.log(sd).sum()) * grid.cell
    return Terms(log_px=g.log_px, log_mean_w=float(logsumexp(log_w, b=omega)),
                 mean_log_w=float(omega @ log_w), reconstruction=reconstruction,
                 e_log_prior=e_log_prior, e_log_q=e_log_q, kl_prior=kl_prior,
                 kl_posterior=g.kl_posterior,
                 e_log_posterior=float((q_cells * grid.log_post).sum()), elbo=reconstruction - kl_prior)


# Shorthands of the formulas: q for q(z|x), E for the expectation over it.
_Q = r"q(z\mid x)"
_E = r"\mathbb E_{q}"
_POST = r"p(z\mid x)"


def derivations(t: Terms) -> list[Derivation]:
    """The three derivations' lines with their values (nats), from :func:`terms`.

    Each line's value is computed from its own right-hand side: lines equal in algebra agree
    to quadrature accuracy, and a "≥" line drops by the number the step throws away.
    """
    one = Derivation("I", "From the encoder's error: log p(x) − KL(q ‖ p(z|x))", (
        Line(rf"\mathrm{{KL}}\big({_Q}\,\|\,{_POST}\big) = {_E}\big[\log {_Q} - \log {_POST}\big]",
             t.kl_posterior, "the definition of the KL, summed on the grid"),
        Line(rf"= {_E}\big[\log {_Q} - \log p(x\mid z) - \log p(z)\big] + \log p(x)",
             t.e_log_q - t.reconstruction - t.e_log_prior + t.log_px,
             "Bayes: p(z|x) = p(x|z) p(z) / p(x); log p(x) does not depend on z"),
        Line(rf"= -{_E}\big[\log p(x\mid z)\big] + \mathrm{{KL}}\big({_Q}\,\|\,p(z)\big)"
             r" + \log p(x)",
             -t.reconstruction + t.kl_prior + t.log_px,
             "E_q[log q(z|x) − log p(z)] is the KL to the prior"),
        Line(rf"\Rightarrow\ \log p(x) - \mathrm{{KL}}\big({_Q}\,\|\,{_POST}\big)",
             t.log_px - t.kl_posterior,
             "move the KL to the left: log p(x) minus the encoder's error …"),
        Line(rf"= {_E}\big[\log p(x\mid z)\big] - \mathrm{{KL}}\big({_Q}\,\|\,p(z)\big)"
             r" = \mathrm{ELBO}",
             t.reconstruction - t.kl_prior,
             "… is the ELBO: reconstruction minus KL to the prior; ≤ log p(x) as KL ≥ 0"),
    ))
    two = Derivation("II", "Multiplying by q/q inside the expectation", (
        Line(rf"\log p(x) = {_E}\big[\log p(x)\big]", t.log_px,
             "log p(x) does not depend on z, and q integrates to 1 (on the grid)"),
        Line(rf"= {_E}\Big[\log \frac{{p(x, z)}}{{{_POST}}}\Big]",
             t.reconstruction + t.e_log_prior - t.e_log_posterior,
             "Bayes: p(x) = p(x, z) / p(z|x), for every z (E_q[log p(z|x)] on the grid)"),
        Line(rf"= {_E}\Big[\log \Big(\frac{{p(x, z)}}{{{_Q}}}\cdot\frac{{{_Q}}}{{{_POST}}}\Big)\Big]",
             (t.reconstruction + t.e_log_prior - t.e_log_q) + (t.e_log_q - t.e_log_posterior),
             "multiply by q(z|x)/q(z|x) inside the expectation"),
        Line(rf"= {_E}\Big[\log \frac{{p(x, z)}}{{{_Q}}}\Big]"
             rf" + \mathrm{{KL}}\big({_Q}\,\|\,{_POST}\big)",
             t.reconstruction + t.e_log_prior - t.e_log_q + t.kl_posterior,
             "the log of a product is a sum; the second term is a KL (on the grid)"),
        Line(rf"\ge {_E}\Big[\log \frac{{p(x, z)}}{{{_Q}}}\Big]",
             t.reconstruction + t.e_log_prior - t.e_log_q,
             "drop the KL, which is ≥ 0 (Jensen, above): the step loses exactly it"),
        Line(rf"= {_E}\big[\log p(x\mid z)\big] - \mathrm{{KL}}\big({_Q}\,\|\,p(z)\big)"
             r" = \mathrm{ELBO}",
             t.reconstruction - t.kl_prior,
             "p(x, z) = p(x|z) p(z); E_q[log p(z)/q(z|x)] = −KL(q ‖ p(z))"),
    ))
    three = Derivation("III", "Jensen: the log of an average ≥ the average of the logs", (
        Line(r"\log p(x) = \log \int p(x\mid z)\,p(z)\,dz", t.log_px,
             "the evidence: z integrated out (on the grid)"),
        Line(rf"= \log \int {_Q}\,\frac{{p(x, z)}}{{{_Q}}}\,dz = \log {_E}\big[w(z)\big]",
             t.log_mean_w,
             "multiply by q/q inside the integral: w = p(x, z)/q(z|x), importance sampling "
             "(Gauss–Hermite over q: log p(x) a second way)"),
        Line(rf"\ge {_E}\big[\log w(z)\big]", t.mean_log_w,
             "Jensen: the log is concave; the gap is KL(q ‖ p(z|x)) (Gauss–Hermite over q)"),
        Line(rf"= {_E}\big[\log p(x\mid z)\big] + {_E}\Big[\log\frac{{p(z)}}{{{_Q}}}\Big]",
             t.reconstruction + (t.e_log_prior - t.e_log_q),
             "log w = log p(x|z) + log p(z) − log q(z|x)"),
        Line(rf"= {_E}\big[\log p(x\mid z)\big] - \mathrm{{KL}}\big({_Q}\,\|\,p(z)\big)"
             r" = \mathrm{ELBO}",
             t.reconstruction - t.kl_prior, "the second term is minus the KL to the prior"),
    ))
    return [one, two, three]


def elbo_derivations(model, x, order: int = ORDER, n: int = 48,
                     gap: posterior.ElboGap | None = None) -> tuple[Terms, list[Derivation]]:
    """:func:`terms` and :func:`derivations` for one digit: (terms, [I, II, III])."""
    t = terms(model, x, order=order, n=n, gap=gap)
    return t, derivations(t)
