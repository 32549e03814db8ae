"""gdm_core.lesson: the path through the lectures, checked against the app itself — every page
exists, every tab is one of its page's tabs, every parameter a real widget key — and its
questions answered by gdm_core."""

from __future__ import annotations

import ast
import math
import re

import pytest

from gdm_core import lesson
from tests.conftest import PAGE_TABS, ROOT

PAGE_LIST = ast.literal_eval(re.search(r"PAGES = (\[.*?\n\])", (ROOT / "gdm_app/ui/pages.py")
                                       .read_text(encoding="utf-8"), re.S).group(1))
FILES = {path: file for file, _, path, _, _ in PAGE_LIST}


def widget_keys() -> set[str]:
    """Every literal widget key under gdm_app/ (``key="…"``, and ``key=f"…"`` patterns such as
    the die's faces), plus the pages' tab keys."""
    keys = set()
    for path in (ROOT / "gdm_app").rglob("*.py"):
        keys |= set(re.findall(r'key="([a-z0-9_]+)"', path.read_text(encoding="utf-8")))
    keys |= {f"{prefix}_{face}" for prefix in ("info_p", "info_kl_p", "info_kl_q")
             for face in range(1, 7)}
    keys |= {"info_preset", "info_kl_p_preset", "info_kl_q_preset"}  # the die editor's argument
    keys |= {f"mm_{m}" for m in ("simultaneous", "alternating", "extragradient", "optimistic")}
    keys |= {key for key, _ in PAGE_TABS.values()}
    return keys


def test_at_least_24_steps_through_every_lecture_section_in_order():
    assert len(lesson.all_steps()) >= 24
    sections = [s.section for s in lesson.all_steps()]
    assert set(sections) == set(lesson.SECTIONS)
    firsts = [sections.index(sec) for sec in lesson.SECTIONS]
    assert firsts == sorted(firsts)
    assert all(s.title and s.say and len(s.say) < 300 for s in lesson.all_steps())
    assert len({s.title for s in lesson.all_steps()}) == len(lesson.all_steps())


def test_the_path_follows_the_lectures():
    order = [s.params.get(k) for s in lesson.all_steps() for k in s.params if k.endswith("_tab")]

    def first(label):
        return order.index(label)
    assert (first("Surprise") < first("Yes/no questions") < first("KL: extra bits")
            < first("Two Gaussians") < first("Parallel lines") < first("Gradients")
            < first("Discriminator vs critic") < first("The maths") < first("Trajectories")
            < first("Watch it train") < first("Clipping vs penalty") < first("Autoencoder vs VAE")
            < first("KL between Gaussians") < first("ELBO gap") < first("Reparameterisation")
            < first("Latent plane") < first("Latent dimension"))
    assert first("One Gaussian, four divergences") < first("Discriminator vs critic")
    assert first("Plan and critic") < first("Trajectories")


@pytest.mark.parametrize("n", range(1, len(lesson.all_steps()) + 1))
def test_every_step_names_a_page_its_tab_and_real_widget_keys(n):
    step = lesson.step(n)
    assert step.page in FILES and FILES[step.page] != "lesson.py"
    tab_key, labels = PAGE_TABS[FILES[step.page]]
    assert step.params.get(tab_key) in labels, "a step names its tab"
    unknown = set(step.params) - widget_keys()
    assert not unknown, unknown
    assert all(isinstance(v, str) for v in step.params.values())
    assert step.url().startswith(f"/{step.page}?")


def test_questions_are_answered_by_gdm_core():
    questions = [s.question for s in lesson.all_steps() if s.question]
    assert len(questions) >= 12
    for q in questions:
        value = q.answer()
        if q.is_number:
            assert isinstance(value, float) and not math.isnan(value), q.prompt
        else:
            assert value in q.options, q.prompt
    by_title = {s.title: s.question for s in lesson.all_steps() if s.question}
    # a few against the lectures' own numbers
    assert by_title["Surprise is −log p"].shown() == "4.32 bits"
    assert by_title["A fair die: every face equally surprising"].shown() == "2.585 bits"
    assert by_title["Entropy is the average surprise"].shown() == "2.061 bits"
    assert by_title["W₁ two ways: the plan and the critic"].shown() == "1.275"
    assert by_title["Parallel lines that never touch"].answer() == pytest.approx(1.0)
    assert by_title["KL is infinite when Q rules out what P allows"].answer() == "infinitely many"
    assert by_title["Mode collapse"].answer() == 1.0
    assert by_title["A GAN trains: WGAN-GP covers all 8 modes"].answer() == 8.0


def test_step_numbers_from_urls():
    assert lesson.parse_step("7") == 7 and lesson.parse_step(" 3 ") == 3
    for bad in (None, "", "0", "-1", "x", "1e3", str(len(lesson.all_steps()) + 1)):
        assert lesson.parse_step(bad) == 1
    with pytest.raises(ValueError):
        lesson.step(0)
    assert lesson.format_number(math.inf) == "∞" and lesson.format_number(2.0) == "2"
    assert lesson.format_number(1.019803902718557, 4) == "1.02"
