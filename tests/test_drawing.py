"""A drawing as arrays (gdm_core.drawing): area averaging against Pillow's BOX filter and block
means, ink from RGBA, and a digit made as MNIST's were, checked on shipped MNIST digits."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from gdm_core import drawing, paths, vae
from gdm_core.data import load_mnist


def test_integer_factor_is_the_block_mean():
    rng = np.random.default_rng(0)
    img = rng.random((280, 280))
    ref = img.reshape(28, 10, 28, 10).mean(axis=(1, 3))
    np.testing.assert_allclose(drawing.area_resample(img, (28, 28)), ref, atol=1e-12)


@pytest.mark.parametrize("shape_in,shape_out", [((280, 280), (28, 28)), ((384, 384), (48, 48))])
def test_integer_factor_matches_pillow_box(shape_in, shape_out):
    # Pillow's BOX filter is the exact area average when the factor is a whole number
    rng = np.random.default_rng(1)
    img = rng.random(shape_in).astype(np.float32)
    ref = np.asarray(Image.fromarray(img, mode="F").resize(shape_out[::-1], Image.BOX))
    np.testing.assert_allclose(drawing.area_resample(img, shape_out), ref, atol=1e-5)


@pytest.mark.parametrize("shape_in,shape_out", [((37, 53), (20, 20)), ((13, 7), (20, 30)),
                                                ((10, 10), (3, 4))])
def test_any_factor_matches_supersampling(shape_in, shape_out):
    """Area averaging by its definition: repeat each pixel out × in times (every output cell
    is then a whole block) and take block means."""
    rng = np.random.default_rng(1)
    img = rng.random(shape_in)
    (hi, wi), (ho, wo) = shape_in, shape_out
    fine = np.kron(img, np.ones((ho, wo)))  # (hi·ho, wi·wo)
    ref = fine.reshape(ho, hi, wo, wi).mean(axis=(1, 3))
    np.testing.assert_allclose(drawing.area_resample(img, shape_out), ref, atol=1e-12)


def test_area_resample_keeps_the_mean_and_refuses_nonsense():
    img = np.random.default_rng(2).random((90, 60))
    assert drawing.area_resample(img, (9, 6)).mean() == pytest.approx(img.mean())
    for bad in (np.zeros((0, 3)), np.full((3, 3), np.nan), np.zeros(5)):
        with pytest.raises(ValueError):
            drawing.area_resample(bad, (2, 2))
    with pytest.raises(ValueError):
        drawing.area_resample(img, (0, 2))


def test_ink_from_rgba():
    px = np.array([[[0, 0, 0, 255], [0, 0, 0, 0], [255, 255, 255, 255], [0, 0, 0, 128]]],
                  dtype=np.uint8)
    np.testing.assert_allclose(drawing.ink_from_rgba(px), [[1.0, 0.0, 0.0, 128 / 255]],
                               atol=1e-12)
    np.testing.assert_allclose(drawing.ink_from_rgba(px[..., :3]), [[1.0, 1.0, 0.0, 1.0]],
                               atol=1e-12)


def _com(img):
    r, c = np.indices(img.shape)
    return (r * img).sum() / img.sum(), (c * img).sum() / img.sum()


def test_mnist_digit_fits_the_box_and_centres_the_mass():
    ink = np.zeros((280, 280))
    ink[20:120, 200:230] = 1.0  # a tall bar in the top right corner
    d = drawing.mnist_digit(ink)
    rows, cols = np.nonzero(d > 0)
    assert rows.max() - rows.min() + 1 == 20 and cols.max() - cols.min() + 1 <= 7
    r, c = _com(d)
    assert abs(r - 14) <= 0.5 and abs(c - 14) <= 0.5
    assert not drawing.mnist_digit(np.zeros((280, 280))).any()


def test_mnist_centres_its_digits_at_14():
    images, _ = load_mnist(paths.mnist_sample_path(), "test")
    com = np.array([_com(im / 255.0) for im in images[:500]])
    np.testing.assert_allclose(com.mean(axis=0), [14.0, 14.0], atol=0.05)


def test_shipped_digits_drawn_large_come_back():
    """An MNIST digit is already made this way: drawn ten times larger anywhere on a canvas, it
    comes back as itself (the 20×20 box and the centring are MNIST's) — exactly for most, and
    within a pixel's shift for the rest (MNIST boxed the bilevel scan, we box grey levels)."""
    images, _ = load_mnist(paths.mnist_sample_path(), "test")
    corr = []
    for grey in images[:100] / 255.0:
        canvas = np.zeros((400, 400))
        canvas[60:340, 90:370] = np.kron(grey, np.ones((10, 10)))
        corr.append(np.corrcoef(drawing.mnist_digit(canvas).ravel(), grey.ravel())[0, 1])
        np.testing.assert_allclose(drawing.plain_digit(np.kron(grey, np.ones((10, 10)))), grey,
                                   atol=1e-12)
    corr = np.array(corr)
    assert np.median(corr) > 0.999 and (corr > 0.99).mean() > 0.7 and corr.min() > 0.85


def test_the_model_input_of_a_drawing_is_binary():
    d = drawing.to_grey_levels(drawing.plain_digit(np.full((280, 280), 0.6)))
    assert d.dtype == np.uint8 and d.shape == (28, 28) and set(np.unique(d)) == {153}
    x = vae.model_input(d[None])
    assert x.shape == (1, 784) and set(np.unique(x)) <= {0.0, 1.0}
