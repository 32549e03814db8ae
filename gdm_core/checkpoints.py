"""Saving and loading VAE checkpoints without executing code.

A checkpoint is two files side by side: ``name.pt``, a plain state dict of tensors written by
``torch.save`` and read back with ``torch.load(..., weights_only=True)`` (which refuses any
pickle that would run code), and ``name.json``, the metadata: architecture, the training
command and seed, data checksums, the per-epoch test ELBO and final metrics.
"""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import torch

from gdm_core.vae import VAE, VAEConfig


class CheckpointError(ValueError):
    """A missing, truncated, unsafe or mismatched checkpoint, with a readable reason."""


def metadata_path(path: str | Path) -> Path:
    return Path(path).with_suffix(".json")


def save_checkpoint(model: VAE, path: str | Path, metadata: dict) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    meta = dict(metadata, architecture=model.config.to_dict())
    state = {k: v.detach().cpu().contiguous() for k, v in model.state_dict().items()}
    torch.save(state, path)
    metadata_path(path).write_text(json.dumps(meta, indent=2) + "\n")


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


def _load_state(path: Path) -> dict:
    if not path.is_file():
        raise CheckpointError(f"Checkpoint '{path}' is missing.")
    try:
        state = torch.load(path, map_location="cpu", weights_only=True)
    except pickle.UnpicklingError as exc:
        # weights_only refuses globals it does not know: a pickle that would run code.
        raise CheckpointError(
            f"Checkpoint '{path.name}' was refused: it is not a plain file of tensors "
            f"(it may contain code). Details: {str(exc).splitlines()[0]}"
        )
    except (RuntimeError, EOFError, OSError, ValueError) as exc:
        raise CheckpointError(f"Checkpoint '{path.name}' is corrupt or truncated: {exc}")
    if not isinstance(state, dict) or not all(isinstance(v, torch.Tensor) for v in state.values()):
        raise CheckpointError(f"Checkpoint '{path.name}' does not hold a dict of tensors.")
    return state


def load_checkpoint(path: str | Path) -> tuple[VAE, dict]:
    """Rebuild a VAE from ``path`` and its metadata; the model is returned in eval mode."""
    path = Path(path)
    meta = load_metadata(path)
    try:
        config = VAEConfig.from_dict(meta["architecture"])
    except (TypeError, ValueError) as exc:
        raise CheckpointError(f"Checkpoint architecture is invalid: {exc}")
    state = _load_state(path)
    model = VAE(config)
    try:
        model.load_state_dict(state)
    except RuntimeError as exc:
        raise CheckpointError(
            f"Checkpoint '{path.name}' does not match its architecture {config}: "
            f"{str(exc).splitlines()[0]}"
        )
    return model.eval(), meta
