r"""What the conditional-VAE tab shows, as plain functions of a :class:`ConditionalNet`."""

from __future__ import annotations

import numpy as np

from gdm_core.cvae._net import N_CLASSES, ConditionalNet
from gdm_core.vae import _sigmoid, elbo_terms, latent_grid


def _digit(digit) -> int:
    if isinstance(digit, bool) or not isinstance(digit, (int, np.integer)) or not 0 <= digit < 10:
        raise ValueError(f"the digit must be a whole number from 0 to 9, got {digit!r}.")
    return int(digit)


def decode_digit(net: ConditionalNet, z, digit: int) -> np.ndarray:
    r"""Mean images :math:`\sigma(\ell(z, y))` (N, 28, 28) in [0, 1] of digit ``y`` at latent
    points z (N, d): the grey picture the decoder draws for this style and this label."""
    z = np.asarray(z, np.float32).reshape(-1, net.config.latent_dim)
    labels = np.full(len(z), _digit(digit))
    return _sigmoid(net.decode(z, labels)).reshape(-1, 28, 28)


def style_plane(net: ConditionalNet, digit: int, n: int = 12) -> tuple[np.ndarray, np.ndarray]:
    """An n×n grid of style codes (equal prior mass per cell, as ``vae.latent_grid``) and the
    decoded digit at each: (z (n², 2), images (n², 28, 28)); rows from high z₂ to low."""
    z = latent_grid(n)
    return z, decode_digit(net, z, digit)


def one_style_all_digits(net: ConditionalNet, z) -> np.ndarray:
    """The same style code z (d,) decoded as each of the ten digits: images (10, 28, 28)."""
    z = np.asarray(z, np.float32).reshape(1, -1)
    if z.shape[1] != net.config.latent_dim or not np.isfinite(z).all():
        raise ValueError(f"the style code must be {net.config.latent_dim} finite numbers.")
    zs = np.repeat(z, N_CLASSES, axis=0)
    return _sigmoid(net.decode(zs, np.arange(N_CLASSES))).reshape(-1, 28, 28)


def conditional_samples(net: ConditionalNet, per_digit: int, seed: int = 0):
    r"""``per_digit`` prior draws z ~ N(0, I) for each label 0–9, decoded as that label:
    (labels (10·per_digit,), images (10·per_digit, 28, 28)); z from ``default_rng(seed)``."""
    if per_digit < 1:
        raise ValueError(f"at least one sample per digit, got {per_digit}.")
    z = np.random.default_rng(int(seed)).standard_normal(
        (N_CLASSES * per_digit, net.config.latent_dim)).astype(np.float32)
    labels = np.repeat(np.arange(N_CLASSES), per_digit)
    return labels, _sigmoid(net.decode(z, labels)).reshape(-1, 28, 28)


def label_agreement(net: ConditionalNet, classifier, per_digit: int = 100, seed: int = 0) -> dict:
    r"""How often the independent judge (``gdm_core.classifier``) reads a sample as the digit
    that was asked for: the conditional analogue of a classifier-based check of samples
    (the "classification accuracy score" idea of Ravuri & Vinyals, NeurIPS 2019, read the
    other way round).

    Returns ``n``, ``per_digit`` (10,) shares, ``overall`` share, its binomial standard
    error ``overall_se`` and its 95 % Wilson score interval ``overall_ci95`` (Wilson 1927; it
    stays honest at 0 % and 100 %, where the standard error is 0), and ``confusion`` (10, 10):
    rows the asked digit, columns the judge's reading.
    """
    labels, images = conditional_samples(net, per_digit, seed)
    pred = classifier.predict(images)
    confusion = np.zeros((N_CLASSES, N_CLASSES), int)
    np.add.at(confusion, (labels, pred), 1)
    hits = pred == labels
    p, n = float(hits.mean()), len(labels)
    return {"n": int(n), "per_digit": (np.diag(confusion) / per_digit).tolist(),
            "overall": p, "overall_se": float(np.sqrt(p * (1 - p) / n)),
            "overall_ci95": wilson_interval(int(hits.sum()), n),
            "confusion": confusion.tolist()}


def wilson_interval(successes: int, n: int, z: float = 1.959963984540054) -> tuple[float, float]:
    r"""The Wilson score interval for a binomial share (E. B. Wilson, JASA 22, 1927):
    :math:`\frac{\hat p + z^2/2n \pm z\sqrt{\hat p(1-\hat p)/n + z^2/4n^2}}{1 + z^2/n}`."""
    if n < 1 or not 0 <= successes <= n:
        raise ValueError(f"need 0 <= successes <= n and n >= 1, got {successes} of {n}.")
    p = successes / n
    centre = p + z * z / (2 * n)
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    scale = 1 + z * z / n
    return (float(max(0.0, (centre - half) / scale)), float(min(1.0, (centre + half) / scale)))


def conditional_elbo(net: ConditionalNet, x, labels, seed: int = 0, batch: int = 500):
    r"""The conditional ELBO's terms per digit (nats), one reparameterised draw each:
    reconstruction :math:`\log p(x \mid z, y)`, :math:`z = \mu + \sigma\varepsilon`, and the
    closed-form :math:`\mathrm{KL}(q(z|x,y)\,\|\,\mathcal N(0, I))`. ε from ``default_rng(seed)``
    batch after batch. Returns (reconstruction (N,), kl (N,)), float64; −ELBO = kl − rec."""
    return elbo_terms(net.encode, net.decode, x, labels, seed=seed, batch=batch)


def slant_and_ink(images) -> tuple[np.ndarray, np.ndarray]:
    r"""Two style measures of grey images (N, 28, 28): the *slant*, the shear
    :math:`-\mathrm{cov}(r, c) / \mathrm{var}(r)` of the ink's row r and column c (the image
    moments used to deskew digits; positive leans right, in columns per row), and the *ink*,
    the total grey level (a stroke's weight)."""
    images = np.asarray(images, np.float64)
    rows, cols = np.mgrid[0:28, 0:28]
    ink = images.sum(axis=(1, 2))
    if (ink <= 0).any():
        raise ValueError("an image without ink has no slant.")
    w = images / ink[:, None, None]
    mr, mc = (w * rows).sum(axis=(1, 2)), (w * cols).sum(axis=(1, 2))
    dr, dc = rows[None] - mr[:, None, None], cols[None] - mc[:, None, None]
    return -(w * dr * dc).sum(axis=(1, 2)) / (w * dr * dr).sum(axis=(1, 2)), ink


def shared_style(net: ConditionalNet, n: int = 9, extent: float = 2.0) -> dict:
    r"""Does one code z mean one style for every digit? On an n×n grid of z in
    [−extent, extent]², decode all ten digits and correlate each digit's slant and ink with
    z₁ and z₂ (Pearson). Returns ``slant`` and ``ink``, each (10, 2) correlations with
    (z₁, z₂), and ``n_codes``."""
    g = np.linspace(-extent, extent, n)
    z = np.array([[a, b] for a in g for b in g], np.float32)
    out = {"slant": np.zeros((N_CLASSES, 2)), "ink": np.zeros((N_CLASSES, 2)), "n_codes": len(z)}
    for d in range(N_CLASSES):
        slant, ink = slant_and_ink(decode_digit(net, z, d))
        for k in range(2):
            out["slant"][d, k] = np.corrcoef(slant, z[:, k])[0, 1]
            out["ink"][d, k] = np.corrcoef(ink, z[:, k])[0, 1]
    return out
