"""Drawn GAN data (gdm_core.drawn_data, gan_data on "drawn:<code>"), against independent references:
the code by hand, the clusters by SciPy's single-linkage hierarchy, the mode counts by a KD-tree."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.spatial import cKDTree

from gdm_core import drawn_data as dd
from gdm_core import gan, gan_data


def _blobs(centres, r=1):
    return [(ci + di, cj + dj) for ci, cj in centres
            for di in range(-r, r + 1) for dj in range(-r, r + 1)]


THREE = _blobs([(10, 10), (37, 12), (24, 38)])


def _canonical(labels) -> list[int]:
    """Relabel 0, 1, … by first appearance: two partitions are equal iff these are."""
    order: dict = {}
    return [order.setdefault(lab, len(order)) for lab in labels]


def test_code_by_hand():
    # bytes 00 00 2f 01 → base64 "AAAvAQ==" → padding dropped
    assert dd.encode([(47, 1), (0, 0)]) == "AAAvAQ"
    assert dd.decode("AAAvAQ").tolist() == [[0, 0], [47, 1]]
    assert dd.encode([(0, 0), (0, 0), (47, 1)]) == "AAAvAQ"  # duplicates dropped


def test_code_round_trip_and_length():
    rng = np.random.default_rng(0)
    cells = np.unique(rng.integers(0, dd.GRID, (64, 2)), axis=0)
    code = dd.encode(cells)
    assert np.array_equal(dd.decode(code), cells)
    assert len(code) <= 172  # 64 points fit a URL parameter
    assert set(code) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
    assert dd.encode(cells[::-1]) == code  # the order of drawing does not matter


@pytest.mark.parametrize("bad", ["", "!!!!", "AA", "MDA", "AAAw" * 1, 5, None, "x" * 5000])
def test_bad_codes_are_refused_with_a_sentence(bad):
    with pytest.raises(ValueError):
        dd.decode(bad)
    with pytest.raises(ValueError):
        gan_data.check_dataset(f"drawn:{bad}")


def test_too_many_points_refused():
    cells = [(i, j) for i in range(dd.GRID) for j in range(dd.GRID)][:dd.MAX_POINTS + 1]
    with pytest.raises(ValueError, match="at most"):
        dd.encode(cells)


def test_cell_centres():
    pts = dd.cell_points(np.array([[0, 0], [47, 47], [24, 23]]))
    np.testing.assert_allclose(pts, [[-2.9375, 2.9375], [2.9375, -2.9375], [0.0625, 0.0625]])


def test_cells_from_ink_reads_the_canvas():
    ink = np.zeros((384, 384))  # 8 px per cell
    ink[80:96, 160:168] = 1.0     # rows 10-11, column 20
    ink[300:302, 300:302] = 1.0   # 4 px of 64: below the threshold
    assert dd.cells_from_ink(ink).tolist() == [[20, 10], [20, 11]]


@pytest.mark.parametrize("seed", range(6))
def test_clusters_match_scipy_single_linkage(seed):
    rng = np.random.default_rng(seed)
    pts = rng.uniform(-3, 3, (int(rng.integers(2, 60)), 2))
    ours = dd.clusters(pts)
    ref = fcluster(linkage(pts, method="single"), t=dd.LINK, criterion="distance")
    assert _canonical(ours) == _canonical(ref)
    assert ours.tolist() == _canonical(ours)  # numbered by first appearance


def test_three_blobs_are_three_clusters_and_a_stroke_is_one():
    name = dd.data_name(dd.encode(THREE))
    assert dd.describe(name) == "27 points in 3 clusters"
    np.testing.assert_allclose(gan.toy_modes(name),
                               dd.cell_points(np.array([[10, 10], [24, 38], [37, 12]])))
    stroke = dd.data_name(dd.encode([(i, 20 + (i % 3)) for i in range(5, 40)]))
    assert int(dd.labels(stroke).max()) == 0
    assert len(gan.toy_modes(stroke)) == 1


def test_drawn_data_is_the_mixture_on_the_points():
    name = dd.data_name(dd.encode(THREE))
    x = gan.toy_data(name, 20_000, seed=0)
    assert np.array_equal(x, gan.toy_data(name, 20_000, seed=0))
    pts = dd.points(name)
    d, idx = cKDTree(pts).query(x)
    resid = x - pts[idx]
    # within 3 sd of a drawn point nearly always (2-D: 1 − e^{-4.5} ≈ 98.9 %, more with
    # neighbours 2.5 sd apart)
    assert (d <= 3 * dd.DRAWN_STD).mean() > 0.985
    assert abs(resid.std() - dd.DRAWN_STD) < 0.01
    assert gan.data_std(name) == dd.DRAWN_STD
    assert gan.data_label(name) == "your drawing (27 points in 3 clusters)"


def test_mode_counts_against_a_kd_tree():
    name = dd.data_name(dd.encode(THREE))
    rng = np.random.default_rng(1)
    fakes = np.concatenate([gan.toy_data(name, 500, seed=2), rng.uniform(-3, 3, (500, 2)),
                            [[np.nan, 0.0], [np.inf, 1.0]]])
    pts, lab = dd.points(name), dd.labels(name)
    d, idx = cKDTree(pts).query(np.nan_to_num(fakes, nan=1e9, posinf=1e9))
    ok = d <= 3 * dd.DRAWN_STD
    expected = np.bincount(lab[idx[ok]], minlength=3)
    assert gan.mode_counts(fakes, name).tolist() == expected.tolist()
    captured, hq = gan.mode_coverage(fakes, name)
    assert captured == int((expected > 0).sum()) and hq == pytest.approx(ok.mean())
    # fakes on one cluster only: one mode captured
    one = dd.points(name)[lab == 0]
    assert gan.mode_coverage(one, name) == (1, 1.0)


def test_config_with_drawn_data_is_hashable_and_checked():
    name = dd.data_name(dd.encode(THREE))
    c = gan.GANConfig(data=name, steps=10)
    assert hash(c) == hash(gan.GANConfig(**c.to_dict()))
    with pytest.raises(ValueError):
        gan.GANConfig(data="drawn:@@")
