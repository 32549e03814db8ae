"""Figure builders of the Information page: the traces carry the numbers they should."""

from __future__ import annotations

import math

import numpy as np
import pytest

from gdm_core import information as info
from gdm_app.figures import information as figs

FACES = ["1", "2", "3", "4", "5", "6"]
FAIR = np.full(6, 1 / 6)
LOADED = np.array([0.1, 0.1, 0.1, 0.1, 0.1, 0.5])


def trace(fig, name_start):
    matches = [t for t in fig.data if (t.name or "").startswith(name_start)]
    assert len(matches) == 1, [t.name for t in fig.data]
    return matches[0]


def test_surprise_bars_heights_and_entropy_line():
    s = info.information_content(LOADED, base=2)
    h = info.entropy(LOADED, base=2)
    fig = figs.surprise_bars(LOADED, s, h, "bits", FACES)
    bars = trace(fig, "surprise")
    assert list(bars.x) == FACES
    np.testing.assert_allclose(bars.y, -np.log2(LOADED))
    assert bars.text[5] == "1.000" and bars.text[0] == f"{math.log2(10):.3f}"
    line = trace(fig, "entropy")
    np.testing.assert_allclose(line.y, [h] * 6)
    assert "2.161 bits" in line.name
    assert fig.layout.yaxis.title.text == "information (bits)"


def test_surprise_bars_impossible_face_is_capped_and_labelled_infinity():
    p = np.array([0.5, 0.5, 0, 0, 0, 0])
    fig = figs.surprise_bars(p, info.information_content(p, base=2), 1.0, "nats", FACES)
    bars = trace(fig, "surprise")
    assert list(bars.text[2:]) == ["∞"] * 4
    assert all(math.isfinite(y) for y in bars.y)
    assert bars.y[2] > bars.y[0] == 1.0
    assert bars.marker.pattern.shape[2] == "/" and bars.marker.pattern.shape[0] == ""


def test_surprise_bars_certain_die_draws_without_error():
    p = np.array([0, 0, 1.0, 0, 0, 0])
    fig = figs.surprise_bars(p, info.information_content(p, base=2), 0.0, "bits", FACES)
    assert trace(fig, "surprise").y[2] == 0.0
    assert fig.layout.yaxis.range[1] > 0


def test_tree_layout_parent_above_middle_of_children():
    tree = info.huffman_tree(FAIR)
    pos = figs.tree_layout(tree)
    for node in tree.nodes():
        x, y = pos[node.codeword]
        assert y == -len(node.codeword)
        if not node.is_leaf:
            assert x == pytest.approx(0.5 * (pos[node.yes.codeword][0] + pos[node.no.codeword][0]))
    assert sorted(pos[leaf.codeword][0] for leaf in tree.leaves()) == list(range(6))


def test_huffman_tree_figure_questions_faces_and_answers():
    tree = info.huffman_tree(LOADED)
    fig = figs.huffman_tree_figure(tree, FACES)
    questions = trace(fig, "questions")
    assert questions.text[0] == "Is it 6?"  # the root asks about the likely face
    assert len(questions.text) == 5  # six faces need five questions in the tree
    faces = trace(fig, "faces")
    assert len(faces.text) == 6
    assert "<b>6</b><br>1" in faces.text
    answers = trace(fig, "yes/no")
    assert sorted(answers.text) == ["no"] * 5 + ["yes"] * 5
    edges = trace(fig, "answers")
    assert sum(v is None for v in edges.x) == 10  # one segment per edge


def test_huffman_tree_figure_of_a_certain_die_is_one_leaf():
    fig = figs.huffman_tree_figure(info.huffman_tree([0, 0, 1, 0, 0, 0]), FACES)
    assert list(trace(fig, "questions").x) == []
    assert list(trace(fig, "faces").text) == ["<b>3</b><br>(no question)"]


def test_lln_figure_ends_at_the_last_running_mean_and_thins_long_runs():
    _, running = info.running_average_surprise(LOADED, 10_000, seed=1, base=2)
    fig = figs.lln_figure(running, info.entropy(LOADED, base=2), "bits")
    line = trace(fig, "average")
    assert line.x[0] == 1 and line.x[-1] == 10_000
    assert line.y[-1] == running[-1] and line.y[0] == running[0]
    assert len(line.x) <= 1502
    idx = np.asarray(line.x) - 1
    np.testing.assert_array_equal(line.y, running[idx])
    h_line = trace(fig, "H(X)")
    assert list(h_line.y) == [info.entropy(LOADED, base=2)] * 2
    assert fig.layout.xaxis.type == "log"


def test_lln_figure_short_run_keeps_every_point():
    running = np.array([2.0, 1.5, 1.0])
    line = trace(figs.lln_figure(running, 1.2, "bits"), "average")
    assert list(line.x) == [1, 2, 3] and list(line.y) == [2.0, 1.5, 1.0]


@pytest.mark.parametrize("unit,base", [("bits", 2), ("nats", math.e)])
def test_bernoulli_figure_curve_marker_and_one_bit_point(unit, base):
    grid, h = info.bernoulli_curve(base=base)
    h_half = info.bernoulli_entropy(0.5, base=base)
    fig = figs.bernoulli_figure(grid, h, 0.2, info.bernoulli_entropy(0.2, base=base), h_half, unit)
    curve = trace(fig, "H(p)")
    np.testing.assert_allclose(curve.y, h)
    half = trace(fig, "H(1/2)")
    assert half.x == (0.5,) and half.y[0] == pytest.approx(1.0 if unit == "bits" else math.log(2))
    assert half.text[0].endswith("1 bit")
    mine = trace(fig, "your coin")
    assert mine.x == (0.2,) and mine.y[0] == pytest.approx(info.bernoulli_entropy(0.2, base=base))


def test_information_diagram_segments_add_up():
    s = info.joint_summary([[0.5, 0.0], [0.1, 0.4]], base=2)
    fig = figs.information_diagram(s, "bits")
    cond_x, mi, cond_y = trace(fig, "H(X|Y)"), trace(fig, "I(X;Y)"), trace(fig, "H(Y|X)")
    assert set(cond_x.y) == {"H(X,Y)", "H(X)"} and set(cond_y.y) == {"H(X,Y)", "H(Y)"}
    assert set(mi.y) == {"H(X,Y)", "H(X)", "H(Y)"}
    assert mi.base[0] == pytest.approx(s["H(X|Y)"])
    assert cond_y.base[0] == pytest.approx(s["H(X|Y)"] + s["I(X;Y)"])
    # right end of each row = the entropy named by the row
    assert cond_y.base[0] + cond_y.x[0] == pytest.approx(s["H(X,Y)"])
    assert mi.base[0] + mi.x[0] == pytest.approx(s["H(X)"])
    assert mi.x[0] + cond_y.x[0] == pytest.approx(s["H(Y)"])
    assert "0.610 bits" in mi.name


def test_information_diagram_independent_has_empty_overlap():
    s = info.joint_summary(np.outer([0.7, 0.3], [0.4, 0.6]), base=2)
    mi = trace(figs.information_diagram(s, "bits"), "I(X;Y)")
    assert mi.x[0] == pytest.approx(0.0, abs=1e-12)


def test_kl_bars_stack_entropy_and_kl():
    q = FAIR
    h_p, h_q = info.entropy(LOADED, base=2), info.entropy(q, base=2)
    kl_pq, kl_qp = info.kl_divergence(LOADED, q, base=2), info.kl_divergence(q, LOADED, base=2)
    fig = figs.kl_bars(h_p, kl_pq, h_q, kl_qp, "bits")
    ent, extra = trace(fig, "entropy"), trace(fig, "extra")
    assert fig.layout.barmode == "stack"
    np.testing.assert_allclose(ent.y, [h_p, h_q])
    np.testing.assert_allclose(extra.y, [kl_pq, kl_qp])
    assert ent.y[0] + extra.y[0] == pytest.approx(info.cross_entropy(LOADED, q, base=2))
    assert extra.text[0] == f"+{kl_pq:.3f}"


def test_kl_bars_infinite_kl_drawn_finite_and_labelled():
    fig = figs.kl_bars(2.0, math.inf, 2.3, 0.4, "nats")
    extra = trace(fig, "extra")
    assert extra.text[0] == "+∞" and extra.customdata[0] == "∞"
    assert all(math.isfinite(v) for v in extra.y) and extra.y[0] > extra.y[1]
    assert extra.marker.pattern.shape[0] == "/"
    assert fig.layout.yaxis.title.text == "nats per roll"


def test_dice_comparison_shows_both_dice():
    q = [0.2] * 5 + [0.0]
    fig = figs.dice_comparison(LOADED, q, FACES)
    np.testing.assert_allclose(trace(fig, "P").y, LOADED)
    np.testing.assert_allclose(trace(fig, "Q").y, q)


def test_every_figure_is_styled_and_serialises():
    s = info.joint_summary([[0.5, 0.0], [0.1, 0.4]], base=2)
    grid, h = info.bernoulli_curve(base=2)
    built = [
        figs.surprise_bars(FAIR, info.information_content(FAIR, base=2), info.entropy(FAIR, base=2), "bits"),
        figs.huffman_tree_figure(info.huffman_tree(FAIR)),
        figs.lln_figure(np.ones(5), 1.0, "bits"),
        figs.bernoulli_figure(grid, h, 0.5, 1.0, 1.0, "bits"),
        figs.information_diagram(s, "bits"),
        figs.kl_bars(1.0, 0.1, 1.0, 0.2, "bits"),
        figs.dice_comparison(FAIR, FAIR),
    ]
    for fig in built:
        assert fig.layout.template.layout.paper_bgcolor is not None  # styled(): plotly_white
        assert fig.layout.font.size == 16
        text = fig.to_json()
        assert "NaN" not in text and "Infinity" not in text
