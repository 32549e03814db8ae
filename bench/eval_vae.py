"""Evaluate a VAE checkpoint on the MNIST test set, as the README reports it.

    python bench/eval_vae.py --data ../shared/data/mnist --checkpoint checkpoints/vae2d.pt

The test images are binarised once with ``numpy.random.default_rng(0).random(x.shape) < x/255``.
Prints the negative ELBO on all 10,000 images (mean over several z samples, so the figure does
not depend on one draw) and the importance-weighted bound with k samples on the first n images.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import torch  # noqa: E402

from gdm_core.checkpoints import load_checkpoint  # noqa: E402
from gdm_core.data import load_mnist  # noqa: E402
from gdm_core.train import binarize_test, mean_elbo  # noqa: E402
from gdm_core.vae import iw_bound  # noqa: E402


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--data", required=True)
    p.add_argument("--checkpoint", default="checkpoints/vae2d.pt")
    p.add_argument("--elbo-samples", type=int, default=10)
    p.add_argument("--k", type=int, default=1000)
    p.add_argument("--n", type=int, default=1000)
    args = p.parse_args()
    model, meta = load_checkpoint(args.checkpoint)
    images, _ = load_mnist(args.data, "test")
    x = binarize_test(images)
    t = time.time()
    terms = [mean_elbo(model, x, seed=s) for s in range(args.elbo_samples)]
    rec = sum(r for r, _ in terms) / len(terms)
    kl = sum(k for _, k in terms) / len(terms)
    print(f"negative ELBO on {len(x)} test images ({args.elbo_samples} z samples each): "
          f"{kl - rec:.2f} nats  (reconstruction {rec:.2f}, KL {kl:.2f})")
    torch.manual_seed(0)
    chunks = [iw_bound(model, x[i:i + 100], k=args.k) for i in range(0, args.n, 100)]
    iw = torch.cat(chunks).mean().item()
    print(f"negative IW bound, k = {args.k}, first {args.n} test images: {-iw:.2f} nats")
    print(f"({time.time() - t:.0f} s)")


if __name__ == "__main__":
    main()
