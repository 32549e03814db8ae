r"""An independent digit classifier, the judge of generated digits: one hidden layer, in NumPy.

The Why-a-VAE page asks whether a model's decodes of prior draws z ~ N(0, I) look like digits,
and in the right proportions. A judge trained on real digits, and on nothing the compared models
produced, answers both: the histogram of its predicted classes shows *variety* (does every digit
appear, about a tenth of the time each?) and its mean top probability shows *legibility* (how
sure it is that a decode is some digit) — the two halves of the Inception score (Salimans et al.
2016), reported separately so each can be read.

The network is :math:`p(y \mid x) = \mathrm{softmax}(W_2\,\mathrm{relu}(W_1 x + b_1) + b_2)` on
grey levels in [0, 1] (784 → 256 → 10). It is trained once with PyTorch
(``python -m gdm_core.classifier --data ../shared/data/mnist``) and shipped as a plain ``.npz``
of arrays, read with ``allow_pickle=False``, so the app judges digits with NumPy alone.

References
----------
T. Salimans et al., "Improved Techniques for Training GANs", NeurIPS 2016 (Inception score).
Y. LeCun et al., "Gradient-based learning applied to document recognition", Proc. IEEE 1998
(MNIST; a 300-hidden-unit MLP reaches 95.3-96.4 %, better with more training tricks).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from gdm_core.paths import CHECKPOINTS

CLASSIFIER = CHECKPOINTS / "classifier.npz"
HIDDEN = 256


@dataclass(frozen=True)
class Classifier:
    """The judge's weights: ``w1`` (784, h), ``b1`` (h,), ``w2`` (h, 10), ``b2`` (10,)."""

    w1: np.ndarray
    b1: np.ndarray
    w2: np.ndarray
    b2: np.ndarray

    def probabilities(self, images) -> np.ndarray:
        """p(y | x) for images (N, 28, 28) or (N, 784) with grey levels in [0, 1]; (N, 10)."""
        x = np.asarray(images, dtype=np.float32)
        if x.ndim == 3 and x.shape[1:] == (28, 28):
            x = x.reshape(len(x), 784)
        if x.ndim != 2 or x.shape[1] != 784:
            raise ValueError(f"expected images (N, 28, 28) or (N, 784), got {x.shape}.")
        if not np.isfinite(x).all():
            raise ValueError("the images must hold finite grey levels.")
        logits = np.maximum(x @ self.w1 + self.b1, 0.0) @ self.w2 + self.b2
        logits -= logits.max(axis=1, keepdims=True)
        p = np.exp(logits)
        return p / p.sum(axis=1, keepdims=True)

    def predict(self, images) -> np.ndarray:
        """The most probable class of each image, (N,) integers 0-9."""
        return self.probabilities(images).argmax(axis=1)


def load_classifier(path: str | Path = CLASSIFIER) -> Classifier:
    """The shipped judge (a ``.npz`` of four arrays; no pickles)."""
    path = Path(path)
    if not path.is_file():
        raise ValueError(f"the digit classifier '{path}' is missing; train it with "
                         "python -m gdm_core.classifier --data ../shared/data/mnist")
    with np.load(path, allow_pickle=False) as npz:
        arrays = {k: npz[k].astype(np.float32) for k in ("w1", "b1", "w2", "b2")}
    if arrays["w1"].shape[0] != 784 or arrays["w2"].shape[1] != 10:
        raise ValueError(f"'{path.name}' does not hold a 784 → h → 10 classifier.")
    return Classifier(**arrays)


def judge(classifier: Classifier, images) -> dict:
    r"""What the judge says of a set of images.

    Returns
    -------
    dict with ``n`` (images), ``counts`` (10,) predicted classes, ``confidence`` the mean top
    probability :math:`\frac1N\sum_i \max_y p(y\mid x_i)` with ``confidence_sd`` its standard
    error, and ``tv_uniform`` the total variation distance
    :math:`\frac12\sum_y |\hat\pi_y - \tfrac1{10}|` between the predicted class shares and the
    uniform shares (0: every digit a tenth of the time; 0.9: one digit only).
    """
    p = classifier.probabilities(images)
    top = p.max(axis=1)
    counts = np.bincount(p.argmax(axis=1), minlength=10)
    n = len(p)
    return {
        "n": n, "counts": counts.tolist(),
        "confidence": float(top.mean()),
        "confidence_sd": float(top.std(ddof=1) / np.sqrt(n)) if n > 1 else float("nan"),
        "tv_uniform": float(0.5 * np.abs(counts / n - 0.1).sum()),
    }


def train(data: str | Path, epochs: int = 8, seed: int = 0, out: str | Path = CLASSIFIER) -> dict:
    """Train the judge on the 60,000 MNIST training digits (grey levels / 255) with Adam and
    write ``out``; returns its metadata (test accuracy on the 10,000 test digits)."""
    import torch
    from torch import nn

    from gdm_core.data import load_mnist, md5_of_files

    torch.manual_seed(seed)
    images, labels = load_mnist(data, "train")
    test_images, test_labels = load_mnist(data, "test")
    x = torch.from_numpy(images.reshape(-1, 784).astype(np.float32) / 255)
    y = torch.from_numpy(labels.astype(np.int64))
    net = nn.Sequential(nn.Linear(784, HIDDEN), nn.ReLU(), nn.Linear(HIDDEN, 10))
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    rng = np.random.default_rng(seed)
    started, history = time.time(), []
    for epoch in range(epochs):
        t = time.time()
        for idx in np.array_split(rng.permutation(len(x)), len(x) // 128):
            loss = nn.functional.cross_entropy(net(x[idx]), y[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
        history.append({"epoch": epoch + 1, "loss": round(float(loss), 4),
                        "seconds": round(time.time() - t, 1)})
    w = {k: v.detach().numpy() for k, v in net.state_dict().items()}
    arrays = {"w1": w["0.weight"].T.copy(), "b1": w["0.bias"], "w2": w["2.weight"].T.copy(),
              "b2": w["2.bias"]}
    clf = Classifier(**arrays)
    accuracy = float((clf.predict(test_images / 255.0) == test_labels).mean())
    out = Path(out)
    np.savez_compressed(out, **arrays)
    meta = {"command": "python -m gdm_core.classifier " + " ".join(sys.argv[1:]),
            "architecture": f"784 -> {HIDDEN} ReLU -> 10 softmax",
            "recipe": f"Adam lr 1e-3, batch 128, {epochs} epochs, grey levels / 255",
            "seed": seed, "epochs": epochs, "test_accuracy": round(accuracy, 4),
            "train_seconds": round(time.time() - started, 1), "history": history,
            "data_md5": {**md5_of_files(data, "train"), **md5_of_files(data, "test")}}
    out.with_suffix(".json").write_text(json.dumps(meta, indent=2) + "\n")
    return meta


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="Train the shipped digit classifier.")
    parser.add_argument("--data", required=True, help="folder with the four MNIST IDX files")
    parser.add_argument("--epochs", type=int, default=8)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default=str(CLASSIFIER))
    args = parser.parse_args()
    print(json.dumps(train(args.data, args.epochs, args.seed, args.out), indent=2))
