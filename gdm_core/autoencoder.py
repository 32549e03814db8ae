r"""A plain (deterministic) autoencoder beside the VAE, and what both do with their codes.

The autoencoder has the shipped VAE's encoder and decoder — the same hidden layers, a 2-D code,
Bernoulli pixel logits — but its code is one point :math:`z = f(x)`, not a distribution, and
nothing pulls the codes towards N(0, I). It minimises the reconstruction loss alone,

.. math:: \mathcal L_{\mathrm{AE}}(x) = -\log p(x \mid z = f(x))
          = -\sum_{j=1}^{784} \big[x_j \log \sigma(\ell_j) + (1-x_j)\log(1-\sigma(\ell_j))\big],

the VAE's reconstruction term without the noise in z and without the KL term (Hinton &
Salakhutdinov, "Reducing the dimensionality of data with neural networks", Science 313, 2006,
used this cross-entropy for MNIST). What it lacks is the point of the comparison: decoding
draws from N(0, I), or points between and around its codes, need not give digits.

The functions below take either model — a ``numpy_nets.NumpyNet`` (the shipped weights) or a
torch one (converted by ``numpy_nets.as_numpy``) — and for the VAE "the code" is the posterior
mean μ(x). The torch module is ``torch_nets.Autoencoder``; nothing here imports torch.
"""

from __future__ import annotations

import numpy as np

from gdm_core.layers import IMAGE_SIZE, bernoulli_log_likelihood
from gdm_core.numpy_nets import as_numpy
from gdm_core.vae import decode_images


def _code(net, x: np.ndarray) -> np.ndarray:
    enc = net.encode(x)
    return enc[0] if isinstance(enc, tuple) else enc


def codes(model, x, batch: int = 1000) -> np.ndarray:
    """The deterministic code of each digit, (N, d): f(x) for the autoencoder, μ(x) for the VAE."""
    net = as_numpy(model)
    x = np.asarray(x, dtype=np.float32).reshape(-1, IMAGE_SIZE)
    out = [_code(net, x[start:start + batch]) for start in range(0, len(x), batch)]
    if not out:
        return np.zeros((0, net.config.latent_dim), dtype=np.float32)
    return np.concatenate(out)


def decode(model, z) -> np.ndarray:
    """Pixel probabilities σ(logits(z)) as images (N, 28, 28) in [0, 1], for either model."""
    net = as_numpy(model)
    z = np.asarray(z, dtype=np.float32)
    if z.ndim != 2 or z.shape[1] != net.config.latent_dim or not np.isfinite(z).all():
        raise ValueError(f"expected finite codes of shape (N, {net.config.latent_dim}), "
                         f"got {z.shape}.")
    return decode_images(net, z)


def prior_samples(model, n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    r"""``n`` draws :math:`z \sim \mathcal N(0, I)` (seeded NumPy generator) and their decodes.

    For the VAE this is how it generates; for the autoencoder it shows that nothing made the
    region the prior covers meaningful.
    """
    if int(n) < 1:
        raise ValueError(f"the number of samples must be at least 1, got {n}.")
    z = np.random.default_rng(int(seed)).standard_normal((int(n), model.config.latent_dim))
    return z, decode(model, z)


def square_grid(n: int, lim: float = 3.0) -> np.ndarray:
    """An n×n grid evenly spaced over the square [-lim, lim]², (n², 2); rows run from high z2
    (top) to low z2, columns from low z1 to high z1 (as ``vae.latent_grid``)."""
    if int(n) < 1:
        raise ValueError(f"grid size must be at least 1, got {n}.")
    if not (np.isfinite(lim) and lim > 0):
        raise ValueError(f"the square's half-width must be a positive number, got {lim}.")
    t = np.linspace(-lim, lim, int(n)) if n > 1 else np.zeros(1)
    z1, z2 = np.meshgrid(t, t[::-1], indexing="xy")
    return np.stack([z1.ravel(), z2.ravel()], axis=1)


def grid_decodes(model, n: int, lim: float = 3.0) -> tuple[np.ndarray, np.ndarray]:
    """Decodes of an n×n grid over [-lim, lim]² (the square where N(0, I) draws fall): (z, images)."""
    if model.config.latent_dim != 2:
        raise ValueError("a grid over the code plane needs a 2-D code.")
    z = square_grid(n, lim)
    return z, decode(model, z)


def nudge(model, x, size: float, n: int, seed: int) -> tuple[np.ndarray, ...]:
    r"""Decode a digit's code moved by noise of a chosen size: :math:`z_i = c(x) + s\,\varepsilon_i`.

    Parameters
    ----------
    model : Autoencoder or VAE (whose code c(x) is μ(x)).
    x : array (1, 784) or (784,), one digit as the model sees it (``vae.model_input``).
    size : s ≥ 0, the standard deviation of the nudge in code units.
    n : number of nudged codes; ``seed`` seeds ε ~ N(0, I).

    Returns
    -------
    code : (d,) the digit's code; z : (n, d) the nudged codes; images : (n, 28, 28) their decodes.
    """
    if not (np.isfinite(size) and size >= 0):
        raise ValueError(f"the nudge size must be a number ≥ 0, got {size}.")
    if int(n) < 1:
        raise ValueError(f"the number of nudged codes must be at least 1, got {n}.")
    model = as_numpy(model)
    x = np.asarray(x, dtype=np.float32).reshape(-1, IMAGE_SIZE)
    if len(x) != 1:
        raise ValueError(f"nudge takes one digit, got {len(x)}.")
    code = codes(model, x)[0]
    eps = np.random.default_rng(int(seed)).standard_normal((int(n), len(code)))
    z = code[None, :] + float(size) * eps
    return code, z, decode(model, z)


def reconstruction_nats(model, x, batch: int = 1000) -> np.ndarray:
    r"""Per-digit :math:`\log p(x \mid c(x))` in nats, decoding the code (μ(x) for a VAE)."""
    net = as_numpy(model)
    x = np.asarray(x, dtype=np.float32).reshape(-1, IMAGE_SIZE)
    out = [bernoulli_log_likelihood(net.decode(_code(net, xb)), xb).astype(np.float64)
           for xb in (x[start:start + batch] for start in range(0, len(x), batch))]
    return np.concatenate(out) if out else np.zeros(0)
