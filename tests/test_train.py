"""Training: a few steps on tiny synthetic data lower the loss, seeds repeat, stopping works."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch

from gdm_core import train
from gdm_core.data import FILES, write_idx
from gdm_core.vae import VAE, VAEConfig

TINY = VAEConfig(latent_dim=2, hidden=16, enc_layers=1, dec_layers=1)


@pytest.fixture(autouse=True)
def _one_thread():
    before = torch.get_num_threads()
    torch.set_num_threads(1)  # tiny models: faster, and bit-for-bit repeatable
    yield
    torch.set_num_threads(before)


def _synthetic(n: int = 240, seed: int = 0) -> np.ndarray:
    """Two kinds of 'digit': a bright left half or a bright bottom half, with grey noise."""
    rng = np.random.default_rng(seed)
    images = rng.integers(0, 40, (n, 28, 28)).astype(np.uint8)
    images[: n // 2, :, :14] = 230
    images[n // 2:, 14:, :] = 230
    return images


def _neg_elbo(model: VAE, images: np.ndarray) -> float:
    rec, kl = train.mean_elbo(model, train.binarize_test(images))
    return kl - rec


def test_a_few_epochs_lower_the_negative_elbo():
    images = _synthetic()
    torch.manual_seed(3)
    before = _neg_elbo(VAE(TINY), images)  # the same initialisation train_vae starts from
    model, history = train.train_vae(images, TINY, epochs=5, lr=1e-2, batch_size=20, seed=3)
    after = _neg_elbo(model, images)
    # From ~550 nats (random decoder, 784 pixels) to well under 400: a large, certain drop
    # (seeds 0-3 all end between 239 and 293 nats).
    assert after < 0.7 * before, (before, after)
    assert [h["epoch"] for h in history] == [1, 2, 3, 4, 5]
    assert history[-1]["train_neg_elbo"] < history[0]["train_neg_elbo"]
    assert not model.training


def test_same_seed_same_model_other_seed_other_model():
    images = _synthetic(80)
    a, ha = train.train_vae(images, TINY, epochs=1, batch_size=20, seed=7)
    b, hb = train.train_vae(images, TINY, epochs=1, batch_size=20, seed=7)
    c, _ = train.train_vae(images, TINY, epochs=1, batch_size=20, seed=8)
    for (k, v), w in zip(a.state_dict().items(), b.state_dict().values()):
        assert torch.equal(v, w), k
    assert ha[0]["train_neg_elbo"] == hb[0]["train_neg_elbo"]
    assert not torch.equal(a.to_mu.weight, c.to_mu.weight)


def test_should_stop_ends_training_between_batches():
    images = _synthetic(100)
    calls = []
    model, history = train.train_vae(
        images, TINY, epochs=5, batch_size=10, seed=0,
        on_progress=lambda step, total, running: calls.append((step, total, running)),
        should_stop=lambda: len(calls) >= 3,
    )
    assert [c[0] for c in calls] == [1, 2, 3] and calls[0][1] == 50
    assert history == [{"epoch": 1, "train_neg_elbo": calls[-1][2], "stopped": True}]
    assert not model.training


def test_progress_and_epoch_callbacks_and_test_evaluation():
    images = _synthetic(60)
    test_x = train.binarize_test(images[:20])
    steps, epochs = [], []
    _, history = train.train_vae(
        images, TINY, epochs=2, batch_size=25, seed=0, test_x=test_x,
        on_progress=lambda s, t, r: steps.append(s),
        on_epoch=lambda m, h: epochs.append((m.training, len(h))),
    )
    assert steps == list(range(1, 7))  # ceil(60 / 25) = 3 batches per epoch
    assert epochs == [(True, 1), (True, 2)]
    for h in history:
        assert h["test_neg_elbo"] == pytest.approx(h["test_kl"] - h["test_rec"], abs=2e-3)
        assert h["test_kl"] >= 0 and h["test_rec"] <= 0


@pytest.mark.parametrize("kwargs", [dict(epochs=0), dict(batch_size=0), dict(lr=0.0),
                                    dict(lr=float("nan"))])
def test_bad_settings_are_value_errors(kwargs):
    with pytest.raises(ValueError):
        train.train_vae(_synthetic(10), TINY, **kwargs)


def test_no_images_is_a_value_error():
    with pytest.raises(ValueError, match="no training images"):
        train.train_vae(np.zeros((0, 28, 28), dtype=np.uint8), TINY)


def test_test_binarisation_is_the_documented_formula():
    images = _synthetic(5)
    x = images.reshape(5, -1) / 255
    expected = np.random.default_rng(0).random(x.shape) < x
    assert np.array_equal(train.binarize_test(images).numpy(), expected.astype(np.float32))
    # Row-major draws: the first rows of a bigger set binarise the same way.
    assert np.array_equal(train.binarize_test(images[:2]).numpy(), expected[:2])


def test_mean_elbo_restores_training_mode_and_is_seeded():
    model = VAE(TINY).train()
    x = train.binarize_test(_synthetic(30))
    first = train.mean_elbo(model, x, batch=7, seed=1)
    assert model.training
    assert train.mean_elbo(model, x, batch=7, seed=1) == first
    assert train.mean_elbo(model.eval(), x, batch=7, seed=2) != first
    assert not model.training


def test_command_line_writes_a_checkpoint_with_its_provenance(tmp_path, capsys):
    data = tmp_path / "mnist"
    data.mkdir()
    rng = np.random.default_rng(0)
    for split, n in (("train", 60), ("test", 30)):
        img, lbl = FILES[split]
        write_idx(data / (img + ".gz"), _synthetic(n, seed=n))
        write_idx(data / (lbl + ".gz"), rng.integers(0, 10, n).astype(np.uint8))
    out = tmp_path / "ck" / "v.pt"
    argv = ["--data", str(data), "--out", str(out), "--epochs", "2", "--hidden", "8",
            "--enc-layers", "1", "--dec-layers", "1", "--batch-size", "20", "--seed", "4",
            "--iw-k", "5", "--iw-n", "10", "--threads", "1"]
    train.main(argv)
    meta = json.loads(out.with_suffix(".json").read_text())
    assert meta["command"].startswith("python -m gdm_core.train --data")
    assert meta["seed"] == 4 and len(meta["history"]) == 2 and "partial" not in meta
    assert meta["architecture"] == {"latent_dim": 2, "hidden": 8, "enc_layers": 1,
                                    "dec_layers": 1}
    assert set(meta["data_md5"]) == {n for pair in FILES.values() for n in pair}
    m = meta["metrics"]
    assert m["test_images"] == 30
    assert m["test_neg_elbo"] == pytest.approx(m["test_kl"] - m["test_reconstruction"], abs=2e-3)
    assert "test_neg_iw_bound_k5_first10" in m
    from gdm_core.checkpoints import load_checkpoint

    load_checkpoint(out)
