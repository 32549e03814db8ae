"""Claims tests (issue 18, "every picture proves its sentence"): each page below is opened at
its defaults in AppTest, the numbers it shows are read back, recomputed here independently
(scipy quadrature, grid quadrature written out here, closed forms, Monte Carlo) and the
comparative sentence the page shows is asserted on them. Every number follows the sidebar's
unit, so the unit-bearing views are checked in bits and in nats.

* Why a VAE → ELBO gap: the default digit's gap is large and q(z|x) is visibly off the true
  posterior; the importance-weighted curve is drawn as an estimate, with log p(x) drawn.
* Why a VAE → Reparameterisation: the default f shows the variance gap; the sentence states
  the measured ratio; the "exact" line sits at the exact gradient.
* Divergences → Two Gaussians: σ2 ≠ σ1 by default, so KL(p‖q) ≠ KL(q‖p).
* Gaussians → KL between Gaussians: the picture comes first and draws P and Q.
* Information → Surprise, Many rolls: the default die is not fair, so neither is trivial.
* Units: the posterior's colour bar and the Normal/Cauchy legend follow the sidebar.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
import torch
from scipy import integrate, special, stats

from gdm_core import paths, vae
from gdm_core.checkpoints import load_vae
from gdm_core.data import load_mnist
from tests.conftest import chart, metric_values, no_exception, open_tab, plotly_array, standalone
from tests.conftest import trace

LN2 = math.log(2)
SCALE = {"bits": 1 / LN2, "nats": 1.0}  # nats → the unit


def _num(text: str) -> float:
    return float(text.replace("−", "-").split()[0])


def _pm(text: str) -> tuple[float, float]:
    mean, sd = text.replace("−", "-").split(" ± ")
    return float(mean), float(sd)


def _captions(at) -> str:
    return "\n".join(c.value for c in at.caption)


def _walk(node, parents=()):
    """Every element of the page in order, with the blocks that hold it."""
    yield node, parents
    for child in getattr(node, "children", {}).values():
        yield from _walk(child, parents + (node,))


def _order(at) -> list[str]:
    """The element types of the open tab's content, in page order (charts as their key)."""
    out = []
    for node, _ in _walk(at.main):
        kind = getattr(node, "type", "")
        if kind == "plotly_chart":
            out.append("chart:" + node.proto.id.rsplit("-", 1)[1])
        elif kind in ("latex", "metric", "slider", "markdown", "caption"):
            out.append(kind)
    return out


def _mahalanobis(points: np.ndarray, mean, cov) -> np.ndarray:
    d = points - np.asarray(mean, dtype=float)
    return np.sqrt(np.einsum("ni,ij,nj->n", d, np.linalg.inv(cov), d))


# --- the shipped VAE, written out here -----------------------------------------------------------

@pytest.fixture(scope="module")
def shipped():
    images, labels = load_mnist(paths.MNIST_SAMPLE, "test")
    # the shipped .npz weights in a torch model: the references below run torch's forward
    # pass (and autograd), independently of the NumPy one the page serves
    model = load_vae(paths.SHIPPED_CHECKPOINT)
    for p in model.parameters():
        p.requires_grad_(False)
    return model, vae.model_input(images), labels


def _log_lik(model, x: np.ndarray, z: np.ndarray) -> np.ndarray:
    """log p(x | z) in nats for rows of z: Bernoulli pixels, log σ(ℓ) by scipy's log_expit."""
    with torch.no_grad():
        logits = model.decode(torch.as_tensor(z, dtype=torch.float32)).double().numpy()
    return (x * special.log_expit(logits) + (1 - x) * special.log_expit(-logits)).sum(1)


def _grid(model, x, lo, hi, n):
    z1, z2 = np.linspace(lo[0], hi[0], n), np.linspace(lo[1], hi[1], n)
    Z1, Z2 = np.meshgrid(z1, z2, indexing="xy")
    z = np.c_[Z1.ravel(), Z2.ravel()]
    log_joint = _log_lik(model, x, z) + stats.multivariate_normal(np.zeros(2)).logpdf(z)
    return z, log_joint, (z1[1] - z1[0]) * (z2[1] - z2[0])


@pytest.fixture(scope="module")
def digit_three(shipped):
    """Test digit #3 by a quadrature written here: a coarse 81² grid over q's mean ± 1 finds
    where p(x, z) lives; a fine 141² grid over that region (and q's ±6σ box) gives log p(x)
    (rectangle rule), the posterior's mean, and the ELBO as Σ q (log p(x, z) − log q)."""
    model, x_bin, _ = shipped
    x = x_bin[3].astype(np.float64)
    with torch.no_grad():
        mu, logvar = model.encode(torch.from_numpy(x_bin[3:4]))
    mu, sd = mu[0].double().numpy(), np.exp(0.5 * logvar[0].double().numpy())
    z, lj, _ = _grid(model, x, mu - 1.0, mu + 1.0, 81)
    keep = z[lj > lj.max() - 30]
    lo = np.minimum(keep.min(0) - 0.05, mu - 6 * sd)
    hi = np.maximum(keep.max(0) + 0.05, mu + 6 * sd)
    z, lj, cell = _grid(model, x, lo, hi, 141)
    log_px = special.logsumexp(lj) + math.log(cell)
    post = np.exp(lj - log_px) * cell
    q = stats.multivariate_normal(mu, np.diag(sd ** 2))
    log_q = q.logpdf(z)
    wq = np.exp(log_q) * cell
    return {"log_px": log_px, "elbo": float((wq * (lj - log_q)).sum()), "q_mass": wq.sum(),
            "post_mean": (post[:, None] * z).sum(0), "q_mean": mu, "q_cov": np.diag(sd ** 2),
            "border": max(lj.reshape(141, 141)[[0, -1]].max(),
                          lj.reshape(141, 141)[:, [0, -1]].max()) - lj.max()}


@pytest.fixture(scope="module")
def gap_pages():
    """The ELBO gap tab at its defaults, in bits and in nats (the quadrature is cached)."""
    return {u: standalone("vae-why.py", units=u, why_tab="ELBO gap") for u in ("bits", "nats")}


# --- 1. Why a VAE → ELBO gap ---------------------------------------------------------------------

def test_gap_default_digit_has_a_visible_gap(gap_pages, digit_three):
    """Before: digit #0, a gap of 1.16 bits (q and p(z|x) coincide on screen). After: digit
    #3, 14.4 bits, and the true posterior's mean outside q's 2σ ellipse."""
    at, ref = gap_pages["bits"], digit_three
    no_exception(at)
    assert at.number_input(key="vae_digit").value == 3
    m = metric_values(at)
    log_px, elbo = _num(m["log p(x), quadrature (bits)"]), _num(m["ELBO (bits)"])
    gap, kl = _num(m["log p(x) − ELBO (bits)"]), _num(m["KL(q ‖ p(z|x)) on the grid (bits)"])
    assert ref["q_mass"] == pytest.approx(1, abs=1e-6) and ref["border"] < -25
    assert log_px == pytest.approx(ref["log_px"] / LN2, abs=0.01)
    assert elbo == pytest.approx(ref["elbo"] / LN2, abs=0.01)
    assert gap == pytest.approx((ref["log_px"] - ref["elbo"]) / LN2, abs=0.02)
    assert kl == pytest.approx(gap, abs=0.01)
    assert gap > 10  # "clearly visible": ten bits and more (digit #0: 1.16)
    # The picture: q's ellipses are drawn where the encoder says, and the true posterior's mean
    # (from the heatmap on screen, and from the quadrature here) lies outside the 2σ one.
    fig = chart(at, "vae_fig_posterior")
    mark = trace(fig, "μ(x)")
    np.testing.assert_allclose([plotly_array(mark["x"])[0], plotly_array(mark["y"])[0]],
                               ref["q_mean"], atol=1e-5)
    two = trace(fig, "q(z|x), 2σ")
    ring = np.c_[plotly_array(two["x"]), plotly_array(two["y"])]
    np.testing.assert_allclose(_mahalanobis(ring, ref["q_mean"], ref["q_cov"]), 2, atol=1e-4)
    heat = fig["data"][0]
    z1, z2 = plotly_array(heat["x"]), plotly_array(heat["y"])
    w = 2.0 ** plotly_array(heat["z"])  # log₂ density relative to the peak, in bits
    shown_mean = np.array([(w.sum(0) * z1).sum(), (w.sum(1) * z2).sum()]) / w.sum()
    np.testing.assert_allclose(shown_mean, ref["post_mean"], atol=0.01)
    off = _mahalanobis(ref["post_mean"][None], ref["q_mean"], ref["q_cov"])[0]
    assert off > 2.5
    said = re.search(r"the posterior's mean is (\S+) σ of q from q's mean, outside its 2σ "
                     r"ellipse", _captions(at))
    assert said and float(said.group(1)) == pytest.approx(off, abs=0.1)


def test_gap_digit_zero_was_the_tiny_one(shipped):
    """The old default, by the same quadrature route (gdm_core): a gap of about one bit."""
    from gdm_core import posterior

    model, x_bin, _ = shipped
    g = posterior.elbo_gap(model, torch.from_numpy(x_bin[0]))
    assert 1.0 < g.gap / LN2 < 1.3


@pytest.mark.parametrize("unit", ["bits", "nats"])
def test_posterior_colour_bar_and_captions_follow_the_unit(gap_pages, unit):
    at = gap_pages[unit]
    no_exception(at)
    heat = chart(at, "vae_fig_posterior")["data"][0]
    assert heat["colorbar"]["title"]["text"].endswith(f"({unit})")
    assert heat["zmin"] == pytest.approx(-12 * SCALE[unit])
    assert f"{unit} from the peak" in heat["hovertemplate"]
    other = "nats" if unit == "bits" else "bits"
    assert other not in heat["hovertemplate"] + heat["colorbar"]["title"]["text"]
    text = _captions(at)
    assert f"log scale, {12 * SCALE[unit]:.3g} {unit} deep" in text
    assert re.search(rf"the grid's border is \d+ {unit} below the peak", text)


@pytest.mark.parametrize("unit", ["bits", "nats"])
def test_iw_curve_is_drawn_as_an_estimate_with_log_px(gap_pages, digit_three, unit):
    at = gap_pages[unit]
    m = metric_values(at)
    log_px, elbo = _num(m[f"log p(x), quadrature ({unit})"]), _num(m[f"ELBO ({unit})"])
    assert log_px == pytest.approx(digit_three["log_px"] * SCALE[unit], abs=0.01)
    fig = chart(at, "vae_fig_iw_curve")
    names = [t.get("name") for t in fig["data"]]
    assert names == ["± 1 s.d. of one run", "IW estimate, mean of 5 runs"]
    assert not any("bound, mean" in n for n in names)  # an estimate, not the bound itself
    assert fig["layout"]["yaxis"]["title"]["text"] == f"estimate of 𝓛_k ({unit})"
    curve = trace(fig, "IW estimate, mean of 5 runs")
    ks, mean = plotly_array(curve["x"]), plotly_array(curve["y"])
    band = plotly_array(trace(fig, "± 1 s.d. of one run")["y"])
    sd = (band[:len(ks)] - band[len(ks):][::-1]) / 2
    # log p(x) by quadrature is drawn, at the value shown above it, and labelled so.
    lines = {a["text"]: a["y"] for a in fig["layout"]["annotations"]}
    assert lines["log p(x) by quadrature"] == pytest.approx(log_px, abs=0.001)
    assert any(s["y0"] == pytest.approx(log_px, abs=0.001) for s in fig["layout"]["shapes"])
    # What the caption says: the bound holds in expectation, so a mean of 5 runs may exceed
    # log p(x), but only by its noise; and it approaches log p(x) from the ELBO.
    assert "can sit above log p(x) by about its noise" in _captions(at)
    assert np.all(mean <= log_px + 4 * sd / math.sqrt(5) + 0.01 * SCALE[unit])
    assert abs(mean[-1] - log_px) < abs(mean[0] - log_px)
    assert log_px - mean[-1] < 0.1 * (log_px - elbo)


def test_iw_estimate_by_independent_monte_carlo(shipped, digit_three):
    """L_k for k = 1000 from fresh draws here (own seed): it is ≤ log p(x) in expectation and
    close to it, as the curve's last point shows."""
    model, x_bin, _ = shipped
    x = x_bin[3].astype(np.float64)
    mu, cov = digit_three["q_mean"], digit_three["q_cov"]
    q = stats.multivariate_normal(mu, cov)
    rng = np.random.default_rng(2024)
    runs = []
    for _ in range(4):
        z = q.rvs(1000, random_state=rng)
        log_w = (_log_lik(model, x, z) + stats.multivariate_normal(np.zeros(2)).logpdf(z)
                 - q.logpdf(z))
        runs.append(special.logsumexp(log_w) - math.log(1000))
    runs = np.array(runs) / LN2
    log_px = digit_three["log_px"] / LN2
    assert runs.mean() <= log_px + 4 * runs.std(ddof=1) / 2 + 0.01
    assert log_px - runs.mean() < 3  # within a few bits of log p(x); the ELBO is 14 below


# --- 2. Why a VAE → Reparameterisation -----------------------------------------------------------

def _vae_f(model, x_row: np.ndarray):
    """f(t) = log p(x | z = (t, μ₂)) and f'(t) by autograd, with q's (μ₁, σ₁): written here."""
    x = torch.as_tensor(x_row, dtype=torch.float64)
    with torch.no_grad():
        mu, logvar = model.encode(torch.as_tensor(x_row[None], dtype=torch.float32))
    m1, m2, s1 = float(mu[0, 0]), float(mu[0, 1]), float(torch.exp(0.5 * logvar[0, 0]))

    def df(t: float) -> float:
        tt = torch.tensor([t], dtype=torch.float64, requires_grad=True)
        z = torch.stack([tt, torch.full_like(tt, m2)], 1).float()
        logits = model.decode(z).double()[0]
        ll = (x * logits - torch.nn.functional.softplus(logits)).sum()
        ll.backward()
        return float(tt.grad[0])

    return df, m1, s1


@pytest.fixture(scope="module")
def reparam_page():
    return standalone("vae-why.py", why_tab="Reparameterisation")


def test_reparam_default_shows_the_variance_gap(reparam_page, shipped):
    """Before: f = z² − z, spreads 0.122 vs 0.067 (ratio 1.8) under "far smaller", and a
    dotted "exact" line at 0 for the VAE's f. After: the VAE's f by default, digit #3, the
    ratio stated as measured (hundreds), the exact line at the quadrature's gradient."""
    at = reparam_page
    no_exception(at)
    assert at.radio(key="vae_rp_f").value == "vae"
    assert at.number_input(key="vae_digit").value == 3
    model, x_bin, _ = shipped
    df, mu, sigma = _vae_f(model, x_bin[3])
    phi = stats.norm.pdf
    exact = (integrate.quad(lambda e: df(mu + sigma * e) * phi(e), -9, 9, limit=200,
                                  epsabs=1e-4)[0],
             integrate.quad(lambda e: df(mu + sigma * e) * e * phi(e), -9, 9, limit=200,
                                  epsabs=1e-4)[0])
    m = metric_values(at)
    assert set(m) == {f"{e} {d}, n = 100" for e in ("score", "pathwise") for d in ("∂/∂μ", "∂/∂σ")}
    ratios = []
    for j, name in enumerate(("∂/∂μ", "∂/∂σ")):
        score, path = _pm(m[f"score {name}, n = 100"]), _pm(m[f"pathwise {name}, n = 100"])
        for mean, sd in (score, path):  # unbiased: means of 20 seeds within their noise
            assert abs(mean - exact[j]) < 4.5 * sd / math.sqrt(20) + 0.01, (name, mean, sd)
        ratios.append(score[1] / path[1])
    assert ratios[0] > 100 and ratios[1] > 10  # the gap the tab is about
    text = _captions(at)
    said = re.search(r"the pathwise one's is (\d+)× smaller for ∂/∂μ and (\d+)× smaller for "
                     r"∂/∂σ", text)
    assert said, text
    for stated, measured in zip(said.groups(), ratios):
        assert float(stated) == pytest.approx(measured, rel=0.03)
    assert "far smaller" not in text
    stated = re.search(r"quadrature: ∂/∂μ = (\S+), ∂/∂σ = (\S+)\.", text)
    assert _num(stated.group(1)) == pytest.approx(exact[0], abs=0.01)
    assert _num(stated.group(2)) == pytest.approx(exact[1], abs=0.01)
    # the dotted line sits at the exact ∂/∂μ (about −58), not at 0
    fig = chart(at, "vae_fig_reparam")
    (line,) = fig["layout"]["shapes"]
    assert line["y0"] == pytest.approx(exact[0], abs=0.01) and line["y0"] < -50
    assert [a["text"] for a in fig["layout"]["annotations"]] == ["exact (quadrature)"]


def test_reparam_metrics_fit_at_1280px(reparam_page):
    """Two metrics per row (half the width each, not a quarter), values of at most 14
    characters: "−0.033 ± 0.122" no longer ends in an ellipsis."""
    at = reparam_page
    for node, parents in _walk(at.main):
        if getattr(node, "type", "") == "metric":
            column = next(p for p in reversed(parents) if getattr(p, "type", "") == "column")
            assert column.weight == pytest.approx(0.5), node.label
            assert len(node.value) <= 14, node.value


def test_reparam_quadratic_states_its_own_smaller_ratio(reparam_page):
    """The sentence is measured for the quadratic too: 1.8×, not "far smaller"."""
    at = reparam_page
    at.radio(key="vae_rp_f").set_value("quadratic").run()
    no_exception(at)
    m = metric_values(at)
    r = [_pm(m[f"score {d}, n = 1000"])[1] / _pm(m[f"pathwise {d}, n = 1000"])[1]
         for d in ("∂/∂μ", "∂/∂σ")]
    said = re.search(r"the pathwise one's is (\S+)× smaller for ∂/∂μ and (\S+)× smaller",
                     _captions(at))
    assert float(said.group(1)) == pytest.approx(r[0], abs=0.15) and 1 < r[0] < 3
    assert float(said.group(2)) == pytest.approx(r[1], abs=0.15)
    (line,) = chart(at, "vae_fig_reparam")["layout"]["shapes"]
    assert line["y0"] == pytest.approx(2 * 0.5 - 1, abs=1e-12)  # closed form 2μ − 1 = 0
    at.radio(key="vae_rp_f").set_value("vae").run()  # the module's page back at its default


# --- 3. Divergences → Two Gaussians --------------------------------------------------------------

def _kl_1d(m0, s0, m1, s1) -> float:
    """KL(N(m0, s0²) ‖ N(m1, s1²)) in nats by scipy quadrature."""
    p, q = stats.norm(m0, s0), stats.norm(m1, s1)
    lo, hi = min(m0, m1) - 12 * max(s0, s1), max(m0, m1) + 12 * max(s0, s1)
    return integrate.quad(lambda x: p.pdf(x) * (p.logpdf(x) - q.logpdf(x)), lo, hi,
                          limit=200)[0]


@pytest.mark.parametrize("unit", ["bits", "nats"])
def test_two_gaussians_default_shows_kl_asymmetry(unit):
    """Before: σ2 = σ1, so KL(p‖q) = KL(q‖p) = 0.7213 bits. After: σ1 = 1, σ2 = 2: 0.6393
    vs 1.8854 bits."""
    at = standalone("divergences.py", units=unit, div_tab="Two Gaussians")
    no_exception(at)
    assert at.checkbox(key="div_same_sigma").value is False
    assert (at.slider(key="div_mu2").value, at.select_slider(key="div_sigma1").value,
            at.select_slider(key="div_sigma2").value) == (1.0, 1.0, 2.0)
    m = metric_values(at)
    pq, qp = _num(m[f"KL(p‖q), {unit}"]), _num(m[f"KL(q‖p), {unit}"])
    assert pq == pytest.approx(_kl_1d(0, 1, 1, 2) * SCALE[unit], abs=1e-4)
    assert qp == pytest.approx(_kl_1d(1, 2, 0, 1) * SCALE[unit], abs=1e-4)
    assert qp > 2.5 * pq  # visibly different
    said = re.search(r"KL is not symmetric: KL\(q‖p\) = (\S+) " + unit + r" is (\S+)× "
                     r"KL\(p‖q\) = (\S+) " + unit, _captions(at))
    assert said, _captions(at)
    assert float(said.group(1)) == qp and float(said.group(3)) == pq
    assert float(said.group(2)) == pytest.approx(qp / pq, abs=0.05)


# --- 4. Gaussians → KL between Gaussians ---------------------------------------------------------

def _kl_2d_grid(mu0, cov0, mu1, cov1, n=401) -> float:
    """KL(N0 ‖ N1) in nats by a rectangle rule over N0's ±8σ box (scipy's densities)."""
    p, q = stats.multivariate_normal(mu0, cov0), stats.multivariate_normal(mu1, cov1)
    half = 8 * np.sqrt(np.diag(cov0))
    a, b = (np.linspace(mu0[i] - half[i], mu0[i] + half[i], n) for i in range(2))
    A, B = np.meshgrid(a, b)
    z = np.c_[A.ravel(), B.ravel()]
    lp = p.logpdf(z)
    return float((np.exp(lp) * (lp - q.logpdf(z))).sum() * (a[1] - a[0]) * (b[1] - b[0]))


@pytest.mark.parametrize("unit", ["bits", "nats"])
def test_kl_tab_draws_p_and_q_first(unit):
    at = standalone("gaussians.py", units=unit, g_tab="KL between Gaussians")
    no_exception(at)
    content = [k for k in _order(at) if k not in ("markdown", "caption")]
    assert content[:3] == ["chart:g_fig_kl", "metric", "metric"]  # the picture first, both
    assert content.index("latex") > content.index("slider")  # KLs beside it; then the rest
    mu_p, cov_p = np.zeros(2), np.array([[1, 0.8], [0.8, 1]])  # the defaults
    mu_q, cov_q = np.array([1.0, 0.0]), np.eye(2)
    fig = chart(at, "g_fig_kl")
    for name, mu, cov in (("P", mu_p, cov_p), ("Q", mu_q, cov_q)):
        for k in (1, 2):
            t = trace(fig, f"{name}, {k}σ")
            ring = np.c_[plotly_array(t["x"]), plotly_array(t["y"])]
            np.testing.assert_allclose(_mahalanobis(ring, mu, cov), k, atol=1e-6)
        mark = trace(fig, f"mean of {name}")
        assert [plotly_array(mark["x"])[0], plotly_array(mark["y"])[0]] == pytest.approx(list(mu))
    m = metric_values(at)
    pq = _num(m[f"KL(P ‖ Q), closed form ({unit})"])
    qp = _num(m[f"KL(Q ‖ P), closed form ({unit})"])
    assert pq == pytest.approx(_kl_2d_grid(mu_p, cov_p, mu_q, cov_q) * SCALE[unit], abs=2e-4)
    assert qp == pytest.approx(_kl_2d_grid(mu_q, cov_q, mu_p, cov_p) * SCALE[unit], abs=2e-4)
    mc = [tuple(map(float, re.match(r"Monte Carlo: (\S+) ± (\S+)", c.value).groups()))
          for c in at.caption if c.value.startswith("Monte Carlo")]
    assert len(mc) == 2
    for (est, se), exact in zip(mc, (pq, qp)):
        assert 0 < se < 0.05 * exact and abs(est - exact) < 4 * se
    assert (f"Not symmetric: KL(Q ‖ P) is larger than KL(P ‖ Q) ({qp:.4f} {unit} against "
            f"{pq:.4f} {unit})") in _captions(at)
    assert qp > 2 * pq


# --- 5. Information → Surprise and Many rolls ----------------------------------------------------

UNEVEN = np.array([0.05, 0.05, 0.1, 0.1, 0.2, 0.5])


@pytest.fixture(scope="module")
def info_page():
    return standalone("information.py")


def test_surprise_default_die_is_not_trivial(info_page):
    """Before: the fair die, six equal bars at 2.585 bits. After: the uneven die, four
    different surprises from 1 to 4.32 bits; the fair die one click away."""
    at = open_tab(info_page, "info_tab", "Surprise")
    no_exception(at)
    assert at.selectbox(key="info_preset").value == "uneven"
    assert [at.number_input(key=f"info_p_{f}").value for f in "123456"] == list(UNEVEN)
    h = stats.entropy(UNEVEN, base=2)
    m = metric_values(at)
    assert m == {"I(X=3) = −log p(3)": f"{-math.log2(0.1):.3f} bits", "H(X)": f"{h:.3f} bits"}
    fig = chart(at, "info_fig_surprise")
    bars = plotly_array(fig["data"][0]["y"])
    np.testing.assert_allclose(bars, -np.log2(UNEVEN), atol=1e-9)
    assert len(set(np.round(bars, 6))) == 4  # not six equal bars
    # "A rare face is surprising, a likely one is not": less probable → taller bar
    order = np.argsort(-UNEVEN, kind="stable")
    assert np.all(np.diff(bars[order]) >= 0) and bars.max() - bars.min() > 3
    assert plotly_array(fig["data"][1]["y"])[0] == pytest.approx(h)
    # the expectation of the bars is H, and some bars lie on either side of it
    assert (UNEVEN * bars).sum() == pytest.approx(h) and bars.min() < h < bars.max()
    # the fair die stays one click away
    assert "fair" in at.selectbox(key="info_preset").options


def test_many_rolls_default_converges_visibly(info_page):
    """Before: every roll of a fair die carries log₂ 6, a flat line at H. After: the running
    average wanders and settles on H within its noise."""
    at = open_tab(info_page, "info_tab", "Many rolls")
    no_exception(at)
    h = stats.entropy(UNEVEN, base=2)
    m = metric_values(at)
    avg, shown_h = _num(m["Average surprise of 1000 rolls"]), _num(m["H(X)"])
    assert shown_h == pytest.approx(h, abs=6e-4)
    surprise = -np.log2(UNEVEN)
    sd = math.sqrt((UNEVEN * (surprise - h) ** 2).sum())  # one roll's spread, 1.18 bits
    assert abs(avg - h) < 4 * sd / math.sqrt(1000)
    assert _num(m["Difference"]) == pytest.approx(avg - h, abs=0.0015)
    counts = [int(c) for c in re.findall(r"\d: (\d+)", _captions(at))]
    assert sum(counts) == 1000
    assert stats.chisquare(counts, 1000 * UNEVEN).pvalue > 1e-4  # rolls of this die
    running = plotly_array(chart(at, "info_fig_lln")["data"][0]["y"])
    assert running.max() - running.min() > 1  # not a flat line
    early, late = np.abs(running[:10] - h).max(), abs(running[-1] - h)
    assert late < early / 5  # the law of large numbers pulls it to H


def test_fair_die_is_one_click_away(info_page):
    at = open_tab(info_page, "info_tab", "Surprise")
    at.selectbox(key="info_preset").set_value("fair").run()
    no_exception(at)
    bars = plotly_array(chart(at, "info_fig_surprise")["data"][0]["y"])
    np.testing.assert_allclose(bars, math.log2(6))
    assert metric_values(at)["H(X)"] == f"{math.log2(6):.3f} bits"


# --- 6. Units: the Normal vs Cauchy legend -------------------------------------------------------

@pytest.mark.parametrize("unit", ["bits", "nats"])
def test_heavy_tails_legend_follows_the_unit(unit):
    at = standalone("divergences.py", units=unit, div_tab="Heavy tails")
    no_exception(at)
    n, c = stats.norm(), stats.cauchy()
    kl = integrate.quad(lambda x: n.pdf(x) * (n.logpdf(x) - c.logpdf(x)), -40, 40)[0]
    m = metric_values(at)
    shown = _num(m[f"KL(Normal ‖ Cauchy), {unit}"])
    assert shown == pytest.approx(kl * SCALE[unit], abs=1e-4)
    names = [t["name"] for t in chart(at, "div_fig_cauchy")["data"]]
    assert names[0] == f"Normal — KL(N ‖ C) = {kl * SCALE[unit]:.3f} {unit}"
    assert names[1] == "Cauchy — KL(C ‖ N) = ∞"
    other = "nats" if unit == "bits" else "bits"
    assert not any(other in name for name in names)
