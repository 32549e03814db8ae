"""A variational autoencoder with a Gaussian encoder and a Bernoulli decoder: what the page
computes with a trained one, in NumPy.

Kingma & Welling, "Auto-Encoding Variational Bayes", ICLR 2014 (arXiv:1312.6114);
the importance-weighted bound is from Burda, Grosse & Salakhutdinov, "Importance Weighted
Autoencoders", ICLR 2016 (arXiv:1509.00519).

Shapes: images are float32 arrays (N, 784) with values in [0, 1]; latents are (N, latent_dim).
A model is a ``numpy_nets.NumpyNet`` (the shipped ``.npz`` weights); a torch VAE (trained in the
page, or by ``gdm_core.train``) is accepted and converted (``numpy_nets.as_numpy``). The torch
module and its training loss are ``gdm_core.torch_nets``: nothing here imports torch.

**One input everywhere.** The model was trained on binarised digits (a fresh Bernoulli draw of
grey/255 per pixel every epoch), and the ELBO is a bound on the probability of a *binary* image.
Everything that feeds a test digit to the model — encoding, reconstruction, interpolation, the
ELBO, the IW bound, the true posterior — uses :func:`model_input`, the fixed test binarisation
of ``gdm_core.data.binarize_test``. (:func:`to_input`, the grey levels scaled to [0, 1], is for
*showing* a digit only.)

**Random draws** come from ``numpy.random.default_rng(seed)`` (a private generator: a class sees
the same numbers, whatever else the server does).

Paths are in ``gdm_core.paths``, loading a model is ``gdm_core.numpy_nets.load_net``, the
true posterior on a grid and the ELBO gap are in ``gdm_core.posterior``.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
from scipy.special import logsumexp, ndtri

from gdm_core.data import binarize_test
from gdm_core.layers import IMAGE_SIZE, VAEConfig, bernoulli_log_likelihood
from gdm_core.numpy_nets import as_numpy
from gdm_core.paths import LATENT_DIMS

__all__ = ["VAEConfig", "IMAGE_SIZE", "kl_to_prior", "iw_bound", "latent_grid", "to_input",
           "model_input", "encode_mean", "decode_images", "reconstruct", "sample_prior",
           "interpolate", "elbo_estimate", "load_latent_dims", "prior_mass_radius"]


def _vae(model):
    net = as_numpy(model)
    if net.kind != "vae":
        raise ValueError("expected a VAE (an encoder with μ and log σ²), got an autoencoder.")
    return net


def _as_batch(x) -> np.ndarray:
    x = np.asarray(x, dtype=np.float32)
    return x.reshape(-1, IMAGE_SIZE) if x.ndim == 1 else x


def kl_to_prior(mu, logvar) -> np.ndarray:
    r"""KL(N(mu, diag e^{logvar}) || N(0, I)) per example, in nats.

    .. math:: \mathrm{KL} = \tfrac12 \sum_j (\mu_j^2 + \sigma_j^2 - \log\sigma_j^2 - 1)

    (Kingma & Welling 2014, Appendix B; ``torch_nets.gaussian_kl`` is the same for training.)
    """
    mu, logvar = np.asarray(mu), np.asarray(logvar)
    return 0.5 * np.sum(mu * mu + np.exp(logvar) - logvar - 1.0, axis=-1)


def _log_normal(z, mu, logvar) -> np.ndarray:
    return -0.5 * np.sum(math.log(2 * math.pi) + logvar + (z - mu) ** 2 / np.exp(logvar), axis=-1)


def iw_bound(model, x, k: int = 1000, chunk: int = 250,
             rng: np.random.Generator | None = None) -> np.ndarray:
    r"""Importance-weighted lower bound on log p(x) per example (Burda et al. 2016), float64 (N,).

    .. math:: \log p(x) \ge \mathbb{E}\Big[\log \frac1k \sum_{i=1}^k
              \frac{p(x|z_i)\,p(z_i)}{q(z_i|x)}\Big], \quad z_i \sim q(z|x)

    k = 1 is the ELBO; the bound increases with k towards log p(x). Pass a seeded ``rng``
    (``numpy.random.default_rng``) for a reproducible estimate (default: seed 0).
    """
    if k < 1:
        raise ValueError(f"k must be at least 1, got {k}.")
    net, x = _vae(model), _as_batch(x)
    rng = rng if rng is not None else np.random.default_rng(0)
    mu, logvar = net.encode(x)
    log_w = []
    for start in range(0, k, chunk):
        m = min(chunk, k - start)
        eps = rng.standard_normal((m,) + mu.shape).astype(np.float32)
        z = mu + np.exp(0.5 * logvar) * eps  # (m, N, d)
        logits = net.decode(z.reshape(-1, mu.shape[-1])).reshape(m, len(x), -1)
        log_px_z = bernoulli_log_likelihood(logits, np.broadcast_to(x, logits.shape))
        log_w.append(log_px_z.astype(np.float64) + _log_normal(z, 0.0, 0.0)
                     - _log_normal(z, mu, logvar))
    return logsumexp(np.concatenate(log_w, axis=0), axis=0) - math.log(k)


def latent_grid(n: int, edge: float = 0.05) -> np.ndarray:
    """An n×n grid of latent points (n², 2), float32: the inverse Gaussian CDF of an even grid
    on the unit square.

    As in Kingma & Welling (2014, Fig. 4), so that equal areas of the grid carry equal prior mass.
    Rows run from high z2 (top) to low z2 (bottom), columns from low z1 to high z1.
    """
    if n < 1:
        raise ValueError(f"grid size must be at least 1, got {n}.")
    if not 0 < edge < 0.5:  # also rejects NaN: the grid must stay inside (0, 1)
        raise ValueError(f"the grid's margin must be between 0 and 0.5, got {edge}.")
    u = np.linspace(edge, 1 - edge, n) if n > 1 else np.array([0.5])
    q = ndtri(u).astype(np.float32)
    z1, z2 = np.meshgrid(q, q[::-1], indexing="xy")
    return np.stack([z1.reshape(-1), z2.reshape(-1)], axis=1)


# --- What the page shows: plain functions of a trained model. ---


def to_input(images: np.ndarray) -> np.ndarray:
    """uint8 images (N, 28, 28) with grey levels 0–255 → float32 array (N, 784) in [0, 1].

    For *showing* grey digits. The model's input is :func:`model_input` (binarised).
    """
    images = np.asarray(images)
    if images.ndim != 3 or images.shape[1:] != (28, 28):
        raise ValueError(f"expected images of shape (N, 28, 28), got {images.shape}.")
    return images.reshape(len(images), IMAGE_SIZE).astype(np.float32) / 255.0


def model_input(images: np.ndarray, index=None) -> np.ndarray:
    r"""MNIST test digits as the model sees them: the fixed binarisation, float32 (N, 784).

    The one input for every computation on a test digit (encoding, reconstruction,
    interpolation, ELBO, IW bound, posterior): ``data.binarize_test``. Each
    digit's bits depend only on its position in the test set, so pass ``index`` (the digits'
    positions) when ``images`` is a selection: ``model_input(images[idx], idx)`` equals
    ``model_input(images)[idx]``.

    Parameters
    ----------
    images : uint8 array (N, 28, 28), grey levels 0–255.
    index : optional int array (N,), positions in the test set (default 0 … N-1).

    References
    ----------
    Salakhutdinov & Murray (ICML 2008) for binarised MNIST; the model was trained with dynamic
    binarisation, i.e. it has only ever seen 0/1 pixels.
    """
    images = np.asarray(images)
    if images.ndim != 3 or images.shape[1:] != (28, 28):
        raise ValueError(f"expected images of shape (N, 28, 28), got {images.shape}.")
    return np.asarray(binarize_test(images, index), dtype=np.float32)


def encode_mean(model, x, batch: int = 1000) -> tuple[np.ndarray, np.ndarray]:
    """The posterior means μ(x) and log-variances of q(z|x), float32 arrays (N, d)."""
    net, x = _vae(model), _as_batch(x)
    mus, logvars = [], []
    for start in range(0, len(x), batch):
        mu, logvar = net.encode(x[start:start + batch])
        mus.append(mu)
        logvars.append(logvar)
    if not mus:
        return (np.zeros((0, net.config.latent_dim), np.float32),) * 2
    return np.concatenate(mus), np.concatenate(logvars)


def _sigmoid(logits: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * logits))  # = 1 / (1 + e^{-ℓ}), without overflow


def decode_images(model, z) -> np.ndarray:
    r"""Pixel probabilities :math:`\sigma(\text{logits}(z))` as images (N, 28, 28) in [0, 1].

    This is the mean of the Bernoulli decoder p(x|z), the grey picture the model "imagines"
    at z (Kingma & Welling 2014, Fig. 4 shows the same).
    """
    net = as_numpy(model)
    z = np.asarray(z, dtype=np.float32).reshape(-1, net.config.latent_dim)
    return _sigmoid(net.decode(z)).reshape(-1, 28, 28)


def reconstruct(model, x) -> np.ndarray:
    """Decode the posterior mean: x → μ(x) → p(x|μ(x)); deterministic, images (N, 28, 28)."""
    mu, _ = encode_mean(model, x)
    return decode_images(model, mu)


def sample_prior(model, n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """n draws z ~ N(0, I) from ``numpy.random.default_rng(seed)`` (float32), and their decoded
    images."""
    if n < 1:
        raise ValueError(f"the number of samples must be at least 1, got {n}.")
    net = as_numpy(model)
    z = np.random.default_rng(int(seed)).standard_normal(
        (int(n), net.config.latent_dim)).astype(np.float32)
    return z, decode_images(net, z)


def interpolate(z_a, z_b, steps: int) -> np.ndarray:
    r"""``steps`` points on the segment :math:`z(t) = (1-t)\,z_a + t\,z_b`, t from 0 to 1."""
    if steps < 2:
        raise ValueError(f"an interpolation needs at least 2 steps, got {steps}.")
    z_a, z_b = np.asarray(z_a, dtype=np.float64), np.asarray(z_b, dtype=np.float64)
    if z_a.shape != z_b.shape or z_a.ndim != 1 or z_a.size == 0:
        raise ValueError(f"the two latent points must be vectors of one size, got shapes "
                         f"{z_a.shape} and {z_b.shape}.")
    if not (np.isfinite(z_a).all() and np.isfinite(z_b).all()):
        raise ValueError("the latent points must be finite numbers.")
    t = np.linspace(0.0, 1.0, steps)[:, None]
    return (1 - t) * z_a + t * z_b


def elbo_estimate(model, x, samples: int = 1, seed: int = 0,
                  batch: int = 500) -> tuple[np.ndarray, np.ndarray]:
    r"""The ELBO's terms per example (nats), the reconstruction averaged over ``samples`` draws.

    .. math::
        \mathbb{E}_{q(z|x)}[\log p(x|z)] \approx \frac1S \sum_{s=1}^S \log p(x|z_s),\quad
        z_s = \mu(x) + \sigma(x)\,\varepsilon_s,\ \varepsilon_s \sim \mathcal N(0, I)

    and the KL in closed form (:func:`kl_to_prior`) (Kingma & Welling 2014, eq. 7). The one
    ELBO estimator of the project (the page, the training log, ``bench/eval_vae.py``): ε comes
    from ``numpy.random.default_rng(seed)``, drawn batch after batch, so a class sees the same
    numbers and the result does not depend on any global random state or on other users.
    (The draws of ε depend on ``batch`` too: keep it fixed to compare figures bit for bit.)
    A torch model is evaluated through its weights (its train/eval mode is left as it is; the
    VAE has no dropout or batch norm, so the two modes compute the same thing).

    Returns
    -------
    reconstruction, kl : float64 arrays (N,); the ELBO is ``reconstruction - kl``.
    """
    if samples < 1:
        raise ValueError(f"the number of samples must be at least 1, got {samples}.")
    if batch < 1:
        raise ValueError(f"the batch size must be at least 1, got {batch}.")
    net = _vae(model)
    return elbo_terms(net.encode, net.decode, _as_batch(x), samples=samples, seed=seed,
                      batch=batch)


def elbo_terms(encode, decode, x, labels=None, samples: int = 1, seed: int = 0,
               batch: int = 500) -> tuple[np.ndarray, np.ndarray]:
    r"""The loop behind :func:`elbo_estimate`, for any Gaussian encoder and Bernoulli decoder:
    ``encode(x_b[, y_b]) -> (mu, logvar)``, ``decode(z[, y]) -> logits``. With ``labels`` the
    model is conditional (the conditional VAE's :math:`q(z|x,y)`, :math:`p(x|z,y)`): each batch's
    labels go to the encoder, and to the decoder once per draw. ε from
    ``default_rng(seed)``, drawn batch after batch as (samples, batch, d)."""
    x = np.asarray(x, np.float32)
    rng = np.random.default_rng(int(seed))
    recs, kls = [np.zeros(0)], [np.zeros(0)]
    for start in range(0, len(x), batch):
        xb = x[start:start + batch]
        given = () if labels is None else (np.asarray(labels)[start:start + batch],)
        mu, logvar = encode(xb, *given)
        eps = rng.standard_normal((samples,) + mu.shape).astype(np.float32)
        z = (mu + np.exp(0.5 * logvar) * eps).reshape(-1, mu.shape[-1])
        logits = decode(z, *(np.tile(y, samples) for y in given))
        logits = logits.reshape(samples, len(xb), -1)
        ll = bernoulli_log_likelihood(logits, np.broadcast_to(xb, logits.shape))
        recs.append(ll.astype(np.float64).mean(0))
        kls.append(kl_to_prior(mu, logvar).astype(np.float64))
    return np.concatenate(recs), np.concatenate(kls)


def load_latent_dims(folder=None) -> list[dict]:
    r"""The latent-dimension study shipped in ``checkpoints/latent_dims``: one record per d.

    Each VAE (latent d = 2, 5, 10, …) was trained with one recipe (``bench/eval_vae.py
    --summary`` exported its metadata and 16 prior samples; the weights ship as ``vae_d{d}.npz``).
    Files are read as JSON and as an ``.npz`` without pickles (``allow_pickle=False``).

    Returns
    -------
    list of dicts sorted by d, with keys ``d``, ``neg_elbo``, ``reconstruction`` (≤ 0),
    ``kl``, ``neg_iw`` (negative IW bound, an upper bound on −log p(x)), ``iw_key`` (which
    images and k), ``command`` (reproduces the model), ``architecture``, ``history``,
    ``samples`` (uint8 images (16, 28, 28), 255 = ink probability 1) and ``z`` (16, d).
    """
    folder = Path(folder) if folder is not None else LATENT_DIMS
    records = []
    for meta_file in sorted(folder.glob("vae_d*.json")):
        meta = json.loads(meta_file.read_text())
        m = meta["metrics"]
        iw_key = next(k for k in m if k.startswith("test_neg_iw_bound"))
        with np.load(folder / meta["samples"]["file"], allow_pickle=False) as npz:
            samples, z = npz["images"], npz["z"]
        records.append({
            "d": int(meta["architecture"]["latent_dim"]), "neg_elbo": m["test_neg_elbo"],
            "reconstruction": m["test_reconstruction"], "kl": m["test_kl"],
            "neg_iw": m[iw_key], "iw_key": iw_key, "command": meta["command"],
            "architecture": meta["architecture"], "history": meta.get("history", []),
            "samples": samples, "z": z,
        })
    return sorted(records, key=lambda r: r["d"])


def prior_mass_radius(p: float) -> float:
    r"""Radius of the circle holding probability ``p`` of the 2-D prior N(0, I).

    :math:`\|z\|^2 \sim \chi^2_2`, whose CDF is :math:`1 - e^{-r^2/2}`, so
    :math:`r = \sqrt{-2\ln(1-p)}`.
    """
    if not 0 < p < 1:
        raise ValueError(f"p must be strictly between 0 and 1, got {p}.")
    return math.sqrt(-2.0 * math.log1p(-p))
