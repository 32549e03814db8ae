"""The NumPy forward pass the app serves equals torch's on every shipped model, and the
``.npz`` export round-trips a torch checkpoint exactly and refuses what it should.

Tolerance. Both compute in float32; they differ only in the order of the sums inside each
matrix product (BLAS blocking) and in erf's last bits, so the difference is a few float32
roundings of the largest values: measured at most 8e-7 relative to the largest |value| of an
output (e.g. 1.2e-4 on decoder logits of size ~300, 1.5e-5 on the autoencoder's codes of size
~19). The tests allow 1e-5 relative to the output's scale — ten times the measured error, yet
a hundred times below any change a student could see (a wrong layer or a tanh-GELU gives
errors of order 1e-3 relative and fails).
"""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch

from gdm_core import numpy_nets, paths, vae
from gdm_core.checkpoints import save_checkpoint
from gdm_core.data import load_mnist
from gdm_core.export_npz import export
from gdm_core.layers import VAEConfig
from gdm_core.numpy_nets import NetError, load_net
from gdm_core.torch_nets import VAE, Autoencoder, from_numpy_net

pytestmark = pytest.mark.usefixtures("one_thread")  # tests/conftest.py

REL = 1e-5
SHIPPED = [paths.SHIPPED_CHECKPOINT, paths.AE_CHECKPOINT] + [
    paths.LATENT_DIMS / f"vae_d{d}.npz" for d in (2, 5, 10, 20, 50)]


def _close(a, b) -> float:
    """max |a − b| relative to the scale of a (≥ 1), asserted within REL; returned for the
    message."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    err = float(np.abs(a - b).max()) / max(1.0, float(np.abs(a).max()))
    assert err <= REL, err
    return err


@pytest.fixture(scope="module")
def digits():
    images, _ = load_mnist(str(paths.mnist_sample_path()), "test")
    return vae.model_input(images[:500])


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_numpy_forward_equals_torch_on_every_shipped_model(path, digits):
    net, meta = load_net(path)
    assert net.kind == meta.get("model", "vae")
    model = from_numpy_net(net)
    z = np.random.default_rng(0).standard_normal((500, net.config.latent_dim)).astype(np.float32)
    with torch.no_grad():
        enc_t = model.encode(torch.from_numpy(digits))
        logits_t = model.decode(torch.from_numpy(2 * z)).numpy()
    enc_n = net.encode(digits)
    enc_t = enc_t if isinstance(enc_t, tuple) else (enc_t,)
    enc_n = enc_n if isinstance(enc_n, tuple) else (enc_n,)
    assert len(enc_t) == len(enc_n) == (2 if net.kind == "vae" else 1)  # μ and log σ², or f(x)
    for t, n in zip(enc_t, enc_n):
        assert n.dtype == np.float32 and n.shape == (500, net.config.latent_dim)
        _close(t.numpy(), n)
    logits_n = net.decode(2 * z)
    assert logits_n.shape == (500, 784) and np.abs(logits_t).max() > 20  # real, large logits
    _close(logits_t, logits_n)
    # and the served images are the sigmoid of those logits
    _close(torch.sigmoid(torch.from_numpy(logits_t)).numpy().reshape(-1, 28, 28),
           vae.decode_images(net, 2 * z))


def test_gelu_is_torchs_exact_gelu_not_the_tanh_one():
    a = np.linspace(-8, 8, 4001, dtype=np.float32)
    exact = torch.nn.GELU()(torch.from_numpy(a)).numpy()  # approximate='none' by default
    tanh = torch.nn.GELU(approximate="tanh")(torch.from_numpy(a)).numpy()
    assert np.abs(numpy_nets.gelu(a) - exact).max() < 1e-6
    assert np.abs(numpy_nets.gelu(a) - tanh).max() > 1e-4  # the test tells the two apart


def test_the_decoders_forward_derivative_equals_torchs_difference_quotient():
    net, _ = load_net(paths.SHIPPED_CHECKPOINT)
    model = from_numpy_net(net)
    z = np.array([[0.3, -1.2], [1.5, 0.4]], dtype=np.float32)
    dz = np.array([[1.0, 0.0], [0.0, 1.0]])
    _, tangent = net.decode_with_tangent(z, dz)
    # torch in float64, central differences: exact to ~1e-8 here
    model, h = model.double(), 1e-4
    with torch.no_grad():
        up = model.decode(torch.from_numpy(z.astype(np.float64) + h * dz))
        down = model.decode(torch.from_numpy(z.astype(np.float64) - h * dz))
    _close(((up - down) / (2 * h)).numpy(), tangent)


def test_a_torch_model_passed_to_a_served_function_is_converted(digits):
    model = VAE(VAEConfig(latent_dim=2, hidden=16, enc_layers=1, dec_layers=1)).eval()
    mu, logvar = vae.encode_mean(model, digits[:20])
    with torch.no_grad():
        mu_t, logvar_t = model.encode(torch.from_numpy(digits[:20]))
    _close(mu_t.numpy(), mu)
    _close(logvar_t.numpy(), logvar)


# --- the export ---------------------------------------------------------------------------------

TINY = VAEConfig(latent_dim=3, hidden=8, enc_layers=2, dec_layers=1)


@pytest.mark.parametrize("cls", [VAE, Autoencoder])
def test_export_holds_the_torch_weights_exactly_and_loads_without_pickle(tmp_path, cls):
    model = cls(TINY)
    save_checkpoint(model, tmp_path / "m.pt", {"seed": 0})  # writes m.npz too
    (tmp_path / "m.npz").unlink()
    out = export(tmp_path / "m.pt")
    assert out == tmp_path / "m.npz"
    with np.load(out, allow_pickle=False) as z:
        stored = {k: z[k] for k in z.files}
    meta = json.loads((tmp_path / "m.json").read_text())
    assert bytes(stored.pop(numpy_nets.SOURCE_KEY)).decode() == meta["weights_sha256"]
    state = model.state_dict()
    assert set(stored) == set(state)
    for k, v in state.items():
        assert np.array_equal(stored[k], v.numpy()), k
    net, _ = load_net(tmp_path / "m.pt")  # any name of the checkpoint finds its .npz
    assert net.kind == ("vae" if cls is VAE else "ae") and net.n_weights == sum(
        p.numel() for p in model.parameters())


def test_weights_of_another_run_are_refused(tmp_path):
    save_checkpoint(VAE(TINY), tmp_path / "a.pt", {})
    save_checkpoint(VAE(TINY), tmp_path / "b.pt", {})
    (tmp_path / "b.npz").replace(tmp_path / "a.npz")
    with pytest.raises(NetError, match="not exported from the weights"):
        load_net(tmp_path / "a.npz")


def test_truncated_missing_or_mismatched_weights_are_refused(tmp_path):
    save_checkpoint(VAE(TINY), tmp_path / "m.pt", {})
    npz = tmp_path / "m.npz"
    data = npz.read_bytes()
    npz.write_bytes(data[: len(data) // 2])
    with pytest.raises(NetError, match="corrupt or truncated"):
        load_net(npz)
    npz.unlink()
    with pytest.raises(NetError, match="missing"):
        load_net(npz)
    meta = json.loads((tmp_path / "m.json").read_text())
    save_checkpoint(VAE(TINY), tmp_path / "m.pt", {})
    meta = json.loads((tmp_path / "m.json").read_text())
    meta["architecture"]["hidden"] = 9
    (tmp_path / "m.json").write_text(json.dumps(meta))
    with pytest.raises(NetError, match="do not match"):
        load_net(npz)
    with pytest.raises(NetError, match="holds a 'vae' model, not a 'ae'"):
        load_net(npz, kind="ae")


def test_a_pickle_inside_the_npz_is_refused_and_never_run(tmp_path):
    import os

    class Payload:  # unpickling it would run ``touch pwned``
        def __reduce__(self):
            return (os.system, (f"touch {tmp_path / 'pwned'}",))

    save_checkpoint(VAE(TINY), tmp_path / "m.pt", {})
    meta = json.loads((tmp_path / "m.json").read_text())
    meta.pop("weights_sha256")
    (tmp_path / "m.json").write_text(json.dumps(meta))
    np.savez(tmp_path / "m.npz", x=np.array([Payload()], dtype=object))
    with pytest.raises(NetError, match="refused: they hold pickled Python objects"):
        load_net(tmp_path / "m.npz")
    assert not (tmp_path / "pwned").exists()
