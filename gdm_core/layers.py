r"""The pieces the VAE and the plain autoencoder share: the image size, the architecture, the
hidden layers and the Bernoulli pixel likelihood.

Both models map a binarised MNIST digit (784 pixels in {0, 1}) through ``enc_layers`` GELU layers
of width ``hidden`` to a code of ``latent_dim`` numbers, and back through ``dec_layers`` such
layers to 784 pixel logits :math:`\ell_j`, read as independent Bernoulli pixels:

.. math:: \log p(x \mid z) = \sum_{j=1}^{784} \big[x_j \log \sigma(\ell_j)
          + (1 - x_j) \log(1 - \sigma(\ell_j))\big]
          = -\sum_j \mathrm{BCE}_{\text{logits}}(\ell_j, x_j) .

Kingma & Welling, "Auto-Encoding Variational Bayes", ICLR 2014 (arXiv:1312.6114), Appendix C.2
(Bernoulli MLP decoder); Hendrycks & Gimpel, "Gaussian Error Linear Units (GELUs)",
arXiv:1606.08415, 2016.

This module imports no other module of ``gdm_core`` and no torch: the torch networks
(``torch_nets``, for training) and their NumPy forward pass (``numpy_nets``, what the app
serves) both build on it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

IMAGE_SIZE = 784  # 28 × 28 pixels, flattened


@dataclass(frozen=True)
class VAEConfig:
    """Architecture of a VAE (or the autoencoder beside it); stored in checkpoint metadata so a
    checkpoint rebuilds itself."""

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


def bernoulli_log_likelihood(logits, x) -> np.ndarray:
    r"""log p(x|z) summed over the last axis, in nats, for Bernoulli pixels with these logits:
    :math:`\sum_j x_j\ell_j - \operatorname{softplus}(\ell_j)`, computed as torch's
    ``binary_cross_entropy_with_logits`` does (:math:`\max(\ell,0) - \ell x + \log(1+e^{-|\ell|})`,
    stable for any logit) in the logits' precision."""
    logits = np.asarray(logits)
    x = np.asarray(x, dtype=logits.dtype)
    bce = np.maximum(logits, 0) - logits * x + np.log1p(np.exp(-np.abs(logits)))
    return -bce.sum(-1)
