"""The VAE latent-space page in AppTest: every control, both ways of running, broken files."""

from __future__ import annotations

import hashlib
import json
import math
import shutil

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from gdm_core import vae
from tests.conftest import ROOT, TIMEOUT, no_exception, standalone, via_app

PAGE = "vae.py"


def _chart(at, key: str) -> dict:
    """The Plotly figure (as JSON) of the chart with this widget key."""
    for el in at.get("plotly_chart"):
        if el.proto.id.endswith("-" + key):
            return json.loads(el.proto.spec)
    raise AssertionError(f"no chart {key}; have {[e.proto.id for e in at.get('plotly_chart')]}")


def _arr(value) -> np.ndarray:
    """A trace array from figure JSON: a plain list, or Plotly's typed array {dtype, bdata}."""
    if isinstance(value, dict) and "bdata" in value:
        import base64

        out = np.frombuffer(base64.b64decode(value["bdata"]), dtype=np.dtype(value["dtype"]))
        shape = value.get("shape")
        if isinstance(shape, str):
            shape = [int(n) for n in shape.split(",")]
        return out.reshape(shape) if shape else out
    return np.asarray(value)


def _trace(fig: dict, name: str) -> dict:
    return next(t for t in fig["data"] if t.get("name") == name)


ROWS = {"rec": 0, "kl": 1, "elbo": 2, "iw": 3}
COLS = {"digit": 0, "sample": 1, "log": 2}


def _value(at, row: str, col: str = "digit") -> float:
    """A number of the ELBO table (rows: terms; columns: digit, shipped sample, training log)."""
    return float(str(at.table[0].value.iloc[ROWS[row], COLS[col]]).replace("−", "-"))


def _unit_shown(at) -> str:
    return next(m.value for m in at.markdown if m.value.startswith("**In "))


def _texts(at) -> str:
    return " ".join([m.value for m in at.markdown] + [c.value for c in at.caption])


@pytest.fixture(scope="module")
def page():
    """One page session for the read-only checks (a full first run costs a few seconds)."""
    at = standalone(PAGE)
    no_exception(at)
    return at


def test_runs_both_ways_with_all_sections(run_page):
    at = run_page(PAGE)
    no_exception(at)
    assert at.title[0].value == "VAE latent space"
    assert [h.value for h in at.header] == [
        "1. The latent manifold", "2. The encoded test digits",
        "3. Sample, reconstruct, interpolate", "4. The ELBO", "5. Train your own small VAE"]
    assert not at.error
    keys = {el.proto.id.rsplit("-", 1)[1] for el in at.get("plotly_chart")}
    assert keys == {"vae_fig_manifold", "vae_scatter", "vae_fig_decoded", "vae_fig_samples",
                    "vae_fig_recon", "vae_fig_interp", "vae_fig_digit", "vae_fig_elbo",
                    "vae_fig_curve"}
    assert len(at.latex) >= 4
    assert "LeCun" in _texts(at)


def test_defaults_are_in_bits_and_consistent(page):
    table = page.table[0].value
    assert list(table.index) == ["reconstruction E_q[log p(x|z)]", "KL(q(z|x) ‖ p(z))",
                                 "ELBO = reconstruction − KL", "IW bound on log p(x), k = 100"]
    assert list(table.columns)[0] == "digit #0"
    rec, kl, elbo = _value(page, "rec"), _value(page, "kl"), _value(page, "elbo")
    assert _unit_shown(page).startswith("**In bits**")
    assert rec < 0 < kl and elbo == pytest.approx(rec - kl, abs=0.011)
    # The IW bound (k = 100) tightens the ELBO.
    assert _value(page, "iw") > elbo
    s_rec, s_kl, s_elbo = (_value(page, r, "sample") for r in ("rec", "kl", "elbo"))
    assert s_elbo == pytest.approx(s_rec - s_kl, abs=0.011)
    assert table.iloc[3, 1] == "—" and table.iloc[3, 2] == "—"
    assert "shown in **bits**: nats ÷ ln 2" in " ".join(c.value for c in page.caption)


def test_nats_are_bits_times_ln2(run_page):
    at_bits, at_nats = run_page(PAGE), run_page(PAGE, units="nats")
    no_exception(at_nats)
    assert _unit_shown(at_nats).startswith("**In nats**")
    for row in ROWS:
        for col in COLS:
            if row == "iw" and col != "digit":
                continue
            bits, nats = _value(at_bits, row, col), _value(at_nats, row, col)
            assert nats == pytest.approx(bits * math.log(2), abs=0.011)
    meta = json.loads(vae.SHIPPED_CHECKPOINT.with_suffix(".json").read_text())
    last = meta["history"][-1]
    assert _value(at_nats, "elbo", "log") == pytest.approx(-last["test_neg_elbo"], abs=0.006)
    assert _value(at_nats, "rec", "log") == pytest.approx(last["test_rec"], abs=0.006)
    assert "Shown in **nats**" in " ".join(c.value for c in at_nats.caption)
    curve = _chart(at_nats, "vae_fig_curve")
    test = _trace(curve, "test set")
    assert _arr(test["y"])[-1] == pytest.approx(meta["history"][-1]["test_neg_elbo"])
    bits_curve = _trace(_chart(at_bits, "vae_fig_curve"), "test set")
    assert _arr(bits_curve["y"])[-1] == pytest.approx(_arr(test["y"])[-1] / math.log(2))


def test_sample_mean_elbo_is_close_to_the_logged_test_elbo(page):
    # 2,000 shipped digits vs the 10,000 of the training log: same model, same binarisation.
    assert _value(page, "elbo", "sample") == pytest.approx(_value(page, "elbo", "log"), abs=3.0)


def test_grid_slider_sets_the_manifold_size():
    at = standalone(PAGE)
    assert len(_trace(_chart(at, "vae_fig_manifold"), "tiles")["text"]) == 15 * 15
    at.slider(key="vae_grid").set_value(7).run()
    no_exception(at)
    tiles = _trace(_chart(at, "vae_fig_manifold"), "tiles")["text"]
    assert len(tiles) == 49
    q = vae.latent_grid(7).numpy()
    assert tiles[0] == f"z₁ = {q[0, 0]:.2f}, z₂ = {q[0, 1]:.2f}"


def test_z_sliders_decode_the_chosen_point():
    at = standalone(PAGE)
    at.slider(key="vae_z1").set_value(1.5)
    at.slider(key="vae_z2").set_value(-2.0).run()
    no_exception(at)
    chosen = _trace(_chart(at, "vae_scatter"), "chosen z")
    assert (_arr(chosen["x"])[0], _arr(chosen["y"])[0]) == (1.5, -2.0)
    decoded = _chart(at, "vae_fig_decoded")
    assert decoded["layout"]["title"]["text"] == "decoded at (1.50, -2.00)"
    model = vae.load_vae(vae.SHIPPED_CHECKPOINT)
    expected = vae.decode_images(model, [[1.5, -2.0]])[0]
    z = _arr(decoded["data"][0]["z"]).reshape(28, 28)
    np.testing.assert_allclose(z, expected, atol=1e-5)


def _click_scatter(at: AppTest, x: float, y: float, index) -> AppTest:
    """Simulate a click on the scatter: AppTest has no Plotly widget, so send its state."""
    chart = next(c for c in at.get("plotly_chart") if c.proto.id.endswith("-vae_scatter"))
    tree = at._tree
    original = tree.get_widget_states

    def with_selection():
        states = original()
        w = states.widgets.add()
        w.id = chart.proto.id
        point = {"x": x, "y": y, "curve_number": 3, "point_index": 0}
        if index is not None:
            point["customdata"] = index
        w.string_value = json.dumps({"selection": {
            "points": [point], "point_indices": [0], "box": [], "lasso": []}})
        return states

    tree.get_widget_states = with_selection
    return at.run()


def test_clicking_a_digit_chooses_its_point_and_its_index():
    at = standalone(PAGE)
    _click_scatter(at, 1.234, -0.5, 42)
    no_exception(at)
    assert at.slider(key="vae_z1").value == pytest.approx(1.23)
    assert at.slider(key="vae_z2").value == pytest.approx(-0.5)
    assert at.number_input(key="vae_digit").value == 42
    assert _chart(at, "vae_fig_digit")["layout"]["title"]["text"].startswith("#42,")
    # A point far outside the sliders' range is clamped, and a click without an index
    # (a prior circle) leaves the chosen digit alone.
    _click_scatter(at, 9.0, -7.0, None)
    no_exception(at)
    assert (at.slider(key="vae_z1").value, at.slider(key="vae_z2").value) == (4.0, -4.0)
    assert at.number_input(key="vae_digit").value == 42


def test_samples_slider_and_resample_button():
    at = standalone(PAGE)
    first = _chart(at, "vae_fig_samples")
    assert len(_trace(first, "tiles")["text"]) == 16
    assert "Seed 0 (sidebar), draw 0" in _texts(at)
    at.slider(key="vae_samples_n").set_value(24).run()
    assert len(_trace(_chart(at, "vae_fig_samples"), "tiles")["text"]) == 24
    at.button(key="vae_resample").click().run()
    no_exception(at)
    assert "draw 1" in _texts(at)
    again = _chart(at, "vae_fig_samples")
    assert _trace(again, "tiles")["text"] != _trace(first, "tiles")["text"][:24]


def test_seed_changes_the_samples():
    a = _trace(_chart(standalone(PAGE, seed=0), "vae_fig_samples"), "tiles")["text"]
    b = _trace(_chart(standalone(PAGE, seed=5), "vae_fig_samples"), "tiles")["text"]
    c = _trace(_chart(standalone(PAGE, seed=5), "vae_fig_samples"), "tiles")["text"]
    assert a != b and b == c


def test_reconstruction_multiselect():
    at = standalone(PAGE)
    assert len(_trace(_chart(at, "vae_fig_recon"), "tiles")["text"]) == 16
    at.multiselect(key="vae_recon").set_value([10, 1999]).run()
    no_exception(at)
    text = _trace(_chart(at, "vae_fig_recon"), "tiles")["text"]
    assert len(text) == 4 and text[0].startswith("original: test digit #10 (label")
    assert text[3].startswith("reconstruction of #1999")
    at.multiselect(key="vae_recon").set_value([]).run()
    no_exception(at)
    assert any("at least one test digit" in w.value for w in at.warning)


def test_interpolation_controls():
    at = standalone(PAGE)
    at.number_input(key="vae_interp_a").set_value(3)
    at.number_input(key="vae_interp_b").set_value(7)
    at.slider(key="vae_interp_steps").set_value(5).run()
    no_exception(at)
    text = _trace(_chart(at, "vae_fig_interp"), "tiles")["text"]
    assert len(text) == 5 and text[0].startswith("t = 0.00") and text[-1].startswith("t = 1.00")
    # The path on the scatter runs from μ(x_3) to μ(x_7).
    from gdm_core.data import load_mnist

    images, labels = load_mnist(vae.MNIST_SAMPLE, "test")
    mu, _ = vae.encode_mean(vae.load_vae(vae.SHIPPED_CHECKPOINT), vae.to_input(images[[3, 7]]))
    path = _trace(_chart(at, "vae_scatter"), "interpolation")
    px, py = _arr(path["x"]), _arr(path["y"])
    np.testing.assert_allclose([px[0], py[0]], mu[0], atol=1e-4)
    np.testing.assert_allclose([px[-1], py[-1]], mu[1], atol=1e-4)
    assert len(px) == 5
    assert f"label {labels[3]}" in _texts(at) and f"label {labels[7]}" in _texts(at)


def test_elbo_controls():
    at = standalone(PAGE)
    before = _value(at, "elbo")
    at.number_input(key="vae_digit").set_value(5).run()
    no_exception(at)
    assert _value(at, "elbo") != before and at.table[0].value.columns[0] == "digit #5"
    assert _chart(at, "vae_fig_digit")["layout"]["title"]["text"].startswith("#5,")
    bars = _chart(at, "vae_fig_elbo")
    assert bars["data"][0]["x"][0] == "digit #5"
    at.select_slider(key="vae_elbo_samples").set_value(1000)
    at.select_slider(key="vae_iw_k").set_value(1000).run()
    no_exception(at)
    elbo, iw = _value(at, "elbo"), _value(at, "iw")
    assert at.table[0].value.index[3] == "IW bound on log p(x), k = 1000"
    assert elbo < iw < 0
    assert "averaged over 1000 draws" in _texts(at)
    at.select_slider(key="vae_iw_k").set_value(1).run()
    # k = 1 is a one-sample ELBO: close to the 1000-sample ELBO (well within a few bits).
    assert at.table[0].value.index[3].endswith("k = 1")
    assert _value(at, "iw") == pytest.approx(elbo, abs=15)


def test_train_own_model_without_touching_the_shipped_one():
    shipped_hash = hashlib.sha256(vae.SHIPPED_CHECKPOINT.read_bytes()).hexdigest()
    at = standalone(PAGE)
    decoded_before = _chart(at, "vae_fig_decoded")["data"][0]["z"]
    assert any("Press **Train**" in c.value for c in at.caption)
    at.select_slider(key="vae_train_n").set_value(250)
    at.slider(key="vae_train_epochs").set_value(2)
    at.select_slider(key="vae_train_hidden").set_value(32)
    at.select_slider(key="vae_train_lr").set_value(0.01)
    at.button(key="vae_train_go").click().run()
    no_exception(at)
    assert [s.value for s in at.success] == ["Trained 2 epoch(s) on 250 digits."]
    own = at.session_state["_vae_own"]
    assert own["model"].config.hidden == 32 and len(own["history"]) == 2
    mine = next(m for m in at.metric if m.label.startswith("your model: ELBO"))
    assert mine.value.endswith("bits") and float(mine.value.split()[0]) < 0
    assert _arr(_chart(at, "vae_fig_own_curve")["data"][0]["x"]).tolist() == [1, 2]
    assert len(_trace(_chart(at, "vae_fig_own_manifold"), "tiles")["text"]) == 100
    # The shipped model and its file are untouched.
    assert hashlib.sha256(vae.SHIPPED_CHECKPOINT.read_bytes()).hexdigest() == shipped_hash
    assert _chart(at, "vae_fig_decoded")["data"][0]["z"] == decoded_before
    # The trained model stays for the session when other widgets change.
    at.slider(key="vae_grid").set_value(6).run()
    assert "_vae_own" in at.session_state and at.get("plotly_chart")
    assert _chart(at, "vae_fig_own_manifold")


def test_cancel_button():
    at = standalone(PAGE)
    at.button(key="vae_train_cancel").click().run()
    no_exception(at)
    assert any("Nothing is training" in i.value for i in at.info)
    # A click on Cancel while training interrupts that run (Streamlit stops the script) and
    # starts a new one that finds the run unfinished: simulate that state.
    at.session_state["_vae_train_status"] = "running"
    at.button(key="vae_train_cancel").click().run()
    no_exception(at)
    assert any("Training cancelled after 0 finished epoch(s)." in w.value for w in at.warning)
    at.session_state["_vae_train_status"] = "running"
    at.slider(key="vae_grid").set_value(8).run()
    assert any("interrupted by another change" in w.value for w in at.warning)


def test_training_stops_at_the_time_limit():
    at = standalone(PAGE, _vae_train_seconds=0.0)
    at.slider(key="vae_train_epochs").set_value(3)
    at.button(key="vae_train_go").click().run()
    no_exception(at)
    assert any("time limit" in w.value for w in at.warning) and not at.success
    own = at.session_state["_vae_own"]
    assert own["history"] == [own["history"][0]] and own["history"][0]["stopped"]
    assert at.get("plotly_chart") and _chart(at, "vae_fig_own_manifold")


@pytest.mark.parametrize("preset, key, value", [
    ("dense-grid", "vae_grid", 25), ("one-to-seven", "vae_interp_steps", 13),
    ("far-out", "vae_z1", 3.5), ("no-such-preset", "vae_grid", 15)])
def test_preset_query_parameter(preset, key, value):
    at = AppTest.from_file(str(ROOT / "pages" / PAGE), default_timeout=TIMEOUT)
    at.query_params["preset"] = preset
    at.run()
    no_exception(at)
    widget = at.slider(key=key)
    assert widget.value == value
    # Read once per session: the student's later choice is not reset.
    at.slider(key="vae_grid").set_value(9).run()
    assert at.slider(key="vae_grid").value == 9


# --- broken checkpoints: a clear message, and the page stops there ---

def _broken(tmp_path, kind: str):
    path = tmp_path / "vae2d.pt"
    meta = json.loads(vae.SHIPPED_CHECKPOINT.with_suffix(".json").read_text())
    if kind == "missing":
        return path
    if kind == "truncated":
        path.write_bytes(vae.SHIPPED_CHECKPOINT.read_bytes()[:5000])
    elif kind == "mismatched":
        shutil.copy(vae.SHIPPED_CHECKPOINT, path)
        meta["architecture"]["hidden"] = 64
    elif kind == "no-metadata":
        shutil.copy(vae.SHIPPED_CHECKPOINT, path)
        return path
    elif kind == "pickle-with-code":
        import torch

        from tests.test_checkpoints import _Payload

        torch.save({"x": _Payload(tmp_path / "pwned")}, path)
        meta.pop("weights_sha256", None)
    path.with_suffix(".json").write_text(json.dumps(meta))
    return path


@pytest.mark.parametrize("kind, message", [
    ("missing", "is missing"), ("truncated", "corrupt or truncated|checksum"),
    ("mismatched", "does not match its architecture"), ("no-metadata", "metadata"),
    ("pickle-with-code", "refused"),
])
def test_bad_checkpoint_shows_a_clear_error(run_page, tmp_path, kind, message):
    import re

    path = _broken(tmp_path, kind)
    at = run_page(PAGE, _vae_checkpoint=str(path))
    no_exception(at)
    assert at.title[0].value == "VAE latent space"
    assert len(at.error) == 1 and "could not be loaded" in at.error[0].value
    assert re.search(message, at.error[0].value), at.error[0].value
    assert not at.header and not at.get("plotly_chart")  # the rest of the page stopped
    assert not (tmp_path / "pwned").exists()


def test_checkpoint_from_the_environment_variable(monkeypatch, tmp_path):
    monkeypatch.setenv(vae.CHECKPOINT_ENV, str(tmp_path / "nothing.pt"))
    at = standalone(PAGE)
    no_exception(at)
    assert "nothing.pt" in at.error[0].value and not at.header


def test_missing_sample_shows_a_clear_error(monkeypatch, tmp_path):
    monkeypatch.setattr(vae, "MNIST_SAMPLE", tmp_path / "no-sample")
    at = standalone(PAGE)
    no_exception(at)
    assert "MNIST test sample could not be read" in at.error[0].value and not at.header


def test_via_app_then_widget_changes_run_the_page_alone():
    at = via_app(PAGE, units="nats", seed=3)
    no_exception(at)
    assert _unit_shown(at).startswith("**In nats**")
    at.slider(key="vae_grid").set_value(5).run()  # later runs: the page alone, settings kept
    no_exception(at)
    assert _unit_shown(at).startswith("**In nats**") and "Seed 3" in _texts(at)
