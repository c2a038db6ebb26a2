"""How long ``reglab --help`` takes, in fresh processes, against another source tree of reglab.

Each round starts ``python -c "from reglab.cli import main; main()" --help``
once per tree, in alternating order (interleaved rounds), and the medians are
printed with their ratio.  The other tree is a ``src`` folder put first on
``PYTHONPATH``, for example the last release's::

    git archive 8143170 src | tar -x -C /tmp/reglab-before
    .venv/bin/python benchmarks/bench_cli_start.py --other /tmp/reglab-before/src [--rounds 7]

Without ``--other`` only this tree is timed.  Threads do not matter here
(nothing is computed); the machine's load does, so compare within one run.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent / "src"
COMMAND = [sys.executable, "-c", "from reglab.cli import main; main()", "--help"]


def seconds(source: Path) -> float:
    """One fresh ``reglab --help`` with ``source`` first on the import path."""
    env = {**os.environ, "PYTHONPATH": str(source)}
    start = time.perf_counter()
    subprocess.run(COMMAND, env=env, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--other", type=Path, help="another reglab src folder to time against")
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    trees = {"this": HERE} | ({"other": args.other.resolve()} if args.other else {})
    times: dict[str, list[float]] = {name: [] for name in trees}
    for round_ in range(args.rounds):
        order = list(trees) if round_ % 2 == 0 else list(reversed(trees))
        for name in order:
            times[name].append(seconds(trees[name]))
    for name, values in times.items():
        print(f"{name:>5} ({trees[name]}): median {statistics.median(values):.2f} s over {len(values)} runs "
              f"(min {min(values):.2f}, max {max(values):.2f})")
    if args.other:
        print(f"ratio other / this: {statistics.median(times['other']) / statistics.median(times['this']):.1f}x")


if __name__ == "__main__":
    main()
