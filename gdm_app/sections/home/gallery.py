"""Home: a gallery of each page's key figure, small, each under a link to its page.

The thumbnails come from the pages' own figure builders on shipped data or the pages'
defaults (the uneven die, samples of the parallel lines and their transport plan, the four
Minimax runs, the shipped WGAN-GP run, the shipped VAE's plane, the latent-dimension study,
the default 2-D Gaussian), stripped to a plain picture (no title, legend, ticks or buttons).

They are shown as PNG files drawn from those figures (``assets/thumbs/``, light and dark), not
as live charts: the home page is every student's first page, and eight Plotly charts made it
wait for Plotly's 4.7 MB script and for the maths modules (POT, scipy.stats) behind the
figures — a cold start of several seconds. ``python -m gdm_app.sections.home.render`` draws the
files again (headless Chromium, Plotly's own renderer); ``manifest.json`` keeps a fingerprint of
each figure's numbers, and a test fails when a builder's figure no longer matches its picture.
A missing file falls back to drawing the figure live. Writes nothing.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import plotly.graph_objects as go
import streamlit as st

from gdm_app import ui
from gdm_app.ui import present

THUMB_HEIGHT = 200
COLUMNS = 4

# (page file, what its picture shows: a short line under it)
CARDS = [
    ("information.py", "Surprise of each face of a die and their average, the entropy."),
    ("divergences.py", "Two lines that never meet, and the earth mover's plan between "
                       "them."),
    ("fitting.py", "One Gaussian fitted to two modes: forward KL covers both, reverse KL "
                   "picks one."),
    ("minimax.py", "Four ways of playing min max xy: spiral out, orbit, converge."),
    ("gan.py", "A WGAN-GP's fakes covering a ring of 8 Gaussians."),
    ("vae.py", "The 2-D latent plane of a VAE, decoded tile by tile."),
    ("vae-why.py", "−ELBO against the latent dimension d = 2 … 50."),
    ("gaussians.py", "A 2-D Gaussian, its marginal and its conditional."),
]


def thumbnail(fig: go.Figure) -> go.Figure:
    """A copy of ``fig`` as a small picture: no title, legend, tick labels, axis titles,
    annotations, colour bars, bar labels, buttons or animation frames (the builders' figures
    may be shared)."""
    fig = go.Figure(fig)
    fig.frames = []
    fig.layout.annotations, fig.layout.updatemenus, fig.layout.sliders = (), (), ()
    for trace in fig.data:  # colour bars and value labels are unreadable at this size
        if "showscale" in trace:
            trace.showscale = False
        if trace.type == "bar":
            trace.text = None
    fig.update_layout(height=THUMB_HEIGHT, title=None, showlegend=False,
                      margin=dict(l=6, r=6, t=6, b=6))
    fig.update_xaxes(showticklabels=False, title=None, ticks="")
    fig.update_yaxes(showticklabels=False, title=None, ticks="")
    return fig


def _information(unit: str) -> go.Figure:
    from gdm_core import information as info
    from gdm_core.units import LOG_BASE
    from gdm_app.figures import information as figs
    from gdm_app.sections.information.die import DIE_PRESETS, FACES, PAGE_DEFAULT

    die, base = np.asarray(DIE_PRESETS[PAGE_DEFAULT]), LOG_BASE[unit]
    return thumbnail(figs.surprise_bars(die, info.information_content(die, base=base),
                                        info.entropy(die, base=base), unit, FACES))


def _divergences() -> go.Figure:
    from gdm_core import divergences as dv
    from gdm_core import transport
    from gdm_app.figures import divergences as figs
    from gdm_app.sections.divergences import THETA_DEFAULT

    real, fake = dv.sample_shifted_lines(THETA_DEFAULT, 30, np.random.default_rng(0))
    return thumbnail(figs.lines_plane(THETA_DEFAULT, real, fake,
                                      transport.transport_plan(real, fake)))


def _fitting() -> go.Figure:
    from gdm_core import fitting
    from gdm_app.figures import fitting as figs
    from gdm_app.sections.fitting import LEFT_WEIGHT, gaussian

    p = fitting.DEFAULT_MIXTURE
    fits = gaussian.fits(LEFT_WEIGHT, -1.0, 1.0)  # the page's default start, its cache
    x = gaussian.X
    return thumbnail(figs.four_fits(
        x, np.exp(fitting.mixture_logpdf(x, *(np.asarray(a) for a in p))),
        {d: gaussian.normal_pdf(x, fits[d]["mu"], fits[d]["sigma"])
         for d in ("forward-kl", "reverse-kl")}, fitting.LABELS))


def _minimax() -> go.Figure:
    from gdm_core import games
    from gdm_app.figures import games as figs
    from gdm_app.sections.minimax.controls import DEFAULT

    paths = {m: games.simulate(m, (DEFAULT["x0"], DEFAULT["y0"]), DEFAULT["lr"],
                               DEFAULT["steps"]).path for m in DEFAULT["methods"]}
    return thumbnail(figs.trajectories(paths, animate=False))


def _gan() -> go.Figure:
    from gdm_core import gan
    from gdm_app.figures import gan as figs

    run = gan.load_preset_run("wgan-gp")
    return thumbnail(figs.frame_figure_from_run(run, run.n_frames - 1))


def _vae() -> go.Figure:
    # the shipped model, whatever checkpoint a session's VAE page points at (a test's broken
    # file must not reach the home page's thumbnail)
    from gdm_core import paths, vae
    from gdm_app.figures import vae as figs
    from gdm_app.sections.vae import load_frozen, stamp

    z = vae.latent_grid(10)
    net = load_frozen(stamp(paths.checkpoint_path()))[0]
    return thumbnail(figs.manifold_figure(vae.decode_images(net, z), z, 10))


def _vae_why(unit: str) -> go.Figure:
    from gdm_core import vae
    from gdm_core.units import from_nats
    from gdm_app.figures import latent as figs

    study = vae.load_latent_dims()
    return thumbnail(figs.latent_dim_bars(
        [r["d"] for r in study], [from_nats(r["reconstruction"], unit) for r in study],
        [from_nats(r["kl"], unit) for r in study], [from_nats(r["neg_iw"], unit) for r in study],
        unit=unit))


def _gaussians() -> go.Figure:
    from gdm_core import gaussians as gs
    from gdm_app.figures import gaussians as figs
    from gdm_app.sections.gaussians import covariance

    mu, cov, x_b = np.zeros(2), covariance(1.0, 1.0, 0.8), 1.0  # the page's defaults
    m_mean, m_cov = gs.marginal(mu, cov, [0])
    c_mean, c_cov = gs.condition(mu, cov, [0], [1], [x_b])
    x, y, dens = gs.density_grid_2d(mu, cov, n=61, lim=3.5)
    line = np.linspace(-4.0, 4.0, 201)

    def normal(mean, var):
        return np.exp(gs.logpdf(line[:, None], np.array([mean]), np.array([[var]])))

    return thumbnail(figs.density_with_slices(x, y, dens, line, normal(m_mean[0], m_cov[0, 0]),
                                              x_b, line, normal(c_mean[0], c_cov[0, 0])))


# The pictures do not depend on the unit (no tick labels): drawn in bits.
FIGURES = {
    "information.py": lambda: _information("bits"),
    "divergences.py": _divergences,
    "fitting.py": _fitting,
    "minimax.py": _minimax,
    "gan.py": _gan,
    "vae.py": _vae,
    "vae-why.py": lambda: _vae_why("bits"),
    "gaussians.py": _gaussians,
}

THUMBS = ui.ASSETS / "thumbs"
MANIFEST = THUMBS / "manifest.json"
IMAGE_SIZE = (360, 240)    # CSS px, drawn at 2x: about a 1920-px screen's card, sharp


def image_path(file: str, dark: bool = False) -> Path:
    return THUMBS / f"{file[:-3]}{'-dark' if dark else ''}.png"


def _round(value, digits: int = 5):
    if isinstance(value, float):
        return float(f"{value:.{digits}g}") if math.isfinite(value) else str(value)
    if isinstance(value, dict):
        return {k: _round(v, digits) for k, v in sorted(value.items())}
    if isinstance(value, (list, tuple)):
        return [_round(v, digits) for v in value]
    return value


def fingerprint(fig: go.Figure) -> dict:
    """What a picture shows, in numbers: per trace its type and, per data array, the count,
    min, max and mean of its finite values (5 significant digits); the layout without the
    template, its floats rounded. Two figures that draw the same picture agree."""
    traces = []
    for trace in fig.data:
        entry = {"type": trace.type}
        for name in ("x", "y", "z"):
            value = getattr(trace, name, None)
            if value is None:
                continue
            try:
                a = np.asarray(value, dtype=float).ravel()
            except (TypeError, ValueError):   # category labels
                entry[name] = [str(v) for v in value]
                continue
            a = a[np.isfinite(a)]
            entry[name] = _round([a.size, *(float(f(a)) for f in (np.min, np.max, np.mean))]
                                 if a.size else [0])
        traces.append(entry)
    layout = fig.layout.to_plotly_json()
    layout.pop("template", None)
    return {"traces": traces, "layout": _round(json.loads(json.dumps(layout, default=str)))}


def _card(file: str, title: str, icon: str, text: str) -> None:
    ui.page_link(file, f"**{title}**", icon=icon)
    key = f"home_fig_{file[:-3].replace('-', '_')}"  # "-" would break the element id's parts
    path = image_path(file, present.dark())
    if path.is_file():
        st.image(str(path), width="stretch")
    else:                                # a checkout without the pictures: draw it live
        ui.guarded(lambda: ui.show_figure(FIGURES[file](), key=key, static=True),
                   f"Gallery: {title}")()
    st.caption(text)


def show() -> None:
    """The gallery, COLUMNS cards per row, in the order of the app's menu."""
    pages = {file: (title, icon) for file, title, _, icon, _ in ui.PAGES}
    cards = [(file, *pages[file], text) for file, text in CARDS if file in pages]
    for start in range(0, len(cards), COLUMNS):
        for col, card in zip(st.columns(COLUMNS), cards[start:start + COLUMNS]):
            with col:
                _card(*card)
