"""Start a real `streamlit run app.py` on a free localhost port, and a headless Chromium."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-quic"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def streamlit_server(timeout: float = 60.0, log_path: Path | None = None,
                     env: dict | None = None):
    """Yield (base_url, process, log_path); output goes to log_path (or a temp file).

    ``env`` adds to the server's environment (e.g. ``GDM_MALLOC_ARENAS=0`` for a before/after).
    """
    port = free_port()
    log_path = log_path or Path(os.environ.get("TMPDIR", "/tmp")) / f"streamlit-{port}.log"
    log = open(log_path, "w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1",
         "--browser.gatherUsageStats", "false"],
        cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env={**os.environ, **(env or {})},
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + timeout
        while True:
            try:
                with urllib.request.urlopen(base + "/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.time() > deadline:
                raise RuntimeError(f"streamlit did not start; log:\n{log_path.read_text()}")
            time.sleep(0.2)
        yield base, proc, log_path
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def chromium_path() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        raise RuntimeError("Debian's chromium is not installed (apt-get install chromium).")
    return path


def wait_for_app(page, timeout_ms: int = 60000) -> None:
    """Wait until Streamlit has finished running the script for the current page.

    "Finished" is: a heading shown and no "running" status twice in a row, 0.6 s apart (a page
    may rerun itself once, e.g. ui.ensure_entrypoint), then every Plotly chart drawn.
    """
    page.wait_for_selector("[data-testid='stApp'] h1", timeout=timeout_ms)
    idle = "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
    deadline = time.time() + timeout_ms / 1000
    while time.time() < deadline:
        page.wait_for_function(idle, timeout=timeout_ms)
        page.wait_for_timeout(600)
        if page.evaluate(idle) and page.locator("[data-testid='stSkeleton']").count() == 0:
            break
    # every Plotly chart drawn (the charts load their library lazily), within reason
    try:
        page.wait_for_function(
            "() => [...document.querySelectorAll('[data-testid=\"stPlotlyChart\"]')]"
            ".every(c => c.querySelector('.main-svg'))",
            timeout=20000,
        )
    except Exception:  # a slow chart must not fail the test; the screenshot shows it
        pass
    page.wait_for_timeout(300)
