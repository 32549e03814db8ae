"""The backbone: every registered page runs, both through app.py and on its own."""

import pytest

from gdm_app import ui
from tests.conftest import no_exception, standalone, via_app

PAGE_FILES = [p[0] for p in ui.PAGES]
HEADINGS = {p[0]: p[4] for p in ui.PAGES}


def test_pages_folder_holds_only_registered_pages():
    from tests.conftest import ROOT

    on_disk = {p.name for p in (ROOT / "pages").glob("*.py")}
    assert on_disk == set(PAGE_FILES)


@pytest.mark.parametrize("page", PAGE_FILES)
@pytest.mark.parametrize("runner", [via_app, standalone], ids=["via_app", "standalone"])
def test_every_page_runs_and_shows_its_heading(page, runner):
    at = runner(page)
    no_exception(at)
    assert at.title[0].value == HEADINGS[page]


def test_sidebar_settings_default_to_bits_and_seed_zero():
    at = via_app("home.py")
    assert at.sidebar.radio(key="units").value == "bits"
    assert at.sidebar.number_input(key="seed").value == 0


def test_units_chosen_earlier_in_the_session_are_kept():
    # In AppTest only the first run goes through app.py (later runs run the page alone),
    # so the choice is set in session state, as a widget change leaves it.
    at = via_app("home.py", units="nats", seed=5)
    no_exception(at)
    assert at.sidebar.radio(key="units").value == "nats"
    assert at.sidebar.number_input(key="seed").value == 5


def test_query_params_set_starting_units_and_seed():
    from streamlit.testing.v1 import AppTest

    from tests.conftest import APP

    at = AppTest.from_file(APP)
    at.query_params["units"] = "nats"
    at.query_params["seed"] = "7"
    at.run()
    assert at.sidebar.radio(key="units").value == "nats"
    assert at.sidebar.number_input(key="seed").value == 7


def test_home_links_every_topic_page_inside_the_session():
    # st.page_link keeps the session (units, seed); a plain link would open a new one.
    at = via_app("home.py")
    links = [link.proto.page for link in at.get("page_link")]
    assert links == [p[2] for p in ui.PAGES[1:]]


def test_home_alone_falls_back_to_relative_links():
    at = standalone("home.py")
    no_exception(at)
    text = " ".join(m.value for m in at.markdown)
    for _, _, path, _, _ in ui.PAGES[1:]:
        assert f"(./{path})" in text
