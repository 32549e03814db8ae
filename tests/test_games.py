"""gdm_core.games against closed forms computed independently (by hand / complex numbers)."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gdm_core import games
from gdm_core.games import METHODS, BilinearGame, run_dynamics, simulate

ETAS = [0.01, 0.1, 0.3, 0.5, 0.7, 1.0, 1.5]


def norms(z):
    return np.sqrt(z[:, 0] ** 2 + z[:, 1] ** 2)


# ------------------------------------------------------------------ shapes and the updates

@pytest.mark.parametrize("method", METHODS)
def test_shape_and_start(method):
    z = run_dynamics(method, (0.3, -0.2), 0.1, 25)
    assert z.shape == (26, 2)
    assert tuple(z[0]) == (0.3, -0.2)


def test_first_steps_by_hand():
    # x0 = 1, y0 = 2, η = 0.5 computed on paper.
    sim = run_dynamics("simultaneous", (1, 2), 0.5, 1)[1]
    assert sim.tolist() == [1 - 0.5 * 2, 2 + 0.5 * 1]            # (0, 2.5)
    alt = run_dynamics("alternating", (1, 2), 0.5, 1)[1]
    assert alt.tolist() == [0.0, 2 + 0.5 * 0.0]                   # y uses the new x = 0
    eg = run_dynamics("extragradient", (1, 2), 0.5, 1)[1]
    # look-ahead (0, 2.5); then x = 1 − 0.5·2.5 = −0.25, y = 2 + 0.5·0 = 2
    assert eg.tolist() == [-0.25, 2.0]
    og = run_dynamics("optimistic", (1, 2), 0.5, 2)
    assert og[1].tolist() == [0.0, 2.5]                           # z_{-1} = z_0: a GDA step
    # z2 = z1 + 2η v(z1) − η v(z0), v(x, y) = (−y, x)
    assert og[2].tolist() == [0 + 2 * 0.5 * -2.5 - 0.5 * -2, 2.5 + 2 * 0.5 * 0 - 0.5 * 1]


# ------------------------------------------------------------------ closed forms

@pytest.mark.parametrize("eta", ETAS)
def test_simultaneous_grows_by_sqrt_1_plus_eta2_each_step(eta):
    z = run_dynamics("simultaneous", (0.8, -0.6), eta, 30)
    ratio = norms(z)[1:] / norms(z)[:-1]
    np.testing.assert_allclose(ratio, math.sqrt(1 + eta**2), rtol=1e-9, atol=0)
    np.testing.assert_allclose(norms(z), (1 + eta**2) ** (np.arange(len(z)) / 2), rtol=1e-9)


@pytest.mark.parametrize("eta", ETAS)
def test_extragradient_factor(eta):
    z = run_dynamics("extragradient", (0.8, -0.6), eta, 30)
    ratio = norms(z)[1:] / norms(z)[:-1]
    np.testing.assert_allclose(ratio, math.sqrt(1 - eta**2 + eta**4), rtol=1e-9, atol=0)


@pytest.mark.parametrize("eta", ETAS + [0.5 + 1e-9, 1 / math.sqrt(3)])
@pytest.mark.parametrize("method", ["simultaneous", "extragradient", "optimistic"])
def test_closed_form_norms_match_the_iteration(method, eta):
    run = simulate(method, (1.3, 0.4), eta, 60)
    cf = games.closed_form_norms(method, (1.3, 0.4), eta, 60)
    assert cf.shape == (61,)
    n = len(run.path)
    np.testing.assert_allclose(cf[:n], norms(run.path), rtol=1e-9, atol=1e-300)


def test_optimistic_closed_form_against_complex_recursion():
    # Independent reference: iterate the scalar complex recursion w' = (1+2iη)w − iη w_prev.
    eta, w_prev, w = 0.4, 0.7 - 0.2j, 0.7 - 0.2j
    ref = [abs(w)]
    w, w_prev = (1 + 1j * eta) * w, w
    ref.append(abs(w))
    for _ in range(40):
        w, w_prev = (1 + 2j * eta) * w - 1j * eta * w_prev, w
        ref.append(abs(w))
    cf = games.closed_form_norms("optimistic", (0.7, -0.2), eta, 41)
    np.testing.assert_allclose(cf, ref, rtol=1e-9)


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("eta", [0.05, 0.3, 0.5, 0.6, 1.2, 2.5])
def test_spectral_radius_equals_eigenvalues_of_update_matrix(method, eta):
    eig = np.abs(np.linalg.eigvals(games.update_matrix(method, eta))).max()
    assert games.spectral_radius(method, eta) == pytest.approx(eig, rel=1e-7)


def test_optimistic_rate_formula_and_limit():
    for eta in [0.1, 0.3, 0.49]:
        rho = math.sqrt((1 + math.sqrt(1 - 4 * eta**2)) / 2)
        assert games.spectral_radius("optimistic", eta) == pytest.approx(rho, rel=1e-12)
    limit = games.stability_limit("optimistic")
    assert limit == pytest.approx(1 / math.sqrt(3))
    assert games.spectral_radius("optimistic", limit) == pytest.approx(1.0, rel=1e-9)
    assert games.spectral_radius("optimistic", limit * 0.99) < 1
    assert games.spectral_radius("optimistic", limit * 1.01) > 1


# ------------------------------------------------------------------ alternating: det 1, invariant

@pytest.mark.parametrize("eta", [0.1, 0.5, 1.0, 1.9, 2.5])
def test_alternating_matrix_has_determinant_one(eta):
    m = games.update_matrix("alternating", eta)
    assert np.linalg.det(m) == pytest.approx(1.0, abs=1e-12)
    # and it is the map the iteration applies
    z = run_dynamics("alternating", (0.4, 0.9), eta, 1)
    np.testing.assert_allclose(z[1], m @ z[0], rtol=1e-14)


@pytest.mark.parametrize("eta", [0.1, 0.5, 1.0, 1.5, 1.99])
def test_alternating_conserves_its_quantity_and_stays_in_the_band(eta):
    z = run_dynamics("alternating", (0.4, 0.9), eta, 2000)
    assert len(z) == 2001
    q = games.conserved_quantity(z, eta)
    np.testing.assert_allclose(q, q[0], rtol=1e-9)
    lo, hi = games.alternating_band((0.4, 0.9), eta)
    r = norms(z)
    assert lo - 1e-9 <= r.min() and r.max() <= hi + 1e-9
    assert r.max() > 0.9 * hi or eta < 0.2  # the orbit really goes round the ellipse


def test_alternating_quantity_differs_from_plain_norm():
    # ‖z‖² itself is NOT conserved (so the test above is not trivially true).
    z = run_dynamics("alternating", (1.0, 0.0), 0.5, 10)
    assert np.ptp(norms(z)) > 0.1
    assert games.alternating_band((1, 0), 2.0) is None


@given(x=st.floats(-10, 10), y=st.floats(-10, 10), eta=st.floats(0.01, 1.99))
@settings(max_examples=60, deadline=None)
def test_alternating_invariant_property(x, y, eta):
    z = run_dynamics("alternating", (x, y), eta, 50)
    q = games.conserved_quantity(z, eta)
    assert np.all(np.abs(q - q[0]) <= 1e-9 * max(1.0, x * x + y * y))


# ------------------------------------------------------------------ convergence / divergence

@pytest.mark.parametrize("method", ["extragradient", "optimistic"])
@pytest.mark.parametrize("eta", [0.05, 0.2, 0.4])
def test_extragradient_and_optimistic_converge_for_small_eta(method, eta):
    rho = games.spectral_radius(method, eta)
    steps = math.ceil(math.log(1e-8) / math.log(rho))  # long enough to reach 1e-8·‖z0‖
    z = run_dynamics(method, (1.0, 1.0), eta, steps)
    assert len(z) == steps + 1
    assert norms(z)[-1] < 1e-6
    assert norms(z)[-1] < norms(z)[steps // 2] < norms(z)[0]
    assert games.behaviour(simulate(method, (1, 1), eta, 10)).startswith("converges")


def test_simultaneous_never_converges():
    for eta in [1e-3, 0.1, 1.0]:
        z = run_dynamics("simultaneous", (1.0, 0.0), eta, 100)
        assert np.all(np.diff(norms(z)) > 0)


@pytest.mark.parametrize("method,eta", [("simultaneous", 0.5), ("extragradient", 1.5),
                                        ("optimistic", 0.7), ("alternating", 2.5)])
def test_divergence_is_detected_and_stops_early(method, eta):
    run = simulate(method, (1.0, 0.3), eta, 5000)
    assert run.diverged and run.diverged_at < 5000
    assert len(run.path) == run.diverged_at and run.steps_done == run.diverged_at - 1
    assert np.all(np.isfinite(run.path))
    assert norms(run.path).max() <= games.BOUND
    # the next iterate would have passed the bound
    full = games.update_matrix(method, eta)
    if method != "optimistic":
        assert np.linalg.norm(full @ run.path[-1]) > games.BOUND
    assert games.behaviour(run) == f"diverged after {run.diverged_at} steps"


def test_divergence_bound_is_relative_to_the_start():
    run = simulate("extragradient", (1000.0, -1000.0), 0.5, 100)
    assert not run.diverged  # a large start that converges is not "diverged"
    run = simulate("simultaneous", (1000.0, 1000.0), 10.0, 5000)
    assert run.diverged_at == 6  # (√101)^6 > 10⁶ > (√101)^5
    assert run.bound == pytest.approx(1e6 * math.hypot(1000, 1000))


def test_overflow_does_not_escape():
    # Starting so far out that the bound itself is inf: float overflow must still stop it.
    run = simulate("simultaneous", (1e305, 1e305), 10.0, 100)
    assert run.bound == math.inf
    assert run.diverged and len(run.path) == run.diverged_at and run.diverged_at < 10
    assert np.all(np.isfinite(run.path))


def test_equilibrium_is_fixed():
    for m in METHODS:
        assert np.all(run_dynamics(m, (0, 0), 0.5, 10) == 0)
        cf = games.closed_form_norms(m, (0, 0), 0.5, 10)
        assert cf is None or np.all(cf == 0)


def test_alternating_behaviour_words():
    assert games.behaviour(simulate("alternating", (1, 0), 0.5, 10)).startswith("orbits")
    assert games.behaviour(simulate("simultaneous", (1, 0), 0.1, 10)) == "spirals out"
    assert games.behaviour(simulate("extragradient", (1, 0), 1.0, 10)).startswith("circles")


# ------------------------------------------------------------------ other games, bad input

def test_coupling_scales_the_step():
    a = BilinearGame(coupling=2.0)
    z1 = run_dynamics("optimistic", (0.3, 0.1), 0.1, 40, game=a)
    z2 = run_dynamics("optimistic", (0.3, 0.1), 0.2, 40)
    np.testing.assert_allclose(z1, z2, rtol=1e-12)
    assert games.per_step_factor("simultaneous", 0.1, a) == pytest.approx(math.sqrt(1.04))
    assert games.stability_limit("extragradient", a) == 0.5


def test_a_general_game_can_be_plugged_in():
    class Quadratic:  # f = x²/2 − y²/2: plain GDA converges, a different game entirely
        def value(self, x, y):
            return np.multiply(x, x) / 2 - np.multiply(y, y) / 2

        def grad_x(self, x, y):
            return x

        def grad_y(self, x, y):
            return -y

    z = run_dynamics("simultaneous", (1.0, 1.0), 0.1, 10, game=Quadratic())
    np.testing.assert_allclose(z[:, 0], 0.9 ** np.arange(11), rtol=1e-12)
    with pytest.raises(ValueError, match="bilinear"):
        games.closed_form_norms("simultaneous", (1, 1), 0.1, 10, game=Quadratic())


@pytest.mark.parametrize("kwargs,match", [
    (dict(lr=0.0), "positive"), (dict(lr=-0.1), "positive"), (dict(lr=float("nan")), "positive"),
    (dict(lr=float("inf")), "positive"), (dict(lr="abc"), "number"),
    (dict(steps=0), "steps"), (dict(steps=-3), "steps"), (dict(steps=2.5), "steps"),
    (dict(z0=(float("nan"), 0)), "finite"), (dict(z0=(0, float("inf"))), "finite"),
    (dict(z0=(1, 2, 3)), "two numbers"), (dict(method="adam"), "unknown method"),
])
def test_bad_input_raises_a_readable_value_error(kwargs, match):
    args = dict(method="simultaneous", z0=(1.0, 0.0), lr=0.1, steps=10) | kwargs
    with pytest.raises(ValueError, match=match):
        run_dynamics(**args)


def test_bad_coupling_and_unknown_method_elsewhere():
    with pytest.raises(ValueError):
        BilinearGame(0.0)
    for fn in (games.per_step_factor, games.update_matrix, games.spectral_radius):
        with pytest.raises(ValueError, match="unknown method"):
            fn("sgd", 0.1)
    with pytest.raises(ValueError, match="unknown method"):
        games.stability_limit("sgd")


# ------------------------------------------------------------------ long runs: no overflow in theory

def _mp_companion_norms(method, z0, eta, steps):
    """Exact ‖z_k‖ by iterating the update matrix in 40-digit mpmath (unbounded exponent range)."""
    import mpmath

    mpmath.mp.dps = 40
    m = mpmath.matrix(games.update_matrix(method, eta).tolist())
    x, y = (mpmath.mpf(v) for v in z0)
    if method == "optimistic":  # state (z_k, z_{k-1}); the first step is a plain GDA step
        v = mpmath.matrix([x - eta * y, y + eta * x, x, y])
        out = [mpmath.sqrt(x * x + y * y), mpmath.sqrt(v[0] ** 2 + v[1] ** 2)]
        for _ in range(steps - 1):
            v = m * v
            out.append(mpmath.sqrt(v[0] ** 2 + v[1] ** 2))
    else:
        v = mpmath.matrix([x, y])
        out = [mpmath.sqrt(x * x + y * y)]
        for _ in range(steps):
            v = m * v
            out.append(mpmath.sqrt(v[0] ** 2 + v[1] ** 2))
    return out


@pytest.mark.parametrize("method,eta,steps", [
    ("optimistic", 0.2, 5000), ("optimistic", 0.05, 2000), ("optimistic", 0.5, 3000),
    ("optimistic", 0.7, 3000), ("optimistic", 0.01, 5000),
    ("extragradient", 0.5, 5000), ("extragradient", 0.01, 5000), ("extragradient", 1.2, 5000),
    ("simultaneous", 0.3, 5000),
])
def test_closed_form_norms_stay_exact_for_long_runs(method, eta, steps):
    # The optimistic closed form used sinh(k·h), which overflowed to inf from k ≈ 906 at η = 0.2
    # although ‖z_k‖ there is ~1e-9. Reference: the update matrix (4×4 companion for optimistic)
    # iterated in mpmath, whose exponent range is unbounded.
    z0 = (1.0, 0.5)
    cf = games.closed_form_norms(method, z0, eta, steps)
    ref = _mp_companion_norms(method, z0, eta, steps)
    for k in range(0, steps + 1, 37 if steps > 1000 else 1):
        true = ref[k]
        if true > 1e300 or true < 1e-300:  # outside the float range: inf or 0 is the honest answer
            assert cf[k] == (math.inf if true > 1 else 0.0) or cf[k] < 1e-290 or cf[k] > 1e290
            continue
        assert cf[k] == pytest.approx(float(true), rel=1e-8, abs=0), (k, cf[k], true)
    if method == "optimistic" and eta == 0.2:
        assert cf[1000] == pytest.approx(6.4406e-10, rel=1e-4, abs=0)
        assert cf[5000] == pytest.approx(5.9353e-47, rel=1e-4, abs=0)


# ------------------------------------------------------------------ alternating on an eigen-line

def _stable_line(eta, coupling=1.0):
    """Independent reference: the eigenvector of the update matrix with the smallest |λ|."""
    vals, vecs = np.linalg.eig(games.update_matrix("alternating", eta, BilinearGame(coupling)))
    i = int(np.argmin(np.abs(vals)))
    return float(vals[i].real), vecs[:, i].real


@pytest.mark.parametrize("eta,coupling", [(2.5, 1.0), (3.0, 1.0), (2.5, -1.0), (1.5, 2.0)])
def test_alternating_start_on_the_stable_eigen_line_converges_and_says_so(eta, coupling):
    game = BilinearGame(coupling)
    lam, v = _stable_line(eta, coupling)
    line = games.alternating_eigenline(v, eta, game)
    assert line["on_line"] and line["lam"] == pytest.approx(lam, rel=1e-12, abs=0)
    assert line["lam_unstable"] * line["lam"] == pytest.approx(1.0, rel=1e-12, abs=0)  # det M = 1
    run = simulate("alternating", v, eta, 12, game)
    r = norms(run.path)
    assert not run.diverged and r[-1] < 1e-3 * r[0]
    assert games.behaviour(run, game).startswith("converges (z₀ on the eigen-line of λ = −")
    # a generic start at the same η grows
    run = simulate("alternating", (1.0, 0.0), eta, 8, game)
    assert games.behaviour(run, game) in ("grows (η too large)",
                                          f"diverged after {run.diverged_at} steps")


def test_alternating_lecturer_cases():
    # (1, 0.5) with η = 2.5 was labelled "grows (η too large)" although ‖z_100‖ ≈ 7e-61.
    run = simulate("alternating", (1.0, 0.5), 2.5, 100)
    assert norms(run.path)[-1] == pytest.approx(math.hypot(1, 0.5) * 0.25 ** 100, rel=1e-12, abs=0)
    assert games.behaviour(run) == "converges (z₀ on the eigen-line of λ = −0.25)"
    # (1, 1) with η = 2 was labelled "grows linearly" although it is the 2-cycle ±(1, 1).
    run = simulate("alternating", (1.0, 1.0), 2.0, 100)
    np.testing.assert_array_equal(run.path[1::2], -np.ones((50, 2)))
    np.testing.assert_array_equal(run.path[0::2], np.ones((51, 2)))
    assert games.behaviour(run) == "2-cycle, bounded (z₀ on the eigen-line of λ = −1)"
    # generic starts keep their words: η = 2 grows linearly, z_k = (−1)^k (I − kN) z_0
    run = simulate("alternating", (1.0, 0.0), 2.0, 100)
    assert norms(run.path)[-1] == pytest.approx(math.hypot(1 - 200, -200), rel=1e-12, abs=0)
    assert games.behaviour(run) == "grows linearly (η = 2)"
    assert games.behaviour(simulate("alternating", (1.0, 0.0), 2.5, 5)) == "grows (η too large)"
    assert games.behaviour(simulate("alternating", (1.0, 0.5), 1.9, 50)).startswith("orbits")
    # just off the line is not on it (the unstable mode is there and wins)
    assert not games.alternating_eigenline((1.0, 0.5 + 1e-7), 2.5)["on_line"]
    assert games.alternating_eigenline((1.0, 0.5), 1.5) is None


def test_measured_rate_is_the_rate_for_geometric_runs_and_approaches_it_otherwise():
    for m in ("simultaneous", "extragradient"):
        run = simulate(m, (1.0, 0.5), 0.2, 100)
        assert games.measured_rate(run.path) == pytest.approx(games.spectral_radius(m, 0.2),
                                                              rel=1e-12)
        assert games.measured_rate(run.path, 10) == pytest.approx(
            games.spectral_radius(m, 0.2), rel=1e-12)
    # alternating and optimistic wobble around ρ^k: their measured rate nears ρ as k grows
    for m in ("alternating", "optimistic"):
        rho = games.spectral_radius(m, 0.2)
        path = simulate(m, (1.0, 0.5), 0.2, 4000).path
        errors = [abs(games.measured_rate(path, k) - rho) for k in (100, 4000)]
        assert errors[1] < errors[0] and errors[1] < 1e-3
    assert math.isnan(games.measured_rate(simulate("alternating", (0.0, 0.0), 0.2, 5).path))
    assert math.isnan(games.measured_rate(simulate("alternating", (1.0, 0.0), 0.2, 5).path, 0))


def test_rate_curves_cross_one_at_the_stability_limits():
    lrs = np.linspace(0.01, 1.5, 300)
    curves = games.rate_curves(lrs)
    assert set(curves) == set(METHODS)
    assert np.all(curves["simultaneous"] > 1)  # spirals out for every η > 0
    assert np.all(curves["alternating"] == 1)  # orbits for η < 2
    for m in ("extragradient", "optimistic"):
        below = lrs < games.stability_limit(m) - 1e-9
        above = lrs > games.stability_limit(m) + 1e-9
        assert np.all(curves[m][below] < 1) and np.all(curves[m][above] > 1), m
