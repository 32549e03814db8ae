"""The VAE page's Conditional tab in AppTest: what it says is what ``gdm_core.cvae`` computes."""

from __future__ import annotations

import math
import re
import shutil

import numpy as np
import pytest

from gdm_core import classifier, cvae, paths, vae
from gdm_core.data import load_mnist
from tests.conftest import no_exception, open_tab, section_errors, standalone

TAB = "Conditional"


def _texts(at) -> str:
    return " ".join([m.value for m in at.markdown] + [c.value for c in at.caption])


def _titles(at) -> list[str]:
    import json

    return [json.loads(el.proto.spec)["layout"].get("title", {}).get("text", "")
            for el in at.get("plotly_chart")]


@pytest.fixture(scope="module")
def page():
    return open_tab(standalone("vae.py"), "vae_tab", TAB)


def test_opens_with_its_two_pictures(page):
    no_exception(page)
    keys = {el.proto.id.rsplit("-", 1)[1] for el in page.get("plotly_chart")}
    assert keys == {"vae_fig_cond_plane", "vae_fig_cond_strip"}
    assert "Digit 3: its style plane" in _titles(page)
    assert "z = (1.5, 0.0) as every digit" in _titles(page)


def test_the_judges_share_is_computed_on_the_page(page):
    net, _ = cvae.load_cvae()
    judged = cvae.label_agreement(net, classifier.load_classifier(), 100, 0)
    text = _texts(page)
    shown = re.search(r"\*\*([\d.]+) %\*\* \(95 % interval ([\d.]+)–([\d.]+) %\) of 1,000 "
                      r"samples", text)
    assert shown, text
    assert float(shown.group(1)) == pytest.approx(100 * judged["overall"], abs=0.05)
    assert float(shown.group(1)) >= 90.0
    lo, hi = judged["overall_ci95"]
    assert float(shown.group(2)) == pytest.approx(100 * lo, abs=0.05)
    assert float(shown.group(3)) == pytest.approx(100 * hi, abs=0.05)
    assert "slant grows with z₂" in text and "ink falls as z₁ grows" in text


def test_the_elbo_follows_the_units(page):
    net, meta = cvae.load_cvae()
    images, labels = load_mnist(str(paths.mnist_sample_path()), "test")
    rec, kl = cvae.conditional_elbo(net, vae.model_input(images), labels, 0)
    at = page
    at.session_state["units"] = "bits"
    at.run()
    text = _texts(at)
    value = re.search(r"Test −ELBO of the conditional VAE: ([\d.]+) bits", text)
    assert value, text
    assert float(value.group(1)) == pytest.approx((kl - rec).mean() / math.log(2), abs=0.05)
    assert f"{meta['test_neg_elbo'] / math.log(2):.1f} bits" in text
    at.session_state["units"] = "nats"
    at.run()
    assert f"{(kl - rec).mean():.1f} nats" in _texts(at)


def test_the_inputs_change_the_pictures(page):
    at = page
    at.session_state["vae_cond_digit"] = 7
    at.session_state["vae_cond_z1"] = -1.0
    at.run()
    no_exception(at)
    assert "Digit 7: its style plane" in _titles(at)
    assert "z = (-1.0, 0.0) as every digit" in _titles(at)


def test_a_missing_model_is_said_not_raised(tmp_path):
    shutil.copy(cvae.CVAE_CHECKPOINT.with_suffix(".json"), tmp_path / "c.json")
    at = standalone("vae.py", _cvae_checkpoint=str(tmp_path / "c.npz"))
    at = open_tab(at, "vae_tab", TAB)
    assert not at.exception and not section_errors(at)
    assert any("could not be loaded" in i.value and "missing" in i.value for i in at.info)
