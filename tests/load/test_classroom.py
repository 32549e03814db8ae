"""A classroom at once: many concurrent browser sessions on the real server.

    python -m pytest -m load tests/load        (about a minute and a half; localhost only)

Each session is its own browser context (its own Streamlit session), sets its own seed, walks
every page moving sliders and pressing buttons for about a minute, and checks that no exception
is shown and that its seed is still its own. The server log must hold no traceback, and the
server's resident memory must stay bounded.
"""

from __future__ import annotations

import asyncio
import os
import random
import time

import psutil
import pytest

from gdm_core import ui
from tests.e2e.server import CHROMIUM_ARGS, chromium_path, streamlit_server

pytestmark = pytest.mark.load
playwright_async = pytest.importorskip("playwright.async_api")

SESSIONS = int(os.environ.get("GDM_LOAD_SESSIONS", "10"))
DURATION = float(os.environ.get("GDM_LOAD_SECONDS", "60"))
MEMORY_LIMIT_MB = 1200
# Buttons a load test must not press: training is a long job, tested on its own.
SKIP_BUTTONS = ("Train", "Cancel")


async def settle(page) -> None:
    await page.wait_for_selector("h1", timeout=60000)
    for _ in range(600):
        if await page.locator("[data-testid='stStatusWidget']").count() == 0:
            break
        await asyncio.sleep(0.1)
    await asyncio.sleep(0.2)


async def exceptions_on(page) -> list[str]:
    found = page.locator("[data-testid='stException']")
    return [(await found.nth(i).inner_text())[:400] for i in range(await found.count())]


async def student(browser, base: str, index: int, stop_at: float, report: dict) -> None:
    rng = random.Random(index)
    context = await browser.new_context(viewport={"width": 1300, "height": 900})
    page = await context.new_page()
    my_seed = str(1000 + index)
    actions = 0
    try:
        await page.goto(base + "/")
        await settle(page)
        seed_box = page.get_by_label("Random seed", exact=True).and_(page.locator("input"))
        await seed_box.fill(my_seed)
        await seed_box.press("Enter")
        await settle(page)
        while time.time() < stop_at:
            _, _, path, _, heading = rng.choice(ui.PAGES)
            # Navigate by the sidebar, as a student does, so the session (and its seed) is kept.
            await page.locator("[data-testid='stSidebarNav'] a").nth(
                [p[2] for p in ui.PAGES].index(path)).click()
            await playwright_async.expect(page.locator("h1").first).to_have_text(
                heading, timeout=60000)
            await settle(page)
            for _ in range(3):
                if time.time() >= stop_at:
                    break
                sliders = page.locator("[data-testid='stMain'] [role='slider']")
                buttons = page.locator("[data-testid='stMain'] [data-testid='stBaseButton-secondary']")
                n_s, n_b = await sliders.count(), await buttons.count()
                if n_s and (not n_b or rng.random() < 0.7):
                    target = sliders.nth(rng.randrange(n_s))
                    await target.scroll_into_view_if_needed()
                    await target.focus()
                    await target.press(rng.choice(["ArrowRight", "ArrowLeft", "End", "Home"]))
                elif n_b:
                    target = buttons.nth(rng.randrange(n_b))
                    text = (await target.inner_text()).strip()
                    if any(text.startswith(s) for s in SKIP_BUTTONS):
                        continue
                    await target.scroll_into_view_if_needed()
                    await target.click()
                actions += 1
                await settle(page)
                report["exceptions"] += await exceptions_on(page)
        seed_value = await page.get_by_label("Random seed", exact=True).and_(page.locator("input")).input_value()
        report["seeds"][index] = seed_value
        report["actions"] += actions
    finally:
        await context.close()


async def classroom(base: str, proc) -> dict:
    report = {"exceptions": [], "actions": 0, "seeds": {}, "rss_mb": []}
    server = psutil.Process(proc.pid)
    async with playwright_async.async_playwright() as p:
        browser = await p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        stop_at = time.time() + DURATION

        async def sample_memory():
            while time.time() < stop_at + 5:
                report["rss_mb"].append(server.memory_info().rss / 2**20)
                await asyncio.sleep(2)

        sampler = asyncio.create_task(sample_memory())
        await asyncio.gather(*(student(browser, base, i, stop_at, report) for i in range(SESSIONS)))
        sampler.cancel()
        await browser.close()
    return report


def test_a_classroom_of_concurrent_sessions():
    with streamlit_server() as (base, proc, log_path):
        started = time.time()
        report = asyncio.run(asyncio.wait_for(classroom(base, proc), DURATION + 240))
        elapsed = time.time() - started
        log = log_path.read_text()
    print(f"\n{SESSIONS} sessions, {elapsed:.0f} s, {report['actions']} widget actions, "
          f"server RSS max {max(report['rss_mb']):.0f} MB, last {report['rss_mb'][-1]:.0f} MB")
    assert report["exceptions"] == []
    assert "Traceback" not in log and "Error" not in log, log[-3000:]
    assert report["seeds"] == {i: str(1000 + i) for i in range(SESSIONS)}
    assert report["actions"] >= SESSIONS * 5
    assert max(report["rss_mb"]) < MEMORY_LIMIT_MB
