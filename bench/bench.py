#!/usr/bin/python3
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""The benchmark of bench/README.md: the paper's figures, data planes side
by side.  The code is the package bench/vrbench/; `bench/bench.py --help`."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from vrbench.cli import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
