"""reglab's batched tune against one trial at a time, in one run: wall time and the best validation loss against trials.

Three ways to run ``--trials`` trials of Optuna's TPE sampler (seeded) over three parameters, each in a
fresh process, one after the other, per data set (breast_cancer and the 2-D moons):

* ``reglab tune, batch B``: :func:`reglab.tune` with ``batch=B`` (default 64): B trials asked at once and
  trained as one batched computation, the median pruner inside the batch;
* ``reglab tune, batch 1``: the same call with ``batch=1``: Optuna driving one reglab model per trial
  (same sampler, pruner, storage, run store: only the batch differs);
* ``Optuna + MLPClassifier``: ``study.optimize`` over scikit-learn's ``MLPClassifier`` (same hidden
  sizes, Adam, batch 32, the same epochs as ``max_iter``, no early stopping), one model per trial.

reglab searches ``l1=1e-6:1e-1:log``, ``dropout=0:0.6`` and ``max_norm=0.5:5`` (the issue's example);
scikit-learn has none of these, so it searches its own three: ``alpha`` (L2) in [1e-6, 1e-1] (log),
``learning_rate_init`` in [1e-3, 3e-2] (log) and the width of both hidden layers in [8, 128] (log).
The value is the validation log-loss of the final model on the same split (one seed per trial).

    .venv/bin/python benchmarks/bench_tune.py                       # 256 trials, 30 epochs, both data sets
    .venv/bin/python benchmarks/bench_tune.py --quick               # 24 trials, 5 epochs: a sanity run
    .venv/bin/python benchmarks/bench_tune.py --json benchmarks/results/tune.json

It prints, per data set, the wall time of each way, the speed-up of the batched tune over the two
others, and the best validation loss after 16, 32, 64, ... trials.
"""

from __future__ import annotations

import argparse
import json
import math
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

DATASETS = {"breast_cancer": {}, "moons": {"n_samples": 500, "noise": 0.25}}
SPACE = ["l1=1e-6:1e-1:log", "dropout=0:0.6", "max_norm=0.5:5"]
WAYS = ("batched", "sequential", "sklearn")


def run_one(way: str, dataset: str, trials: int, batch: int, epochs: int, threads: int) -> dict:
    """One way on one data set in this process; returns the wall time and each trial's value by number."""
    import optuna
    import torch

    import reglab

    torch.set_num_threads(threads)
    ds = reglab.load_dataset(dataset, **DATASETS[dataset])
    start = time.perf_counter()
    if way == "sklearn":
        values = _sklearn(ds, trials, epochs)
    else:
        with tempfile.TemporaryDirectory() as out:
            result = reglab.tune(ds, SPACE, trials=trials, batch=batch if way == "batched" else 1, seeds=1,
                                 base=f"epochs={epochs}", out_dir=Path(out) / "tune", progress=False, log=None)
            values = [t.value if t.state == optuna.trial.TrialState.COMPLETE else None
                      for t in sorted(result.study.get_trials(), key=lambda t: t.number)]
    return {"seconds": time.perf_counter() - start, "values": values}


def _sklearn(ds, trials: int, epochs: int) -> list[float]:
    import optuna
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.metrics import log_loss
    from sklearn.neural_network import MLPClassifier

    def objective(trial: optuna.Trial) -> float:
        width = trial.suggest_int("width", 8, 128, log=True)
        model = MLPClassifier(hidden_layer_sizes=(width, width), alpha=trial.suggest_float("alpha", 1e-6, 1e-1, log=True),
                              learning_rate_init=trial.suggest_float("learning_rate_init", 1e-3, 3e-2, log=True),
                              batch_size=32, max_iter=epochs, random_state=0)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            model.fit(ds.X_train, ds.y_train)
        return float(log_loss(ds.y_val, model.predict_proba(ds.X_val)))

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    study = optuna.create_study(sampler=optuna.samplers.TPESampler(seed=0))
    study.optimize(objective, n_trials=trials)
    return [t.value for t in study.trials]


def best_so_far(values: list[float | None], at: int) -> float:
    finite = [v for v in values[:at] if v is not None and math.isfinite(v)]
    return min(finite) if finite else math.nan


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=256)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--threads", type=int, default=1, help="torch threads per process (1 degrades best on a shared machine)")
    parser.add_argument("--datasets", default=",".join(DATASETS))
    parser.add_argument("--ways", default=",".join(WAYS))
    parser.add_argument("--quick", action="store_true", help="24 trials, batch 8, 5 epochs")
    parser.add_argument("--json", type=Path, help="write every figure here")
    parser.add_argument("--one", nargs=2, metavar=("WAY", "DATASET"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.quick:
        args.trials, args.batch, args.epochs = 24, 8, 5
    if args.one:
        print(json.dumps(run_one(args.one[0], args.one[1], args.trials, args.batch, args.epochs, args.threads)))
        return
    results: dict[str, dict[str, dict]] = {}
    for dataset in args.datasets.split(","):
        results[dataset] = {}
        for way in args.ways.split(","):  # a fresh process each: no warm caches, no shared state
            command = [sys.executable, __file__, "--one", way, dataset, "--trials", str(args.trials), "--batch",
                       str(args.batch), "--epochs", str(args.epochs), "--threads", str(args.threads)]
            done = subprocess.run(command, capture_output=True, text=True, check=True)
            results[dataset][way] = json.loads(done.stdout.strip().splitlines()[-1])
            print(f"{dataset} {way}: {results[dataset][way]['seconds']:.1f} s", file=sys.stderr, flush=True)
            if args.json:  # after every way, so a long run interrupted keeps what it measured
                args.json.parent.mkdir(parents=True, exist_ok=True)
                args.json.write_text(json.dumps({"args": vars(args) | {"json": str(args.json)}, "results": results}, indent=1))
    names = {"batched": f"reglab tune, batch {args.batch}", "sequential": "reglab tune, batch 1",
             "sklearn": "Optuna + MLPClassifier"}
    marks = [n for n in (16, 32, 64, 128, 256, 512, 1024) if n <= args.trials] + ([args.trials] if args.trials not in
                                                                                  (16, 32, 64, 128, 256, 512, 1024) else [])
    print(f"{args.trials} trials, {args.epochs} epochs, 1 seed per trial, TPE (seed 0), {args.threads} torch threads; "
          "one fresh process per way, one round")
    for dataset, ways in results.items():
        print(f"\n{dataset}")
        header = f"{'way':<26} {'wall s':>8} {'× vs this':>10}  " + "  ".join(f"{'best@' + str(m):>9}" for m in marks)
        print(header)
        batched = ways.get("batched", {}).get("seconds")
        for way, figures in ways.items():
            ratio = f"{figures['seconds'] / batched:.1f}" if batched else "—"
            bests = "  ".join(f"{best_so_far(figures['values'], m):>9.4f}" for m in marks)
            print(f"{names[way]:<26} {figures['seconds']:>8.1f} {ratio:>10}  {bests}")


if __name__ == "__main__":
    main()
