"""gdm_core.information against scipy, hand-computed lecture cases, invariants and hypothesis."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from scipy.spatial.distance import jensenshannon
from scipy.stats import entropy as scipy_entropy

from gdm_core import information as inf

FAIR = np.full(6, 1 / 6)
LOADED = np.array([0.1, 0.1, 0.1, 0.1, 0.1, 0.5])
# The lecture's teacher example as used on the page: rows X (teacher in the room: 0 no, 1 yes),
# columns Y (you saw the teacher walk in: 0 no, 1 yes).
TEACHER = np.array([[0.5, 0.0], [0.1, 0.4]])


# --- strategies -------------------------------------------------------------------------------

def distributions(min_size=1, max_size=8, allow_zero=True):
    low = 0.0 if allow_zero else 1e-3
    return (st.lists(st.floats(low, 1.0), min_size=min_size, max_size=max_size)
            .filter(lambda w: sum(w) > 1e-3)
            .map(lambda w: np.asarray(w) / np.sum(w)))


def pairs(allow_zero=True):
    return st.integers(1, 8).flatmap(lambda n: st.tuples(
        distributions(n, n, allow_zero), distributions(n, n, allow_zero)))


def joints():
    return st.tuples(st.integers(1, 4), st.integers(1, 4)).flatmap(
        lambda s: distributions(s[0] * s[1], s[0] * s[1]).map(lambda p: p.reshape(s)))


# --- the unit: nats by default, like all of gdm_core -------------------------------------------

P2, Q2 = np.array([0.2, 0.3, 0.5]), np.array([0.5, 0.25, 0.25])
EVERY_FUNCTION = [
    ("information_content", (LOADED,)), ("entropy", (LOADED,)), ("cross_entropy", (P2, Q2)),
    ("kl_divergence", (P2, Q2)), ("js_divergence", (P2, Q2)), ("bernoulli_entropy", (0.3,)),
    ("pair_information", (LOADED, 0, 5)), ("joint_entropy", (TEACHER,)),
    ("conditional_entropy", (TEACHER,)), ("mutual_information", (TEACHER,)),
]


@pytest.mark.parametrize("name, args", EVERY_FUNCTION)
def test_every_function_computes_in_nats_unless_told_otherwise(name, args):
    from gdm_core.units import from_nats

    fn = getattr(inf, name)
    default = np.asarray(fn(*args), dtype=float)
    np.testing.assert_array_equal(default, np.asarray(fn(*args, base=math.e), dtype=float))
    # the page asks for its unit's base; that is the nats value converted once
    np.testing.assert_allclose(np.asarray(fn(*args, base=2), dtype=float),
                               from_nats(default, "bits"), rtol=1e-12)


def test_nats_agree_with_scipy_natural_logs():
    assert inf.entropy(LOADED) == pytest.approx(scipy_entropy(LOADED), rel=1e-12)
    assert inf.kl_divergence(P2, Q2) == pytest.approx(scipy_entropy(P2, Q2), rel=1e-12)
    assert inf.js_divergence(P2, Q2) == pytest.approx(jensenshannon(P2, Q2) ** 2, rel=1e-9)
    assert inf.information_content(0.5) == pytest.approx(math.log(2), rel=1e-15)
    s = inf.joint_summary(TEACHER)
    assert s["H(X)"] == pytest.approx(scipy_entropy(TEACHER.sum(axis=1)), rel=1e-12)
    grid, h = inf.bernoulli_curve(points=3)
    np.testing.assert_allclose(h, [0.0, math.log(2), 0.0], atol=1e-15)
    _, running = inf.running_average_surprise(FAIR, 10, seed=0)
    np.testing.assert_allclose(running, math.log(6), rtol=1e-12)


# --- hand-computed lecture cases --------------------------------------------------------------

def test_fair_die_surprise_of_a_three_is_log2_6_bits_and_ln_6_nats():
    assert inf.information_content(FAIR[2], base=2) == pytest.approx(math.log2(6), abs=1e-12)
    assert f"{inf.information_content(FAIR[2], base=2):.3f}" == "2.585"
    assert f"{inf.information_content(FAIR[2], base=math.e):.3f}" == "1.792"


def test_fair_die_entropy_equals_each_face_surprise():
    assert inf.entropy(FAIR, base=2) == pytest.approx(math.log2(6), abs=1e-12)
    np.testing.assert_allclose(inf.information_content(FAIR, base=2), math.log2(6))


def test_loaded_die_entropy_by_hand():
    # 0.5 * 1 bit + 5 * 0.1 * log2 10 bits
    assert inf.entropy(LOADED, base=2) == pytest.approx(0.5 + 0.5 * math.log2(10), abs=1e-12)


def test_information_content_of_certain_and_impossible_events():
    assert inf.information_content(1.0, base=2) == 0.0
    assert math.copysign(1, inf.information_content(1.0, base=2)) == 1  # not -0.0
    assert inf.information_content(0.0, base=2) == math.inf
    assert inf.information_content(0.5, base=2) == 1.0
    assert inf.information_content(0.5, base=math.e) == pytest.approx(math.log(2))


def test_zero_results_are_positive_zero_not_minus_zero():
    for value in (inf.entropy([1.0, 0.0], base=2), inf.kl_divergence([1, 0], [1, 0], base=2),
                  inf.cross_entropy([1, 0], [1, 0], base=2), inf.js_divergence([1, 0], [1, 0], base=2),
                  inf.mutual_information([[1.0]], base=2), inf.conditional_entropy([[1.0, 0.0]], base=2),
                  inf.bernoulli_entropy(1.0, base=2), inf.bernoulli_entropy([0.0], base=2)[0]):
        assert value == 0.0 and math.copysign(1, value) == 1, value


def test_bernoulli_half_is_one_bit_and_ends_are_zero():
    assert inf.bernoulli_entropy(0.5, base=2) == 1.0
    assert inf.bernoulli_entropy(0.5, base=math.e) == pytest.approx(math.log(2))
    assert inf.bernoulli_entropy(0.0, base=2) == 0.0 and inf.bernoulli_entropy(1.0, base=2) == 0.0
    np.testing.assert_allclose(inf.bernoulli_entropy([0.1, 0.9], base=2),
                               [scipy_entropy([0.1, 0.9], base=2)] * 2)


def test_bernoulli_curve_grid_contains_half_and_peaks_there():
    grid, h = inf.bernoulli_curve(points=201, base=2)
    assert grid[0] == 0 and grid[-1] == 1 and grid[100] == 0.5
    assert h[100] == 1.0 and np.argmax(h) == 100
    _, h_nats = inf.bernoulli_curve(base=math.e)
    assert h_nats.max() == pytest.approx(math.log(2))


def test_teacher_example_by_hand():
    s = inf.joint_summary(TEACHER, base=2)
    h_y = -(0.6 * math.log2(0.6) + 0.4 * math.log2(0.4))
    h_xy = -(0.5 * math.log2(0.5) + 0.1 * math.log2(0.1) + 0.4 * math.log2(0.4))
    assert s["H(X)"] == pytest.approx(1.0, abs=1e-12)
    assert s["H(Y)"] == pytest.approx(h_y, abs=1e-12)
    assert s["H(X,Y)"] == pytest.approx(h_xy, abs=1e-12)
    # Seeing the teacher walk in (Y=1) settles X; not seeing leaves P(X=1|Y=0) = 1/6.
    assert s["H(X|Y)"] == pytest.approx(0.6 * inf.bernoulli_entropy(1 / 6, base=2), abs=1e-12)
    assert s["H(Y|X)"] == pytest.approx(0.5 * inf.bernoulli_entropy(0.2, base=2), abs=1e-12)
    assert s["I(X;Y)"] == pytest.approx(1.0 - 0.6 * inf.bernoulli_entropy(1 / 6, base=2), abs=1e-12)
    assert f"{s['I(X;Y)']:.3f}" == "0.610"
    np.testing.assert_allclose(s["p_x"], [0.5, 0.5])
    np.testing.assert_allclose(s["p_y"], [0.6, 0.4])


def test_conditional_entropy_is_h_x_given_y_not_y_given_x():
    # X is a copy of a fair coin, Y is constant: H(X|Y) = 1 bit, H(Y|X) = 0.
    joint = np.array([[0.5], [0.5]])
    assert inf.conditional_entropy(joint, base=2) == pytest.approx(1.0)
    assert inf.conditional_entropy(joint.T, base=2) == 0.0


def test_mutual_information_is_kl_to_the_product_of_marginals():
    rng = np.random.default_rng(0)
    for _ in range(20):
        joint = rng.dirichlet(np.ones(9)).reshape(3, 3)
        ref = scipy_entropy(joint.ravel(), np.outer(joint.sum(1), joint.sum(0)).ravel(), base=2)
        assert inf.mutual_information(joint, base=2) == pytest.approx(ref, abs=1e-12)


def test_independent_table_has_zero_mutual_information():
    joint = np.outer([0.7, 0.3], [0.4, 0.6])
    assert inf.mutual_information(joint, base=2) == pytest.approx(0.0, abs=1e-12)
    assert inf.joint_entropy(joint, base=2) == pytest.approx(
        inf.entropy([0.7, 0.3], base=2) + inf.entropy([0.4, 0.6], base=2), abs=1e-12)


def test_kl_loaded_vs_fair_by_hand_and_cross_entropy():
    kl = 0.5 * math.log2(0.5 * 6) + 5 * 0.1 * math.log2(0.1 * 6)
    assert inf.kl_divergence(LOADED, FAIR, base=2) == pytest.approx(kl, abs=1e-12)
    # coding the loaded die with the fair code costs log2 6 bits per roll whatever the die
    assert inf.cross_entropy(LOADED, FAIR, base=2) == pytest.approx(math.log2(6), abs=1e-12)


def test_kl_infinite_when_q_misses_a_face_p_can_roll():
    q = [0.2, 0.2, 0.2, 0.2, 0.2, 0.0]
    assert inf.kl_divergence(LOADED, q, base=2) == math.inf
    assert inf.cross_entropy(LOADED, q, base=2) == math.inf
    assert inf.support_violations(LOADED, q) == [5]
    assert math.isfinite(inf.kl_divergence(q, LOADED, base=2))  # the other way round is fine
    assert inf.support_violations(q, LOADED) == []
    assert inf.js_divergence(LOADED, q, base=2) < 1.0


def test_js_with_a_subnormal_entry_stays_near_zero():
    p = [0.0, 1.0, 0.0]
    q = [0.0, 1.0, 5e-324]  # (p + q) / 2 underflows to 0 in the last entry
    assert inf.js_divergence(p, q, base=2) == pytest.approx(0.0, abs=1e-300)


def test_disjoint_supports_js_is_exactly_one_bit():
    assert inf.js_divergence([1, 0], [0, 1], base=2) == pytest.approx(1.0)
    assert inf.js_divergence([1, 0], [0, 1], base=math.e) == pytest.approx(math.log(2))


# --- independent references -------------------------------------------------------------------

@given(distributions())
def test_entropy_matches_scipy(p):
    assert inf.entropy(p, base=2) == pytest.approx(scipy_entropy(p, base=2), abs=1e-9)
    assert inf.entropy(p, base=math.e) == pytest.approx(scipy_entropy(p), abs=1e-9)


@given(pairs(allow_zero=True))
def test_kl_and_cross_entropy_match_scipy(pq):
    p, q = pq
    ref = scipy_entropy(p, q, base=2)  # scipy gives inf where the support is not contained
    got = inf.kl_divergence(p, q, base=2)
    if math.isinf(ref):
        assert got == math.inf and inf.cross_entropy(p, q, base=2) == math.inf
    else:
        assert got == pytest.approx(ref, abs=1e-9)
        assert inf.cross_entropy(p, q, base=2) == pytest.approx(scipy_entropy(p, base=2) + ref, abs=1e-9)


@given(pairs(allow_zero=True))
def test_js_matches_square_of_scipy_jensenshannon(pq):
    p, q = pq
    # scipy forms m = (p + q) / 2, which underflows for subnormal entries (and returns inf)
    assume(np.isfinite(jensenshannon(p, q)))
    assert inf.js_divergence(p, q, base=2) == pytest.approx(jensenshannon(p, q, base=2) ** 2, abs=1e-9)
    assert inf.js_divergence(p, q, base=math.e) == pytest.approx(
        jensenshannon(p, q) ** 2, abs=1e-9)


@given(joints())
def test_joint_quantities_match_scipy(joint):
    px, py = joint.sum(axis=1), joint.sum(axis=0)
    assert inf.joint_entropy(joint, base=2) == pytest.approx(scipy_entropy(joint.ravel(), base=2),
                                                     abs=1e-9)
    h_x_given_y = sum(py[j] * scipy_entropy(joint[:, j] / py[j], base=2)
                      for j in range(joint.shape[1]) if py[j] > 0)
    assert inf.conditional_entropy(joint, base=2) == pytest.approx(h_x_given_y, abs=1e-9)
    # I = H(X) + H(Y) - H(X,Y) (scipy's KL to the outer product underflows for tiny marginals)
    mi_ref = (scipy_entropy(px, base=2) + scipy_entropy(py, base=2)
              - scipy_entropy(joint.ravel(), base=2))
    assert inf.mutual_information(joint, base=2) == pytest.approx(mi_ref, abs=1e-9)


# --- invariants -------------------------------------------------------------------------------

@given(distributions())
def test_entropy_bounds(p):
    h = inf.entropy(p, base=2)
    assert 0 <= h <= math.log2(p.size) + 1e-12


@given(pairs(allow_zero=False))
def test_kl_nonnegative_asymmetric_cross_entropy_identity(pq):
    p, q = pq
    kl = inf.kl_divergence(p, q, base=2)
    assert kl >= 0
    assert inf.cross_entropy(p, q, base=2) == pytest.approx(inf.entropy(p, base=2) + kl, abs=1e-9)
    assert inf.kl_divergence(p, p, base=2) == 0.0
    if np.max(np.abs(p - q)) > 1e-3:
        assert kl > 0


@given(pairs())
def test_js_symmetric_and_at_most_one_bit(pq):
    p, q = pq
    js = inf.js_divergence(p, q, base=2)
    assert 0 <= js <= 1.0
    assert js == pytest.approx(inf.js_divergence(q, p, base=2), abs=1e-12)


@given(joints())
def test_information_diagram_identities(joint):
    s = inf.joint_summary(joint, base=2)
    assert s["I(X;Y)"] == pytest.approx(s["H(X)"] - s["H(X|Y)"], abs=1e-9)
    assert s["I(X;Y)"] == pytest.approx(s["H(Y)"] - s["H(Y|X)"], abs=1e-9)
    assert s["H(X,Y)"] == pytest.approx(s["H(X|Y)"] + s["I(X;Y)"] + s["H(Y|X)"], abs=1e-9)
    assert min(s["H(X|Y)"], s["H(Y|X)"], s["I(X;Y)"]) >= 0
    assert s["I(X;Y)"] <= min(s["H(X)"], s["H(Y)"]) + 1e-9


@given(distributions(min_size=2, max_size=6), distributions(min_size=2, max_size=6),
       st.integers(0, 5), st.integers(0, 5))
def test_additivity_of_surprise_for_independent_rolls(p, _, x1, x2):
    assume(x1 < p.size and x2 < p.size and p[x1] > 0 and p[x2] > 0)
    i1, i2, i12 = inf.pair_information(p, x1, x2, base=2)
    assert i12 == pytest.approx(i1 + i2, rel=1e-9, abs=1e-9)
    # and entropy adds up for two independent rolls
    assert inf.joint_entropy(np.outer(p, p), base=2) == pytest.approx(2 * inf.entropy(p, base=2), abs=1e-9)


def test_pair_information_on_the_fair_die():
    assert inf.pair_information(FAIR, 0, 5, base=2)[2] == pytest.approx(math.log2(36))
    with pytest.raises(ValueError, match="does not exist"):
        inf.pair_information(FAIR, 0, 6, base=2)


# --- Huffman / perfect yes/no questions -------------------------------------------------------

def _kraft(code):
    return sum(2.0 ** -len(c) for c in code if c is not None)


def _prefix_free(code):
    words = [c for c in code if c is not None]
    return not any(a != b and b.startswith(a) for a in words for b in words)


@settings(max_examples=200)
@given(distributions(max_size=10))
def test_huffman_kraft_equality_prefix_free_and_source_coding_bounds(p):
    code = inf.huffman_code(p)
    assert len(code) == p.size
    assert [c is None for c in code] == list(p == 0)
    assert _kraft(code) == pytest.approx(1.0, abs=1e-12)
    assert _prefix_free(code)
    length = inf.expected_length(p, code)
    h = inf.entropy(p, base=2)
    # H <= L < H + 1; the strict "<" is only visible above float resolution (p = 1e-175
    # gives L = 1 and H + 1 == 1.0 in floating point)
    assert h - 1e-9 <= length <= h + 1
    assert length < h + 1 or h < 1e-12


@given(distributions(min_size=2, max_size=7, allow_zero=False))
def test_huffman_is_optimal_among_codes_within_brute_force_reach(p):
    # Compare with the best prefix code: the optimum over all complete binary trees equals
    # the Huffman cost; check with the classic recursive merge cost formula (sum of merges).
    merged = sorted(p.tolist())
    cost = 0.0
    while len(merged) > 1:
        a, b = merged.pop(0), merged.pop(0)
        cost += a + b
        merged = sorted(merged + [a + b])
    assert inf.expected_length(p, inf.huffman_code(p)) == pytest.approx(cost, abs=1e-12)


def test_huffman_fair_die_and_lecture_cases():
    code = inf.huffman_code(FAIR)
    assert sorted(len(c) for c in code) == [2, 2, 3, 3, 3, 3]
    assert inf.expected_length(FAIR, code) == pytest.approx(8 / 3)
    assert inf.huffman_code([0.5, 0.25, 0.25]) == ["1", "00", "01"]
    assert inf.huffman_code([0.25] * 4) == ["00", "01", "10", "11"]
    # dyadic probabilities: L = H exactly
    p = [0.5, 0.25, 0.125, 0.125]
    assert inf.expected_length(p, inf.huffman_code(p)) == pytest.approx(inf.entropy(p, base=2))


def test_huffman_loaded_die_asks_about_six_first():
    code = inf.huffman_code(LOADED)
    assert code[5] == "1"  # "Is it 6?" -- yes: one question
    tree = inf.huffman_tree(LOADED)
    assert tree.yes.outcomes == (5,)
    assert inf.question_text(tree.yes.outcomes, labels=[str(i) for i in range(1, 7)]) == "Is it 6?"


def test_huffman_certain_outcome_needs_no_question():
    assert inf.huffman_code([0, 0, 1, 0]) == [None, None, "", None]
    tree = inf.huffman_tree([0, 0, 1, 0])
    assert tree.is_leaf and tree.outcomes == (2,)
    assert inf.expected_length([0, 0, 1, 0], inf.huffman_code([0, 0, 1, 0])) == 0.0


def test_huffman_nearly_certain_die_still_needs_one_question():
    p = [0.01] * 5 + [0.95]
    code = inf.huffman_code(p)
    assert code[5] == "1"
    length = inf.expected_length(p, code)
    assert length == pytest.approx(0.95 + 0.05 * 3.4)  # 0.01 * (4 + 4 + 3 + 3 + 3)
    assert inf.entropy(p, base=2) < 1 <= length < inf.entropy(p, base=2) + 1


def test_huffman_is_deterministic_and_tree_matches_code():
    p = [0.2, 0.2, 0.2, 0.2, 0.2]
    assert inf.huffman_code(p) == inf.huffman_code(list(p))
    tree = inf.huffman_tree(p)
    leaves = list(tree.leaves())
    assert sorted(leaf.outcomes[0] for leaf in leaves) == list(range(5))
    for leaf in leaves:
        assert inf.huffman_code(p)[leaf.outcomes[0]] == leaf.codeword
    for node in tree.nodes():
        if not node.is_leaf:
            assert node.probability == pytest.approx(node.yes.probability + node.no.probability)
            assert node.yes.codeword == node.codeword + "1"


def test_question_text():
    assert inf.question_text([0, 1, 2], labels=["1", "2", "3"]) == "Is it 1, 2 or 3?"
    assert inf.question_text([4]) == "Is it 4?"


# --- the law of large numbers -----------------------------------------------------------------

def test_running_average_surprise_converges_to_entropy_and_is_seeded():
    rolls, running = inf.running_average_surprise(LOADED, 20000, seed=3, base=2)
    assert rolls.shape == running.shape == (20000,)
    assert set(np.unique(rolls)) <= set(range(6))
    assert running[-1] == pytest.approx(inf.entropy(LOADED, base=2), abs=0.05)
    np.testing.assert_array_equal(inf.running_average_surprise(LOADED, 50, seed=3, base=2)[0], rolls[:50])
    assert not np.array_equal(inf.running_average_surprise(LOADED, 50, seed=4, base=2)[0], rolls[:50])
    # running mean by hand
    surprise = -np.log2(LOADED[rolls[:10]])
    np.testing.assert_allclose(running[:10], np.cumsum(surprise) / np.arange(1, 11))


def test_running_average_never_rolls_an_impossible_face():
    rolls, running = inf.running_average_surprise([0, 0, 0.5, 0.5, 0, 0], 500, seed=1, base=2)
    assert set(np.unique(rolls)) == {2, 3}
    assert np.all(np.isfinite(running)) and running[-1] == pytest.approx(1.0)


def test_fair_die_running_average_is_exactly_h_every_time():
    _, running = inf.running_average_surprise(FAIR, 100, seed=0, base=2)
    np.testing.assert_allclose(running, math.log2(6))


# --- validation -------------------------------------------------------------------------------

@pytest.mark.parametrize("bad,match", [
    ([0.5, -0.1, 0.6], "cannot be negative"),
    ([0.5, float("nan"), 0.5], "NaN"),
    ([0.5, float("inf")], "infinite"),
    ([0.5, 0.6], "add up to 1"),
    ([0.2, 0.2], "add up to 1"),
    ([], "empty"),
    ([[0.5, 0.5]], "list of probabilities"),
    (0.5, "single value"),
    ("abc", "must be numbers"),
    ([0.5, "x"], "must be numbers"),
    ([[0.5], [0.5, 0.0]], "must be numbers"),
    ([0.0, 0.0], "add up to 1"),
])
@pytest.mark.parametrize("fn", [inf.entropy, inf.huffman_code, inf.huffman_tree,
                                lambda p: inf.kl_divergence(p, p, base=2),
                                lambda p: inf.js_divergence([0.5, 0.5], p, base=2),
                                lambda p: inf.cross_entropy(p, [0.5, 0.5], base=2)])
def test_invalid_distributions_raise_readable_value_errors(fn, bad, match):
    with pytest.raises(ValueError, match=match):
        fn(bad)


def test_totals_that_are_one_to_the_shown_decimals_are_accepted_and_rescaled():
    # Regression: six times 0.1667 (the fair die as the page shows it) was refused with "must
    # add up to 1, but they add up to 1.0002". n entries with 4 decimals may be off by n·0.5e-4.
    shown = [0.1667] * 6
    assert sum(shown) == pytest.approx(1.0002, abs=1e-12)
    p = inf.check_distribution(shown)
    np.testing.assert_allclose(p, np.full(6, 1 / 6), rtol=1e-15)
    assert p.sum() == pytest.approx(1.0, abs=1e-15)
    assert inf.entropy(shown, base=2) == pytest.approx(math.log2(6), abs=1e-14)
    assert inf.close_to_one(shown) and inf.was_rescaled(shown)
    assert "1.0002" in inf.rescale_note(shown) and "divided by their sum" in inf.rescale_note(shown)
    # the limit is n·0.5e-4: 1 + 6·0.5e-4 = 1.0003 passes, 1.0004 does not
    assert inf.close_to_one([0.5, 0.5003 - 1e-12] + [0.0] * 4)
    with pytest.raises(ValueError, match="add up to 1, but they add up to 1.0004"):
        inf.check_distribution([0.5, 0.5004, 0, 0, 0, 0])
    assert not inf.close_to_one([0.5, 0.5004, 0, 0, 0, 0])
    with pytest.raises(ValueError, match="add up to 1.02"):
        inf.check_distribution([0.17] * 6)
    # a joint table: 9 entries of 0.1111 add up to 0.9999
    joint = inf.check_distribution([[0.1111] * 3] * 3, ndim=2)
    np.testing.assert_allclose(joint, np.full((3, 3), 1 / 9), rtol=1e-15)
    assert inf.mutual_information([[0.1111] * 3] * 3, base=2) == pytest.approx(0.0, abs=1e-12)
    # an exact (to rounding) total is not reported as rescaled, and comes back unchanged
    assert not inf.was_rescaled([0.1, 0.2, 0.7]) and inf.rescale_note([0.1, 0.2, 0.7]) is None
    assert inf.check_distribution([0.25, 0.75]).tolist() == [0.25, 0.75]
    # a long list cannot hide a real mistake: the slack is capped at 0.01
    assert inf.shown_tolerance(6) == pytest.approx(3e-4) and inf.shown_tolerance(10**6) == 0.01
    assert not inf.close_to_one(np.zeros(10**5))
    for bad in ([0.5, -0.1, 0.6004], [np.nan, 1.0], [], "x"):
        assert not inf.close_to_one(bad) and not inf.was_rescaled(bad)


def test_divergences_pmf_check_follows_the_same_rule():
    from gdm_core import divergences as dv

    shown = [0.1667] * 6
    fair = np.full(6, 1 / 6)
    out = dv.support_divergences(shown, shown)
    assert out["kl"] == 0.0 and out["tv"] == 0.0
    ref = dv.support_divergences(fair, [0.5, 0.5, 0, 0, 0, 0])
    assert dv.support_divergences(shown, [0.5001, 0.5001, 0, 0, 0, 0]) == pytest.approx(ref, abs=0,
                                                                                     rel=1e-14)
    with pytest.raises(ValueError, match="add up to 1"):
        dv.support_divergences([0.17] * 6, shown)


def test_messages_name_the_entry_with_labels():
    with pytest.raises(ValueError, match="face 2 = -0.1"):
        inf.check_distribution([0.2, -0.1, 0.9], labels=["face 1", "face 2", "face 3"])
    with pytest.raises(ValueError, match=r"P\(X=1, Y=0\)"):
        inf.check_distribution([[0.5, 0.5], [-0.1, 0.1]], ndim=2,
                               labels=[["P(X=0, Y=0)", "P(X=0, Y=1)"],
                                       ["P(X=1, Y=0)", "P(X=1, Y=1)"]])


@pytest.mark.parametrize("fn", [inf.joint_entropy, inf.conditional_entropy,
                                inf.mutual_information, inf.joint_summary])
@pytest.mark.parametrize("bad,match", [
    ([0.5, 0.5], "table"), ([[0.5, 0.6], [0.0, 0.0]], "add up to 1"),
    ([[-0.5, 1.5]], "negative"), (np.zeros((0, 2)), "empty"),
])
def test_joint_functions_validate(fn, bad, match):
    with pytest.raises(ValueError, match=match):
        fn(bad)


def test_mismatched_lengths_and_bad_base():
    with pytest.raises(ValueError, match="same number of outcomes"):
        inf.kl_divergence([0.5, 0.5], [1 / 3] * 3, base=2)
    for base in (1, 0, -2, float("nan"), "two"):
        with pytest.raises(ValueError, match="base"):
            inf.entropy([0.5, 0.5], base=base)


def test_information_content_and_bernoulli_validate():
    for bad in (-0.1, 1.5, float("nan"), [0.5, 2.0]):
        with pytest.raises(ValueError):
            inf.information_content(bad, base=2)
        with pytest.raises(ValueError):
            inf.bernoulli_entropy(bad, base=2)
    with pytest.raises(ValueError, match="at least once"):
        inf.running_average_surprise(FAIR, 0, base=2)


def test_normalize_and_can_normalize():
    np.testing.assert_allclose(inf.normalize([1, 1, 2]), [0.25, 0.25, 0.5])
    assert inf.can_normalize([0.2, 0.2]) and inf.normalize([0.2, 0.2]).sum() == 1
    for bad, match in [([0, 0], "all entries are zero"), ([1, -1, 2], "negative"),
                       ([1, float("nan")], "NaN"), ([], "empty"), ([1e308, 1e308], "too large")]:
        assert not inf.can_normalize(bad)
        with pytest.raises(ValueError, match=match):
            inf.normalize(bad)


@given(st.lists(st.floats(0, 1e6), min_size=1, max_size=8).filter(lambda w: sum(w) > 0))
def test_normalize_gives_a_valid_distribution(weights):
    p = inf.normalize(weights)
    inf.check_distribution(p)
    assert p.sum() == pytest.approx(1.0, abs=1e-12)
