"""The layering of the code: gdm_core is plain Python whose imports form a DAG.

* The import graph of ``gdm_core``, read from the source with ``ast`` (every ``import`` statement,
  the ones inside functions included), has no cycle, and no module hides one behind a lazy
  module-level ``__getattr__``.
* Every module of ``gdm_core`` (and every figure builder of ``gdm_app.figures``, which take plain
  arrays) imports in a fresh interpreter in which Streamlit cannot be imported at all.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORE = ROOT / "gdm_core"


def _module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules(package: Path, root: Path = ROOT) -> dict[str, Path]:
    """Every module of a package under ``root``, by dotted name (packages by their ``__init__``)."""
    return {_module_name(p, root): p for p in sorted(package.rglob("*.py"))
            if "__pycache__" not in p.parts}


def _imports(name: str, path: Path, known: set[str]) -> set[str]:
    """The modules of ``known`` that ``name`` imports anywhere in its source.

    ``from pkg import x`` is an edge to ``pkg.x`` when that is a module, else to ``pkg``. The
    implicit import of a parent package (``import a.b`` runs ``a/__init__`` first) is not an
    edge: a package's ``__init__`` importing its own private modules is what a package is for.
    """
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    is_package = path.name == "__init__.py"
    edges: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: resolve against this module's package
                package = name.split(".") if is_package else name.split(".")[:-1]
                package = package[:len(package) - (node.level - 1)]
                base = ".".join(package + ([base] if base else []))
            targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base
                       for alias in node.names]
        else:
            continue
        edges.update(t for t in targets if t in known and t != name)
    return edges


def import_graph(package: Path, root: Path = ROOT) -> dict[str, set[str]]:
    modules = _modules(package, root)
    return {name: _imports(name, path, set(modules)) for name, path in modules.items()}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle of the directed graph as a list of nodes (first = last), or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return path[path.index(nxt):] + [nxt]
            if nxt not in state:
                found = visit(nxt)
                if found:
                    return found
        path.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state:
            found = visit(start)
            if found:
                return found
    return None


def test_the_cycle_finder_finds_cycles():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": set()}) is None
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": {"b2"}, "b2": {"b"}}) == ["b", "b2", "b"]


def test_the_graph_sees_top_level_lazy_and_from_package_imports(tmp_path):
    pkg = tmp_path / "gdm_core"
    (pkg / "sub").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "a.py").write_text("from gdm_core import b\n")
    (pkg / "b.py").write_text("def f():\n    from gdm_core.sub import c\n")
    (pkg / "sub" / "__init__.py").write_text("from gdm_core.sub.c import x\n")
    (pkg / "sub" / "c.py").write_text("import gdm_core.a\nx = 1\n")
    graph = import_graph(pkg, tmp_path)
    assert graph["gdm_core.a"] == {"gdm_core.b"}
    assert graph["gdm_core.b"] == {"gdm_core.sub.c"}         # the lazy import counts
    assert graph["gdm_core.sub"] == {"gdm_core.sub.c"}
    assert graph["gdm_core.sub.c"] == {"gdm_core.a"}
    assert find_cycle(graph) is not None


def test_gdm_core_imports_form_a_dag():
    graph = import_graph(CORE)
    # the graph is read from the real files: a few edges that must be there
    assert "gdm_core.layers" in graph["gdm_core.vae"]
    assert {"gdm_core.layers", "gdm_core.vae"} <= graph["gdm_core.autoencoder"]
    assert {"gdm_core.torch_nets", "gdm_core.numpy_nets"} <= graph["gdm_core.checkpoints"]
    assert graph["gdm_core.numpy_nets"] == {"gdm_core.layers"}  # the served forward pass
    assert "gdm_core.transport" in graph["gdm_core.gan._train"]
    assert "gdm_core.gan._config" in graph["gdm_core.gan"]
    cycle = find_cycle(graph)
    assert cycle is None, "import cycle in gdm_core: " + " → ".join(cycle)
    # the models' shared layers import nothing else from gdm_core
    assert graph["gdm_core.layers"] == set()


def test_no_gdm_core_module_has_a_lazy_module_getattr():
    # a module-level __getattr__ can hide an import cycle (a name resolved on first use)
    for name, path in _modules(CORE).items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        defined = {n.name for n in tree.body if isinstance(n, ast.FunctionDef)}
        assert "__getattr__" not in defined, name


BLOCK_STREAMLIT = """
import importlib, importlib.abc, sys

class NoStreamlit(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name == "streamlit" or name.startswith("streamlit."):
            raise ImportError(f"{name} is unavailable here: this code must not need Streamlit")
        return None

sys.meta_path.insert(0, NoStreamlit())
try:
    import streamlit  # noqa: F401
except ImportError:
    pass
else:
    raise SystemExit("the blocker did not block")
for name in sys.argv[1:]:
    importlib.import_module(name)
loaded = sorted(m for m in sys.modules if m == "streamlit" or m.startswith("streamlit."))
assert not loaded, loaded
print("ok", len(sys.argv) - 1)
"""


def test_every_gdm_core_module_and_figure_builder_imports_without_streamlit():
    names = sorted(_modules(CORE)) + sorted(_modules(ROOT / "gdm_app" / "figures"))
    assert len(names) > 25 and "gdm_core.gan._train" in names and "gdm_app.figures.gan" in names
    out = subprocess.run([sys.executable, "-c", BLOCK_STREAMLIT, *names], capture_output=True,
                         text=True, cwd=ROOT, timeout=600)
    assert out.returncode == 0 and out.stdout.strip() == f"ok {len(names)}", out.stderr[-3000:]


def test_the_streamlit_blocker_really_blocks():
    # the same script on a module that needs Streamlit must fail, or the test above proves nothing
    out = subprocess.run([sys.executable, "-c", BLOCK_STREAMLIT, "gdm_app.ui"],
                         capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert out.returncode != 0 and "must not need Streamlit" in out.stderr


@pytest.mark.parametrize("folder", ["gdm_core", "gdm_app", "bench", "pages"])
def test_no_source_module_is_over_600_lines(folder):
    long = {str(p.relative_to(ROOT)): n for p in sorted((ROOT / folder).rglob("*.py"))
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > 600}
    assert not long, long
