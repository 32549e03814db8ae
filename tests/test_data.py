"""The MNIST IDX loader on small files the tests write, good and broken; the shipped sample."""

from __future__ import annotations

import gzip
import hashlib
import re
from pathlib import Path

import numpy as np
import pytest

from gdm_core import data
from gdm_core.data import MnistError, load_mnist, parse_idx, write_idx
from gdm_core.sample_data import make_sample

IMG, LBL = data.FILES["test"]


def _digits(n: int = 7, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return (rng.integers(0, 256, (n, 28, 28), dtype=np.uint8),
            rng.integers(0, 10, n, dtype=np.uint8))


def _write(root: Path, images, labels, gz: bool, split: str = "test") -> Path:
    root.mkdir(parents=True, exist_ok=True)
    img, lbl = data.FILES[split]
    suffix = ".gz" if gz else ""
    write_idx(root / (img + suffix), images)
    write_idx(root / (lbl + suffix), labels)
    return root


@pytest.mark.parametrize("gz", [False, True])
@pytest.mark.parametrize("split", ["train", "test"])
def test_round_trip(tmp_path, gz, split):
    images, labels = _digits()
    root = _write(tmp_path / "m", images, labels, gz, split)
    got_images, got_labels = load_mnist(root, split)
    assert got_images.dtype == np.uint8 and got_labels.dtype == np.uint8
    assert got_images.shape == (7, 28, 28) and got_labels.shape == (7,)
    assert np.array_equal(got_images, images) and np.array_equal(got_labels, labels)


def test_idx_header_by_hand(tmp_path):
    # The format written out byte by byte: magic 0x00000801, one size, then the bytes.
    write_idx(tmp_path / "l", np.array([3, 1, 4], dtype=np.uint8))
    assert (tmp_path / "l").read_bytes() == bytes([0, 0, 8, 1, 0, 0, 0, 3, 3, 1, 4])
    raw = bytes([0, 0, 8, 3, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 2, 9, 8, 7, 6])
    assert parse_idx(raw, data.IMAGES_MAGIC).tolist() == [[[9, 8], [7, 6]]]


def test_mixed_gz_and_plain_files(tmp_path):
    images, labels = _digits(3)
    write_idx(tmp_path / IMG, images)
    write_idx(tmp_path / (LBL + ".gz"), labels)
    assert np.array_equal(load_mnist(tmp_path, "test")[1], labels)


def test_gzip_output_is_deterministic(tmp_path):
    images, _ = _digits(4)
    write_idx(tmp_path / "a.gz", images)
    write_idx(tmp_path / "b.gz", images)
    assert (tmp_path / "a.gz").read_bytes() == (tmp_path / "b.gz").read_bytes()
    assert gzip.decompress((tmp_path / "a.gz").read_bytes())[16:] == images.tobytes()


def test_missing_folder_and_files(tmp_path):
    with pytest.raises(MnistError, match="does not exist"):
        load_mnist(tmp_path / "nowhere", "test")
    with pytest.raises(MnistError, match=re.escape(IMG) + ".*not found"):
        load_mnist(tmp_path, "test")
    images, labels = _digits(2)
    write_idx(tmp_path / IMG, images)
    with pytest.raises(MnistError, match=re.escape(LBL) + ".*not found"):
        load_mnist(tmp_path, "test")


def test_unknown_split_is_a_value_error(tmp_path):
    with pytest.raises(ValueError, match="'train' or 'test'"):
        load_mnist(tmp_path, "validation")


def test_wrong_magic(tmp_path):
    images, labels = _digits(2)
    _write(tmp_path, images, labels, gz=False)
    # Labels where images belong: a labels magic (2049) in the images file.
    write_idx(tmp_path / IMG, labels)
    with pytest.raises(MnistError, match="magic number 2049, expected 2051"):
        load_mnist(tmp_path, "test")


def test_foreign_file_with_an_mnist_name(tmp_path):
    images, labels = _digits(2)
    _write(tmp_path, images, labels, gz=False)
    (tmp_path / LBL).write_bytes(b"<html>404 Not Found</html>")
    with pytest.raises(MnistError, match="magic number"):
        load_mnist(tmp_path, "test")


@pytest.mark.parametrize("cut", [0, 3, 7, 10, 100, 1])
def test_truncated_plain_file(tmp_path, cut):
    images, labels = _digits(2)
    _write(tmp_path, images, labels, gz=False)
    raw = (tmp_path / IMG).read_bytes()
    keep = cut if cut < 16 else len(raw) - cut
    if cut == 1:
        keep = len(raw) - 1
    (tmp_path / IMG).write_bytes(raw[:keep])
    with pytest.raises(MnistError, match="truncated"):
        load_mnist(tmp_path, "test")


def test_file_longer_than_its_header(tmp_path):
    images, labels = _digits(2)
    _write(tmp_path, images, labels, gz=False)
    with open(tmp_path / LBL, "ab") as f:
        f.write(b"\x00")
    with pytest.raises(MnistError, match="longer than its header"):
        load_mnist(tmp_path, "test")


def test_truncated_gzip(tmp_path):
    images, labels = _digits(20)
    _write(tmp_path, images, labels, gz=True)
    raw = (tmp_path / (IMG + ".gz")).read_bytes()
    (tmp_path / (IMG + ".gz")).write_bytes(raw[: len(raw) // 2])
    with pytest.raises(MnistError, match="damaged or truncated"):
        load_mnist(tmp_path, "test")


def test_every_corrupted_byte_of_a_gzip_gives_a_clear_error(tmp_path):
    # A compressible image makes a real deflate stream: flipped bytes then break it in every
    # way zlib knows (bad header, bad block, CRC, length...). None may escape as a traceback.
    images = np.zeros((30, 28, 28), dtype=np.uint8)
    images[:, 8:20, 10:18] = 200
    _, labels = _digits(30)
    _write(tmp_path, images, labels, gz=True)
    path = tmp_path / (IMG + ".gz")
    raw = path.read_bytes()
    outcomes = set()
    for j in range(len(raw)):
        broken = bytearray(raw)
        broken[j] ^= 0x5A
        path.write_bytes(bytes(broken))
        try:
            got, _ = load_mnist(tmp_path, "test")
            outcomes.add("loaded")
            assert got.shape == (30, 28, 28)  # only harmless bytes (e.g. header flags) load
        except MnistError as exc:
            outcomes.add("error")
            assert str(exc)
    assert "error" in outcomes


def test_image_and_label_counts_must_agree(tmp_path):
    images, labels = _digits(5)
    _write(tmp_path, images, labels[:4], gz=False)
    with pytest.raises(MnistError, match="5 images but 4 labels"):
        load_mnist(tmp_path, "test")


def test_images_must_be_28_by_28(tmp_path):
    _, labels = _digits(2)
    _write(tmp_path, np.zeros((2, 27, 28), dtype=np.uint8), labels, gz=False)
    with pytest.raises(MnistError, match="not 28×28"):
        load_mnist(tmp_path, "test")


def test_binarize_is_a_bernoulli_draw_of_grey_over_255():
    images = np.zeros((2000, 28, 28), dtype=np.uint8)
    images[:, :, :14] = 255
    images[:, :, 14:] = 64
    x = data.binarize(images, np.random.default_rng(0))
    assert x.shape == (2000, 784) and x.dtype == np.float32
    assert set(np.unique(x)) <= {0.0, 1.0}
    left = x.reshape(2000, 28, 28)[:, :, :14]
    right = x.reshape(2000, 28, 28)[:, :, 14:]
    assert left.mean() == 1.0
    se = np.sqrt(64 / 255 * (1 - 64 / 255) / right.size)
    assert abs(right.mean() - 64 / 255) < 5 * se


def test_md5_of_files_hashes_the_uncompressed_bytes(tmp_path):
    images, labels = _digits(3)
    _write(tmp_path, images, labels, gz=True)
    sums = data.md5_of_files(tmp_path, "test")
    raw = gzip.decompress((tmp_path / (IMG + ".gz")).read_bytes())
    assert sums[IMG] == hashlib.md5(raw).hexdigest()


# --- the sample the page ships ---

def test_make_sample_takes_the_first_n_and_is_byte_for_byte_repeatable(tmp_path):
    images, labels = _digits(12)
    src = _write(tmp_path / "full", images, labels, gz=True)
    make_sample(src, tmp_path / "a", n=5)
    make_sample(src, tmp_path / "b", n=5)
    for name in (IMG + ".gz", LBL + ".gz"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    got_images, got_labels = load_mnist(tmp_path / "a", "test")
    assert np.array_equal(got_images, images[:5]) and np.array_equal(got_labels, labels[:5])
    with pytest.raises(ValueError, match="between 1 and 12"):
        make_sample(src, tmp_path / "c", n=13)


def test_shipped_sample_matches_its_readme():
    from gdm_core.paths import MNIST_SAMPLE

    readme = (MNIST_SAMPLE / "README.md").read_text()
    assert "LeCun" in readme and "CC BY-SA 3.0" in readme and "gdm_core.sample_data" in readme
    for name in (IMG + ".gz", LBL + ".gz"):
        raw = (MNIST_SAMPLE / name).read_bytes()
        row = next(line for line in readme.splitlines() if line.startswith(f"| {name}"))
        assert hashlib.md5(raw).hexdigest() in row
        assert hashlib.md5(gzip.decompress(raw)).hexdigest() in row
    images, labels = load_mnist(MNIST_SAMPLE, "test")
    assert images.shape == (2000, 28, 28)
    counts = ", ".join(str(c) for c in np.bincount(labels, minlength=10))
    assert counts in readme


def test_shipped_sample_is_the_start_of_the_real_test_set():
    full = Path(__file__).resolve().parents[2] / "shared" / "data" / "mnist"
    if not full.is_dir():
        pytest.skip("the full MNIST data is not on this machine")
    from gdm_core.paths import MNIST_SAMPLE

    images, labels = load_mnist(full, "test")
    s_images, s_labels = load_mnist(MNIST_SAMPLE, "test")
    assert np.array_equal(s_images, images[:2000]) and np.array_equal(s_labels, labels[:2000])


# --- the fixed test binarisation ---


def test_binarize_test_is_the_documented_formula_and_position_only():
    rng = np.random.default_rng(5)
    images = rng.integers(0, 256, (7, 28, 28)).astype(np.uint8)
    expected = (np.random.default_rng(0).random((7, 784)) < images.reshape(7, -1) / 255)
    got = data.binarize_test(images)
    assert got.dtype == np.float32 and np.array_equal(got, expected.astype(np.float32))
    # A digit's bits depend on its position only: a prefix, a selection with its positions,
    # and rows far into a big set all agree with the full binarisation.
    assert np.array_equal(data.binarize_test(images[:3]), got[:3])
    idx = np.array([6, 2, 2, 5])
    assert np.array_equal(data.binarize_test(images[idx], idx), got[idx])
    big = np.repeat(images[:1], 1200, axis=0)
    full = data.binarize_test(big)
    far = np.array([0, 999, 1199])
    assert np.array_equal(data.binarize_test(big[far], far), full[far])


@pytest.mark.parametrize("bad", [np.zeros((2, 27, 28)), np.zeros(784), np.zeros((2, 28, 28, 1))])
def test_binarize_test_rejects_bad_shapes(bad):
    with pytest.raises(ValueError, match="shape"):
        data.binarize_test(bad)


def test_binarize_test_rejects_bad_positions():
    images = np.zeros((2, 28, 28), dtype=np.uint8)
    with pytest.raises(ValueError, match="one integer position"):
        data.binarize_test(images, [0])
    with pytest.raises(ValueError, match="one integer position"):
        data.binarize_test(images, [0.0, 1.0])
    with pytest.raises(ValueError, match="non-negative"):
        data.binarize_test(images, [0, -1])
