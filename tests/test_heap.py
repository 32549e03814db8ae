"""The frozen heap: Streamlit's per-run full collection must stay cheap."""

import gc
import subprocess
import sys


def test_freezing_after_imports_makes_a_full_collection_skip_long_lived_objects():
    code = (
        "import gc, time\n"
        "import plotly.graph_objects, pandas, scipy.stats\n"
        "from gdm_app.ui.heap import freeze_long_lived\n"
        "def tracked(): return len(gc.get_objects())\n"
        "before = tracked()\n"
        "assert freeze_long_lived() is True\n"
        "assert freeze_long_lived() is False  # nothing new imported: no second freeze\n"
        "after = tracked()\n"
        "import sys, importlib\n"
        "new = next(m for m in ('wave', 'colorsys', 'smtplib', 'mailbox') if m not in sys.modules)\n"
        "importlib.import_module(new)  # a new import freezes again\n"
        "print(before, after, gc.get_freeze_count(), freeze_long_lived())\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    before, after, frozen, again = out.stdout.split()
    assert int(before) > 50_000            # plotly + pandas + scipy: a large heap
    assert int(after) < int(before) / 20   # the collector no longer walks it
    assert int(frozen) > 50_000
    assert again == "True"


def test_garbage_is_collected_before_it_could_be_frozen():
    code = (
        "import gc, weakref\n"
        "from gdm_app.ui.heap import freeze_long_lived\n"
        "class Node: pass\n"
        "a, b = Node(), Node(); a.other, b.other = b, a  # a reference cycle\n"
        "probe = weakref.ref(a); del a, b\n"
        "import wave  # so that freeze_long_lived has new modules to freeze\n"
        "freeze_long_lived()\n"
        "print(probe() is None)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "True"


def test_collect_after_run_frees_a_runs_cyclic_garbage():
    """With ``runner.postScriptGC`` off (config.toml), app.py's call is what frees a page run's
    reference cycles (a Plotly figure holds its parent: such cycles are the usual garbage)."""
    import gc
    import tomllib
    import weakref

    from gdm_app.ui.heap import collect_after_run
    from tests.conftest import ROOT

    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["runner"]["postScriptGC"] is False
    assert "ui.collect_after_run()" in (ROOT / "app.py").read_text()

    class Node:
        pass
    gc.disable()
    try:
        a, b = Node(), Node()
        a.other, b.other = b, a
        probe = weakref.ref(a)
        del a, b
        assert probe() is not None          # a cycle outlives its names
        collect_after_run()
        assert probe() is None
    finally:
        gc.enable()
