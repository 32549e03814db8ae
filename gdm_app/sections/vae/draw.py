"""VAE: draw a digit and see where the encoder puts it, what the decoder makes of it, and what
the autoencoder does with it.

The canvas (``streamlit-drawable-canvas``, 280 × 280 px, black ink) is area-averaged to 28 × 28
(``gdm_core.drawing``: boxed 20 × 20 and centred as MNIST's digits are, unless
``vae_draw_centre`` is off) and binarised as every test digit is (``vae.model_input``): that
binary image is what both models see. The VAE (the page's model) gives μ(x), q(z|x)'s ellipses
on the plane of the test digits' codes, the true posterior and the ELBO by quadrature
(``posterior.elbo_gap``, as the *ELBO gap* tab of *Why a VAE*) and its reconstruction; the
autoencoder (``checkpoints/ae2d``) its code on its own plane and its reconstruction.

Writes ``vae_draw_centre`` (bound to the URL) and ``_vae_canvas_n`` (Clear: a new canvas).

**Test seam.** AppTest cannot draw on a canvas: a test puts an ink image (H, W) with values in
[0, 1] (row 0 at the top) in ``st.session_state["_vae_canvas_ink"]``, and the section reads it
instead of the canvas's picture (it stays until the test removes it).
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from gdm_core import autoencoder as ae
from gdm_core import classifier, drawing, posterior, vae
from gdm_app import ui
from gdm_app.figures import drawn as drawn_figs
from gdm_app.figures import latent as latent_figs
from gdm_app.figures import vae as figs
from gdm_app.sections.layout import headline
from gdm_app.sections.vae import codes, digits, load_frozen, model, stamp

PX = 280          # the canvas: ten canvas pixels per MNIST pixel
STROKE = 22       # MNIST's strokes are 2–3 pixels wide once boxed 20 × 20
SEAM = "_vae_canvas_ink"
ORDER = 20        # Gauss–Hermite points per axis, as the ELBO-gap tab
RADII = {p: vae.prior_mass_radius(p) for p in (0.5, 0.9, 0.99)}


def _ae_stamp() -> tuple:
    from gdm_app.sections.vae.versus import _paths

    return stamp(_paths()["ae"])


@st.cache_data(max_entries=64, show_spinner="Encoding your digit and integrating its "
                                            "posterior…")
def analyse(vae_key: tuple, ae_key: tuple, bits: bytes) -> dict:
    """Everything the tab shows about one binary digit (784 bytes of 0/1), both models."""
    x = np.frombuffer(bits, dtype=np.uint8).astype(np.float32).reshape(1, 784)
    net = load_frozen(vae_key)[0]
    mu, logvar = vae.encode_mean(net, x)
    gap = posterior.elbo_gap(net, x[0], order=ORDER)
    ae_net = load_frozen(ae_key)[0]
    code = ae.codes(ae_net, x)
    return {
        "mu": mu[0].astype(float), "var": np.exp(logvar[0]).astype(float),
        "recon": vae.reconstruct(net, x)[0], "elbo": gap.elbo, "log_px": gap.log_px,
        "gap": gap.gap, "kl_prior": gap.kl_prior, "reconstruction": gap.reconstruction,
        "grid": gap.grid,
        "ae_code": code[0].astype(float), "ae_recon": ae.decode(ae_net, code)[0],
        "ae_nats": float(ae.reconstruction_nats(ae_net, x)[0]),
    }


@st.cache_data(max_entries=4, show_spinner=False)
def _ae_codes(key: tuple) -> np.ndarray:
    return ae.codes(load_frozen(key)[0], digits()[2])


@st.cache_resource(show_spinner=False)
def _judge():
    return classifier.load_classifier()


def _canvas_ink() -> np.ndarray | None:
    if st.session_state.get(SEAM) is not None:
        return np.asarray(st.session_state[SEAM], dtype=float)
    from streamlit_drawable_canvas import st_canvas

    result = st_canvas(stroke_width=STROKE, stroke_color="#000000", background_color="#ffffff",
                       height=PX, width=PX, drawing_mode="freedraw", return_image_data=True,
                       key=f"vae_canvas_{st.session_state.get('_vae_canvas_n', 0)}")
    image = result.image_data
    if image is None or not (result.json_data or {}).get("objects"):
        return None
    return drawing.ink_from_rgba(image)


@ui.section("Draw a digit")
def show() -> None:
    headline("Draw a digit: the encoder places it among the test digits, the decoder draws "
             "it back.")
    _, labels, _ = digits()
    mu_all, _ = codes()
    left, right = st.columns([1, 1.55])
    with left:
        ink = _canvas_ink()
        centre = ui.toggle("box and centre it as MNIST's digits", True, key="vae_draw_centre",
                           help="MNIST's digits were scaled into a 20 × 20 box and centred by "
                                "their centre of mass in the 28 × 28 field: the VAE has only "
                                "seen digits made so.")
        if st.button("Clear", icon=":material/delete:", key="vae_draw_clear"):
            st.session_state["_vae_canvas_n"] = st.session_state.get("_vae_canvas_n", 0) + 1
            st.session_state.pop(SEAM, None)
            st.rerun()
    empty = ink is None or not (ink > 0.05).any()
    if empty:
        with right:
            ui.show_figure(drawn_figs.code_on_plane(mu_all, labels, [np.nan, np.nan],
                                                    radii=RADII, title="Test digits' μ(x)"),
                           key="vae_fig_draw_plane")
            st.info("Draw a digit in the white square (hold the mouse button down), as large "
                    "as the square.")
        return
    grey = drawing.mnist_digit(ink) if centre else drawing.plain_digit(ink)
    x = vae.model_input(drawing.to_grey_levels(grey)[None])  # binarised as the test digits
    r = analyse(stamp(), _ae_stamp(), x.astype(np.uint8).tobytes())
    read = int(_judge().predict(grey.reshape(1, 784).astype(np.float32))[0])
    unit = ui.units()

    def fmt(v):
        return ui.fmt(ui.to_units(v), None, 3)

    cov = np.diag(r["var"])
    with right:
        ui.show_figure(drawn_figs.code_on_plane(
            mu_all, labels, r["mu"], cov, RADII,
            title=f"Your digit at μ(x) = ({r['mu'][0]:.2f}, {r['mu'][1]:.2f})"),
            key="vae_fig_draw_plane")
    near = labels[np.argsort(np.linalg.norm(mu_all - r["mu"], axis=1))[:25]]
    nearest = int(np.bincount(near, minlength=10).argmax())
    st.markdown(
        f"The classifier reads your digit as a **{read}**; the VAE puts it among the "
        f"**{nearest}s** (the most common label of the 25 nearest test digits). The ellipses are "
        f"q(z|x)'s 1σ and 2σ: σ = ({np.sqrt(r['var'][0]):.2f}, {np.sqrt(r['var'][1]):.2f}).")
    c = st.columns([1.2, 1, 1])
    with c[0]:
        ui.show_figure(figs.image_grid(
            np.stack([x.reshape(28, 28), r["recon"], r["ae_recon"]]), 3,
            ["what the models see: your digit, 28 × 28, binarised",
             "VAE: decode(μ(x))", "autoencoder: decode(f(x))"],
            title="Input · VAE · autoencoder", height=230), key="vae_fig_draw_images")
    with c[1]:
        st.metric(f"−ELBO ({unit})", fmt(-r["elbo"]),
                  help="−(E_q[log p(x|z)] − KL(q ‖ p(z))), the reconstruction term by a "
                       f"{ORDER}×{ORDER} Gauss–Hermite rule, the KL exact.")
        st.metric(f"−log p(x) ({unit})", fmt(-r["log_px"]),
                  help="By quadrature over the latent plane (posterior.elbo_gap).")
    with c[2]:
        st.metric(f"ELBO gap ({unit})", fmt(r["gap"]),
                  help="log p(x) − ELBO = KL(q(z|x) ‖ p(z|x)): the encoder's error.")
        st.metric(f"AE: −log p(x|f(x)) ({unit})", fmt(-r["ae_nats"]),
                  help="The autoencoder's reconstruction error; it has no prior, so no "
                       "ELBO and no log p(x).")
    a, b = st.columns(2)
    g = r["grid"]
    with a:
        ui.show_figure(latent_figs.posterior_heatmap(
            g.z1, g.z2, ui.to_units(g.log_post), g.q_mean, g.q_cov,
            title="True posterior p(z|x) of your digit", floor=ui.to_units(-12.0), unit=unit,
            height=420), key="vae_fig_draw_posterior")
    with b:
        ui.show_figure(drawn_figs.code_on_plane(
            _ae_codes(_ae_stamp()), labels, r["ae_code"], None, None,
            title=f"Autoencoder: f(x) = ({r['ae_code'][0]:.1f}, {r['ae_code'][1]:.1f})",
            what="f(x)", height=420), key="vae_fig_draw_ae")
    st.caption("Left: the exact posterior on a grid (colour) against the encoder's Gaussian "
               "q(z|x) (ellipses) — where they disagree, the ELBO pays the gap. Right: the "
               "autoencoder's code of the same input among its codes of the test digits (its "
               "own plane: a deterministic code, no prior, no ellipse).")
