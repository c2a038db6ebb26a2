"""reglab's batched tune against one trial at a time, in one run: wall time and the best validation loss against trials.

Three ways to run ``--trials`` trials of Optuna's TPE sampler (seeded) over three parameters, each in a
fresh process, per data set (breast_cancer and the 2-D moons):

* ``reglab tune, batch B``: :func:`reglab.tune` with ``batch=B`` (default 64): B trials asked at once and
  trained as one batched computation, the median pruner inside the batch;
* ``reglab tune, batch 1``: the same call with ``batch=1``: Optuna driving one reglab model per trial
  (same sampler, pruner, storage, run store: only the batch differs);
* ``Optuna + MLPClassifier``: ``study.optimize`` over scikit-learn's ``MLPClassifier`` (same hidden
  sizes, Adam, batch 32, the same epochs as ``max_iter``, no early stopping), one model per trial.

and the ceiling the engine sets (``engine``): ``reglab.train`` of B random settings of the space as one
batched call against ``--alone`` of them one call each, as time per model.  For the two reglab ways the
script also times the ``reglab.train`` calls inside the tune (``train s``: the rest of the wall time is
Optuna, the storages and the report) and counts the model-epochs trained (``epochs``: one at a time a pruned
trial stops training; in a batch it costs as much as the longest trial of its batch).

reglab searches ``l1=1e-6:1e-1:log``, ``dropout=0:0.6`` and ``max_norm=0.5:5`` (the issue's example);
scikit-learn has none of these, so it searches its own three: ``alpha`` (L2) in [1e-6, 1e-1] (log),
``learning_rate_init`` in [1e-3, 3e-2] (log) and the width of both hidden layers in [8, 128] (log).
The value is the validation log-loss of the final model on the same split (one seed per trial).

``--rounds R`` runs every way R times, interleaved (round 1: every way on every data set, then round 2,
...), and prints medians; the values are the same every round (seeded), which the script checks.

    .venv/bin/python benchmarks/bench_tune.py                       # 256 trials, 30 epochs, both data sets, 3 rounds
    .venv/bin/python benchmarks/bench_tune.py --quick               # 24 trials, 5 epochs, 1 round: a sanity run
    .venv/bin/python benchmarks/bench_tune.py --json benchmarks/results/tune.json

It prints, per data set, the median wall time of each way, the speed-up of the batched tune over the
others, the training time inside the tune, and the best validation loss after 16, 32, 64, ... trials.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

DATASETS = {"breast_cancer": {}, "moons": {"n_samples": 500, "noise": 0.25}}
SPACE = ["l1=1e-6:1e-1:log", "dropout=0:0.6", "max_norm=0.5:5"]
WAYS = ("batched", "sequential", "sklearn", "engine")


def run_one(way: str, dataset: str, trials: int, batch: int, epochs: int, threads: int, alone: int) -> dict:
    """One way on one data set in this process; returns the wall time and each trial's value by number."""
    import optuna
    import torch

    import reglab
    from reglab.tune import core

    torch.set_num_threads(threads)
    ds = reglab.load_dataset(dataset, **DATASETS[dataset])
    if way == "engine":
        return _engine(ds, batch, epochs, alone)
    training = _timed(core, "train")
    start = time.perf_counter()
    if way == "sklearn":
        values = _sklearn(ds, trials, epochs)
    else:
        with tempfile.TemporaryDirectory() as out:
            result = reglab.tune(ds, SPACE, trials=trials, batch=batch if way == "batched" else 1, seeds=1,
                                 base=f"epochs={epochs}", out_dir=Path(out) / "tune", progress=False, log=None)
            done = sorted(result.study.get_trials(), key=lambda t: t.number)
            values = [t.value if t.state == optuna.trial.TrialState.COMPLETE else None for t in done]
            epochs_run = _model_epochs([len(t.user_attrs.get("val_loss", [])) for t in done],
                                       batch if way == "batched" else 1)
        return {"seconds": time.perf_counter() - start, "train_seconds": training["seconds"], "values": values,
                "model_epochs": epochs_run}
    return {"seconds": time.perf_counter() - start, "train_seconds": training["seconds"], "values": values}


def _model_epochs(lengths: list[int], batch: int) -> int:
    """Epochs of training computed, model by model: a batch's group trains every model until its last one stops,
    so a pruned model costs as much as the longest one of its batch (trials numbered in batch order)."""
    return sum(len(chunk) * max(chunk) for chunk in (lengths[i:i + batch] for i in range(0, len(lengths), batch)))


def _timed(module, name: str) -> dict:
    """Wrap ``module.name`` so the seconds spent in it add up in the returned dict."""
    real, spent = getattr(module, name), {"seconds": 0.0}

    def timed(*args, **kwargs):
        start = time.perf_counter()
        try:
            return real(*args, **kwargs)
        finally:
            spent["seconds"] += time.perf_counter() - start

    setattr(module, name, timed)
    return spent


def _engine(ds, batch: int, epochs: int, alone: int) -> dict:
    """Seconds per model: ``batch`` random settings of the space in one ``reglab.train`` call, ``alone`` one call each."""
    import reglab

    rng = random.Random(0)

    def settings(count: int) -> list[str]:
        return [f"l1={10 ** rng.uniform(-6, -1):.3g},dropout={rng.uniform(0, 0.6):.3g},"
                f"max_norm={rng.uniform(0.5, 5):.3g},epochs={epochs}" for _ in range(count)]

    reglab.train(ds, settings(1), [0], progress=False)  # warm: first-call costs are not the engine's
    start = time.perf_counter()
    reglab.train(ds, settings(batch), [0], progress=False)
    together = (time.perf_counter() - start) / batch
    singles = []
    for variant in settings(alone):
        start = time.perf_counter()
        reglab.train(ds, [variant], [0], progress=False)
        singles.append(time.perf_counter() - start)
    return {"seconds": together * batch, "per_model_batched": together, "per_model_alone": statistics.median(singles)}


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
    parser.add_argument("--rounds", type=int, default=3, help="every way this many times, interleaved; medians printed")
    parser.add_argument("--alone", type=int, default=8, help="models trained one call each for the engine's ceiling")
    parser.add_argument("--threads", type=int, default=1, help="torch threads per process (1 degrades best on a shared machine)")
    parser.add_argument("--datasets", default=",".join(DATASETS))
    parser.add_argument("--ways", default=",".join(WAYS))
    parser.add_argument("--quick", action="store_true", help="24 trials, batch 8, 5 epochs, 1 round")
    parser.add_argument("--json", type=Path, help="write every figure here")
    parser.add_argument("--one", nargs=2, metavar=("WAY", "DATASET"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.quick:
        args.trials, args.batch, args.epochs, args.rounds = 24, 8, 5, 1
    if args.one:
        print(json.dumps(run_one(args.one[0], args.one[1], args.trials, args.batch, args.epochs, args.threads, args.alone)))
        return
    datasets, ways = args.datasets.split(","), args.ways.split(",")
    rounds: list[dict[str, dict[str, dict]]] = []
    for number in range(1, args.rounds + 1):
        rounds.append({dataset: {} for dataset in datasets})
        for dataset in datasets:
            for way in ways:  # a fresh process each: no warm caches, no shared state
                command = [sys.executable, __file__, "--one", way, dataset, "--trials", str(args.trials), "--batch",
                           str(args.batch), "--epochs", str(args.epochs), "--threads", str(args.threads),
                           "--alone", str(args.alone)]
                done = subprocess.run(command, capture_output=True, text=True, check=True)
                rounds[-1][dataset][way] = json.loads(done.stdout.strip().splitlines()[-1])
                print(f"round {number} {dataset} {way}: {rounds[-1][dataset][way]['seconds']:.1f} s", file=sys.stderr, flush=True)
                if args.json:  # after every way, so a long run interrupted keeps what it measured
                    args.json.parent.mkdir(parents=True, exist_ok=True)
                    args.json.write_text(json.dumps({"args": vars(args) | {"json": str(args.json)}, "rounds": rounds}, indent=1))
    report(args, rounds)


def report(args: argparse.Namespace, rounds: list[dict[str, dict[str, dict]]]) -> None:
    """Medians over the rounds, ratios to the batched tune, best values against trials, the engine's ceiling."""
    names = {"batched": f"reglab tune, batch {args.batch}", "sequential": "reglab tune, batch 1",
             "sklearn": "Optuna + MLPClassifier"}
    marks = sorted({n for n in (16, 32, 64, 128, 256, 512, 1024) if n <= args.trials} | {args.trials})
    print(f"{args.trials} trials, {args.epochs} epochs, 1 seed per trial, TPE (seed 0), {args.threads} torch thread(s); "
          f"one fresh process per way, {len(rounds)} round(s) interleaved, medians")
    for dataset in rounds[0]:
        print(f"\n{dataset}")
        print(f"{'way':<26} {'wall s':>8} {'range':>13} {'train s':>8} {'epochs':>7} {'× batched':>10}  "
              + "  ".join(f"{'best@' + str(m):>9}" for m in marks))
        wall = {way: statistics.median(r[dataset][way]["seconds"] for r in rounds) for way in rounds[0][dataset]}
        for way in (w for w in rounds[0][dataset] if w != "engine"):
            runs = [r[dataset][way] for r in rounds]
            spread = f"{min(r['seconds'] for r in runs):.1f}-{max(r['seconds'] for r in runs):.1f}"
            train = statistics.median(r["train_seconds"] for r in runs) if way != "sklearn" else math.nan
            epochs = str(runs[0].get("model_epochs", "—"))
            ratio = f"{wall[way] / wall['batched']:.2f}" if "batched" in wall else "—"
            same = all(r["values"] == runs[0]["values"] for r in runs)
            bests = "  ".join(f"{best_so_far(runs[0]['values'], m):>9.4f}" for m in marks)
            print(f"{names[way]:<26} {wall[way]:>8.1f} {spread:>13} {train:>8.1f} {epochs:>7} {ratio:>10}  {bests}"
                  + ("" if same else "  (values differ between rounds)"))
        if "engine" in rounds[0][dataset]:
            runs = [r[dataset]["engine"] for r in rounds]
            batched = statistics.median(r["per_model_batched"] for r in runs)
            alone = statistics.median(r["per_model_alone"] for r in runs)
            print(f"engine ceiling: {1000 * batched:.1f} ms per model with {args.batch} at once, {1000 * alone:.1f} ms "
                  f"alone ({args.alone} models, one call each): {alone / batched:.1f}x")


if __name__ == "__main__":
    main()
