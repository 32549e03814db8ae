"""Where the shipped files live, and the environment variables that point elsewhere.

The one place for paths: the models and the data the app ships in ``checkpoints/``, and the
variables a deployment or a test sets to use other files. Nothing here reads a file.

========================  =====================================  ==============================
variable                  default                                used for
========================  =====================================  ==============================
``GDM_VAE_CHECKPOINT``    ``checkpoints/vae2d.npz``              the VAE the page shows
``GDM_AE_CHECKPOINT``     ``checkpoints/ae2d.npz``               the plain autoencoder beside it
``GDM_MNIST_SAMPLE``      ``checkpoints/mnist_sample``           the 2,000 shipped test digits
========================  =====================================  ==============================

A model is served from its ``.npz`` weights and ``.json`` metadata (``numpy_nets.load_net``);
a variable may name either file, or the ``.pt`` a training wrote beside them.
"""

from __future__ import annotations

import os
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CHECKPOINTS = REPO / "checkpoints"

SHIPPED_CHECKPOINT = CHECKPOINTS / "vae2d.npz"
AE_CHECKPOINT = CHECKPOINTS / "ae2d.npz"
MNIST_SAMPLE = CHECKPOINTS / "mnist_sample"
LATENT_DIMS = CHECKPOINTS / "latent_dims"
# The VAE the autoencoder was trained beside (same layers, recipe and epochs): the d = 2 model
# of the latent-dimension study. ae2d.json names it under "paired_with".
PAIR_VAE = LATENT_DIMS / "vae_d2.npz"
GAN_PRESETS = CHECKPOINTS / "gan"

CHECKPOINT_ENV = "GDM_VAE_CHECKPOINT"
AE_CHECKPOINT_ENV = "GDM_AE_CHECKPOINT"
MNIST_SAMPLE_ENV = "GDM_MNIST_SAMPLE"


def _from_env(name: str, default: Path) -> Path:
    return Path(os.environ.get(name) or default)


def checkpoint_path() -> Path:
    """The VAE checkpoint the page shows: ``$GDM_VAE_CHECKPOINT`` if set, else the shipped one."""
    return _from_env(CHECKPOINT_ENV, SHIPPED_CHECKPOINT)


def ae_checkpoint_path() -> Path:
    """The autoencoder checkpoint: ``$GDM_AE_CHECKPOINT`` if set, else ``checkpoints/ae2d.npz``."""
    return _from_env(AE_CHECKPOINT_ENV, AE_CHECKPOINT)


def mnist_sample_path() -> Path:
    """The folder of shipped test digits: ``$GDM_MNIST_SAMPLE`` if set, else the shipped one."""
    return _from_env(MNIST_SAMPLE_ENV, MNIST_SAMPLE)
