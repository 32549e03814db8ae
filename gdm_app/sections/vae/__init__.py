"""Sections of the VAE page, and what they share: the shipped model and test digits.

Everything a section computes on a test digit uses the model's own input, the binarised
digit (``vae.model_input``): the scatter, reconstructions, interpolation and the ELBO agree.
Session keys read here: ``_vae_checkpoint`` (tests point the page at another checkpoint).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import streamlit as st

from gdm_core import paths, vae
from gdm_core.numpy_nets import load_net, weights_path
from gdm_core.data import load_mnist


def checkpoint() -> Path:
    """The checkpoint the page shows (``$GDM_VAE_CHECKPOINT`` or the shipped one)."""
    override = st.session_state.get("_vae_checkpoint")
    return Path(override) if override else paths.checkpoint_path()


def stamp(path: Path | None = None) -> tuple:
    """Part of every cache key: a replaced checkpoint file is reloaded, not served stale."""
    path = weights_path(path or checkpoint())  # the file load_frozen reads
    try:
        s = path.stat()
        return (str(path), s.st_mtime_ns, s.st_size)
    except OSError:
        return (str(path), None, None)


@st.cache_resource(show_spinner="Loading a trained model…", max_entries=6)
def load_frozen(key: tuple):
    """A checkpoint's model in NumPy (``numpy_nets.load_net``: its ``.npz`` weights, read only,
    shared by every session) and its metadata; ``key`` is :func:`stamp` of its path."""
    return load_net(key[0])


def model():
    """The shipped VAE and its metadata (raises ``CheckpointError`` for a broken file)."""
    return load_frozen(stamp())


@st.cache_data(show_spinner=False, max_entries=2)
def _digits(folder: str):
    images, labels = load_mnist(folder, "test")
    return images, labels, vae.model_input(images)


def digits():
    """The shipped test digits: grey images (N, 28, 28), labels, and the model's binarised
    input (N, 784)."""
    return _digits(str(paths.mnist_sample_path()))


@st.cache_data(show_spinner="Encoding the test digits…", max_entries=4)
def _encoded(key: tuple):
    return vae.encode_mean(load_frozen(key)[0], digits()[2])


def codes() -> tuple[np.ndarray, np.ndarray]:
    """μ(x) and log σ²(x) of every shipped digit (its binarised input)."""
    return _encoded(stamp())


def require_model():
    """The model and its metadata, or a clear message and a stopped page (no traceback) when
    the checkpoint or the shipped digits cannot be read. Call it before drawing sections."""
    from gdm_core.data import MnistError
    from gdm_core.numpy_nets import NetError

    try:
        net, meta = model()
        digits()
    except NetError as exc:
        path = checkpoint()
        st.error(f"The trained VAE could not be loaded. {exc}\n\nExpected "
                 f"`{weights_path(path).name}` and "
                 f"`{path.with_suffix('.json').name}` in `{path.parent}`; restore them (see the "
                 "README) or retrain with `python -m gdm_core.train`.")
        st.stop()
    except MnistError as exc:
        st.error(f"The shipped MNIST test sample could not be read. {exc}")
        st.stop()
    except Exception as exc:  # noqa: BLE001 - any other failure must not become a traceback
        st.error(f"The trained VAE could not be loaded ({type(exc).__name__}: {exc}).")
        st.stop()
    if net.config.latent_dim != 2:
        st.error(f"These pages need a 2-D latent space; the checkpoint has "
                 f"{net.config.latent_dim}.")
        st.stop()
    return net, meta


# The digit every view opens on: test digit #3 (a 0), whose ELBO misses log p(x) by 14.4 bits
# with q(z|x) visibly off the true posterior (its 2σ ellipse misses the posterior's mean), and
# whose reparameterisation gradients differ in spread by a factor of several hundred. Digit #0
# (the first one) has a gap of only 1.2 bits: on a projector q and p(z|x) coincide.
DEFAULT_DIGIT = 3


def digit_input() -> int:
    """The test digit the ELBO, ELBO-gap, reparameterisation and nudge views look at: one
    URL-bound key ``vae_digit`` (a click on the scatter sets it too), drawn by each of them,
    with one default for all (``DEFAULT_DIGIT``), so the same URL means the same digit."""
    from gdm_app import ui

    n = len(digits()[1])
    return int(ui.number("Test digit #", 0, n - 1, DEFAULT_DIGIT, key="vae_digit", step=1,
                         help="A click on a dot of the Encoded digits scatter picks it too."))


@st.cache_resource(show_spinner=False, max_entries=1)
def judge():
    """The shipped digit classifier (``gdm_core.classifier``), the judge of generated digits."""
    from gdm_core import classifier

    return classifier.load_classifier()


@st.cache_data(show_spinner=False)
def judge_accuracy() -> float:
    """The judge's accuracy on the 10,000 MNIST test digits, as its metadata records it."""
    import json

    from gdm_core import classifier

    return float(json.loads(classifier.CLASSIFIER.with_suffix(".json").read_text())
                 ["test_accuracy"])
