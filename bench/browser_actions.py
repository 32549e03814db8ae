"""Driving one Streamlit page for bench/bench_browser.py: find a control by its kind and label,
reveal it (a closed tab or expander), perform an action, and wait until the page settles.

The JavaScript the page runs is in bench/js/ (init.js is installed in every page first).
"""

from __future__ import annotations

import contextlib
import re
import time
from pathlib import Path

JS_DIR = Path(__file__).resolve().parent / "js"


def js(name: str) -> str:
    """The source of bench/js/<name>.js."""
    return (JS_DIR / f"{name}.js").read_text(encoding="utf-8")


INIT_JS = js("init")              # context.add_init_script: the measuring state, window.__bench
BUSY_JS = js("busy")
SETTLE_JS = js("settle")
QUIET_JS = js("quiet")
CHARTS_DRAWN_JS = js("charts_drawn")
REVEAL_JS = js("reveal")
LABELS_JS = js("labels")

QUIET_MS = 100          # no DOM mutation for this long = settled
RUN_GRACE_MS = 2000     # how long to wait for a rerun to start after an action that needs one
TAB_GRACE_MS = 600      # a tab or expander may rerun too (st.tabs bound to the URL): wait this long
SETTLE_TIMEOUT_MS = 90_000
NO_RERUN_KINDS = {"tab", "expander"}


class Skipped(Exception):
    """The control is not on this page (a page was rebuilt): reported, never a crash."""


CONTAINERS = {
    "slider_keys": '[data-testid="stSlider"]',
    "number": '[data-testid="stNumberInput"]',
    "select": '[data-testid="stSelectbox"]',
    "radio": '[data-testid="stRadio"]',
    "pills": '[data-testid="stButtonGroup"]',
    "checkbox": '[data-testid="stCheckbox"]',
    "toggle": '[data-testid="stCheckbox"]',
    "button": ('[data-testid="stButton"] button, [data-testid="stFormSubmitButton"] button, '
               '[data-testid="stPopover"] button'),
    "tab": '[role="tab"]',
    "expander": '[data-testid="stExpander"] summary',
}
SCOPES = {None: "", "sidebar": '[data-testid="stSidebar"] ', "main": '[data-testid="stMain"] '}

def norm(s: str) -> str:
    return re.sub(r"\s+", " ", s or "").strip()


def strip_icon(s: str) -> str:
    # a Material icon is drawn from a ligature: its name is part of the button's text, before
    # the label or (icon_position="right") after it, e.g. "Next arrow_forward"
    s = re.sub(r"^[a-z_]+\s+(?=[A-Z0-9])", "", norm(s))
    return re.sub(r"\s+[a-z]+_[a-z_]+$", "", s)


def find_control(page, action: dict):
    """The locator of the control an action names, or raise Skipped."""
    kind = action["kind"]
    if kind not in CONTAINERS:
        raise ValueError(f"unknown action kind {kind!r}")
    sel = ",".join(SCOPES[action.get("scope")] + part.strip()
                   for part in CONTAINERS[kind].split(","))
    loc = page.locator(sel)
    labels = loc.evaluate_all(LABELS_JS)
    want = norm(action["label"]).casefold()
    texts = [strip_icon(t).casefold() if kind in ("button", "tab", "expander") else norm(t).casefold()
             for t, _ in labels]
    tiers = [[i for i, t in enumerate(texts) if t == want]]
    if action.get("exact", True) is False or not tiers[0]:
        tiers.append([i for i, t in enumerate(texts) if t.startswith(want)])
        tiers.append([i for i, t in enumerate(texts) if want in t])
    if action.get("exact", True) is True:
        tiers = tiers[:1]
    for tier in tiers:
        if tier:
            visible = [i for i in tier if labels[i][1]]
            return loc.nth((visible or tier)[0])
    raise Skipped(f"no {kind} labelled {action['label']!r}")


def wait_quiet(page, quiet_ms: int = 300, timeout_ms: int = 60_000) -> bool:
    return page.evaluate(QUIET_JS, {"quiet": quiet_ms, "timeout": timeout_ms})


def wait_loaded(page, timeout_ms: int = 90_000) -> float:
    """Wait until the page is fully drawn; return the seconds it took."""
    t = time.perf_counter()
    page.wait_for_selector("[data-testid='stApp'] h1", timeout=timeout_ms)
    deadline = time.time() + timeout_ms / 1000
    while time.time() < deadline:  # a page may rerun itself once (ui.ensure_entrypoint)
        wait_quiet(page, 500, timeout_ms)
        if not page.evaluate(BUSY_JS) and page.locator("[data-testid='stSkeleton']").count() == 0:
            break
    with contextlib.suppress(Exception):  # a slow chart must not stop the bench
        page.wait_for_function(CHARTS_DRAWN_JS, timeout=30_000)
    wait_quiet(page, 300, timeout_ms)
    return time.perf_counter() - t


def reveal(page, loc) -> list[str]:
    clicked = loc.evaluate(REVEAL_JS)
    if clicked:
        wait_quiet(page, 300)
        with contextlib.suppress(Exception):
            page.wait_for_function(CHARTS_DRAWN_JS, timeout=30_000)
        wait_quiet(page, 300)
    return clicked


def arm(page) -> None:
    page.evaluate("() => { const B = window.__bench; B.armed = performance.now(); B.tAction = null; }")


def prepare_and_fire(page, action: dict):
    """Find the control, reveal it, do the unmeasured part, then arm and fire the measured part.
    Returns (what was done, needs_rerun)."""
    kind = action["kind"]
    loc = find_control(page, action)
    revealed = reveal(page, loc)
    if revealed:  # the DOM changed: the n-th match may now be another control
        loc = find_control(page, action)
    loc.scroll_into_view_if_needed(timeout=10_000)
    wait_quiet(page, QUIET_MS)
    if kind == "slider_keys":
        thumb = loc.locator('input[type="range"], [role="slider"]').first
        thumb.focus()
        presses = int(action.get("presses", 1))
        delay = action.get("delay_ms")
        wait_quiet(page, QUIET_MS)
        for i in range(presses):
            if i == presses - 1:
                arm(page)  # measured from the last press
            page.keyboard.press(action.get("key", "ArrowRight"),
                                delay=delay if delay is not None else 0)
    elif kind == "number":
        inp = loc.locator("input").first
        inp.fill(str(action["value"]))
        wait_quiet(page, QUIET_MS)
        arm(page)
        inp.press("Enter")
    elif kind == "select":
        box = loc.locator('[role="combobox"]').first
        (box if box.count() else loc).click()
        option = page.get_by_role("option", name=action["option"], exact=True)
        try:
            option.first.wait_for(timeout=5_000)
        except Exception:
            page.keyboard.press("Escape")
            raise Skipped(f"no option {action['option']!r} in {action['label']!r}")
        wait_quiet(page, QUIET_MS)
        arm(page)
        option.first.click()
    elif kind in ("radio", "pills"):
        target = (loc.locator("label").filter(has_text=action["option"]) if kind == "radio"
                  else loc.locator("button").filter(has_text=action["option"]))
        exact = [i for i, t in enumerate(target.all_inner_texts())
                 if norm(t) == norm(action["option"])]
        if not target.count():
            raise Skipped(f"no option {action['option']!r} in {action['label']!r}")
        arm(page)
        target.nth(exact[0] if exact else 0).click()
    elif kind in ("checkbox", "toggle"):
        arm(page)
        loc.locator("label").first.click()
    elif kind in ("button", "tab", "expander"):
        arm(page)
        loc.click()
    return {"revealed": revealed}, kind not in NO_RERUN_KINDS


def _try_actions(page, actions: list[dict], reasons: list[str]):
    for action in actions:
        try:
            info, needs_rerun = prepare_and_fire(page, action)
            return action, info, needs_rerun
        except Skipped as why:
            reasons.append(str(why))
    return None


def settle(page, needs_rerun: bool = True) -> dict:
    return page.evaluate(SETTLE_JS, {"quiet": QUIET_MS,
                                     "grace": RUN_GRACE_MS if needs_rerun else TAB_GRACE_MS,
                                     "needRun": True, "timeout": SETTLE_TIMEOUT_MS})


def _present(page, actions: list[dict]) -> bool:
    for action in actions:
        with contextlib.suppress(Skipped):
            find_control(page, action)
            return True
    return False


def open_tab_with(page, interaction: dict) -> str | None:
    """If no alternative's control is on the page but the page has tabs, open each tab in turn
    until one shows it (unmeasured): tabs drawn only when open (st.tabs bound to the URL) keep
    their controls out of the DOM. Returns the tab opened, if any."""
    actions = interaction["action"]
    actions = actions if isinstance(actions, list) else [actions]
    if any(a["kind"] == "tab" for a in actions) or _present(page, actions):
        return None
    tabs = page.locator('[role="tab"]')
    for i in range(tabs.count()):
        tab = tabs.nth(i)
        if tab.get_attribute("aria-selected") == "true" or not tab.is_visible():
            continue
        name = norm(tab.inner_text())
        arm(page)
        tab.click()
        settle(page, needs_rerun=False)
        wait_loaded(page)
        if _present(page, actions):
            return name
    return None


def run_action(page, interaction: dict):
    """Try the action and its alternatives in order; returns (action used, info, needs_rerun)."""
    actions = interaction["action"]
    actions = actions if isinstance(actions, list) else [actions]
    reasons: list[str] = []
    found = _try_actions(page, actions, reasons)
    if found:
        return found
    raise Skipped("; ".join(reasons))


class WsCounter:
    def __init__(self, page):
        self.received = self.sent = self.frames = 0
        page.on("websocket", self._on_ws)

    def _on_ws(self, ws):
        ws.on("framereceived", self._rx)
        ws.on("framesent", self._tx)

    def _rx(self, payload):
        self.received += len(payload)
        self.frames += 1

    def _tx(self, payload):
        self.sent += len(payload)

    def reset(self):
        self.received = self.sent = self.frames = 0


def profile_summary(profile: dict, top: int = 8) -> list[tuple[str, float]]:
    """Self time (ms) of a V8 CPU profile, by script file (hash stripped) or V8 pseudo-node."""
    nodes = {n["id"]: n for n in profile["nodes"]}
    self_us: dict[int, float] = {}
    for node_id, dt in zip(profile.get("samples", []), profile.get("timeDeltas", [])):
        self_us[node_id] = self_us.get(node_id, 0.0) + dt
    by: dict[str, float] = {}
    for node_id, us in self_us.items():
        frame = nodes[node_id]["callFrame"]
        url = frame.get("url") or ""
        if url:
            name = re.sub(r"\.[A-Za-z0-9_-]{8}\.js$", ".js", url.rsplit("/", 1)[-1])
        else:
            name = frame.get("functionName") or "(anonymous)"
        by[name] = by.get(name, 0.0) + us / 1000
    by.pop("(idle)", None)
    return sorted(by.items(), key=lambda kv: -kv[1])[:top]
