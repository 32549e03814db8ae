import math

import numpy as np
import streamlit as st

from gdm_core import divergences as dv
from gdm_core import ui
from gdm_core.figures import divergences as figs

ui.ensure_entrypoint()  # a deep link must still go through app.py

st.title("Divergences")
st.markdown(
    "Why WGAN exists. When the real and the generated distributions **do not overlap**, "
    "KL and Jensen–Shannon give the generator no signal at all, while the Wasserstein "
    "(earth mover's) distance still says which way to move. Move the sliders and watch it happen."
)

UNIT = ui.units()
BASE = ui.log_base()
SEED = ui.seed()


def to_unit(value_nats: float) -> float:
    return dv.in_units(value_nats, BASE)


def clean(key: str, low: float, high: float, default, choices=None) -> None:
    """Put back a widget's value if session state holds something it cannot show (a bad link,
    a hostile test); the student sees why next to the control."""
    if key not in st.session_state:
        return
    value = st.session_state[key]
    ok = value in choices if choices is not None else (
        isinstance(value, (int, float)) and not isinstance(value, bool)
        and math.isfinite(value) and low <= value <= high)
    if not ok:
        st.session_state[key] = default
        st.warning(f"The value {value!r} cannot be used here; it was reset to {default}.")


# Figures are cached as objects (st.cache_resource: Plotly figures are slow to rebuild and to
# pickle) keyed on the scalar inputs; nothing mutates them after they are built.
GRID = np.round(np.linspace(-1, 1, 201), 10)


@st.cache_resource(show_spinner=False, max_entries=64)
def plane_figure(theta: float):
    return figs.lines_plane(theta, title="The two distributions")


@st.cache_resource(show_spinner=False, max_entries=64)
def curves_figure(theta: float, unit: str, base: float):
    values = [dv.shifted_lines(t) for t in GRID]
    series = {
        "KL(Pθ‖P0)": [dv.in_units(v["kl"], base) for v in values],
        "KL(P0‖Pθ)": [dv.in_units(v["reverse_kl"], base) for v in values],
        "JS": [dv.in_units(v["js"], base) for v in values],
        "TV": [v["tv"] for v in values],
        "W1": [v["w1"] for v in values],
    }
    at0 = dv.shifted_lines(0.0)
    near0 = dv.shifted_lines(1e-9)  # the limit θ → 0: every divergence is constant for θ ≠ 0
    jumps = {
        "KL(Pθ‖P0)": (dv.in_units(at0["kl"], base), dv.in_units(near0["kl"], base)),
        "JS": (dv.in_units(at0["js"], base), dv.in_units(near0["js"], base)),
        "TV": (at0["tv"], near0["tv"]),
    }
    return figs.lines_curves(GRID, series, theta, jumps, unit, inf_level=1.25,
                             title="Divergences against θ")


# ---------------------------------------------------------------------------------------------
st.header("1. Two parallel lines")
st.markdown(
    "Take Z uniform on [0, 1]. The real distribution P0 puts all its mass on the vertical segment "
    "{0} × [0, 1]; the generator's Pθ on the segment {θ} × [0, 1]. For every θ ≠ 0 the two "
    "segments share no point."
)
st.latex(r"""
\mathrm{KL}(P_\theta\|P_0)=\mathrm{KL}(P_0\|P_\theta)=\begin{cases}+\infty&\theta\ne0\\0&\theta=0\end{cases}
\qquad
\mathrm{JS}(P_0,P_\theta)=\begin{cases}\log 2&\theta\ne0\\0&\theta=0\end{cases}
\qquad
\mathrm{TV}=\begin{cases}1&\theta\ne0\\0&\theta=0\end{cases}
\qquad
W(P_0,P_\theta)=|\theta|
""")
clean("div_theta", -1.0, 1.0, 0.5)
theta = st.slider("θ (shift of the generated line)", -1.0, 1.0, 0.5, 0.01, key="div_theta")

try:
    lines = dv.shifted_lines(theta)
except ValueError as err:
    st.error(str(err))
    st.stop()

# units in the labels: five values side by side must fit a projector column
cols = st.columns(5)
cols[0].metric(f"KL(Pθ‖P0), {UNIT}", ui.fmt(to_unit(lines["kl"])))
cols[1].metric(f"KL(P0‖Pθ), {UNIT}", ui.fmt(to_unit(lines["reverse_kl"])))
cols[2].metric(f"JS(P0, Pθ), {UNIT}", ui.fmt(to_unit(lines["js"])))
cols[3].metric("TV(P0, Pθ)", ui.fmt(lines["tv"]))
cols[4].metric("W(P0, Pθ)", ui.fmt(lines["w1"]))
if theta != 0:
    st.caption(
        f"KL is ∞ because Pθ puts all its mass where P0 has density 0 (and vice versa). "
        f"JS is log 2 = {ui.fmt(to_unit(dv.LOG2), UNIT)} for every θ ≠ 0, however close the lines are."
    )
else:
    st.caption("θ = 0: the two distributions are the same, so every divergence is 0.")

left, right = st.columns([2, 3])
with left:
    ui.show_figure(plane_figure(theta), key="div_fig_plane")
with right:
    ui.show_figure(curves_figure(theta, UNIT, BASE), key="div_fig_curves")
    st.caption("Open circle: the value as θ → 0; filled circle: the value at θ = 0. "
               "KL, JS and TV jump at 0; W is continuous.")

# ---------------------------------------------------------------------------------------------
st.header("2. Gradients: which way should the generator move?")
st.markdown(
    "A generator learns by following the derivative of the divergence with respect to θ. "
    "KL is ∞ on both sides of 0, so it has **no derivative**. JS and TV are constant for θ ≠ 0, "
    "so their derivative is **0**: no signal. W = |θ| has derivative **sign(θ)**: it always points "
    "towards the real data."
)
st.latex(r"\frac{\partial}{\partial\theta}\mathrm{JS}(P_0,P_\theta)=0\ (\theta\ne0),\qquad "
         r"\frac{\partial}{\partial\theta}W(P_0,P_\theta)=\operatorname{sign}\theta")


@st.cache_resource(show_spinner=False, max_entries=8)
def gradients_figure(seed: int, n: int = 200):
    rng = np.random.default_rng(seed)
    z_real, z_fake = rng.random(n), rng.random(n)
    thetas = np.array([-1, -0.75, -0.5, -0.25, -0.1, 0.1, 0.25, 0.5, 0.75, 1.0])
    grads = [dv.sample_w_gradient(t, z_real, z_fake)[1] for t in thetas]
    values = [dv.shifted_lines_gradients(t) for t in GRID]
    series = {name: [g[key] for g in values]
              for name, key in (("KL(Pθ‖P0)", "kl"), ("JS", "js"), ("TV", "tv"), ("W1", "w1"))}
    return figs.lines_gradients(GRID, series, thetas, grads, title="d/dθ of each divergence")


ui.show_figure(gradients_figure(SEED), key="div_fig_grads")
here = dv.shifted_lines_gradients(theta)
gcols = st.columns(3)
gcols[0].metric("dKL/dθ at this θ", "none", help="KL is ∞ on both sides of 0: no slope exists.")
gcols[1].metric(f"dJS/dθ at this θ ({UNIT})", ui.fmt(to_unit(here["js"])),
                help="JS is log 2 for every θ ≠ 0 and jumps to 0 at θ = 0: no slope there.")
gcols[2].metric("dW/dθ at this θ", ui.fmt(here["w1"], digits=0),
                help="W = |θ| has a kink at 0: any slope in [−1, 1] is a subgradient there.")
st.caption("The crosses are computed for real: 200 samples on each line, POT's exact optimal "
           "transport (`ot.emd2` on torch tensors) and `backward()` to θ. They sit near ±1.")

st.subheader("Gradient descent from θ0")
st.markdown("Both generators start at the same θ0 and take steps θ ← θ − η·dD/dθ. "
            "The W gradient comes from 100 samples per line (POT + autograd); the JS gradient is "
            "its exact value, 0.")
st.latex(r"\theta_{k+1}=\theta_k-\eta\,\frac{\partial}{\partial\theta}D(P_0,P_{\theta_k})")
c1, c2, c3 = st.columns(3)
clean("div_theta0", -1.0, 1.0, 0.8)
clean("div_lr", 0, 1, 0.1, choices=[0.02, 0.05, 0.1, 0.2])
clean("div_steps", 5, 60, 25)
theta0 = c1.slider("starting θ0", -1.0, 1.0, 0.8, 0.05, key="div_theta0")
lr = c2.select_slider("learning rate η", [0.02, 0.05, 0.1, 0.2], value=0.1, key="div_lr")
steps = c3.slider("steps", 5, 60, 25, 1, key="div_steps")


@st.cache_resource(show_spinner=False, max_entries=32)
def descent(theta0: float, lr: float, steps: int, seed: int):
    path = dv.gradient_descent(theta0, lr, steps, n=100, seed=seed)
    return (path, figs.descent_paths(path["theta_w"], path["theta_js"], title="θ_k step by step"),
            figs.descent_animation(path["theta_w"], path["theta_js"], title="Press ▶ Play"))


try:
    path, fig_path, fig_anim = descent(theta0, lr, steps, SEED)
except ValueError as err:
    st.error(str(err))
else:
    dcols = st.columns(3)
    dcols[0].metric("θ after descent on W", f"{path['theta_w'][-1]:.4f}",
                    delta=f"{path['theta_w'][-1] - theta0:+.4f}", delta_color="off")
    dcols[1].metric("θ after descent on JS", f"{path['theta_js'][-1]:.4f}",
                    delta=f"{path['theta_js'][-1] - theta0:+.4f}", delta_color="off")
    dcols[2].metric("sample W at the end", f"{path['w'][-1]:.4f}")
    a, b = st.columns(2)
    with a:
        ui.show_figure(fig_path, key="div_fig_descent")
    with b:
        ui.show_figure(fig_anim, key="div_fig_anim")
    st.caption("Under W the generated line walks to the real one (near 0 it jitters within about "
               "one step, because the sample gradient is ±1 there). Under JS it never moves.")

# ---------------------------------------------------------------------------------------------
st.header("3. Estimating W and JS from samples")
st.markdown(
    "In practice we only have samples. **W** is estimated exactly on the samples by optimal "
    "transport (POT's `ot.emd2`, each point carrying mass 1/n). **JS** is estimated with a trained "
    "discriminator: a logistic-regression classifier D told to say 1 on P0 and 0 on Pθ. "
    "With a balanced mix the smallest possible mean binary cross-entropy is log 2 − JS (in nats), so"
)
st.latex(r"\widehat{\mathrm{JS}}=\log 2-\min_D\Big(-\tfrac12\,\overline{\log D(x_{\text{real}})}"
         r"-\tfrac12\,\overline{\log\big(1-D(x_{\text{fake}})\big)}\Big)\quad\text{(nats)}")
clean("div_n", 5, 1000, 40)
n = st.slider("n, points from each distribution (θ from section 1)", 5, 1000, 40, 5, key="div_n")


@st.cache_resource(show_spinner=False, max_entries=32)
def sample_estimates(theta: float, n: int, seed: int):
    real, fake = dv.sample_shifted_lines(theta, n, np.random.default_rng(seed))
    plan = dv.transport_plan(real, fake) if n <= 60 else None
    title = "Samples and the optimal transport plan" if plan else "Samples (plan drawn for n ≤ 60)"
    return (dv.wasserstein_samples(real, fake), dv.js_from_samples(real, fake),
            figs.lines_plane(theta, real, fake, plan, title=title))


@st.cache_resource(show_spinner=False, max_entries=32)
def convergence(theta: float, seed: int, unit: str, base: float):
    conv = dv.lines_convergence(theta, [10, 20, 50, 100, 200, 400], repeats=3, seed=seed + 1)
    exact = dv.shifted_lines(theta)
    return figs.convergence(conv["n"], conv["w"], dv.in_units(conv["js"], base), exact["w1"],
                            dv.in_units(exact["js"], base), unit,
                            title="Estimates approach the exact values as n grows")


try:
    w_hat, js_hat, fig_samples = sample_estimates(theta, n, SEED)
    fig_conv = convergence(theta, SEED, UNIT, BASE)
except ValueError as err:
    st.error(str(err))
else:
    ecols = st.columns(4)
    ecols[0].metric("W from samples", f"{w_hat:.4f}", delta=f"{w_hat - lines['w1']:+.4f} vs exact",
                    delta_color="off")
    ecols[1].metric("W exact", f"{lines['w1']:.4f}")
    ecols[2].metric(f"JS from samples, {UNIT}", ui.fmt(to_unit(js_hat["js"])),
                    delta=f"{to_unit(js_hat['js'] - lines['js']):+.2e} vs exact", delta_color="off")
    ecols[3].metric(f"JS exact, {UNIT}", ui.fmt(to_unit(lines["js"])))
    a, b = st.columns([2, 3])
    with a:
        ui.show_figure(fig_samples, key="div_fig_samples")
    with b:
        ui.show_figure(fig_conv, key="div_fig_conv")
    st.caption(
        "Each grey line moves mass 1/n from a real point to a generated one; W is the average length. "
        "The discriminator here sees both coordinates and has a tiny ridge penalty so that it stays "
        "finite when the two clouds can be separated (then JŜ is log 2 to about 10⁻⁵ nats); at θ = 0 it "
        "overfits a little on small samples, so JŜ is slightly above 0 and shrinks as n grows."
    )

# ---------------------------------------------------------------------------------------------
st.header("4. The discriminator saturates, the critic does not")
st.markdown(
    "Real data N(μ_real, σ²), generated N(μ_fake, σ²) — the WGAN paper's Figure 2. "
    "The optimal GAN discriminator is D* = p_real / (p_real + p_fake). When the two are far apart "
    "it is a flat 0 on the fake samples, so its slope there (the generator's signal) vanishes. "
    "The WGAN critic is a 1-Lipschitz function f maximising E_real f − E_fake f; here f(x) = x "
    "(up to a constant), whose slope is 1 wherever the fake samples are."
)
st.latex(r"D^*(x)=\frac{p_r(x)}{p_r(x)+p_g(x)},\qquad "
         r"W_1=\max_{\|f\|_L\le1}\ \mathbb E_{p_r}f-\mathbb E_{p_g}f,\quad f'=\operatorname{sign}(F_g-F_r)")
c1, c2 = st.columns(2)
clean("div_gap", 0.0, 10.0, 2.0)
clean("div_sigma4", 0.2, 3.0, 1.0)
gap = c1.slider("gap μ_real − μ_fake", 0.0, 10.0, 2.0, 0.25, key="div_gap")
sigma4 = c2.slider("σ (both)", 0.2, 3.0, 1.0, 0.1, key="div_sigma4")


@st.cache_resource(show_spinner=False, max_entries=64)
def wgan_section(gap: float, sigma: float):
    pic = dv.wgan_picture(gap, 0.0, sigma)
    fig = figs.discriminator_and_critic(pic["x"], pic["p_real"], pic["p_fake"], pic["d_star"],
                                        pic["critic"], title="D* and the critic")
    return dv.discriminator_vs_critic(gap, 0.0, sigma), fig


@st.cache_data(show_spinner=False, max_entries=32)
def gap_curve(sigma: float):
    gaps = np.linspace(0.1, 10.0, 100)
    res = [dv.discriminator_vs_critic(g, 0.0, sigma) for g in gaps]
    return gaps, np.array([r["disc_grad"] for r in res]), np.array([r["critic_grad"] for r in res])


@st.cache_resource(show_spinner=False, max_entries=64)
def gap_figure(gap: float, sigma: float):
    return figs.gradient_vs_gap(*gap_curve(sigma), gap, title="Signal on fake samples as the gap grows")


try:
    here4, fig_wgan = wgan_section(gap, sigma4)
    fig_gap = gap_figure(gap, sigma4)
except ValueError as err:
    st.error(str(err))
else:
    m = st.columns(3)
    m[0].metric("mean D* on fake samples", f"{here4['disc_on_fake']:.3g}")
    m[1].metric("mean |dD*/dx| on fake samples", f"{here4['disc_grad']:.3g}")
    m[2].metric("mean |df/dx| of the critic", f"{here4['critic_grad']:.3g}")
    a, b = st.columns(2)
    with a:
        ui.show_figure(fig_wgan, key="div_fig_wgan")
    with b:
        ui.show_figure(fig_gap, key="div_fig_gap")

# ---------------------------------------------------------------------------------------------
st.header("5. Two Gaussians, closed form")
st.markdown(
    "p = N(μ1, σ1²) with μ1 = 0 and q = N(μ2, σ2²). Shrink σ and the Gaussians become spikes: "
    "the picture turns into the parallel lines — KL explodes, JS sticks at log 2, "
    "while W1 and W2 tend to |μ2 − μ1|."
)
st.latex(r"\mathrm{KL}(p\|q)=\log\frac{\sigma_2}{\sigma_1}+\frac{\sigma_1^2+(\mu_1-\mu_2)^2}{2\sigma_2^2}-\frac12,"
         r"\qquad W_2=\sqrt{(\mu_1-\mu_2)^2+(\sigma_1-\sigma_2)^2}")
st.latex(r"W_1=\mathbb E\,|\Delta\mu+\Delta\sigma Z|,\ Z\sim N(0,1),\qquad "
         r"\mathrm{JS}=\tfrac12\mathrm{KL}(p\|m)+\tfrac12\mathrm{KL}(q\|m),\ m=\tfrac{p+q}2\ \text{(numerical)}")
SIGMAS = [2.0, 1.0, 0.5, 0.2, 0.1, 0.05, 0.02, 0.01]
c1, c2, c3 = st.columns(3)
clean("div_mu2", -4.0, 4.0, 1.0)
clean("div_sigma1", 0, 0, 1.0, choices=SIGMAS)
clean("div_sigma2", 0, 0, 1.0, choices=SIGMAS)
clean("div_same_sigma", 0, 0, True, choices=[True, False])
mu2 = c1.slider("μ2", -4.0, 4.0, 1.0, 0.1, key="div_mu2")
sigma1 = c2.select_slider("σ1", SIGMAS, value=1.0, key="div_sigma1")
same = c3.checkbox("σ2 = σ1", value=True, key="div_same_sigma")
sigma2 = sigma1 if same else c3.select_slider("σ2", SIGMAS, value=1.0, key="div_sigma2")


@st.cache_data(show_spinner=False, max_entries=64)
def gaussian_sweep(s1: float, s2: float):
    mus = np.round(np.linspace(-4, 4, 81), 10)
    rows = [dv.gaussians(0.0, s1, m, s2) for m in mus]
    return mus, {k: np.array([r[k] for r in rows]) for k in rows[0]}


@st.cache_resource(show_spinner=False, max_entries=64)
def gaussian_section(mu2: float, s1: float, s2: float, unit: str, base: float):
    row = dv.gaussians(0.0, s1, mu2, s2)
    half = max(s1, s2) * 4
    xg = np.linspace(min(0.0, mu2) - half, max(0.0, mu2) + half, 800)
    dens = figs.gaussian_densities(xg, np.exp(dv.gaussian_logpdf(xg, 0.0, s1)),
                                   np.exp(dv.gaussian_logpdf(xg, mu2, s2)), title="The two densities")
    mus, sweep = gaussian_sweep(s1, s2)
    curves = figs.gaussian_curves(mus, dv.in_units(sweep["kl"], base), dv.in_units(sweep["reverse_kl"], base),
                                  dv.in_units(sweep["js"], base), sweep["w1"], sweep["w2"], mu2, unit,
                                  title="As μ2 moves")
    return row, dens, curves


try:
    g, fig_dens, fig_gcurves = gaussian_section(mu2, sigma1, sigma2, UNIT, BASE)
except ValueError as err:
    st.error(str(err))
else:
    m = st.columns(5)
    m[0].metric(f"KL(p‖q), {UNIT}", ui.fmt(to_unit(g["kl"])))
    m[1].metric(f"KL(q‖p), {UNIT}", ui.fmt(to_unit(g["reverse_kl"])))
    m[2].metric(f"JS(p, q), {UNIT}", ui.fmt(to_unit(g["js"])))
    m[3].metric("W1", ui.fmt(g["w1"]))
    m[4].metric("W2", ui.fmt(g["w2"]))
    a, b = st.columns([2, 3])
    with a:
        ui.show_figure(fig_dens, key="div_fig_gauss")
    with b:
        ui.show_figure(fig_gcurves, key="div_fig_gauss_curves")

# ---------------------------------------------------------------------------------------------
st.header("6. Support and infinite KL")
st.markdown(
    "KL(P‖Q) = Σ P(x) log(P(x)/Q(x)) is finite **only if supp P ⊆ supp Q**: one outcome that P "
    "allows and Q forbids costs log(P(x)/0) = ∞. JS and W stay finite in every case."
)
PRESETS = list(dv.SUPPORT_PRESETS)
if not st.session_state.get("_div_preset_init"):
    # a teacher's link …/divergences?preset=disjoint picks the starting preset, once per session
    st.session_state["_div_preset_init"] = True
    wanted = st.query_params.get("preset")
    if wanted in PRESETS:
        st.session_state["div_preset"] = wanted
clean("div_preset", 0, 0, PRESETS[0], choices=PRESETS)
preset = st.radio("Preset", PRESETS, key="div_preset", horizontal=True,
                  format_func=lambda k: dv.SUPPORT_PRESETS[k][0])


@st.cache_resource(show_spinner=False, max_entries=8)
def support_section(preset: str):
    label, p, q = dv.SUPPORT_PRESETS[preset]
    return dv.support_divergences(p, q), figs.support_bars(np.arange(len(p)), p, q, title=label)


try:
    sd, fig_support = support_section(preset)
except ValueError as err:
    st.error(str(err))
else:
    a, b = st.columns([3, 2])
    with a:
        ui.show_figure(fig_support, key="div_fig_support")
    with b:
        st.metric("KL(P‖Q)", ui.fmt(to_unit(sd["kl"]), UNIT))
        st.caption(sd["kl_reason"])
        st.metric("KL(Q‖P)", ui.fmt(to_unit(sd["reverse_kl"]), UNIT))
        st.caption(sd["reverse_kl_reason"])
        st.markdown(f"JS = **{ui.fmt(to_unit(sd['js']), UNIT)}** · TV = **{ui.fmt(sd['tv'])}** · "
                    f"W1 = **{ui.fmt(sd['w1'])}**")


@st.cache_data(show_spinner=False, max_entries=4)
def support_summary(base: float) -> str:
    rows = ["| preset | KL(P‖Q) | KL(Q‖P) | JS | W1 |", "|---|---|---|---|---|"]
    for label, p_, q_ in dv.SUPPORT_PRESETS.values():
        d = dv.support_divergences(p_, q_)
        rows.append(f"| {label} | {ui.fmt(dv.in_units(d['kl'], base))} | {ui.fmt(dv.in_units(d['reverse_kl'], base))} "
                    f"| {ui.fmt(dv.in_units(d['js'], base))} | {ui.fmt(d['w1'])} |")
    return "\n".join(rows)


st.markdown(f"All three side by side (KL and JS in {UNIT}): KL is finite only when one support "
            "sits inside the other, and only in that direction; JS and W1 always give a number.")
st.markdown(support_summary(BASE))
