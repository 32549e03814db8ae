"""Train a VAE on MNIST.

    python -m gdm_core.train --data ../shared/data/mnist --out checkpoints/vae2d.pt

Each epoch re-binarises the training images at random (dynamic binarisation), so the model
cannot memorise one binary copy; the test set is binarised once, with
``numpy.random.default_rng(0).random(x.shape) < x / 255``, so every figure compares alike.
"""

from __future__ import annotations

import argparse
import math
import shlex
import sys
import time
from collections.abc import Callable

import numpy as np
import torch

from gdm_core.data import binarize, load_mnist, md5_of_files
from gdm_core.vae import VAE, VAEConfig, elbo, iw_bound


def binarize_test(images: np.ndarray) -> torch.Tensor:
    """The fixed test binarisation every reported number uses."""
    x = images.reshape(len(images), -1).astype(np.float64) / 255.0
    return torch.from_numpy((np.random.default_rng(0).random(x.shape) < x).astype(np.float32))


@torch.no_grad()
def mean_elbo(model: VAE, x: torch.Tensor, batch: int = 2000, seed: int = 0) -> tuple[float, float]:
    """Mean reconstruction and KL terms (nats) over x, one z sample each, in eval mode."""
    was_training = model.training
    model.eval()
    torch.manual_seed(seed)
    rec_sum = kl_sum = 0.0
    for start in range(0, len(x), batch):
        rec, kl = elbo(model, x[start:start + batch])
        rec_sum += rec.sum().item()
        kl_sum += kl.sum().item()
    model.train(was_training)
    return rec_sum / len(x), kl_sum / len(x)


def train_vae(
    images: np.ndarray,
    config: VAEConfig = VAEConfig(),
    epochs: int = 10,
    lr: float = 1e-3,
    batch_size: int = 128,
    seed: int = 0,
    test_x: torch.Tensor | None = None,
    on_progress: Callable[[int, int, float], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
    log: Callable[[str], None] | None = None,
    on_epoch: Callable[[VAE, list[dict]], None] | None = None,
) -> tuple[VAE, list[dict]]:
    """Fit a VAE with Adam and a cosine learning-rate schedule; returns the model and history.

    ``on_progress(step, total_steps, running_neg_elbo)`` is called after every batch, and
    ``should_stop()`` lets a caller (the page's cancel button) end training between batches.
    """
    if epochs < 1 or batch_size < 1 or not lr > 0:
        raise ValueError("epochs and batch size must be at least 1 and the learning rate > 0.")
    if len(images) == 0:
        raise ValueError("there are no training images.")
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    model = VAE(config)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    steps_per_epoch = math.ceil(len(images) / batch_size)
    total = epochs * steps_per_epoch
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda s: 0.5 * (1 + math.cos(math.pi * min(s, total) / total)) * 0.98 + 0.02
    )
    history: list[dict] = []
    step = 0
    for epoch in range(1, epochs + 1):
        model.train()
        x_all = torch.from_numpy(binarize(images, rng))
        order = torch.from_numpy(rng.permutation(len(images)))
        running, start_time = None, time.time()
        for start in range(0, len(images), batch_size):
            x = x_all[order[start:start + batch_size]]
            rec, kl = elbo(model, x)
            loss = (kl - rec).mean()
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            schedule.step()
            step += 1
            running = loss.item() if running is None else 0.98 * running + 0.02 * loss.item()
            if on_progress:
                on_progress(step, total, running)
            if should_stop and should_stop():
                history.append({"epoch": epoch, "train_neg_elbo": running, "stopped": True})
                return model.eval(), history
        record = {"epoch": epoch, "train_neg_elbo": round(running, 3),
                  "seconds": round(time.time() - start_time, 1)}
        if test_x is not None:
            rec, kl = mean_elbo(model, test_x)
            record.update(test_neg_elbo=round(kl - rec, 3), test_rec=round(rec, 3),
                          test_kl=round(kl, 3))
        history.append(record)
        if log:
            log(" ".join(f"{k}={v}" for k, v in record.items()))
        if on_epoch:
            on_epoch(model, history)
    return model.eval(), history


class _ProgressBar:
    """A one-line text progress bar with the running negative ELBO (no extra dependency)."""

    def __init__(self, stream=sys.stderr):
        self.stream, self.last = stream, 0.0

    def __call__(self, step: int, total: int, running: float) -> None:
        now = time.time()
        if now - self.last < 0.5 and step != total:
            return
        self.last = now
        filled = int(30 * step / total)
        self.stream.write(f"\r[{'#' * filled}{'.' * (30 - filled)}] {step}/{total} "
                          f"-ELBO {running:7.2f}")
        self.stream.flush()


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--data", required=True, help="folder with the four MNIST IDX files")
    p.add_argument("--out", required=True, help="checkpoint path (.pt); metadata goes beside it")
    p.add_argument("--epochs", type=int, default=25)
    p.add_argument("--latent", type=int, default=2)
    p.add_argument("--hidden", type=int, default=512)
    p.add_argument("--enc-layers", type=int, default=2)
    p.add_argument("--dec-layers", type=int, default=2)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--batch-size", type=int, default=128)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--threads", type=int, default=0, help="torch threads (0: torch's default)")
    p.add_argument("--iw-k", type=int, default=1000, help="samples for the final IW bound")
    p.add_argument("--iw-n", type=int, default=1000, help="test images for the final IW bound")
    p.add_argument("--limit", type=int, default=0, help="train on the first N images only (0: all)")
    args = p.parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)

    train_images, _ = load_mnist(args.data, "train")
    if args.limit:
        train_images = train_images[: args.limit]
    test_images, _ = load_mnist(args.data, "test")
    test_x = binarize_test(test_images)
    config = VAEConfig(args.latent, args.hidden, args.enc_layers, args.dec_layers)
    started = time.time()
    from gdm_core.checkpoints import save_checkpoint

    provenance = {
        "command": "python -m gdm_core.train " + shlex.join(argv),
        "seed": args.seed,
        "torch": torch.__version__,
        "data_md5": {**md5_of_files(args.data, "train"), **md5_of_files(args.data, "test")},
        "test_binarization": "numpy.random.default_rng(0).random(x.shape) < x / 255",
    }

    def save_partial(model: VAE, history: list[dict]) -> None:
        # A long run that is cut off still leaves a usable checkpoint behind.
        save_checkpoint(model, args.out, {**provenance, "history": history, "partial": True})

    model, history = train_vae(
        train_images, config, args.epochs, args.lr, args.batch_size, args.seed, test_x,
        on_progress=_ProgressBar(), log=lambda s: print("\n" + s, flush=True),
        on_epoch=save_partial,
    )
    rec, kl = mean_elbo(model, test_x)
    torch.manual_seed(args.seed)
    iw = iw_bound(model, test_x[: args.iw_n], k=args.iw_k).mean().item()
    metrics = {
        "test_neg_elbo": round(kl - rec, 3), "test_reconstruction": round(rec, 3),
        "test_kl": round(kl, 3), "test_images": len(test_x),
        f"test_neg_iw_bound_k{args.iw_k}_first{args.iw_n}": round(-iw, 3),
        "train_seconds": round(time.time() - started, 1),
    }
    print(metrics, flush=True)
    save_checkpoint(model, args.out, {**provenance, "history": history, "metrics": metrics})


if __name__ == "__main__":
    main()
