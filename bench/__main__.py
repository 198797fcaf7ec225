"""`python -m bench [--short] [--only NAME ...]`: measure and print the table."""
from __future__ import annotations

import argparse
import sys

from bench.runner import FIGURES, run


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="huiqi bench", description=__doc__)
    parser.add_argument("--short", action="store_true",
                        help="tiny counts: check the harness in seconds (what CI runs)")
    parser.add_argument("--only", action="append", choices=FIGURES, default=[],
                        help="measure only this figure (may be repeated)")
    args = parser.parse_args(argv)
    _rows, failures = run(short=args.short, only=tuple(args.only))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
