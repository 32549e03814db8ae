"""The lesson: an ordered path through the lectures, one view of the app per step.

Plain data. Each :class:`Step` names a page (its url path), the query parameters that open the
view — exactly what the address bar shows there, so the step's :meth:`Step.url` is a link a
student can open too — a title, the one line to say, the lecture section, and optionally a
*predict-then-reveal* :class:`Question` whose answer is computed by ``gdm_core`` (on demand, and
once) wherever it is a computed quantity. This module is the one source of the "what to say"
notes; the README points here.

Only the default values are left out of ``params``: Streamlit drops a widget's parameter from the
URL when it holds its default, so a copied URL never shows them either.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlencode

LN2 = math.log(2.0)

SECTIONS = (
    "1 · Information",
    "2 · Divergences",
    "3 · Fitting a model",
    "4 · The GAN objective",
    "5 · Game dynamics",
    "6 · Training GANs",
    "7 · Autoencoders and VAEs",
)


@dataclass(frozen=True)
class Question:
    """Predict, then reveal. ``options`` empty: the answer is a number (``unit`` after it).

    ``compute`` returns the answer: one of ``options``, or a float. It is called at most once.
    """

    prompt: str
    compute: Callable[[], object]
    options: tuple[str, ...] = ()
    unit: str = ""
    digits: int = 3        # significant digits a numeric answer is shown with
    explain: str = ""

    @property
    def is_number(self) -> bool:
        return not self.options

    def answer(self):
        return _cached(self.compute)

    def shown(self, value=None) -> str:
        """The answer (or ``value``) as the page writes it: an option, or a rounded number."""
        value = self.answer() if value is None else value
        if self.is_number:
            return format_number(float(value), self.digits) + (f" {self.unit}" if self.unit else "")
        return str(value)


@functools.cache
def _cached(compute: Callable[[], object]):
    return compute()


def format_number(value: float, digits: int = 3) -> str:
    """``value`` to ``digits`` significant digits, '∞' for infinity, no trailing zeros."""
    if math.isinf(value):
        return "∞" if value > 0 else "−∞"
    if math.isnan(value):
        return "not a number"
    if value == 0:
        return "0"
    text = f"{value:.{digits}g}"
    if "e" in text:
        return text
    return text.rstrip("0").rstrip(".") if "." in text else text


@dataclass(frozen=True)
class Step:
    page: str                 # the page's url path (gdm_app.ui.PAGES)
    title: str
    say: str                  # the one line to say
    section: str              # one of SECTIONS
    params: dict = field(default_factory=dict)   # query parameters, as the URL spells them
    question: Question | None = None

    def url(self) -> str:
        """The view's relative address, e.g. ``/information?info_tab=Coin``."""
        query = urlencode(self.params)
        return f"/{self.page}" + (f"?{query}" if query else "")


# --- computed answers (gdm_core, imported on first use) -------------------------------------

UNEVEN = (0.05, 0.05, 0.1, 0.1, 0.2, 0.5)
NEARLY_CERTAIN = (0.01, 0.01, 0.01, 0.01, 0.01, 0.95)
LOADED = (0.1, 0.1, 0.1, 0.1, 0.1, 0.5)
NO_SIX = (0.2, 0.2, 0.2, 0.2, 0.2, 0.0)


def _surprise_bits(p, face: int) -> float:
    from gdm_core import information as info

    return float(info.information_content(list(p), base=2)[face - 1])


def _entropy_bits(p) -> float:
    from gdm_core import information as info

    return info.entropy(list(p), base=2)


def _questions(p) -> float:
    from gdm_core import information as info

    return info.expected_length(list(p), info.huffman_code(list(p)))


def _fewer_questions() -> str:
    a, b = _questions(UNEVEN), _questions(NEARLY_CERTAIN)
    return "fewer" if b < a else ("more" if b > a else "the same")


def _most_uncertain_coin() -> str:
    from gdm_core import information as info

    coins = {"p = 0.1": 0.1, "p = 0.5": 0.5, "p = 0.9": 0.9}
    return max(coins, key=lambda k: info.bernoulli_entropy(coins[k]))


def _kl_no_six() -> str:
    from gdm_core import information as info

    kl = info.kl_divergence(list(LOADED), list(NO_SIX), base=2)
    return "infinitely many" if math.isinf(kl) else ("about 1" if kl < 2 else "a few")


def _js_far_apart_bits() -> float:
    from gdm_core import divergences as dv

    return dv.gaussian_js(0.0, 1.0, 40.0, 1.0) / LN2


def _lines(key: str, theta: float = 0.5, bits: bool = False) -> float:
    from gdm_core import divergences as dv

    value = dv.shifted_lines(theta)[key]
    return value / LN2 if bits else value


def _slope_w(theta: float = 0.5) -> float:
    from gdm_core import divergences as dv

    return dv.shifted_lines_gradients(theta)["w1"]


def _critic_slope() -> float:
    from gdm_core import critic

    return critic.discriminator_vs_critic(2.0, 0.0, 1.0)["critic_grad"]


def _plan_cost() -> float:
    from gdm_core import transport_duality as td

    x, a, y, b = td.example(1, "example", 0.0)[:4]
    return td.both_faces(x, a, y, b)["primal"]


def _kl_cauchy_normal() -> str:
    from gdm_core import gaussians as gs

    return "infinite" if math.isinf(gs.kl_cauchy_normal()[0]) else "finite"


MODES = ("on the left mode", "between the two modes", "on the right mode")


def _fit_lands(divergence: str, mu0: float = -1.0) -> str:
    from gdm_core import fitting

    weights, means, _ = fitting.DEFAULT_MIXTURE
    mu, _sigma = fitting.fit_gaussian(*fitting.DEFAULT_MIXTURE, divergence, init=(mu0, 1.0))
    gap = abs(means[1] - means[0])
    if abs(mu - means[0]) < gap / 4:
        return MODES[0]
    if abs(mu - means[1]) < gap / 4:
        return MODES[2]
    return MODES[1]


def _spiral_factor() -> float:
    from gdm_core import games

    return games.per_step_factor("simultaneous", 0.2)


DYNAMICS = ("spiral out", "orbit for ever", "converge to (0, 0)")


def _dynamics(method: str, lr: float) -> str:
    from gdm_core import games

    rho = games.spectral_radius(method, lr)
    return DYNAMICS[0] if rho > 1 + 1e-9 else (DYNAMICS[2] if rho < 1 - 1e-9 else DYNAMICS[1])


def _modes_captured(preset: str) -> float:
    from gdm_core import gan

    return float(gan.load_preset_run(preset).final_metrics()["modes_captured"])


def _conditional_shift() -> float:
    import numpy as np

    from gdm_core import gaussians as gs

    cov = np.array([[1.0, 0.8], [0.8, 1.0]])  # the page's σ₁ = σ₂ = 1, ρ = 0.8
    mean, _ = gs.condition(np.zeros(2), cov, [0], [1], [1.0])
    return float(mean[0])


def _kl_gaussians_bits() -> float:
    import numpy as np

    from gdm_core import gaussians as gs

    p_cov = np.array([[1.0, 0.8], [0.8, 1.0]])
    return gs.kl_mvn(np.zeros(2), p_cov, np.array([1.0, 0.0]), np.eye(2), base=2)


def _vae_kl_nats() -> float:
    import numpy as np

    from gdm_core import gaussians as gs

    return gs.kl_vae(np.array([1.0, 0.0]), np.zeros(2))


def _conditional_agreement_percent() -> float:
    from gdm_core import classifier, cvae

    net, _ = cvae.load_cvae()
    return 100 * cvae.label_agreement(net, classifier.load_classifier(), 100, 0)["overall"]


# --- the view parameters that are not computed ----------------------------------------------

def _die(prefix: str, preset_key: str, label: str, values) -> dict:
    """A die's preset and its six faces, as the URL spells them."""
    out = {preset_key: label}
    out.update({f"{prefix}_{i}": repr(float(v)) if v != int(v) else str(int(v))
                for i, v in enumerate(values, start=1)})
    return out


FAIR = _die("info_p", "info_preset", "fair", [1 / 6] * 6)
NEARLY = _die("info_p", "info_preset", "nearly certain (almost always 6)", NEARLY_CERTAIN)
Q_NO_SIX = _die("info_kl_q", "info_kl_q_preset", "no six (the 6 was filed off)", NO_SIX)


def gan_params(preset: str) -> dict:
    """The GAN page's inputs for a preset, as the URL spells them (only non-defaults)."""
    from gdm_core.gan import DATA_LABELS, LOSS_LABELS, PRESETS

    default = PRESETS["wgan-gp"][1]
    config = PRESETS[preset][1]
    out = {"gan_preset": PRESETS[preset][0]} if preset != "wgan-gp" else {}
    fields = {"gan_data": "data", "gan_loss": "loss", "gan_steps": "steps",
              "gan_ncritic": "n_critic", "gan_lr": "lr", "gan_batch": "batch",
              "gan_latent": "latent_dim", "gan_hidden": "hidden", "gan_clip": "clip",
              "gan_lambda": "gp_lambda", "gan_seed": "seed"}
    for key, name in fields.items():
        value = getattr(config, name)
        if value == getattr(default, name):
            continue
        out[key] = (DATA_LABELS[value] if key == "gan_data" else
                    LOSS_LABELS[value] if key == "gan_loss" else str(value))
    return out


MM_SPIRAL = {"mm_preset": "Simultaneous steps spiral out", "mm_y0": "0", "mm_steps": "60",
             "mm_alternating": "false", "mm_extragradient": "false", "mm_optimistic": "false"}
MM_ORBIT = {"mm_preset": "Alternating steps orbit", "mm_y0": "0", "mm_lr": "0.5",
            "mm_steps": "60", "mm_extragradient": "false", "mm_optimistic": "false"}
MM_CONVERGE = {"mm_preset": "Extragradient and optimism converge", "mm_lr": "0.3",
               "mm_simultaneous": "false", "mm_alternating": "false"}


# --- the steps ------------------------------------------------------------------------------

def _steps() -> tuple[Step, ...]:
    s1, s2, s3, s4, s5, s6, s7 = SECTIONS
    return (
        Step("information", "Surprise is −log p", section=s1,
             params={"info_tab": "Surprise"},
             say="Surprise is −log p: on this uneven die the likely 6 carries 1 bit, the rare 1 "
                 "carries 4.32.",
             question=Question("How many bits of surprise does the rare face 1 (p = 0.05) "
                               "carry?", lambda: _surprise_bits(UNEVEN, 1), unit="bits")),
        Step("information", "A fair die: every face equally surprising", section=s1,
             params={"info_tab": "Surprise", **FAIR},
             say="Pick the fair die and every face carries log₂ 6 ≈ 2.585 bits.",
             question=Question("On a fair die, how many bits does each face carry?",
                               lambda: _surprise_bits([1 / 6] * 6, 3), unit="bits", digits=4)),
        Step("information", "Entropy is the average surprise", section=s1,
             params={"info_tab": "Many rolls"},
             say="Entropy is the average surprise — 2.061 bits for this die — and the running "
                 "average of many rolls settles on it.",
             question=Question("The uneven die's entropy, in bits?",
                               lambda: _entropy_bits(UNEVEN), unit="bits", digits=4)),
        Step("information", "Yes/no questions", section=s1,
             params={"info_tab": "Yes/no questions"},
             say="Entropy is the number of yes/no questions a perfect strategy (Huffman) needs "
                 "on average, within one.",
             question=Question("How many questions does the best strategy need on average "
                               "for this die?", lambda: _questions(UNEVEN), digits=3)),
        Step("information", "Load the die: fewer questions", section=s1,
             params={"info_tab": "Yes/no questions", **NEARLY},
             say="Load the die and it surprises less: fewer questions on average.",
             question=Question("With a die that is almost always 6: more questions, fewer, or "
                               "the same?", _fewer_questions,
                               options=("more", "fewer", "the same"))),
        Step("information", "The coin: uncertainty peaks at 1/2", section=s1,
             params={"info_tab": "Coin"},
             say="A coin's entropy H(p) is largest, 1 bit, for a fair coin and 0 for a sure one.",
             question=Question("Which coin is the most uncertain?", _most_uncertain_coin,
                               options=("p = 0.1", "p = 0.5", "p = 0.9"))),
        Step("information", "Two variables: mutual information", section=s1,
             params={"info_tab": "Two variables"},
             say="What seeing one variable tells you about the other is the mutual information: "
                 "H(X) − H(X | Y)."),
        Step("information", "KL: the extra bits of the wrong code", section=s1,
             params={"info_tab": "KL: extra bits"},
             say="Code the loaded die with the fair die's code and you pay KL(P‖Q) extra bits "
                 "per roll."),
        Step("information", "KL is infinite when Q rules out what P allows", section=s1,
             params={"info_tab": "KL: extra bits", **Q_NO_SIX},
             say="If Q says a possible face is impossible, you pay infinitely many extra bits.",
             question=Question("Q has filed off the 6 (P rolls it half the time). How many "
                               "extra bits per roll?", _kl_no_six,
                               options=("about 1", "a few", "infinitely many"))),
        Step("divergences", "Jensen–Shannon: symmetric and bounded", section=s2,
             params={"div_tab": "Two Gaussians"},
             say="JS compares both with their average: symmetric, and never above log 2 = 1 bit, "
                 "however far apart.",
             question=Question("Pull two unit Gaussians 40 apart: JS in bits?",
                               _js_far_apart_bits, unit="bits")),
        Step("divergences", "Parallel lines that never touch", section=s2,
             params={"div_tab": "Parallel lines"},
             say="Two distributions on parallel lines: KL is infinite and JS stuck at log 2 for "
                 "every gap; only the earth mover's distance, |θ|, sees the gap.",
             question=Question("JS between the lines at θ = 0.5, in bits?",
                               lambda: _lines("js", 0.5, bits=True), unit="bits")),
        Step("divergences", "Gradients: nothing to follow, or slope ±1", section=s2,
             params={"div_tab": "Gradients"},
             say="JS is flat, so its gradient is zero and a GAN's generator learns nothing; W has "
                 "slope ±1, so a WGAN's always knows which way to go.",
             question=Question("dW/dθ at θ = 0.5?", _slope_w, digits=2)),
        Step("divergences", "Heavy tails: KL can be infinite", section=s2,
             params={"div_tab": "Heavy tails"},
             say="N(0, 1) and Cauchy are both positive everywhere, yet KL(Cauchy ‖ Normal) = ∞: "
                 "the tails decide.",
             question=Question("KL(Cauchy ‖ Normal): finite or infinite?", _kl_cauchy_normal,
                               options=("finite", "infinite"))),
        Step("fitting", "Maximum likelihood is minimum KL", section=s3,
             params={"fit_tab": "Likelihood = KL"},
             say="Maximising the likelihood minimises KL(p_data ‖ p_θ): the two curves are a "
                 "constant H(p_data) apart."),
        Step("fitting", "Forward KL covers both modes: blur", section=s3,
             params={"fit_tab": "One Gaussian, four divergences", "fit_div": "KL(p‖q)"},
             say="Forward KL punishes q for missing any of p, so one Gaussian spreads over both "
                 "modes — the blur of maximum likelihood.",
             question=Question("Where does the forward-KL Gaussian's mean land?",
                               lambda: _fit_lands("forward-kl"), options=MODES)),
        Step("fitting", "Reverse KL picks one mode", section=s3,
             params={"fit_tab": "One Gaussian, four divergences"},
             say="Reverse KL punishes q for putting mass where p has none: it settles on one "
                 "mode, and the start decides which — missing modes.",
             question=Question("Starting at μ₀ = −1 (left of centre), where does reverse KL "
                               "end?", lambda: _fit_lands("reverse-kl"), options=MODES)),
        Step("fitting", "Generative vs discriminative", section=s3,
             params={"fit_tab": "Generative vs discriminative"},
             say="A generative classifier models p(x, y) and uses Bayes' rule; it can sample and "
                 "cope with a missing coordinate, which logistic regression cannot."),
        Step("divergences", "The optimal discriminator saturates", section=s4,
             params={"div_tab": "Discriminator vs critic"},
             say="The optimal discriminator D* = p/(p + q) saturates: with log(1 − D) the "
                 "generator's signal dies with it, −log D keeps a slope, the critic's is 1.",
             question=Question("The WGAN critic's slope on the fakes (gap 2, σ = 1)?",
                               _critic_slope, digits=2)),
        Step("gan", "The GAN objective", section=s4,
             params={"gan_tab": "The maths"},
             say="The discriminator maximises, the generator minimises the same value; at the "
                 "optimal D it is 2·JS − log 4."),
        Step("divergences", "W₁ two ways: the plan and the critic", section=s4,
             params={"div_tab": "Plan and critic"},
             say="The cheapest way to move the earth and the best 1-Lipschitz critic's "
                 "E_p f − E_q f give the same number: along every arrow the critic falls at "
                 "slope 1.",
             question=Question("The cheapest plan's cost on the worked example?",
                               _plan_cost, digits=4)),
        Step("minimax", "The xy game: simultaneous steps spiral out", section=s5,
             params={"mm_tab": "Trajectories", **MM_SPIRAL},
             say="Each player follows its own gradient and they circle the equilibrium: "
                 "simultaneous steps spiral out by √(1 + η²) per step, exactly.",
             question=Question("By what factor does the distance to (0, 0) grow per step "
                               "(η = 0.2)?", _spiral_factor, digits=4)),
        Step("minimax", "Alternating steps orbit", section=s5,
             params={"mm_tab": "Trajectories", **MM_ORBIT},
             say="Alternating steps — the GAN training loop — orbit: neither out nor in.",
             question=Question("Alternating steps with η = 0.5 will…",
                               lambda: _dynamics("alternating", 0.5), options=DYNAMICS)),
        Step("minimax", "Looking ahead converges", section=s5,
             params={"mm_tab": "Trajectories", **MM_CONVERGE},
             say="Looking one step ahead — extragradient, optimism — converges.",
             question=Question("Extragradient with η = 0.3 will…",
                               lambda: _dynamics("extragradient", 0.3), options=DYNAMICS)),
        Step("minimax", "Why GANs oscillate", section=s5,
             params={"mm_tab": "Why GANs"},
             say="A GAN's training loop is this game with networks for players: the same "
                 "circling, the same cure."),
        Step("gan", "A GAN trains: WGAN-GP covers all 8 modes", section=s6,
             params={"gan_tab": "Watch it train"},
             say="Real networks, the lecture's loop, refereed as the papers do: a mode is "
                 "captured when a fake lands within 3 sd of it. WGAN-GP captures all 8.",
             question=Question("How many of the 8 modes does WGAN-GP capture?",
                               lambda: _modes_captured("wgan-gp"), digits=1)),
        Step("gan", "Mode collapse", section=s6,
             params={"gan_tab": "Watch it train", **gan_params("mode-collapse")},
             say="Give the discriminator ten steps per generator step: the fakes hop between two "
                 "neighbouring modes, then pile onto one; seven bars stay empty.",
             question=Question("Ten D steps per G step: how many of the 8 modes are captured?",
                               lambda: _modes_captured("mode-collapse"), digits=1)),
        Step("gan", "Step by hand", section=s6,
             params={"gan_tab": "Step by hand"},
             say="Train D ten times and watch the background sharpen; train G once and watch the "
                 "fakes move along the arrows."),
        Step("gan", "WGAN: clipping vs gradient penalty", section=s6,
             params={"gan_tab": "Clipping vs penalty"},
             say="Clipped weights pile up at ±c and the critic is too simple; the penalised "
                 "critic keeps ‖∇f‖ near 1."),
        Step("gan", "The least-squares GAN", section=s6,
             params={"gan_tab": "Compare"},
             say="Five objectives on the same data: the least-squares GAN's D is a regression "
                 "and its G minimises a Pearson χ² — fast at first, then two neighbouring modes."),
        Step("vae-why", "Autoencoder vs VAE", section=s7,
             params={"why_tab": "Autoencoder vs VAE"},
             say="An autoencoder and a VAE trained alike, differing only by the noise and the KL "
                 "term: decode N(0, I) and the VAE's samples spread over the ten digits (total variation "
                 "0.11), the autoencoder's are mostly 3s and 6s (0.45)."),
        Step("gaussians", "Gaussians: conditioning shifts and narrows", section=s7,
             params={"g_tab": "Marginal and conditional"},
             say="Condition on z₂ and the Gaussian in z₁ shifts by ρσ₁/σ₂ per unit and narrows by "
                 "√(1 − ρ²), whatever you observed.",
             question=Question("ρ = 0.8, σ₁ = σ₂ = 1, observe z₂ = 1: the conditional mean of "
                               "z₁?", _conditional_shift, digits=2)),
        Step("gaussians", "KL between Gaussians, and the VAE's KL term", section=s7,
             params={"g_tab": "KL between Gaussians"},
             say="KL between Gaussians in closed form — trace, quadratic term, log-determinants — "
                 "and the VAE's KL term is its special case.",
             question=Question("KL(P ‖ Q) for the page's P and Q, in bits?",
                               _kl_gaussians_bits, unit="bits")),
        Step("vae", "The ELBO: reconstruction minus the price of the code", section=s7,
             params={"vae_tab": "ELBO"},
             say="Read the ELBO as reconstruction minus the KL price of the code; its Monte Carlo "
                 "spread shrinks with more samples.",
             question=Question("The VAE's KL term for μ = (1, 0), σ = 1, in nats?",
                               _vae_kl_nats, unit="nats")),
        Step("vae-why", "The ELBO's gap, computed exactly", section=s7,
             params={"why_tab": "ELBO gap"},
             say="With two latent numbers p(x) is an integral we can do: the ELBO misses it by "
                 "exactly KL(q ‖ p(z|x)) — two routes, one number (14.4 bits for test digit #3)."),
        Step("vae-why", "Jensen's inequality gives the ELBO", section=s7,
             params={"why_tab": "Jensen and the ELBO"},
             say="log is concave, so log E_q[p(x, z)/q(z)] ≥ E_q[log p(x, z)/q(z)]: the ELBO, "
                 "three derivations line by line, each ending at the same number."),
        Step("vae-why", "Reparameterisation", section=s7,
             params={"why_tab": "Reparameterisation"},
             say="Write z = μ + σε and the gradient goes through the sample: the pathwise "
                 "estimate's spread is 1/586 of the score function's."),
        Step("vae", "The 2-D latent manifold", section=s7,
             params={"vae_tab": "Latent plane"},
             say="Every point of this plane is a digit: the decoder's manifold, with the prior "
                 "N(0, I) as dotted circles."),
        Step("vae", "Sampling from the VAE", section=s7,
             params={"vae_tab": "Generate"},
             say="Sample z from the prior and decode: the mean image, and what the VAE really "
                 "generates, a Bernoulli sample."),
        Step("vae", "Conditional generation: ask for a digit", section=s7,
             params={"vae_tab": "Conditional"},
             say="Give the label to encoder and decoder: the label picks the digit, z only its "
                 "style — one z drawn as all ten digits keeps its slant.",
             question=Question("Ask for 100 of each digit: what share does an independent "
                               "classifier read as the digit asked for?",
                               _conditional_agreement_percent, unit="%", digits=3)),
        Step("vae-why", "How many latent dimensions?", section=s7,
             params={"why_tab": "Latent dimension"},
             say="Two latent dimensions draw a picture; ten fit MNIST far better (41 nats of "
                 "ELBO), twenty only a little better than ten."),
    )


@functools.cache
def all_steps() -> tuple[Step, ...]:
    """The steps, built on first use: their answers and the GAN presets' parameters import the
    maths (the GAN package brings POT and scipy.stats, a second of a cold start), which a page
    that shows no step, such as the home page, need not wait for."""
    return _steps()


def step(n: int) -> Step:
    """Step ``n`` (1-based); ValueError outside 1 … len(all_steps())."""
    steps = all_steps()
    if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= len(steps):
        raise ValueError(f"a step is a whole number from 1 to {len(steps)}; got {n!r}.")
    return steps[n - 1]


def parse_step(value, default: int = 1) -> int:
    """A step number from a URL parameter ('7'); ``default`` if it is not one."""
    try:
        n = int(str(value).strip())
    except (TypeError, ValueError):
        return default
    return n if 1 <= n <= len(all_steps()) else default
