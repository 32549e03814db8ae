"""Figure builders of the Divergences page: the traces carry the numbers they were given."""

from __future__ import annotations

import math

import numpy as np
import pytest

from gdm_core import critic
from gdm_core import divergences as dv
from gdm_core.transport import transport_plan
import plotly.graph_objects as go

from gdm_app.figures import COLORS, styled
from gdm_app.figures import divergences as figs
from gdm_app.figures import transport as tfigs
from gdm_core import transport_duality as td
from tests.conftest import contrast_on_white


def _trace(fig, name):
    found = [t for t in fig.data if t.name == name]
    assert found, [t.name for t in fig.data]
    return found[0]


def test_figures_keep_the_app_style():
    fig = figs.lines_plane(0.4, title="t")
    ref = styled(go.Figure(), "t", 380)  # the shared look, whichever way styled sets it
    # the plot area keeps about the requested 380 px figure's size: the figure grows by the room
    # its legend takes under the plot
    assert fig.layout.height == 380 + figs.LEGEND_ROOM
    assert fig.layout.margin.b == ref.layout.margin.b
    assert fig.layout.title.text == "t"
    assert fig.layout.template.layout.plot_bgcolor == "white"  # plotly_white
    assert (fig.layout.font.size or fig.layout.template.layout.font.size) == 16
    assert list(fig.layout.colorway or fig.layout.template.layout.colorway) == list(COLORS.values())
    assert fig.layout.margin.t == ref.layout.margin.t and fig.layout.template == ref.layout.template
    # under the plot, at the figure's bottom edge: far from the title at the top
    legend = fig.layout.legend
    assert (legend.yref, legend.y, legend.yanchor) == ("container", 0, "bottom")
    assert legend.to_plotly_json() == ref.layout.legend.to_plotly_json()


def test_lines_plane_segments_samples_and_plan():
    real, fake = dv.sample_shifted_lines(0.6, 8, 0)
    plan = transport_plan(real, fake)
    fig = figs.lines_plane(0.6, real, fake, plan)
    assert list(_trace(fig, "P0 = law of (0, Z)").x) == [0, 0]
    assert list(_trace(fig, "Pθ = law of (θ, Z), θ = 0.6").x) == [0.6, 0.6]
    lines = _trace(fig, "transport plan")
    assert len(lines.x) == 3 * len(plan)  # start, end, gap per matched pair
    i, j, _ = plan[0]
    assert (lines.x[0], lines.y[0], lines.x[1], lines.y[1]) == (real[i, 0], real[i, 1], fake[j, 0], fake[j, 1])
    assert np.allclose(_trace(fig, "samples of Pθ").y, fake[:, 1])


def test_transport_plan_legend_clears_the_axis_title():
    # Regression: the legend under the transport-plan figure sat on the x-axis title (y = −0.2
    # of a ~265 px plot area is 53 px; tick labels and the title need ~60). The legend is now
    # pinned to the figure's bottom edge (container coordinates) and Plotly reserves its rows
    # below the bottom margin, which keeps the tick labels and the axis title.
    real, fake = dv.sample_shifted_lines(0.6, 8, 0)
    for fig in (figs.lines_plane(0.6, real, fake, transport_plan(real, fake), title="t"),
                figs.lines_plane(0.6), figs.gaussian_densities([0, 1], [1, 1], [0, 0])):
        m, legend = fig.layout.margin, fig.layout.legend
        assert (legend.yref, legend.y, legend.yanchor) == ("container", 0, "bottom")
        assert m.b >= 55  # tick labels and the axis title, above the legend's reserved rows
        # room for three rows of 16 px entries on top of the plot area
        assert fig.layout.height - m.t - m.b >= figs.LEGEND_ROOM + 200
        assert fig.layout.xaxis.title.text  # the axis title it used to cover is there


def test_lines_curves_infinity_break_and_jump_markers():
    grid = np.array([-0.5, 0.0, 0.5])
    series = {"KL(Pθ‖P0)": [math.inf, 0.0, math.inf], "JS": [1.0, 0.0, 1.0], "W1": [0.5, 0.0, 0.5]}
    jumps = {"JS": (0.0, 1.0), "KL(Pθ‖P0)": (0.0, math.inf)}
    fig = figs.lines_curves(grid, series, 0.25, jumps, "bits", inf_level=1.25)
    kl = _trace(fig, "KL(Pθ‖P0)")
    assert list(kl.x) == [-0.5, None, 0.5]  # no line drawn through θ = 0
    assert list(kl.y) == [1.25, None, 1.25]  # ∞ drawn at the labelled level
    assert list(kl.customdata) == ["∞", None, "∞"]  # and said as ∞ on hover
    assert list(_trace(fig, "JS: limit as θ→0").y) == [1.0]
    assert _trace(fig, "JS: limit as θ→0").marker.symbol == "circle-open"
    assert list(_trace(fig, "JS at θ = 0").y) == [0.0]
    assert list(_trace(fig, "KL(Pθ‖P0): limit as θ→0").y) == [1.25]
    assert fig.layout.shapes[0].x0 == 0.25  # the current θ
    assert any("∞" in a.text for a in fig.layout.annotations)


def test_lines_gradients_skips_undefined_and_shows_samples():
    grid = np.array([-1.0, 0.0, 1.0])
    series = {"KL(Pθ‖P0)": [math.nan] * 3, "JS": [0.0, math.nan, 0.0], "W1": [-1.0, math.nan, 1.0]}
    fig = figs.lines_gradients(grid, series, [0.5], [0.98])
    names = [t.name for t in fig.data]
    assert "dKL(Pθ‖P0)/dθ" not in names
    assert list(_trace(fig, "dW1/dθ").y) == [-1.0, None, 1.0]
    assert list(_trace(fig, "dW/dθ from samples (POT + autograd)").y) == [0.98]


def test_descent_figures_follow_the_path():
    path = dv.gradient_descent(0.6, 0.2, 6, n=30, seed=0)
    fig = figs.descent_paths(path["theta_w"], path["theta_js"])
    assert np.allclose(_trace(fig, "descent on W").y, path["theta_w"])
    assert np.allclose(_trace(fig, "descent on JS").y, 0.6)
    anim = figs.descent_animation(path["theta_w"], path["theta_js"])
    assert len(anim.frames) == 7
    for k, frame in enumerate(anim.frames):
        assert frame.name == str(k)
        assert list(frame.data[1].x) == [path["theta_w"][k]] * 2
        assert list(frame.data[2].x) == [0.6, 0.6]
    assert len(anim.layout.sliders[0].steps) == 7
    assert anim.layout.updatemenus[0].buttons[0].label == "▶ Play"


def test_convergence_figure_reports_draws_means_and_truth():
    ns = np.array([10, 100])
    w = np.array([[0.6, 0.62], [0.51, 0.52]])
    js = np.array([[0.69, 0.69], [0.69, 0.69]])
    fig = figs.convergence(ns, w, js, 0.5, 0.6931, "nats")
    draws = _trace(fig, "W1 estimate (each draw)")
    assert list(draws.x) == [10, 10, 100, 100] and list(draws.y) == [0.6, 0.62, 0.51, 0.52]
    assert np.allclose(_trace(fig, "W1 mean of draws").y, [0.61, 0.515])
    assert list(_trace(fig, "W1 exact = 0.5000").y) == [0.5, 0.5]
    assert fig.layout.xaxis.type == "log"


def test_discriminator_and_critic_figure():
    pic = critic.wgan_picture(3.0, 0.0, 1.0, points=50)
    fig = figs.discriminator_and_critic(pic["x"], pic["p_real"], pic["p_fake"], pic["d_star"], pic["critic"])
    assert np.allclose(_trace(fig, "optimal discriminator D*(x)").y, pic["d_star"])
    assert np.allclose(_trace(fig, "WGAN critic f(x)").y, pic["critic"])
    assert max(_trace(fig, "real density (scaled)").y) == pytest.approx(1.0)


def test_gradient_vs_gap_draws_underflow_at_the_floor():
    fig = figs.gradient_vs_gap([1.0, 30.0], [0.2, 0.0], [1.0, 1.0], 1.0)
    disc = _trace(fig, "|dD*/dx| on fake samples")
    assert list(disc.y) == [0.2, 1e-18] and list(disc.customdata) == ["0.2", "0"]
    assert fig.layout.yaxis.type == "log"


def test_gaussian_figures():
    x = np.linspace(-1, 1, 5)
    fig = figs.gaussian_densities(x, np.ones(5), np.zeros(5))
    assert list(_trace(fig, "p = N(μ1, σ1²)").y) == [1.0] * 5
    mus = np.array([0.0, 1.0])
    fig = figs.gaussian_curves(mus, [0.0, 2.0], [0.0, 3.0], [0.0, 0.5], [0.0, 1.0], [0.0, 1.0], 1.0, "bits")
    assert list(_trace(fig, "KL(p‖q)").y) == [1e-6, 2.0]  # 0 drawn at the log-axis floor
    assert list(_trace(fig, "KL(p‖q)").customdata) == ["0", "2"]
    assert list(_trace(fig, "JS").y) == [0.0, 0.5]


def test_support_bars():
    _, p, q = dv.SUPPORT_PRESETS["nested"]
    fig = figs.support_bars(np.arange(8), p, q, title="nested")
    assert np.allclose(_trace(fig, "P").y, p) and np.allclose(_trace(fig, "Q").y, q)
    assert fig.layout.barmode == "group"


def test_gradient_vs_gap_draws_both_generator_losses():
    gaps = np.array([0.5, 2.0, 6.0, 10.0])
    res = [critic.discriminator_vs_critic(g, 0.0, 1.0) for g in gaps]
    sat = [r["gen_grad_saturating"] for r in res]
    non = [r["gen_grad_nonsaturating"] for r in res]
    fig = figs.gradient_vs_gap(gaps, [r["disc_grad"] for r in res], [1.0] * 4, 2.0,
                               gen_saturating=sat, gen_nonsaturating=non)
    s = _trace(fig, "generator, saturating log(1 − D*)")
    n = _trace(fig, "generator, non-saturating −log D*")
    np.testing.assert_allclose(s.y, sat, rtol=0)
    np.testing.assert_allclose(n.y, non, rtol=0)
    # the saturating one vanishes, the non-saturating one tends to |a| = gap/σ²
    assert s.y[-1] < 1e-4 * s.y[0] and n.y[-1] == pytest.approx(10.0, rel=1e-5)
    assert s.line.dash != n.line.dash and s.line.color != n.line.color
    # without them the figure is as before
    assert len(figs.gradient_vs_gap(gaps, sat, [1.0] * 4, 2.0).data) == 2


# ----------------------------------------------------------- optimal transport: plan and critic
def _transport_figure(dim, preset="example", shift=0.0):
    """The "Plan and critic" tab's main figure, built as the page builds it."""
    from gdm_app.sections.divergences.transport import faces

    r = faces(dim, preset, shift, 0)
    if dim == 1:
        return tfigs.transport_line(r["x"], r["a"], r["y"], r["b"], tuple(r["moves"]),
                                    *r["grid"], r["critic"], r["values"])
    return tfigs.transport_plane(r["x"], r["a"], r["y"], r["b"], tuple(r["moves"]), *r["grid"],
                                 r["critic"])


def _arrows(fig):
    return [a for a in fig.layout.annotations if a.showarrow]


@pytest.mark.parametrize("dim, preset, shift", [(1, "example", 0.0), (1, "random", -1.5),
                                                (2, "example", 0.0), (2, "random", 2.0)])
def test_one_arrow_per_move_as_wide_as_its_mass(dim, preset, shift):
    x, a, y, b = td.example(dim, preset, shift, 0)
    plan, _ = td.optimal_plan(x, a, y, b)
    fig = _transport_figure(dim, preset, shift)
    arrows = _arrows(fig)
    assert len(arrows) == np.count_nonzero(plan > td.MASS_TOL)
    pts_x, pts_y = np.reshape(x, (len(a), -1)), np.reshape(y, (len(b), -1))
    heaviest = plan.max()
    for arrow in arrows:
        i, j = (int(k) - 1 for k in arrow.name.removeprefix("move ").split("→"))
        assert plan[i, j] > td.MASS_TOL
        # from x_i to y_j (on a line: from p's row at height 1 to q's at 0)
        assert (arrow.ax, arrow.x) == (pts_x[i, 0], pts_y[j, 0])
        assert (arrow.ay, arrow.y) == ((1.0, 0.0) if dim == 1 else (pts_x[i, 1], pts_y[j, 1]))
        assert arrow.arrowwidth == pytest.approx(tfigs.arrow_width(plan[i, j], heaviest))
        assert arrow.arrowwidth * arrow.arrowsize == pytest.approx(tfigs.HEAD_PX, rel=0.5)
    widest = max(arrows, key=lambda arrow: arrow.arrowwidth)
    assert widest.arrowwidth == tfigs.MAX_WIDTH
    moves = _trace(fig, "moves (width ∝ mass)")
    assert len(moves.x) == len(arrows)  # a hover point at each arrow's middle


@pytest.mark.parametrize("dim", [1, 2])
def test_transport_figure_shows_the_piles_and_the_critic(dim):
    x, a, y, b = td.example(dim, "example", 0.0)
    values, _ = td.kantorovich_critic(x, a, y, b)
    fig = _transport_figure(dim)
    p, q = _trace(fig, "p: piles of earth"), _trace(fig, "q: holes to fill")
    assert len(p.x) == len(a) and len(q.x) == len(b)
    # area ∝ mass: the heavier pile is the larger marker
    assert np.argmax(p.marker.size) == np.argmax(a) and np.argmax(q.marker.size) == np.argmax(b)
    if dim == 1:
        curve = _trace(fig, "critic f, 1-Lipschitz")
        slopes = np.diff(curve.y) / np.diff(curve.x)
        assert np.abs(slopes).max() <= 1 + 1e-9  # the curve drawn is 1-Lipschitz
        np.testing.assert_allclose(_trace(fig, "f at p's points").y, values[:len(a)])
        np.testing.assert_allclose(_trace(fig, "f at q's points").y, values[len(a):])
        assert curve.xaxis == "x2" and p.xaxis in (None, "x")  # the critic under the piles
    else:
        (contour,) = [t for t in fig.data if t.type == "contour"]
        z = np.asarray(contour.z)
        step = contour.x[1] - contour.x[0]
        assert np.abs(np.diff(z, axis=1)).max() <= step * (1 + 1e-9)
        assert np.abs(np.diff(z, axis=0)).max() <= step * (1 + 1e-9)
        assert fig.layout.yaxis.scaleanchor == "x"  # equal axes: distances read true


def test_coupling_matrix_writes_each_moved_mass():
    x, a, y, b = td.example(1, "example", 0.0)
    plan, _ = td.optimal_plan(x, a, y, b)
    fig = tfigs.coupling_matrix(plan, a, b, title="π")
    (heat,) = fig.data
    np.testing.assert_array_equal(heat.z, plan)
    assert list(heat.y) == [f"x{i + 1}: {m:.2f}" for i, m in enumerate(a)]  # p's masses
    assert [c.split("<br>")[1] for c in heat.x] == [f"{m:.2f}" for m in b]  # q's masses
    cells = [t for row in heat.text for t in row if t]
    assert len(cells) == np.count_nonzero(plan > td.MASS_TOL)
    assert fig.layout.yaxis.autorange == "reversed"  # x1 on top, as a table reads
    assert fig.layout.xaxis.title.text == "to q (mass)"


# ---------------------------------------------------------------------------- readability (all)
def _every_figure():
    """One figure from every builder of the four topic modules I own, with small inputs."""
    from gdm_core import games, information as info
    from gdm_app.figures import games as gfigs, information as ifigs, vae as vfigs

    real, fake = dv.sample_shifted_lines(0.6, 6, 0)
    pic = critic.wgan_picture(3.0, 0.0, 1.0, points=40)
    paths = {m: games.run_dynamics(m, (1.0, 0.5), 0.2, 30) for m in games.METHODS}
    norms = {m: games.distances(p) for m, p in paths.items()}
    theory = {m: games.closed_form_norms(m, (1.0, 0.5), 0.2, 30) for m in games.METHODS}
    die = np.full(6, 1 / 6)
    imgs = np.random.default_rng(0).random((4, 28, 28))
    yield "lines_plane", figs.lines_plane(0.6, real, fake, transport_plan(real, fake))
    yield "lines_curves", figs.lines_curves(np.array([-0.5, 0, 0.5]), {"W1": [0.5, 0, 0.5]},
                                            0.2, {}, "bits", 1.25)
    yield "lines_gradients", figs.lines_gradients(np.array([-0.5, 0.5]), {"W1": [-1, 1]})
    yield "descent_paths", figs.descent_paths([1, 0.5], [1, 1])
    yield "descent_animation", figs.descent_animation([1, 0.5], [1, 1])
    yield "convergence", figs.convergence([10, 100], np.ones((2, 2)), np.ones((2, 2)) * 0.5,
                                          1.0, 0.6, "bits")
    yield "discriminator_and_critic", figs.discriminator_and_critic(
        pic["x"], pic["p_real"], pic["p_fake"], pic["d_star"], pic["critic"])
    yield "gradient_vs_gap", figs.gradient_vs_gap([1.0, 5.0], [0.2, 1e-5], [1, 1], 1.0,
                                                  gen_saturating=[0.4, 2e-5],
                                                  gen_nonsaturating=[1.2, 5.0])
    yield "gaussian_densities", figs.gaussian_densities([0, 1], [1, 1], [0, 0])
    yield "gaussian_curves", figs.gaussian_curves(np.array([0, 1.0]), [0, 2], [0, 3], [0, .5],
                                                  [0, 1], [0, 1], 1.0, "bits")
    yield "support_bars", figs.support_bars(np.arange(3), [.5, .5, 0], [0, .5, .5])
    for dim in (1, 2):
        yield f"transport_{dim}d", _transport_figure(dim)
    yield "coupling_matrix", tfigs.coupling_matrix(np.eye(2) / 2, [.5, .5], [.5, .5])
    yield "trajectories", gfigs.trajectories(paths)
    yield "contour_field", gfigs.contour_field()
    yield "saddle_surface", gfigs.saddle_surface(paths=paths)
    yield "distance_plot", gfigs.distance_plot(norms, theory, games.alternating_band((1, .5), .2))
    yield "surprise_bars", ifigs.surprise_bars(die, info.information_content(die, base=2), 2.585,
                                               "bits")
    yield "huffman_tree", ifigs.huffman_tree_figure(info.huffman_tree(die))
    yield "lln", ifigs.lln_figure(np.linspace(3, 2.6, 5000), 2.585, "bits")
    yield "bernoulli", ifigs.bernoulli_figure([0, .5, 1], [0, 1, 0], .3, .88, 1.0, "bits")
    yield "information_diagram", ifigs.information_diagram(
        info.joint_summary(np.full((2, 2), .25), base=2), "bits")
    yield "kl_bars", ifigs.kl_bars(1.0, 0.5, 1.0, math.inf, "bits")
    yield "dice_comparison", ifigs.dice_comparison(die, die)
    yield "latent_scatter", vfigs.latent_scatter(np.zeros((20, 2)), np.arange(20) % 10)
    yield "image_grid", vfigs.image_grid(imgs, 2, ["a"] * 4)
    yield "elbo_bars", vfigs.elbo_bars([("x", -100.0, 5.0)], "nats")
    yield "training_curve", vfigs.training_curve([{"epoch": 1, "test_neg_elbo": 100.0}], "nats")


def _effective(fig, *path):
    """A layout property as drawn: the figure's own value, else the template's."""
    for root in (fig.layout, fig.layout.template.layout):
        node = root
        for key in path:
            node = getattr(node, key, None) if node is not None else None
        if node is not None:
            return node
    return None


def test_the_template_is_projector_ready():
    # Regression: tick labels and legends rendered at ~12.7 px in light grey.
    t = go.Figure().layout.template.layout
    for axis in (t.xaxis, t.yaxis):
        assert axis.tickfont.size >= 16 and contrast_on_white(axis.tickfont.color) >= 7
        assert axis.title.font.size >= 16 and contrast_on_white(axis.title.font.color) >= 7
        # gridlines light but visible: lighter than text, darker than plotly_white's #EBF0F8
        assert 1.3 <= contrast_on_white(axis.gridcolor) < 3
    assert t.legend.font.size >= 16 and contrast_on_white(t.legend.font.color) >= 7
    assert t.title.font.size >= 18 and contrast_on_white(t.title.font.color) >= 7
    assert t.font.size >= 16 and contrast_on_white(t.font.color) >= 7
    assert t.annotationdefaults.font.size >= 16
    # the one 3-D figure styles its own axes (the template leaves scenes out)
    from gdm_app.figures import games
    scene = games.saddle_surface().layout.scene
    for axis in (scene.xaxis, scene.yaxis, scene.zaxis):
        assert axis.tickfont.size >= 16 and contrast_on_white(axis.tickfont.color) >= 7
        assert axis.title.font.size >= 16


@pytest.mark.parametrize("name,fig", list(_every_figure()), ids=[n for n, _ in _every_figure()])
def test_no_builder_draws_text_smaller_or_lighter_than_the_template(name, fig):
    axes = [k for k in fig.layout.to_plotly_json() if k.startswith(("xaxis", "yaxis"))]
    for ax in axes or ["xaxis"]:
        size = _effective(fig, ax, "tickfont", "size") or _effective(fig, "xaxis", "tickfont", "size")
        assert size >= 16, (name, ax, size)
        colour = _effective(fig, ax, "tickfont", "color") or _effective(fig, "xaxis", "tickfont", "color")
        assert contrast_on_white(colour) >= 7, (name, ax, colour)
        assert (_effective(fig, ax, "title", "font", "size")
                or _effective(fig, "xaxis", "title", "font", "size")) >= 16
    assert _effective(fig, "font", "size") >= 16
    assert contrast_on_white(_effective(fig, "font", "color")) >= 7
    assert _effective(fig, "legend", "font", "size") >= 16
    if fig.layout.title.text:
        assert _effective(fig, "title", "font", "size") >= 18
    for a in fig.layout.annotations:
        assert (a.font.size or 16) >= 16, (name, a.text)
    for trace in fig.data:
        tf = getattr(trace, "textfont", None)
        assert tf is None or tf.size is None or (
            np.min(tf.size) >= 16), (name, trace.name, tf.size)
    for s in fig.layout.sliders:
        assert (s.currentvalue.font.size or 16) >= 16


@pytest.mark.parametrize("name,fig", list(_every_figure()), ids=[n for n, _ in _every_figure()])
def test_log_axes_label_decades_or_full_numbers_only(name, fig):
    # Regression: minor log ticks printed as bare digits ("10 2 5 100 2 5": 0.2 read as "2").
    for key, ax in fig.layout.to_plotly_json().items():
        if not key.startswith(("xaxis", "yaxis")) or ax.get("type") != "log":
            continue
        if ax.get("tickmode") == "array":
            # explicit ticks written in full: each label is the number itself
            for v, text in zip(ax["tickvals"], ax["ticktext"]):
                assert float(text) == pytest.approx(v, rel=1e-9)
        else:
            assert isinstance(ax["dtick"], int) and ax["dtick"] >= 1 and ax["tick0"] == 0
            assert ax["exponentformat"] in ("power", "none")
            lo, hi = ax["range"]
            assert lo == int(lo) and hi == int(hi) and hi > lo  # whole decades
            assert (hi - lo) / ax["dtick"] <= 9  # a readable number of labels
            assert ax["minor"]["ticks"] == "outside"  # minor ticks drawn, never labelled


def test_log_axis_ranges_cover_the_data():
    from gdm_app.figures import log_axis

    for values in ([1e-47, 3.0], [0.9, 1.2], [1, 10_000], [0.05, 1.3], [1e-18, 250], [2.0]):
        ax = log_axis(values)
        lo, hi = ax["range"]
        assert lo <= math.log10(min(values)) and math.log10(max(values)) <= hi
        if ax.get("tickmode") == "array":
            assert len(ax["tickvals"]) >= 2
            assert ax["tickvals"][0] <= min(values) * 1.0001 and ax["tickvals"][-1] >= max(values) / 1.0001
    assert log_axis([0.9, 1.2])["ticktext"] == ["0.7", "1", "1.5"]
