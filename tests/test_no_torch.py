"""Serving the app never imports torch (issue 20: forty students on the smallest container).

Importing torch costs a server ~180 MB, and nothing a student looks at needs it: the trained
models run in NumPy (``gdm_core.numpy_nets``), POT's torch backend is off (``gdm_core/__init__``)
and the training code imports torch on its first step (``gdm_core.torch_threads``). These tests
run a fresh interpreter, do what a server does — import every section module, then run every
page and every one of its tabs through ``app.py`` (AppTest) — and look at ``sys.modules``.
A training button is the one way in: the last test presses one and sees torch arrive.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

SERVE = """
import importlib, json, pathlib, sys
sys.path.insert(0, ".")
from tests.conftest import PAGE_TABS, no_exception, open_tab, via_app

def torch_modules():
    return sorted(m for m in sys.modules if m == "torch" or m.startswith("torch."))

report = {}
for path in sorted(pathlib.Path("gdm_app/sections").rglob("*.py")):
    name = ".".join(path.with_suffix("").parts).removesuffix(".__init__")
    importlib.import_module(name)
report["sections"] = torch_modules()
at = via_app("home.py")
no_exception(at)
report["home"] = torch_modules()
for page, (key, labels) in sorted(PAGE_TABS.items()):
    at = via_app(page)
    for label in labels:
        open_tab(at, key, label)
        no_exception(at)
        report[f"{page}: {label}"] = torch_modules()
print("REPORT " + json.dumps(report))
"""


def _run(script: str) -> dict:
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         cwd=ROOT, timeout=900)
    line = next((ln for ln in out.stdout.splitlines() if ln.startswith("REPORT ")), None)
    assert out.returncode == 0 and line, out.stderr[-3000:]
    return json.loads(line[len("REPORT "):])


@pytest.mark.slow
def test_every_section_module_and_every_tab_of_every_page_serves_without_torch():
    report = _run(SERVE)
    # the run really visited the pages: home, and every tab of the VAE and GAN pages
    assert "home" in report and "vae.py: Latent plane" in report and "gan.py: Compare" in report
    assert "vae-why.py: ELBO gap" in report and "vae.py: Train your own" in report
    loaded = {step: mods for step, mods in report.items() if mods}
    assert not loaded, loaded


def test_the_core_of_every_served_view_imports_without_torch():
    # cheap version of the above for the quick loop: the modules, not the pages
    script = """
import sys
from gdm_core import (autoencoder, classifier, curves, divergences, estimates, gan, numpy_nets,
                      posterior, reparam, tables, transport, vae, versus)
from gdm_core.gan import _nets, _presets, _session, _train
run = gan.load_preset_run("wgan-gp")
net, _ = numpy_nets.load_net("checkpoints/vae2d.npz")
vae.decode_images(net, vae.latent_grid(3))
divergences.sample_w_gradient(0.5, [0.1, 0.7], [0.2, 0.4])
print("REPORT", __import__("json").dumps({"torch": sorted(m for m in sys.modules
                                                         if m.split(".")[0] == "torch")}))
"""
    assert _run(script) == {"torch": []}


def test_a_training_is_what_imports_torch_and_it_runs_on_one_thread():
    script = """
import sys, json
from gdm_core import gan
before = "torch" in sys.modules
s = gan.GANSession(gan.GANConfig(data="ring8", loss="wgan-gp", seed=0, steps=10))
s.train_d(1)
import torch
print("REPORT", json.dumps({"before": before, "after": "torch" in sys.modules,
                            "threads": torch.get_num_threads()}))
"""
    assert _run(script) == {"before": False, "after": True, "threads": 1}
