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
import json
import math
import os
import shlex
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from gdm_core.autoencoder import codes, reconstruction_nats
from gdm_core.checkpoints import save_checkpoint
from gdm_core.data import TEST_BINARIZATION, binarize, binarize_test, load_mnist, md5_of_files
from gdm_core.layers import VAEConfig
from gdm_core.numpy_nets import as_numpy
from gdm_core.torch_threads import set_threads
from gdm_core.torch_nets import VAE, Autoencoder, ae_loss, elbo
from gdm_core.vae import elbo_estimate, iw_bound

KINDS = ("vae", "ae")
_INIT_LOCK = threading.Lock()  # model initialisation seeds torch's global generator briefly


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
    kl_warmup : epochs over which the KL term's weight rises linearly from 0 to 1 (VAE only;
        Bowman et al. 2016, Sønderby et al. 2016). 0: the plain ELBO from the first step.
    valid_x : optional held-out tensor (M, 784); after each epoch the model is scored on it
        (``evaluate``) and the best epoch's weights are kept (:meth:`best_model`): early
        stopping by model selection, as in Davidson et al. 2018.

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
        kl_warmup: int = 0, valid_x: torch.Tensor | None = None,
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
        if not (isinstance(kl_warmup, (int, np.integer)) and kl_warmup >= 0):
            raise ValueError(f"the KL warm-up must be a whole number of epochs >= 0, got {kl_warmup}.")
        self.kl_warmup, self.valid_x = int(kl_warmup), valid_x
        self.best: dict | None = None  # {"epoch", "valid", "state"}: the best validation epoch
        with _INIT_LOCK, torch.random.fork_rng(devices=[]):
            torch.manual_seed(seed)
            self.model = (VAE if kind == "vae" else Autoencoder)(config)
        self._rng: np.random.Generator | None = None  # set per epoch in _one_batch
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

    def kl_weight(self) -> float:
        """The KL term's weight β at the current step: 1, or rising linearly during warm-up."""
        if self.kl_warmup == 0:
            return 1.0
        return min(1.0, self.step_count / (self.kl_warmup * self.steps_per_epoch))

    def _loss(self, x: torch.Tensor) -> torch.Tensor:
        if self.kind == "vae":
            rec, kl = elbo(self.model, x, self._noise)
            return (self.kl_weight() * kl - rec).mean()
        return ae_loss(self.model, x).mean()

    def _one_batch(self) -> dict | None:
        """One optimiser step; returns the epoch's record when this step finished an epoch."""
        n = len(self.images)
        if self._pos == 0:
            self.epoch += 1
            # One generator per epoch, derived from (seed, epoch): a run resumed at an epoch
            # boundary draws exactly what the uninterrupted run would have drawn.
            self._rng = np.random.default_rng([int(self.seed), self.epoch])
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
            if self.valid_x is not None:
                self._select(record)
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

    def _select(self, record: dict) -> None:
        """Score the epoch on the validation set; keep the weights if it is the best so far."""
        scores = evaluate(self.model, self.valid_x)
        value = scores.get("test_neg_elbo", scores.get("test_neg_rec"))
        record["valid_loss"] = value
        if self.best is None or value < self.best["valid"]:
            state = {k: v.detach().clone() for k, v in self.model.state_dict().items()}
            self.best = {"epoch": self.epoch, "valid": value, "state": state}

    def best_model(self):
        """A copy of the model at its best validation epoch (eval mode); the last one if there
        is no validation set."""
        model = copy.deepcopy(self.model)
        if self.best is not None:
            model.load_state_dict(self.best["state"])
        return model.eval()

    def state_dict(self) -> dict:
        """Everything needed to resume at an epoch boundary, as tensors and plain values only
        (saved with ``torch.save``, read back with ``weights_only=True``)."""
        if self._pos != 0:
            raise ValueError("a run can be saved for resuming only between epochs.")
        return {
            "model": self.model.state_dict(), "optimizer": self.optimizer.state_dict(),
            "schedule": self.schedule.state_dict(), "noise": self._noise.get_state(),
            "step_count": self.step_count, "epoch": self.epoch, "seconds": self.seconds,
            "running": self.running, "history": json.dumps(self.history),
            "best": None if self.best is None else {
                "epoch": self.best["epoch"], "valid": self.best["valid"],
                "state": self.best["state"]},
        }

    def load_state_dict(self, state: dict) -> None:
        """Resume from :meth:`state_dict` (the same recipe must have built this run)."""
        self.model.load_state_dict(state["model"])
        self.optimizer.load_state_dict(state["optimizer"])
        self.schedule.load_state_dict(state["schedule"])
        self._noise.set_state(state["noise"])
        self.step_count, self.epoch = int(state["step_count"]), int(state["epoch"])
        self.seconds, self.running = float(state["seconds"]), state["running"]
        self.history = json.loads(state["history"])
        self.best = state["best"]
        if self.step_count >= self.total:
            self.status = "done"
            self.model.eval()

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
    net, rng, x = as_numpy(model), np.random.default_rng(int(seed)), np.asarray(test_x)
    iw = float(np.concatenate([iw_bound(net, x[i:i + 100], k=iw_k, rng=rng)
                               for i in range(0, min(iw_n, len(x)), 100)]).mean())
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
    p.add_argument("--kl-warmup", type=int, default=0,
                   help="epochs over which the KL weight rises from 0 to 1 (VAE)")
    p.add_argument("--valid", type=int, default=0,
                   help="hold out the last N training images; keep the best epoch on them")
    p.add_argument("--resume", action="store_true",
                   help="continue from OUT.state.pt (written after every epoch) if it exists")
    p.add_argument("--paired-with", default="",
                   help="the checkpoint this one is trained to be compared with (metadata)")
    args = p.parse_args(argv)
    if args.threads:
        set_threads(args.threads)

    train_images, _ = load_mnist(args.data, "train")
    if args.limit:
        train_images = train_images[: args.limit]
    valid_x = None
    if args.valid:
        # The held-out digits get the test set's fixed binarisation, so every epoch is scored
        # on the same bits.
        train_images, valid_images = train_images[:-args.valid], train_images[-args.valid:]
        valid_x = torch.from_numpy(binarize_test(valid_images))
    test_images, _ = load_mnist(args.data, "test")
    test_x = torch.from_numpy(binarize_test(test_images))
    config = VAEConfig(args.latent, args.hidden, args.enc_layers, args.dec_layers)
    recipe = (f"Adam lr {args.lr:g}, cosine decay to 2% over {args.epochs} epochs, "
              f"batch {args.batch_size}, dynamic binarisation")
    if args.kl_warmup and args.model == "vae":
        recipe += f", KL weight 0 -> 1 over {args.kl_warmup} epochs"
    if args.valid:
        recipe += (f", {args.valid} training digits held out; the best epoch on them is kept")
    provenance = {
        "command": "python -m gdm_core.train " + shlex.join(argv),
        "seed": args.seed,
        "torch": torch.__version__,
        "torch_threads": torch.get_num_threads(),
        "data_md5": {**md5_of_files(args.data, "train"), **md5_of_files(args.data, "test")},
        "test_binarization": TEST_BINARIZATION,
        "recipe": recipe,
        "epochs": args.epochs,
    }
    if args.note:
        provenance["note"] = args.note
    if args.paired_with:
        provenance["paired_with"] = args.paired_with

    run = TrainingRun(train_images, config, kind=args.model, epochs=args.epochs, lr=args.lr,
                      batch_size=args.batch_size, seed=args.seed, test_x=test_x,
                      kl_warmup=args.kl_warmup if args.model == "vae" else 0, valid_x=valid_x)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    state_file = out.with_suffix(".state.pt")
    if args.resume and state_file.is_file():
        run.load_state_dict(torch.load(state_file, map_location="cpu", weights_only=True))
        print(f"resumed after epoch {run.epoch} ({run.step_count}/{run.total} steps)", flush=True)
    bar = _ProgressBar(label="-ELBO" if args.model == "vae" else "-log p(x|f(x))")
    while run.status == "running":
        record = run._one_batch()
        bar(run.step_count, run.total, run.running)
        if record is not None:
            print("\n" + " ".join(f"{k}={v}" for k, v in record.items()), flush=True)
            tmp = state_file.with_name(state_file.name + ".tmp")
            torch.save(run.state_dict(), tmp)
            os.replace(tmp, state_file)  # a long run that is cut off resumes from here
            save_checkpoint(run.best_model(), out,
                            {**provenance, "history": run.history, "partial": True})
    model = run.best_model()
    started = time.time()
    metrics = final_metrics(model, test_x, args.seed, args.iw_k, args.iw_n)
    metrics["eval_seconds"] = round(time.time() - started, 1)
    metrics["train_seconds"] = round(run.seconds, 1)
    metrics["seconds_per_epoch"] = round(run.seconds / max(run.epoch, 1), 1)
    if run.best is not None:
        metrics["best_epoch"] = run.best["epoch"]
        metrics["valid_loss"] = run.best["valid"]
    print(metrics, flush=True)
    save_checkpoint(model, out, {**provenance, "history": run.history, "metrics": metrics})
    state_file.unlink(missing_ok=True)


if __name__ == "__main__":
    main()
