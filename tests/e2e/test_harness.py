"""The harness reports a section error from a real server twice: in the server's log of caught
sections (``Server.section_errors()``) and as the boundary's message in the page
(``page_problems``) — what makes every browser test fail on one."""

from __future__ import annotations

import pytest

from harness.browser import launch, page_problems, wait_for_app
from harness.server import ROOT, streamlit_server

pytestmark = pytest.mark.e2e
playwright_api = pytest.importorskip("playwright.sync_api")

BROKEN = """
import streamlit as st
from gdm_app import ui

st.title("A page with a broken section")

@ui.section("Broken")
def broken():
    raise ValueError("on purpose")

broken()
st.write("after the section")
"""


def test_a_section_error_in_the_server_is_seen_from_outside(tmp_path, section_failures):
    (tmp_path / "broken.py").write_text(BROKEN)
    with streamlit_server("broken.py", app_dir=tmp_path, env={"PYTHONPATH": str(ROOT)}) as server:
        assert server.section_errors() == []  # no session yet: nothing ran
        with playwright_api.sync_playwright() as p:
            browser = launch(p)
            page = browser.new_page()
            page.goto(server.base)
            wait_for_app(page)
            problems = page_problems(page)
            assert "after the section" in page.inner_text("body")  # the rest of the page
            browser.close()
        assert server.section_errors() == [
            {"name": "Broken", "error": "ValueError", "message": "on purpose"}]
    assert len(problems) == 1 and problems[0].startswith("section error: ")
    assert "ValueError: on purpose" in problems[0]
