"""Shared test helpers: run a page through the app (as a browser would) or on its own."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
TIMEOUT = 60  # seconds per script run: generous, the CI machine may be busy


def via_app(page: str, **state) -> AppTest:
    """The page as reached from app.py's navigation (sidebar settings drawn)."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    for key, value in state.items():
        at.session_state[key] = value
    at.run()
    if page != "home.py":
        at.switch_page(f"pages/{page}").run()
    return at


def standalone(page: str, **state) -> AppTest:
    """The page run on its own, without app.py (a deep link, the known trap)."""
    at = AppTest.from_file(str(ROOT / "pages" / page), default_timeout=TIMEOUT)
    for key, value in state.items():
        at.session_state[key] = value
    return at.run()


@pytest.fixture(params=["via_app", "standalone"])
def run_page(request):
    """Parametrise a page test over both ways a page can be run."""
    return via_app if request.param == "via_app" else standalone


def no_exception(at: AppTest) -> None:
    assert not at.exception, [e.message for e in at.exception]
