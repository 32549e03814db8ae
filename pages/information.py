"""Information: surprise, entropy, perfect yes/no questions, two variables, KL as extra bits."""

import numpy as np
import pandas as pd
import streamlit as st

from gdm_core import information as info
from gdm_core import ui
from gdm_core.figures import information as figs

ui.ensure_entrypoint()  # a deep link must still go through app.py

FACES = ["1", "2", "3", "4", "5", "6"]
DIE_PRESETS = {
    "fair": [1 / 6] * 6,
    "loaded": [0.1, 0.1, 0.1, 0.1, 0.1, 0.5],
    "nearly-certain": [0.01, 0.01, 0.01, 0.01, 0.01, 0.95],
}
KL_PRESETS = {**DIE_PRESETS, "no-six": [0.2, 0.2, 0.2, 0.2, 0.2, 0.0]}
PRESET_NAMES = {"fair": "fair", "loaded": "loaded (6 comes up half the time)",
                "nearly-certain": "nearly certain (almost always 6)",
                "no-six": "no six (the 6 was filed off)"}
# Lecture example. X: the teacher is in the room (rows: 0 no, 1 yes); Y: you saw the teacher
# walk in (columns: 0 no, 1 yes). You cannot see them walk in if they are not there, and half
# the time they are there; if they are, you saw them come in 4 times out of 5.
JOINT_PRESETS = {
    "teacher": [[0.5, 0.0], [0.1, 0.4]],
    "independent": np.outer([0.7, 0.3], [0.4, 0.6]).tolist(),
}
MAX_SIZE = 4

unit, base = ui.units(), ui.log_base()


def fmt(value, digits=3):
    return ui.fmt(value, unit, digits)


@st.cache_resource(max_entries=256, show_spinner=False)
def figure(builder: str, *args):
    """Build a figure once per distinct input. Styling a Plotly figure costs ~60 ms, and every
    widget change reruns all seven sections: unchanged sections then reuse their figure.
    A resource (not a copy): st.plotly_chart only reads the figure, and nothing here mutates it."""
    return getattr(figs, builder)(*args)


# --- session set-up: presets from the link (?preset=loaded), once per session ------------------

if not st.session_state.get("_info_init"):
    st.session_state["_info_init"] = True
    wanted = st.query_params.get("preset")
    if wanted in DIE_PRESETS:
        st.session_state["info_preset"] = wanted
    elif wanted in JOINT_PRESETS:
        st.session_state["info_joint_preset"] = wanted


def _set_die(keys, values):
    for key, value in zip(keys, values):
        st.session_state[key] = float(value)


def _apply_die_preset(keys, preset_key, presets):
    _set_die(keys, presets[st.session_state[preset_key]])


def _normalise(keys):
    values = [st.session_state.get(k) for k in keys]
    if info.can_normalize(values):  # the inputs may have changed since the button was drawn
        _set_die(keys, info.normalize(values))


def die_editor(prefix, preset_key, presets, default, name, symbol="P"):
    """Preset choice and six probabilities; returns the validated die or None (error shown)."""
    keys = [f"{prefix}_{face}" for face in FACES]
    if st.session_state.get(preset_key) not in presets:
        st.session_state[preset_key] = default
    if any(k not in st.session_state for k in keys):
        _set_die(keys, presets[st.session_state[preset_key]])
    st.selectbox(f"Preset for {name}", list(presets), key=preset_key,
                 format_func=PRESET_NAMES.get,
                 on_change=_apply_die_preset, args=(keys, preset_key, presets))
    values = []
    for col, key, face in zip(st.columns(6), keys, FACES):
        values.append(col.number_input(f"{symbol}({face})", key=key, step=0.01, format="%.4f"))
    try:
        return info.check_distribution(values, name=name,
                                       labels=[f"the probability of face {f}" for f in FACES])
    except ValueError as err:
        st.error(str(err))
        if info.can_normalize(values):
            st.button("Normalise (divide each by the total)", key=f"{prefix}_normalise",
                      on_click=_normalise, args=(keys,))
        else:
            st.caption("Fix the entries above: probabilities are numbers ≥ 0 that add up to 1.")
        return None


# --- page ---------------------------------------------------------------------------------------

st.title("Information")
st.markdown(
    "How surprising is an outcome, how many yes/no questions does it take to find it, and how "
    f"much does one variable tell about another? Values are in **{unit}** "
    "(change the units in the sidebar)."
)

st.subheader("Your die")
st.caption("Used in tabs 1–4. Type six probabilities or pick a preset.")
die = die_editor("info_p", "info_preset", DIE_PRESETS, "fair", "the die")

tabs = st.tabs(["1 · Surprise", "2 · Yes/no questions", "3 · Two rolls", "4 · Many rolls",
                "5 · Coin", "6 · Two variables", "7 · KL: extra bits"])


def need_die():
    st.warning("Fix the die's probabilities above to see this section.")


# 1. Surprise and entropy ------------------------------------------------------------------------
with tabs[0]:
    st.header("1. Surprise and entropy")
    st.latex(r"I(x) = -\log p(x) \qquad H(X) = \mathbb{E}\,[I(X)] = -\sum_x p(x)\log p(x)")
    st.markdown("A rare face is surprising, a likely one is not. The entropy is the surprise "
                "you expect on average before you roll.")
    if die is None:
        need_die()
    else:
        face = st.selectbox("Face x", FACES, index=2, key="info_face")
        surprise = info.information_content(die, base=base)
        h = info.entropy(die, base=base)
        c1, c2 = st.columns(2)
        c1.metric(f"I(X={face}) = −log p({face})", fmt(surprise[FACES.index(face)]))
        c2.metric("H(X)", fmt(h))
        if die[FACES.index(face)] == 0:
            st.info(f"Face {face} has probability 0: seeing it would be infinitely surprising.")
        ui.show_figure(figure("surprise_bars", die, surprise, h, unit, FACES),
                       key="info_fig_surprise")

# 2. Perfect yes/no questions ---------------------------------------------------------------------
with tabs[1]:
    st.header("2. Perfect yes/no questions")
    st.latex(r"L = \sum_x p(x)\,\ell(x), \qquad H(X) \le L < H(X) + 1 \quad \text{(in bits)}")
    st.markdown("Guess the face with yes/no questions. The best questions (Huffman's) split "
                "off the least likely faces first; a face costs about −log₂ p(x) questions.")
    if die is None:
        need_die()
    else:
        code = info.huffman_code(die)
        length = info.expected_length(die, code)
        h_bits = info.entropy(die, base=2)
        surprise_bits = info.information_content(die, base=2)
        table = pd.DataFrame({
            "face": FACES,
            "p(x)": np.round(die, 4),
            "answers (1 = yes)": [c if c is not None else "never asked (p = 0)" for c in code],
            "questions ℓ(x)": [len(c) if c is not None else 0 for c in code],
            "−log₂ p(x)": [ui.fmt(s, None, 3) for s in surprise_bits],
        })
        c1, c2, c3 = st.columns(3)
        c1.metric("H(X)", ui.fmt(h_bits, "bits", 3))
        c2.metric("Expected questions L", f"{length:.3f}")
        c3.metric("L − H", f"{length - h_bits:.3f}")
        st.dataframe(table, hide_index=True, key="info_code_table")
        if unit != "bits":
            st.caption("Questions have two answers, so they are compared with H in bits.")
        if length - h_bits > 0.5:
            st.info("Asking about one roll at a time costs at least one question whenever two "
                    "faces are possible, even if one is nearly certain. Asking about many rolls "
                    "at once brings the average per roll down to H.")
        ui.show_figure(figure("huffman_tree_figure", info.huffman_tree(die), FACES),
                       key="info_fig_tree")

# 3. Additivity ----------------------------------------------------------------------------------
with tabs[2]:
    st.header("3. Two independent rolls: surprise adds up")
    st.latex(r"I(x_1, x_2) = -\log p(x_1)\,p(x_2) = I(x_1) + I(x_2)")
    st.markdown("For independent rolls the probabilities multiply, so the surprises add, "
                "and so do the entropies: H(X₁, X₂) = 2 H(X).")
    if die is None:
        need_die()
    else:
        c1, c2 = st.columns(2)
        x1 = c1.selectbox("First roll x₁", FACES, index=5, key="info_x1")
        x2 = c2.selectbox("Second roll x₂", FACES, index=0, key="info_x2")
        i1, i2, i12 = info.pair_information(die, FACES.index(x1), FACES.index(x2), base=base)
        c1, c2, c3 = st.columns(3)
        c1.metric(f"I(x₁={x1})", fmt(i1))
        c2.metric(f"I(x₂={x2})", fmt(i2))
        c3.metric(f"I({x1}, {x2})", fmt(i12))
        st.markdown(f"I({x1}) + I({x2}) = {fmt(i1)} + {fmt(i2)} = **{fmt(i1 + i2)}**; "
                    f"p({x1})·p({x2}) = {die[FACES.index(x1)] * die[FACES.index(x2)]:.6g}.")
        if not np.isfinite(i12):
            st.info("∞: one of the two faces has probability 0, so the pair can never happen.")
        two_rolls = info.joint_entropy(np.outer(die, die), base=base)
        st.markdown(f"H(X₁, X₂) = {fmt(two_rolls)} = 2 × {fmt(info.entropy(die, base=base))}.")

# 4. Law of large numbers ------------------------------------------------------------------------
with tabs[3]:
    st.header("4. Many rolls: the average surprise → H")
    st.latex(r"\frac{1}{n}\sum_{k=1}^{n} -\log p(x_k) \;\longrightarrow\; H(X)"
             r"\quad (n \to \infty)")
    st.markdown("Roll the die n times and average the surprise of what came up: the law of "
                f"large numbers pulls it to the entropy. Rolls use the seed ({ui.seed()}) "
                "from the sidebar.")
    if die is None:
        need_die()
    else:
        n = st.slider("Number of rolls n", 10, 10_000, 1000, step=10, key="info_n")
        rolls, running = info.running_average_surprise(die, n, seed=ui.seed(), base=base)
        h = info.entropy(die, base=base)
        c1, c2, c3 = st.columns(3)
        c1.metric(f"Average surprise of {n} rolls", fmt(running[-1]))
        c2.metric("H(X)", fmt(h))
        c3.metric("Difference", fmt(running[-1] - h))
        counts = np.bincount(rolls, minlength=6)
        st.caption("Faces rolled: " + ", ".join(f"{f}: {c}" for f, c in zip(FACES, counts)))
        ui.show_figure(figure("lln_figure", running, h, unit), key="info_fig_lln")

# 5. Bernoulli -----------------------------------------------------------------------------------
with tabs[4]:
    st.header("5. A coin: the Bernoulli entropy")
    st.latex(r"H(p) = -p\log p - (1-p)\log(1-p), \qquad H(\tfrac12) = 1 \text{ bit}")
    st.markdown("A fair coin is the most uncertain coin: one yes/no question, one bit. "
                "A coin that always lands heads tells you nothing.")
    p_coin = st.slider("p = P(heads)", 0.0, 1.0, 0.2, step=0.01, key="info_coin_p")
    h_coin = info.bernoulli_entropy(p_coin, base=base)
    h_half = info.bernoulli_entropy(0.5, base=base)
    c1, c2 = st.columns(2)
    c1.metric(f"H({p_coin:.2f})", fmt(h_coin))
    c2.metric("H(1/2)", fmt(h_half) + ("" if unit == "bits" else " = 1 bit"))
    grid, h_grid = info.bernoulli_curve(base=base)
    ui.show_figure(figure("bernoulli_figure", grid, h_grid, p_coin, h_coin, h_half, unit),
                   key="info_fig_coin")


# 6. Two variables -------------------------------------------------------------------------------
def _joint_keys(rows, cols):
    return [[f"info_joint_{i}_{j}" for j in range(cols)] for i in range(rows)]


def _apply_joint_preset():
    table = JOINT_PRESETS[st.session_state["info_joint_preset"]]
    st.session_state["info_joint_rows"] = len(table)
    st.session_state["info_joint_cols"] = len(table[0])
    for row_keys, row in zip(_joint_keys(len(table), len(table[0])), table):
        for key, value in zip(row_keys, row):
            st.session_state[key] = float(value)


def _resize_joint():
    # Keep the entries that are still in the table; new cells start at 0 (impossible pairs),
    # so enlarging keeps a valid table. Shrinking may drop probability: then normalise.
    rows, cols = st.session_state["info_joint_rows"], st.session_state["info_joint_cols"]
    for i in range(rows):
        for j in range(cols):
            st.session_state.setdefault(f"info_joint_{i}_{j}", 0.0)


def _normalise_joint(keys):
    values = [[st.session_state.get(k) for k in row] for row in keys]
    if info.can_normalize(values):
        for row_keys, row in zip(keys, info.normalize(values)):
            for key, value in zip(row_keys, row):
                st.session_state[key] = float(value)


with tabs[5]:
    st.header("6. Two variables: what Y tells about X")
    st.latex(r"H(X|Y) = H(X,Y) - H(Y)")
    st.latex(r"I(X;Y) = H(X) - H(X|Y) = H(X) + H(Y) - H(X,Y)")
    st.markdown("The mutual information is how much knowing Y lowers your uncertainty "
                "about X (and the other way round). It is 0 exactly when X and Y are "
                "independent.")
    if st.session_state.get("info_joint_preset") not in JOINT_PRESETS:
        st.session_state["info_joint_preset"] = "teacher"
    if any(st.session_state.get(k) not in range(1, MAX_SIZE + 1)
           for k in ("info_joint_rows", "info_joint_cols")):
        _apply_joint_preset()
    c1, c2, c3 = st.columns([2, 1, 1])
    c1.selectbox("Preset", list(JOINT_PRESETS), key="info_joint_preset",
                 format_func={"teacher": "the teacher (lecture example)",
                              "independent": "independent X and Y"}.get,
                 on_change=_apply_joint_preset)
    c2.selectbox("Values of X (rows)", list(range(1, MAX_SIZE + 1)), key="info_joint_rows",
                 on_change=_resize_joint)
    c3.selectbox("Values of Y (columns)", list(range(1, MAX_SIZE + 1)), key="info_joint_cols",
                 on_change=_resize_joint)
    rows, cols = st.session_state["info_joint_rows"], st.session_state["info_joint_cols"]
    keys = _joint_keys(rows, cols)
    _resize_joint()  # cells never drawn before (e.g. first visit with a new size) start at 0
    if st.session_state["info_joint_preset"] == "teacher" and (rows, cols) == (2, 2):
        st.caption("X = 1: the teacher is in the room. Y = 1: you saw the teacher walk in. "
                   "P(X=1, Y=1) = 0.4, P(X=1, Y=0) = 0.1 (came in while you looked away), "
                   "P(X=0, Y=1) = 0 (you cannot see someone walk in who is not there), "
                   "P(X=0, Y=0) = 0.5.")
    values = []
    for i, row_keys in enumerate(keys):
        row = []
        for j, (col, key) in enumerate(zip(st.columns(cols), row_keys)):
            row.append(col.number_input(f"P(X={i}, Y={j})", key=key, step=0.01,
                                        format="%.4f"))
        values.append(row)
    labels = [[f"P(X={i}, Y={j})" for j in range(cols)] for i in range(rows)]
    try:
        joint = info.check_distribution(values, name="the joint table", ndim=2, labels=labels)
    except ValueError as err:
        joint = None
        st.error(str(err))
        if info.can_normalize(values):
            st.button("Normalise the table", key="info_joint_normalise",
                      on_click=_normalise_joint, args=(keys,))
    if joint is not None:
        s = info.joint_summary(joint, base=base)
        names = ["H(X)", "H(Y)", "H(X,Y)", "H(X|Y)", "H(Y|X)", "I(X;Y)"]
        for col, name in zip(st.columns(3) + st.columns(3), names):  # two rows: readable
            col.metric(name, fmt(s[name]))
        st.markdown(f"Check: H(X) − H(X|Y) = {fmt(s['H(X)'])} − {fmt(s['H(X|Y)'])} = "
                    f"{fmt(s['H(X)'] - s['H(X|Y)'])} = I(X;Y).")
        ui.show_figure(figure("information_diagram", s, unit), key="info_fig_diagram")


# 7. KL as extra bits ----------------------------------------------------------------------------
with tabs[6]:
    st.header("7. KL divergence: the extra bits of the wrong code")
    st.latex(r"H(P,Q) = -\sum_x p(x)\log q(x) = H(P) + \mathrm{KL}(P\,\|\,Q)")
    st.latex(r"\mathrm{KL}(P\,\|\,Q) = \sum_x p(x)\log\frac{p(x)}{q(x)} \ge 0")
    st.markdown("Rolls come from P but you expect Q (you built your questions for Q): on "
                "average you pay H(P, Q) instead of H(P). The extra is KL(P‖Q) ≥ 0, and "
                "it is not symmetric.")
    # one die under the other: six inputs side by side need the full width
    p_die = die_editor("info_kl_p", "info_kl_p_preset", KL_PRESETS, "loaded", "die P", "p")
    q_die = die_editor("info_kl_q", "info_kl_q_preset", KL_PRESETS, "fair", "die Q", "q")
    if p_die is not None and q_die is not None:
        h_p, h_q = info.entropy(p_die, base=base), info.entropy(q_die, base=base)
        kl_pq = info.kl_divergence(p_die, q_die, base=base)
        kl_qp = info.kl_divergence(q_die, p_die, base=base)
        ce_pq = info.cross_entropy(p_die, q_die, base=base)
        ce_qp = info.cross_entropy(q_die, p_die, base=base)
        c1, c2, c3, c4 = st.columns(4)
        c1.metric("H(P)", fmt(h_p))
        c2.metric("KL(P‖Q)", fmt(kl_pq))
        c3.metric("H(P,Q)", fmt(ce_pq))
        c4.metric("KL(Q‖P)", fmt(kl_qp))
        st.markdown(f"H(P,Q) = H(P) + KL(P‖Q): {fmt(ce_pq)} = {fmt(h_p)} + {fmt(kl_pq)}.  \n"
                    f"H(Q,P) = H(Q) + KL(Q‖P): {fmt(ce_qp)} = {fmt(h_q)} + {fmt(kl_qp)}.  \n"
                    f"Jensen–Shannon, symmetric and finite: JS(P, Q) = "
                    f"{fmt(info.js_divergence(p_die, q_die, base=base))}.")
        for a, b, a_die, b_die in (("P", "Q", p_die, q_die), ("Q", "P", q_die, p_die)):
            for i in info.support_violations(a_die, b_die):
                st.warning(
                    f"KL({a}‖{b}) = ∞: {b} gives face {FACES[i]} probability 0, but {a} rolls "
                    f"it with probability {a_die[i]:.4g}. A code built for {b} has no answer "
                    f"for a {FACES[i]}: its surprise −log 0 is infinite.")
        ui.show_figure(figure("dice_comparison", p_die, q_die, FACES), key="info_fig_dice")
        ui.show_figure(figure("kl_bars", h_p, kl_pq, h_q, kl_qp, unit), key="info_fig_kl")
    else:
        st.warning("Fix the probabilities of P and Q above to compare them.")
