"""Figure builders of the VAE page: the data in the traces, not just that they draw."""

from __future__ import annotations

import base64
import math
import struct
import zlib

import numpy as np
import pytest

from gdm_app.figures import vae as figs


def _decode_png(uri: str) -> np.ndarray:
    """Read back our 8-bit greyscale, unfiltered PNG (checks the format by hand)."""
    assert uri.startswith("data:image/png;base64,")
    raw = base64.b64decode(uri.split(",", 1)[1])
    assert raw[:8] == b"\x89PNG\r\n\x1a\n"
    pos, chunks = 8, {}
    while pos < len(raw):
        (length,) = struct.unpack(">I", raw[pos:pos + 4])
        kind, body = raw[pos + 4:pos + 8], raw[pos + 8:pos + 8 + length]
        (crc,) = struct.unpack(">I", raw[pos + 8 + length:pos + 12 + length])
        assert crc == zlib.crc32(kind + body) & 0xFFFFFFFF
        chunks[kind] = chunks.get(kind, b"") + body
        pos += 12 + length
    w, h, depth, colour = struct.unpack(">IIBB", chunks[b"IHDR"][:10])
    assert (depth, colour) == (8, 0)
    rows = zlib.decompress(chunks[b"IDAT"])
    assert len(rows) == h * (w + 1)
    arr = np.frombuffer(rows, dtype=np.uint8).reshape(h, w + 1)
    assert np.all(arr[:, 0] == 0)  # filter type 0 on every row
    return arr[:, 1:]


def _image_and_hover(fig):
    image = next(t for t in fig.data if t.type == "image")
    hover = next(t for t in fig.data if t.type == "scatter" and t.name == "tiles")
    return _decode_png(image.source), hover


def test_to_gray_maps_ink_to_black():
    assert figs.to_gray(np.array([0.0, 1.0, 0.5, np.nan, 2.0, -1.0])).tolist() == [
        255, 0, 128, 255, 0, 255]


def test_png_round_trip():
    img = np.random.default_rng(0).integers(0, 256, (13, 7), dtype=np.uint8)
    assert np.array_equal(_decode_png(figs.png_data_uri(img)), img)
    with pytest.raises(ValueError):
        figs.png_bytes(np.zeros((2, 2, 2), dtype=np.uint8))


def test_tile_places_image_i_at_row_i_div_ncols():
    images = np.zeros((5, 28, 28))
    for i in range(5):
        images[i, i, i] = 1.0  # one ink dot, at a different place in each tile
    mosaic = figs.tile(images, ncols=3, gap=2)
    assert mosaic.shape == (2 * 30 - 2, 3 * 30 - 2)
    for i in range(5):
        r, c = divmod(i, 3)
        block = mosaic[r * 30:r * 30 + 28, c * 30:c * 30 + 28]
        assert block[i, i] == 0 and (block == 0).sum() == 1
    assert np.all(mosaic[28:30, :] == 255)  # the white gap between rows
    assert np.all(mosaic[30:, 60:] == 255)  # the empty sixth slot stays white


def test_image_grid_hover_sits_on_each_tile():
    images = np.random.default_rng(1).random((6, 28, 28))
    fig = figs.image_grid(images, 4, [f"tile {i}" for i in range(6)])
    mosaic, hover = _image_and_hover(fig)
    assert mosaic.shape == (58, 118)
    assert list(hover.text) == [f"tile {i}" for i in range(6)]
    for i, (x, y) in enumerate(zip(hover.x, hover.y)):
        r, c = divmod(i, 4)
        assert (x, y) == (c * 30 + 13.5, r * 30 + 13.5)
    assert np.array_equal(mosaic[0:28, 30:58], figs.to_gray(images[1]))
    with pytest.raises(ValueError, match="hover"):
        figs.image_grid(images, 4, ["one"])


def test_manifold_figure_labels_tiles_and_axes_with_z():
    n = 4
    z = np.array([[a, b] for b in (1.5, 0.5, -0.5, -1.5) for a in (-1.5, -0.5, 0.5, 1.5)])
    fig = figs.manifold_figure(np.zeros((16, 28, 28)), z, n)
    _, hover = _image_and_hover(fig)
    assert hover.text[0] == "z₁ = -1.50, z₂ = 1.50"
    assert hover.text[15] == "z₁ = 1.50, z₂ = -1.50"
    assert list(fig.layout.xaxis.ticktext) == ["-1.5", "-0.5", "0.5", "1.5"]
    assert list(fig.layout.yaxis.ticktext) == ["1.5", "0.5", "-0.5", "-1.5"]
    assert fig.layout.yaxis.range[0] > fig.layout.yaxis.range[1]  # row 0 at the top


def test_latent_scatter_traces():
    mu = np.array([[0.0, 1.0], [2.0, 3.0], [4.0, 5.0], [6.0, 7.0]])
    labels = np.array([3, 1, 3, 9])
    fig = figs.latent_scatter(mu, labels, chosen=(0.25, -0.5), radii={0.5: 1.1774, 0.9: 2.146},
                              path=np.array([[0, 0], [1, 1]]))
    by_name = {t.name: t for t in fig.data}
    assert list(by_name["3"].x) == [0.0, 4.0] and list(by_name["3"].y) == [1.0, 5.0]
    assert list(by_name["3"].customdata) == [0, 2]
    assert list(by_name["1"].customdata) == [1] and len(by_name["0"].x) == 0
    assert "label 3" in by_name["3"].hovertemplate and "%{customdata}" in by_name["3"].hovertemplate
    circle = by_name["prior 50%"]
    np.testing.assert_allclose(np.hypot(circle.x, circle.y), 1.1774)
    assert "50% of its mass" in circle.hovertemplate
    assert (by_name["chosen z"].x[0], by_name["chosen z"].y[0]) == (0.25, -0.5)
    assert list(by_name["interpolation"].x) == [0, 1]
    assert len({t.marker.color for t in fig.data if t.name.isdigit()}) == 10


def test_digit_colours_are_ten_distinct():
    assert len(figs.DIGIT_COLORS) == 10 and len(set(figs.DIGIT_COLORS)) == 10


@pytest.mark.parametrize("selection, expected", [
    ({"points": [{"x": 1.5, "y": -2, "customdata": 17}]}, (1.5, -2.0, 17)),
    ({"points": [{"x": 1, "y": 2, "customdata": [4]}]}, (1.0, 2.0, 4)),
    ({"points": [{"x": 1, "y": 2}]}, (1.0, 2.0, None)),
    ({"points": [{"x": 1, "y": 2, "customdata": "n/a"}]}, (1.0, 2.0, None)),
    ({"points": []}, None),
    ({"points": [{"x": "nan", "y": 2}]}, None),
    ({"points": [{"y": 2}]}, None),
    ({}, None),
    (None, None),
])
def test_picked_point(selection, expected):
    assert figs.picked_point(selection) == expected


def test_digit_heatmap_shows_the_values():
    img = np.linspace(0, 1, 784).reshape(28, 28)
    fig = figs.digit_heatmap(img, "t")
    np.testing.assert_allclose(np.array(fig.data[0].z), img)
    assert fig.layout.yaxis.autorange == "reversed"


def test_reconstruction_pairs_put_originals_above_reconstructions():
    originals = np.zeros((3, 28, 28))
    recons = np.ones((3, 28, 28))
    fig = figs.reconstruction_pairs(originals, recons, [5, 9, 11], [1, 2, 3])
    mosaic, hover = _image_and_hover(fig)
    assert np.all(mosaic[:28] == 255) and np.all(mosaic[30:58, :28] == 0)
    assert hover.text[0] == "original: test digit #5 (label 1)"
    assert hover.text[3].startswith("reconstruction of #5")
    assert list(fig.layout.yaxis.ticktext) == ["original", "reconstructed"]
    with pytest.raises(ValueError):
        figs.reconstruction_pairs(originals, recons[:2], [5, 9, 11], [1, 2, 3])


def test_interpolation_strip_is_one_row_labelled_by_t():
    t = np.linspace(0, 1, 5)
    z = np.column_stack([t, -t])
    fig = figs.interpolation_strip(np.zeros((5, 28, 28)), t, z)
    mosaic, hover = _image_and_hover(fig)
    assert mosaic.shape == (28, 5 * 30 - 2)
    assert hover.text[4] == "t = 1.00, z = (1.00, -1.00)"
    assert list(fig.layout.xaxis.ticktext) == ["0.00", "0.25", "0.50", "0.75", "1.00"]


def test_elbo_bars_stack_to_the_negative_elbo():
    fig = figs.elbo_bars([("a", -100.0, 5.0), ("b", -80.5, 7.25)], "nats")
    rec, kl = fig.data
    assert list(rec.y) == [100.0, 80.5] and list(kl.y) == [5.0, 7.25]
    assert list(rec.customdata) == [105.0, 87.75]
    assert fig.layout.barmode == "stack"
    assert "nats" in rec.hovertemplate and "nats" in fig.layout.yaxis.title.text


def test_training_curve_converts_units_and_skips_bad_rows():
    history = [{"epoch": 1, "train_neg_elbo": 150.0, "test_neg_elbo": 149.0},
               {"epoch": 2, "train_neg_elbo": 140.0},
               {"epoch": "x", "test_neg_elbo": 1.0}, "junk",
               {"epoch": 3, "train_neg_elbo": 130.0, "test_neg_elbo": 131.0}]
    fig = figs.training_curve(history, "bits", lambda v: v / math.log(2))
    train, test = fig.data
    assert list(train.x) == [1, 2, 3] and list(test.x) == [1, 3]
    np.testing.assert_allclose(test.y, np.array([149.0, 131.0]) / math.log(2))
    assert "bits" in fig.layout.yaxis.title.text
    assert len(figs.training_curve([], "nats").data) == 0


def _lab(hex_colour):
    """CIELAB (D65) of an sRGB colour, and its relative luminance."""
    rgb = np.array([int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)])
    lin = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    m = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]])
    xyz = m @ lin / np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > 0.008856, np.cbrt(xyz), 7.787 * xyz + 16 / 116)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])]), m[1] @ lin


def test_digit_colours_are_far_apart_and_none_is_faint_on_white():
    # Regression: 1/9/3 and 4/8 were hard to tell apart, and a yellow was faint on white.
    labs = [_lab(c) for c in figs.DIGIT_COLORS]
    for (la, lum) in labs:
        assert 1.05 / (lum + 0.05) >= 2.5  # contrast against white
        assert not (la[2] > 50 and la[0] > 60)  # nothing yellow (light and strongly b*)
    dist = {(i, j): float(np.linalg.norm(labs[i][0] - labs[j][0]))
            for i in range(10) for j in range(i + 1, 10)}
    assert min(dist.values()) >= 30
    for a, b in [(1, 9), (1, 3), (3, 9), (4, 8), (4, 9), (7, 9), (3, 8), (3, 5)]:
        assert dist[min(a, b), max(a, b)] >= 45, (a, b)


def test_latent_scatter_writes_each_digit_at_its_centroid():
    rng = np.random.default_rng(0)
    labels = np.repeat(np.arange(10), 30)
    centres = np.c_[np.cos(np.arange(10)), np.sin(np.arange(10))] * 3
    mu = centres[labels] + 0.2 * rng.standard_normal((300, 2))
    mu[0] = [40.0, 40.0]  # one stray code does not drag its label away
    fig = figs.latent_scatter(mu, labels)
    text = next(t for t in fig.data if t.name == "digit labels")
    assert list(text.text) == [str(d) for d in range(10)] and "text" in text.mode
    xy = np.c_[text.x, text.y]
    np.testing.assert_allclose(xy, [np.median(mu[labels == d], axis=0) for d in range(10)])
    assert np.all(np.linalg.norm(xy - centres, axis=1) < 0.3)
    assert text.textfont.size >= 18 and text.customdata is None  # a click on it picks no digit
    assert list(text.marker.line.color) == figs.DIGIT_COLORS
    # absent digits get no label
    few = figs.latent_scatter(mu[labels < 3], labels[labels < 3])
    assert list(next(t for t in few.data if t.name == "digit labels").text) == ["0", "1", "2"]


def test_mean_and_sample_side_by_side():
    rng = np.random.default_rng(1)
    mean = rng.random((28, 28))
    sample = (rng.random((28, 28)) < mean).astype(float)
    fig = figs.mean_and_sample(mean, sample, z=(0.5, -1.0))
    mosaic, hover = _image_and_hover(fig)
    step = 28 + 6
    np.testing.assert_array_equal(mosaic[:, :28], figs.to_gray(mean))
    np.testing.assert_array_equal(mosaic[:, step:step + 28], figs.to_gray(sample))
    assert set(np.unique(mosaic[:, step:step + 28])) <= {0, 255}  # the sample is black/white
    assert "mean" in hover.text[0] and "sample" in hover.text[1] and "z = (0.50, -1.00)" in hover.text[1]
    assert list(fig.layout.xaxis.ticktext) == ["mean E[x | z]", "a sample x ~ p(x | z)"]
    with pytest.raises(ValueError, match="0/1"):
        figs.mean_and_sample(mean, mean)
    with pytest.raises(ValueError, match="784"):
        figs.mean_and_sample(mean, sample[:10])
