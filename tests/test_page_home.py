"""Home: a gallery of each page's key figure under a link to the page (AppTest)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from gdm_app import ui
from gdm_app.sections.home import gallery
from gdm_app.sections.information.die import DIE_PRESETS, PAGE_DEFAULT
from tests.conftest import chart, no_exception, plotly_array, standalone, via_app

PAGE = "home.py"


def _keys(at) -> list[str]:
    return [c.proto.id.rsplit("-", 1)[1] for c in at.get("plotly_chart")]


@pytest.mark.parametrize("runner", [via_app, standalone], ids=["via_app", "standalone"])
def test_every_page_has_its_picture_in_menu_order(runner):
    at = runner(PAGE)
    no_exception(at)
    pages = [p[0] for p in ui.PAGES[1:] if p[0] != "lesson.py"]  # the lesson: a link, no picture
    assert _keys(at) == [f"home_fig_{file[:-3].replace('-', '_')}" for file in pages]
    for key in _keys(at):
        layout = chart(at, key)["layout"]
        # a plain small picture: the link above it names the page
        assert layout["height"] == gallery.THUMB_HEIGHT and layout["showlegend"] is False
        assert not (layout.get("title") or {}).get("text")
        assert not layout.get("updatemenus") and not layout.get("sliders")
    # the pictures come first, the page's long descriptions after them
    assert at.subheader[0].value == "What each page shows"


def test_the_information_picture_is_the_page_default_die_in_the_sidebar_unit():
    die = np.asarray(DIE_PRESETS[PAGE_DEFAULT])
    for unit, base in (("bits", 2.0), ("nats", math.e)):
        at = via_app(PAGE, units=unit)
        bars = chart(at, "home_fig_information")["data"][0]
        np.testing.assert_allclose(plotly_array(bars["y"]).astype(float),
                                   -np.log(die) / math.log(base))


def test_thumbnail_copies_and_strips_a_figure():
    from gdm_app.figures import games as figs
    from gdm_core import games

    paths = {m: games.simulate(m, (1.0, 0.5), 0.2, 20).path for m in games.METHODS}
    fig = figs.trajectories(paths)
    small = gallery.thumbnail(fig)
    assert small is not fig and fig.layout.updatemenus and fig.frames  # the original untouched
    assert not small.layout.updatemenus and not small.frames
    assert small.layout.xaxis.showticklabels is False and small.layout.height == 200
