"""A variational autoencoder with a Gaussian encoder and a Bernoulli decoder.

Kingma & Welling, "Auto-Encoding Variational Bayes", ICLR 2014 (arXiv:1312.6114);
the importance-weighted bound is from Burda, Grosse & Salakhutdinov, "Importance Weighted
Autoencoders", ICLR 2016 (arXiv:1509.00519).

Shapes: images are float tensors (N, 784) with values in [0, 1]; latents are (N, latent_dim).

**One input everywhere.** The model was trained on binarised digits (a fresh Bernoulli draw of
grey/255 per pixel every epoch), and the ELBO is a bound on the probability of a *binary* image.
Everything that feeds a test digit to the model — encoding, reconstruction, interpolation, the
ELBO, the IW bound, the true posterior — uses :func:`model_input`, the fixed test binarisation
of ``gdm_core.data.binarize_test``. (:func:`to_input`, the grey levels scaled to [0, 1], is for
*showing* a digit only.)

The layers and the architecture it shares with the plain autoencoder are in ``gdm_core.layers``;
paths are in ``gdm_core.paths``, loading a checkpoint is ``gdm_core.checkpoints.load_vae``, the
true posterior on a grid and the ELBO gap are in ``gdm_core.posterior``.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import torch
from torch import nn

from gdm_core.data import binarize_test
from gdm_core.layers import IMAGE_SIZE, VAEConfig, bernoulli_log_likelihood, mlp
from gdm_core.paths import LATENT_DIMS


class VAE(nn.Module):
    """q(z|x) = N(mu(x), diag sigma^2(x)), p(z) = N(0, I), p(x|z) = Bernoulli(sigmoid(logits(z)))."""

    def __init__(self, config: VAEConfig = VAEConfig()):
        super().__init__()
        self.config = config
        h = config.hidden
        self.encoder = mlp([IMAGE_SIZE] + [h] * config.enc_layers)
        self.to_mu = nn.Linear(h, config.latent_dim)
        self.to_logvar = nn.Linear(h, config.latent_dim)
        self.decoder = nn.Sequential(
            mlp([config.latent_dim] + [h] * config.dec_layers), nn.Linear(h, IMAGE_SIZE)
        )

    def encode(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        hidden = self.encoder(x)
        return self.to_mu(hidden), self.to_logvar(hidden)

    @staticmethod
    def reparameterize(
        mu: torch.Tensor, logvar: torch.Tensor, generator: torch.Generator | None = None
    ) -> torch.Tensor:
        r""":math:`z = \mu + \sigma\,\varepsilon`, :math:`\varepsilon \sim \mathcal N(0, I)`.

        The noise is an *input*, so z is differentiable in μ and σ (Kingma & Welling 2014,
        Sec. 2.4; ``gdm_core.reparam`` compares it with the score-function estimator).
        ``generator`` draws ε reproducibly without touching torch's global generator.
        """
        eps = torch.randn(mu.shape, dtype=mu.dtype, generator=generator)
        return mu + torch.exp(0.5 * logvar) * eps

    def decode(self, z: torch.Tensor) -> torch.Tensor:
        return self.decoder(z)

    def forward(self, x: torch.Tensor, generator: torch.Generator | None = None):
        mu, logvar = self.encode(x)
        return self.decode(self.reparameterize(mu, logvar, generator)), mu, logvar


def gaussian_kl(mu: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
    r"""KL(N(mu, diag e^{logvar}) || N(0, I)) per example, in nats.

    .. math:: \mathrm{KL} = \tfrac12 \sum_j (\mu_j^2 + \sigma_j^2 - \log\sigma_j^2 - 1)

    (Kingma & Welling 2014, Appendix B.)
    """
    return 0.5 * torch.sum(mu.pow(2) + logvar.exp() - logvar - 1.0, dim=-1)


def elbo(
    model: VAE, x: torch.Tensor, generator: torch.Generator | None = None
) -> tuple[torch.Tensor, torch.Tensor]:
    r"""The evidence lower bound's two terms per example, in nats, from one sample of z.

    .. math::
        \log p(x) \ge \mathrm{ELBO}(x)
        = \underbrace{\mathbb{E}_{q(z|x)}[\log p(x|z)]}_{\text{reconstruction}}
        - \underbrace{\mathrm{KL}(q(z|x)\,\|\,p(z))}_{\text{KL}}

    Returns
    -------
    reconstruction : tensor (N,), a one-sample estimate of E_q[log p(x|z)] (≤ 0).
    kl : tensor (N,), the exact KL for the diagonal Gaussian (≥ 0).

    This is the training loss (with gradients). To *measure* a model, use the seeded
    :func:`elbo_estimate`.
    """
    logits, mu, logvar = model(x, generator)
    return bernoulli_log_likelihood(logits, x), gaussian_kl(mu, logvar)


def _log_normal(z: torch.Tensor, mu: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
    return -0.5 * torch.sum(
        math.log(2 * math.pi) + logvar + (z - mu).pow(2) / logvar.exp(), dim=-1
    )


def iw_bound(
    model: VAE, x: torch.Tensor, k: int = 1000, chunk: int = 250,
    generator: torch.Generator | None = None,
) -> torch.Tensor:
    r"""Importance-weighted lower bound on log p(x) per example (Burda et al. 2016).

    .. math:: \log p(x) \ge \mathbb{E}\Big[\log \frac1k \sum_{i=1}^k
              \frac{p(x|z_i)\,p(z_i)}{q(z_i|x)}\Big], \quad z_i \sim q(z|x)

    k = 1 is the ELBO; the bound increases with k towards log p(x). Pass a seeded
    ``generator`` for a reproducible estimate (otherwise torch's global generator is used).
    """
    if k < 1:
        raise ValueError(f"k must be at least 1, got {k}.")
    with torch.no_grad():
        mu, logvar = model.encode(x)
        log_w = []
        for start in range(0, k, chunk):
            m = min(chunk, k - start)
            eps = torch.randn((m,) + mu.shape, dtype=mu.dtype, generator=generator)
            z = mu + torch.exp(0.5 * logvar) * eps  # (m, N, d)
            logits = model.decode(z.reshape(-1, mu.shape[-1])).reshape(m, len(x), -1)
            log_px_z = bernoulli_log_likelihood(logits, x.expand(m, -1, -1))
            log_pz = _log_normal(z, torch.zeros_like(mu), torch.zeros_like(logvar))
            log_qz = _log_normal(z, mu, logvar)
            log_w.append(log_px_z + log_pz - log_qz)
        log_w = torch.cat(log_w, dim=0)
        return torch.logsumexp(log_w, dim=0) - math.log(k)


def latent_grid(n: int, edge: float = 0.05) -> torch.Tensor:
    """An n×n grid of latent points: the inverse Gaussian CDF of an even grid on the unit square.

    As in Kingma & Welling (2014, Fig. 4), so that equal areas of the grid carry equal prior mass.
    Rows run from high z2 (top) to low z2 (bottom), columns from low z1 to high z1.
    """
    if n < 1:
        raise ValueError(f"grid size must be at least 1, got {n}.")
    if not 0 < edge < 0.5:  # also rejects NaN: the grid must stay inside (0, 1)
        raise ValueError(f"the grid's margin must be between 0 and 0.5, got {edge}.")
    u = torch.linspace(edge, 1 - edge, n, dtype=torch.float64) if n > 1 else torch.tensor([0.5])
    q = torch.distributions.Normal(0.0, 1.0).icdf(u.double()).float()
    z1, z2 = torch.meshgrid(q, q.flip(0), indexing="xy")
    return torch.stack([z1.reshape(-1), z2.reshape(-1)], dim=1)


# --- What the page shows: plain functions of a trained model, always without gradients. ---


def to_input(images: np.ndarray) -> torch.Tensor:
    """uint8 images (N, 28, 28) with grey levels 0–255 → float tensor (N, 784) in [0, 1].

    For *showing* grey digits. The model's input is :func:`model_input` (binarised).
    """
    images = np.asarray(images)
    if images.ndim != 3 or images.shape[1:] != (28, 28):
        raise ValueError(f"expected images of shape (N, 28, 28), got {images.shape}.")
    return torch.from_numpy(images.reshape(len(images), IMAGE_SIZE).astype(np.float32) / 255.0)


def model_input(images: np.ndarray, index=None) -> torch.Tensor:
    r"""MNIST test digits as the model sees them: the fixed binarisation, float tensor (N, 784).

    The one input for every computation on a test digit (encoding, reconstruction,
    interpolation, ELBO, IW bound, posterior): ``data.binarize_test`` as a tensor. Each
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
    return torch.from_numpy(binarize_test(images, index))


@torch.no_grad()
def encode_mean(model: VAE, x: torch.Tensor, batch: int = 1000) -> tuple[np.ndarray, np.ndarray]:
    """The posterior means μ(x) and log-variances of q(z|x), as NumPy arrays (N, d)."""
    mus, logvars = [], []
    for start in range(0, len(x), batch):
        mu, logvar = model.encode(x[start:start + batch])
        mus.append(mu)
        logvars.append(logvar)
    return torch.cat(mus).numpy(), torch.cat(logvars).numpy()


@torch.no_grad()
def decode_images(model: VAE, z) -> np.ndarray:
    r"""Pixel probabilities :math:`\sigma(\text{logits}(z))` as images (N, 28, 28) in [0, 1].

    This is the mean of the Bernoulli decoder p(x|z), the grey picture the model "imagines"
    at z (Kingma & Welling 2014, Fig. 4 shows the same).
    """
    z = torch.as_tensor(np.asarray(z, dtype=np.float32)).reshape(-1, model.config.latent_dim)
    return torch.sigmoid(model.decode(z)).reshape(-1, 28, 28).numpy()


def reconstruct(model: VAE, x: torch.Tensor) -> np.ndarray:
    """Decode the posterior mean: x → μ(x) → p(x|μ(x)); deterministic, images (N, 28, 28)."""
    mu, _ = encode_mean(model, x)
    return decode_images(model, mu)


def sample_prior(model: VAE, n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """n draws z ~ N(0, I) from a generator seeded with ``seed``, and their decoded images."""
    if n < 1:
        raise ValueError(f"the number of samples must be at least 1, got {n}.")
    g = torch.Generator().manual_seed(int(seed))
    z = torch.randn(n, model.config.latent_dim, generator=g)
    return z.numpy(), decode_images(model, z)


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


@torch.no_grad()
def elbo_estimate(
    model: VAE, x: torch.Tensor, samples: int = 1, seed: int = 0, batch: int = 500
) -> tuple[np.ndarray, np.ndarray]:
    r"""The ELBO's terms per example (nats), the reconstruction averaged over ``samples`` draws.

    .. math::
        \mathbb{E}_{q(z|x)}[\log p(x|z)] \approx \frac1S \sum_{s=1}^S \log p(x|z_s),\quad
        z_s = \mu(x) + \sigma(x)\,\varepsilon_s,\ \varepsilon_s \sim \mathcal N(0, I)

    and the KL in closed form (``gaussian_kl``) (Kingma & Welling 2014, eq. 7). The one ELBO
    estimator of the project (the page, the training log, ``bench/eval_vae.py``): ε comes from
    a private generator seeded with ``seed``, drawn batch after batch, so a class sees the same
    numbers and the result does not depend on torch's global random state or on other users.
    (The draws of ε depend on ``batch`` too: keep it fixed to compare figures bit for bit.)
    Computed without gradients; the model's train/eval mode is left as it is (the VAE has no
    dropout or batch norm, so the two modes compute the same thing).

    Returns
    -------
    reconstruction, kl : float64 arrays (N,); the ELBO is ``reconstruction - kl``.
    """
    if samples < 1:
        raise ValueError(f"the number of samples must be at least 1, got {samples}.")
    if batch < 1:
        raise ValueError(f"the batch size must be at least 1, got {batch}.")
    g = torch.Generator().manual_seed(int(seed))
    recs, kls = [], []
    for start in range(0, len(x), batch):
        xb = x[start:start + batch]
        mu, logvar = model.encode(xb)
        eps = torch.randn((samples,) + mu.shape, generator=g)
        z = mu + torch.exp(0.5 * logvar) * eps
        logits = model.decode(z.reshape(-1, mu.shape[-1])).reshape(samples, len(xb), -1)
        recs.append(bernoulli_log_likelihood(logits, xb.expand(samples, -1, -1)).mean(0))
        kls.append(gaussian_kl(mu, logvar))
    return torch.cat(recs).double().numpy(), torch.cat(kls).double().numpy()


def load_latent_dims(folder=None) -> list[dict]:
    r"""The latent-dimension study shipped in ``checkpoints/latent_dims``: one record per d.

    Each VAE (latent d = 2, 5, 10, …) was trained with one recipe (``bench/eval_vae.py
    --summary`` exported its metadata and 16 prior samples; the weights are not shipped).
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
