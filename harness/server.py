"""Start a real ``streamlit run`` for a test, a benchmark or the load test.

    with streamlit_server() as server:          # app.py of this checkout, on 127.0.0.1:<free>
        page.goto(server.base + "/gan")
        ...
        assert server.section_errors() == []

Every server gets ``$GDM_SECTION_ERROR_LOG`` (a file in its work directory): the app's error
boundaries append each section they catch there (``gdm_app/ui/sections.py``), so a caller
outside the server sees a section that failed even if no page showed it to the caller.
:data:`STARTED` lists every server this process started (the browser tests check them all
after each test).

As a command (used by ``tests/e2e/test_no_outbound.py`` inside an empty network namespace):

    python -m harness.server --as-teacher --wait-log "URL:" --linger 3 [-- streamlit args]

starts the server, waits until it serves (and its log shows the text), lingers, stops it, and
exits 0 (served) or 3 (did not).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shlex
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# What a test or benchmark server runs with: no browser opened, only localhost, no statistics.
TEST_FLAGS = ("--server.headless", "true", "--server.address", "127.0.0.1",
              "--browser.gatherUsageStats", "false")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    """A running (or finished) ``streamlit run``."""

    base: str                   # http://127.0.0.1:<port>
    proc: subprocess.Popen
    log_path: Path              # the server's stdout and stderr
    section_error_log: Path     # one JSON line per section error caught by the app
    workdir: Path
    _psutil: object = field(default=None, repr=False)
    _final: tuple[str, list[dict]] | None = field(default=None, repr=False)  # once stopped

    @property
    def port(self) -> int:
        return int(self.base.rsplit(":", 1)[1])

    @property
    def pid(self) -> int:
        return self.proc.pid

    @property
    def process(self):
        """The server as a ``psutil.Process`` (memory, CPU time)."""
        if self._psutil is None:
            import psutil

            self._psutil = psutil.Process(self.proc.pid)
        return self._psutil

    def log(self) -> str:
        if self._final is not None and not self.log_path.exists():
            return self._final[0]
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def section_errors(self) -> list[dict]:
        """Each section error the app caught so far: {"name", "error", "message"}."""
        if self._final is not None and not self.section_error_log.exists():
            return list(self._final[1])
        if not self.section_error_log.exists():
            return []
        return [json.loads(line) for line in self.section_error_log.read_text().splitlines()
                if line.strip()]


STARTED: list[Server] = []


def streamlit_command(script: str = "app.py", *, port: int, as_teacher: bool = False,
                      extra_args: Sequence[str] = (),
                      launcher: Sequence[str] | None = None) -> list[str]:
    """The command line: ``python -m streamlit run SCRIPT --server.port PORT [TEST_FLAGS] ...``.

    ``as_teacher``: no flags but the port, so the project's ``.streamlit/config.toml`` decides
    (as for ``streamlit run app.py``). ``launcher`` replaces ``python -m streamlit`` (a script
    that sets something up, then runs Streamlit's CLI with the arguments it is given).
    """
    head = list(launcher) if launcher else [sys.executable, "-m", "streamlit"]
    flags = () if as_teacher else TEST_FLAGS
    return [*head, "run", script, "--server.port", str(port), *flags, *extra_args]


def _serves(base: str) -> bool:
    try:
        with urllib.request.urlopen(base + "/_stcore/health", timeout=2) as r:
            if r.status != 200:
                return False
        with urllib.request.urlopen(base + "/", timeout=5) as r:
            return b"<html" in r.read().lower()
    except OSError:
        return False


@contextlib.contextmanager
def streamlit_server(script: str = "app.py", *, app_dir: Path = ROOT, port: int | None = None,
                     env: dict | None = None, extra_args: Sequence[str] = (),
                     as_teacher: bool = False, launcher: Sequence[str] | None = None,
                     pythonpath: Sequence[Path] = (), workdir: Path | None = None,
                     log_path: Path | None = None, timeout: float = 90.0,
                     ready: Callable[[str], bool] | None = None) -> Iterator[Server]:
    """Run ``streamlit run script`` in ``app_dir`` until the block ends; yield a :class:`Server`.

    Ready when ``/_stcore/health`` answers and ``/`` serves the page (and ``ready(log text)``
    holds, if given). ``env`` adds to the server's environment; ``pythonpath`` puts directories
    first on its ``PYTHONPATH`` (a ``sitecustomize`` for a benchmark's hooks). The work directory
    (a new temporary one by default, removed at the end) holds the log and the section-error
    log; the :class:`Server` still answers ``log()`` and ``section_errors()`` afterwards.
    """
    port = port or free_port()
    own_workdir = workdir is None
    workdir = Path(workdir or tempfile.mkdtemp(prefix=f"gdm-server-{port}-"))
    workdir.mkdir(parents=True, exist_ok=True)
    log_path = Path(log_path or workdir / "server.log")
    errors = workdir / "section-errors.jsonl"
    errors.write_text("")
    full_env = {**os.environ, **(env or {}), "GDM_SECTION_ERROR_LOG": str(errors)}
    if pythonpath:
        full_env["PYTHONPATH"] = os.pathsep.join(
            [str(p) for p in pythonpath] + [p for p in [os.environ.get("PYTHONPATH")] if p])
    cmd = streamlit_command(script, port=port, as_teacher=as_teacher, extra_args=extra_args,
                            launcher=launcher)
    with open(log_path, "w") as log:
        proc = subprocess.Popen(cmd, cwd=app_dir, stdout=log, stderr=subprocess.STDOUT,
                                env=full_env)
    server = Server(f"http://127.0.0.1:{port}", proc, log_path, errors, workdir)
    STARTED.append(server)
    try:
        deadline = time.time() + timeout
        while not (_serves(server.base) and (ready is None or ready(server.log()))):
            if proc.poll() is not None or time.time() > deadline:
                raise RuntimeError(f"streamlit did not start ({' '.join(cmd)}); log:\n"
                                   f"{server.log()}")
            time.sleep(0.2)
        yield server
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)
        server._final = (server.log(), server.section_errors())
        if own_workdir:
            shutil.rmtree(workdir, ignore_errors=True)


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Start `streamlit run`, wait until it serves, "
                                             "linger, stop; exit 0 if it served, 3 if not.")
    ap.add_argument("--script", default="app.py")
    ap.add_argument("--port", type=int)
    ap.add_argument("--as-teacher", action="store_true",
                    help="only the port on the command line: the project's config decides")
    ap.add_argument("--launcher", help="a Python file (and its arguments) to run instead of "
                                       "`python -m streamlit`; it gets Streamlit's arguments")
    ap.add_argument("--log", type=Path, help="the server's output (default: its work dir)")
    ap.add_argument("--wait-log", help="also wait until the log shows this text")
    ap.add_argument("--linger", type=float, default=0.0, help="seconds to keep it running")
    ap.add_argument("--timeout", type=float, default=90.0)
    ap.add_argument("streamlit_args", nargs="*", help="more arguments for `streamlit run`")
    args = ap.parse_args(argv)
    launcher = [sys.executable, *shlex.split(args.launcher)] if args.launcher else None
    ready = (lambda text: args.wait_log in text) if args.wait_log else None
    try:
        with streamlit_server(args.script, port=args.port, as_teacher=args.as_teacher,
                              launcher=launcher, log_path=args.log, timeout=args.timeout,
                              extra_args=args.streamlit_args, ready=ready) as server:
            print(server.base, flush=True)
            time.sleep(args.linger)
    except RuntimeError as err:
        print(err, file=sys.stderr)
        return 3
    return 0


if __name__ == "__main__":
    sys.exit(main())
