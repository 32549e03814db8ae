"""Pictures first (issue 19), as the page tree says: in every tab listed here the first element
is one short headline sentence, and the tab's first picture comes before any formula or
paragraph of explanation (inputs the picture needs may sit above it).

Where the pictures land on a 1280×720 screen is measured in Chromium by
``tests/e2e/test_layout.py``; this is the quick AppTest check of the order.
"""

from __future__ import annotations

import pytest

from tests.conftest import TAB_KEYS, open_tab, standalone

TABS = [
    *[("information.py", t) for t in ("Yes/no questions", "Two rolls", "Coin", "Two variables",
                                      "KL: extra bits")],
    *[("divergences.py", t) for t in ("Parallel lines", "Gradients", "From samples",
                                      "Discriminator vs critic", "Plan and critic", "Support",
                                      "Heavy tails")],
    *[("fitting.py", t) for t in ("Likelihood = KL", "One Gaussian, four divergences",
                                  "Generative vs discriminative")],
    *[("minimax.py", t) for t in ("Trajectories", "Theory vs measurement", "The saddle",
                                  "Why GANs")],
    ("gaussians.py", "Marginal and conditional"),
    *[("vae.py", t) for t in ("Latent plane", "Encoded digits", "Draw a digit", "Generate",
                              "Conditional", "Reconstruct", "ELBO", "Train your own")],
]
HEADLINE_CHARS = 125  # about one line at 1280 px
EXPLANATION_CHARS = 120  # a paragraph longer than this explains: after or beside the picture


def _walk(node) -> list:
    out = []
    for child in node.children.values():
        if getattr(child, "children", None):
            out += _walk(child)
        else:
            out.append(child)
    return out


def _kind(element) -> str:
    return getattr(element, "type", None) or type(element).__name__.lower()


@pytest.fixture(scope="module")
def pages():
    return {}


@pytest.mark.parametrize("page,label", TABS, ids=[f"{p[:-3]}-{t}" for p, t in TABS])
def test_headline_then_picture_then_explanations(pages, page, label):
    at = pages.get(page) or pages.setdefault(page, standalone(page))
    open_tab(at, TAB_KEYS[page], label)
    assert not at.exception
    (tab,) = [t for t in at.tabs if t.label == label]
    elements = [e for e in _walk(tab) if _kind(e) not in ("empty", "html")]
    first = elements[0]
    assert _kind(first) == "markdown" and first.value.startswith("**"), first
    assert first.value.endswith("**") and len(first.value) - 4 <= HEADLINE_CHARS, first.value
    charts = [i for i, e in enumerate(elements) if _kind(e) == "plotly_chart"]
    assert charts, f"{label}: no picture"
    before = elements[1:charts[0]]
    assert not [e for e in before if _kind(e) == "latex"], f"{label}: a formula above the picture"
    long = [e.value for e in before if _kind(e) in ("markdown", "caption")
            and len(e.value) > EXPLANATION_CHARS]
    assert not long, f"{label}: explanations above the picture: {long}"
