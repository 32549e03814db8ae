r"""Data a student draws: points on a grid of the plane, a compact code for them, their clusters.

A drawing on the GAN page becomes a set of **grid cells**: the window :math:`[-3, 3]^2` is cut
into ``GRID`` × ``GRID`` = 48 × 48 cells of side ``STEP`` = 0.125, and a cell the ink covers
(:func:`cells_from_ink`) is one drawn point, at the cell's centre (:func:`cell_points`). Cell
``(i, j)`` is column ``i`` from the left and row ``j`` from the *top*, as on the canvas:

.. math:: x = -3 + (i + \tfrac12)\,h,\qquad y = 3 - (j + \tfrac12)\,h,\qquad h = 6/48.

**The code** (:func:`encode`, :func:`decode`): the cells sorted, each as two bytes
``(i, j)`` (0 … 47), the bytes in URL-safe base64 without padding — 4 characters per 1.5 points,
172 characters for 64 points. Equal drawings give equal codes (sorted, duplicates dropped), so a
class drawing the same thing shares one trained run. A data set's name is ``"drawn:" + code``
(:func:`data_name`), which keeps a GAN configuration a hashable value.

**The distribution** the GAN learns is a mixture of equal Gaussians, one at each drawn point,
with standard deviation ``DRAWN_STD`` (:func:`sample`).

**Its modes** are the student's clusters (:func:`clusters`): *single linkage* with the distance
threshold ``LINK`` = 0.5 — two drawn points closer than 0.5 are in the same cluster, and so is
every chain of such points — the connected components of that graph. Deterministic and
independent of the order of the points; a stroke is one cluster, separate blobs are separate.
Clusters are numbered by their first cell in the code's order (left to right, then top to
bottom).

References
----------
J. C. Gower, G. J. S. Ross, "Minimum spanning trees and single linkage cluster analysis",
Applied Statistics 18, 1969 (single linkage = the components of the graph of close pairs).
"""

from __future__ import annotations

import base64
import binascii
import functools
import math

import numpy as np

EXTENT = 3.0          # the drawing window is [-EXTENT, EXTENT]² (the GAN page's window)
GRID = 48             # cells per side
STEP = 2 * EXTENT / GRID  # 0.125: a cell's side in the plane
MAX_POINTS = 400      # a drawing may hold at most this many points (cells)
URL_POINTS = 64       # up to this many points, the code rides in the address bar
DRAWN_STD = 0.05      # each drawn point is a Gaussian of this standard deviation
LINK = 0.5            # single-linkage threshold: closer points share a cluster
INK_THRESHOLD = 0.2   # a cell is drawn when ink covers at least this share of it
PREFIX = "drawn:"


def _checked(cells) -> np.ndarray:
    c = np.asarray(cells)
    if c.size == 0:
        return np.zeros((0, 2), dtype=np.int64)
    if c.ndim != 2 or c.shape[1] != 2 or not np.issubdtype(c.dtype, np.integer):
        raise ValueError(f"cells must be integer pairs (i, j), shape (n, 2); got {c.shape} "
                         f"of {c.dtype}.")
    if c.min() < 0 or c.max() >= GRID:
        raise ValueError(f"cell coordinates must lie in 0 … {GRID - 1}.")
    return c.astype(np.int64)


def _cells(cells) -> np.ndarray:
    return np.unique(_checked(cells), axis=0)  # sorted by i, then j; duplicates dropped


def encode(cells) -> str:
    """The code of a set of cells: sorted unique ``(i, j)`` byte pairs in URL-safe base64,
    no padding. At most ``MAX_POINTS`` cells (ValueError beyond)."""
    c = _cells(cells)
    if len(c) > MAX_POINTS:
        raise ValueError(f"a drawing holds at most {MAX_POINTS} points, this one {len(c)}.")
    return base64.urlsafe_b64encode(c.astype(np.uint8).tobytes()).decode("ascii").rstrip("=")


@functools.lru_cache(maxsize=256)
def _decode(code: str) -> np.ndarray:
    if not isinstance(code, str) or not code or len(code) > 4 * MAX_POINTS:
        raise ValueError("a drawing's code must be a non-empty string of at most "
                         f"{4 * MAX_POINTS} characters.")
    try:
        raw = base64.urlsafe_b64decode(code + "=" * (-len(code) % 4))
    except (binascii.Error, ValueError) as err:
        raise ValueError(f"not a drawing's code (base64): {code[:20]!r}.") from err
    if len(raw) == 0 or len(raw) % 2:
        raise ValueError("a drawing's code must hold whole (i, j) pairs of bytes.")
    c = np.frombuffer(raw, dtype=np.uint8).reshape(-1, 2).astype(np.int64)
    if c.max() >= GRID:
        raise ValueError(f"a drawing's cells must lie in 0 … {GRID - 1}.")
    if len(c) > MAX_POINTS:
        raise ValueError(f"a drawing holds at most {MAX_POINTS} points, this one {len(c)}.")
    c = np.unique(c, axis=0)
    c.setflags(write=False)
    return c


def decode(code: str) -> np.ndarray:
    """The cells (n, 2) of a code (sorted, unique); ValueError with a sentence if it is not one."""
    return _decode(code).copy()


def cell_points(cells) -> np.ndarray:
    """The plane coordinates (n, 2) of cells' centres (y up: row 0 is the top of the canvas)."""
    c = _checked(cells)
    return np.column_stack([-EXTENT + (c[:, 0] + 0.5) * STEP, EXTENT - (c[:, 1] + 0.5) * STEP])


def cells_from_ink(ink, threshold: float = INK_THRESHOLD) -> np.ndarray:
    """The cells a drawing covers: ``ink`` (H, W) in [0, 1] over the window, area-averaged onto
    the GRID × GRID cells (:func:`gdm_core.drawing.area_resample`); a cell is drawn when its
    mean ink reaches ``threshold``. Returns sorted cells (n, 2) as ``(column, row)``."""
    from gdm_core.drawing import area_resample

    cover = area_resample(ink, (GRID, GRID))
    rows, cols = np.nonzero(cover >= threshold)
    return _cells(np.column_stack([cols, rows]).astype(np.int64))


def data_name(code: str) -> str:
    """The data set's name for a drawing's code (checked)."""
    decode(code)
    return PREFIX + code


def is_drawn(name) -> bool:
    return isinstance(name, str) and name.startswith(PREFIX)


@functools.lru_cache(maxsize=256)
def _points(name: str) -> np.ndarray:
    if not is_drawn(name):
        raise ValueError(f"{name!r} is not a drawn data set (it starts with {PREFIX!r}).")
    p = cell_points(_decode(name[len(PREFIX):]))
    p.setflags(write=False)
    return p


def points(name: str) -> np.ndarray:
    """The drawn points (n, 2) of a drawn data set's name ``"drawn:<code>"``."""
    return _points(name).copy()


def sample(name: str, n: int, rng: np.random.Generator) -> np.ndarray:
    """n draws from the drawn data: a drawn point chosen uniformly, plus N(0, DRAWN_STD² I)."""
    p = _points(name)
    which = rng.integers(0, len(p), n)
    return p[which] + DRAWN_STD * rng.standard_normal((n, 2))


def clusters(pts, link: float = LINK) -> np.ndarray:
    """Single-linkage cluster labels (n,) of points (n, 2): the connected components of the
    graph joining points at distance ≤ ``link``. Labels 0, 1, … in order of each cluster's
    first point."""
    x = np.asarray(pts, dtype=float)
    if x.ndim != 2 or x.shape[1] != 2:
        raise ValueError(f"points must have shape (n, 2), got {x.shape}.")
    if not (isinstance(link, (int, float)) and math.isfinite(link) and link > 0):
        raise ValueError(f"the linkage distance must be a positive number, got {link!r}.")
    n = len(x)
    parent = list(range(n))

    def root(a: int) -> int:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    close = np.linalg.norm(x[:, None, :] - x[None, :, :], axis=2) <= link
    for a, b in zip(*np.nonzero(np.triu(close, 1))):
        ra, rb = root(int(a)), root(int(b))
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    roots = [root(a) for a in range(n)]
    order = {r: k for k, r in enumerate(dict.fromkeys(roots))}
    return np.array([order[r] for r in roots], dtype=np.int64)


@functools.lru_cache(maxsize=256)
def _labels(name: str) -> np.ndarray:
    lab = clusters(_points(name))
    lab.setflags(write=False)
    return lab


def labels(name: str) -> np.ndarray:
    """The cluster of each drawn point (:func:`clusters` of :func:`points`)."""
    return _labels(name).copy()


def modes(name: str) -> np.ndarray:
    """One marker per cluster (k, 2): its *medoid*, the drawn point nearest the cluster's mean
    (a point of the drawing, even when a curved stroke's mean lies off it)."""
    p, lab = _points(name), _labels(name)
    out = []
    for k in range(int(lab.max()) + 1):
        members = p[lab == k]
        out.append(members[np.argmin(np.linalg.norm(members - members.mean(axis=0), axis=1))])
    return np.array(out)


def mode_counts(samples: np.ndarray, name: str, near: float) -> np.ndarray:
    """High-quality samples per cluster (k,): a sample is high quality when its nearest drawn
    point is within ``near``; it counts for that point's cluster. Non-finite samples count for
    none."""
    p, lab = _points(name), _labels(name)
    x = np.asarray(samples, dtype=float)
    d = np.linalg.norm(x[:, None, :] - p[None, :, :], axis=2)
    d = np.where(np.isfinite(d), d, np.inf)
    nearest = d.argmin(axis=1)
    ok = d.min(axis=1) <= near
    return np.bincount(lab[nearest[ok]], minlength=int(lab.max()) + 1).astype(np.int64)


def describe(name: str) -> str:
    """'12 points in 3 clusters' for a drawn data set."""
    n, k = len(_points(name)), int(_labels(name).max()) + 1
    return f"{n} point{'s' * (n != 1)} in {k} cluster{'s' * (k != 1)}"
