"""Claims tests for the GAN page: every preset's sentence is true of its own shipped run.

The referee is the literature's (VEEGAN, Srivastava et al. 2017; PacGAN, Lin et al. 2018): a fake
is high quality within 3 sd of its nearest mode, a mode is captured when it is the nearest mode
of at least one high-quality fake. Here it is recomputed independently of ``gdm_core.gan_data``
(scipy's KD-tree instead of a distance matrix), and W₁ between samples is checked against
scipy's linear-assignment solution of the same transport problem.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import linear_sum_assignment
from scipy.spatial import cKDTree
from scipy.spatial.distance import cdist

from gdm_core import gan, gan_referee
from tests.conftest import metric_values, no_exception, standalone

RING = gan.toy_modes("ring8")
SIGMA = gan.DATA_STD["ring8"]


def captured_by_the_rule(fakes: np.ndarray) -> tuple[int, float, np.ndarray]:
    """(modes captured, high-quality share, counts per mode) computed with a KD-tree."""
    dist, nearest = cKDTree(RING).query(fakes)
    hq = dist <= 3 * SIGMA
    counts = np.bincount(nearest[hq], minlength=len(RING))
    return int((counts > 0).sum()), float(hq.mean()), counts


@pytest.fixture(scope="module")
def runs():
    return {name: gan.load_preset_run(name) for name in gan.PRESETS}


def test_referee_agrees_with_an_independent_count(runs):
    for name, run in runs.items():
        captured, hq, counts = captured_by_the_rule(run.final_fake)
        assert gan.mode_coverage(run.final_fake, "ring8") == (captured, pytest.approx(hq))
        np.testing.assert_array_equal(gan.mode_counts(run.final_fake, "ring8"), counts)


def test_w1_between_samples_is_exact_transport():
    # equal weights, equal sizes: W1 is the optimal assignment's mean cost
    x = gan.toy_data("ring8", 400, seed=5)
    real = gan.toy_data("ring8", 400, seed=[0, 9])
    rows, cols = linear_sum_assignment(cdist(x, real))
    exact = cdist(x, real)[rows, cols].mean()
    assert gan_referee.w1_between_samples(x, "ring8", n=400) == pytest.approx(exact, rel=1e-9)


def test_shipped_floors_are_what_the_referee_computes():
    mean, sd = gan_referee.w1_floor("ring8", gan_referee.N_CURVE)
    assert gan_referee.floor("ring8", gan_referee.N_CURVE) == (
        pytest.approx(mean, rel=1e-9), pytest.approx(sd, rel=1e-9))
    assert sd > 0


def test_mode_collapse_preset_ends_collapsed_after_early_hops(runs):
    run = runs["mode-collapse"]
    captured, hq, counts = captured_by_the_rule(run.final_fake)
    assert captured == 1 and hq > 0.9, counts  # "1 of 8, nearly every fake within 3 sd"
    # the mode holding most of the shown fakes at each snapshot (where any is high quality)
    dominant = [(int(step), int(c.argmax())) for step, c in
                ((s, captured_by_the_rule(f)[2]) for s, f in zip(run.steps, run.fake))
                if c.sum() > 0]
    modes = [m for _, m in dominant]
    hops = [(s, a, b) for (s, b), a in zip(dominant[1:], modes) if a != b]
    assert hops and all(step < 200 for step, _, _ in hops), hops       # early hops ...
    assert all((a - b) % 8 in (1, 7) for _, a, b in hops), hops          # ... between neighbours
    assert len({m for _, a, b in hops for m in (a, b)}) == 2, hops       # ... two modes
    last = max(step for step, _, _ in hops)
    assert all(m == modes[-1] for s, m in dominant if s >= last)         # then it stays for good
    # and the other seven stay empty: no high-quality fake near them at the end
    assert (counts > 0).sum() == 1


def test_wgan_gp_preset_captures_every_mode_and_has_the_lowest_w1(runs):
    run = runs["wgan-gp"]
    captured, hq, _ = captured_by_the_rule(run.final_fake)
    assert captured == 8 and hq > 0.5
    w1 = gan_referee.w1_between_samples(run.final_fake, "ring8")
    mean, sd = gan_referee.floor("ring8", gan_referee.N_REFEREE)
    assert w1 > mean + sd, (w1, mean, sd)  # "still above the floor of two real samples"
    # and it is the best preset by W1
    others = [gan_referee.w1_between_samples(r.final_fake, "ring8")
              for name, r in runs.items() if name != "wgan-gp" and len(r.final_fake)]
    assert w1 < min(others)


def test_strong_discriminator_preset_lands_on_one_mode(runs):
    run = runs["strong-discriminator"]
    captured, hq, _ = captured_by_the_rule(run.final_fake)
    assert captured == 1 and hq > 0.95
    # "and stay there": the same single mode holds the shown fakes over the second half
    late = [captured_by_the_rule(f)[2] for f in run.fake[len(run.fake) // 2:]]
    assert len({int(c.argmax()) for c in late}) == 1 and all((c > 0).sum() == 1 for c in late)
    w1 = gan_referee.w1_between_samples(run.final_fake, "ring8")
    assert w1 > 10 * gan_referee.floor("ring8", gan_referee.N_REFEREE)[0]


def test_clipping_preset_blurs_and_piles_its_weights_at_c(runs):
    run = runs["clipping"]
    captured, hq, _ = captured_by_the_rule(run.final_fake)
    _, hq_gp, _ = captured_by_the_rule(runs["wgan-gp"].final_fake)
    assert captured >= 2 and hq < 0.25 * hq_gp and hq_gp > 0.5
    c = run.config.clip
    assert np.mean(np.abs(run.critic_weights) >= 0.99 * c) > 0.5


def test_vanishing_gradient_preset_freezes(runs):
    run = runs["vanishing-gradient"]
    h = run.history
    assert h.grad_norm[0] > 1e-3 and h.grad_norm[-1] < 1e-9
    # "W₁ over ten times the floor", as the page measures both (n = 2,000)
    w1 = gan_referee.w1_between_samples(run.final_fake, "ring8")
    assert w1 > 10 * gan_referee.floor("ring8", gan_referee.N_REFEREE)[0]


@pytest.mark.parametrize("name", list(gan.PRESETS))
def test_the_page_shows_the_referees_numbers(name, runs):
    at = standalone("gan.py")
    at.selectbox(key="gan_preset").set_value(name).run()
    no_exception(at)
    shown = metric_values(at)
    captured, hq, _ = captured_by_the_rule(runs[name].final_fake)
    assert shown["modes captured"] == f"{captured} of 8"
    assert shown["high quality"] == f"{100 * hq:.0f} %"
    w1 = gan_referee.w1_between_samples(runs[name].final_fake, "ring8")
    assert shown[f"W₁ (n = {gan_referee.N_REFEREE:,})"] == f"{w1:.3f}"


def test_the_shipped_w1_is_what_the_referee_computes():
    # the page reads a shipped run's W1 from presets.json: it must be the referee's own number
    summary = gan.preset_metrics()
    for name, entry in [*summary["presets"].items(), *summary["compare"].items()]:
        run = gan.load_preset_run(name)
        assert entry["w1_n2000"] == pytest.approx(
            gan_referee.w1_between_samples(run.final_fake, "ring8"), abs=5e-5), name
