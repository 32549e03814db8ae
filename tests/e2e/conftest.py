"""The browser tests: a real ``streamlit run`` (``harness.server``) and headless Chromium.

Every test here is marked ``e2e`` (its module's ``pytestmark``). A section error that any
server logged while a test ran fails that test, naming the section (the servers write the
errors their boundaries catch to a file: ``Server.section_errors()``), whether or not the page
the test looked at showed it; a test that makes one fail on purpose asks for the
``section_failures`` fixture, as in AppTest.
"""

from __future__ import annotations

import pytest

from harness import server as harness_server


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    before = {id(s): len(s.section_errors()) for s in harness_server.STARTED}
    result = yield
    if "section_failures" in getattr(item, "fixturenames", ()):
        return result  # a test that makes a section fail on purpose (and checks it)
    caught = [f"  {s.base}: section {e['name']!r} failed: {e['error']}: {e['message']}"
              for s in harness_server.STARTED for e in s.section_errors()[before.get(id(s), 0):]]
    if caught:
        pytest.fail("a section's error boundary fired in the server during the test:\n"
                    + "\n".join(caught), pytrace=False)
    return result
