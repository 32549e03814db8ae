"""The Information page in AppTest: every control, the numbers shown, errors instead of
tracebacks, presets and the ?preset= link; run through app.py and on its own."""

from __future__ import annotations

import math

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import (
    APP, ROOT, chart, no_exception, open_tab, plotly_array, reset_warnings, standalone,
    tab_labels, via_app,
)

PAGE = "information.py"
FACES = "123456"
TAB = {"surprise": "Surprise", "questions": "Yes/no questions", "pair": "Two rolls",
       "lln": "Many rolls", "coin": "Coin", "joint": "Two variables", "kl": "KL: extra bits"}


def tab(at, name):
    """Open a tab (only the open tab's section runs, so its widgets exist only then)."""
    label = TAB[name]
    if "info_tab" not in at.session_state or at.session_state["info_tab"] != label:
        open_tab(at, "info_tab", label)
    return at


def metrics(at, name):
    """The metrics of one tab (opens it)."""
    return {m.label: m.value for m in tab(at, name).metric}


def set_die(at, values, prefix="info_p"):
    for face, value in zip(FACES, values):
        at.number_input(key=f"{prefix}_{face}").set_value(value)
    return at.run()


def values(v):
    return plotly_array(v).tolist()


def texts(at):
    return " ".join([m.value for m in at.markdown] + [c.value for c in at.caption])


@pytest.fixture(params=["via_app", "standalone"])
def run(request):
    return via_app if request.param == "via_app" else standalone


# --- defaults and units -----------------------------------------------------------------------

def test_defaults_uneven_die_surprise_of_three_is_3_322_bits(run):
    """The page opens on the uneven die (0.05, 0.05, 0.1, 0.1, 0.2, 0.5): a fair die would make
    Surprise six equal bars and Many rolls a flat line (tests/test_claims_defaults.py)."""
    at = run(PAGE)
    no_exception(at)
    assert at.title[0].value == "Information"
    assert at.selectbox(key="info_preset").value == "uneven"
    assert [at.number_input(key=f"info_p_{f}").value for f in FACES] == [
        0.05, 0.05, 0.1, 0.1, 0.2, 0.5]
    assert metrics(at, "surprise") == {"I(X=3) = −log p(3)": "3.322 bits", "H(X)": "2.061 bits"}
    assert tab_labels(at) == list(TAB.values())
    assert at.session_state["info_tab"] == "Surprise"
    assert not at.error
    # every tab has its formula and runs without an error
    for name in TAB:
        tab(at, name)
        no_exception(at)
        assert at.latex, name
        assert not at.error, name


def test_nats(run):
    at = run(PAGE, units="nats")
    no_exception(at)
    assert metrics(at, "surprise")["I(X=3) = −log p(3)"] == "2.303 nats"  # ln 10
    assert metrics(at, "surprise")["H(X)"] == "1.429 nats"
    assert metrics(at, "coin")["H(1/2)"] == "0.693 nats = 1 bit"
    # questions are always counted against H in bits
    assert metrics(at, "questions")["H(X)"] == "2.061 bits"
    assert "compared with H in bits" in texts(at)


def test_surprise_chart_shows_each_face_and_entropy_line():
    at = standalone(PAGE)
    at.selectbox(key="info_preset").set_value("loaded").run()
    spec = chart(at, "info_fig_surprise")
    bars = spec["data"][0]
    assert [round(y, 4) for y in values(bars["y"])] == [3.3219] * 5 + [1.0]
    assert values(spec["data"][1]["y"])[0] == pytest.approx(0.5 + 0.5 * math.log2(10))


def test_face_selector():
    at = standalone(PAGE)
    at.selectbox(key="info_preset").set_value("loaded").run()
    at.selectbox(key="info_face").set_value("6").run()
    assert metrics(at, "surprise")["I(X=6) = −log p(6)"] == "1.000 bits"
    assert metrics(at, "surprise")["H(X)"] == "2.161 bits"


# --- presets and the query parameter ----------------------------------------------------------

@pytest.mark.parametrize("preset,h", [("fair", "2.585"), ("uneven", "2.061"),
                                      ("loaded", "2.161"), ("nearly-certain", "0.402")])
def test_die_presets(preset, h):
    at = standalone(PAGE)
    at.selectbox(key="info_preset").set_value(preset).run()
    no_exception(at)
    assert metrics(at, "surprise")["H(X)"] == f"{h} bits"


@pytest.mark.parametrize("how", ["via_app", "standalone"])
def test_preset_query_parameter(how):
    at = AppTest.from_file(APP if how == "via_app" else str(ROOT / "pages" / PAGE),
                           default_timeout=60)
    at.query_params["preset"] = "loaded"
    at.run()
    if how == "via_app":
        at.switch_page(f"pages/{PAGE}").run()
    no_exception(at)
    assert at.selectbox(key="info_preset").value == "loaded"
    assert at.number_input(key="info_p_6").value == 0.5
    assert metrics(at, "surprise")["H(X)"] == "2.161 bits"
    # the link only sets the start: a later choice is kept
    at.selectbox(key="info_preset").set_value("fair").run()
    assert metrics(at, "surprise")["H(X)"] == "2.585 bits"


def test_unknown_preset_in_link_is_ignored_and_joint_preset_accepted():
    at = AppTest.from_file(str(ROOT / "pages" / PAGE), default_timeout=60)
    at.query_params["preset"] = "<script>"
    at.run()
    no_exception(at)
    assert at.selectbox(key="info_preset").value == "uneven"  # the page's default die
    at = AppTest.from_file(str(ROOT / "pages" / PAGE), default_timeout=60)
    at.query_params["preset"] = "independent"
    at.run()
    assert at.selectbox(key="info_joint_preset").value == "independent"
    assert metrics(at, "joint")["I(X;Y)"] == "0.000 bits"


# --- invalid die: errors, normalise -----------------------------------------------------------

def test_probabilities_not_adding_to_one_offer_normalise(run):
    at = run(PAGE)
    at = set_die(at, [0.25, 0.25, 0.25, 0.25, 0.25, 0.75])
    no_exception(at)
    assert "must add up to 1, but they add up to 2" in at.error[0].value
    assert "Fix the die" in at.warning[0].value  # sections 1-4 wait for a valid die
    assert not at.metric
    for name in ("questions", "pair", "lln"):
        tab(at, name)
        assert "Fix the die" in at.warning[0].value and not at.metric, name
    tab(at, "surprise")
    at.button(key="info_p_normalise").click().run()
    no_exception(at)
    assert not at.error
    assert at.number_input(key="info_p_6").value == pytest.approx(3 / 8)
    assert metrics(at, "surprise")["I(X=3) = −log p(3)"] == "3.000 bits"


def test_all_zero_shows_error_without_normalise(run):
    at = set_die(run(PAGE), [0, 0, 0, 0, 0, 0])
    no_exception(at)
    assert "add up to 0" in at.error[0].value
    assert not [b for b in at.button if b.key == "info_p_normalise"]
    assert "Fix the entries above" in " ".join(c.value for c in at.caption)
    # the other sections still work
    assert metrics(at, "coin")["H(0.20)"] == "0.722 bits"


@pytest.mark.parametrize("bad", [-0.1, 1.5, 1e300, math.inf, math.nan, "0.5", None])
def test_probability_outside_0_1_is_reset_with_a_warning(bad):
    """The browser cannot type a value outside [0, 1]; a crafted client (or stale state) that
    sends one gets the default back and a warning, not an error or a traceback."""
    at = standalone(PAGE, info_preset="loaded", info_p_2=bad)
    no_exception(at)
    warnings = reset_warnings(at)
    assert len(warnings) == 1 and "for “P(2)”" in warnings[0] and "reset to 0.1" in warnings[0]
    assert at.number_input(key="info_p_2").value == 0.1  # the loaded die's value, not fair's
    assert [at.number_input(key=f"info_p_{f}").value for f in FACES] == [0.1] * 5 + [0.5]
    assert not at.error
    assert metrics(at, "surprise")["H(X)"] == "2.161 bits"


def test_huge_value_typed_is_refused_not_a_traceback():
    """A client that sends 1e300 for every face (the browser cannot: max is 1) gets values in
    [0, 1] back, not an error or a traceback."""
    at = set_die(standalone(PAGE), [1e300] * 6)
    no_exception(at)
    assert all(0 <= at.number_input(key=f"info_p_{f}").value <= 1 for f in FACES)
    assert not at.error
    assert metrics(at, "surprise")["H(X)"] == "2.061 bits"  # the default die, put back


def test_six_times_the_shown_value_is_accepted_and_rescaled(run):
    """Regression ("typing the values the page displays is refused"): the fair die is shown
    as 0.1667 six times; typing those six values must give the fair die, saying so."""
    at = set_die(run(PAGE), [0.1667] * 6)
    no_exception(at)
    assert not at.error
    caption = " ".join(c.value for c in at.caption)
    assert "add up to 1.0002, which is 1 to the 4 decimals shown" in caption
    assert "divided by their sum" in caption
    assert metrics(at, "surprise")["H(X)"] == f"{math.log2(6):.3f} bits"
    # a total off by more than the shown decimals can explain is still refused
    at = set_die(at, [0.17] * 6)
    assert "must add up to 1, but they add up to 1.02" in at.error[0].value
    assert at.button(key="info_p_normalise")


def test_impossible_face_shows_infinity_not_nan():
    at = set_die(standalone(PAGE), [0.2, 0.2, 0.0, 0.2, 0.2, 0.2])
    no_exception(at)
    assert metrics(at, "surprise")["I(X=3) = −log p(3)"] == "∞ bits"
    tab(at, "pair").selectbox(key="info_x2").set_value("3").run()
    assert metrics(at, "pair")["I(6, 3)"] == "∞ bits"
    assert "nan" not in texts(at).lower()
    # an impossible face is never asked about
    table = tab(at, "questions").table[0].value
    assert table["answers (1 = yes)"][2] == "never asked (p = 0)"


# --- 2. questions -----------------------------------------------------------------------------

def test_questions_default_die_is_within_one_question_of_h(run):
    at = run(PAGE)
    m = metrics(at, "questions")
    assert m["H(X)"] == "2.061 bits" and m["Expected questions L"] == "2.100"
    assert m["L − H"] == "0.039"
    table = at.table[0].value
    lengths = list(table["questions ℓ(x)"])
    assert lengths[5] == 1  # "is it 6?" settles half the rolls
    assert sum(p * n for p, n in zip([0.05, 0.05, 0.1, 0.1, 0.2, 0.5], lengths)) == \
        pytest.approx(2.1)


def test_questions_fair_die_table_and_tree(run):
    at = run(PAGE)
    at.selectbox(key="info_preset").set_value("fair").run()
    m = metrics(at, "questions")
    assert m["Expected questions L"] == "2.667"
    assert m["L − H"] == "0.082"
    table = at.table[0].value
    assert sorted(table["questions ℓ(x)"]) == [2, 2, 3, 3, 3, 3]
    tree = chart(at, "info_fig_tree")
    questions = next(t for t in tree["data"] if t.get("name") == "questions")
    assert questions["text"][0] == "Is it 5 or 6?"


def test_questions_nearly_certain_die_explains_the_gap():
    at = standalone(PAGE)
    at.selectbox(key="info_preset").set_value("nearly-certain").run()
    m = metrics(at, "questions")
    assert m["Expected questions L"] == "1.120" and m["H(X)"] == "0.402 bits"
    assert any("at least one question" in i.value for i in at.info)
    assert list(at.table[0].value["answers (1 = yes)"])[5] == "1"


def test_certain_die_needs_no_question():
    at = set_die(standalone(PAGE), [0, 0, 0, 0, 0, 1])
    no_exception(at)
    assert metrics(at, "questions")["Expected questions L"] == "0.000"
    assert metrics(at, "questions")["L − H"] == "0.000"
    assert metrics(at, "surprise")["H(X)"] == "0.000 bits"


# --- 3. additivity ----------------------------------------------------------------------------

def test_additivity_on_a_chosen_pair():
    at = standalone(PAGE)
    at.selectbox(key="info_preset").set_value("loaded").run()
    tab(at, "pair").selectbox(key="info_x1").set_value("6").run()
    at.selectbox(key="info_x2").set_value("2").run()
    m = metrics(at, "pair")
    assert m["I(x₁=6)"] == "1.000 bits" and m["I(x₂=2)"] == "3.322 bits"
    assert m["I(6, 2)"] == "4.322 bits"
    assert "= **4.322 bits**" in texts(at)
    assert "H(X₁, X₂) = 4.322 bits = 2 × 2.161 bits" in texts(at)


# --- 4. law of large numbers ------------------------------------------------------------------

def test_lln_slider_and_seed(run):
    at = run(PAGE)
    at.selectbox(key="info_preset").set_value("loaded").run()
    tab(at, "lln").slider(key="info_n").set_value(10_000).run()
    no_exception(at)
    m = metrics(at, "lln")
    avg = float(m["Average surprise of 10000 rolls"].split()[0])
    assert abs(avg - 2.161) < 0.05
    spec = chart(at, "info_fig_lln")
    assert values(spec["data"][0]["x"])[-1] == 10_000
    first = values(spec["data"][0]["y"])[:20]
    # the seed from the sidebar changes the rolls
    at2 = run(PAGE, seed=12345)
    at2.selectbox(key="info_preset").set_value("loaded").run()
    tab(at2, "lln").slider(key="info_n").set_value(10_000).run()
    assert values(chart(at2, "info_fig_lln")["data"][0]["y"])[:20] != first


# --- 5. coin ----------------------------------------------------------------------------------

def test_coin_slider(run):
    at = tab(run(PAGE), "coin")
    at.slider(key="info_coin_p").set_value(0.5).run()
    m = metrics(at, "coin")
    assert m["H(0.50)"] == "1.000 bits" and m["H(1/2)"] == "1.000 bits"
    at.slider(key="info_coin_p").set_value(1.0).run()
    assert metrics(at, "coin")["H(1.00)"] == "0.000 bits"
    spec = chart(at, "info_fig_coin")
    names = [t["name"] for t in spec["data"]]
    assert "H(1/2) = 1 bit" in names
    assert values(spec["data"][2]["x"]) == [1.0]


# --- 6. two variables -------------------------------------------------------------------------

def test_teacher_preset_values(run):
    at = tab(run(PAGE), "joint")
    assert at.selectbox(key="info_joint_preset").value == "teacher"
    assert metrics(at, "joint") == {
        "H(X)": "1.000 bits", "H(Y)": "0.971 bits", "H(X,Y)": "1.361 bits",
        "H(X|Y)": "0.390 bits", "H(Y|X)": "0.361 bits", "I(X;Y)": "0.610 bits"}
    assert "you cannot see someone walk in who is not there" in texts(at)
    spec = chart(at, "info_fig_diagram")
    mi = next(t for t in spec["data"] if t["name"].startswith("I(X;Y)"))
    assert values(mi["x"])[0] == pytest.approx(0.6099865, abs=1e-6)


def test_independent_preset_has_zero_mutual_information():
    at = standalone(PAGE, units="nats", info_tab="Two variables")
    at.selectbox(key="info_joint_preset").set_value("independent").run()
    m = metrics(at, "joint")
    assert m["I(X;Y)"] == "0.000 nats"
    assert m["H(X|Y)"] == m["H(X)"]


def test_joint_table_edit_resize_and_normalise(run):
    at = tab(run(PAGE), "joint")
    # make Y a copy of X: I(X;Y) = H(X) = 1 bit
    at.number_input(key="info_joint_0_0").set_value(0.5)
    at.number_input(key="info_joint_1_0").set_value(0.0)
    at.number_input(key="info_joint_1_1").set_value(0.5).run()
    assert metrics(at, "joint")["I(X;Y)"] == "1.000 bits"
    # grow to 3 x 4: new cells are impossible pairs (0), the table stays valid
    at.selectbox(key="info_joint_rows").set_value(3).run()
    at.selectbox(key="info_joint_cols").set_value(4).run()
    no_exception(at)
    assert at.number_input(key="info_joint_2_3").value == 0.0
    assert metrics(at, "joint")["I(X;Y)"] == "1.000 bits"
    at.number_input(key="info_joint_2_3").set_value(1.0).run()
    assert "add up to 1, but they add up to 2" in at.error[0].value
    at.button(key="info_joint_normalise").click().run()
    no_exception(at)
    assert not at.error
    assert at.number_input(key="info_joint_2_3").value == 0.5
    # shrinking drops probability: an error, then normalise
    at.selectbox(key="info_joint_rows").set_value(1).run()
    no_exception(at)
    assert "add up to 0.25" in at.error[0].value
    # and the preset brings back the 2 x 2 teacher table
    at.selectbox(key="info_joint_preset").set_value("independent").run()
    at.selectbox(key="info_joint_preset").set_value("teacher").run()
    assert at.selectbox(key="info_joint_rows").value == 2
    assert metrics(at, "joint")["I(X;Y)"] == "0.610 bits"


def test_joint_negative_entry_is_reset_and_named():
    at = standalone(PAGE, info_tab="Two variables", info_joint_1_0=-0.2)
    no_exception(at)
    warnings = reset_warnings(at)
    assert len(warnings) == 1 and "for “P(X=1, Y=0)”" in warnings[0]
    assert at.number_input(key="info_joint_1_0").value == 0.1
    assert not at.error
    assert metrics(at, "joint")["I(X;Y)"] == "0.610 bits"


def test_joint_table_not_adding_to_one_names_the_total():
    at = standalone(PAGE, info_tab="Two variables")
    at.number_input(key="info_joint_0_1").set_value(0.2).run()
    no_exception(at)
    assert "The probabilities of the joint table must add up to 1, but they add up to 1.2" \
        in at.error[0].value
    assert not at.metric
    at.button(key="info_joint_normalise").click().run()
    assert not at.error
    assert at.number_input(key="info_joint_0_0").value == pytest.approx(0.5 / 1.2)


# --- 7. KL ------------------------------------------------------------------------------------

def test_kl_default_loaded_vs_fair(run):
    at = run(PAGE)
    m = metrics(at, "kl")
    assert m["H(P)"] == "2.161 bits" and m["H(P,Q)"] == "2.585 bits"
    assert m["KL(P‖Q)"] == "0.424 bits" and m["KL(Q‖P)"] == "0.350 bits"  # asymmetric
    assert "H(P,Q) = H(P) + KL(P‖Q): 2.585 bits = 2.161 bits + 0.424 bits" in texts(at)
    spec = chart(at, "info_fig_kl")
    assert values(spec["data"][1]["y"])[0] == pytest.approx(0.5 * math.log2(3) + 0.5 * math.log2(0.6))


def test_kl_infinite_shows_infinity_and_the_reason(run):
    at = tab(run(PAGE), "kl")
    at.selectbox(key="info_kl_q_preset").set_value("no-six").run()
    no_exception(at)
    m = metrics(at, "kl")
    assert m["KL(P‖Q)"] == "∞ bits" and m["H(P,Q)"] == "∞ bits"
    assert m["KL(Q‖P)"] != "∞ bits"
    warning = at.warning[0].value
    assert "Q gives face 6 probability 0, but P rolls it with probability 0.5" in warning
    spec = chart(at, "info_fig_kl")
    assert spec["data"][1]["text"][0] == "+∞"
    assert "nan" not in texts(at).lower()


def test_kl_both_dice_editable_and_validated():
    at = standalone(PAGE, info_tab="KL: extra bits")
    at.selectbox(key="info_kl_p_preset").set_value("nearly-certain").run()
    at = set_die(at, [1 / 6] * 6, prefix="info_kl_q")
    assert metrics(at, "kl")["H(P)"] == "0.402 bits"
    at = set_die(at, [0.5, 0.5, 0.5, 0, 0, 0], prefix="info_kl_q")
    assert "die Q must add up to 1, but they add up to 1.5" in at.error[0].value
    at.button(key="info_kl_q_normalise").click().run()
    no_exception(at)
    assert at.number_input(key="info_kl_q_1").value == pytest.approx(1 / 3)
    assert metrics(at, "kl")["KL(P‖Q)"] == "∞ bits"
    at = set_die(at, [0.2, 0.2, 0.2, 0.2, 0.2, 1.0], prefix="info_kl_p")
    assert "die P must add up to 1, but they add up to 2" in at.error[0].value
    at.button(key="info_kl_p_normalise").click().run()
    assert at.number_input(key="info_kl_p_6").value == 0.5
    at.selectbox(key="info_kl_q_preset").set_value("loaded").run()
    assert metrics(at, "kl")["KL(P‖Q)"] == "0.000 bits"


def test_every_keyed_widget_is_covered():
    """Guard: a new control added to the page must get a test here."""
    at = standalone(PAGE)
    keys = set()
    for name in TAB:
        tab(at, name)
        if name == "lln":
            keys.add(at.slider(key="info_n").key)
            at.number_input(key="info_p_1").set_value(0.9).run()  # invalid: Normalise button
        if name == "kl":
            at.number_input(key="info_kl_p_1").set_value(0.9)
            at.number_input(key="info_kl_q_1").set_value(0.9).run()
        if name == "joint":
            at.number_input(key="info_joint_0_0").set_value(0.9).run()
        keys |= {w.key for kind in ("selectbox", "number_input", "slider", "button", "radio",
                                    "toggle", "checkbox", "select_slider", "multiselect")
                 for w in getattr(at, kind)}
    assert {"info_kl_q_normalise", "info_joint_normalise", "info_n", "info_coin_p"} <= keys
    source = open(__file__, encoding="utf-8").read()
    for key in keys:
        generic = key.rsplit("_", 1)[0] if key[-1].isdigit() else key
        assert key in source or generic in source, key
