"""Home: a gallery of each page's key figure under a link to the page (AppTest)."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from gdm_app import ui
from gdm_app.sections.home import gallery
from gdm_app.sections.information.die import DIE_PRESETS, PAGE_DEFAULT
from tests.conftest import chart, no_exception, standalone, via_app

PAGE = "home.py"
ROOT = Path(__file__).resolve().parents[1]


def _keys(at) -> list[str]:
    return [c.proto.id.rsplit("-", 1)[1] for c in at.get("plotly_chart")]


def _pages() -> list[str]:
    return [p[0] for p in ui.PAGES[1:] if p[0] != "lesson.py"]  # the lesson: a link, no picture


@pytest.mark.parametrize("runner", [via_app, standalone], ids=["via_app", "standalone"])
def test_every_page_has_its_picture_in_menu_order(runner):
    at = runner(PAGE)
    no_exception(at)
    # pictures, not live charts: the first page loads without Plotly's script or the maths
    images = at.get("image")
    assert len(images) == len(_pages()) and _keys(at) == []
    cards = dict(gallery.CARDS)
    captions = [c.value for c in at.caption if c.value in cards.values()]
    assert captions == [cards[file] for file in _pages()]
    # the pictures come first, the page's long descriptions after them
    assert at.subheader[0].value == "What each page shows"


def test_without_its_pictures_the_gallery_draws_the_figures_live(monkeypatch, tmp_path):
    monkeypatch.setattr(gallery, "THUMBS", tmp_path)          # an empty folder: no file
    at = standalone(PAGE)
    no_exception(at)
    assert _keys(at) == [f"home_fig_{file[:-3].replace('-', '_')}" for file in _pages()]
    for key in _keys(at):
        layout = chart(at, key)["layout"]
        # a plain small picture: the link above it names the page
        assert layout["height"] == gallery.THUMB_HEIGHT and layout["showlegend"] is False
        assert not (layout.get("title") or {}).get("text")
        assert not layout.get("updatemenus") and not layout.get("sliders")


def _close(now, then, path="") -> list[str]:
    """Where two fingerprints differ (numbers to 1e-3 relative: another machine's last bits)."""
    if isinstance(now, dict) and isinstance(then, dict):
        if now.keys() != then.keys():
            return [f"{path}: keys {sorted(now.keys() ^ then.keys())}"]
        return [d for k in now for d in _close(now[k], then[k], f"{path}.{k}")]
    if isinstance(now, list) and isinstance(then, list):
        if len(now) != len(then):
            return [f"{path}: {len(now)} items, the picture's {len(then)}"]
        return [d for i, (a, b) in enumerate(zip(now, then)) for d in _close(a, b, f"{path}[{i}]")]
    if isinstance(now, (int, float)) and isinstance(then, (int, float)):
        ok = math.isclose(now, then, rel_tol=1e-3, abs_tol=1e-9)
        return [] if ok else [f"{path}: {now} (the picture: {then})"]
    return [] if now == then else [f"{path}: {now!r} (the picture: {then!r})"]


@pytest.mark.parametrize("file", list(gallery.FIGURES))
def test_each_picture_is_what_its_page_builder_draws_now(file):
    # rerun `python -m gdm_app.sections.home.render` when this fails: a builder changed
    from PIL import Image

    manifest = json.loads(gallery.MANIFEST.read_text())
    diffs = _close(gallery.fingerprint(gallery.FIGURES[file]()), manifest["figures"][file])
    assert not diffs, diffs[:5]
    for dark in (False, True):
        with Image.open(gallery.image_path(file, dark)) as image:
            assert image.size == tuple(2 * v for v in manifest["image_size"])


def test_the_information_picture_is_the_page_default_die():
    die = np.asarray(DIE_PRESETS[PAGE_DEFAULT])
    bars = gallery.FIGURES["information.py"]().data[0]
    np.testing.assert_allclose(np.asarray(bars.y, dtype=float), -np.log2(die))


def test_thumbnail_copies_and_strips_a_figure():
    from gdm_app.figures import games as figs
    from gdm_core import games

    paths = {m: games.simulate(m, (1.0, 0.5), 0.2, 20).path for m in games.METHODS}
    fig = figs.trajectories(paths)
    small = gallery.thumbnail(fig)
    assert small is not fig and fig.layout.updatemenus and fig.frames  # the original untouched
    assert not small.layout.updatemenus and not small.frames
    assert small.layout.xaxis.showticklabels is False and small.layout.height == 200


HOME_ALONE = """
import json, sys
sys.path.insert(0, ".")
from tests.conftest import no_exception, via_app
at = via_app("home.py")
no_exception(at)
heavy = ("ot", "scipy.stats", "gdm_core.gan", "gdm_core.divergences", "torch")
print("REPORT " + json.dumps({"images": len(at.get("image")),
                              "loaded": sorted(m for m in heavy if m in sys.modules)}))
"""


def test_a_cold_server_shows_the_home_page_without_the_maths():
    # the first visitor after a cold start (Cloud wakes a sleeping app) waits only for the
    # home page: its pictures are files, and the lesson's steps are built on first use
    out = subprocess.run([sys.executable, "-c", HOME_ALONE], capture_output=True, text=True,
                         cwd=ROOT, timeout=300)
    line = next((ln for ln in out.stdout.splitlines() if ln.startswith("REPORT ")), None)
    assert out.returncode == 0 and line, out.stderr[-3000:]
    report = json.loads(line[len("REPORT "):])
    assert report == {"images": len(_pages()), "loaded": []}, report
