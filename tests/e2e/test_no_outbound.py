"""`streamlit run app.py` asks no outside service anything at start.

The server runs as a teacher runs it (the project's .streamlit/config.toml, no address given,
so it listens on every interface and prints a Network URL for the class), inside a fresh network
namespace that holds only the loopback interface (`unshare -n`, root). A Python audit hook in the
server process records every DNS lookup and every socket connect, and refuses any to a
non-loopback host, so nothing could leave even outside the namespace. The app must start, serve,
print Local and Network URLs, and have asked for nothing outside. A control run with
`--server.headless true` (the old configuration) shows that the hook does see Streamlit's
external-IP lookup.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from harness.server import ROOT, free_port

pytestmark = pytest.mark.e2e
LAUNCHER = Path(__file__).with_name("audited_streamlit.py")


def unshare_works() -> bool:
    if not shutil.which("unshare") or not shutil.which("ip"):
        return False
    done = subprocess.run(["unshare", "-n", "sh", "-c", "ip link set lo up"],
                          capture_output=True, timeout=30)
    return done.returncode == 0


def start_offline(tmp: Path, *extra: str) -> tuple[str, list[dict], list[str]]:
    """Start the app in an empty network namespace; return (log, audit records, browser calls)."""
    if not unshare_works():
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail("unshare -n (a private network namespace) does not work here")
        pytest.skip("needs `unshare -n` (root) to run the server on every interface safely")
    # A stand-in xdg-open: records the URL the server would open in the teacher's browser.
    bin_dir = tmp / "bin"
    bin_dir.mkdir()
    opener = bin_dir / "xdg-open"
    opener.write_text(f'#!/bin/sh\necho "$@" >> {tmp / "opened.txt"}\n')
    opener.chmod(0o755)
    env = dict(os.environ, PATH=f"{bin_dir}:{os.environ['PATH']}", PYTHONPATH=str(ROOT))
    env.pop("DISPLAY", None)
    env.pop("BROWSER", None)
    # (Streamlit's own STREAMLIT_* variables would override config.toml; the test uses none.)
    env = {k: v for k, v in env.items() if not k.startswith("STREAMLIT_")}
    launcher = shlex.join([str(LAUNCHER), str(tmp / "audit.jsonl")])
    # The one harness starts the server inside the namespace, as a teacher runs it (only the
    # port given), waits until it serves and has printed its URLs, lingers 3 s, and stops it.
    cmd = ["unshare", "-n", "sh", "-c", 'ip link set lo up && exec "$@"', "sh",
           sys.executable, "-m", "harness.server", "--as-teacher", "--launcher", launcher,
           "--port", str(free_port()), "--log", str(tmp / "server.log"), "--wait-log", "URL:",
           "--linger", "3", "--", *extra]
    done = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=180)
    log = (tmp / "server.log").read_text() if (tmp / "server.log").exists() else ""
    assert done.returncode == 0, f"server did not serve:\n{done.stderr}\n{log}"
    audit = (tmp / "audit.jsonl")
    records = [json.loads(x) for x in audit.read_text().splitlines()] if audit.exists() else []
    opened = (tmp / "opened.txt")
    calls = opened.read_text().split() if opened.exists() else []
    return log, records, calls


def test_the_app_starts_and_serves_without_asking_anyone_outside(tmp_path):
    log, records, opened = start_offline(tmp_path)
    outbound = [r for r in records if not (r.get("udp") and r["event"] == "socket.connect")]
    assert outbound == [], (outbound, log)
    assert "Did not auto detect external IP" not in log
    assert "External URL" not in log
    # What the teacher reads: this machine's address for the class, and the local one.
    assert "Local URL: http://localhost:" in log, log
    assert "Network URL: http://" in log, log
    # ... and the teacher's own browser is opened at the app.
    assert any(u.startswith("http://localhost:") for u in opened), opened
    assert "Traceback" not in log, log


def test_the_control_the_old_headless_configuration_is_seen_asking(tmp_path):
    log, records, opened = start_offline(tmp_path, "--server.headless", "true")
    asked = [r["host"] for r in records if r["event"].startswith("socket.gethost")
             or r["event"] == "socket.getaddrinfo"]
    assert "checkip.amazonaws.com" in asked, (records, log)
    assert "Did not auto detect external IP" in log
    assert opened == []
