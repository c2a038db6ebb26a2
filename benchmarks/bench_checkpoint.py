"""What a group checkpoint costs: its size and the time to write it to a run store.

Trains 128 models of the seed network (baseline and L1 over 64 seeds, moons
1000) for ``--epochs`` epochs with a checkpoint after every epoch, and prints
the size of one state and the median time to serialize and commit it.

    .venv/bin/python benchmarks/bench_checkpoint.py [--epochs 20]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time

import reglab
from reglab.engine.checkpoint import GroupCheckpoint
from reglab.store import RunStore


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=20)
    args = parser.parse_args()
    ds = reglab.load_dataset("moons", n_samples=1000, noise=0.25, seed=0)
    seconds: list[float] = []
    sizes: list[int] = []
    save = GroupCheckpoint.save

    def timed_save(self: GroupCheckpoint, state) -> None:
        start = time.perf_counter()
        save(self, state)
        seconds.append(time.perf_counter() - start)
        sizes.append(len(state.to_bytes()))

    GroupCheckpoint.save = timed_save  # type: ignore[method-assign]
    with tempfile.TemporaryDirectory() as directory, RunStore.open(directory) as store:
        reglab.train(ds, ["baseline", "l1=0.001"], seeds=range(64), epochs=args.epochs, progress=False,
                     checkpoints=store, checkpoint_every=0)
    median = statistics.median(seconds)
    print(f"128 models, {args.epochs} epochs: a state is {sizes[0] / 1e6:.1f} MB; writing it took "
          f"{median * 1e3:.1f} ms (median of {len(seconds)}), {100 * median / 30:.2f} % of the default 30 s between saves")


if __name__ == "__main__":
    main()
