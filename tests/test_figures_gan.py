"""GAN figures: what each builder draws, that frames stay light, projector-readable styling."""

from __future__ import annotations

import time

import numpy as np
import plotly.graph_objects as go
import pytest

from gdm_core import gan
from gdm_app.figures import COLORS
from gdm_app.figures import gan as figs


@pytest.fixture(scope="module")
def run():
    return gan.train_gan(gan.GANConfig(steps=8, snapshots=3, batch=32, hidden=16, layers=2))


def _by_name(fig: go.Figure) -> dict:
    return {t.name: t for t in fig.data}


def test_frame_figure_draws_field_points_arrows_and_modes(run):
    fig = figs.frame_figure_from_run(run, 1, show_manifold=True)
    traces = _by_name(fig)
    assert {"f(x)", "G(latent grid)", "real", "generated", "push on G (−∇ loss)", "modes"} <= set(traces)
    heat = traces["f(x)"]
    assert np.asarray(heat.z).shape == (gan.GRID, gan.GRID) and gan.GRID <= 60
    assert traces["real"].marker.color == COLORS["black"]
    assert traces["generated"].marker.color == COLORS["red"]
    assert traces["generated"].marker.size > traces["real"].marker.size
    assert len(traces["generated"].x) <= figs.MAX_POINTS
    # one arrow = shaft, gap, two head strokes, gap: 7 entries per fake in one trace
    assert len(traces["push on G (−∇ loss)"].x) == 7 * len(run.fake[1])
    assert fig.layout.yaxis.scaleanchor == "x" and fig.layout.yaxis.scaleratio == 1
    assert fig.layout.title.text == f"generator step {run.steps[1]}"


def test_frame_figure_probability_field_is_0_to_1():
    g = np.linspace(-3, 3, 10)
    fig = figs.frame_figure(np.zeros((3, 2)), np.ones((3, 2)), grid=g,
                            field=np.full((10, 10), 0.3), field_kind="probability")
    heat = _by_name(fig)["D(x)"]
    assert (heat.zmin, heat.zmax) == (0.0, 1.0)


def test_big_inputs_are_thinned_to_a_light_figure():
    rng = np.random.default_rng(0)
    fake = rng.normal(size=(5000, 2))
    g = np.linspace(-3, 3, 200)
    fig = figs.frame_figure(rng.normal(size=(5000, 2)), fake, grad=fake, grid=g,
                            field=np.zeros((200, 200)))
    t = _by_name(fig)
    assert len(t["generated"].x) <= figs.MAX_POINTS and len(t["real"].x) <= figs.MAX_POINTS
    assert max(np.asarray(t["f(x)"].z).shape) <= figs.MAX_GRID


def test_arrows_keep_one_scale_and_are_capped():
    p = np.zeros((3, 2))
    v = np.array([[1.0, 0.0], [1e-3, 0.0], [100.0, 0.0]])
    xs, ys = figs.arrow_segments(p, v, scale=0.5, max_len=0.6)
    tips = np.asarray(xs, dtype=float).reshape(3, 7)[:, 1]
    np.testing.assert_allclose(tips, [0.5, 5e-4, 0.6])  # not normalised: small stays small
    assert figs.arrow_segments(np.zeros((0, 2)), np.zeros((0, 2))) == ([], [])


def test_curves_over_training(run):
    h = run.history
    loss = figs.losses_figure(h.step, h.d_loss, h.g_loss, run.config.loss)
    assert [t.name for t in loss.data] == ["critic loss", "G loss"]
    w1 = figs.w1_figure({"WGAN-GP": (h.step, h.w1, "wgan-gp")}, floor=(0.2, 0.05), n=300)
    assert w1.data[0].line.color == figs.LOSS_COLORS["wgan-gp"]
    assert w1.layout.title.text == "W₁ between samples (n = 300)"
    band = next(s for s in w1.layout.shapes if s.type == "rect")
    assert (band.y0, band.y1) == pytest.approx((0.15, 0.25))  # the floor's mean ± sd
    assert any(s.type == "line" and s.y0 == 0.2 for s in w1.layout.shapes)
    cov = figs.coverage_figure(h.step, h.modes, h.near, n_modes=8, n=2000)
    assert len(cov.data) == 2 and max(cov.data[1].y) <= 100
    assert cov.data[0].name == "modes captured" and "(of 2,000)" in cov.data[1].name
    bars = figs.mode_counts_figure([5, 0, 3], n=8)
    assert list(bars.data[0].y) == [5, 0, 3] and bars.data[0].marker.color[1] == "#bbb"
    assert any(s.y0 == pytest.approx(8 / 3) for s in bars.layout.shapes)


def test_weight_histogram_and_lines(run):
    fig = figs.weight_histogram_figure({"clipping": run.critic_weights}, clip=0.01)
    assert len(fig.data) == 1 and sum(fig.data[0].y) == pytest.approx(100)
    assert len(fig.layout.shapes) == 2  # the two ±c lines
    lines = figs.grad_norm_lines_figure(run.line_t, {"wgan-gp": run.line_grad_norm})
    assert lines.data[-1].name == "wgan-gp" and len(lines.data[-1].y) == len(run.line_t)


def test_manifold_figure(run):
    fig = figs.manifold_figure(run.manifold[-1], run.real)
    assert "G(latent grid)" in _by_name(fig)


def test_projector_styling(run):
    fig = figs.losses_figure(run.history.step, run.history.d_loss, run.history.g_loss,
                             title="Losses")
    assert fig.layout.xaxis.tickfont.size >= 16 and fig.layout.xaxis.tickfont.color == "#111"
    assert fig.layout.title.font.size >= 18


def test_frame_figure_builds_fast(run):
    figs.frame_figure_from_run(run, 0)  # warm up Plotly's validators
    # CPU time of this process: wall time on a shared, busy machine measures the neighbours
    times = []
    for i in range(5):
        t = time.process_time()
        figs.frame_figure_from_run(run, i % run.n_frames, show_manifold=True).to_dict()
        times.append(time.process_time() - t)
    assert min(times) < 0.3
