"""Export torch checkpoints to the ``.npz`` weights the app serves (run at build time).

    python -m gdm_core.export_npz                    # every torch checkpoint under checkpoints/
    python -m gdm_core.export_npz path/to/model.pt   # one (or several) named ones

Each ``name.pt`` (a state dict read with ``torch.load(..., weights_only=True)``, so no pickle
runs code) becomes ``name.npz``: the same float32 arrays under torch's names, plus the
``weights_sha256`` that ``name.json`` records for them, so the weights and their metadata stay
a pair (``numpy_nets.load_net`` checks it). The JSON is not touched. ``gdm_core.checkpoints.
save_checkpoint`` calls :func:`export` itself, so a checkpoint written by training has both.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

from gdm_core.hashing import sha256_of
from gdm_core.numpy_nets import load_net, save_npz
from gdm_core.paths import CHECKPOINTS



def export(path: str | Path) -> Path:
    """Write ``path``'s weights as ``.npz`` beside it and check they load; returns its path.

    Raises ValueError if the ``.pt`` does not match the checksum its JSON records, holds
    anything but tensors, or the export does not load back as its architecture says.
    """
    import torch  # build time only: the exporter is the one reader of torch files

    path = Path(path)
    meta = json.loads(path.with_suffix(".json").read_text())
    recorded = meta.get("weights_sha256")
    actual = sha256_of(path)
    if recorded is not None and recorded != actual:
        raise ValueError(f"{path.name} does not match the checksum in its metadata.")
    state = torch.load(path, map_location="cpu", weights_only=True)
    if not isinstance(state, dict) or not all(isinstance(v, torch.Tensor) for v in state.values()):
        raise ValueError(f"{path.name} does not hold a dict of tensors.")
    out = save_npz({k: v.detach().float().numpy() for k, v in state.items()}, path, recorded)
    net, _ = load_net(out)  # the export must load back as the architecture says, bit for bit
    back = net.parameters_as_state()
    if any(not np.array_equal(back[k], state[k].float().numpy()) for k in state):
        raise ValueError(f"{out.name} does not hold {path.name}'s weights exactly.")
    return out


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("paths", nargs="*", help="torch checkpoints (.pt); default: all under "
                                            "checkpoints/ (not training state files)")
    args = p.parse_args(argv)
    paths = [Path(x) for x in args.paths] or sorted(
        q for q in CHECKPOINTS.rglob("*.pt") if not q.name.endswith(".state.pt"))
    for path in paths:
        out = export(path)
        print(f"{path} -> {out} ({out.stat().st_size / 2**20:.2f} MiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
