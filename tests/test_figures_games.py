"""Figure builders of the Minimax page: assert on the trace data they draw."""

import math
import time

import numpy as np
import pytest

from gdm_core import games
from gdm_app.figures import games as figs
from gdm_core.games import METHODS


def _paths(steps=50, lr=0.2, z0=(1.0, 0.5)):
    return {m: games.run_dynamics(m, z0, lr, steps) for m in METHODS}


def test_field_arrows_point_along_minus_y_x():
    xs, ys = figs.field_arrows(extent=2.0, n=5)
    # Each arrow: 7 entries (base, tip, gap, head, tip, head, gap); the centre (0,0) is skipped.
    assert len(xs) == 7 * (25 - 1)
    base = np.c_[xs[0::7], ys[0::7]]
    tip = np.c_[xs[1::7], ys[1::7]]
    d = tip - base
    expected = np.c_[-base[:, 1], base[:, 0]]
    # same direction as (−y, x), and length proportional to |v| (largest = 0.8 spacing)
    cos = np.sum(d * expected, 1) / (np.linalg.norm(d, axis=1) * np.linalg.norm(expected, axis=1))
    np.testing.assert_allclose(cos, 1.0, atol=1e-12)
    assert np.linalg.norm(d, axis=1).max() == pytest.approx(0.8 * 1.0)
    assert np.all(np.isnan(xs[2::7]))


def test_contour_is_xy():
    fig = figs.contour_field(extent=1.5, grid=7)
    c = fig.data[0]
    g = np.asarray(c.x)
    np.testing.assert_allclose(np.asarray(c.z), np.outer(g, g))  # z[i][j] = y_i · x_j
    assert fig.layout.yaxis.scaleanchor == "x"


def test_saddle_surface_and_lifted_paths():
    p = _paths()
    fig = figs.saddle_surface(extent=2.0, grid=9, paths=p)
    surf = fig.data[0]
    g = np.asarray(surf.x)
    np.testing.assert_allclose(np.asarray(surf.z), np.outer(g, g))
    lifted = {t.name: t for t in fig.data[1:-1]}
    assert set(lifted) == {games.METHOD_LABELS[m] for m in METHODS}
    t = lifted["Extragradient"]
    np.testing.assert_allclose(np.asarray(t.z), np.asarray(t.x) * np.asarray(t.y))
    # parts outside the patch are cut, never drawn far off the surface
    far = figs.saddle_surface(extent=1.0, paths={"simultaneous": _paths(200, 0.5)["simultaneous"]})
    assert np.abs(np.asarray(far.data[1].x)).max() <= 1.0


def test_trajectories_draws_one_trace_per_method_up_to_k():
    p = _paths(50)
    fig = figs.trajectories(p, upto=20)
    names = [t.name for t in fig.data]
    for m in METHODS:
        assert names.count(games.METHOD_LABELS[m]) == 1
        trace = next(t for t in fig.data if t.name == games.METHOD_LABELS[m])
        np.testing.assert_array_equal(np.c_[trace.x, trace.y], p[m][:21])
        assert list(trace.customdata) == list(range(21))
    head = next(t for t in fig.data if t.name == "current iterate z_k")
    # the current iterates travel as float32 (half the bytes): equal to float32 rounding
    np.testing.assert_allclose(np.c_[head.x, head.y], np.array([p[m][20] for m in METHODS]),
                               rtol=1e-6)
    assert list(head.text) == [games.METHOD_LABELS[m] for m in METHODS]
    # the axis range covers every drawn iterate
    r = fig.layout.xaxis.range[1]
    assert r >= max(np.abs(p[m][:21]).max() for m in METHODS)


def test_animation_frames_are_bounded_and_end_on_the_still_picture():
    p = _paths(1000, 0.1)
    fig = figs.trajectories(p)
    assert 2 <= len(fig.frames) <= figs.MAX_FRAMES
    assert [int(f.name) for f in fig.frames][0] == 0
    assert int(fig.frames[-1].name) == 1000
    for f in fig.frames:
        assert len(f.data) == 1 and len(f.data[0].x) <= 4 * figs.MAX_TRAIL_POINTS
    last = fig.frames[-1].data[0]
    np.testing.assert_allclose(np.c_[last.x, last.y], np.array([p[m][-1] for m in METHODS]),
                               rtol=1e-6)
    buttons = fig.layout.updatemenus[0].buttons
    assert [b.label for b in buttons] == ["▶ Play", "❚❚ Pause"]
    assert figs.trajectories(p, animate=False).frames == ()


def test_diverged_run_waits_at_its_last_iterate_in_frames():
    p = {"simultaneous": games.run_dynamics("simultaneous", (1, 0), 1.0, 500),
         "extragradient": games.run_dynamics("extragradient", (1, 0), 0.5, 500)}
    assert len(p["simultaneous"]) < 100
    fig = figs.trajectories(p)
    last = fig.frames[-1].data[0]
    np.testing.assert_allclose(last.x, [p["simultaneous"][-1, 0], p["extragradient"][-1, 0]],
                               rtol=1e-6)
    for trace in fig.data:
        if trace.x is not None:
            assert np.all(np.isfinite(np.asarray(trace.x, float)[~np.isnan(np.asarray(
                trace.x, float))]))


def test_trajectories_with_nothing_enabled_and_at_the_equilibrium():
    fig = figs.trajectories({})
    assert len(fig.data) == 3 and not fig.frames  # contour, arrows, equilibrium
    fig = figs.trajectories({m: games.run_dynamics(m, (0, 0), 0.1, 5) for m in METHODS})
    assert fig.layout.xaxis.range[1] == 1.0  # a sane default window, not a zero-width one


def test_distance_plot_measured_theory_and_band():
    z0, lr, steps = (1.0, 0.5), 0.3, 40
    p = _paths(steps, lr, z0)
    norms = {m: games.distances(x) for m, x in p.items()}
    theory = {m: games.closed_form_norms(m, z0, lr, steps) for m in METHODS}
    band = games.alternating_band(z0, lr)
    fig = figs.distance_plot(norms, theory, band)
    assert fig.layout.yaxis.type == "log"
    by = {t.name: t for t in fig.data}
    sim_th = by["Simultaneous GDA (theory)"]
    np.testing.assert_allclose(sim_th.y, math.hypot(*z0) * (1 + lr**2) ** (np.arange(41) / 2),
                               rtol=1e-12)
    eg_th = by["Extragradient (theory)"]
    np.testing.assert_allclose(eg_th.y, math.hypot(*z0) * (1 - lr**2 + lr**4)
                               ** (np.arange(41) / 2), rtol=1e-12)
    np.testing.assert_allclose(by["Optimistic GDA"].y, norms["optimistic"])
    assert "Alternating GDA (theory)" not in by
    lows = [t for t in fig.data if "lowest" in t.name]
    assert len(lows) == 1 and lows[0].y[0] == pytest.approx(band[0])
    assert min(by["Alternating GDA"].y) >= band[0] - 1e-12


def test_distance_plot_upto_and_zeros_become_gaps():
    fig = figs.distance_plot({"simultaneous": np.array([0.0, 1.0, 2.0, 4.0])},
                             {"simultaneous": np.array([0.0, 1.0, 2.0, np.inf])}, upto=2)
    measured, theory, legend_only = fig.data
    assert legend_only.name == "exact closed form" and legend_only.showlegend is not False
    assert len(measured.y) == 3 and np.isnan(measured.y[0])
    assert np.isnan(theory.y[0]) and list(theory.y[1:]) == [1.0, 2.0]


def test_figures_for_1000_steps_are_fast():
    # CPU time of this process: the 2-core machine is shared (training, other test runs), and
    # wall-clock time would measure the neighbours. bench/bench_minimax.py reports wall time.
    def once():
        t = time.process_time()
        runs = {m: games.simulate(m, (1.0, 0.5), 0.1, 1000) for m in METHODS}
        p = {m: r.path for m, r in runs.items()}
        figs.trajectories(p).to_json()
        figs.distance_plot({m: games.distances(x) for m, x in p.items()},
                           {m: games.closed_form_norms(m, (1.0, 0.5), 0.1, 1000)
                            for m in METHODS}, games.alternating_band((1, .5), .1)).to_json()
        figs.saddle_surface(paths=p).to_json()
        return time.process_time() - t

    once()  # warm-up (imports, plotly validators)
    assert min(once() for _ in range(3)) < 0.5


# ------------------------------------------------------------------ the view, the animation

def test_orbit_preset_view_fits_the_orbit_and_lets_the_spiral_leave():
    # Regression: the "Alternating steps orbit" preset showed no orbit, the simultaneous run in
    # the same plot stretched the axes to ±800.
    p = {m: games.run_dynamics(m, (1.0, 0.0), 0.5, 60) for m in ("simultaneous", "alternating")}
    assert np.abs(p["simultaneous"]).max() > 500
    fig = figs.trajectories(p)
    lo, hi = games.alternating_band((1.0, 0.0), 0.5)
    r = fig.layout.xaxis.range
    assert r == fig.layout.yaxis.range and r[0] == -r[1]
    assert np.abs(p["alternating"]).max() <= r[1] <= 1.2 * hi  # the orbit fills the view
    names = [t.name for t in fig.data]
    assert "Simultaneous GDA (leaves the view)" in names and "Alternating GDA" in names
    # view="all" is the old picture: everything inside
    assert figs.trajectories(p, view="all").layout.xaxis.range[1] >= np.abs(p["simultaneous"]).max()
    with pytest.raises(ValueError, match="view"):
        figs.trajectories(p, view="zoom")


def test_compare_preset_view_fits_the_three_runs_that_do_not_diverge():
    p = _paths(100, 0.2, (1.0, 0.5))
    fig = figs.trajectories(p)
    others = max(np.abs(p[m]).max() for m in METHODS if m != "simultaneous")
    assert fig.layout.xaxis.range[1] == pytest.approx(1.15 * others)
    assert np.abs(p["simultaneous"]).max() > 3 * fig.layout.xaxis.range[1]
    # the range does not move with the step slider
    assert figs.trajectories(p, upto=10).layout.xaxis.range == fig.layout.xaxis.range


def test_animation_keeps_background_and_fixed_ranges():
    # Regression: Play removed the f(x, y) background and changed the axis range.
    p = _paths(200, 0.2)
    fig = figs.trajectories(p)
    assert fig.data[0].type == "contour"
    assert fig.layout.xaxis.autorange is False and fig.layout.yaxis.autorange is False
    comet = len(fig.data) - 1
    for f in fig.frames:
        assert list(f.traces) == [comet]  # only the current-iterate trace is touched
        assert list(f.layout.xaxis.range) == list(fig.layout.xaxis.range)
        assert list(f.layout.yaxis.range) == list(fig.layout.yaxis.range)
        assert f.layout.xaxis.autorange is False and f.layout.yaxis.autorange is False


def test_play_buttons_sit_below_the_axis_title_inside_the_margin():
    # Regression: Play/Pause sat on the axis title (y = −0.12) and the step slider's label.
    fig = figs.trajectories(_paths(50))
    menu = fig.layout.updatemenus[0]
    m = fig.layout.margin
    # at the plot area's bottom edge, pushed down in px: the legend under them (at the figure's
    # bottom edge, its height reserved below the margin) cannot shift them onto the axis title
    assert menu.y == 0 and menu.yanchor == "top"
    below = menu.pad.t  # px from the plot area's bottom to the buttons' top
    assert below >= 75  # clear of tick labels and the axis title
    assert below + figs.BUTTONS_HEIGHT <= m.b  # and inside the bottom margin, above the legend
    assert fig.layout.legend.yref == "container" or fig.layout.template.layout.legend.yref == "container"


def test_rate_figure_theory_curves_measured_markers_and_the_line_of_one():
    lrs = np.linspace(0, 1.2, 121)
    runs = {m: games.simulate(m, (1.0, 0.5), 0.2, 100) for m in METHODS}
    measured = {m: games.measured_rate(r.path) for m, r in runs.items()}
    fig = figs.rate_figure(lrs, games.rate_curves(lrs), 0.2, measured)
    names = [t.name for t in fig.data]
    for m in METHODS:
        label = games.METHOD_LABELS[m]
        curve = fig.data[names.index(label)]
        np.testing.assert_allclose(curve.y, [games.spectral_radius(m, lr) for lr in lrs])
        marker = fig.data[names.index(f"{label}: measured")]
        assert list(marker.x) == [0.2] and marker.y[0] == measured[m]
    assert any(s.y0 == 1.0 and s.y1 == 1.0 for s in fig.layout.shapes)  # ρ = 1
    lo, hi = fig.layout.yaxis.range
    assert lo < min(measured.values()) and hi > max(measured.values())
    # a NaN measurement (k = 0) draws no marker
    fig = figs.rate_figure(lrs, games.rate_curves(lrs), 0.2, {"alternating": math.nan})
    assert not [t for t in fig.data if t.name.endswith("measured")]


def test_value_curves_fit_the_bounded_runs_and_say_which_leave():
    runs = {m: games.simulate(m, (1.0, 0.5), 0.2, 100) for m in METHODS}
    values = {m: r.path[:, 0] * r.path[:, 1] for m, r in runs.items()}
    fig = figs.value_curves(values)
    names = [t.name for t in fig.data]
    assert "Simultaneous GDA (leaves the view)" in names  # its value grows to ~±30
    alt = fig.data[names.index("Alternating GDA")]
    np.testing.assert_allclose(alt.y, values["alternating"])
    lo, hi = fig.layout.yaxis.range
    bounded = max(np.max(np.abs(values[m])) for m in ("alternating", "extragradient",
                                                       "optimistic"))
    assert hi == -lo and bounded < hi < 2 * bounded
