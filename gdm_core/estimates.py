"""Monte Carlo figures for one digit, reported with their spread.

The ELBO's reconstruction term and the importance-weighted bound are *estimates*: the
ordering ELBO ≤ IW bound (k) ≤ log p(x) holds for their expectations, not for every draw
(Burda, Grosse & Salakhutdinov, ICLR 2016, Theorem 1). A page that shows one draw beside the
inequality must show the spread too; these functions return both.
"""

from __future__ import annotations

import numpy as np

from gdm_core import vae
from gdm_core.numpy_nets import as_numpy


def bernoulli_sample(means: np.ndarray, seed: int) -> np.ndarray:
    r"""A binary image :math:`x \sim \prod_i \mathrm{Bernoulli}(p_i)` per mean image ``means``.

    What the decoder's likelihood actually generates; the mean image :math:`\mathbb E[x|z] = p`
    is what a VAE page usually shows.
    """
    means = np.asarray(means, float)
    if not np.all((means >= 0) & (means <= 1)):
        raise ValueError("Bernoulli means must lie in [0, 1].")
    return (np.random.default_rng(seed).random(means.shape) < means).astype(np.float32)


def digit_bounds(model, x, samples: int, k: int, seed: int,
                 repeats: int = 5) -> dict[str, float]:
    r"""ELBO terms and the IW bound for one digit ``x`` (1, 784), each with its spread.

    The reconstruction term averages ``samples`` draws of z; the KL is exact. The IW bound with
    ``k`` importance samples is estimated ``repeats`` times with independent draws. Returns
    means and standard deviations (over the repeats; for the reconstruction term, the standard
    error of the mean of its ``samples`` draws), all in nats. The draws come from
    ``numpy.random.default_rng(seed)`` (one generator for the ELBO, one for the IW repeats).
    """
    x = np.asarray(x, dtype=np.float32)
    if x.ndim != 2 or len(x) != 1:
        raise ValueError(f"expected one digit of shape (1, 784), got {tuple(x.shape)}.")
    if repeats < 2:
        raise ValueError("a spread needs at least two repeats.")
    model = as_numpy(model)
    rec_draws, kl = vae.elbo_estimate(model, np.repeat(x, samples, axis=0), samples=1, seed=seed)
    rng = np.random.default_rng(int(seed))
    iw = np.array([float(vae.iw_bound(model, x, k=k, rng=rng)[0]) for _ in range(repeats)])
    rec_se = float(rec_draws.std(ddof=1) / np.sqrt(samples)) if samples > 1 else float("nan")
    return {"rec": float(rec_draws.mean()), "rec_se": rec_se, "kl": float(kl[0]),
            "elbo": float(rec_draws.mean() - kl[0]), "iw": float(iw.mean()),
            "iw_sd": float(iw.std(ddof=1)), "iw_first": float(iw[0]), "repeats": repeats}
