"""Why a VAE: Jensen's inequality drawn (and KL ≥ 0 through it), then the three derivations of the
ELBO stepped line by line on the shipped 2-D VAE, every line with its number.

Writes ``why_jensen_view``, ``why_jensen_x1``, ``why_jensen_x2``, ``why_jensen_t``,
``why_jensen_s``, ``why_elbo_derivation``, ``why_elbo_step_I`` / ``_II`` / ``_III`` (bound to the
URL) and ``vae_digit`` (the digit shared with the ELBO and ELBO-gap tabs). Reads the unit.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from gdm_core import elbo_derivations, jensen
from gdm_app import ui
from gdm_app.figures import jensen as figs
from gdm_app.sections import layout
from gdm_app.sections.vae import digit_input, digits, model, stamp

VIEWS = {"two": "two points", "kl": "KL(q ‖ p) ≥ 0"}
DERIVATIONS = {"I": "I · the encoder's error", "II": "II · q/q inside E",
               "III": "III · Jensen"}
CURVE = np.linspace(0.05, 6.0, 240)


@st.cache_data(max_entries=32, show_spinner="Integrating over the latent plane…")
def _terms(key: tuple, index: int) -> elbo_derivations.Terms:
    return elbo_derivations.terms(model()[0], digits()[2][index])


def _fmt(v: float) -> str:
    return ui.fmt(ui.to_units(v), None, 3)


def _jensen_picture() -> None:
    unit = ui.units()
    pic, side = st.columns(layout.BESIDE)
    with side:
        view = ui.radio("Draw", list(VIEWS), "two", key="why_jensen_view", horizontal=True,
                        format_func=VIEWS.get)
        if view == "two":
            x1 = ui.slider("x₁", 0.1, 6.0, 0.5, key="why_jensen_x1", step=0.1)
            x2 = ui.slider("x₂", 0.1, 6.0, 4.0, key="why_jensen_x2", step=0.1)
            t = ui.slider("weight t on x₁", 0.0, 1.0, 0.5, key="why_jensen_t", step=0.05)
            j = jensen.chord(x1, x2, t)
            x, log_x, w, labels = j["x"], j["log_x"], np.array([t, 1 - t]), ["x₁", "x₂"]
            st.latex(r"\log\big(t x_1 + (1-t) x_2\big)")
            st.latex(r"\ge\ t\log x_1 + (1-t)\log x_2")
            m = st.columns(2)
            m[0].metric(f"log of the mean ({unit})", _fmt(j["log_of_mean"]))
            m[1].metric(f"mean of the logs ({unit})", _fmt(j["mean_of_logs"]))
            st.caption(f"Gap {_fmt(j['gap'])} {unit} ≥ 0: the log is concave, so the chord runs "
                       "below the curve; it is 0 only when x₁ = x₂ (or t is 0 or 1).")
            title = "log of the mean ≥ mean of the logs"
        else:
            s = ui.slider("q moves away from p", 0.0, 1.0, 0.6, key="why_jensen_s", step=0.05,
                          help="q = (1 − s)·p + s·(0.55, 0.3, 0.1, 0.05); at s = 0, q = p.")
            p, q = np.asarray(jensen.P_EXAMPLE), jensen.example_q(s)
            j = jensen.kl_through_jensen(p, q)
            x, log_x, w = j["ratio"], j["log_ratio"], q
            labels = [f"r{'₁₂₃₄₅₆₇₈₉'[i]}" for i in range(len(p))]
            j["mean"] = float(q @ x)
            st.markdown("p = (" + ", ".join(f"{v:g}" for v in p) + "), q = ("
                        + ", ".join(f"{v:.3g}" for v in q) + "). Points: rᵢ = pᵢ/qᵢ on the "
                        "curve, weighted by qᵢ.")
            st.latex(r"-\mathrm{KL}(q\,\|\,p) = \mathbb E_q\Big[\log\frac{p}{q}\Big]")
            st.latex(r"\le \log\mathbb E_q\Big[\frac{p}{q}\Big] = \log\sum_i p_i = 0")
            st.metric(f"KL(q ‖ p) ({unit})", _fmt(j["kl"]),
                      help="The height from the centroid up to the curve at x = 1, where "
                           "log 1 = 0.")
            st.caption("The weighted mean of the points is Σ qᵢ·pᵢ/qᵢ = Σ pᵢ = 1, where the "
                       "curve is at log 1 = 0: the mean of the logs, −KL, is below it.")
            title = "KL(q ‖ p) ≥ 0: the gap at x = 1"
    # the two points' sliders end at 6; the example's ratios reach 8 (s = 1) or sit near 1
    curve = CURVE if view == "two" else np.linspace(0.05, max(3.0, 1.15 * float(np.max(x))), 240)
    with pic:
        ui.show_figure(ui.figure(
            figs.jensen_figure, curve, ui.to_units(np.log(curve)), x, ui.to_units(log_x), w,
            float(j["mean"]), float(ui.to_units(j["mean_of_logs"])),
            float(ui.to_units(j["log_of_mean"])), unit, labels=tuple(labels), title=title),
            key="why_fig_jensen")


def _derivations() -> None:
    unit = ui.units()
    labels = digits()[1]
    st.markdown("**The ELBO three ways**, on the shipped 2-D VAE: every line with its number, "
                "expectations over q(z|x) by Gauss–Hermite quadrature, log p(x) on a grid.")
    c1, c2, c3 = st.columns([1, 2, 2])
    with c1:
        digit = int(digit_input())
    with c2:
        key = ui.radio("Derivation", list(DERIVATIONS), "I", key="why_elbo_derivation",
                       horizontal=True, format_func=DERIVATIONS.get)
    t = _terms(stamp(), digit)
    d = next(d for d in elbo_derivations.derivations(t) if d.key == key)
    n = len(d.lines)
    with c3:
        step = ui.slider("Lines shown", 1, n, n, key=f"why_elbo_step_{key}", step=1)
    lines, side = st.columns(layout.BESIDE)
    with lines:
        st.markdown(f"**{key}. {d.title}** — digit #{digit} ({labels[digit]}), in {unit}")
        for i, line in enumerate(d.lines[:step], start=1):
            mark = "▶ " if i == step else ""
            st.markdown(f"{mark}**({i})  {_fmt(line.value)} {unit}** · {line.why}")
            st.latex(line.latex)
    with side:
        values = [ui.to_units(line.value) for line in d.lines]
        ui.show_figure(ui.figure(figs.derivation_figure, tuple(values), step,
                                 float(ui.to_units(t.log_px)), float(ui.to_units(t.elbo)), unit,
                                 title=f"The {n} lines of {key}"), key="why_fig_derivation")
        m = st.columns(2)
        m[0].metric(f"log p(x), quadrature ({unit})", _fmt(t.log_px))
        m[1].metric(f"ELBO ({unit})", _fmt(t.elbo))
        st.caption(
            f"Every derivation ends at the same ELBO, {_fmt(t.elbo)} {unit}, below log p(x) "
            f"by KL(q(z|x) ‖ p(z|x)) = {_fmt(t.kl_posterior)} {unit}: the one step written "
            "“≥” throws exactly that away. log E_q[w] by Gauss–Hermite gives log p(x) a second "
            f"way: {_fmt(t.log_mean_w)} {unit}.")


@ui.section("Jensen and the ELBO")
def show() -> None:
    layout.headline("The log is concave, so the log of a mean is at least the mean of the logs: "
                    "KL ≥ 0, and log p(x) ≥ ELBO.")
    _jensen_picture()
    _derivations()
