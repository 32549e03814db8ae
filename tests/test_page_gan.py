"""The GAN training page in AppTest: presets, every control, the snapshot slider, hand
stepping, compare mode, a run that stopped early, and the formulas."""

from __future__ import annotations

import dataclasses
import json
import numpy as np
import pytest

from gdm_core import gan, gan_referee
from tests.conftest import (
    chart, no_exception, open_tab, plotly_array, standalone, trace, via_app,
)

PAGE = "gan.py"
KEY = "gan_tab"


def metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def xy(t: dict) -> np.ndarray:
    return np.c_[plotly_array(t["x"]), plotly_array(t["y"])]


def section_errors(at) -> list[str]:
    return [e.value for e in at.error if "could not be shown" in e.value]


@pytest.mark.parametrize("name", list(gan.PRESETS))
def test_each_preset_opens_its_shipped_run_instantly(name):
    at = standalone(PAGE)
    at.selectbox(key="gan_preset").set_value(name).run()
    no_exception(at)
    assert not at.info, "a shipped preset must not ask to train"
    run = gan.load_preset_run(name)
    m, shown = run.final_metrics(), metrics(at)
    w1 = gan_referee.w1_between_samples(run.final_fake, run.config.data)
    assert shown[f"W₁ (n = {gan_referee.N_REFEREE:,})"] == f"{w1:.3f}"
    assert shown["modes captured"] == f"{m['modes_captured']} of {m['n_modes']}"
    # the settings show the preset's configuration
    config = gan.PRESETS[name][1]
    assert at.slider(key="gan_ncritic").value == config.n_critic
    assert at.selectbox(key="gan_loss").value == config.loss
    # the last snapshot's generated points are the run's
    fake = xy(trace(chart(at, "gan_fig_frame"), "generated"))
    np.testing.assert_allclose(fake, run.fake[-1][: len(fake)], atol=1e-6)


def test_snapshot_slider_and_curves():
    at = via_app(PAGE)
    run = gan.load_preset_run("wgan-gp")
    at.slider(key="gan_frame").set_value(10).run()
    no_exception(at)
    fake = xy(trace(chart(at, "gan_fig_frame"), "generated"))
    np.testing.assert_allclose(fake, run.fake[10][: len(fake)], atol=1e-6)
    assert chart(at, "gan_fig_frame")["layout"]["title"]["text"] == f"generator step {run.steps[10]}"
    for which in ("modes", "losses"):
        at.radio(key="gan_curve").set_value(which).run()
        no_exception(at)
        assert len(chart(at, "gan_fig_curve")["data"]) >= 2  # two curves each
    at.radio(key="gan_curve").set_value("w1").run()
    w1 = xy(trace(chart(at, "gan_fig_curve"), gan.LOSS_LABELS["wgan-gp"]))
    np.testing.assert_allclose(w1[:, 1], run.history.w1, rtol=1e-9)
    at.radio(key="gan_curve").set_value("per-mode").run()
    bars = chart(at, "gan_fig_curve")["data"][0]
    np.testing.assert_array_equal(plotly_array(bars["y"]),
                                  gan.mode_counts(run.final_fake, "ring8"))
    at.toggle(key="gan_manifold").set_value(True).run()
    assert any(t.get("name") == "G(latent grid)" for t in chart(at, "gan_fig_frame")["data"])
    at.toggle(key="gan_play").set_value(True).run()  # Play advances one snapshot per tick
    no_exception(at)
    assert at.slider(key="gan_frame").value == 11
    at.select_slider(key="gan_speed").set_value(4).run()  # ×4: four snapshots per tick
    no_exception(at)
    assert at.slider(key="gan_frame").value == 15


def test_changing_the_objective_takes_the_papers_settings():
    at = standalone(PAGE)
    at.selectbox(key="gan_loss").set_value("wgan-clip").run()
    no_exception(at)
    d = gan.loss_defaults("wgan-clip")
    assert at.select_slider(key="gan_lr").value == d["lr"]
    assert at.slider(key="gan_ncritic").value == d["n_critic"]
    # the default settings under this objective are the Compare tab's shipped run: no training
    assert not at.info
    shipped = gan.load_preset_run("compare-wgan-clip")
    fake = xy(trace(chart(at, "gan_fig_frame"), "generated"))
    np.testing.assert_allclose(fake, shipped.fake[-1][: len(fake)], atol=1e-6)
    at.select_slider(key="gan_steps").set_value(500).run()
    assert at.info and "not been trained" in at.info[0].value  # a new configuration


def test_switching_to_the_least_squares_gan_opens_its_shipped_run():
    at = standalone(PAGE)
    at.selectbox(key="gan_loss").set_value("lsgan").run()
    no_exception(at)
    d = gan.loss_defaults("lsgan")
    assert at.select_slider(key="gan_lr").value == d["lr"]
    assert at.slider(key="gan_ncritic").value == d["n_critic"]
    assert not at.info  # the default settings under LSGAN are the Compare tab's shipped run
    shipped = gan.load_preset_run("compare-lsgan")
    assert shipped.config.loss == "lsgan"
    fake = xy(trace(chart(at, "gan_fig_frame"), "generated"))
    np.testing.assert_allclose(fake, shipped.fake[-1][: len(fake)], atol=1e-6)
    # the background is the LSGAN's linear D on the 0 (fake) … 1 (real) scale, not a sigmoid
    heat = trace(chart(at, "gan_fig_frame"), "D(x)")
    np.testing.assert_allclose(plotly_array(heat["z"]), shipped.field[-1], atol=1e-6)
    assert (heat["zmin"], heat["zmax"]) == (0.0, 1.0)
    m, shown = shipped.final_metrics(), metrics(at)
    assert shown["modes captured"] == f"{m['modes_captured']} of {m['n_modes']}"
    assert shown["high quality"] == f"{100 * m['high_quality']:.0f} %"
    w1 = gan_referee.w1_between_samples(shipped.final_fake, "ring8")
    assert shown[f"W₁ (n = {gan_referee.N_REFEREE:,})"] == f"{w1:.3f}"


def test_a_new_configuration_trains_on_demand_and_is_cached():
    at = standalone(PAGE)
    at.select_slider(key="gan_steps").set_value(500).run()
    at.button(key="gan_train").click().run()
    no_exception(at)
    config = dataclasses.replace(gan.PRESETS["wgan-gp"][1], steps=500)
    run = gan.train_gan(config)  # deterministic: the page must show this very run
    w1 = gan_referee.w1_between_samples(run.final_fake, run.config.data)
    assert metrics(at)[f"W₁ (n = {gan_referee.N_REFEREE:,})"] == f"{w1:.3f}"
    at.slider(key="gan_frame").set_value(0).run()  # cached: no second Train click needed
    assert not at.info


def test_step_by_hand():
    at = open_tab(standalone(PAGE), KEY, "Step by hand")
    assert at.button(key="gan_hand_d").disabled and at.button(key="gan_hand_g").disabled
    at.button(key="gan_hand_start").click().run()
    assert metrics(at)["G steps / D steps"] == "0 / 0"
    at.number_input(key="gan_hand_k").set_value(7).run()
    at.button(key="gan_hand_d").click().run()
    assert metrics(at)["G steps / D steps"] == "0 / 7"
    at.button(key="gan_hand_g").click().run()
    no_exception(at)
    assert metrics(at)["G steps / D steps"] == "20 / 7"  # 20 G steps per press by default
    table = next(m.value for m in at.markdown if m.value.startswith("| action"))
    assert "| train D | 0 / 7 |" in table and "| train G | 20 / 7 |" in table
    # the move is drawn (a segment per fake) and said, and big enough to see on the plot
    fig = json.loads(at.get("plotly_chart")[0].proto.spec)
    moved = next(t for t in fig["data"] if t.get("name") == "moved by the last G steps")
    assert len(moved["x"]) % 3 == 0 and len(moved["x"]) >= 3 * 100
    said = next(c.value for c in at.caption if c.value.startswith("The last G steps moved"))
    mean = float(said.split("by ")[1].split(" on average")[0])
    assert mean > 0.03, said  # ≥ 0.5 % of the 6-unit plot: a few px at 500 px
    at.number_input(key="gan_hand_gk").set_value(1).run()
    at.button(key="gan_hand_g").click().run()
    assert metrics(at)["G steps / D steps"] == "21 / 7"


def test_step_by_hand_shows_the_picture_before_start():
    at = open_tab(standalone(PAGE), KEY, "Step by hand")
    fig = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert fig["layout"]["title"]["text"].startswith("Before training")
    assert {"generated", "real"} <= {t.get("name") for t in fig["data"]}


def test_a_step_that_blows_up_says_so(monkeypatch):
    at = open_tab(standalone(PAGE), KEY, "Step by hand")
    at.button(key="gan_hand_start").click().run()

    def explode(self, k=1):
        raise ValueError("the losses became NaN; start again with a smaller learning rate")
    monkeypatch.setattr(gan.GANSession, "train_g", explode)
    at.button(key="gan_hand_g").click().run()
    no_exception(at)
    assert any("became NaN" in e.value for e in at.error)
    assert not section_errors(at)


def test_a_run_that_stopped_early_is_shown_with_its_reason(monkeypatch):
    from gdm_app import sections

    run = gan.load_preset_run("wgan-gp")
    stopped = dataclasses.replace(run, stopped_reason="the losses became NaN at step 812")
    monkeypatch.setattr(sections.gan, "shipped_run", lambda config: stopped)
    at = standalone(PAGE)
    no_exception(at)
    assert any("stopped early: the losses became NaN at step 812" in w.value for w in at.warning)


def test_compare_two_objectives_one_slider():
    at = open_tab(standalone(PAGE), KEY, "Compare")
    at.select_slider(key="gan_steps").set_value(500).run()
    for loss in ("nonsaturating", "wgan-gp"):  # each new configuration trains once
        train = [b for b in at.button if b.key == f"gan_compare_train_{loss}"]
        if train:
            train[0].click().run()
    no_exception(at)
    assert not at.info
    at.slider(key="gan_compare_frame").set_value(5).run()
    base = dataclasses.replace(gan.PRESETS["wgan-gp"][1], steps=500)
    for j, config in enumerate(gan.compare_configs(base, ["nonsaturating", "wgan-gp"])):
        run = gan.train_gan(config)
        fake = xy(trace(chart(at, f"gan_fig_compare_{j}"), "generated"))
        np.testing.assert_allclose(fake, run.fake[5][: len(fake)], atol=1e-6)
    at.multiselect(key="gan_compare").set_value(["wgan-gp"]).run()
    assert any("at least two" in i.value for i in at.info)


def test_compare_opens_full_on_shipped_runs():
    # the default view (WGAN-GP beside the non-saturating GAN) and the other four objectives
    # on the default settings are shipped: nothing asks to train, and the frames are the
    # shipped runs
    at = open_tab(standalone(PAGE), KEY, "Compare")
    no_exception(at)
    assert not at.info and not [b for b in at.button if b.key.startswith("gan_compare_train")]
    runs = [gan.load_preset_run("compare-nonsaturating"), gan.load_preset_run("wgan-gp")]
    for j, run in enumerate(runs):
        fake = xy(trace(chart(at, f"gan_fig_compare_{j}"), "generated"))
        np.testing.assert_allclose(fake, run.fake[-1][: len(fake)], atol=1e-6)
    at.multiselect(key="gan_compare").set_value(list(gan.LOSSES)).run()
    no_exception(at)
    assert not at.info and not [b for b in at.button if b.key.startswith("gan_compare_train")]
    assert len([c for c in at.get("plotly_chart") if "gan_fig_compare_" in c.proto.id]) == 5
    names = {c.loss: n for n, c in gan.COMPARE_RUNS.items()} | {"wgan-gp": "wgan-gp"}
    captions = [c.value for c in at.caption if c.value.startswith("**")]
    for j, loss in enumerate(gan.LOSSES):  # each frame and caption is its shipped run's
        run = gan.load_preset_run(names[loss])
        fake = xy(trace(chart(at, f"gan_fig_compare_{j}"), "generated"))
        np.testing.assert_allclose(fake, run.fake[-1][: len(fake)], atol=1e-6)
        m = run.final_metrics()
        w1 = gan_referee.w1_between_samples(run.final_fake, "ring8")
        caption = next(c for c in captions if c.startswith(f"**{gan.LOSS_LABELS[loss]}**"))
        assert f"W₁ (n = 2,000) {w1:.3f}" in caption, caption
        counts = gan.mode_counts(run.final_fake, "ring8")
        assert f"modes captured {m['modes_captured']} of 8, " \
               f"{100 * m['high_quality']:.0f} % of the fakes high quality, the fullest mode " \
               f"holds {100 * counts.max() / counts.sum():.0f} % of those (an even share: 12.5 %)" \
               in caption, caption
    w1_curves = {t["name"] for t in chart(at, "gan_fig_cmp_w1")["data"]}
    assert {gan.LOSS_LABELS[loss] for loss in gan.LOSSES} <= w1_curves


def test_clipping_vs_penalty_and_the_maths():
    at = open_tab(standalone(PAGE), KEY, "Clipping vs penalty")
    no_exception(at)
    clip = gan.load_preset_run("clipping")
    hist = chart(at, "gan_fig_weights")
    assert len(hist["data"]) >= 2
    assert np.max(np.abs(clip.critic_weights)) <= clip.config.clip + 1e-6  # clipped
    at = open_tab(at, KEY, "The maths")
    assert any("sup_{\\|f\\|_L \\le 1}" in x.value for x in at.latex)
    assert any("D^*(x)" in x.value for x in at.latex)
    # the least-squares GAN: its two losses, its D* and the Pearson χ² its generator minimises
    assert any("L_G &= \\tfrac12" in x.value and "- a\\big)^2" in x.value for x in at.latex)
    assert any("D^*(x) = \\frac{b\\,p_r(x) + a\\,p_g(x)}" in x.value for x in at.latex)
    assert any("\\chi^2_{\\rm Pearson}" in x.value for x in at.latex)
    assert any("Least-squares GAN" in m.value and "a = 0, b = c = 1" in m.value for m in at.markdown)
    assert any("b − c = 1 and b − a = 2" in m.value for m in at.markdown)


def test_the_maths_opens_on_its_picture_and_its_sentence_holds():
    # "D* is flat near 0 on the fakes, the critic rises with slope 1 all the way": computed
    at = open_tab(standalone(PAGE), KEY, "The maths")
    no_exception(at)
    fig = chart(at, "gan_fig_maths")
    assert fig["layout"]["title"]["text"].startswith("D* and the critic")
    from gdm_app.sections.gan.maths import EXAMPLE
    from gdm_core import critic
    pic = critic.wgan_picture(**EXAMPLE)
    x, d, f = pic["x"], pic["d_star"], pic["critic"]
    fakes = np.abs(x - EXAMPLE["mu_fake"]) <= 2 * EXAMPLE["sigma"]  # 95 % of the fakes
    assert d[fakes].max() < 0.003
    slope = np.diff(f) / np.diff(x)
    np.testing.assert_allclose(slope, 1.0, atol=1e-3)
    assert any("slope 1 all the way" in m.value for m in at.markdown)
