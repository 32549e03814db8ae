"""Plain-data tests of what the pages show: gdm_core.tables, gdm_core.curves, gdm_core.units.

No Streamlit here. Every expected value is computed independently of the code under test:
complex-number recursions for the minimax games, hand-written sums for the divergences,
SciPy's quadrature and 1-D Wasserstein distance where a closed form is not at hand.
"""

from __future__ import annotations

import cmath
import math

import numpy as np
import pytest
from scipy import integrate, stats

from gdm_core import curves, games, tables
from gdm_core import divergences as dv
from gdm_core import information as info
from gdm_core.units import LOG_BASE, UNITS, check_unit, fmt, from_nats

LN2 = math.log(2)


# --- units ------------------------------------------------------------------------------------

def test_from_nats():
    assert from_nats(1.0, "nats") == 1.0
    assert from_nats(LN2, "bits") == pytest.approx(1.0, rel=1e-15)
    assert from_nats(math.log(8), "bits") == pytest.approx(3.0, rel=1e-15)
    np.testing.assert_allclose(from_nats(np.array([0.0, LN2, math.inf]), "bits"),
                               [0.0, 1.0, math.inf])
    assert from_nats(-math.inf, "bits") == -math.inf
    assert LOG_BASE == {"bits": 2.0, "nats": math.e} and UNITS == ("bits", "nats")


@pytest.mark.parametrize("bad", ["bit", "BITS", "", None, "dits"])
def test_unknown_unit_is_refused(bad):
    with pytest.raises(ValueError, match="unknown unit"):
        check_unit(bad)
    with pytest.raises(ValueError):
        from_nats(1.0, bad)


@pytest.mark.parametrize("value, unit, digits, text", [
    (1.0, None, 4, "1.0000"),
    (2.584962500721156, "bits", 3, "2.585 bits"),
    (math.inf, "bits", 3, "∞ bits"),
    (-math.inf, None, 4, "−∞"),
    (math.nan, "bits", 3, "undefined"),
    ("not a number", None, 4, "undefined"),
    (None, None, 4, "undefined"),
    (-1e-12, None, 4, "0.0000"),        # rounding noise, and never "-0.0000"
    (-0.00001, None, 4, "-1.000e-05"),  # small but real: scientific, not 0
    (0.00004, None, 4, "4.000e-05"),
    (0.00005, None, 4, "0.0001"),       # at half the last digit it rounds to a visible digit
    (2e9, None, 4, "2.000e+09"),
    (123456789.0, None, 2, "123456789.00"),
    (-0.3, None, 0, "-3.0e-01"),       # with no decimals, |x| < 0.5 would read as 0
    (1, None, 0, "1"),
    (-1.0, None, 0, "-1"),
    (np.float64(0.5), "nats", 4, "0.5000 nats"),
])
def test_fmt(value, unit, digits, text):
    assert fmt(value, unit, digits) == text


def test_fmt_never_writes_nan_or_a_negative_zero():
    for v in np.concatenate([np.linspace(-1e-4, 1e-4, 401), [-0.0, -1e-300, 1e-300]]):
        text = fmt(v)
        assert "nan" not in text and not text.startswith("-0.0000"), (v, text)


# --- tables.markdown --------------------------------------------------------------------------

def test_markdown_table():
    rows = [{"a": 1, "b": "x"}, {"a": 2.5, "b": "∞"}]
    assert tables.markdown(rows) == "| a | b |\n|---|---|\n| 1 | x |\n| 2.5 | ∞ |"
    assert tables.markdown([]) == ""


# --- tables.minimax_rows ----------------------------------------------------------------------

def complex_run(method: str, x0: float, y0: float, lr: float, steps: int) -> np.ndarray:
    """The four methods on f = xy, written with w = x + iy (the field (−y, x) is i·w)."""
    w = [complex(x0, y0)]
    for k in range(steps):
        cur = w[-1]
        if method == "simultaneous":
            nxt = cur + 1j * lr * cur
        elif method == "extragradient":
            look = cur + 1j * lr * cur
            nxt = cur + 1j * lr * look
        elif method == "optimistic":
            prev = w[-2] if k > 0 else cur  # z₋₁ = z₀: the first step is a plain one
            nxt = cur + 2j * lr * cur - 1j * lr * prev
        else:  # alternating: x first, then y against the new x
            x = cur.real - lr * cur.imag
            nxt = complex(x, cur.imag + lr * x)
        w.append(nxt)
    return np.abs(np.array(w))


def expected_rate(method: str, lr: float) -> float:
    if method == "simultaneous":
        return math.sqrt(1 + lr**2)
    if method == "extragradient":
        return math.sqrt(1 - lr**2 + lr**4)
    if method == "optimistic":
        root = cmath.sqrt(1 - 4 * lr**2)
        return max(abs((1 + 2j * lr + root) / 2), abs((1 + 2j * lr - root) / 2))
    # alternating: eigenvalues of [[1, −η], [η, 1 − η²]]
    return max(abs(np.linalg.eigvals(np.array([[1, -lr], [lr, 1 - lr**2]]))))


def rows_for(x0, y0, lr, steps, k, methods=games.METHODS):
    runs = {m: games.simulate(m, (x0, y0), lr, steps) for m in methods}
    theory = {m: games.closed_form_norms(m, (x0, y0), lr, steps) for m in methods}
    return tables.minimax_rows(runs, theory, lr, k, games.alternating_band((x0, y0), lr))


@pytest.mark.parametrize("x0,y0,lr,steps,k", [
    (1.0, 0.5, 0.2, 100, 100), (1.0, 0.5, 0.2, 100, 37), (1.0, 0.0, 0.5, 60, 0),
    (-2.0, 3.0, 0.3, 200, 150), (1.0, 0.5, 0.05, 5000, 5000),
])
def test_minimax_rows_against_complex_recursions(x0, y0, lr, steps, k):
    rows = rows_for(x0, y0, lr, steps, k)
    assert [r["method"] for r in rows] == [games.METHOD_LABELS[m] for m in games.METHODS]
    assert list(rows[0]) == ["method", "one step", "rate ρ (‖z_k‖ ≈ ρᵏ)", "‖z_k‖ measured",
                             "‖z_k‖ theory", "behaviour"]
    q0 = x0**2 + y0**2 - lr * x0 * y0
    for method, row in zip(games.METHODS, rows):
        norms = complex_run(method, x0, y0, lr, k)
        measured, text = row["‖z_k‖ measured"].split(" (k=")
        assert text == f"{k})"
        assert float(measured) == pytest.approx(norms[k], rel=1e-5)
        assert float(row["rate ρ (‖z_k‖ ≈ ρᵏ)"]) == pytest.approx(expected_rate(method, lr),
                                                                rel=1e-5)
        assert row["one step"] == tables.MINIMAX_STEP[method]
        if method == "alternating":
            # the orbit x² + y² − ηxy = Q₀ lies between √(Q₀/(1+η/2)) and √(Q₀/(1−η/2))
            lo, hi = math.sqrt(q0 / (1 + lr / 2)), math.sqrt(q0 / (1 - lr / 2))
            assert row["‖z_k‖ theory"] == f"in [{lo:.4g}, {hi:.4g}]"
            assert lo * (1 - 1e-9) <= norms[k] <= hi * (1 + 1e-9)
            assert row["behaviour"] == "orbits for ever (ellipse)"
        else:
            assert float(row["‖z_k‖ theory"]) == pytest.approx(norms[k], rel=1e-5)
    assert rows[0]["behaviour"] == "spirals out"
    assert rows[2]["behaviour"] == "converges (η < 1)"
    assert rows[3]["behaviour"] == f"converges (η < {1 / math.sqrt(3):.4g})"


def test_minimax_rows_clip_k_to_a_diverged_run():
    run = games.simulate("simultaneous", (1000.0, -1000.0), 10.0, 5000)
    assert run.diverged and run.steps_done < 5000
    rows = rows_for(1000.0, -1000.0, 10.0, 5000, 5000, methods=("simultaneous",))
    assert rows[0]["‖z_k‖ measured"].endswith(f"(k={run.steps_done})")
    norms = complex_run("simultaneous", 1000.0, -1000.0, 10.0, run.steps_done)
    assert float(rows[0]["‖z_k‖ measured"].split()[0]) == pytest.approx(norms[-1], rel=1e-5)
    assert rows[0]["behaviour"] == f"diverged after {run.diverged_at} steps"


def test_minimax_rows_alternating_without_a_band():
    rows = rows_for(1.0, 0.0, 2.5, 10, 10, methods=("alternating",))
    assert rows[0]["‖z_k‖ theory"] == "no bounded orbit (η ≥ 2)"
    assert rows[0]["behaviour"] == "grows (η too large)"
    norms = complex_run("alternating", 1.0, 0.0, 2.5, 10)
    assert float(rows[0]["‖z_k‖ measured"].split()[0]) == pytest.approx(norms[10], rel=1e-5)
    # z₀ = (1, 0.5) lies on the eigen-line of λ = −1/4 at η = 2.5 (eigenvalues −4 and −1/4)
    rows = rows_for(1.0, 0.5, 2.5, 10, 10, methods=("alternating",))
    assert rows[0]["behaviour"] == "converges (z₀ on the eigen-line of λ = −0.25)"
    assert float(rows[0]["‖z_k‖ measured"].split()[0]) == pytest.approx(
        math.hypot(1, 0.5) * 0.25**10, rel=1e-6)


def test_minimax_rows_only_the_runs_given():
    rows = rows_for(1.0, 0.5, 0.2, 10, 5, methods=("optimistic",))
    assert [r["method"] for r in rows] == [games.METHOD_LABELS["optimistic"]]


# --- tables.huffman_rows ----------------------------------------------------------------------

def test_huffman_rows_fair_die():
    p = [1 / 6] * 6
    code = info.huffman_code(p)
    rows = tables.huffman_rows(p, code, info.information_content(p, base=2), list("123456"))
    assert [r["face"] for r in rows] == list("123456")
    assert [r["p(x)"] for r in rows] == [0.1667] * 6
    assert sorted(r["questions ℓ(x)"] for r in rows) == [2, 2, 3, 3, 3, 3]
    assert all(r["questions ℓ(x)"] == len(r["answers (1 = yes)"]) for r in rows)
    assert all(r["−log₂ p(x)"] == f"{math.log2(6):.3f}" for r in rows)
    # a prefix code: no answer sequence starts another one
    answers = [r["answers (1 = yes)"] for r in rows]
    assert not any(a != b and b.startswith(a) for a in answers for b in answers)
    # expected length by hand: 2·(2/6) + 4·(3/6) = 8/3
    assert sum(r["p(x)"] * r["questions ℓ(x)"] for r in rows) == pytest.approx(8 / 3, abs=1e-3)


def test_huffman_rows_impossible_face():
    p = [0.5, 0.25, 0.25, 0.0]
    code = info.huffman_code(p)
    rows = tables.huffman_rows(p, code, info.information_content(p, base=2), "abcd")
    assert [r["questions ℓ(x)"] for r in rows] == [1, 2, 2, 0]
    assert rows[3]["answers (1 = yes)"] == "never asked (p = 0)"
    assert rows[3]["−log₂ p(x)"] == "∞"
    assert [r["−log₂ p(x)"] for r in rows[:3]] == ["1.000", "2.000", "2.000"]


# --- tables.support_rows ----------------------------------------------------------------------

def hand_divergences(p, q):
    p, q = np.asarray(p, float), np.asarray(q, float)

    def kl(a, b):
        if np.any((a > 0) & (b == 0)):
            return math.inf
        m = a > 0
        return float(np.sum(a[m] * np.log(a[m] / b[m])))

    mix = (p + q) / 2
    js = 0.5 * kl(p, mix) + 0.5 * kl(q, mix)
    xs = np.arange(len(p))
    w1 = stats.wasserstein_distance(xs, xs, p, q)
    return kl(p, q), kl(q, p), js, w1


@pytest.mark.parametrize("unit", ["bits", "nats"])
def test_support_rows(unit):
    rows = tables.support_rows(unit)
    assert [r["preset"] for r in rows] == [v[0] for v in dv.SUPPORT_PRESETS.values()]
    scale = 1 / LN2 if unit == "bits" else 1.0
    for row, (_, p, q) in zip(rows, dv.SUPPORT_PRESETS.values()):
        kl, rkl, js, w1 = hand_divergences(p, q)
        assert row["KL(P‖Q)"] == ("∞" if math.isinf(kl) else f"{kl * scale:.4f}")
        assert row["KL(Q‖P)"] == ("∞" if math.isinf(rkl) else f"{rkl * scale:.4f}")
        assert row["JS"] == f"{js * scale:.4f}"
        assert row["W1"] == f"{w1:.4f}"
    disjoint, overlapping, nested = rows
    assert disjoint["JS"] == ("1.0000" if unit == "bits" else f"{LN2:.4f}")
    assert disjoint["W1"] == "5.0000" and overlapping["W1"] == "3.0000"
    assert nested["KL(P‖Q)"] == f"{math.log(8 / 3) * scale:.4f}" and nested["KL(Q‖P)"] == "∞"


# --- curves -----------------------------------------------------------------------------------

def test_lines_series():
    grid, series, jumps = curves.lines_series()
    np.testing.assert_allclose(grid, np.linspace(-1, 1, 201), atol=1e-12)
    assert 0.0 in grid and list(series) == ["KL(Pθ‖P0)", "KL(P0‖Pθ)", "JS", "TV", "W1"]
    off = grid != 0
    for name in ("KL(Pθ‖P0)", "KL(P0‖Pθ)"):
        assert np.all(np.isinf(series[name][off])) and series[name][~off] == 0
    np.testing.assert_allclose(series["JS"][off], LN2)
    np.testing.assert_allclose(series["TV"][off], 1.0)
    assert series["JS"][~off] == 0 and series["TV"][~off] == 0
    np.testing.assert_allclose(series["W1"], np.abs(grid), atol=1e-12)
    assert jumps["JS"] == pytest.approx((0.0, LN2))
    assert jumps["TV"] == pytest.approx((0.0, 1.0))
    assert jumps["KL(Pθ‖P0)"][0] == 0 and math.isinf(jumps["KL(Pθ‖P0)"][1])


def test_lines_gradient_series():
    grid, series, thetas, grads = curves.lines_gradient_series(seed=0, n=50)
    off = grid != 0
    np.testing.assert_allclose(series["W1"][off], np.sign(grid[off]))
    np.testing.assert_allclose(series["JS"][off], 0.0)
    np.testing.assert_allclose(series["TV"][off], 0.0)
    assert np.all(np.isnan(series["KL(Pθ‖P0)"]))  # KL has no derivative anywhere
    assert len(grads) == len(thetas)
    # the sampled W gradient is a mean of θ/‖x − y‖ over the plan: sign θ, size at most 1,
    # and close to 1 once |θ| is well above the spacing of the samples
    for t, g in zip(thetas, grads):
        assert np.sign(g) == np.sign(t) and abs(g) <= 1 + 1e-9
        if abs(t) >= 0.5:
            assert abs(g) > 0.95


def test_lines_gradient_series_by_hand_for_one_theta():
    """W1 between (0, z_i) and (θ, z'_j), one point each: |θ|-free check of the autograd
    gradient θ / √(θ² + (z − z')²)."""
    z_real, z_fake = np.array([0.3]), np.array([0.7])
    w, g = dv.sample_w_gradient(0.4, z_real, z_fake)
    assert w == pytest.approx(math.hypot(0.4, 0.4))
    assert g == pytest.approx(0.4 / math.hypot(0.4, 0.4))


@pytest.mark.parametrize("s1,s2", [(1.0, 1.0), (0.5, 2.0), (0.05, 0.05)])
def test_gaussian_sweep(s1, s2):
    mus, sweep = curves.gaussian_sweep(s1, s2)
    np.testing.assert_allclose(mus, np.linspace(-4, 4, 81), atol=1e-12)

    def kl(m1, a, m2, b):
        return math.log(b / a) + (a**2 + (m1 - m2) ** 2) / (2 * b**2) - 0.5

    np.testing.assert_allclose(sweep["kl"], [kl(0, s1, m, s2) for m in mus], rtol=1e-9)
    np.testing.assert_allclose(sweep["reverse_kl"], [kl(m, s2, 0, s1) for m in mus], rtol=1e-9)
    np.testing.assert_allclose(sweep["w2"], np.hypot(mus, s1 - s2), rtol=1e-9, atol=1e-12)
    if s1 == s2:
        np.testing.assert_allclose(sweep["w1"], np.abs(mus), atol=1e-9)
    else:  # W1 = E|Δμ + Δσ Z|, by quadrature
        for m, w in zip(mus[::20], sweep["w1"][::20]):
            ref = integrate.quad(lambda z, m=m: abs(m + (s2 - s1) * z) * stats.norm.pdf(z),
                                 -12, 12, points=[-m / (s2 - s1)])[0]
            assert w == pytest.approx(ref, rel=1e-6)
    assert np.all(sweep["js"] >= 0) and np.all(sweep["js"] <= LN2 + 1e-12)


def test_gap_sweep():
    sweep = curves.gap_sweep(1.0)
    np.testing.assert_allclose(sweep["gap"], np.linspace(0.1, 10.0, 100))
    assert set(sweep) >= {"gap", "disc_grad", "critic_grad", "disc_on_fake"}
    np.testing.assert_allclose(sweep["critic_grad"], 1.0)
    # E_fake D* by quadrature for a few gaps (real N(gap, 1), fake N(0, 1))
    for i in (0, 10, 30):
        gap = sweep["gap"][i]

        def d_star(x, gap=gap):
            pr, pg = stats.norm.pdf(x, gap, 1), stats.norm.pdf(x, 0, 1)
            return pr / (pr + pg)

        ref = integrate.quad(lambda x: d_star(x) * stats.norm.pdf(x), -12, 12 + gap)[0]
        assert sweep["disc_on_fake"][i] == pytest.approx(ref, rel=1e-6)
        # E|dD*/dx| = gap/(2σ²) · E D* (equal variances, see the docstring)
        assert sweep["disc_grad"][i] == pytest.approx(gap / 2 * ref, rel=1e-6)
    assert np.all(np.diff(sweep["disc_on_fake"]) < 0)  # D* on the fakes falls as the gap grows
