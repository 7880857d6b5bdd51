"""`python -m benchmarks`: the benchmark of the `handouts` command (see bench.py)."""

import sys

from benchmarks.bench import main

sys.exit(main())
