r"""Toy data sets in the plane for GAN training, their modes, and mode coverage.

Each data set is a distribution :math:`p_r` on :math:`\mathbb{R}^2` that a GAN's generator has to
match. The mixtures (``ring8``, ``grid25``, ``gaussian``) have known mode centres, so the samples a
generator produces can be scored as in VEEGAN (Srivastava et al. 2017, Sec. 5.1) and PacGAN
(Lin et al. 2018, Sec. 5): a sample is **high quality** when it lies within 3 standard deviations
of its nearest mode centre, and a mode is **captured** when it is the nearest mode of at least one
high-quality sample; the share of high-quality samples is reported beside the count.

**Drawn data** (:mod:`gdm_core.drawn_data`): a data set named ``"drawn:<code>"`` is the
mixture of Gaussians of standard deviation ``drawn_data.DRAWN_STD`` centred on the points a
student drew. The same rule scores it, with the drawn points as the mixture's components: a
sample is high quality within 3 sd of its nearest drawn point, and its mode is that point's
*cluster* (single linkage, ``drawn_data.clusters``) — the student's clusters are the modes.

``ring8`` is the ring of 8 Gaussians of the WGAN-GP paper's toy experiments (radius 2, standard
deviation 0.02): the classic case for mode collapse. ``line`` has a one-dimensional support, the
situation of Arjovsky et al.'s parallel lines, where the Jensen–Shannon divergence saturates.

References
----------
I. Gulrajani, F. Ahmed, M. Arjovsky, V. Dumoulin, A. Courville, "Improved Training of
Wasserstein GANs", NeurIPS 2017 (toy data sets, Figure 1).
L. Metz, B. Poole, D. Pfau, J. Sohl-Dickstein, "Unrolled Generative Adversarial Networks",
ICLR 2017 (ring of 8 Gaussians; modes covered and high-quality samples within 3 std).
A. Srivastava, L. Valkov, C. Russell, M. Gutmann, C. Sutton, "VEEGAN", NeurIPS 2017 (grid of 25;
modes captured and high-quality samples).
Z. Lin, A. Khetan, G. Fanti, S. Oh, "PacGAN: The power of two samples in generative adversarial
networks", NeurIPS 2018 (the same rule on the ring and the grid).
"""

from __future__ import annotations

import math

import numpy as np

from gdm_core import drawn_data

DATASETS = ("ring8", "grid25", "moons", "spiral", "line", "gaussian")
DATA_LABELS = {
    "ring8": "ring of 8 Gaussians",
    "grid25": "5×5 grid of 25 Gaussians",
    "moons": "two moons",
    "spiral": "spiral",
    "line": "line segment (1-D support)",
    "gaussian": "a single Gaussian",
}
# standard deviation of each mixture component (the noise around the curve for moons/spiral)
DATA_STD = {"ring8": 0.02, "grid25": 0.05, "moons": 0.06, "spiral": 0.04, "line": 0.0,
            "gaussian": 0.4}
EXTENT = 3.0  # every data set lies well inside [-3, 3]²: one fixed window for the pictures
NEAR_STDS = 3.0  # "near a mode" = within 3 standard deviations of its centre
GAUSSIAN_MEAN = (1.0, 1.0)  # off the origin, so an untrained generator has somewhere to go
LINE_ENDS = ((-1.5, -1.0), (1.5, 1.0))


def check_dataset(name) -> str:
    """Return ``name`` if it names a data set (one of ``DATASETS``, or ``"drawn:<code>"`` with a
    valid code), else raise a readable ValueError."""
    if drawn_data.is_drawn(name):
        drawn_data.points(name)  # raises a sentence for a bad code
        return name
    if not isinstance(name, str) or name not in DATASETS:
        raise ValueError(f"unknown data set {name!r}; choose one of {', '.join(DATASETS)} "
                         "(or a drawing).")
    return name


def data_std(name: str) -> float:
    """The standard deviation of each mixture component (the noise around a curve)."""
    return drawn_data.DRAWN_STD if drawn_data.is_drawn(check_dataset(name)) else DATA_STD[name]


def data_label(name: str) -> str:
    """A data set's name for people: ``DATA_LABELS``, or 'your drawing (12 points in 3
    clusters)'."""
    if drawn_data.is_drawn(check_dataset(name)):
        return f"your drawing ({drawn_data.describe(name)})"
    return DATA_LABELS[name]


def _count(name: str, value, minimum: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer, float)):
        raise ValueError(f"{name} must be a whole number, got {value!r}.")
    if isinstance(value, float) and (not math.isfinite(value) or value != int(value)):
        raise ValueError(f"{name} must be a whole number, got {value!r}.")
    if int(value) < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {int(value)}.")
    return int(value)


def toy_modes(name: str) -> np.ndarray | None:
    r"""Mode centres (m, 2) of the mixtures; ``None`` for data without isolated modes.

    ``ring8``: :math:`2(\cos\frac{2\pi k}{8}, \sin\frac{2\pi k}{8})`, k = 0..7; ``grid25``:
    :math:`\{-2,-1,0,1,2\}^2`; ``gaussian``: its mean; a drawing: one point per cluster (its
    medoid, ``drawn_data.modes``). Moons, spiral and the line are curves, not modes, so they
    return ``None``.
    """
    check_dataset(name)
    if drawn_data.is_drawn(name):
        return drawn_data.modes(name)
    if name == "ring8":
        angle = 2 * np.pi * np.arange(8) / 8
        return 2.0 * np.column_stack([np.cos(angle), np.sin(angle)])
    if name == "grid25":
        g = np.arange(-2.0, 3.0)
        return np.array([(x, y) for x in g for y in g])
    if name == "gaussian":
        return np.array([GAUSSIAN_MEAN])
    return None


def _mixture(centres: np.ndarray, std: float, n: int, rng) -> np.ndarray:
    which = rng.integers(0, len(centres), n)
    return centres[which] + std * rng.standard_normal((n, 2))


def _moons(n: int, rng) -> np.ndarray:
    # the two interleaving half circles of scikit-learn's make_moons, centred and scaled ×1.5
    top = rng.random(n) < 0.5
    t = np.pi * rng.random(n)
    x = np.where(top, np.cos(t), 1.0 - np.cos(t))
    y = np.where(top, np.sin(t), 0.5 - np.sin(t))
    pts = 1.5 * (np.column_stack([x, y]) - [0.5, 0.25])
    return pts + DATA_STD["moons"] * rng.standard_normal((n, 2))


def _spiral(n: int, rng) -> np.ndarray:
    # Archimedean spiral r ∝ θ over 1.75 turns; √u spreads the points evenly along the arc
    theta = (0.25 + 3.25 * np.sqrt(rng.random(n))) * np.pi
    r = 2.4 * theta / (3.5 * np.pi)
    pts = np.column_stack([r * np.cos(theta), r * np.sin(theta)])
    return pts + DATA_STD["spiral"] * rng.standard_normal((n, 2))


def _line(n: int, rng) -> np.ndarray:
    # no noise at all: the support is a segment, a set of measure zero in the plane
    a, b = np.asarray(LINE_ENDS[0]), np.asarray(LINE_ENDS[1])
    return a + rng.random((n, 1)) * (b - a)


def toy_data(name: str, n: int, seed=0) -> np.ndarray:
    r"""Draw n points (n, 2) from the toy data set ``name``.

    Parameters
    ----------
    name : one of ``DATASETS``: "ring8", "grid25", "moons", "spiral", "line", "gaussian";
        or ``"drawn:<code>"``, a student's drawing (``gdm_core.drawn_data``).
    n : number of points (≥ 1).
    seed : an int seed or a ``numpy.random.Generator`` (which is advanced).

    Returns
    -------
    float64 array of shape (n, 2), inside :math:`[-3, 3]^2` with overwhelming probability.
    """
    check_dataset(name)
    n = _count("the number of points", n)
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    if drawn_data.is_drawn(name):
        return drawn_data.sample(name, n, rng)
    if name in ("ring8", "grid25", "gaussian"):
        return _mixture(toy_modes(name), DATA_STD[name], n, rng)
    return {"moons": _moons, "spiral": _spiral, "line": _line}[name](n, rng)


def _as_points(samples) -> np.ndarray:
    x = np.asarray(samples, dtype=float)
    if x.ndim != 2 or x.shape[1] != 2:
        raise ValueError(f"samples must be points in the plane, shape (n, 2); got {x.shape}.")
    if len(x) == 0:
        raise ValueError("samples must hold at least one point.")
    return x


def mode_counts(samples, name: str) -> np.ndarray:
    r"""How many *high-quality* samples have each mode as their nearest mode, (m,) integers.

    A sample x is high quality when :math:`\min_k \|x - c_k\| \le 3\sigma` (VEEGAN, PacGAN).
    Samples far from every mode (NaN or infinite ones included) count for no mode. Empty for
    data without modes. For a drawing, the components are the drawn points and a sample counts
    for the cluster of its nearest one (one count per cluster).
    """
    x = _as_points(samples)
    if drawn_data.is_drawn(check_dataset(name)):
        return drawn_data.mode_counts(x, name, NEAR_STDS * drawn_data.DRAWN_STD)
    centres = toy_modes(name)
    if centres is None:
        return np.zeros(0, dtype=np.int64)
    d = np.linalg.norm(x[:, None, :] - centres[None, :, :], axis=2)
    d = np.where(np.isfinite(d), d, np.inf)
    nearest = d.argmin(axis=1)
    near = d.min(axis=1) <= NEAR_STDS * DATA_STD[name]
    return np.bincount(nearest[near], minlength=len(centres)).astype(np.int64)


def mode_shares(samples, name: str) -> np.ndarray:
    """:func:`mode_counts` as shares of all samples, (m,); empty for data without modes."""
    x = _as_points(samples)
    return mode_counts(x, name) / len(x)


def mode_coverage(samples, name: str) -> tuple[int, float]:
    r"""(modes captured, share of high-quality samples) for samples of a mixture data set.

    Mode k is *captured* when it is the nearest mode of at least one high-quality sample, i.e.
    one within :math:`3\sigma` of :math:`c_k` (:func:`mode_counts` > 0). For data without modes
    (moons, spiral, line) the answer is ``(0, nan)``. The count grows with the number of
    samples scored (one stray sample captures a mode): the app scores ``gan.N_EVAL`` samples,
    and says so.

    References
    ----------
    Srivastava et al. (2017), Sec. 5.1 and Table 1; Lin et al. (2018), Sec. 5; Metz et al.
    (2017), Sec. 3.1.
    """
    counts = mode_counts(samples, check_dataset(name))
    if counts.size == 0:
        return 0, math.nan
    return int((counts > 0).sum()), float(counts.sum() / len(_as_points(samples)))
