import numpy as np
import streamlit as st

from gdm_core import games, ui
from gdm_core.figures import games as figs

ui.ensure_entrypoint()  # a deep link must still go through app.py

METHODS = games.METHODS
LABELS = games.METHOD_LABELS
# Presets a teacher can link to: /minimax?preset=spiral
PRESETS = {
    "compare": dict(label="Compare all four", x0=1.0, y0=0.5, lr=0.2, steps=100,
                    methods=METHODS),
    "spiral": dict(label="Simultaneous steps spiral out", x0=1.0, y0=0.0, lr=0.2, steps=60,
                   methods=("simultaneous",)),
    "orbit": dict(label="Alternating steps orbit", x0=1.0, y0=0.0, lr=0.5, steps=60,
                  methods=("simultaneous", "alternating")),
    "converge": dict(label="Extragradient and optimism converge", x0=1.0, y0=0.5, lr=0.3,
                     steps=100, methods=("extragradient", "optimistic")),
}
DEFAULT_PRESET = "compare"
ss = st.session_state


def apply_preset(name: str) -> None:
    p = PRESETS[name]
    ss.mm_x0, ss.mm_y0, ss.mm_lr, ss.mm_steps, ss.mm_k = (
        p["x0"], p["y0"], p["lr"], p["steps"], p["steps"])
    for m in METHODS:
        ss[f"mm_{m}"] = m in p["methods"]


# A shared link's ?preset= sets the starting values once per session; unknown names are ignored.
if not ss.get("_mm_preset_read"):
    ss._mm_preset_read = True
    if st.query_params.get("preset") in PRESETS:
        ss.mm_preset = st.query_params["preset"]
        apply_preset(ss.mm_preset)
# Widget state is dropped when the user visits another page: refill what is missing.
if ss.get("mm_preset") not in PRESETS:
    ss.mm_preset = DEFAULT_PRESET
_p = PRESETS[ss.mm_preset]
for _key, _value in [("mm_x0", _p["x0"]), ("mm_y0", _p["y0"]), ("mm_lr", _p["lr"]),
                     ("mm_steps", _p["steps"])] + [(f"mm_{m}", m in _p["methods"])
                                                   for m in METHODS]:
    ss.setdefault(_key, _value)


@st.cache_data(max_entries=64, show_spinner=False)
def runs(x0: float, y0: float, lr: float, steps: int) -> dict:
    # All four at once: 4 × 5,000 steps take milliseconds, and toggling a method is then free.
    return {m: games.simulate(m, (x0, y0), lr, steps) for m in METHODS}


@st.cache_data(max_entries=64, show_spinner=False)
def theory(x0: float, y0: float, lr: float, steps: int) -> dict:
    return {m: games.closed_form_norms(m, (x0, y0), lr, steps) for m in METHODS}


st.title("Minimax")
st.markdown(
    "Two players share one number, $f(x, y) = xy$. Player **x** wants it small, player **y** "
    "wants it large. The only point where neither can gain by moving alone — the Nash "
    "equilibrium — is $(0, 0)$. Both players follow their own gradient:"
)
st.latex(r"x_{k+1} = x_k - \eta\,\frac{\partial f}{\partial x} = x_k - \eta\,y_k, \qquad"
         r" y_{k+1} = y_k + \eta\,\frac{\partial f}{\partial y} = y_k + \eta\,x_k")
st.markdown(
    "Together they move along the field $v(x, y) = (-y,\\ x)$: a pure **rotation** around the "
    "equilibrium, always at right angles to the way home. Do they ever get there?"
)

st.selectbox("Preset", list(PRESETS), key="mm_preset",
             format_func=lambda k: PRESETS[k]["label"],
             on_change=lambda: apply_preset(ss.mm_preset),
             help="Sets every control below; share /minimax?preset=spiral (or orbit, "
                  "converge, compare) to open the page on it.")
c1, c2, c3, c4 = st.columns(4)
c1.number_input("Start x₀", min_value=-1000.0, max_value=1000.0, step=0.1, key="mm_x0")
c2.number_input("Start y₀", min_value=-1000.0, max_value=1000.0, step=0.1, key="mm_y0")
c3.number_input("Step size η", min_value=0.0, max_value=10.0, step=0.05, format="%.4g",
                key="mm_lr", help="Both players use the same step size.")
c4.number_input("Steps", min_value=0, max_value=5000, step=10, key="mm_steps")
toggles = st.columns(4)
for col, m in zip(toggles, METHODS):
    col.toggle(LABELS[m], key=f"mm_{m}")
enabled = [m for m in METHODS if ss[f"mm_{m}"]]

x0, y0, lr, steps = float(ss.mm_x0), float(ss.mm_y0), float(ss.mm_lr), int(ss.mm_steps)
try:
    results = runs(x0, y0, lr, steps)
except ValueError as err:
    st.error(f"Cannot run the dynamics: {err}.")
    results = None

if results is not None:
    # The step slider follows the end of the run unless the student moved it back.
    # Always written back: a new maximum makes a new slider, which would otherwise restart at 0.
    k = ss.get("mm_k", steps)
    ss.mm_k = steps if k > steps or k == ss.get("_mm_k_max") else k
    ss._mm_k_max = steps
    k = st.slider("Show the iterates z₀ … z_k up to step k", 0, steps, key="mm_k",
                  help="Drag to draw the run step by step, or press ▶ Play under the plot.")
    if not enabled:
        st.info("Switch on at least one method above to see its trajectory.")
    if x0 == 0 and y0 == 0:
        st.info("z₀ = (0, 0) is the equilibrium itself: no player has a reason to move, so "
                "every method stays there (and ‖z_k‖ = 0 has no place on a log axis).")
    for m in enabled:
        r = results[m]
        if r.diverged:
            st.warning(
                f"**{LABELS[m]} diverged after {r.diverged_at} steps**: at step "
                f"{r.diverged_at} the distance ‖z‖ passed 10⁶ × max(1, ‖z₀‖) = {r.bound:.3g}, "
                f"so the run was stopped and is drawn up to step {r.steps_done}.")

    paths = {m: results[m].path for m in enabled}
    left, right = st.columns(2)
    with left:
        st.subheader("Trajectories")
        ui.show_figure(figs.trajectories(paths, upto=k), key="mm_fig_traj")
        st.caption("Background: f(x, y) (red high, blue low) and arrows of the field (−y, x). "
                   "Dots are the iterates z_k; the black ring is z₀, the star the equilibrium.")
    with right:
        st.subheader("Distance to the equilibrium")
        norms = {m: games.distances(p) for m, p in paths.items()}
        th = theory(x0, y0, lr, steps)
        band = games.alternating_band((x0, y0), lr)
        labels = {
            "simultaneous": "Simultaneous theory (1+η²)^{k/2}‖z₀‖",
            "extragradient": "Extragradient theory (1−η²+η⁴)^{k/2}‖z₀‖",
            "optimistic": "Optimistic theory (closed form, roots λ±)",
        }
        ui.show_figure(figs.distance_plot(norms, {m: th[m] for m in enabled}, band, upto=k,
                                          theory_labels=labels), key="mm_fig_dist")
        st.caption("Solid: measured ‖z_k‖. Dashed black: the exact closed form — it lies on "
                   "top of the measured line. Dotted: the band alternating GDA cannot leave.")

    st.subheader("Theory and measurement")
    rows = ["| method | one step | rate ρ (‖z_k‖ ≈ ρᵏ) | ‖z_k‖ measured | ‖z_k‖ theory |"
            " behaviour |", "|---|---|---|---|---|---|"]
    formulas = {
        "simultaneous": "×√(1+η²) exactly",
        "alternating": "det = 1, keeps Q = x²+y²−ηxy",
        "extragradient": "×√(1−η²+η⁴) exactly",
        "optimistic": "two-step recursion",
    }
    for m in enabled:
        r = results[m]
        kk = min(k, r.steps_done)
        measured = float(games.distances(r.path[kk]))
        t = th[m]
        if t is not None:
            theory_text = f"{t[kk]:.6g}"
        elif band is not None:
            theory_text = f"in [{band[0]:.4g}, {band[1]:.4g}]"
        else:
            theory_text = "no bounded orbit (η ≥ 2)"
        rows.append(f"| {LABELS[m]} | {formulas[m]} | {games.spectral_radius(m, lr):.6g} "
                    f"| {measured:.6g} (k={kk}) | {theory_text} | {games.behaviour(r)} |")
    if enabled:
        st.markdown("\n".join(rows))
    if "alternating" in enabled:
        r = results["alternating"]
        q = games.conserved_quantity(r.path[: k + 1], lr)
        a, b, c = st.columns(3)
        a.metric("Alternating: Q(z₀) = x₀² + y₀² − η x₀ y₀", f"{q[0]:.10g}")
        b.metric(f"Q(z_k) at k = {len(q) - 1}", f"{q[-1]:.10g}")
        c.metric("largest |Q(z_j) − Q(z₀)|, j ≤ k", f"{np.max(np.abs(q - q[0])):.2g}")
    with st.expander("Where the rates come from"):
        st.markdown("Write $z = (x, y)$ as the complex number $w = x + iy$: the field $(-y, x)$ "
                    "is $i\\,w$, so each step multiplies by a complex number.")
        st.latex(r"\text{simultaneous: } w_{k+1} = (1 + i\eta)\,w_k \;\Rightarrow\;"
                 r"\|z_{k+1}\| = \sqrt{1+\eta^2}\,\|z_k\|")
        st.latex(r"\text{extragradient: } \bar w = w_k + i\eta\,w_k,\; w_{k+1} = w_k + i\eta\,"
                 r"\bar w = (1 + i\eta - \eta^2)\,w_k \;\Rightarrow\; \|z_{k+1}\| = "
                 r"\sqrt{1 - \eta^2 + \eta^4}\,\|z_k\|")
        st.latex(r"\text{optimistic: } w_{k+1} = (1 + 2i\eta)\,w_k - i\eta\,w_{k-1},\quad"
                 r"\lambda_\pm = \tfrac{1}{2}\big(1 + 2i\eta \pm \sqrt{1 - 4\eta^2}\big),\quad"
                 r"\rho = \max|\lambda_\pm| < 1 \iff \eta < 1/\sqrt{3}")
        st.latex(r"\text{alternating: } \begin{pmatrix}x_{k+1}\\ y_{k+1}\end{pmatrix} = "
                 r"\begin{pmatrix}1 & -\eta\\ \eta & 1-\eta^2\end{pmatrix}"
                 r"\begin{pmatrix}x_k\\ y_k\end{pmatrix},\ \det = 1,\ "
                 r"x^2 + y^2 - \eta\,xy \text{ is conserved}")
        st.markdown("Simultaneous steps grow for **every** η > 0; alternating steps neither "
                    "grow nor shrink for η < 2 (an ellipse); extragradient converges for "
                    "η < 1 and optimistic GDA for η < 1/√3 ≈ 0.577. The optimistic run starts "
                    "with one plain step (z₋₁ = z₀).")

st.subheader("The saddle f(x, y) = xy")
extent = 1.2 * max(abs(x0), abs(y0)) if (x0 or y0) else 1.0
lifted = {m: results[m].path[: k + 1] for m in enabled} if results else {}
s1, s2 = st.columns([3, 2])
with s1:
    ui.show_figure(figs.saddle_surface(extent=extent, paths=lifted), key="mm_fig_saddle")
with s2:
    st.markdown(
        "Fix y: f is a straight line in x, so player x always wants to move, in the direction "
        "set by the sign of y. Fix x: the same for player y. Only at (0, 0) is neither "
        "tempted. The surface is a **saddle**, and the trajectories above are drawn on it "
        "(drag to rotate; the part of a run that leaves the patch is cut)."
    )

st.subheader("Why this is the GAN problem")
st.markdown(
    "A GAN is this game with millions of parameters: the **generator** $G_\\theta$ (player x, "
    "minimising) and the **discriminator** $D_\\varphi$ (player y, maximising) share one value"
)
st.latex(r"\min_\theta \max_\varphi\; V(\theta, \varphi) = "
         r"\mathbb{E}_{x\sim p_{\rm data}}\big[\log D_\varphi(x)\big] + "
         r"\mathbb{E}_{z\sim p(z)}\big[\log\big(1 - D_\varphi(G_\theta(z))\big)\big]")
st.markdown(
    "The lecture's training loop freezes G and takes a step of D up $\\nabla_\\varphi V$, "
    "then freezes D and takes a step of G down $\\nabla_\\theta V$: that is **alternating** "
    "gradient descent–ascent. Near an equilibrium the coupling term of V behaves like "
    "$\\theta^\\top C \\varphi$, i.e. like $xy$ here. Each player treats the other as fixed, "
    "but the other moves too: the joint field is a rotation, so the players chase each other "
    "around the equilibrium (alternating) or spiral away from it (simultaneous) instead of "
    "meeting — the oscillating losses seen when training GANs. Extragradient and optimistic "
    "steps anticipate the opponent's reply (a look-ahead step, or a correction with the "
    "previous gradient), which adds the missing pull $-\\eta^2 z$ towards the equilibrium."
)
st.caption("References: Goodfellow et al., Generative Adversarial Nets (2014); Korpelevich "
           "(1976), extragradient; Daskalakis et al., Training GANs with Optimism (ICLR 2018); "
           "Gidel et al., A Variational Inequality Perspective on GANs (ICLR 2019); Bailey, "
           "Gidel & Piliouras, Finite Regret and Cycles with Fixed Step-Size via Alternating "
           "GDA (COLT 2020).")
