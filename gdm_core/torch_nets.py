r"""The VAE and the plain autoencoder as torch modules, with their training losses: what
*training* needs (``gdm_core.train``, the page's "Train your own"). Serving runs the same
layers in NumPy (``gdm_core.numpy_nets``), so only a training imports this module and torch.

Both models map a binarised digit (784 pixels in {0, 1}) through ``enc_layers`` exact-GELU
layers of width ``hidden`` to a code of ``latent_dim`` numbers, and back through ``dec_layers``
such layers to 784 Bernoulli logits :math:`\ell_j`:

.. math:: \log p(x \mid z) = \sum_{j} \big[x_j \log \sigma(\ell_j)
          + (1 - x_j) \log(1 - \sigma(\ell_j))\big] = -\sum_j \mathrm{BCE}_{\text{logits}}(\ell_j, x_j).

The VAE: q(z|x) = N(μ(x), diag σ²(x)), p(z) = N(0, I), trained on the ELBO (Kingma & Welling,
"Auto-Encoding Variational Bayes", ICLR 2014, arXiv:1312.6114). The autoencoder: a point code
z = f(x), trained on −log p(x|f(x)) alone (Hinton & Salakhutdinov, Science 313, 2006).
"""

from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional as F

from gdm_core.layers import IMAGE_SIZE, VAEConfig


def mlp(sizes: list[int]) -> nn.Sequential:
    """Linear layers ``sizes[0] → sizes[1] → … → sizes[-1]``, each followed by an exact GELU."""
    layers: list[nn.Module] = []
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        layers += [nn.Linear(n_in, n_out), nn.GELU()]
    return nn.Sequential(*layers)


def bernoulli_log_likelihood(logits: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    """log p(x|z) summed over pixels, in nats, for Bernoulli pixels with the given logits."""
    return -F.binary_cross_entropy_with_logits(logits, x, reduction="none").sum(-1)


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


class Autoencoder(nn.Module):
    """Encoder f: 784 → hidden^enc_layers → latent_dim; decoder as the VAE's (Bernoulli logits)."""

    def __init__(self, config: VAEConfig = VAEConfig()):
        super().__init__()
        self.config = config
        h = config.hidden
        self.encoder = mlp([IMAGE_SIZE] + [h] * config.enc_layers)
        self.to_code = nn.Linear(h, config.latent_dim)
        self.decoder = nn.Sequential(
            mlp([config.latent_dim] + [h] * config.dec_layers), nn.Linear(h, IMAGE_SIZE)
        )

    def encode(self, x: torch.Tensor) -> torch.Tensor:
        """The code z = f(x), (N, latent_dim): a point, no noise."""
        return self.to_code(self.encoder(x))

    def decode(self, z: torch.Tensor) -> torch.Tensor:
        """Pixel logits (N, 784) of the Bernoulli decoder p(x|z)."""
        return self.decoder(z)

    def forward(self, x: torch.Tensor, generator: torch.Generator | None = None):
        # ``generator`` is accepted (and unused) so training code treats both models alike.
        code = self.encode(x)
        return self.decode(code), code


def gaussian_kl(mu: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
    r"""KL(N(mu, diag e^{logvar}) || N(0, I)) per example, in nats (Kingma & Welling 2014,
    Appendix B): :math:`\tfrac12 \sum_j (\mu_j^2 + \sigma_j^2 - \log\sigma_j^2 - 1)`."""
    return 0.5 * torch.sum(mu.pow(2) + logvar.exp() - logvar - 1.0, dim=-1)


def elbo(
    model: VAE, x: torch.Tensor, generator: torch.Generator | None = None
) -> tuple[torch.Tensor, torch.Tensor]:
    r"""The ELBO's two terms per example, in nats, from one sample of z — the training loss.

    .. math:: \mathrm{ELBO}(x) = \mathbb{E}_{q(z|x)}[\log p(x|z)] - \mathrm{KL}(q(z|x)\,\|\,p(z))

    Returns (reconstruction (N,), a one-sample estimate, ≤ 0; kl (N,), exact). With gradients;
    to *measure* a model use the seeded ``vae.elbo_estimate``.
    """
    logits, mu, logvar = model(x, generator)
    return bernoulli_log_likelihood(logits, x), gaussian_kl(mu, logvar)


def ae_loss(model: Autoencoder, x: torch.Tensor) -> torch.Tensor:
    r"""Per-example reconstruction loss :math:`-\log p(x \mid f(x))` in nats (Hinton &
    Salakhutdinov 2006): the VAE's loss with σ = 0 and without the KL term."""
    logits, _ = model(x)
    return -bernoulli_log_likelihood(logits, x)


def from_numpy_net(net) -> VAE | Autoencoder:
    """A torch model (eval mode) with the weights of a ``numpy_nets.NumpyNet`` — e.g. to
    fine-tune or to compare with the shipped ``.npz`` weights."""
    model = (VAE if net.kind == "vae" else Autoencoder)(net.config)
    model.load_state_dict({k: torch.from_numpy(v) for k, v in net.parameters_as_state().items()})
    return model.eval()
