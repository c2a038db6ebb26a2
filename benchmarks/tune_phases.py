"""Where the wall time of one ``reglab.tune`` goes: training, asking, telling, the run store, the report, the rest.

Each phase is timed by wrapping its function in this process (no profiler, so Python-heavy phases are not
inflated): ``reglab.train`` inside the tune, ``ask_batch`` (Optuna's sampler and the storage; of it,
``propose``, the sampling in memory, where the code has it), ``_tell``, the run store's writes, the status
lines, the analysis (fANOVA importances) and the report's files and figures.  A phase the code does not have
is left out, so the same script times an older checkout (run it with that checkout's Python).

    .venv/bin/python benchmarks/tune_phases.py                    # 256 trials in batches of 64, 30 epochs, breast_cancer
    .venv/bin/python benchmarks/tune_phases.py --batch 1          # one trial at a time

1 torch thread, 1 seed per trial, the space of ``bench_tune.py``.  Where the run store is written from inside
``reglab.train`` (older code), its time is counted in training too.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import torch

import reglab
from reglab import store
from reglab.tune import core, report
from reglab.tune import study as studies

SPACE = ["l1=1e-6:1e-1:log", "dropout=0:0.6", "max_norm=0.5:5"]
NESTED = "  of which sampling in memory"


def timed(module: object, name: str, label: str, spent: dict[str, float]) -> None:
    """Wrap ``module.name`` (when it exists) so its seconds add up in ``spent[label]``."""
    if not hasattr(module, name):
        return
    real = getattr(module, name)

    def wrapper(*args, **kwargs):
        start = time.perf_counter()
        try:
            return real(*args, **kwargs)
        finally:
            spent[label] = spent.get(label, 0.0) + time.perf_counter() - start

    setattr(module, name, wrapper)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=256)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--dataset", default="breast_cancer")
    args = parser.parse_args()
    torch.set_num_threads(1)
    spent: dict[str, float] = {}
    phases = [
        (studies, "ask_batch", "asking (Optuna's sampler + storage)"), (studies, "propose", NESTED),
        (core, "train", "training (reglab.train)"), (store.RunStore, "put", "run store writes"),
        (store.RunStore, "put_many", "run store writes"), (core, "_tell", "telling (storage + pruner replay)"),
        (core, "_batch_line", "status lines"), (core, "analyse", "report: analysis (importances)"),
        (report, "write_outputs", "report: files and figures"),
    ]
    for module, name, label in phases:
        timed(module, name, label, spent)
    ds = reglab.load_dataset(args.dataset)
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as out:
        reglab.tune(ds, SPACE, trials=args.trials, batch=args.batch, seeds=1, base=f"epochs={args.epochs}",
                    out_dir=Path(out) / "tune", progress=False, log=None)
    wall = time.perf_counter() - start
    print(f"{args.trials} trials, batch {args.batch}, {args.epochs} epochs, {args.dataset}: wall {wall:.1f} s")
    for label in dict.fromkeys(label for _, _, label in phases):
        if label in spent:
            print(f"  {label:<38} {spent[label]:6.1f}")
    rest = wall - sum(seconds for label, seconds in spent.items() if label != NESTED)
    print(f"  {'rest (loop, study reads, heartbeats)':<38} {rest:6.1f}")


if __name__ == "__main__":
    main()
