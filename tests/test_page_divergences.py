"""The Divergences page in AppTest: every control changed, what it shows asserted."""

from __future__ import annotations

import json
import math

import pytest
from streamlit.testing.v1 import AppTest

from gdm_core import divergences as dv
from tests.conftest import ROOT, TIMEOUT, no_exception, run_page, standalone  # noqa: F401 (run_page: fixture)

PAGE = "divergences.py"


def metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def chart(at, key: str) -> dict:
    for el in at.get("plotly_chart"):
        if el.proto.id.endswith(key) or key in el.proto.id:
            return json.loads(el.proto.spec)
    raise AssertionError(f"no chart {key}")


def test_defaults_show_the_lines_values(run_page):
    at = run_page(PAGE)
    no_exception(at)
    assert at.title[0].value == "Divergences"
    m = metrics(at)
    assert m["KL(Pθ‖P0), bits"] == "∞" and m["KL(P0‖Pθ), bits"] == "∞"
    assert m["JS(P0, Pθ), bits"] == "1.0000"  # log 2 nats = 1 bit
    assert m["TV(P0, Pθ)"] == "1.0000" and m["W(P0, Pθ)"] == "0.5000"
    assert m["dW/dθ at this θ"] == "1" and m["dKL/dθ at this θ"] == "none"
    assert m["dJS/dθ at this θ (bits)"] == "0.0000"
    assert m["θ after descent on JS"] == "0.8000"
    assert abs(float(m["θ after descent on W"])) <= 0.1
    assert m["KL(P‖Q)"] == "∞ bits" and m["KL(Q‖P)"] == "∞ bits"  # default preset: disjoint
    assert not at.error and not at.warning
    assert len(at.get("plotly_chart")) == 12
    assert "nan" not in " ".join(m.values()).lower()


def test_theta_slider_moves_every_value():
    at = standalone(PAGE)
    at.slider(key="div_theta").set_value(0.0).run()
    no_exception(at)
    m = metrics(at)
    assert m["KL(Pθ‖P0), bits"] == "0.0000" and m["JS(P0, Pθ), bits"] == "0.0000"
    assert m["W(P0, Pθ)"] == "0.0000"
    assert m["dW/dθ at this θ"] == "undefined" and m["dJS/dθ at this θ (bits)"] == "undefined"
    assert m["JS exact, bits"] == "0.0000"
    assert any("the two distributions are the same" in c.value for c in at.caption)
    at.slider(key="div_theta").set_value(-0.3).run()
    m = metrics(at)
    assert m["W(P0, Pθ)"] == "0.3000" and m["dW/dθ at this θ"] == "-1" and m["KL(P0‖Pθ), bits"] == "∞"
    assert float(m["W from samples"]) >= 0.3  # every pair is at least |θ| apart
    curves = chart(at, "div_fig_curves")
    assert curves["layout"]["shapes"][0]["x0"] == -0.3


def test_nats_are_used_when_chosen(run_page):
    at = run_page(PAGE, units="nats")
    no_exception(at)
    m = metrics(at)
    assert m["JS(P0, Pθ), nats"] == f"{math.log(2):.4f}"
    assert m["KL(p‖q), nats"] == f"{dv.gaussian_kl(0, 1, 1, 1):.4f}"
    assert m["KL(P‖Q)"] == "∞ nats"


def test_descent_controls():
    at = standalone(PAGE)
    at.slider(key="div_theta0").set_value(-0.6).run()
    at.select_slider(key="div_lr").set_value(0.05).run()
    at.slider(key="div_steps").set_value(30).run()
    no_exception(at)
    m = metrics(at)
    assert m["θ after descent on JS"] == "-0.6000"
    path = dv.gradient_descent(-0.6, 0.05, 30, n=100, seed=0)
    assert m["θ after descent on W"] == f"{path['theta_w'][-1]:.4f}"
    anim = chart(at, "div_fig_anim")
    assert len(anim["frames"]) == 31


def test_sample_size_slider():
    at = standalone(PAGE)
    at.slider(key="div_n").set_value(300).run()
    no_exception(at)
    m = metrics(at)
    real, fake = dv.sample_shifted_lines(0.5, 300, __import__("numpy").random.default_rng(0))
    assert m["W from samples"] == f"{dv.wasserstein_samples(real, fake):.4f}"
    assert m["JS from samples, bits"] == "1.0000"
    samples = chart(at, "div_fig_samples")
    assert not any(t.get("name") == "transport plan" for t in samples["data"])  # plan only for n ≤ 60
    at.slider(key="div_n").set_value(10).run()
    samples = chart(at, "div_fig_samples")
    assert any(t.get("name") == "transport plan" for t in samples["data"])


def test_discriminator_section_controls():
    at = standalone(PAGE)
    at.slider(key="div_gap").set_value(0.0).run()
    no_exception(at)
    m = metrics(at)
    assert m["mean |dD*/dx| on fake samples"] == "0" and m["mean |df/dx| of the critic"] == "0"
    assert m["mean D* on fake samples"] == "0.5"
    at.slider(key="div_gap").set_value(8.0).run()
    m = metrics(at)
    assert float(m["mean |dD*/dx| on fake samples"]) < 1e-3 and m["mean |df/dx| of the critic"] == "1"
    at.slider(key="div_sigma4").set_value(2.0).run()
    ref = dv.discriminator_vs_critic(8.0, 0.0, 2.0)["disc_grad"]
    assert metrics(at)["mean |dD*/dx| on fake samples"] == f"{ref:.3g}"


def test_gaussian_section_controls():
    at = standalone(PAGE)
    at.slider(key="div_mu2").set_value(2.0).run()
    at.select_slider(key="div_sigma1").set_value(0.5).run()
    no_exception(at)
    m = metrics(at)
    bits = math.log(2)
    assert m["KL(p‖q), bits"] == f"{dv.gaussian_kl(0, 0.5, 2, 0.5) / bits:.4f}"
    assert m["W2"] == "2.0000" and m["W1"] == "2.0000"
    at.checkbox(key="div_same_sigma").uncheck().run()
    at.select_slider(key="div_sigma2").set_value(2.0).run()
    m = metrics(at)
    assert m["KL(q‖p), bits"] == f"{dv.gaussian_kl(2, 2, 0, 0.5) / bits:.4f}"
    assert m["JS(p, q), bits"] == f"{dv.gaussian_js(0, 0.5, 2, 2) / bits:.4f}"
    assert m["W2"] == f"{dv.gaussian_w2(0, 0.5, 2, 2):.4f}"
    assert m["W1"] == f"{dv.gaussian_w1(0, 0.5, 2, 2):.4f}"
    # σ → 0: the spikes behave like the parallel lines
    at.checkbox(key="div_same_sigma").check().run()
    at.select_slider(key="div_sigma1").set_value(0.01).run()
    m = metrics(at)
    assert m["JS(p, q), bits"] == "1.0000" and m["W1"] == "2.0000"


def test_preset_radio_shows_finite_kl_only_when_nested():
    at = standalone(PAGE)
    at.radio(key="div_preset").set_value("overlapping").run()
    m = metrics(at)
    assert m["KL(P‖Q)"] == "∞ bits" and m["KL(Q‖P)"] == "∞ bits"
    at.radio(key="div_preset").set_value("nested").run()
    no_exception(at)
    m = metrics(at)
    assert m["KL(P‖Q)"] == f"{math.log2(8 / 3):.4f} bits" and m["KL(Q‖P)"] == "∞ bits"
    captions = " ".join(c.value for c in at.caption)
    assert "supp P ⊆ supp Q: finite" in captions and "Q puts mass on {0, 1, 5, 6, 7}" in captions
    table = [m.value for m in at.markdown if m.value.startswith("| preset")][0]
    assert "| Disjoint supports | ∞ | ∞ |" in table and "| Overlapping, neither inside the other | ∞ | ∞ |" in table
    assert f"| P's support inside Q's | {math.log2(8 / 3):.4f} | ∞ |" in table


@pytest.mark.parametrize("preset, kl", [("nested", f"{math.log2(8 / 3):.4f} bits"), ("overlapping", "∞ bits"),
                                        ("nonsense", "∞ bits")])
def test_preset_query_parameter(preset, kl):
    at = AppTest.from_file(str(ROOT / "pages" / PAGE), default_timeout=TIMEOUT)
    at.query_params["preset"] = preset
    at.run()
    no_exception(at)
    assert at.radio(key="div_preset").value == (preset if preset in dv.SUPPORT_PRESETS else "disjoint")
    assert metrics(at)["KL(P‖Q)"] == kl
    # the link sets the start only: the student's later choice wins
    at.radio(key="div_preset").set_value("disjoint").run()
    assert at.radio(key="div_preset").value == "disjoint"


def test_preset_query_parameter_through_the_app():
    from tests.conftest import APP

    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params["preset"] = "nested"
    at.run()
    at.switch_page("pages/divergences.py").run()
    no_exception(at)
    assert at.radio(key="div_preset").value == "nested"


@pytest.mark.parametrize("state", [
    {"div_theta": math.nan}, {"div_theta": 7.0}, {"div_theta": "x"}, {"div_lr": 0.3}, {"div_n": -5},
    {"div_sigma1": 0.0}, {"div_gap": math.inf}, {"div_preset": "evil"}, {"div_steps": 10**9},
    {"div_same_sigma": "yes"}, {"div_sigma2": -1.0},
])
def test_hostile_session_state_shows_a_warning_not_a_traceback(state):
    at = standalone(PAGE, **state)
    no_exception(at)
    assert at.warning and "reset" in at.warning[0].value
    assert metrics(at)["W(P0, Pθ)"] in {"0.5000"}
