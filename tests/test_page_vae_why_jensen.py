"""Why a VAE → Jensen and the ELBO, in AppTest: the Jensen chart's numbers, KL ≥ 0 on the
discrete example, and the three derivations stepped line by line on the shipped model — every
number shown checked against ``gdm_core`` (digits switched, bits and nats). NumPy only."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
from scipy.special import rel_entr

from gdm_core import elbo_derivations as ed
from gdm_core import jensen, paths, vae
from gdm_core.numpy_nets import load_net
from tests.conftest import chart, from_url, metric_values, no_exception, open_tab, standalone
from tests.conftest import plotly_array as _arr
from tests.conftest import trace as _trace

PAGE = "vae-why.py"
KEY = "why_tab"
TAB = "Jensen and the ELBO"
LINE = re.compile(r"^(▶ )?\*\*\((\d+)\)  (\S+) (bits|nats)\*\* · ")


@pytest.fixture(scope="module")
def core():
    """The derivations of a digit, computed by gdm_core directly (cached per digit)."""
    from gdm_core.data import load_mnist

    model, _ = load_net(paths.SHIPPED_CHECKPOINT, "vae")
    images, _ = load_mnist(paths.MNIST_SAMPLE, "test")
    cache = {}

    def get(digit: int):
        if digit not in cache:
            x = vae.model_input(images[digit:digit + 1], np.array([digit]))[0]
            cache[digit] = ed.elbo_derivations(model, x)
        return cache[digit]
    return get


def _units(value_nats: float, unit: str) -> float:
    return value_nats / math.log(2) if unit == "bits" else value_nats


def _num(text: str) -> float:
    return float(text.replace("−", "-").split()[0])


def _lines(at) -> list[tuple[bool, int, float, str]]:
    """The derivation's lines shown: (is the current step, number, value, unit)."""
    out = []
    for m in at.markdown:
        hit = LINE.match(m.value)
        if hit:
            out.append((bool(hit[1]), int(hit[2]), float(hit[3]), hit[4]))
    return out


def _latex(at) -> list[str]:
    return [e.value.strip("$\n") for e in at.get("latex")]


def _check_lines(at, derivation, unit: str, step: int) -> None:
    shown = _lines(at)
    assert [n for _, n, _, _ in shown] == list(range(1, step + 1))
    assert [cur for cur, *_ in shown] == [False] * (step - 1) + [True]
    for (_, _, value, u), line in zip(shown, derivation.lines):
        assert u == unit
        assert value == pytest.approx(_units(line.value, unit), abs=6e-4)  # 3 decimals shown
    latex = _latex(at)
    assert latex[-step:] == [line.latex for line in derivation.lines[:step]]
    # the chart of the lines' values: the first `step`, in the unit
    fig = chart(at, "why_fig_derivation")
    y = _arr(_trace(fig, "line's value")["y"])
    assert np.allclose(y, [_units(line.value, unit) for line in derivation.lines[:step]])


@pytest.fixture(scope="module")
def page():
    return standalone(PAGE, why_tab=TAB)


def test_defaults_show_jensen_and_derivation_one_for_digit_3_in_bits(page, core):
    at = page
    no_exception(at)
    assert at.session_state[KEY] == TAB
    assert at.markdown[0].value.startswith("**The log is concave")
    # Jensen, two points: x1 = 0.5, x2 = 4, t = 0.5
    j = jensen.chord(0.5, 4.0, 0.5)
    m = metric_values(at)
    assert _num(m["log of the mean (bits)"]) == pytest.approx(_units(j["log_of_mean"], "bits"),
                                                              abs=6e-4)
    assert _num(m["mean of the logs (bits)"]) == pytest.approx(_units(j["mean_of_logs"], "bits"),
                                                               abs=6e-4)
    fig = chart(at, "why_fig_jensen")
    gap = _trace(fig, f"gap = {_units(j['gap'], 'bits'):.3f} bits")
    assert np.allclose(_arr(gap["x"]), [2.25, 2.25])
    assert np.allclose(_arr(gap["y"]), [_units(j["mean_of_logs"], "bits"),
                                        _units(j["log_of_mean"], "bits")])
    # The derivations: digit 3, derivation I, every line
    assert at.number_input(key="vae_digit").value == 3
    assert at.radio(key="why_elbo_derivation").value == "I"
    t, derivs = core(3)
    _check_lines(at, derivs[0], "bits", 5)
    assert _num(m["log p(x), quadrature (bits)"]) == pytest.approx(_units(t.log_px, "bits"),
                                                                    abs=6e-4)
    assert _num(m["ELBO (bits)"]) == pytest.approx(_units(t.elbo, "bits"), abs=6e-4)


def test_step_through_each_derivation(page, core):
    at = page
    _, derivs = core(3)
    for d in derivs:
        at.radio(key="why_elbo_derivation").set_value(d.key).run()
        no_exception(at)
        n = len(d.lines)
        assert at.slider(key=f"why_elbo_step_{d.key}").value == n
        for step in range(1, n + 1):
            at.slider(key=f"why_elbo_step_{d.key}").set_value(step).run()
            no_exception(at)
            _check_lines(at, d, "bits", step)
        # every derivation's last line is the same ELBO
        assert _lines(at)[-1][2] == pytest.approx(_units(derivs[0].final, "bits"), abs=6e-4)


def test_another_digit_in_nats(core):
    at = standalone(PAGE, why_tab=TAB, units="nats")
    at.number_input(key="vae_digit").set_value(5).run()
    at.radio(key="why_elbo_derivation").set_value("III").run()
    no_exception(at)
    t, derivs = core(5)
    _check_lines(at, derivs[2], "nats", len(derivs[2].lines))
    m = metric_values(at)
    assert _num(m["log p(x), quadrature (nats)"]) == pytest.approx(t.log_px, abs=6e-4)
    assert _num(m["ELBO (nats)"]) == pytest.approx(t.elbo, abs=6e-4)
    title = next(v.value for v in at.markdown if v.value.startswith("**III."))
    assert "digit #5" in title and "in nats" in title


def test_kl_view_against_scipy():
    at = standalone(PAGE, why_tab=TAB, units="nats")
    at.radio(key="why_jensen_view").set_value("kl").run()
    for s in (0.0, 0.6, 1.0):
        at.slider(key="why_jensen_s").set_value(s).run()
        no_exception(at)
        q = jensen.example_q(s)
        kl = float(rel_entr(q, jensen.P_EXAMPLE).sum())
        assert _num(metric_values(at)["KL(q ‖ p) (nats)"]) == pytest.approx(kl, abs=6e-4)
        fig = chart(at, "why_fig_jensen")
        points = _trace(fig, "points (size: weight)")
        assert np.allclose(_arr(points["x"]), np.asarray(jensen.P_EXAMPLE) / q)
        assert np.allclose(_arr(_trace(fig, "mean of the logs")["y"]), [-kl])
        assert np.allclose(_arr(_trace(fig, "log of the mean")["y"]), [0.0], atol=1e-12)


def test_the_digit_is_the_one_chosen_on_the_gap_tab():
    at = standalone(PAGE, why_tab="ELBO gap")
    at.number_input(key="vae_digit").set_value(11).run()
    open_tab(at, KEY, TAB)
    no_exception(at)
    assert at.number_input(key="vae_digit").value == 11
    assert any("digit #11" in m.value for m in at.markdown)


def test_url_restores_derivation_and_step():
    from gdm_app.sections.vae.jensen import DERIVATIONS

    # a radio's URL value is its label (``format_func``), a slider's its number
    at = from_url(PAGE, {KEY: TAB, "why_elbo_derivation": DERIVATIONS["II"],
                         "why_elbo_step_II": "3", "why_jensen_x1": "1.5"})
    no_exception(at)
    assert at.radio(key="why_elbo_derivation").value == "II"
    assert [n for _, n, _, _ in _lines(at)] == [1, 2, 3]
    assert at.slider(key="why_jensen_x1").value == 1.5
