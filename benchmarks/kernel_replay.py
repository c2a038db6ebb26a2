"""The compiled kernel alone: one epoch's arguments captured from ``reglab.train``, then replayed and timed.

The reference workload (moons 700/300, 2→64→32→1, Adam 0.01, batch 32,
half the models with L1 0.001) trains one epoch with ``K`` models; the
arguments of its ``kernels.train_epoch`` call are kept, and each
measurement (a thread count, optionally another checkout's ``src`` with the
same kernel signature) runs in a fresh process that replays that call on
fresh copies, back to back, and prints the median time per model and epoch.
Rounds are interleaved.  This isolates the kernel from the trainer's Python
work between epochs (compare with ``bench_fast.py`` for the whole loop).

Usage::

    python benchmarks/kernel_replay.py --models 128 --threads 1,2 --rounds 3
    python benchmarks/kernel_replay.py --models 6 --src /path/to/other/checkout/src   # same signature only
"""

from __future__ import annotations

import argparse
import os
import pickle
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve()
sys.path.insert(0, str(HERE.parent))


def capture(models: int, path: Path) -> None:
    """Train one epoch of the reference workload with ``models`` models; pickle its kernel call's arguments."""
    import numpy as np

    import bench_engine
    import reglab
    from reglab.engine import compiled

    found: list = []
    original = compiled.FastPath._call

    def keep(self, kernel, *args):
        if kernel is self.ops.train_epoch and not found:
            found.append([a.copy() if isinstance(a, np.ndarray) else a for a in args])
        original(self, kernel, *args)

    compiled.FastPath._call = keep
    variants = ["hidden=64x32"] if models == 1 else ["hidden=64x32", "hidden=64x32,l1=0.001"]
    reglab.train(bench_engine._data(700), variants, seeds=range(max(1, models // len(variants))), epochs=1,
                 progress=False)
    path.write_bytes(pickle.dumps(found[0]))


def replay(path: Path, threads: int, calls: int) -> None:
    """Time ``calls`` replays of the captured call on ``threads`` numba threads; print ms per model and epoch."""
    import time

    import numpy as np
    import numba

    from reglab.engine.compiled import load_kernels

    kernels = load_kernels()
    args = pickle.loads(path.read_bytes())
    numba.set_num_threads(threads)
    numba.set_parallel_chunksize(1)
    copies = lambda: [a.copy() if isinstance(a, np.ndarray) else a for a in args]  # noqa: E731
    kernels.train_epoch(*copies())
    times = []
    for _ in range(calls):
        fresh = copies()
        start = time.perf_counter()
        kernels.train_epoch(*fresh)
        times.append(time.perf_counter() - start)
    print(f"RESULT {statistics.median(times) / args[0].shape[0] * 1e3}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--models", type=int, default=128)
    parser.add_argument("--threads", default="1,2", help="comma-separated numba thread counts")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--calls", type=int, default=21, help="replays per measurement (median reported)")
    parser.add_argument("--src", action="append", default=[], help="another checkout's src to time as well")
    parser.add_argument("--capture", help=argparse.SUPPRESS)
    parser.add_argument("--replay", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.capture:
        capture(args.models, Path(args.capture))
        return
    if args.replay:
        replay(Path(args.replay[0]), int(args.replay[1]), int(args.replay[2]))
        return
    with tempfile.TemporaryDirectory() as folder:
        captured = Path(folder) / "epoch.pickle"
        subprocess.run([sys.executable, str(HERE), "--models", str(args.models), "--capture", str(captured)], check=True)
        trees = ["this checkout", *args.src]
        found: dict[tuple[str, int], list[float]] = {}
        for _ in range(args.rounds):
            for tree in trees:
                env = dict(os.environ) if tree == "this checkout" else dict(os.environ, PYTHONPATH=tree)
                for threads in (int(t) for t in args.threads.split(",")):
                    out = subprocess.run([sys.executable, str(HERE), "--replay", str(captured), str(threads),
                                          str(args.calls)], capture_output=True, text=True, check=True, env=env).stdout
                    value = float(next(l for l in out.splitlines() if l.startswith("RESULT "))[7:])
                    found.setdefault((tree, threads), []).append(value)
    print(f"K={args.models}, {args.rounds} rounds, load average {os.getloadavg()}: ms per model and epoch")
    for (tree, threads), values in found.items():
        print(f"  {tree}, {threads} thread(s): median {statistics.median(values):.3f}  "
              f"({', '.join(f'{v:.3f}' for v in values)})")


if __name__ == "__main__":
    main()
