"""requirements.txt installs the way Streamlit Community Cloud installs it: uv first, then pip.

Cloud runs ``uv pip install -r requirements.txt`` and falls back to pip. PyPI is reached for
real; PyPI's place is not what these tests probe. PyTorch's CPU index cannot be reached from
CI, so a local stand-in plays it: a PEP 503 simple index on 127.0.0.1 holding the torch CPU
wheel and an older numpy, as the real ``https://download.pytorch.org/whl/cpu`` does (it hosts
numpy, pillow, jinja2, ... in older versions beside torch). Every ``download.pytorch.org`` URL
in requirements.txt is pointed at the stand-in.

- uv installs requirements.txt into a fresh venv, and pip resolves it;
- the old configuration (``--extra-index-url …/whl/cpu`` with numpy pinned) fails under uv, as
  it would on Cloud: uv takes a package that an extra index hosts only from that index;
- every pin has wheels for CPython 3.11, 3.12 and 3.13 on manylinux x86_64 (Cloud's Linux),
  resolved with no interpreter of those versions; ``pip download`` for 3.12, Cloud's default.

Needs PyPI (about 400 MB of downloads into temporary directories, about a minute). Outside CI
the tests skip when PyPI, uv or a local torch CPU wheel is missing; in CI (``CI=true``) they fail.
"""

from __future__ import annotations

import functools
import glob
import hashlib
import http.server
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import urllib.parse
import urllib.request
import zipfile
from pathlib import Path

import pytest

pytestmark = [pytest.mark.network, pytest.mark.slow]
ROOT = Path(__file__).resolve().parents[1]
REQUIREMENTS = ROOT / "requirements.txt"
PYTORCH = "https://download.pytorch.org/whl/cpu"
OLD_NUMPY = "2.3.5"  # older than the pin, as on PyTorch's index
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
PLATFORMS = ["manylinux_2_28_x86_64", "manylinux_2_27_x86_64", "manylinux_2_24_x86_64",
             "manylinux_2_17_x86_64", "manylinux2014_x86_64"]


def need(condition: bool, reason: str) -> None:
    if not condition:
        if IN_CI:
            pytest.fail(reason)
        pytest.skip(reason)


@functools.cache
def pypi_reachable() -> bool:
    try:
        with urllib.request.urlopen("https://pypi.org/simple/pip/", timeout=10) as r:
            return r.status == 200
    except OSError:
        return False


def uv_bin() -> str:
    try:
        from uv import find_uv_bin
        return find_uv_bin()
    except (ImportError, FileNotFoundError):
        need(False, "uv is not installed (pip install -r requirements-dev.txt)")


def torch_cpu_wheel() -> Path:
    """The torch CPU wheel for this interpreter, from pip's find-links directories."""
    tag = f"cp{sys.version_info.major}{sys.version_info.minor}"
    dirs = os.environ.get("PIP_FIND_LINKS", "").split() + ["/opt/wheels"]
    for d in dirs:
        d = d.removeprefix("file://")
        hits = sorted(glob.glob(os.path.join(d, f"torch-2.13.0+cpu-{tag}-{tag}-*x86_64.whl")))
        if hits:
            return Path(hits[0])
    need(False, "no local torch 2.13.0+cpu wheel (PyTorch's index is not reachable from here)")


def clean_env(tmp: Path) -> dict:
    """An environment without this machine's pip/uv settings: Cloud has none of them."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "UV_", "VIRTUAL_ENV"))}
    env.update(UV_CACHE_DIR=str(tmp / "uv-cache"), UV_NO_CONFIG="1", UV_PYTHON_DOWNLOADS="never",
               PIP_NO_CACHE_DIR="1", PIP_DISABLE_PIP_VERSION_CHECK="1", PIP_CONFIG_FILE=os.devnull)
    return env


def run(cmd, env, timeout=600) -> subprocess.CompletedProcess:
    return subprocess.run([str(c) for c in cmd], env=env, capture_output=True, text=True,
                          timeout=timeout)


def write_simple_page(directory: Path) -> None:
    links = []
    for wheel in sorted(directory.glob("*.whl")):
        digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
        links.append(f'<a href="{urllib.parse.quote(wheel.name)}#sha256={digest}">{wheel.name}</a>')
    (directory / "index.html").write_text(
        "<!DOCTYPE html><html><body>\n" + "\n".join(links) + "\n</body></html>\n")


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def standin(tmp_path_factory):
    """Yield the stand-in for PyTorch's CPU index: (base URL, temp dir, torch wheel)."""
    need(pypi_reachable(), "PyPI is not reachable")
    uv_bin()
    wheel = torch_cpu_wheel()
    tmp = tmp_path_factory.mktemp("install")
    cpu = tmp / "standin" / "whl" / "cpu"
    (cpu / "torch").mkdir(parents=True)
    os.symlink(wheel, cpu / "torch" / wheel.name)
    done = run([sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
                "-d", cpu / "numpy", f"numpy=={OLD_NUMPY}"], clean_env(tmp))
    assert done.returncode == 0, done.stderr
    for project in ("torch", "numpy"):
        write_simple_page(cpu / project)
    handler = functools.partial(QuietHandler, directory=str(tmp / "standin"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/whl/cpu", tmp, wheel
    finally:
        server.shutdown()
        server.server_close()


def pointed_at(standin_url: str, text: str) -> str:
    assert PYTORCH in text, "requirements.txt no longer names PyTorch's CPU wheels"
    return text.replace(PYTORCH, standin_url)


def old_configuration(text: str) -> str:
    """requirements.txt as it was: PyTorch's CPU index as an extra index instead."""
    return re.sub(r"^--find-links\s+\S+", f"--extra-index-url {PYTORCH}", text, flags=re.M)


def pins(text: str) -> dict[str, str]:
    """name -> version of the plain `name==version` lines (markers ignored)."""
    found = {}
    for line in text.splitlines():
        m = re.match(r"^([A-Za-z0-9_.-]+)==([^\s;]+)", line)
        if m:
            found.setdefault(m.group(1).lower(), m.group(2))
    return found


def fresh_venv(tmp: Path, name: str, env: dict) -> Path:
    venv = tmp / name
    done = run([uv_bin(), "venv", "--python", sys.executable, venv], env)
    assert done.returncode == 0, done.stderr
    return venv


def test_uv_installs_requirements_into_a_fresh_venv(standin):
    url, tmp, _ = standin
    text = REQUIREMENTS.read_text()
    req = tmp / "requirements-uv.txt"
    req.write_text(pointed_at(url, text))
    env = clean_env(tmp)
    venv = fresh_venv(tmp, "venv-uv", env)
    env["VIRTUAL_ENV"] = str(venv)
    done = run([uv_bin(), "pip", "install", "-r", req], env)
    assert done.returncode == 0, done.stderr[-3000:]
    # every pinned distribution, by its name in requirements.txt
    probe = ("import json, importlib.metadata as m; print(json.dumps({d: m.version(d) for d in "
             f"{sorted(pins(text))!r}}}))")
    out = run([venv / "bin" / "python", "-c", probe], env)
    assert out.returncode == 0, out.stderr
    installed = {k.lower(): v for k, v in json.loads(out.stdout).items()}
    assert installed == pins(text), (installed, pins(text))
    assert installed["torch"].endswith("+cpu")
    # PyPI's Linux torch would have brought CUDA along; the CPU build brings none.
    listed = run([uv_bin(), "pip", "list", "--format", "json"], env)
    assert not [p["name"] for p in json.loads(listed.stdout) if p["name"].startswith("nvidia")]


def test_the_old_extra_index_configuration_fails_under_uv(standin):
    # The proof that the check above can fail: the configuration this file had before.
    url, tmp, _ = standin
    req = tmp / "requirements-old.txt"
    req.write_text(pointed_at(url, old_configuration(REQUIREMENTS.read_text())))
    assert "--extra-index-url" in req.read_text()
    env = clean_env(tmp)
    venv = fresh_venv(tmp, "venv-old", env)
    env["VIRTUAL_ENV"] = str(venv)
    done = run([uv_bin(), "pip", "install", "--dry-run", "-r", req], env)
    assert done.returncode != 0, done.stdout + done.stderr
    assert "numpy" in done.stderr and "first index" in done.stderr, done.stderr


def test_pip_resolves_requirements(standin):
    # Cloud's fallback: pip alone, with none of this machine's pip settings (PyPI + stand-in).
    url, tmp, _ = standin
    req = tmp / "requirements-pip.txt"
    req.write_text(pointed_at(url, REQUIREMENTS.read_text()))
    report = tmp / "pip-report.json"
    done = run([sys.executable, "-m", "pip", "--isolated", "install", "--dry-run",
                "--ignore-installed", "--no-cache-dir", "--report", report, "-r", req],
               clean_env(tmp))
    assert done.returncode == 0, done.stderr[-3000:]
    chosen = {i["metadata"]["name"].lower(): i["metadata"]["version"]
              for i in json.loads(report.read_text())["install"]}
    for name, version in pins(REQUIREMENTS.read_text()).items():
        assert chosen[name] == version, (name, chosen.get(name))


def torch_requirements(wheel: Path) -> list[str]:
    """torch's own dependencies, read from the CPU wheel (the same for every Python)."""
    with zipfile.ZipFile(wheel) as z:
        meta = next(n for n in z.namelist() if n.endswith(".dist-info/METADATA"))
        lines = z.read(meta).decode().splitlines()
    return [ln.split(":", 1)[1].strip() for ln in lines
            if ln.startswith("Requires-Dist:") and "extra ==" not in ln]


def without_torch(text: str, wheel: Path) -> str:
    """Every pin but torch (whose CPU wheels only PyTorch's index has), plus torch's own deps."""
    kept = [ln for ln in text.splitlines()
            if not ln.startswith(("torch", "--find-links", "--extra-index-url"))]
    return "\n".join(kept + torch_requirements(wheel)) + "\n"


@pytest.mark.parametrize("python", ["3.11", "3.12", "3.13"])
def test_every_pin_has_wheels_for(standin, python):
    """uv resolves every pin to wheels for that CPython on manylinux_2_28 x86_64 (metadata only).

    torch 2.13.0+cpu comes from PyTorch's index, which CI cannot reach: the check is that the
    torch 2.13.0 release has a wheel for that Python and platform on PyPI (PyTorch builds its
    CPU wheels for the same matrix); its dependencies are checked with everything else.
    """
    _, tmp, wheel = standin
    env = clean_env(tmp)
    rest = tmp / f"rest-{python}.txt"
    rest.write_text(without_torch(REQUIREMENTS.read_text(), wheel))
    common = ["pip", "compile", "--quiet", "--python-version", python,
              "--python-platform", "x86_64-manylinux_2_28", "--only-binary", ":all:"]
    done = run([uv_bin(), *common, rest], env)
    assert done.returncode == 0, done.stderr
    torch_only = tmp / f"torch-{python}.txt"
    torch_only.write_text("torch==2.13.0\n")
    done = run([uv_bin(), *common, "--no-deps", torch_only], env)
    assert done.returncode == 0, done.stderr


def test_pip_downloads_every_wheel_for_python_3_12(standin):
    """Cloud's default Python, with pip and no 3.12 interpreter (torch as above)."""
    _, tmp, wheel = standin
    rest = tmp / "rest-pip-3.12.txt"
    rest.write_text(without_torch(REQUIREMENTS.read_text(), wheel))
    platforms = [a for p in PLATFORMS for a in ("--platform", p)]
    done = run([sys.executable, "-m", "pip", "--isolated", "download", "--no-cache-dir",
                "--only-binary=:all:", "--python-version", "3.12", *platforms,
                "-d", tmp / "wheels-3.12", "-r", rest], clean_env(tmp))
    assert done.returncode == 0, done.stderr[-3000:]
    names = {p.name.split("-")[0].lower() for p in (tmp / "wheels-3.12").glob("*.whl")}
    assert {"streamlit", "numpy", "scipy", "pandas", "plotly", "pot"} <= names
    shutil.rmtree(tmp / "wheels-3.12")
