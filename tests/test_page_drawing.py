"""Drawing in AppTest: the GAN page's "your drawing" data and the VAE page's "Draw a digit" tab.

AppTest cannot draw on a canvas, so the tests use the sections' documented seam: an ink image
in ``st.session_state["_gan_canvas_ink"]`` (read once, as a canvas picture after a stroke) or
``["_vae_canvas_ink"]`` (read on every run while it is there). Everything shown is checked
against gdm_core computed here on its own: the code, the clusters, the referee's numbers, the
encoder's μ(x), the ELBO by quadrature and the autoencoder's code.
"""

from __future__ import annotations

import dataclasses
from urllib.parse import parse_qs, urlparse

import numpy as np
import pytest

from gdm_core import autoencoder as ae
from gdm_core import drawn_data as dd
from gdm_core import gan, gan_referee, paths, posterior, vae
from gdm_core.data import load_mnist
from gdm_core.numpy_nets import load_net
from tests.conftest import chart, from_url, metric_values, no_exception, open_tab, standalone

# three 3×3 blocks of cells (8 px each on the 384 px canvas): three clusters, 27 points
BLOCKS = [(10, 10), (37, 12), (24, 38)]  # (column, row) of each block's top-left cell


def _ink() -> np.ndarray:
    ink = np.zeros((384, 384))
    for i, j in BLOCKS:
        ink[8 * j:8 * (j + 3), 8 * i:8 * (i + 3)] = 1.0
    return ink


EXPECTED = dd.encode([(i + a, j + b) for i, j in BLOCKS for a in range(3) for b in range(3)])


def _drawn(at):
    at.selectbox(key="gan_data").set_value("drawn").run()
    at.session_state["_gan_canvas_ink"] = _ink()
    at.run()
    no_exception(at)
    return at


def test_nothing_drawn_yet_says_so_everywhere():
    at = standalone("gan.py")
    at.selectbox(key="gan_data").set_value("drawn").run()
    no_exception(at)
    assert any("Draw a few strokes" in i.value for i in at.info)
    assert any("draw some data first" in e.value for e in at.error)
    for tab in ("Step by hand", "Compare"):
        open_tab(at, "gan_tab", tab)
        no_exception(at)


def test_a_drawing_becomes_the_data_with_its_clusters_and_link():
    at = _drawn(standalone("gan.py"))
    assert at.session_state["gan_drawn"] == EXPECTED
    assert at.query_params["gan_drawn"] == EXPECTED  # 27 points: in the address bar
    assert any("27 points in 3 clusters" in m.value for m in at.markdown)
    assert any("single linkage" in c.value for c in at.caption)
    assert any("not been trained" in i.value for i in at.info)  # it trains through the queue
    assert at.button(key="gan_train")
    # another data set takes the drawing out of the URL; coming back restores it
    at.selectbox(key="gan_data").set_value("ring8").run()
    assert "gan_drawn" not in at.query_params
    at.selectbox(key="gan_data").set_value("drawn").run()
    assert at.query_params["gan_drawn"] == EXPECTED
    at.button(key="gan_drawn_clear").click().run()
    no_exception(at)
    assert not at.session_state["gan_drawn"] and "gan_drawn" not in at.query_params


def test_a_link_opens_the_drawing():
    at = from_url("gan.py", {"gan_data": "your drawing", "gan_drawn": EXPECTED})
    no_exception(at)
    assert at.session_state["gan_drawn"] == EXPECTED
    assert any("27 points in 3 clusters" in m.value for m in at.markdown)
    bad = from_url("gan.py", {"gan_data": "your drawing", "gan_drawn": "@@not-a-code"})
    no_exception(bad)
    assert any("cannot be read" in w.value for w in bad.warning)


def test_a_large_drawing_gets_a_link_to_copy():
    at = standalone("gan.py")
    at.selectbox(key="gan_data").set_value("drawn").run()
    ink = np.zeros((384, 384))
    ink[40:340, 184:200] = 1.0  # a long thick bar: 2 × 37 cells
    at.session_state["_gan_canvas_ink"] = ink
    at.run()
    no_exception(at)
    code = at.session_state["gan_drawn"]
    assert len(dd.decode(code)) > dd.URL_POINTS
    assert "gan_drawn" not in at.query_params
    (link,) = [c.value for c in at.code]
    assert parse_qs(urlparse(link).query)["gan_drawn"] == [code]


@pytest.mark.slow
def test_training_on_a_drawing_is_refereed_on_its_clusters():
    at = _drawn(standalone("gan.py"))
    at.select_slider(key="gan_steps").set_value(500).run()
    at.button(key="gan_train").click().run()
    no_exception(at)
    name = dd.data_name(EXPECTED)
    config = dataclasses.replace(gan.PRESETS["wgan-gp"][1], data=name, steps=500)
    run = gan.train_gan(config)  # deterministic: the page shows this very run
    captured, _ = gan.mode_coverage(run.final_fake, name)
    shown = metric_values(at)
    assert shown["modes captured"] == f"{captured} of 3"
    w1 = gan_referee.w1_between_samples(run.final_fake, name)
    assert shown[f"W₁ (n = {gan_referee.N_REFEREE:,})"] == f"{w1:.3f}"
    mean, sd = gan_referee.w1_floor(name, gan_referee.N_REFEREE)
    (w1_metric,) = [m for m in at.metric if m.label.startswith("W₁")]
    assert f"{mean:.3f} ± {sd:.3f}" in w1_metric.help


# --- the VAE's Draw a digit ----------------------------------------------------------------------

DIGIT = 3  # test digit #3 drawn ten times larger comes back exactly (tests/test_drawing.py)


@pytest.fixture(scope="module")
def digit3():
    images, _ = load_mnist(paths.mnist_sample_path(), "test")
    canvas = np.zeros((400, 400))
    canvas[60:340, 90:370] = np.kron(images[DIGIT] / 255.0, np.ones((10, 10)))
    return canvas, vae.model_input(images[DIGIT][None])  # binarised as a drawing is


def test_draw_a_digit_opens_on_an_empty_canvas():
    at = open_tab(standalone("vae.py"), "vae_tab", "Draw a digit")
    no_exception(at)
    assert any("Draw a digit in the white square" in i.value for i in at.info)
    assert chart(at, "vae_fig_draw_plane")
    assert not at.metric


def test_draw_a_digit_shows_both_models_on_it(digit3):
    ink, x = digit3
    at = standalone("vae.py", _vae_canvas_ink=ink, units="nats")
    at = open_tab(at, "vae_tab", "Draw a digit")
    no_exception(at)
    net, _ = load_net(paths.checkpoint_path())
    mu, logvar = vae.encode_mean(net, x)
    fig = chart(at, "vae_fig_draw_plane")
    star = [t for t in fig["data"] if t.get("name") == "your digit"][0]
    np.testing.assert_allclose([star["x"][0], star["y"][0]], mu[0], atol=1e-5)
    assert [t["name"] for t in fig["data"] if "q(z|x)" in t.get("name", "")] == [
        "q(z|x), 1σ", "q(z|x), 2σ"]
    gap = posterior.elbo_gap(net, x[0], order=20)
    shown = metric_values(at)
    assert float(shown["−ELBO (nats)"]) == pytest.approx(-gap.elbo, abs=1e-3)
    assert float(shown["−log p(x) (nats)"]) == pytest.approx(-gap.log_px, abs=1e-3)
    assert float(shown["ELBO gap (nats)"]) == pytest.approx(gap.gap, abs=1e-3)
    ae_net, _ = load_net(paths.ae_checkpoint_path())
    code = ae.codes(ae_net, x)[0]
    ae_fig = chart(at, "vae_fig_draw_ae")
    ae_star = [t for t in ae_fig["data"] if t.get("name") == "your digit"][0]
    np.testing.assert_allclose([ae_star["x"][0], ae_star["y"][0]], code, atol=1e-4)
    assert float(shown["AE: −log p(x|f(x)) (nats)"]) == pytest.approx(
        -ae.reconstruction_nats(ae_net, x)[0], abs=1e-3)
    assert chart(at, "vae_fig_draw_posterior")
    assert any("reads your digit as a **0**" in m.value for m in at.markdown)
    # without MNIST's box and centring the same drawing is another input, another code
    at.toggle(key="vae_draw_centre").set_value(False).run()
    no_exception(at)
    star = [t for t in chart(at, "vae_fig_draw_plane")["data"] if t.get("name") == "your digit"]
    assert not np.allclose([star[0]["x"][0], star[0]["y"][0]], mu[0], atol=1e-3)
