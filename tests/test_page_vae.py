"""The VAE latent-space page in AppTest: every tab and control, both ways of running, the
numbers against gdm_core computed here, the URL, hostile state and broken files."""

from __future__ import annotations

import hashlib
import json
import math
import re
import shutil

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

import pandas as pd
import torch

from gdm_core import estimates, paths, train, vae
from gdm_core.numpy_nets import load_net
from gdm_core.data import load_mnist
from tests.conftest import chart as _chart
from tests.conftest import plotly_array as _arr
from tests.conftest import trace as _trace
from tests.conftest import (
    ROOT, TIMEOUT, CallCounter, no_exception, reset_warnings, section_errors, standalone, via_app,
)

PAGE = "vae.py"
KEY = "vae_tab"
TABS = ["Latent plane", "Encoded digits", "Draw a digit", "Generate", "Conditional",
        "Reconstruct", "ELBO", "Train your own"]
LN2 = math.log(2)


def _open(at: AppTest, label: str) -> AppTest:
    """Open a tab after the page's first run (AppTest ignores a tab key set before it)."""
    assert label in [t.label for t in at.tabs], [t.label for t in at.tabs]
    at.session_state[KEY] = label
    at.run()
    assert at.session_state[KEY] == label
    no_exception(at)
    return at


ROWS = {"rec": 0, "kl": 1, "elbo": 2, "iw": 3}
COLS = {"digit": 0, "sample": 1, "log": 2}


def _markdown_rows(at) -> list[list[str]]:
    """The ELBO table's Markdown (on the page) split into cells at unescaped pipes."""
    text = next(m.value for m in at.markdown if m.value.startswith("|  | digit #"))
    return [[c.strip().replace("\\|", "|") for c in re.split(r"(?<!\\)\|", line.strip()[1:-1])]
            for line in text.splitlines()]


def _table(at) -> pd.DataFrame:
    """The ELBO table as a frame: rows are the terms. A row name holding a bare "|" (see
    test_elbo_table_is_well_formed_markdown) is joined back, so the numbers stay checkable."""
    lines = _markdown_rows(at)
    head, rows = lines[0], lines[2:]
    extra = [len(r) - len(head) for r in rows]
    rows = [["|".join(r[:1 + e])] + r[1 + e:] for r, e in zip(rows, extra)]
    return pd.DataFrame([r[1:] for r in rows], index=[r[0] for r in rows], columns=head[1:])


def test_elbo_table_is_well_formed_markdown(page):
    lines = _markdown_rows(page)
    assert [len(line) for line in lines] == [len(lines[0])] * len(lines), lines


def _cell(at, row: str, col: str = "digit") -> tuple[float, float | None]:
    """(value, ± spread or None) of one cell of the ELBO table."""
    text = str(_table(at).iloc[ROWS[row], COLS[col]]).replace("−", "-")
    parts = text.split(" ± ")
    return float(parts[0]), (float(parts[1]) if len(parts) > 1 else None)


def _value(at, row: str, col: str = "digit") -> float:
    """A number of the ELBO table (rows: terms; columns: digit, shipped sample, training log)."""
    return _cell(at, row, col)[0]


def _unit_shown(at) -> str:
    return next(m.value for m in at.markdown if m.value.startswith("**In "))


def _texts(at) -> str:
    return " ".join([m.value for m in at.markdown] + [c.value for c in at.caption])


@pytest.fixture(scope="module")
def shipped():
    """The shipped model and its input, loaded here independently of the page."""
    images, labels = load_mnist(paths.MNIST_SAMPLE, "test")
    return load_net(paths.SHIPPED_CHECKPOINT, "vae")[0], vae.model_input(images), labels


@pytest.fixture(scope="module")
def page():
    """One page session on the ELBO tab for the read-only checks."""
    return _open(standalone(PAGE), "ELBO")


def test_runs_both_ways_with_all_tabs(run_page):
    at = run_page(PAGE)
    no_exception(at)
    assert at.title[0].value == "VAE latent space"
    assert [t.label for t in at.tabs] == TABS and at.session_state[KEY] == TABS[0]
    assert "LeCun" in _texts(at)
    calls, keys, latex = CallCounter(), set(), 0
    sections = {"Latent plane": "The latent manifold", "Encoded digits": "Encoded digits",
                "Draw a digit": "Draw a digit", "Generate": "Generate",
                "Conditional": "Conditional", "Reconstruct": "Reconstruct and interpolate",
                "ELBO": "The ELBO", "Train your own": "Train your own"}
    for label in TABS[1:] + TABS[:1]:
        calls.start()
        _open(at, label)
        ran = calls.delta()
        assert ran.get(sections[label]) == 1 and set(ran) <= {sections[label], f"page:{KEY}"}
        assert not at.error and not section_errors(at)
        keys |= {el.proto.id.rsplit("-", 1)[1] for el in at.get("plotly_chart")}
        latex += len(at.latex)
    assert keys == {"vae_fig_manifold", "vae_scatter", "vae_fig_decoded", "vae_fig_samples",
                    "vae_fig_recon", "vae_fig_interp", "vae_fig_digit", "vae_fig_elbo",
                    "vae_fig_curve", "vae_fig_shipped_manifold", "vae_fig_draw_plane",
                    "vae_fig_cond_plane", "vae_fig_cond_strip"}
    assert latex >= 4


def test_defaults_are_in_bits_and_consistent(page):
    table = _table(page)
    assert list(table.index) == ["reconstruction E_q[log p(x|z)]", "KL(q(z|x) ‖ p(z))",
                                 "ELBO = reconstruction − KL", "IW bound 𝓛_k, k = 100"]
    assert list(table.columns) == ["digit #3", "mean of the 2,000 shipped digits",
                                   "all 10,000 test digits (training log)"]
    rec, kl, elbo = _value(page, "rec"), _value(page, "kl"), _value(page, "elbo")
    assert _unit_shown(page).startswith("**In bits**")
    assert rec < 0 < kl and elbo == pytest.approx(rec - kl, abs=0.011)
    # The IW bound (k = 100) tightens the ELBO by more than its spread.
    iw, iw_sd = _cell(page, "iw")
    assert iw - iw_sd > elbo
    s_rec, s_kl, s_elbo = (_value(page, r, "sample") for r in ("rec", "kl", "elbo"))
    assert s_elbo == pytest.approx(s_rec - s_kl, abs=0.011)
    assert table.iloc[3, 1] == "—" and table.iloc[3, 2] == "—"
    assert "averaged over" not in _texts(page)
    assert "averages 100 draws of z" in _texts(page) and "mean ± standard deviation of 5" in \
        _texts(page)


def test_elbo_table_matches_gdm_core(page, shipped):
    """The digit's column is estimates.digit_bounds on the binarised digit; the sample's is
    vae.elbo_estimate over all shipped digits (seed 0, in bits)."""
    model, x, _ = shipped
    b = estimates.digit_bounds(model, x[3:4], 100, 100, 0, repeats=5)  # the default digit
    assert _cell(page, "rec") == pytest.approx((b["rec"] / LN2, b["rec_se"] / LN2), abs=0.006)
    assert _cell(page, "kl") == (pytest.approx(b["kl"] / LN2, abs=0.006), None)
    assert _cell(page, "elbo") == pytest.approx((b["elbo"] / LN2, b["rec_se"] / LN2), abs=0.006)
    assert _cell(page, "iw") == pytest.approx((b["iw"] / LN2, b["iw_sd"] / LN2), abs=0.006)
    rec_all, kl_all = vae.elbo_estimate(model, x, seed=0)
    assert _value(page, "rec", "sample") == pytest.approx(rec_all.mean() / LN2, abs=0.006)
    assert _value(page, "kl", "sample") == pytest.approx(kl_all.mean() / LN2, abs=0.006)
    assert _value(page, "elbo", "sample") == pytest.approx(
        (rec_all - kl_all).mean() / LN2, abs=0.006)
    bars = _chart(page, "vae_fig_elbo")
    assert bars["data"][0]["x"][0] == "digit #3"


def test_nats_are_bits_times_ln2(run_page):
    at_bits = _open(run_page(PAGE), "ELBO")
    at_nats = _open(run_page(PAGE, units="nats"), "ELBO")
    assert _unit_shown(at_nats).startswith("**In nats**")
    for row in ROWS:
        for col in COLS:
            if row == "iw" and col != "digit":
                continue
            bits, nats = _value(at_bits, row, col), _value(at_nats, row, col)
            assert nats == pytest.approx(bits * LN2, abs=0.011)
    meta = json.loads(paths.SHIPPED_CHECKPOINT.with_suffix(".json").read_text())
    last = meta["history"][-1]
    assert _value(at_nats, "elbo", "log") == pytest.approx(-last["test_neg_elbo"], abs=0.006)
    assert _value(at_nats, "rec", "log") == pytest.approx(last["test_rec"], abs=0.006)
    assert _value(at_nats, "kl", "log") == pytest.approx(last["test_kl"], abs=0.006)
    curve = _chart(at_nats, "vae_fig_curve")
    test = _trace(curve, "test set")
    assert _arr(test["y"])[-1] == pytest.approx(meta["history"][-1]["test_neg_elbo"])
    bits_curve = _trace(_chart(at_bits, "vae_fig_curve"), "test set")
    assert _arr(bits_curve["y"])[-1] == pytest.approx(_arr(test["y"])[-1] / LN2)


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
    q = vae.latent_grid(7)
    assert tiles[0] == f"z₁ = {q[0, 0]:.2f}, z₂ = {q[0, 1]:.2f}"


def _png(uri: str) -> np.ndarray:
    """The grey levels of a figure's PNG data URI (8-bit greyscale, filter 0, as written by
    gdm_app.figures.vae.png_bytes)."""
    import base64
    import struct
    import zlib

    data = base64.b64decode(uri.split(",", 1)[1])
    w, h = struct.unpack(">II", data[16:24])
    pos, idat = 8, b""
    while pos < len(data):
        (n,), kind = struct.unpack(">I", data[pos:pos + 4]), data[pos + 4:pos + 8]
        if kind == b"IDAT":
            idat += data[pos + 8:pos + 8 + n]
        pos += 12 + n
    raw = np.frombuffer(zlib.decompress(idat), np.uint8).reshape(h, w + 1)
    assert not raw[:, 0].any()
    return raw[:, 1:]


def test_z_sliders_decode_the_chosen_point(shipped):
    from gdm_app.figures import vae as figs

    at = _open(standalone(PAGE), "Encoded digits")
    at.slider(key="vae_z1").set_value(1.5)
    at.slider(key="vae_z2").set_value(-2.0).run()
    no_exception(at)
    chosen = _trace(_chart(at, "vae_scatter"), "chosen z")
    assert (_arr(chosen["x"])[0], _arr(chosen["y"])[0]) == (1.5, -2.0)
    assert "Decoded at z = (1.50, -2.00)" in _texts(at)
    decoded = _chart(at, "vae_fig_decoded")
    assert "at z = (1.50, -2.00)" in _trace(decoded, "tiles")["text"][0]
    # The mean image beside one Bernoulli sample of it (seed 0), pixel for pixel.
    mean = vae.decode_images(shipped[0], [[1.5, -2.0]])[0]
    sample = estimates.bernoulli_sample(mean, 0)
    want = figs.mean_and_sample(mean, sample, z=(1.5, -2.0))
    got, expected = _png(decoded["data"][0]["source"]), _png(want.data[0].source)
    assert got.shape == expected.shape
    assert np.abs(got.astype(int) - expected.astype(int)).max() <= 1
    assert np.abs(got[:28, :28].astype(int) - figs.to_gray(mean).astype(int)).max() <= 1


def test_scatter_shows_the_codes_of_the_binarised_digits(shipped):
    model, x, labels = shipped
    at = _open(standalone(PAGE), "Encoded digits")
    mu, _ = vae.encode_mean(model, x)
    for digit in (0, 7):
        trace = _trace(_chart(at, "vae_scatter"), str(digit))
        np.testing.assert_array_equal(_arr(trace["customdata"]), np.flatnonzero(labels == digit))
        np.testing.assert_allclose(_arr(trace["x"]), mu[labels == digit, 0], atol=1e-5)


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
    try:
        return at.run()
    finally:
        tree.get_widget_states = original


def test_clicking_a_digit_chooses_its_point_and_its_index():
    at = _open(standalone(PAGE), "Encoded digits")
    _click_scatter(at, 1.234, -0.5, 42)
    no_exception(at)
    assert at.slider(key="vae_z1").value == pytest.approx(1.23)
    assert at.slider(key="vae_z2").value == pytest.approx(-0.5)
    # A point far outside the sliders' range is clamped, and a click without an index
    # (a prior circle) leaves the chosen digit alone.
    _click_scatter(at, 9.0, -7.0, None)
    no_exception(at)
    assert (at.slider(key="vae_z1").value, at.slider(key="vae_z2").value) == (4.0, -4.0)
    # The clicked digit is the ELBO tab's digit.
    _open(at, "ELBO")
    assert at.number_input(key="vae_digit").value == 42
    assert _chart(at, "vae_fig_digit")["layout"]["title"]["text"].startswith("#42,")
    assert list(_table(at).columns)[0] == "digit #42"


def test_samples_slider_and_resample_button():
    at = _open(standalone(PAGE), "Generate")
    first = _chart(at, "vae_fig_samples")
    assert len(_trace(first, "tiles")["text"]) == 16
    assert "Seed 0 (sidebar), draw 0" in _texts(at)
    at.slider(key="vae_samples_n").set_value(24).run()
    assert len(_trace(_chart(at, "vae_fig_samples"), "tiles")["text"]) == 24
    at.button(key="vae_resample").click().run()
    no_exception(at)
    assert "draw 1" in _texts(at) and at.number_input(key="vae_draw").value == 1
    again = _chart(at, "vae_fig_samples")
    assert _trace(again, "tiles")["text"] != _trace(first, "tiles")["text"][:24]


def test_samples_are_the_prior_draws_of_the_seed_and_draw(shipped):
    at = _open(standalone(PAGE), "Generate")
    at.number_input(key="vae_draw").set_value(3).run()
    seed = int(np.random.SeedSequence([0, 3]).generate_state(1)[0])
    z, means = vae.sample_prior(shipped[0], 16, seed)
    assert _trace(_chart(at, "vae_fig_samples"), "tiles")["text"] == [
        f"z = ({a:.2f}, {b:.2f})" for a, b in z]
    # Bernoulli samples: binary images of the same draws.
    at.toggle(key="vae_binary").set_value(True).run()
    no_exception(at)
    assert "binary samples x ~ Bernoulli(p(x|z))" in _texts(at)
    assert _trace(_chart(at, "vae_fig_samples"), "tiles")["text"][0] == f"z = ({z[0, 0]:.2f}, " \
        f"{z[0, 1]:.2f})"
    binary = estimates.bernoulli_sample(means, seed)
    assert set(np.unique(binary)) <= {0.0, 1.0}


def test_seed_changes_the_samples():
    def tiles(seed):
        return _trace(_chart(_open(standalone(PAGE, seed=seed), "Generate"), "vae_fig_samples"),
                      "tiles")["text"]

    a, b, c = tiles(0), tiles(5), tiles(5)
    assert a != b and b == c


def test_reconstruction_multiselect():
    at = _open(standalone(PAGE), "Reconstruct")
    assert len(_trace(_chart(at, "vae_fig_recon"), "tiles")["text"]) == 16
    at.multiselect(key="vae_recon").set_value([10, 1999]).run()
    no_exception(at)
    text = _trace(_chart(at, "vae_fig_recon"), "tiles")["text"]
    assert len(text) == 4 and text[0].startswith("original: test digit #10 (label")
    assert text[3].startswith("reconstruction of #1999")
    at.multiselect(key="vae_recon").set_value([]).run()
    no_exception(at)
    assert any("at least one test digit" in w.value for w in at.warning)


def test_interpolation_controls(shipped):
    model, x, labels = shipped
    at = _open(standalone(PAGE), "Reconstruct")
    at.number_input(key="vae_interp_a").set_value(3)
    at.number_input(key="vae_interp_b").set_value(7)
    at.slider(key="vae_interp_steps").set_value(5).run()
    no_exception(at)
    text = _trace(_chart(at, "vae_fig_interp"), "tiles")["text"]
    assert len(text) == 5 and text[0].startswith("t = 0.00") and text[-1].startswith("t = 1.00")
    assert f"From a {labels[3]} to a {labels[7]}." in _texts(at)
    # The path on the scatter (the other tab) runs from μ(x_3) to μ(x_7).
    _open(at, "Encoded digits")
    mu, _ = vae.encode_mean(model, x[[3, 7]])
    path = _trace(_chart(at, "vae_scatter"), "interpolation")
    px, py = _arr(path["x"]), _arr(path["y"])
    np.testing.assert_allclose([px[0], py[0]], mu[0], atol=1e-4)
    np.testing.assert_allclose([px[-1], py[-1]], mu[1], atol=1e-4)
    assert len(px) == 2  # the straight line; the strip above samples 5 points on it


def test_elbo_controls(shipped):
    model, x, _ = shipped
    at = _open(standalone(PAGE), "ELBO")
    before = _value(at, "elbo")
    at.number_input(key="vae_digit").set_value(5).run()
    no_exception(at)
    assert _value(at, "elbo") != before and _table(at).columns[0] == "digit #5"
    assert _chart(at, "vae_fig_digit")["layout"]["title"]["text"].startswith("#5,")
    bars = _chart(at, "vae_fig_elbo")
    assert bars["data"][0]["x"][0] == "digit #5"
    at.select_slider(key="vae_elbo_samples").set_value(1000)
    at.select_slider(key="vae_iw_k").set_value(1000).run()
    no_exception(at)
    elbo, (iw, iw_sd) = _value(at, "elbo"), _cell(at, "iw")
    assert _table(at).index[3] == "IW bound 𝓛_k, k = 1000"
    assert elbo < iw < 0
    assert "averages 1000 draws of z" in _texts(at)
    b = estimates.digit_bounds(model, x[5:6], 1000, 1000, 0, repeats=5)
    assert (iw, iw_sd) == pytest.approx((b["iw"] / LN2, b["iw_sd"] / LN2), abs=0.006)
    assert elbo == pytest.approx(b["elbo"] / LN2, abs=0.006)
    at.select_slider(key="vae_iw_k").set_value(1).run()
    # k = 1 is a one-sample ELBO: close to the 1000-sample ELBO (well within a few bits).
    assert _table(at).index[3].endswith("k = 1")
    assert _value(at, "iw") == pytest.approx(elbo, abs=15)
    at.select_slider(key="vae_elbo_samples").set_value(1).run()
    no_exception(at)
    rec_text = str(_table(at).iloc[0, 0])
    assert "±" not in rec_text  # one draw has no standard error (and never prints nan)


def _train_tab(**state) -> AppTest:
    return _open(standalone(PAGE, **state), "Train your own")


def test_train_own_model_without_touching_the_shipped_one(shipped):
    shipped_hash = hashlib.sha256(paths.SHIPPED_CHECKPOINT.read_bytes()).hexdigest()
    at = _open(standalone(PAGE), "Encoded digits")
    decoded_before = _chart(at, "vae_fig_decoded")["data"][0]["source"]
    _open(at, "Train your own")
    assert any("Press **Train**" in c.value for c in at.caption)
    # before any training the tab shows the shipped model's plane, the one yours will face
    shipped_plane = _trace(_chart(at, "vae_fig_shipped_manifold"), "tiles")
    assert len(shipped_plane["text"]) == 100 and not [
        c for c in at.get("plotly_chart") if c.proto.id.endswith("-vae_fig_own_manifold")]
    at.select_slider(key="vae_train_n").set_value(250)
    at.slider(key="vae_train_epochs").set_value(2)
    at.select_slider(key="vae_train_hidden").set_value(32)
    at.select_slider(key="vae_train_lr").set_value(0.01).run()  # drawn, then clicked
    at.button(key="vae_train_go").click().run()
    no_exception(at)
    assert len(at.success) == 1
    assert re.fullmatch(r"Trained 2 epoch\(s\) in \d+\.\d s of compute\.", at.success[0].value)
    run = at.session_state["_vae_run"]
    own, history = run.result()
    assert len(run.images) == 250 and own.config.hidden == 32
    assert [h["epoch"] for h in history] == [1, 2] and run.lr == 0.01
    # The two metrics: ELBO of the last 500 shipped digits under each model (seed 0).
    held = shipped[1][-500:]
    rec, kl = vae.elbo_estimate(own, held, seed=0)
    mine = next(m for m in at.metric if m.label == "your model: ELBO on the last 500 digits")
    assert mine.value.endswith(" bits")
    assert _num(mine.value) == pytest.approx((rec - kl).mean() / LN2, abs=0.006)
    rec_s, kl_s = vae.elbo_estimate(shipped[0], shipped[1], seed=0)
    theirs = next(m for m in at.metric if m.label == "shipped model: ELBO on the same 500")
    assert _num(theirs.value) == pytest.approx((rec_s - kl_s)[-500:].mean() / LN2, abs=0.006)
    assert _num(theirs.value) > _num(mine.value)  # 2 epochs on 250 digits vs the shipped VAE
    assert _arr(_chart(at, "vae_fig_own_curve")["data"][0]["x"]).tolist() == [1, 2]
    assert len(_trace(_chart(at, "vae_fig_own_manifold"), "tiles")["text"]) == 100
    # side by side with the shipped model's plane, on the same grid of z
    assert (_trace(_chart(at, "vae_fig_own_manifold"), "tiles")["text"]
            == _trace(_chart(at, "vae_fig_shipped_manifold"), "tiles")["text"])
    # The shipped model and its file are untouched.
    assert hashlib.sha256(paths.SHIPPED_CHECKPOINT.read_bytes()).hexdigest() == shipped_hash
    _open(at, "Encoded digits")
    assert _chart(at, "vae_fig_decoded")["data"][0]["source"] == decoded_before
    # The trained model stays for the session when other widgets change; it is not retrained.
    _open(at, "Latent plane")
    at.slider(key="vae_grid").set_value(6).run()
    _open(at, "Train your own")
    assert at.session_state["_vae_run"] is run and run.progress().step == 10
    assert len(at.success) == 1 and _chart(at, "vae_fig_own_manifold")


def _num(text: str) -> float:
    return float(text.replace("−", "-").split()[0])


def _idle_run(shipped) -> train.TrainingRun:
    """A run that was started but never stepped (as after a click that another rerun cut)."""
    _, x, _ = shipped
    images, _ = load_mnist(paths.MNIST_SAMPLE, "test")
    return train.TrainingRun(images[:250], vae.VAEConfig(2, 32, 1, 1), epochs=1,
                             batch_size=50, test_x=x[-500:])


def test_cancel_button(shipped):
    at = _train_tab()
    at.button(key="vae_train_cancel").click().run()
    no_exception(at)
    # Nothing is training: nothing happens.
    assert "_vae_run" not in at.session_state and not at.warning
    assert any("Press **Train**" in c.value for c in at.caption)
    # A run left unfinished by another change says so ...
    at.session_state["_vae_run"] = _idle_run(shipped)
    at.run()
    no_exception(at)
    assert any(w.value.startswith("Training paused at step 0 of 5") for w in at.warning)
    # ... and Cancel stops it, keeping its model.
    at.button(key="vae_train_cancel").click().run()
    no_exception(at)
    assert any(w.value.startswith("Training cancelled after 0 finished epoch(s); showing")
               for w in at.warning)
    assert at.session_state["_vae_run"].progress().status == "cancelled"
    assert _chart(at, "vae_fig_own_manifold")


def test_training_stops_at_the_time_limit():
    at = _train_tab(_vae_train_seconds=1e-6)
    at.slider(key="vae_train_epochs").set_value(3)
    at.select_slider(key="vae_train_hidden").set_value(32).run()
    at.button(key="vae_train_go").click().run()
    no_exception(at)
    assert any("time limit" in w.value for w in at.warning) and not at.success
    run = at.session_state["_vae_run"]
    p = run.progress()
    assert p.status == "stopped" and p.finished_epochs == 0 and p.step >= 1
    _, history = run.result()
    assert len(history) == 1 and history[0]["stopped"]
    assert at.get("plotly_chart") and _chart(at, "vae_fig_own_manifold")


# --- the URL holds the view (these replace the old ?preset= links) ---

@pytest.mark.parametrize("tab, key, text, value", [
    ("Latent plane", "vae_grid", "25", 25), ("Reconstruct", "vae_interp_steps", "13", 13),
    ("Encoded digits", "vae_z1", "3.5", 3.5)])
def test_url_restores_a_view(tab, key, text, value):
    at = AppTest.from_file(str(ROOT / "pages" / PAGE), default_timeout=TIMEOUT)
    at.query_params[KEY] = tab
    at.query_params[key] = text
    at.run()
    no_exception(at)
    assert at.session_state[KEY] == tab
    assert at.slider(key=key).value == value
    if key == "vae_grid":
        assert len(_trace(_chart(at, "vae_fig_manifold"), "tiles")["text"]) == 25 * 25
        # The student's later choice is theirs.
        at.slider(key="vae_grid").set_value(9).run()
        assert at.slider(key="vae_grid").value == 9


def test_url_restores_the_elbo_digit(shipped):
    model, x, _ = shipped
    at = AppTest.from_file(str(ROOT / "pages" / PAGE), default_timeout=TIMEOUT)
    at.query_params[KEY] = "ELBO"
    at.query_params["vae_digit"] = "5"
    at.query_params["vae_iw_k"] = "10"
    at.run()
    no_exception(at)
    assert _table(at).columns[0] == "digit #5" and _table(at).index[3].endswith("k = 10")
    b = estimates.digit_bounds(model, x[5:6], 100, 10, 0, repeats=5)
    assert _cell(at, "iw") == pytest.approx((b["iw"] / LN2, b["iw_sd"] / LN2), abs=0.006)


def test_an_old_preset_link_opens_the_defaults():
    at = AppTest.from_file(str(ROOT / "pages" / PAGE), default_timeout=TIMEOUT)
    at.query_params["preset"] = "dense-grid"
    at.run()
    no_exception(at)
    assert at.slider(key="vae_grid").value == 15 and not at.warning


def test_url_interpolation_reaches_the_scatter(shipped):
    model, x, _ = shipped
    at = AppTest.from_file(str(ROOT / "pages" / PAGE), default_timeout=TIMEOUT)
    at.query_params[KEY] = "Encoded digits"
    at.query_params["vae_interp_a"] = "3"
    at.query_params["vae_interp_b"] = "7"
    at.run()
    no_exception(at)
    mu, _ = vae.encode_mean(model, x[[3, 7]])
    path = _trace(_chart(at, "vae_scatter"), "interpolation")
    np.testing.assert_allclose([_arr(path["x"])[0], _arr(path["y"])[0]], mu[0], atol=1e-4)


# --- hostile state ---

def test_hostile_grid_value_is_reset():
    at = standalone(PAGE, vae_grid="abc")
    no_exception(at)
    warnings = reset_warnings(at)
    assert len(warnings) == 1 and "'abc'" in warnings[0] and "reset to 15" in warnings[0]
    assert len(_trace(_chart(at, "vae_fig_manifold"), "tiles")["text"]) == 15 * 15


@pytest.mark.parametrize("key, bad, default", [
    ("vae_iw_k", 7, 100), ("vae_digit", 2000, 3), ("vae_elbo_samples", "many", 100)])
def test_hostile_elbo_values_are_reset(key, bad, default):
    at = standalone(PAGE)
    at.session_state[key] = bad  # the ELBO tab's widgets are not drawn yet
    _open(at, "ELBO")
    assert not section_errors(at)
    assert any(f"reset to {default!r}" in w for w in reset_warnings(at))
    assert _table(at).columns[0].startswith("digit #") and _cell(at, "iw")[0] < 0


def test_hostile_interpolation_state_is_reset_and_the_default_line_drawn(shipped):
    model, x, _ = shipped
    at = standalone(PAGE, vae_interp_a="x", vae_interp_b=10**6)
    _open(at, "Encoded digits")
    assert not section_errors(at)
    warnings = [w.value for w in at.warning if "cannot be used" in w.value]
    assert len(warnings) == 2 and "reset to 2" in warnings[0] and "reset to 0" in warnings[1]
    path = _trace(_chart(at, "vae_scatter"), "interpolation")
    mu, _ = vae.encode_mean(model, x[[2, 0]])
    np.testing.assert_allclose(np.c_[_arr(path["x"]), _arr(path["y"])], mu, atol=1e-4)


# --- broken checkpoints: a clear message, and the page stops there ---

def _broken(tmp_path, kind: str):
    # the page serves the .npz weights (numpy_nets.load_net): those are what gets broken
    path = tmp_path / "vae2d.npz"
    meta = json.loads(paths.SHIPPED_CHECKPOINT.with_suffix(".json").read_text())
    if kind == "missing":
        return path
    if kind == "truncated":
        path.write_bytes(paths.SHIPPED_CHECKPOINT.read_bytes()[:5000])
    elif kind == "mismatched":
        shutil.copy(paths.SHIPPED_CHECKPOINT, path)
        meta["architecture"]["hidden"] = 64
    elif kind == "no-metadata":
        shutil.copy(paths.SHIPPED_CHECKPOINT, path)
        return path
    elif kind == "pickle-with-code":
        from tests.test_checkpoints import _Payload

        np.savez(path, x=np.array([_Payload(tmp_path / "pwned")], dtype=object))
        meta.pop("weights_sha256", None)
    path.with_suffix(".json").write_text(json.dumps(meta))
    return path


@pytest.mark.parametrize("kind, message", [
    ("missing", "is missing"), ("truncated", "corrupt or truncated|checksum"),
    ("mismatched", "do not match a 'vae' model"), ("no-metadata", "metadata"),
    ("pickle-with-code", "refused"),
])
def test_bad_checkpoint_shows_a_clear_error(run_page, tmp_path, kind, message):
    path = _broken(tmp_path, kind)
    at = run_page(PAGE, _vae_checkpoint=str(path))
    no_exception(at)
    assert at.title[0].value == "VAE latent space"
    assert len(at.error) == 1 and "could not be loaded" in at.error[0].value
    assert re.search(message, at.error[0].value), at.error[0].value
    assert not at.tabs and not at.get("plotly_chart")  # the rest of the page stopped
    assert not (tmp_path / "pwned").exists()


def test_a_small_temporary_checkpoint_is_shown(tmp_path):
    from gdm_core.checkpoints import save_checkpoint
    from gdm_core.torch_nets import VAE

    torch.manual_seed(0)
    small = VAE(vae.VAEConfig(2, 32, 1, 1)).eval()
    save_checkpoint(small, tmp_path / "small.pt", {"history": []})  # writes small.npz too
    at = standalone(PAGE, _vae_checkpoint=str(tmp_path / "small.pt"))
    no_exception(at)
    assert "1+1 hidden layers of 32 units" in _texts(at) and "0 epochs" in _texts(at)
    z = vae.latent_grid(15)
    tiles = _trace(_chart(at, "vae_fig_manifold"), "tiles")["text"]
    assert tiles[0] == f"z₁ = {z[0, 0]:.2f}, z₂ = {z[0, 1]:.2f}"
    _open(at, "ELBO")
    assert any("holds no training history" in i.value for i in at.info)
    assert list(_table(at).iloc[:, 2]) == ["—"] * 4  # no training log to quote


def test_checkpoint_from_the_environment_variable(monkeypatch, tmp_path):
    monkeypatch.setenv(paths.CHECKPOINT_ENV, str(tmp_path / "nothing.pt"))
    at = standalone(PAGE)
    no_exception(at)
    # the message names the files the page reads: the weights (.npz) and the metadata
    assert "nothing.npz" in at.error[0].value and "nothing.json" in at.error[0].value
    assert not at.tabs


def test_missing_sample_shows_a_clear_error(monkeypatch, tmp_path):
    from gdm_core import paths

    monkeypatch.setenv(paths.MNIST_SAMPLE_ENV, str(tmp_path / "no-sample"))
    at = standalone(PAGE)
    no_exception(at)
    assert "MNIST test sample could not be read" in at.error[0].value and not at.tabs


def test_via_app_then_widget_changes_run_the_page_alone():
    at = via_app(PAGE, units="nats", seed=3)
    no_exception(at)
    _open(at, "ELBO")
    assert _unit_shown(at).startswith("**In nats**")
    _open(at, "Generate")
    assert "Seed 3" in _texts(at)
    at.slider(key="vae_samples_n").set_value(8).run()  # later runs: settings kept
    no_exception(at)
    assert "Seed 3" in _texts(at)
    assert len(_trace(_chart(at, "vae_fig_samples"), "tiles")["text"]) == 8
    _open(at, "ELBO")
    assert _unit_shown(at).startswith("**In nats**")
