"""Every step of the lesson opens its view: its URL, in a fresh session, opens its page with no
error, on the step's tab, and with every parameter the step names still in the address bar (a
parameter the page refused or reset would be gone or changed: what a copied URL opens)."""

from __future__ import annotations

import pytest

from gdm_app import ui
from gdm_core import lesson
from tests.conftest import TAB_KEYS, from_url, no_exception
from tests.test_sections import url_of

FILE = {path: file for file, _, path, _, _ in ui.PAGES}


@pytest.mark.parametrize("n", range(1, len(lesson.all_steps()) + 1))
def test_the_step_url_opens_its_view(n):
    step = lesson.step(n)
    file = FILE[step.page]
    at = from_url(file, step.params)
    no_exception(at)
    assert not [w.value for w in at.warning if "cannot be used" in w.value]
    key = TAB_KEYS[file]
    shown = url_of(at, key)
    # the tab the step names is the open one, and every value it sets is the one on screen
    assert at.session_state[key] == step.params[key]
    assert {k: shown.get(k) for k in step.params} == step.params
