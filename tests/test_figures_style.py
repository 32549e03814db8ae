"""The shared look of every figure: the title in the top band, the legend in the bottom one.

The browser check (``tests/e2e/test_layout.py``) measures that no chart title meets its
legend on any page; these are the figure-level rules that make it so.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import plotly.graph_objects as go
import plotly.io as pio

from gdm_app.figures import LEGEND, TRACE_TYPES, styled

ROOT = Path(__file__).resolve().parents[1]


def test_styled_puts_the_legend_at_the_bottom_edge_and_the_title_on_top():
    fig = styled(go.Figure([go.Scatter(y=[1, 2], name="a"), go.Scatter(y=[2, 1], name="b")]),
                 "a title", 400)
    legend = fig.layout.legend
    assert (legend.orientation, legend.yref, legend.y, legend.yanchor) == (
        "h", "container", 0, "bottom")
    assert (legend.xref, legend.x, legend.xanchor) == ("paper", 0, "left")
    assert fig.layout.title.text == "a title" and fig.layout.margin.t >= 50
    assert fig.layout.margin.b >= 55  # the axis title keeps its margin; the legend comes below


def test_the_template_has_the_same_legend_for_figures_that_skip_styled():
    legend = pio.templates["gdm"].layout.legend
    assert {k: legend[k] for k in LEGEND} == LEGEND
    assert pio.templates.default == "gdm"


def test_the_template_each_chart_carries_is_small_and_covers_every_trace_type_drawn():
    # The template travels inside every chart's JSON, on every redraw: plotly_white's was
    # 8.4 KB a chart. The trace types the builders draw keep its defaults (a scan of the code).
    sent = json.loads(pio.to_json(go.Figure(), validate=False))["layout"]["template"]
    assert len(json.dumps(sent)) < 4600
    template = pio.templates["gdm"].to_plotly_json()
    drawn = set()
    for path in sorted((ROOT / "gdm_app").rglob("*.py")):
        drawn |= {m.lower() for m in re.findall(r"go\.([A-Z][A-Za-z0-9]*)\(",
                                                path.read_text(encoding="utf-8"))}
    drawn -= {"figure", "image"}          # go.Image has no template defaults
    assert {"scatter", "heatmap", "bar"} <= drawn
    assert drawn <= set(TRACE_TYPES), drawn - set(TRACE_TYPES)
    assert set(template["data"]) == set(TRACE_TYPES)


def _calls(text: str, name: str):
    """The argument text of every ``name(...)`` call in ``text`` (balanced parentheses)."""
    for m in re.finditer(re.escape(name) + r"\(", text):
        depth, i = 1, m.end()
        while depth and i < len(text):
            depth += {"(": 1, ")": -1}.get(text[i], 0)
            i += 1
        yield text[m.end():i - 1]


def test_no_builder_places_the_legend_in_paper_units_under_the_container_default():
    # A bare legend=dict(y=-0.2, ...) would be read in the template's container units: a figure
    # that moves its legend says in which coordinates.
    bad = []
    for path in sorted((ROOT / "gdm_app").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        for args in _calls(text, "legend=dict"):
            if re.search(r"(^|[\s,(])y\s*=", args) and "yref" not in args:
                bad.append(f"{path.relative_to(ROOT)}: legend=dict({args})")
        if re.search(r"legend_y\s*=", text) and "legend_yref" not in text:
            bad.append(f"{path.relative_to(ROOT)}: legend_y without legend_yref")
    assert not bad, bad
