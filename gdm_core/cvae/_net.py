r"""The shipped conditional VAE, evaluated in NumPy (no torch when serving).

A conditional VAE (Sohn, Lee & Yan, "Learning Structured Output Representation using Deep
Conditional Generative Models", NeurIPS 2015; Kingma, Rezende, Mohamed & Welling,
"Semi-Supervised Learning with Deep Generative Models", NeurIPS 2014, model M2 with the label
observed) gives the label y to both halves:

.. math:: q(z \mid x, y) = \mathcal N(\mu(x, y), \operatorname{diag}\sigma^2(x, y)), \quad
          p(z) = \mathcal N(0, I), \quad p(x \mid z, y) = \prod_j \mathrm{Bernoulli}(x_j;
          \sigma(\ell_j(z, y))),

and is trained on the conditional ELBO
:math:`\log p(x \mid y) \ge \mathbb E_{q(z|x,y)}[\log p(x \mid z, y)] - \mathrm{KL}(q(z|x,y)
\,\|\, p(z))`. The label enters as a one-hot vector concatenated to the input of the encoder
(784 + 10) and of the decoder (d + 10), so z is free to hold what the label does not say: the
*style* (slant, width, stroke).

The layers are those of ``gdm_core.numpy_nets`` (exact GELU, float32), under the names the torch
module ``gdm_core.cvae.train.CVAE`` gives them; weights ship as ``checkpoints/cvae2d.npz`` (plain
arrays, read with ``allow_pickle=False``) and ``cvae2d.json`` records their sha256.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from gdm_core.hashing import sha256_of
from gdm_core.layers import IMAGE_SIZE, VAEConfig
from gdm_core.numpy_nets import NetError, gelu, read_layer, shape_mismatches
from gdm_core.paths import CHECKPOINTS

N_CLASSES = 10
CVAE_CHECKPOINT = CHECKPOINTS / "cvae2d.npz"


def one_hot(labels, n: int = N_CLASSES) -> np.ndarray:
    """Labels (N,) in 0..n-1 → float32 one-hot rows (N, n); ValueError for anything else."""
    y = np.asarray(labels)
    if y.ndim != 1 or not np.issubdtype(y.dtype, np.integer) or (y.size and (
            y.min() < 0 or y.max() >= n)):
        raise ValueError(f"labels must be whole numbers from 0 to {n - 1}.")
    out = np.zeros((len(y), n), np.float32)
    out[np.arange(len(y)), y] = 1.0
    return out


def expected_shapes(config: VAEConfig) -> dict[str, tuple[int, ...]]:
    """The torch state dict's names and shapes for a conditional VAE of this architecture."""
    h, d = config.hidden, config.latent_dim
    shapes: dict[str, tuple[int, ...]] = {}
    for i in range(config.enc_layers):
        key = f"encoder.{2 * i}"
        shapes[key + ".weight"] = (h, IMAGE_SIZE + N_CLASSES if i == 0 else h)
        shapes[key + ".bias"] = (h,)
    for head in ("to_mu", "to_logvar"):
        shapes[head + ".weight"], shapes[head + ".bias"] = (d, h), (d,)
    for i in range(config.dec_layers):
        key = f"decoder.0.{2 * i}"
        shapes[key + ".weight"] = (h, d + N_CLASSES if i == 0 else h)
        shapes[key + ".bias"] = (h,)
    shapes["decoder.1.weight"], shapes["decoder.1.bias"] = (IMAGE_SIZE, h), (IMAGE_SIZE,)
    return shapes


class ConditionalNet:
    """A conditional VAE in NumPy: ``encode(x, y)`` → (μ, log σ²); ``decode(z, y)`` → logits."""

    def __init__(self, config: VAEConfig, state: dict[str, np.ndarray]):
        wrong = shape_mismatches(state, expected_shapes(config))
        if wrong:
            raise NetError(f"the weights do not match a conditional VAE of latent "
                           f"{config.latent_dim}, hidden {config.hidden} (first mismatches: "
                           f"{wrong[:3]}).")
        self.config = config

        def layer(key):
            return read_layer(state, key)

        self.encoder = [layer(f"encoder.{2 * i}") for i in range(config.enc_layers)]
        self.heads = [layer("to_mu"), layer("to_logvar")]
        self.decoder = [layer(f"decoder.0.{2 * i}") for i in range(config.dec_layers)]
        self.out = layer("decoder.1")

    def encode(self, x, labels) -> tuple[np.ndarray, np.ndarray]:
        """(μ, log σ²) of q(z | x, y), each (N, d), for binarised digits x (N, 784)."""
        h = np.concatenate([np.asarray(x, np.float32), one_hot(labels)], axis=1)
        for w, b in self.encoder:
            h = gelu(h @ w + b)
        return tuple(h @ w + b for w, b in self.heads)

    def decode(self, z, labels) -> np.ndarray:
        """Bernoulli pixel logits (N, 784) of p(x | z, y)."""
        z = np.asarray(z, np.float32).reshape(-1, self.config.latent_dim)
        h = np.concatenate([z, one_hot(labels)], axis=1)
        for w, b in self.decoder:
            h = gelu(h @ w + b)
        w, b = self.out
        return h @ w + b


def load_cvae(path: str | Path = CVAE_CHECKPOINT) -> tuple[ConditionalNet, dict]:
    """The shipped conditional VAE and its metadata (``x.npz`` + ``x.json``).

    The ``.npz`` is read with ``allow_pickle=False`` (no code runs) and must have the sha256
    the JSON records. NetError, with a readable reason, for a missing, altered or mismatched file.
    """
    npz, meta_file = Path(path).with_suffix(".npz"), Path(path).with_suffix(".json")
    for f in (meta_file, npz):
        if not f.is_file():
            raise NetError(f"the conditional VAE's file '{f.name}' is missing (train it with "
                           "python -m gdm_core.cvae.train --data ../shared/data/mnist).")
    try:
        meta = json.loads(meta_file.read_text())
        config = VAEConfig.from_dict(meta["architecture"])
    except (OSError, ValueError, TypeError, KeyError, AttributeError) as exc:
        raise NetError(f"'{meta_file.name}' is unreadable ({type(exc).__name__}).") from None
    if sha256_of(npz) != meta.get("weights_sha256"):
        raise NetError(f"'{npz.name}' is not the file '{meta_file.name}' describes "
                       "(its sha256 differs).")
    try:
        with np.load(npz, allow_pickle=False) as z:
            state = {k: z[k] for k in z.files}
    except Exception as exc:  # noqa: BLE001 - numpy/zipfile raise many kinds on a bad file
        raise NetError(f"'{npz.name}' could not be read as plain arrays "
                       f"({type(exc).__name__}).") from None
    return ConditionalNet(config, state), meta
