"""Worker processes against threads: 128 models of the reference workload trained three ways, in one run.

* one process, one group of 128 models (the default), ``--threads`` torch threads;
* one process, two groups of 64 (``max_models=64``) one after the other;
* ``--jobs`` worker processes (``reglab.parallel.process_pool``), the groups of
  64 spread over them, ``cores / jobs`` torch threads each.

The workers are started (and torch imported in them) before the timing, as a
long sweep amortizes that.  Each way runs ``--repeat`` times, interleaved; the
medians are printed, and the runs of the two ``max_models=64`` ways are checked
to be identical.

    .venv/bin/python benchmarks/bench_jobs.py [--epochs 100] [--repeat 3] [--jobs 2] [--threads 2]
"""

from __future__ import annotations

import argparse
import statistics
import time

import torch

import reglab
from reglab.parallel import process_pool

VARIANTS = ["baseline", "l1=0.001"]
SEEDS = range(64)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--threads", type=int, default=torch.get_num_threads())
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    ds = reglab.load_dataset("moons", n_samples=1000, noise=0.25, seed=0, train_size=0.7, val_size=0.3, test_size=0.0)

    def train(**kwargs) -> list[reglab.Run]:
        return reglab.train(ds, VARIANTS, seeds=SEEDS, epochs=args.epochs, progress=False, **kwargs)

    names = ("1 process, 1 group of 128", "1 process, 2 groups of 64", f"{args.jobs} workers, 2 groups of 64")
    times: dict[str, list[float]] = {name: [] for name in names}
    with process_pool(args.jobs) as pool:
        reglab.train(ds, VARIANTS, seeds=range(args.jobs), epochs=1, progress=False, executor=pool, max_models=2)
        for _ in range(args.repeat):
            start = time.perf_counter()
            train()
            times[names[0]].append(time.perf_counter() - start)
            start = time.perf_counter()
            here = train(max_models=64)
            times[names[1]].append(time.perf_counter() - start)
            start = time.perf_counter()
            spread = train(max_models=64, executor=pool)
            times[names[2]].append(time.perf_counter() - start)
            assert all(a.history == b.history for a, b in zip(here, spread)), "workers changed the numbers"
    reference = statistics.median(times[names[0]])
    print(f"128 models, {args.epochs} epochs, main process {args.threads} torch thread(s), median of {args.repeat}:")
    for name, values in times.items():
        median = statistics.median(values)
        runs = ", ".join(f"{v:.2f}" for v in values)
        print(f"  {name:<28} {median:6.2f} s  ({median / 128 / args.epochs * 500:.3f} s/model at 500 epochs; "
              f"{reference / median:.2f}x the default; runs: {runs})")


if __name__ == "__main__":
    main()
