"""``python -m gdm_core.gan --make-presets DIR``: train the preset runs and write them to DIR."""

from __future__ import annotations

import argparse
import sys

from gdm_core.gan._presets import COMPARE_RUNS, PRESETS, make_presets


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m gdm_core.gan",
                                     description="Train the preset GAN runs and write them to DIR.")
    parser.add_argument("--make-presets", metavar="DIR", required=True,
                        help="train every preset and write its run to DIR")
    parser.add_argument("--only", nargs="*", choices=[*PRESETS, *COMPARE_RUNS],
                        help="just these presets (or Compare runs, e.g. compare-lsgan)")
    parser.add_argument("--reuse", metavar="DIR", help="copy runs of identical configs from DIR")
    args = parser.parse_args(argv)
    make_presets(args.make_presets, args.only, reuse=args.reuse)


if __name__ == "__main__":
    main(sys.argv[1:])
