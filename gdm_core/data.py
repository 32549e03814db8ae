"""MNIST in its standard IDX format, read with NumPy only.

The IDX format (LeCun et al., http://yann.lecun.com/exdb/mnist/) is a big-endian header
``0x00 0x00 <dtype> <ndim>`` followed by ``ndim`` 32-bit sizes and the raw bytes. We check the
magic number and that the file holds exactly the bytes its header announces, so a truncated or
foreign file gives a clear error instead of silently wrong digits.

Nothing here downloads: the app and the tests never touch the network.
"""

from __future__ import annotations

import gzip
import hashlib
import zlib
from pathlib import Path

import numpy as np

IMAGES_MAGIC = 2051  # 0x00000803: unsigned bytes, 3 dimensions
LABELS_MAGIC = 2049  # 0x00000801: unsigned bytes, 1 dimension

FILES = {
    "train": ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
    "test": ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"),
}


class MnistError(ValueError):
    """A missing, truncated or malformed MNIST file."""


def _find(root: Path, stem: str) -> Path:
    for name in (stem, stem + ".gz"):
        if (root / name).is_file():
            return root / name
    raise MnistError(
        f"MNIST file '{stem}' (or '{stem}.gz') not found in '{root}'. "
        "Put the four standard IDX files there."
    )


def _read_bytes(path: Path) -> bytes:
    try:
        if path.suffix == ".gz":
            with gzip.open(path, "rb") as f:
                return f.read()
        return path.read_bytes()
    except (OSError, EOFError, zlib.error) as exc:
        # OSError covers gzip.BadGzipFile and CRC failures, EOFError a cut-off .gz, and
        # zlib.error a damaged deflate stream inside an intact gzip header.
        raise MnistError(f"Cannot read '{path}': it is damaged or truncated ({exc}).") from exc


def parse_idx(raw: bytes, expected_magic: int, name: str = "IDX file") -> np.ndarray:
    """Parse the bytes of one unsigned-byte IDX file into an array of its shape."""
    if len(raw) < 8:
        raise MnistError(f"{name} is truncated: only {len(raw)} bytes, no complete header.")
    magic = int.from_bytes(raw[:4], "big")
    if magic != expected_magic:
        raise MnistError(
            f"{name} has magic number {magic}, expected {expected_magic}: "
            "not an MNIST file of this kind (images 2051, labels 2049)."
        )
    ndim = raw[3]
    header = 4 + 4 * ndim
    if len(raw) < header:
        raise MnistError(f"{name} is truncated inside its header.")
    shape = tuple(int.from_bytes(raw[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim))
    expected = int(np.prod(shape, dtype=np.int64))
    body = len(raw) - header
    if body != expected:
        what = "truncated" if body < expected else "longer than its header says"
        raise MnistError(
            f"{name} is {what}: header announces shape {shape} ({expected} bytes), "
            f"file holds {body}."
        )
    return np.frombuffer(raw, dtype=np.uint8, offset=header).reshape(shape)


def load_mnist(root: str | Path, split: str = "train") -> tuple[np.ndarray, np.ndarray]:
    """Load MNIST images and labels from standard IDX files (gzipped or not).

    Parameters
    ----------
    root : folder holding ``train-images-idx3-ubyte[.gz]`` and its three siblings.
    split : ``"train"`` or ``"test"``.

    Returns
    -------
    images : uint8 array of shape (N, 28, 28), grey levels 0–255.
    labels : uint8 array of shape (N,).
    """
    if split not in FILES:
        raise ValueError(f"split must be 'train' or 'test', got {split!r}.")
    root = Path(root)
    if not root.is_dir():
        raise MnistError(f"MNIST folder '{root}' does not exist.")
    img_stem, lbl_stem = FILES[split]
    img_path, lbl_path = _find(root, img_stem), _find(root, lbl_stem)
    images = parse_idx(_read_bytes(img_path), IMAGES_MAGIC, img_path.name)
    labels = parse_idx(_read_bytes(lbl_path), LABELS_MAGIC, lbl_path.name)
    if images.ndim != 3 or images.shape[1:] != (28, 28):
        raise MnistError(f"{img_path.name} holds images of shape {images.shape[1:]}, not 28×28.")
    if len(images) != len(labels):
        raise MnistError(
            f"{len(images)} images but {len(labels)} labels in the {split} split."
        )
    return images, labels


def md5_of_files(root: str | Path, split: str) -> dict[str, str]:
    """md5 of the uncompressed bytes of a split's two files, for checkpoint metadata."""
    root = Path(root)
    return {
        stem: hashlib.md5(_read_bytes(_find(root, stem))).hexdigest()
        for stem in FILES[split]
    }


def binarize(images: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Stochastic binarisation: pixel on with probability grey/255 (float32 0/1, flattened)."""
    x = images.reshape(len(images), -1).astype(np.float32) / 255.0
    return (rng.random(x.shape) < x).astype(np.float32)


TEST_BINARIZATION = "numpy.random.default_rng(0).random(x.shape) < x / 255"


def binarize_test(images: np.ndarray, index=None) -> np.ndarray:
    r"""The fixed binarisation of MNIST test digits that every reported number uses.

    Pixel :math:`j` of test image :math:`i` is on when :math:`u_{ij} < x_{ij}/255`, where
    :math:`u` = ``numpy.random.default_rng(0).random((N, 784))`` for the whole test set, drawn
    in row-major order. A digit's bits therefore depend only on its **position in the test
    set**, not on which other digits are binarised with it: the first rows of the full set,
    of the shipped 2,000-digit sample and of any prefix agree.

    Parameters
    ----------
    images : uint8 array (N, 28, 28) (or (N, 784)), grey levels 0–255.
    index : optional int array (N,), the test-set positions of ``images``
        (default ``0, 1, …, N-1``: the images are a prefix of the test set). Pass it when you
        binarise a selection, e.g. ``binarize_test(images[idx], idx)``; row :math:`i` of
        :math:`u` is computed directly by advancing the PCG64 stream by :math:`784\,i` draws.

    Returns
    -------
    float32 array (N, 784) of 0s and 1s.

    References
    ----------
    Salakhutdinov & Murray, "On the quantitative analysis of deep belief networks", ICML 2008
    (binarised MNIST by sampling each pixel with probability grey/255).
    """
    images = np.asarray(images)
    if images.ndim not in (2, 3) or images.shape[1:] not in ((28, 28), (784,)):
        raise ValueError(f"expected images of shape (N, 28, 28) or (N, 784), got {images.shape}.")
    x = images.reshape(len(images), -1).astype(np.float64) / 255.0
    if index is None:
        u = np.random.default_rng(0).random(x.shape)
    else:
        index = np.asarray(index)
        if index.shape != (len(images),) or not np.issubdtype(index.dtype, np.integer):
            raise ValueError(f"index must hold one integer position per image "
                             f"({len(images)}), got shape {index.shape} of {index.dtype}.")
        if len(index) and index.min() < 0:
            raise ValueError("test-set positions must be non-negative.")
        u = np.empty(x.shape)
        for row, i in enumerate(index):
            bits = np.random.PCG64(0)
            bits.advance(int(i) * x.shape[1])  # one 64-bit draw per float64
            u[row] = np.random.Generator(bits).random(x.shape[1])
    return (u < x).astype(np.float32)


def write_idx(path: str | Path, array: np.ndarray, compress: bool | None = None) -> None:
    """Write a uint8 array as an IDX file (used by tests and by the shipped sample)."""
    path = Path(path)
    array = np.ascontiguousarray(array, dtype=np.uint8)
    header = bytes([0, 0, 8, array.ndim]) + b"".join(
        int(n).to_bytes(4, "big") for n in array.shape
    )
    data = header + array.tobytes()
    if compress if compress is not None else path.suffix == ".gz":
        data = gzip.compress(data, mtime=0)
    path.write_bytes(data)
