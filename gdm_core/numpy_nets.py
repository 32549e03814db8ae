r"""The shipped VAE and autoencoder run in NumPy: the forward pass the app serves, without torch.

Importing torch costs a server ~180 MB, and nothing a student looks at needs it: the page only
*evaluates* trained networks. The weights are exported once from the torch state dict to an
``.npz`` of plain arrays (``python -m gdm_core.export_npz``; read with ``allow_pickle=False``)
and evaluated here with the same layers as ``gdm_core.torch_nets``:

.. math:: \mathrm{Linear}(h) = h W^\top + b, \qquad
          \mathrm{GELU}(a) = a\,\Phi(a) = \tfrac{a}{2}\big(1 + \operatorname{erf}(a/\sqrt2)\big),

the *exact* GELU (torch's ``nn.GELU()`` default, ``approximate='none'``; Hendrycks & Gimpel,
arXiv:1606.08415). Encoder: 784 → GELU layers → (μ, log σ²) for the VAE, or the code f(x) for
the autoencoder; decoder: latent → GELU layers → 784 Bernoulli logits (Kingma & Welling 2014,
Appendix C.2). Everything is float32, as in torch, so the two agree to float32 rounding
(``tests/test_numpy_nets.py`` measures it on every shipped checkpoint).

A model is any object with ``encode``/``decode`` on NumPy arrays and a ``config``; a torch
model (the one a student trains in the page, or a test's) becomes one through
:func:`as_numpy`, which reads its ``state_dict()`` and never imports torch.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from scipy.special import erf, ndtr

from gdm_core.layers import IMAGE_SIZE, VAEConfig

MODEL_KINDS = ("vae", "ae")
_SQRT_HALF = np.float32(np.sqrt(0.5))
_INV_SQRT_2PI = np.float32(1.0 / np.sqrt(2.0 * np.pi))
# The exporter stores, beside the weights, the sha256 of the torch file they came from (the
# ``weights_sha256`` its JSON records), so a weights file and a JSON of different runs do not pair.
SOURCE_KEY = "source_sha256"


class NetError(ValueError):
    """A missing, unreadable or mismatched ``.npz`` model, with a readable reason."""


def gelu(a: np.ndarray) -> np.ndarray:
    r"""Exact GELU :math:`a\,\Phi(a)`, elementwise, in the input's precision."""
    return a * (0.5 * (1.0 + erf(a * _SQRT_HALF))).astype(a.dtype, copy=False)


def gelu_slope(a: np.ndarray) -> np.ndarray:
    r""":math:`\frac{d}{da}\,a\Phi(a) = \Phi(a) + a\,\varphi(a)` (for the pathwise gradient)."""
    return (ndtr(a) + a * _INV_SQRT_2PI * np.exp(-0.5 * a * a)).astype(a.dtype, copy=False)


def _layer_keys(prefix: str, n: int) -> list[str]:
    # nn.Sequential numbers its children: Linear at 0, 2, 4, … with a GELU after each
    return [f"{prefix}.{2 * i}" for i in range(n)]


def expected_shapes(kind: str, config: VAEConfig) -> dict[str, tuple[int, ...]]:
    """The state dict's names and shapes for a model of this kind and architecture (as torch
    names them), computed without building anything."""
    if kind not in MODEL_KINDS:
        raise NetError(f"unknown kind of model {kind!r} (expected one of {MODEL_KINDS}).")
    h, d = config.hidden, config.latent_dim
    shapes: dict[str, tuple[int, ...]] = {}
    for i, key in enumerate(_layer_keys("encoder", config.enc_layers)):
        shapes[key + ".weight"], shapes[key + ".bias"] = (h, IMAGE_SIZE if i == 0 else h), (h,)
    heads = ("to_mu", "to_logvar") if kind == "vae" else ("to_code",)
    for head in heads:
        shapes[head + ".weight"], shapes[head + ".bias"] = (d, h), (d,)
    for i, key in enumerate(_layer_keys("decoder.0", config.dec_layers)):
        shapes[key + ".weight"], shapes[key + ".bias"] = (h, d if i == 0 else h), (h,)
    shapes["decoder.1.weight"], shapes["decoder.1.bias"] = (IMAGE_SIZE, h), (IMAGE_SIZE,)
    return shapes


def shape_mismatches(state: dict, expected: dict[str, tuple[int, ...]]) -> list[str]:
    """The state dict's names missing, extra or of the wrong shape against ``expected``
    (sorted; empty when the weights fit). The exporter's ``SOURCE_KEY`` is not a weight."""
    got = {k: tuple(np.shape(v)) for k, v in state.items() if k != SOURCE_KEY}
    return sorted(set(got) ^ set(expected)) or sorted(k for k in got if got[k] != expected[k])


def read_layer(state: dict, key: str) -> tuple[np.ndarray, np.ndarray]:
    """Torch's ``key.weight`` (out, in) and ``key.bias`` as float32 (in, out) and (out,): a
    layer is then one matrix product ``h @ w + b``."""
    w = np.asarray(state[key + ".weight"], dtype=np.float32)
    return np.ascontiguousarray(w.T), np.asarray(state[key + ".bias"], dtype=np.float32)


class NumpyNet:
    r"""A VAE (``kind="vae"``) or plain autoencoder (``"ae"``) evaluated in NumPy (float32).

    ``encode(x)`` gives (μ, log σ²) for a VAE and the code f(x) for an autoencoder, as the torch
    models do; ``decode(z)`` gives the 784 Bernoulli logits. Weights are kept transposed
    (in, out), so a layer is one matrix product.
    """

    def __init__(self, kind: str, config: VAEConfig, state: dict[str, np.ndarray]):
        wrong = shape_mismatches(state, expected_shapes(kind, config))
        if wrong:
            raise NetError(f"the weights do not match a {kind!r} model of latent "
                           f"{config.latent_dim}, hidden {config.hidden}, {config.enc_layers}+"
                           f"{config.dec_layers} layers (first mismatches: {wrong[:3]}).")
        self.kind, self.config = kind, config

        def layer(key):
            return read_layer(state, key)

        self.encoder = [layer(k) for k in _layer_keys("encoder", config.enc_layers)]
        self.heads = [layer(k) for k in (("to_mu", "to_logvar") if kind == "vae" else ("to_code",))]
        self.decoder = [layer(k) for k in _layer_keys("decoder.0", config.dec_layers)]
        self.out = layer("decoder.1")

    @property
    def n_weights(self) -> int:
        layers = self.encoder + self.heads + self.decoder + [self.out]
        return int(sum(w.size + b.size for w, b in layers))

    def _hidden(self, x: np.ndarray) -> np.ndarray:
        h = np.asarray(x, dtype=np.float32)
        for w, b in self.encoder:
            h = gelu(h @ w + b)
        return h

    def encode(self, x):
        """(μ, log σ²), each (N, d), for a VAE; the code (N, d) for an autoencoder."""
        h = self._hidden(x)
        outs = [h @ w + b for w, b in self.heads]
        return tuple(outs) if self.kind == "vae" else outs[0]

    def decode(self, z) -> np.ndarray:
        """Bernoulli pixel logits (N, 784) at latent points z (N, d)."""
        h = np.asarray(z, dtype=np.float32)
        for w, b in self.decoder:
            h = gelu(h @ w + b)
        w, b = self.out
        return h @ w + b

    def decode_with_tangent(self, z, dz) -> tuple[np.ndarray, np.ndarray]:
        r"""Logits at z and their directional derivative along dz (forward-mode):
        :math:`\ell(z)` and :math:`J_\ell(z)\,dz`, each (N, 784), float64 tangents."""
        h = np.asarray(z, dtype=np.float32)
        t = np.asarray(dz, dtype=np.float64)
        for w, b in self.decoder:
            a = h @ w + b
            t = (t @ w.astype(np.float64)) * gelu_slope(a.astype(np.float64))
            h = gelu(a)
        w, b = self.out
        return h @ w + b, t @ w.astype(np.float64)

    def parameters_as_state(self) -> dict[str, np.ndarray]:
        """The weights under torch's names and layout (out, in), e.g. to rebuild a torch model."""
        state = {}
        named = (list(zip(_layer_keys("encoder", self.config.enc_layers), self.encoder))
                 + list(zip(("to_mu", "to_logvar") if self.kind == "vae" else ("to_code",),
                            self.heads))
                 + list(zip(_layer_keys("decoder.0", self.config.dec_layers), self.decoder))
                 + [("decoder.1", self.out)])
        for key, (w, b) in named:
            state[key + ".weight"], state[key + ".bias"] = w.T.copy(), b.copy()
        return state


def kind_of_state(names) -> str:
    """``"vae"`` or ``"ae"`` from a state dict's names (the VAE has the μ head)."""
    names = set(names)
    if "to_mu.weight" in names:
        return "vae"
    if "to_code.weight" in names:
        return "ae"
    raise NetError("these weights are neither a VAE's nor an autoencoder's.")


def as_numpy(model) -> NumpyNet:
    """``model`` itself if it is a :class:`NumpyNet`; a torch VAE or autoencoder converted from
    its ``state_dict()`` (the arrays are copied; torch is not imported here)."""
    if isinstance(model, NumpyNet):
        return model
    config = getattr(model, "config", None)
    if not isinstance(config, VAEConfig) or not hasattr(model, "state_dict"):
        raise ValueError(f"expected a VAE or an Autoencoder, got {type(model).__name__}.")
    state = {k: v.detach().cpu().numpy() for k, v in model.state_dict().items()}
    return NumpyNet(kind_of_state(state), config, state)


def weights_path(path: str | Path) -> Path:
    """The ``.npz`` of a checkpoint given by any of its names (``x.pt``, ``x.npz``, ``x.json``)."""
    return Path(path).with_suffix(".npz")


def save_npz(state: dict[str, np.ndarray], path: str | Path, source_sha256: str | None) -> Path:
    """Write a state dict of arrays (torch's names) as an uncompressed ``.npz`` beside its JSON,
    atomically, with the sha256 its metadata records for the weights (``SOURCE_KEY``).

    Uncompressed: trained float32 weights hardly compress (measured 19.0 → 17.6 MB for the
    shipped VAE) and a stored zip member loads without inflating it."""
    import os

    out = weights_path(path)
    arrays = {k: np.ascontiguousarray(np.asarray(v, dtype=np.float32)) for k, v in state.items()}
    if source_sha256 is not None:
        arrays[SOURCE_KEY] = np.frombuffer(source_sha256.encode("ascii"), dtype=np.uint8)
    tmp = out.with_name(out.stem + ".tmp.npz")
    np.savez(tmp, **arrays)
    os.replace(tmp, out)
    return out


def load_net(path: str | Path, kind: str | None = None) -> tuple[NumpyNet, dict]:
    """A checkpoint's model in NumPy and its metadata: ``x.npz`` and ``x.json`` (any of the
    checkpoint's names may be given). Read with ``allow_pickle=False``: no code runs.

    Raises
    ------
    NetError
        if either file is missing or unreadable (a truncated zip fails its CRC check), if the
        weights were exported from another run than the JSON describes, do not match its
        architecture, or are not of the requested ``kind``.
    """
    if kind is not None and kind not in MODEL_KINDS:
        raise ValueError(f"kind must be one of {MODEL_KINDS} or None, got {kind!r}.")
    npz, meta_file = weights_path(path), Path(path).with_suffix(".json")
    if not meta_file.is_file():
        raise NetError(f"Checkpoint metadata '{meta_file.name}' is missing.")
    try:
        meta = json.loads(meta_file.read_text())
        config = VAEConfig.from_dict(meta["architecture"])
    except (OSError, UnicodeDecodeError, ValueError, TypeError, KeyError, AttributeError) as exc:
        raise NetError(f"Checkpoint metadata '{meta_file.name}' is unreadable or has no valid "
                       f"architecture ({type(exc).__name__}: {exc}).") from None
    found = meta.get("model", "vae")
    if found not in MODEL_KINDS or (kind is not None and found != kind):
        raise NetError(f"Checkpoint '{npz.name}' holds a {found!r} model"
                       + (f", not a {kind!r}." if kind else "."))
    if not npz.is_file():
        raise NetError(f"Checkpoint weights '{npz.name}' are missing (export them with "
                       "python -m gdm_core.export_npz).")
    try:
        with np.load(npz, allow_pickle=False) as z:
            state = {k: z[k] for k in z.files}
    except ValueError as exc:
        if "allow_pickle" not in str(exc):
            raise NetError(f"Checkpoint weights '{npz.name}' are corrupt or truncated "
                           f"(ValueError).") from None
        # an object array is a pickle inside the zip: never unpickled, so no code ran
        raise NetError(f"Checkpoint weights '{npz.name}' were refused: they hold pickled "
                       "Python objects (which could run code), not plain arrays.") from None
    except Exception as exc:  # noqa: BLE001 - zipfile and numpy raise many kinds on a bad file
        raise NetError(f"Checkpoint weights '{npz.name}' are corrupt or truncated "
                       f"({type(exc).__name__}).") from None
    source = state.pop(SOURCE_KEY, None)
    recorded = meta.get("weights_sha256")
    if recorded is not None and (source is None or bytes(source).decode("ascii", "replace")
                                 != recorded):
        raise NetError(f"Checkpoint weights '{npz.name}' were not exported from the weights "
                       f"'{meta_file.name}' describes (another training run?).")
    if any(v.dtype != np.float32 for v in state.values()):
        raise NetError(f"Checkpoint weights '{npz.name}' are not all float32 arrays.")
    return NumpyNet(found, config, state), meta
