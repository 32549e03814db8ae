r"""A drawing on a canvas as arrays: ink, resampling by area, and a digit as MNIST's are made.

A canvas hands back an RGBA image. Its **ink** (:func:`ink_from_rgba`) is opacity times
darkness, in [0, 1]: black strokes on a transparent or a white canvas both read as ink 1.

**Area averaging** (:func:`area_resample`): each output pixel is the mean of the input over the
rectangle it covers, partial input pixels weighted by the share of them it covers — what
Pillow's ``BOX`` filter computes. A 280 × 280 drawing becomes 28 × 28 this way (each output
pixel the mean of a 10 × 10 block).

**A digit as MNIST's were made** (:func:`mnist_digit`; LeCun et al. 1998, and the MNIST page):
the drawing's bounding box, padded to a square so the aspect ratio is kept, is resampled into a
20 × 20 box, and that box is placed in the 28 × 28 field so that the ink's centre of mass lies
at pixel (14, 14), rounded to whole pixels (rows and columns numbered from 0; where MNIST's own
digits have it). :func:`plain_digit` skips this and
area-averages the whole canvas. The model then sees the digit binarised as every test digit is
(``vae.model_input``: pixel on when u < grey, u from ``numpy.random.default_rng(0)``).

References
----------
Y. LeCun, L. Bottou, Y. Bengio, P. Haffner, "Gradient-based learning applied to document
recognition", Proc. IEEE 86, 1998 (MNIST: size-normalised into 20 × 20, centred by the centre
of mass in 28 × 28).
"""

from __future__ import annotations

import numpy as np

SIZE = 28  # MNIST's field
BOX = 20   # MNIST's digits fit a 20 × 20 box inside it


def _image(image, name: str = "image") -> np.ndarray:
    a = np.asarray(image, dtype=float)
    if a.ndim != 2 or a.shape[0] < 1 or a.shape[1] < 1:
        raise ValueError(f"{name} must be a non-empty 2-D array, got shape {a.shape}.")
    if not np.isfinite(a).all():
        raise ValueError(f"{name} must hold finite numbers.")
    return a


def _weights(n_in: int, n_out: int) -> np.ndarray:
    """(n_out, n_in): the share of output cell o that input pixel i covers (rows sum to 1)."""
    edges = np.linspace(0.0, n_in, n_out + 1)
    lo, hi = edges[:-1, None], edges[1:, None]
    i = np.arange(n_in)[None, :]
    overlap = np.clip(np.minimum(hi, i + 1) - np.maximum(lo, i), 0.0, None)
    return overlap / (hi - lo)


def area_resample(image, shape: tuple[int, int]) -> np.ndarray:
    """Resample a 2-D array to ``shape`` by area averaging (down or up, any factor).

    Examples
    --------
    >>> area_resample(np.arange(16.0).reshape(4, 4), (2, 2))
    array([[ 2.5,  4.5],
           [10.5, 12.5]])
    """
    a = _image(image)
    rows, cols = (int(s) for s in shape)
    if rows < 1 or cols < 1:
        raise ValueError(f"the output shape must be positive, got {shape}.")
    return _weights(a.shape[0], rows) @ a @ _weights(a.shape[1], cols).T


def ink_from_rgba(rgba) -> np.ndarray:
    """Ink in [0, 1] (H, W) of an RGBA uint8 image (H, W, 4): opacity × (1 − luminance),
    luminance = 0.299 R + 0.587 G + 0.114 B (ITU-R BT.601). An RGB image is taken as opaque."""
    a = np.asarray(rgba)
    if a.ndim != 3 or a.shape[2] not in (3, 4) or a.shape[0] < 1 or a.shape[1] < 1:
        raise ValueError(f"expected an RGB or RGBA image (H, W, 3 or 4), got {a.shape}.")
    a = a.astype(float) / 255.0
    alpha = a[..., 3] if a.shape[2] == 4 else 1.0
    lum = 0.299 * a[..., 0] + 0.587 * a[..., 1] + 0.114 * a[..., 2]
    return np.clip(alpha * (1.0 - lum), 0.0, 1.0)


def plain_digit(ink) -> np.ndarray:
    """The whole canvas area-averaged to 28 × 28, in [0, 1]."""
    return np.clip(area_resample(ink, (SIZE, SIZE)), 0.0, 1.0)


def mnist_digit(ink, threshold: float = 1 / 255) -> np.ndarray:
    """A drawing (H, W) of ink in [0, 1] as an MNIST digit: 28 × 28 grey levels in [0, 1].

    The pixels with ink above ``threshold`` give the bounding box; it is padded to a square
    (centred), area-resampled to 20 × 20 and pasted into the 28 × 28 field at the whole-pixel
    offset that brings the ink's centre of mass (in pixel indices) nearest to (14, 14), clipped
    so the box stays inside. An empty drawing gives an empty field.
    """
    a = np.clip(_image(ink, "ink"), 0.0, 1.0)
    rows, cols = np.nonzero(a > threshold)
    out = np.zeros((SIZE, SIZE))
    if rows.size == 0:
        return out
    crop = a[rows.min():rows.max() + 1, cols.min():cols.max() + 1]
    side = max(crop.shape)
    square = np.zeros((side, side))
    r0, c0 = (side - crop.shape[0]) // 2, (side - crop.shape[1]) // 2
    square[r0:r0 + crop.shape[0], c0:c0 + crop.shape[1]] = crop
    box = np.clip(area_resample(square, (BOX, BOX)), 0.0, 1.0)
    mass = box.sum()
    r, c = np.indices(box.shape)
    com_r, com_c = ((r * box).sum() / mass, (c * box).sum() / mass) if mass > 0 else (9.5, 9.5)
    # MNIST's convention, in pixel indices: the centre of mass at (14, 14) (the shipped test
    # digits' centres of mass average 14.0 in both directions; tests/test_drawing.py)
    top = int(np.clip(np.rint(SIZE / 2 - com_r), 0, SIZE - BOX))
    left = int(np.clip(np.rint(SIZE / 2 - com_c), 0, SIZE - BOX))
    out[top:top + BOX, left:left + BOX] = box
    return out


def to_grey_levels(digit) -> np.ndarray:
    """[0, 1] → uint8 0–255 (rounded), the form of an MNIST image."""
    return np.rint(255.0 * np.clip(_image(digit, "digit"), 0.0, 1.0)).astype(np.uint8)
