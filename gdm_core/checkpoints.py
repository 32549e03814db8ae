"""Saving and loading torch model checkpoints (the VAE and the plain autoencoder) without
executing code: what training and the exporter use. The app serves the ``.npz`` export of the
same weights in NumPy (``gdm_core.numpy_nets.load_net``) and never imports this module.

A checkpoint is three files side by side: ``name.pt``, a plain state dict of tensors written by
``torch.save`` and read back with ``torch.load(..., weights_only=True)`` (which refuses any
pickle that would run code); ``name.npz``, the same weights as plain arrays for serving
(``gdm_core.export_npz``); and ``name.json``, the metadata: the kind of model (``"model"``:
``"vae"`` or ``"ae"``; missing means ``"vae"``, as in checkpoints written before the
autoencoder existed), architecture, the training command and seed, data checksums, the
per-epoch test figures and final metrics.

This module imports the models; the models never import it (no import cycle: see
``tests/test_layering.py``).
"""

from __future__ import annotations

import json
import os
import pickle
from pathlib import Path

import torch

from gdm_core.export_npz import export
from gdm_core.hashing import sha256_of
from gdm_core.layers import VAEConfig
from gdm_core.numpy_nets import load_net
from gdm_core.torch_nets import VAE, Autoencoder, from_numpy_net

MODEL_KINDS = {"vae": VAE, "ae": Autoencoder}


def model_kind(model) -> str:
    """``"vae"`` or ``"ae"`` for a model instance (ValueError for anything else)."""
    for kind, cls in MODEL_KINDS.items():
        if type(model) is cls:
            return kind
    raise ValueError(f"cannot checkpoint a {type(model).__name__}; expected a VAE or an "
                     "Autoencoder.")


class CheckpointError(ValueError):
    """A missing, truncated, unsafe or mismatched checkpoint, with a readable reason."""


def metadata_path(path: str | Path) -> Path:
    return Path(path).with_suffix(".json")



def save_checkpoint(model: VAE | Autoencoder, path: str | Path, metadata: dict) -> None:
    """Write ``path`` (tensors) and its ``.json`` metadata, each atomically.

    Each file is written beside its destination and renamed into place, so a reader (the page,
    or a copy taken while training runs) never sees a half-written file. The metadata records
    the weights' sha256, which ``load_checkpoint`` checks: a bit flipped inside a tensor would
    otherwise load silently as slightly wrong weights.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    state = {k: v.detach().cpu().contiguous() for k, v in model.state_dict().items()}
    tmp = path.with_name(path.name + ".tmp")
    torch.save(state, tmp)
    meta = dict(metadata, model=model_kind(model), architecture=model.config.to_dict(),
                weights_sha256=sha256_of(tmp))
    os.replace(tmp, path)
    meta_tmp = path.with_name(path.name + ".json.tmp")
    meta_tmp.write_text(json.dumps(meta, indent=2) + "\n")
    os.replace(meta_tmp, metadata_path(path))
    export(path)  # the weights the app serves, in NumPy


def load_metadata(path: str | Path) -> dict:
    meta_file = metadata_path(path)
    if not meta_file.is_file():
        raise CheckpointError(f"Checkpoint metadata '{meta_file.name}' is missing.")
    try:
        meta = json.loads(meta_file.read_text())
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CheckpointError(f"Checkpoint metadata '{meta_file.name}' is unreadable: {exc}")
    if not isinstance(meta, dict) or "architecture" not in meta:
        raise CheckpointError(f"Checkpoint metadata '{meta_file.name}' has no architecture.")
    return meta


def _load_state(path: Path, meta: dict) -> dict:
    if not path.is_file():
        raise CheckpointError(f"Checkpoint '{path}' is missing.")
    expected_hash = meta.get("weights_sha256")
    if expected_hash is not None and sha256_of(path) != expected_hash:
        raise CheckpointError(
            f"Checkpoint '{path.name}' does not match the checksum in its metadata: "
            "it is truncated, damaged, or from another training run."
        )
    try:
        state = torch.load(path, map_location="cpu", weights_only=True)
    except pickle.UnpicklingError as exc:
        # weights_only refuses globals it does not know: a pickle that would run code.
        raise CheckpointError(
            f"Checkpoint '{path.name}' was refused: it is not a plain file of tensors "
            f"(it may contain code). Details: {str(exc).splitlines()[0]}"
        ) from None
    except Exception as exc:  # noqa: BLE001 - torch raises many kinds on a damaged file
        # RuntimeError (zip reader), EOFError, OSError, KeyError, UnicodeDecodeError... all
        # mean the same thing to the reader: this file is not a readable checkpoint.
        first_line = str(exc).splitlines()[0] if str(exc) else ""
        detail = f"{type(exc).__name__}: {first_line}" if first_line else type(exc).__name__
        raise CheckpointError(
            f"Checkpoint '{path.name}' is corrupt or truncated ({detail})."
        ) from None
    if not isinstance(state, dict) or not all(isinstance(v, torch.Tensor) for v in state.values()):
        raise CheckpointError(f"Checkpoint '{path.name}' does not hold a dict of tensors.")
    return state


def _expected_shapes(cls, config: VAEConfig) -> dict[str, tuple[int, ...]]:
    # Built on the "meta" device: shapes only, no memory, so an absurd architecture in a
    # mismatched JSON cannot exhaust memory before we notice it.
    with torch.device("meta"):
        model = cls(config)
    return {k: tuple(v.shape) for k, v in model.state_dict().items()}


def load_checkpoint(path: str | Path, kind: str | None = None) -> tuple[VAE | Autoencoder, dict]:
    """Rebuild a model from ``path`` and its metadata; the model is returned in eval mode.

    Parameters
    ----------
    path : the ``.pt`` file; its metadata is the ``.json`` beside it. An ``.npz`` path (the
        shipped models ship their weights in that form only) is read by
        ``numpy_nets.load_net`` and rebuilt as a torch model.
    kind : ``"vae"`` or ``"ae"`` to insist on one kind of model, None to accept either.

    Returns
    -------
    model : ``VAE`` or ``Autoencoder`` as the metadata's ``"model"`` says (default ``"vae"``).
    metadata : dict.

    Raises
    ------
    CheckpointError
        if either file is missing, truncated, damaged, refused as unsafe (a pickle with code),
        if the weights do not match the architecture in the metadata, or if the model is not
        of the requested kind.
    """
    if kind is not None and kind not in MODEL_KINDS:
        raise ValueError(f"kind must be one of {sorted(MODEL_KINDS)} or None, got {kind!r}.")
    path = Path(path)
    if path.suffix == ".npz":
        try:
            net, meta = load_net(path, kind)
        except ValueError as exc:
            raise CheckpointError(str(exc)) from None
        return from_numpy_net(net), meta
    meta = load_metadata(path)
    found = meta.get("model", "vae")
    if found not in MODEL_KINDS:
        raise CheckpointError(f"Checkpoint '{path.name}' holds an unknown kind of model "
                              f"{found!r} (expected one of {sorted(MODEL_KINDS)}).")
    if kind is not None and found != kind:
        raise CheckpointError(f"Checkpoint '{path.name}' holds a {found!r} model, "
                              f"not a {kind!r}.")
    cls = MODEL_KINDS[found]
    try:
        config = VAEConfig.from_dict(meta["architecture"])
    except (TypeError, ValueError, AttributeError) as exc:
        raise CheckpointError(f"Checkpoint architecture is invalid: {exc}") from None
    state = _load_state(path, meta)
    expected = _expected_shapes(cls, config)
    got = {k: tuple(v.shape) for k, v in state.items()}
    if got != expected:
        missing = sorted(set(expected) - set(got))
        unexpected = sorted(set(got) - set(expected))
        wrong = sorted(k for k in set(got) & set(expected) if got[k] != expected[k])
        parts = [f"missing {missing}" if missing else "",
                 f"unexpected {unexpected}" if unexpected else "",
                 "wrong shapes: " + ", ".join(f"{k} {got[k]} vs {expected[k]}" for k in wrong[:3])
                 if wrong else ""]
        raise CheckpointError(
            f"Checkpoint '{path.name}' does not match its architecture "
            f"(latent {config.latent_dim}, hidden {config.hidden}, "
            f"{config.enc_layers}+{config.dec_layers} layers): "
            + "; ".join(p for p in parts if p) + "."
        )
    model = cls(config)
    model.load_state_dict({k: v.float() for k, v in state.items()})
    return model.eval(), meta


def load_vae(path: str | Path) -> VAE:
    """Load a VAE checkpoint safely, in eval mode (``CheckpointError`` if it is not a VAE)."""
    return load_checkpoint(path, kind="vae")[0]


def load_autoencoder(path: str | Path) -> Autoencoder:
    """Load an autoencoder checkpoint safely, in eval mode (``CheckpointError`` otherwise)."""
    return load_checkpoint(path, kind="ae")[0]
