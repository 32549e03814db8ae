"""gdm_core.transport_duality against independent references: scipy's 1-D Wasserstein distance,
a brute-force assignment, the app's own wasserstein_samples, and the dual LP solved by scipy."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import optimize, stats

from gdm_core import transport_duality as td
from gdm_core.transport import wasserstein_samples


def weighted(rng, n, m, dim=1):
    """Two random weighted point sets (shape (n,) and (m,) on a line, else (n, dim))."""
    shape = (lambda k: (k,)) if dim == 1 else (lambda k: (k, dim))
    x, y = rng.normal(size=shape(n)), rng.normal(size=shape(m)) + 0.7
    return x, rng.uniform(0.05, 1, n), y, rng.uniform(0.05, 1, m)


def dual_lp(x, a, y, b) -> float:
    """max Σ a_i f(x_i) − Σ b_j f(y_j) over f at the n + m support points with
    f(s_k) − f(s_l) ≤ d(s_k, s_l) for every ordered pair: the Kantorovich–Rubinstein dual as an
    LP, solved by scipy's HiGHS (nothing from POT)."""
    a, b = np.asarray(a) / np.sum(a), np.asarray(b) / np.sum(b)
    pts = np.vstack([np.reshape(x, (len(a), -1)), np.reshape(y, (len(b), -1))])
    k = len(pts)
    rows, rhs = [], []
    for i, j in itertools.permutations(range(k), 2):
        row = np.zeros(k)
        row[i], row[j] = 1.0, -1.0
        rows.append(row)
        rhs.append(float(np.linalg.norm(pts[i] - pts[j])))
    c = -np.concatenate([a, -b])  # linprog minimises
    bounds = [(None, None)] * k
    bounds[0] = (0, 0)  # f is defined up to a constant
    res = optimize.linprog(c, A_ub=np.array(rows), b_ub=rhs, bounds=bounds, method="highs")
    assert res.status == 0, res.message
    return -res.fun


# --------------------------------------------------------------------------------- the primal
@pytest.mark.parametrize("seed", range(8))
def test_primal_on_a_line_is_scipys_weighted_wasserstein(seed):
    rng = np.random.default_rng(seed)
    x, a, y, b = weighted(rng, 5 + seed % 3, 6 + seed % 4)
    _, cost = td.optimal_plan(x, a, y, b)
    # scipy integrates |F_p − F_q| (no LP at all)
    assert cost == pytest.approx(stats.wasserstein_distance(x, y, a, b), abs=1e-9)


@pytest.mark.parametrize("dim", [1, 2])
@pytest.mark.parametrize("seed", range(5))
def test_plan_has_the_marginals_and_its_cost(dim, seed):
    rng = np.random.default_rng(100 + seed)
    x, a, y, b = weighted(rng, 7, 9, dim)
    plan, cost = td.optimal_plan(x, a, y, b)
    assert plan.shape == (7, 9) and (plan >= 0).all()
    np.testing.assert_allclose(plan.sum(axis=1), a / a.sum(), atol=1e-12)
    np.testing.assert_allclose(plan.sum(axis=0), b / b.sum(), atol=1e-12)
    d = np.linalg.norm(np.reshape(x, (7, -1))[:, None] - np.reshape(y, (9, -1))[None], axis=-1)
    assert cost == pytest.approx(float((plan * d).sum()), abs=1e-12)
    assert np.count_nonzero(plan) <= 7 + 9 - 1  # a vertex of the transport polytope


@pytest.mark.parametrize("seed", range(6))
def test_plane_equal_weights_is_the_brute_force_assignment(seed):
    # n = m with equal masses: an optimal plan is a permutation (Birkhoff), found by the
    # Hungarian algorithm; and the app's one exact W1 must agree
    rng = np.random.default_rng(200 + seed)
    n = 6 + seed
    x, y = rng.normal(size=(n, 2)), rng.normal(size=(n, 2)) + [1.0, 0.0]
    w = np.full(n, 1.0 / n)
    _, cost = td.optimal_plan(x, w, y, w)
    d = np.linalg.norm(x[:, None] - y[None], axis=-1)
    r, c = optimize.linear_sum_assignment(d)
    assert cost == pytest.approx(d[r, c].mean(), abs=1e-9)
    assert cost == pytest.approx(wasserstein_samples(x, y), abs=1e-9)
    values, dual = td.kantorovich_critic(x, w, y, w)
    assert dual == pytest.approx(d[r, c].mean(), abs=1e-9)


def test_plane_unequal_sizes_is_wasserstein_samples():
    x, a, y, b = td.example(2, "random", 1.5, seed=3)  # 8 and 10 equal-mass points
    assert td.optimal_plan(x, a, y, b)[1] == pytest.approx(wasserstein_samples(x, y), abs=1e-9)


def test_masses_are_proportions():
    x, y = [0.0, 1.0], [0.5, 3.0]
    assert td.optimal_plan(x, [1, 3], y, [2, 2])[1] == pytest.approx(
        td.optimal_plan(x, [0.25, 0.75], y, [0.5, 0.5])[1], abs=1e-15)


def test_a_hand_example():
    # all of p at 0, q half at 1 and half at 3: W1 = 0.5·1 + 0.5·3 = 2; the critic f(z) = −|z|
    # (up to a constant) has E_p f − E_q f = 0 − (−2) = 2
    plan, cost = td.optimal_plan([0.0], [1.0], [1.0, 3.0], [0.5, 0.5])
    assert cost == pytest.approx(2.0, abs=1e-15)
    np.testing.assert_allclose(plan, [[0.5, 0.5]])
    values, w1 = td.kantorovich_critic([0.0], [1.0], [1.0, 3.0], [0.5, 0.5])
    assert w1 == pytest.approx(2.0, abs=1e-15)
    assert values[0] - values[1] == pytest.approx(1.0) and values[0] - values[2] == pytest.approx(3.0)


# ----------------------------------------------------------------------------------- the dual
@pytest.mark.parametrize("dim", [1, 2])
@pytest.mark.parametrize("seed", range(6))
def test_dual_equals_primal_and_the_lp_and_is_1_lipschitz(dim, seed):
    rng = np.random.default_rng(300 + seed)
    x, a, y, b = weighted(rng, 5 + seed, 8 - seed % 3, dim)
    _, primal = td.optimal_plan(x, a, y, b)
    values, dual = td.kantorovich_critic(x, a, y, b)
    assert dual == pytest.approx(primal, abs=1e-9)
    assert dual == pytest.approx(dual_lp(x, a, y, b), abs=1e-7)  # HiGHS' tolerance
    pts = td.support(x, y)
    d = np.linalg.norm(pts[:, None] - pts[None], axis=-1)
    # every Lipschitz constraint f(s_k) − f(s_l) ≤ d(s_k, s_l), all (n + m)² of them
    assert (values[:, None] - values[None, :] <= d + 1e-12).all()
    assert td.largest_slope(pts, values) <= 1 + 1e-12
    assert values.min() == 0.0


@pytest.mark.parametrize("dim", [1, 2])
@pytest.mark.parametrize("seed", range(4))
def test_complementary_slackness_along_every_move(dim, seed):
    rng = np.random.default_rng(400 + seed)
    x, a, y, b = weighted(rng, 6, 7, dim)
    faces = td.both_faces(x, a, y, b)
    assert faces["slack"] < 1e-12
    assert faces["gap"] < 1e-9
    assert len(faces["moves"]) == np.count_nonzero(faces["plan"])
    # the moves carry all the mass, and their cost is W1
    assert sum(m for _, _, m, _ in faces["moves"]) == pytest.approx(1.0, abs=1e-12)
    assert sum(m * d for _, _, m, d in faces["moves"]) == pytest.approx(faces["primal"], abs=1e-12)
    # where mass moves the slope is exactly 1, so the largest slope is 1, not less
    assert faces["slope"] == pytest.approx(1.0, abs=1e-12)


@settings(max_examples=40, deadline=None, database=None)
@given(st.lists(st.tuples(st.floats(-5, 5), st.floats(0.01, 1)), min_size=1, max_size=7),
       st.lists(st.tuples(st.floats(-5, 5), st.floats(0.01, 1)), min_size=1, max_size=7))
def test_duality_on_any_small_line(p, q):
    x, a = np.array(p).T
    y, b = np.array(q).T
    _, primal = td.optimal_plan(x, a, y, b)
    values, dual = td.kantorovich_critic(x, a, y, b)
    assert primal == pytest.approx(stats.wasserstein_distance(x, y, a, b), abs=1e-9)
    assert dual == pytest.approx(primal, abs=1e-9)
    # as constraints, not slopes: two points 1e-15 apart make any ratio of roundings ill-posed
    pts = td.support(x, y)
    d = np.abs(pts - pts.T)
    assert (values[:, None] - values[None, :] <= d + 1e-12).all()


def test_huge_clouds_are_rescaled_not_overflowed():
    x, a, y, b = td.example(2, "example", 2.0)
    _, w = td.optimal_plan(x, a, y, b)
    big_plan, big = td.optimal_plan(x * 1e200, a, y * 1e200, b)
    values, dual = td.kantorovich_critic(x * 1e200, a, y * 1e200, b)
    assert big == pytest.approx(w * 1e200, rel=1e-12) and dual == pytest.approx(big, rel=1e-12)
    assert np.isfinite(values).all()


# ------------------------------------------------------------ McShane's extension and its slope
def test_extension_agrees_on_the_points_and_is_1_lipschitz_everywhere():
    x, a, y, b = td.example(1, "example", 0.0)
    values, _ = td.kantorovich_critic(x, a, y, b)
    pts = td.support(x, y)
    np.testing.assert_allclose(td.lipschitz_extension(pts, values, pts), values, atol=1e-12)
    grid = np.linspace(-2, 9, 2201)
    f = td.lipschitz_extension(pts, values, grid)
    slopes = np.diff(f) / np.diff(grid)
    assert np.abs(slopes).max() <= 1 + 1e-9
    # piecewise linear with slopes ±1 only (the minimum of cones): between kinks, |slope| = 1
    assert np.isclose(np.abs(slopes), 1, atol=1e-6).mean() > 0.95


def test_extension_in_the_plane_is_1_lipschitz_on_random_pairs():
    x, a, y, b = td.example(2, "example", 1.0)
    values, _ = td.kantorovich_critic(x, a, y, b)
    pts = td.support(x, y)
    rng = np.random.default_rng(5)
    p, q = rng.uniform(-4, 4, (500, 2)), rng.uniform(-4, 4, (500, 2))
    fp, fq = (td.lipschitz_extension(pts, values, z) for z in (p, q))
    assert (np.abs(fp - fq) <= np.linalg.norm(p - q, axis=1) + 1e-12).all()
    np.testing.assert_allclose(td.lipschitz_extension(pts, values, pts), values, atol=1e-12)


def test_largest_slope_by_hand():
    assert td.largest_slope([0.0, 1.0, 3.0], [0.0, 0.5, 2.5]) == pytest.approx(1.0)
    assert td.largest_slope([[0.0, 0.0], [3.0, 4.0]], [0.0, 10.0]) == pytest.approx(2.0)
    assert td.largest_slope([2.0], [7.0]) == 0.0
    assert td.largest_slope([1.0, 1.0], [0.0, 0.0]) == 0.0
    assert td.largest_slope([1.0, 1.0], [0.0, 1.0]) == math.inf


# ------------------------------------------------------------------------- examples and errors
@pytest.mark.parametrize("dim", [1, 2])
@pytest.mark.parametrize("preset", list(td.PRESETS))
def test_examples_are_small_and_the_shift_moves_q(dim, preset):
    x, a, y, b = td.example(dim, preset, 0.0, seed=4)
    x2, a2, y2, b2 = td.example(dim, preset, 1.5, seed=4)
    assert 5 <= len(x) <= 12 and 5 <= len(y) <= 12
    np.testing.assert_allclose(x2, x)
    np.testing.assert_allclose(np.reshape(y2, (len(y), -1))[:, 0],
                               np.reshape(y, (len(y), -1))[:, 0] + 1.5)
    assert a.sum() == pytest.approx(1) and b.sum() == pytest.approx(1) and (a > 0).all()


def test_random_examples_follow_the_seed():
    one, two = td.example(1, "random", 0.0, seed=1), td.example(1, "random", 0.0, seed=2)
    assert not np.allclose(one[0], two[0])
    np.testing.assert_array_equal(td.example(1, "random", 0.0, seed=1)[0], one[0])


@pytest.mark.parametrize("args, match", [
    (([0, 1], [1, -1], [0], [1]), "positive"),
    (([0, 1], [1, 0], [0], [1]), "positive"),
    (([0, 1], [1], [0], [1]), "one mass per point"),
    (([0, math.nan], [1, 1], [0], [1]), "finite"),
    (([[0, 1]], [1], [0], [1]), "same dimension"),
    (([], [], [0], [1]), "at least one point"),
    (([0, 1], [1, math.inf], [0], [1]), "positive finite"),
])
def test_bad_input_is_a_sentence(args, match):
    with pytest.raises(ValueError, match=match):
        td.optimal_plan(*args)
    with pytest.raises(ValueError, match=match):
        td.kantorovich_critic(*args)


def test_bad_example_arguments():
    with pytest.raises(ValueError, match="dim"):
        td.example(3, "example", 0.0)
    with pytest.raises(ValueError, match="preset"):
        td.example(1, "evil", 0.0)
    with pytest.raises(ValueError, match="shift"):
        td.example(1, "example", math.nan)


HOSTILE = st.sampled_from([0.0, -0.0, 1.0, -1.0, 1e-300, 5e-324, 1e12, 1e300, -1e300, math.inf,
                           -math.inf, math.nan]) | st.floats(allow_nan=True, allow_infinity=True)


@settings(max_examples=60, deadline=None, database=None)
@given(st.lists(HOSTILE, min_size=0, max_size=6), st.lists(HOSTILE, min_size=0, max_size=6),
       st.lists(HOSTILE, min_size=0, max_size=6), st.lists(HOSTILE, min_size=0, max_size=6))
def test_hostile_input_gives_a_number_or_a_sentence(x, a, y, b):
    for solve in (td.optimal_plan, td.kantorovich_critic, td.both_faces):
        try:
            out = solve(np.array(x), np.array(a), np.array(y), np.array(b))
        except ValueError as e:
            assert str(e)
            continue
        w1 = out["primal"] if isinstance(out, dict) else out[1]
        assert math.isfinite(w1) and w1 >= -1e-9 * max(1.0, *map(abs, x + y))
