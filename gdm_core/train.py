"""Train a VAE (or the plain autoencoder beside it) on MNIST.

    python -m gdm_core.train --data ../shared/data/mnist --out checkpoints/vae2d.pt
    python -m gdm_core.train --model ae --data ../shared/data/mnist --out checkpoints/ae2d.pt

Each epoch re-binarises the training images at random (dynamic binarisation), so the model
cannot memorise one binary copy; the test set is binarised once, with
``numpy.random.default_rng(0).random(x.shape) < x / 255`` (``gdm_core.data.binarize_test``),
so every figure compares alike.

:class:`TrainingRun` is the training loop as an object that a caller advances chunk by chunk
(the page's "train your own" section: one chunk per script run, a cancel between chunks);
:func:`train_vae` and the command line drive the same object to the end.
"""

from __future__ import annotations

import argparse
import copy
import math
import shlex
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch

from gdm_core import data as _data
from gdm_core.autoencoder import Autoencoder, ae_loss, reconstruction_nats
from gdm_core.data import binarize, load_mnist, md5_of_files
from gdm_core.torch_threads import set_threads
from gdm_core.vae import VAE, VAEConfig, elbo, elbo_estimate, iw_bound

KINDS = ("vae", "ae")
_INIT_LOCK = threading.Lock()  # model initialisation seeds torch's global generator briefly


def binarize_test(images: np.ndarray, index=None) -> torch.Tensor:
    """``gdm_core.data.binarize_test`` as a float tensor (N, 784) (kept here for older callers)."""
    return torch.from_numpy(_data.binarize_test(images, index))


def mean_elbo(model: VAE, x: torch.Tensor, batch: int = 2000, seed: int = 0) -> tuple[float, float]:
    """Mean reconstruction and KL (nats) over x, one z each: ``vae.elbo_estimate`` averaged.

    Kept for older callers; it is :func:`gdm_core.vae.elbo_estimate` with ``samples=1``.
    """
    rec, kl = elbo_estimate(model, x, samples=1, seed=seed, batch=batch)
    return float(rec.mean()), float(kl.mean())


def evaluate(model, x: torch.Tensor, seed: int = 0) -> dict:
    """Test figures of a model (nats, means over x): the ELBO's terms for a VAE (one seeded z
    per digit), the reconstruction log p(x|f(x)) for an autoencoder."""
    if isinstance(model, Autoencoder):
        rec = float(reconstruction_nats(model, x).mean())
        return {"test_neg_rec": round(-rec, 3), "test_rec": round(rec, 3)}
    rec_all, kl_all = elbo_estimate(model, x, samples=1, seed=seed)
    rec, kl = float(rec_all.mean()), float(kl_all.mean())
    return {"test_neg_elbo": round(kl - rec, 3), "test_rec": round(rec, 3), "test_kl": round(kl, 3)}


@dataclass(frozen=True)
class Progress:
    """Where a :class:`TrainingRun` stands after a chunk.

    ``step`` of ``total`` optimiser steps done; ``epoch`` is the epoch being trained (or the
    last one); ``running`` the exponentially averaged training loss (nats: −ELBO for a VAE,
    −log p(x|f(x)) for an autoencoder; None before the first step); ``status`` one of
    ``"running"``, ``"done"``, ``"cancelled"``, ``"stopped"`` (time limit); ``seconds`` the
    compute time spent in :meth:`TrainingRun.step` so far; ``finished_epochs`` how many
    epochs are complete (and evaluated, if there is test data).
    """

    step: int
    total: int
    epoch: int
    running: float | None
    status: str
    seconds: float
    finished_epochs: int

    @property
    def fraction(self) -> float:
        return self.step / self.total if self.total else 1.0

    @property
    def finished(self) -> bool:
        return self.status != "running"


class TrainingRun:
    r"""One training run, advanced chunk by chunk: Adam with a cosine learning-rate schedule.

    The recipe (Kingma & Welling 2014 for the VAE; Kingma & Ba 2015 for Adam; Loshchilov &
    Hutter 2017 for the cosine decay): each epoch binarises the training images afresh,
    shuffles them, and takes one Adam step per batch on the mean loss — the negative ELBO
    :math:`\mathrm{KL}(q\,\|\,p) - \mathbb E_q[\log p(x|z)]` (one reparameterised z) for a VAE,
    :math:`-\log p(x|f(x))` for an autoencoder. The learning rate follows
    :math:`\eta_t = \eta\,(0.02 + 0.98\cdot\tfrac12(1+\cos(\pi t/T)))` over all T steps.

    Everything random comes from ``seed``: the initial weights (built under a lock with
    torch's global generator forked, so other users of torch are not disturbed), the
    binarisation and order (a NumPy generator) and the VAE's noise ε (a private torch
    generator). A run is therefore reproducible step for step whoever else uses torch.

    Parameters
    ----------
    images : uint8 array (N, 28, 28), the training digits (grey levels).
    config : the architecture.
    kind : ``"vae"`` or ``"ae"``.
    epochs, lr, batch_size, seed : the recipe.
    test_x : optional tensor (M, 784) evaluated after every epoch (``evaluate``).
    time_limit : optional seconds of compute after which the run stops itself (status
        ``"stopped"``), checked between batches.

    Examples
    --------
    >>> run = TrainingRun(images, VAEConfig(2, 64, 1, 1), epochs=3)   # doctest: +SKIP
    >>> while not run.step(max_seconds=0.5).finished: ...             # doctest: +SKIP
    >>> model, history = run.result()                                  # doctest: +SKIP
    """

    def __init__(
        self, images: np.ndarray, config: VAEConfig = VAEConfig(), *, kind: str = "vae",
        epochs: int = 10, lr: float = 1e-3, batch_size: int = 128, seed: int = 0,
        test_x: torch.Tensor | None = None, time_limit: float | None = None,
    ):
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, got {kind!r}.")
        if not (isinstance(epochs, (int, np.integer)) and epochs >= 1
                and isinstance(batch_size, (int, np.integer)) and batch_size >= 1
                and isinstance(lr, (int, float)) and math.isfinite(lr) and lr > 0):
            raise ValueError("epochs and batch size must be at least 1 and the learning rate > 0.")
        if time_limit is not None and not time_limit > 0:
            raise ValueError(f"the time limit must be positive seconds, got {time_limit}.")
        images = np.asarray(images)
        if len(images) == 0:
            raise ValueError("there are no training images.")
        if images.ndim != 3 or images.shape[1:] != (28, 28):
            raise ValueError(f"expected training images of shape (N, 28, 28), got {images.shape}.")
        self.images, self.config, self.kind = images, config, kind
        self.epochs, self.lr, self.batch_size, self.seed = int(epochs), lr, int(batch_size), seed
        self.test_x, self.time_limit = test_x, time_limit
        with _INIT_LOCK, torch.random.fork_rng(devices=[]):
            torch.manual_seed(seed)
            self.model = (VAE if kind == "vae" else Autoencoder)(config)
        self._rng = np.random.default_rng(seed)
        # ε gets its own stream, derived from the seed (not equal to the initialisation's).
        noise_seed = int(np.random.SeedSequence([int(seed), 1]).generate_state(1)[0])
        self._noise = torch.Generator().manual_seed(noise_seed)
        self.optimizer = torch.optim.Adam(self.model.parameters(), lr=lr)
        self.steps_per_epoch = math.ceil(len(images) / self.batch_size)
        self.total = self.epochs * self.steps_per_epoch
        total = self.total
        self.schedule = torch.optim.lr_scheduler.LambdaLR(
            self.optimizer,
            lambda s: 0.5 * (1 + math.cos(math.pi * min(s, total) / total)) * 0.98 + 0.02,
        )
        self.history: list[dict] = []
        self.step_count, self.epoch, self.running = 0, 0, None
        self.status, self.seconds = "running", 0.0
        self._x_all = self._order = None
        self._pos, self._epoch_seconds = 0, 0.0

    @classmethod
    def start(cls, config: VAEConfig, images: np.ndarray, **kwargs) -> "TrainingRun":
        """``TrainingRun(images, config, **kwargs)``, named for a page's Start button."""
        return cls(images, config, **kwargs)

    @property
    def loss_name(self) -> str:
        return "train_neg_elbo" if self.kind == "vae" else "train_neg_rec"

    def progress(self) -> Progress:
        return Progress(self.step_count, self.total, self.epoch, self.running, self.status,
                        self.seconds, sum(1 for h in self.history if not h.get("stopped")))

    def _loss(self, x: torch.Tensor) -> torch.Tensor:
        if self.kind == "vae":
            rec, kl = elbo(self.model, x, self._noise)
            return (kl - rec).mean()
        return ae_loss(self.model, x).mean()

    def _one_batch(self) -> dict | None:
        """One optimiser step; returns the epoch's record when this step finished an epoch."""
        n = len(self.images)
        if self._pos == 0:
            self.epoch += 1
            self._x_all = torch.from_numpy(binarize(self.images, self._rng))
            self._order = torch.from_numpy(self._rng.permutation(n))
            self._epoch_seconds = 0.0
        started = time.perf_counter()
        self.model.train()
        x = self._x_all[self._order[self._pos:self._pos + self.batch_size]]
        loss = self._loss(x)
        self.optimizer.zero_grad(set_to_none=True)
        loss.backward()
        self.optimizer.step()
        self.schedule.step()
        self.step_count += 1
        value = loss.item()
        self.running = value if self.running is None else 0.98 * self.running + 0.02 * value
        self._pos += self.batch_size
        record = None
        if self._pos >= n:
            self._pos = 0
            record = {"epoch": self.epoch, self.loss_name: round(self.running, 3)}
            if self.test_x is not None:
                record.update(evaluate(self.model, self.test_x))
        elapsed = time.perf_counter() - started
        self.seconds += elapsed
        self._epoch_seconds += elapsed
        if record is not None:
            record["seconds"] = round(self._epoch_seconds, 1)
            self.history.append(record)
            if self.step_count >= self.total:
                self.status = "done"
                self.model.eval()
        return record

    def step(self, max_batches: int | None = None, max_seconds: float | None = None,
             on_epoch: Callable[[dict], None] | None = None) -> Progress:
        """Train one chunk: at least one batch, then until ``max_batches`` batches or
        ``max_seconds`` of compute (whichever comes first; with neither, to the end).

        ``on_epoch(record)`` is called when an epoch finishes. A finished run does nothing.
        """
        if max_batches is not None and max_batches < 1:
            raise ValueError(f"max_batches must be at least 1, got {max_batches}.")
        started, done = time.perf_counter(), 0
        while self.status == "running":
            record = self._one_batch()
            done += 1
            if record is not None and on_epoch is not None:
                on_epoch(record)
            if self.status != "running":
                break
            if self.time_limit is not None and self.seconds >= self.time_limit:
                self._stop("stopped")
                break
            if max_batches is not None and done >= max_batches:
                break
            if max_seconds is not None and time.perf_counter() - started >= max_seconds:
                break
        return self.progress()

    def _stop(self, status: str) -> None:
        self.status = status
        self.history.append({"epoch": self.epoch, self.loss_name: self.running, "stopped": True})
        self.model.eval()

    def cancel(self) -> Progress:
        """Stop a running run between chunks (status ``"cancelled"``); the model stays usable."""
        if self.status == "running":
            self._stop("cancelled")
        return self.progress()

    def result(self) -> tuple[VAE | Autoencoder, list[dict]]:
        """A copy of the model as it is now (eval mode) and the history so far.

        The copy does not change when the run goes on; a finished, cancelled or stopped run's
        model is final.
        """
        return copy.deepcopy(self.model).eval(), [dict(h) for h in self.history]


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
    kind: str = "vae",
) -> tuple[VAE | Autoencoder, list[dict]]:
    """Run a :class:`TrainingRun` to the end; returns the model (eval mode) and its history.

    ``on_progress(step, total_steps, running_loss)`` is called after every batch, and
    ``should_stop()`` lets a caller end training between batches; ``on_epoch(model, history)``
    after every epoch (the model still in training mode), ``log(line)`` with each epoch's record.
    """
    run = TrainingRun(images, config, kind=kind, epochs=epochs, lr=lr, batch_size=batch_size,
                      seed=seed, test_x=test_x)
    while run.status == "running":
        record = run._one_batch()
        if on_progress:
            on_progress(run.step_count, run.total, run.running)
        if record is not None:
            if log:
                log(" ".join(f"{k}={v}" for k, v in record.items()))
            if on_epoch:
                run.model.train()
                on_epoch(run.model, run.history)
        if run.status == "running" and should_stop and should_stop():
            run._stop("stopped")
    return run.model.eval(), run.history


class _ProgressBar:
    """A one-line text progress bar with the running loss (no extra dependency)."""

    def __init__(self, stream=sys.stderr, label: str = "-ELBO"):
        self.stream, self.last, self.label = stream, 0.0, label

    def __call__(self, step: int, total: int, running: float) -> None:
        now = time.time()
        if now - self.last < 0.5 and step != total:
            return
        self.last = now
        filled = int(30 * step / total)
        self.stream.write(f"\r[{'#' * filled}{'.' * (30 - filled)}] {step}/{total} "
                          f"{self.label} {running:7.2f}")
        self.stream.flush()


def final_metrics(model, test_x: torch.Tensor, seed: int = 0, iw_k: int = 1000,
                  iw_n: int = 1000) -> dict:
    """End-of-run test metrics (nats). VAE: the ELBO's terms (one seeded z per digit) and the
    importance-weighted bound with ``iw_k`` samples on the first ``iw_n`` digits; autoencoder:
    the reconstruction log p(x|f(x)) and where its codes lie."""
    if isinstance(model, Autoencoder):
        rec = reconstruction_nats(model, test_x)
        from gdm_core.autoencoder import codes

        c = codes(model, test_x)
        return {
            "test_reconstruction": round(float(rec.mean()), 3),
            "test_neg_reconstruction": round(float(-rec.mean()), 3),
            "test_images": len(test_x),
            "code_mean": [round(float(v), 3) for v in c.mean(0)],
            "code_std": [round(float(v), 3) for v in c.std(0)],
            "code_min": [round(float(v), 3) for v in c.min(0)],
            "code_max": [round(float(v), 3) for v in c.max(0)],
        }
    rec_all, kl_all = elbo_estimate(model, test_x, samples=1, seed=seed)
    rec, kl = float(rec_all.mean()), float(kl_all.mean())
    g = torch.Generator().manual_seed(int(seed))
    iw = torch.cat([iw_bound(model, test_x[i:i + 100], k=iw_k, generator=g)
                    for i in range(0, min(iw_n, len(test_x)), 100)]).mean().item()
    return {
        "test_neg_elbo": round(kl - rec, 3), "test_reconstruction": round(rec, 3),
        "test_kl": round(kl, 3), "test_images": len(test_x),
        f"test_neg_iw_bound_k{iw_k}_first{iw_n}": round(-iw, 3),
    }


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--data", required=True, help="folder with the four MNIST IDX files")
    p.add_argument("--out", required=True, help="checkpoint path (.pt); metadata goes beside it")
    p.add_argument("--model", choices=KINDS, default="vae",
                   help="vae, or ae: the plain autoencoder (same layers, no noise, no KL)")
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
    p.add_argument("--note", default="", help="a remark stored in the metadata")
    args = p.parse_args(argv)
    if args.threads:
        set_threads(args.threads)

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
        "torch_threads": torch.get_num_threads(),
        "data_md5": {**md5_of_files(args.data, "train"), **md5_of_files(args.data, "test")},
        "test_binarization": _data.TEST_BINARIZATION,
        "recipe": (f"Adam lr {args.lr:g}, cosine decay to 2% over {args.epochs} epochs, "
                   f"batch {args.batch_size}, dynamic binarisation"),
    }
    if args.note:
        provenance["note"] = args.note

    def save_partial(model, history: list[dict]) -> None:
        # A long run that is cut off still leaves a usable checkpoint behind.
        save_checkpoint(model, args.out, {**provenance, "history": history, "partial": True})

    model, history = train_vae(
        train_images, config, args.epochs, args.lr, args.batch_size, args.seed, test_x,
        on_progress=_ProgressBar(label="-ELBO" if args.model == "vae" else "-log p(x|f(x))"),
        log=lambda s: print("\n" + s, flush=True), on_epoch=save_partial, kind=args.model,
    )
    metrics = final_metrics(model, test_x, args.seed, args.iw_k, args.iw_n)
    metrics["train_seconds"] = round(time.time() - started, 1)
    print(metrics, flush=True)
    save_checkpoint(model, args.out, {**provenance, "history": history, "metrics": metrics})


if __name__ == "__main__":
    main()
