"""Evaluate a VAE checkpoint on the MNIST test set, as the README reports it; export the
latent-dimension study's metrics and prior samples.

    python bench/eval_vae.py --data ../shared/data/mnist --checkpoint checkpoints/vae2d.npz
    python bench/eval_vae.py --summary checkpoints/latent_dims --checkpoint runs/vae_d5.pt

The test images are binarised once with ``numpy.random.default_rng(0).random(x.shape) < x/255``
(``gdm_core.data.binarize_test``). Prints the negative ELBO on all 10,000 images with
``vae.elbo_estimate`` (the project's one seeded ELBO estimator; mean over several z samples per
image, so the figure does not depend on one draw) and the importance-weighted bound with k
samples on the first n images (``numpy.random.default_rng(0)``).

The model runs as the app serves it, in NumPy (``numpy_nets.load_net``: the checkpoint's
``.npz`` weights and ``.json`` metadata; ``--checkpoint`` may name the ``.pt``, ``.npz`` or
``.json`` of a checkpoint — a training writes the ``.npz`` beside its ``.pt``). No torch.

``--summary DIR`` ships a trained checkpoint in DIR: ``vae_d{d}.npz`` (the weights as served),
``vae_d{d}.json`` (its metadata: architecture, the training command that reproduces it, per-epoch
history, test metrics and the torch weights' sha256, which the ``.npz`` records too) and
``vae_d{d}_samples.npz`` (z ~ N(0, I) with seed 0, and the decoded pixel probabilities as uint8
0–255).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

if __name__ == "__main__":  # BLAS reads its thread count when NumPy loads: set it first
    _threads = argparse.ArgumentParser(add_help=False)
    _threads.add_argument("--threads", type=int, default=1)
    _n = str(max(1, _threads.parse_known_args()[0].threads))
    for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(_var, _n)

import numpy as np  # noqa: E402

from gdm_core import vae  # noqa: E402
from gdm_core.data import load_mnist  # noqa: E402
from gdm_core.numpy_nets import load_net, weights_path  # noqa: E402


def export_summary(checkpoint, out_dir, n_samples: int = 16, seed: int = 0) -> tuple[Path, Path]:
    """Ship a VAE checkpoint in ``out_dir``: its weights and metadata (the sha256 kept, so the
    app's loader checks them) with ``n_samples`` decoded prior samples beside them."""
    import shutil

    model, meta = load_net(checkpoint, kind="vae")
    d = model.config.latent_dim
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    z, images = vae.sample_prior(model, n_samples, seed)
    npz = out_dir / f"vae_d{d}_samples.npz"
    np.savez_compressed(npz, z=z.astype(np.float32),
                        images=np.rint(images * 255).astype(np.uint8))
    source, weights = weights_path(checkpoint), out_dir / f"vae_d{d}.npz"
    if source.resolve() != weights.resolve():
        shutil.copyfile(source, weights)
    meta["samples"] = {"file": npz.name, "n": n_samples, "seed": seed,
                       "how": "vae.sample_prior(model, n, seed): z ~ N(0, I) from "
                              "numpy.random.default_rng(seed); images = round(255 · "
                              "sigmoid(decoder(z)))"}
    meta["parameters"] = model.n_weights
    js = out_dir / f"vae_d{d}.json"
    js.write_text(json.dumps(meta, indent=2) + "\n")
    return js, npz


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--data", help="folder with the MNIST IDX files (for the evaluation)")
    p.add_argument("--checkpoint", default="checkpoints/vae2d.npz",
                   help="a checkpoint's .npz (or its .pt or .json: the .npz beside it is read)")
    p.add_argument("--elbo-samples", type=int, default=10)
    p.add_argument("--k", type=int, default=1000)
    p.add_argument("--n", type=int, default=1000)
    p.add_argument("--skip-iw", action="store_true", help="only the ELBO")
    p.add_argument("--summary", help="export metadata + prior samples to this folder instead")
    p.add_argument("--threads", type=int, default=1,
                   help="BLAS threads (unless OMP/OPENBLAS/MKL_NUM_THREADS are already set)")
    args = p.parse_args()
    if args.summary:
        for path in export_summary(args.checkpoint, args.summary):
            print(path, path.stat().st_size, "bytes")
        return
    if not args.data:
        p.error("--data is required for an evaluation")
    model, meta = load_net(args.checkpoint, kind="vae")
    images, _ = load_mnist(args.data, "test")
    x = vae.model_input(images)
    t = time.time()
    rec, kl = vae.elbo_estimate(model, x, samples=args.elbo_samples, seed=0)
    print(f"negative ELBO on {len(x)} test images ({args.elbo_samples} z samples each, "
          f"vae.elbo_estimate seed 0): {(kl - rec).mean():.2f} nats  "
          f"(reconstruction {rec.mean():.2f}, KL {kl.mean():.2f})  ({time.time() - t:.0f} s)")
    if args.skip_iw:
        return
    rng = np.random.default_rng(0)
    chunks = [vae.iw_bound(model, x[i:min(i + 100, args.n)], k=args.k, rng=rng)
              for i in range(0, args.n, 100)]
    iw = float(np.concatenate(chunks).mean())
    print(f"negative IW bound, k = {args.k}, first {args.n} test images: {-iw:.2f} nats")
    print(f"({time.time() - t:.0f} s)")


if __name__ == "__main__":
    main()
