"""Make the small MNIST test sample the VAE page ships with (it never reads the full data set).

    python -m gdm_core.sample_data --data ../shared/data/mnist --out checkpoints/mnist_sample

writes the first ``--n`` (default 2,000) test digits and their labels as gzipped IDX files with
the standard names, so ``load_mnist(out, "test")`` reads them. The gzip stream has no time stamp
or file name (``gzip.compress(..., mtime=0)``), so rerunning the command gives identical bytes.

Because the fixed test binarisation draws ``default_rng(0).random`` in row-major order, binarising
this sample gives exactly the first rows of the binarised full test set.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from gdm_core.data import FILES, load_mnist, write_idx

SAMPLE_SIZE = 2000


def make_sample(data: str | Path, out: str | Path, n: int = SAMPLE_SIZE) -> tuple[Path, Path]:
    """Write the first ``n`` MNIST test images and labels from ``data`` to ``out`` (gzipped IDX)."""
    images, labels = load_mnist(data, "test")
    if not 1 <= n <= len(images):
        raise ValueError(f"n must be between 1 and {len(images)}, got {n}.")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    img_stem, lbl_stem = FILES["test"]
    img_path, lbl_path = out / f"{img_stem}.gz", out / f"{lbl_stem}.gz"
    write_idx(img_path, images[:n])
    write_idx(lbl_path, labels[:n])
    return img_path, lbl_path


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--data", required=True, help="folder with the standard MNIST IDX files")
    p.add_argument("--out", required=True, help="folder for the sample")
    p.add_argument("--n", type=int, default=SAMPLE_SIZE, help="how many test digits to keep")
    args = p.parse_args(argv)
    for path in make_sample(args.data, args.out, args.n):
        print(path, path.stat().st_size, "bytes")


if __name__ == "__main__":
    main()
