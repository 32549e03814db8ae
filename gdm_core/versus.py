r"""Autoencoder vs VAE, measured: what the noise and the KL term change about a 2-D code.

The two models compared were trained as a pair — the same layers, data, recipe and epochs; the
autoencoder has a deterministic code :math:`z = f(x)` and minimises :math:`-\log p(x\mid f(x))`,
the VAE adds the noise of :math:`q(z\mid x)` and the KL term (Kingma & Welling 2014). What
differs is not how well each reconstructs, but what their *code planes* are:

* **where the codes lie** — the VAE's :math:`\mu(x)` are pulled towards :math:`\mathcal N(0, I)`;
  the autoencoder's go wherever training put them (:func:`code_spread`, :func:`prior_coverage`);
* **what a prior draw decodes to** — judged by an independent classifier
  (``gdm_core.classifier``): the class histogram (variety) and the mean top probability
  (legibility) of the decodes of :math:`z\sim\mathcal N(0, I)` (:func:`judged_prior`);
* **what is between codes** — decodes along a straight line between two digits' codes
  (:func:`line_decodes`), and of a code nudged by noise scaled to the model's own spread
  (:func:`scaled_nudge`), so that both models are nudged alike relative to their clouds.

Every function takes either model (for the VAE, "the code" is the posterior mean μ(x)) and
returns NumPy arrays.
"""

from __future__ import annotations

import numpy as np

from gdm_core import autoencoder as ae
from gdm_core.classifier import Classifier, judge


def code_spread(codes) -> np.ndarray:
    """Per-dimension standard deviation of a cloud of codes (N, d) → (d,)."""
    c = np.asarray(codes, dtype=float)
    if c.ndim != 2 or len(c) < 2 or not np.isfinite(c).all():
        raise ValueError(f"expected at least two finite codes (N, d), got {c.shape}.")
    return c.std(axis=0, ddof=1)


def prior_coverage(codes, radius: float) -> float:
    r"""Share of the codes inside the circle :math:`\|z\| \le r` (e.g. the radius holding 90 %
    of :math:`\mathcal N(0, I)`): near the prior's share for a VAE, far from it otherwise."""
    c = np.asarray(codes, dtype=float)
    if c.ndim != 2 or len(c) == 0:
        raise ValueError(f"expected codes (N, d), got {c.shape}.")
    if not radius > 0:
        raise ValueError(f"the radius must be positive, got {radius}.")
    return float((np.linalg.norm(c, axis=1) <= radius).mean())


def judged_prior(model, classifier: Classifier, n: int = 500, seed: int = 0) -> dict:
    r"""Decode ``n`` draws :math:`z\sim\mathcal N(0, I)` (``autoencoder.prior_samples``) and
    let the judge read them: :func:`gdm_core.classifier.judge`'s dict plus ``z`` and
    ``images`` (all n)."""
    z, images = ae.prior_samples(model, n, seed)
    return {**judge(classifier, images), "z": z, "images": images}


def scaled_nudge(model, x, s: float, spread, n: int, seed: int):
    r"""A digit's code moved by noise scaled to the model's own code spread:
    :math:`z_i = c(x) + s\,\sigma \odot \varepsilon_i`, :math:`\varepsilon_i\sim\mathcal N(0, I)`.

    ``spread`` is :func:`code_spread` of the model's codes, so s = 0.2 moves either model by a
    fifth of its cloud's width. Returns (code (d,), z (n, d), images (n, 28, 28)).
    """
    spread = np.asarray(spread, dtype=float)
    if not (np.isfinite(s) and s >= 0):
        raise ValueError(f"the nudge size must be a number ≥ 0, got {s}.")
    if spread.ndim != 1 or not (np.isfinite(spread).all() and (spread > 0).all()):
        raise ValueError("the spread must be positive numbers, one per code dimension.")
    code, z, _ = ae.nudge(model, x, 1.0, n, seed)
    z = code[None, :] + float(s) * spread[None, :] * (z - code[None, :])
    return code, z, ae.decode(model, z)


def line_decodes(model, z_a, z_b, steps: int = 10):
    r"""Decodes of ``steps`` evenly spaced points on the segment from ``z_a`` to ``z_b``:
    :math:`z(t) = (1-t)\,z_a + t\,z_b`. Returns (z (steps, d), images (steps, 28, 28))."""
    if int(steps) < 2:
        raise ValueError(f"a line needs at least 2 points, got {steps}.")
    a, b = np.asarray(z_a, dtype=float), np.asarray(z_b, dtype=float)
    if a.shape != b.shape or a.ndim != 1 or not (np.isfinite(a).all() and np.isfinite(b).all()):
        raise ValueError("the two codes must be finite vectors of one size.")
    t = np.linspace(0.0, 1.0, int(steps))[:, None]
    z = (1 - t) * a + t * b
    return z, ae.decode(model, z)


def verdict(ae_judgement: dict, vae_judgement: dict) -> dict:
    """Which model's prior decodes are more varied and more legible, from two
    :func:`judged_prior` results: ``{"vae_more_even": bool, "vae_more_legible": bool,
    "tv": (ae, vae), "confidence": (ae, vae)}``. Ties count as "not more"."""
    tv = (ae_judgement["tv_uniform"], vae_judgement["tv_uniform"])
    conf = (ae_judgement["confidence"], vae_judgement["confidence"])
    return {"vae_more_even": tv[1] < tv[0], "vae_more_legible": conf[1] > conf[0],
            "tv": tv, "confidence": conf}
