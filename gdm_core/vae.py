"""A variational autoencoder with a Gaussian encoder and a Bernoulli decoder.

Kingma & Welling, "Auto-Encoding Variational Bayes", ICLR 2014 (arXiv:1312.6114);
the importance-weighted bound is from Burda, Grosse & Salakhutdinov, "Importance Weighted
Autoencoders", ICLR 2016 (arXiv:1509.00519).

Shapes: images are float tensors (N, 784) with values in [0, 1]; latents are (N, latent_dim).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import torch
from torch import nn
from torch.nn import functional as F

IMAGE_SIZE = 784


@dataclass(frozen=True)
class VAEConfig:
    """Architecture of a VAE; stored in checkpoint metadata so a checkpoint rebuilds itself."""

    latent_dim: int = 2
    hidden: int = 512
    enc_layers: int = 2
    dec_layers: int = 2

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> "VAEConfig":
        fields = {"latent_dim", "hidden", "enc_layers", "dec_layers"}
        missing = fields - set(d)
        if missing:
            raise ValueError(f"architecture is missing {sorted(missing)}")
        cfg = cls(**{k: int(d[k]) for k in fields})
        if min(cfg.latent_dim, cfg.hidden, cfg.enc_layers, cfg.dec_layers) < 1:
            raise ValueError(f"architecture sizes must be positive, got {cfg}")
        return cfg


def _mlp(sizes: list[int]) -> nn.Sequential:
    layers: list[nn.Module] = []
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        layers += [nn.Linear(n_in, n_out), nn.GELU()]
    return nn.Sequential(*layers)


class VAE(nn.Module):
    """q(z|x) = N(mu(x), diag sigma^2(x)), p(z) = N(0, I), p(x|z) = Bernoulli(sigmoid(logits(z)))."""

    def __init__(self, config: VAEConfig = VAEConfig()):
        super().__init__()
        self.config = config
        h = config.hidden
        self.encoder = _mlp([IMAGE_SIZE] + [h] * config.enc_layers)
        self.to_mu = nn.Linear(h, config.latent_dim)
        self.to_logvar = nn.Linear(h, config.latent_dim)
        self.decoder = nn.Sequential(
            _mlp([config.latent_dim] + [h] * config.dec_layers), nn.Linear(h, IMAGE_SIZE)
        )

    def encode(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        hidden = self.encoder(x)
        return self.to_mu(hidden), self.to_logvar(hidden)

    @staticmethod
    def reparameterize(mu: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
        # z = mu + sigma * eps keeps the sample differentiable in mu and sigma.
        return mu + torch.exp(0.5 * logvar) * torch.randn_like(mu)

    def decode(self, z: torch.Tensor) -> torch.Tensor:
        return self.decoder(z)

    def forward(self, x: torch.Tensor):
        mu, logvar = self.encode(x)
        return self.decode(self.reparameterize(mu, logvar)), mu, logvar


def gaussian_kl(mu: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
    r"""KL(N(mu, diag e^{logvar}) || N(0, I)) per example, in nats.

    .. math:: \mathrm{KL} = \tfrac12 \sum_j (\mu_j^2 + \sigma_j^2 - \log\sigma_j^2 - 1)

    (Kingma & Welling 2014, Appendix B.)
    """
    return 0.5 * torch.sum(mu.pow(2) + logvar.exp() - logvar - 1.0, dim=-1)


def bernoulli_log_likelihood(logits: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    """log p(x|z) summed over pixels, for Bernoulli pixels with the given logits."""
    return -F.binary_cross_entropy_with_logits(logits, x, reduction="none").sum(-1)


def elbo(model: VAE, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    r"""The evidence lower bound's two terms per example, in nats, from one sample of z.

    .. math::
        \log p(x) \ge \mathrm{ELBO}(x)
        = \underbrace{\mathbb{E}_{q(z|x)}[\log p(x|z)]}_{\text{reconstruction}}
        - \underbrace{\mathrm{KL}(q(z|x)\,\|\,p(z))}_{\text{KL}}

    Returns
    -------
    reconstruction : tensor (N,), a one-sample estimate of E_q[log p(x|z)] (≤ 0).
    kl : tensor (N,), the exact KL for the diagonal Gaussian (≥ 0).
    """
    logits, mu, logvar = model(x)
    return bernoulli_log_likelihood(logits, x), gaussian_kl(mu, logvar)


def _log_normal(z: torch.Tensor, mu: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
    return -0.5 * torch.sum(
        math.log(2 * math.pi) + logvar + (z - mu).pow(2) / logvar.exp(), dim=-1
    )


def iw_bound(model: VAE, x: torch.Tensor, k: int = 1000, chunk: int = 250) -> torch.Tensor:
    r"""Importance-weighted lower bound on log p(x) per example (Burda et al. 2016).

    .. math:: \log p(x) \ge \mathbb{E}\Big[\log \frac1k \sum_{i=1}^k
              \frac{p(x|z_i)\,p(z_i)}{q(z_i|x)}\Big], \quad z_i \sim q(z|x)

    k = 1 is the ELBO; the bound increases with k towards log p(x).
    """
    if k < 1:
        raise ValueError(f"k must be at least 1, got {k}.")
    with torch.no_grad():
        mu, logvar = model.encode(x)
        log_w = []
        for start in range(0, k, chunk):
            m = min(chunk, k - start)
            eps = torch.randn((m,) + mu.shape, dtype=mu.dtype)
            z = mu + torch.exp(0.5 * logvar) * eps  # (m, N, d)
            logits = model.decode(z.reshape(-1, mu.shape[-1])).reshape(m, len(x), -1)
            log_px_z = bernoulli_log_likelihood(logits, x.expand(m, -1, -1))
            log_pz = _log_normal(z, torch.zeros_like(mu), torch.zeros_like(logvar))
            log_qz = _log_normal(z, mu, logvar)
            log_w.append(log_px_z + log_pz - log_qz)
        log_w = torch.cat(log_w, dim=0)
        return torch.logsumexp(log_w, dim=0) - math.log(k)


def latent_grid(n: int, edge: float = 0.05) -> "torch.Tensor":
    """An n×n grid of latent points: the inverse Gaussian CDF of an even grid on the unit square.

    As in Kingma & Welling (2014, Fig. 4), so that equal areas of the grid carry equal prior mass.
    Rows run from high z2 (top) to low z2 (bottom), columns from low z1 to high z1.
    """
    if n < 1:
        raise ValueError(f"grid size must be at least 1, got {n}.")
    u = torch.linspace(edge, 1 - edge, n, dtype=torch.float64) if n > 1 else torch.tensor([0.5])
    q = torch.distributions.Normal(0.0, 1.0).icdf(u.double()).float()
    z1, z2 = torch.meshgrid(q, q.flip(0), indexing="xy")
    return torch.stack([z1.reshape(-1), z2.reshape(-1)], dim=1)


def load_vae(path) -> VAE:
    """Load a checkpoint (weights and metadata JSON beside them) safely, in eval mode."""
    from gdm_core.checkpoints import load_checkpoint

    model, _ = load_checkpoint(path)
    return model
