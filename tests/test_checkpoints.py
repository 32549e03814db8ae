"""Checkpoints: round trip, every way a file can be broken, and no code execution on load."""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
import time

import pytest
import torch

from gdm_core.checkpoints import (
    CheckpointError, load_autoencoder, load_checkpoint, load_metadata, load_vae, metadata_path,
    save_checkpoint,
)
from gdm_core.layers import VAEConfig
from gdm_core.torch_nets import VAE, Autoencoder

CONFIG = VAEConfig(latent_dim=2, hidden=8, enc_layers=1, dec_layers=2)


@pytest.fixture
def saved(tmp_path):
    torch.manual_seed(0)
    model = VAE(CONFIG)
    path = tmp_path / "tiny.pt"
    save_checkpoint(model, path, {"seed": 0, "history": [{"epoch": 1, "test_neg_elbo": 200.0}]})
    return model, path


def _meta(path):
    return json.loads(metadata_path(path).read_text())


def _write_meta(path, meta):
    metadata_path(path).write_text(json.dumps(meta))


def test_round_trip(saved):
    model, path = saved
    loaded, meta = load_checkpoint(path)
    assert not loaded.training and loaded.config == CONFIG
    for (k, v), (k2, v2) in zip(model.state_dict().items(), loaded.state_dict().items()):
        assert k == k2 and torch.equal(v, v2)
    x = torch.rand(3, 784)
    with torch.no_grad():
        assert torch.equal(model.decode(model.encode(x)[0]), loaded.decode(loaded.encode(x)[0]))
    assert meta["seed"] == 0 and meta["history"][0]["test_neg_elbo"] == 200.0
    assert meta["architecture"] == CONFIG.to_dict()
    assert len(meta["weights_sha256"]) == 64
    assert not load_vae(path).training


def test_save_leaves_no_temporary_files(saved):
    _, path = saved
    # the torch weights, their metadata and their NumPy export for serving (export_npz)
    assert sorted(p.name for p in path.parent.iterdir()) == ["tiny.json", "tiny.npz", "tiny.pt"]


def test_missing_weights(saved):
    _, path = saved
    path.unlink()
    with pytest.raises(CheckpointError, match="missing"):
        load_checkpoint(path)


def test_missing_metadata(saved):
    _, path = saved
    metadata_path(path).unlink()
    with pytest.raises(CheckpointError, match="metadata 'tiny.json' is missing"):
        load_checkpoint(path)


@pytest.mark.parametrize("text, message", [
    ("{not json", "unreadable"),
    ("[1, 2]", "no architecture"),
    ('{"seed": 0}', "no architecture"),
    ('{"architecture": {"latent_dim": 2}}', "architecture is invalid.*missing"),
    ('{"architecture": [1, 2]}', "architecture is invalid"),
    ('{"architecture": {"latent_dim": 2, "hidden": -3, "enc_layers": 1, "dec_layers": 1}}',
     "positive"),
    ('{"architecture": {"latent_dim": "two", "hidden": 8, "enc_layers": 1, "dec_layers": 2}}',
     "architecture is invalid"),
])
def test_broken_metadata(saved, text, message):
    _, path = saved
    metadata_path(path).write_text(text)
    with pytest.raises(CheckpointError, match=message):
        load_checkpoint(path)


@pytest.mark.parametrize("keep", [0, 10, 0.5, -30, -1])
@pytest.mark.parametrize("with_hash", [True, False])
def test_truncated_weights(saved, keep, with_hash):
    _, path = saved
    raw = path.read_bytes()
    if isinstance(keep, float):
        n = int(len(raw) * keep)
    else:
        n = keep if keep >= 0 else len(raw) + keep
    path.write_bytes(raw[:n])
    if not with_hash:  # an older checkpoint without a checksum: torch itself must notice
        meta = _meta(path)
        del meta["weights_sha256"]
        _write_meta(path, meta)
    with pytest.raises(CheckpointError, match="checksum" if with_hash else "corrupt or truncated"):
        load_checkpoint(path)


def test_garbage_weights_without_checksum(saved):
    _, path = saved
    meta = _meta(path)
    del meta["weights_sha256"]
    _write_meta(path, meta)
    path.write_bytes(b"hello world" * 10)
    with pytest.raises(CheckpointError, match="corrupt or truncated|refused"):
        load_checkpoint(path)


def test_a_flipped_bit_in_the_weights_is_caught_by_the_checksum(saved):
    _, path = saved
    raw = bytearray(path.read_bytes())
    raw[len(raw) // 2] ^= 0x01  # inside the tensor data: torch alone would load this silently
    path.write_bytes(bytes(raw))
    with pytest.raises(CheckpointError, match="checksum"):
        load_checkpoint(path)


def test_mismatched_architecture(saved):
    _, path = saved
    meta = _meta(path)
    meta["architecture"]["hidden"] = 16
    _write_meta(path, meta)
    with pytest.raises(CheckpointError, match="does not match its architecture.*wrong shapes"):
        load_checkpoint(path)
    meta["architecture"] = dict(CONFIG.to_dict(), dec_layers=3)
    _write_meta(path, meta)
    with pytest.raises(CheckpointError, match="missing \\['decoder"):
        load_checkpoint(path)


def test_absurd_architecture_is_refused_without_allocating_it(saved):
    _, path = saved
    meta = _meta(path)
    meta["architecture"]["hidden"] = 10**9  # ~3 GB per layer if it were built for real
    _write_meta(path, meta)
    start = time.perf_counter()
    with pytest.raises(CheckpointError, match="does not match"):
        load_checkpoint(path)
    assert time.perf_counter() - start < 5


def test_weights_that_are_not_a_dict_of_tensors(saved):
    _, path = saved
    torch.save([torch.zeros(2)], path)
    meta = _meta(path)
    del meta["weights_sha256"]
    _write_meta(path, meta)
    with pytest.raises(CheckpointError, match="dict of tensors"):
        load_checkpoint(path)


class _Payload:
    """Unpickling this runs ``touch marker``: the classic malicious pickle."""

    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


@pytest.mark.parametrize("how", ["torch.save", "pickle.dump"])
def test_loading_refuses_a_pickle_with_code_in_it(tmp_path, how):
    marker = tmp_path / "pwned"
    path = tmp_path / "evil.pt"
    state = {"encoder.0.weight": torch.zeros(1), "payload": _Payload(marker)}
    if how == "torch.save":
        torch.save(state, path)  # the zip format
    else:
        with open(path, "wb") as f:
            pickle.dump(state, f)  # a bare pickle
    _write_meta(path, {"architecture": CONFIG.to_dict()})  # no checksum to hide behind
    with pytest.raises(CheckpointError, match="refused"):
        load_checkpoint(path)
    assert not marker.exists()
    # The file really is malicious: an unsafe load (in a child process) runs the payload.
    unsafe_marker = tmp_path / "pwned-unsafe"
    torch.save({"x": _Payload(unsafe_marker)}, tmp_path / "evil2.pt")
    code = f"import torch; torch.load({str(tmp_path / 'evil2.pt')!r}, weights_only=False)"
    subprocess.run([sys.executable, "-c", code], check=False, capture_output=True,
                   cwd=str(tmp_path), timeout=120)
    assert unsafe_marker.exists()


def test_load_metadata_alone(saved):
    _, path = saved
    assert load_metadata(path)["architecture"]["hidden"] == 8


# --- the autoencoder beside the VAE ---


def test_autoencoder_round_trip_and_kind_checks(tmp_path):
    torch.manual_seed(1)
    model = Autoencoder(CONFIG)
    path = tmp_path / "ae.pt"
    save_checkpoint(model, path, {"seed": 1})
    assert _meta(path)["model"] == "ae"
    loaded = load_autoencoder(path)
    assert isinstance(loaded, Autoencoder) and not loaded.training
    x = torch.rand(3, 784)
    with torch.no_grad():
        assert torch.equal(model.decode(model.encode(x)), loaded.decode(loaded.encode(x)))
    assert isinstance(load_checkpoint(path)[0], Autoencoder)
    with pytest.raises(CheckpointError, match="holds a 'ae' model, not a 'vae'"):
        load_vae(path)
    with pytest.raises(ValueError, match="kind must be"):
        load_checkpoint(path, kind="gan")


def test_vae_metadata_says_vae_and_old_metadata_defaults_to_vae(saved):
    _, path = saved
    meta = _meta(path)
    assert meta["model"] == "vae"
    with pytest.raises(CheckpointError, match="not a 'ae'"):
        load_autoencoder(path)
    del meta["model"]  # checkpoints written before the autoencoder existed
    _write_meta(path, meta)
    assert isinstance(load_vae(path), VAE)
    meta["model"] = "flow"
    _write_meta(path, meta)
    with pytest.raises(CheckpointError, match="unknown kind of model 'flow'"):
        load_checkpoint(path)


def test_an_autoencoder_file_labelled_vae_is_refused(tmp_path):
    path = tmp_path / "ae.pt"
    save_checkpoint(Autoencoder(CONFIG), path, {})
    meta = _meta(path)
    meta["model"] = "vae"
    _write_meta(path, meta)
    with pytest.raises(CheckpointError, match="does not match its architecture"):
        load_checkpoint(path)


def test_only_models_can_be_saved(tmp_path):
    with pytest.raises(ValueError, match="expected a VAE or an Autoencoder"):
        save_checkpoint(torch.nn.Linear(2, 2), tmp_path / "x.pt", {})


def test_no_import_cycle_between_models_and_checkpoints():
    # Importing the models must not import the checkpoint module (which imports them; the
    # training script saves through it). tests/test_layering.py checks the whole import graph.
    code = ("import sys, gdm_core.layers, gdm_core.vae, gdm_core.autoencoder, gdm_core.posterior,"
            " gdm_core.estimates;"
            "print('gdm_core.checkpoints' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=os.path.dirname(os.path.dirname(__file__)))
    assert out.stdout.strip() == "False"
