"""RegularizationSearchCV against GridSearchCV over reglab's estimator, over MLPClassifier and over skorch.

The workload is issue 13's: a 12 x 5 search (l2 in {1e-5, 1e-4, 1e-3, 1e-2} x
dropout in {0, 0.2, 0.5}, 5 stratified folds, refit on all rows) of

    RegularizedMLPClassifier(hidden="64x32", l1=1e-3, dropout=0.2, early_stopping=20, epochs=300, random_state=0)

on breast_cancer (569 rows x 30) and on make_classification (20 000 rows x 20;
there with --big-epochs and --big-patience, default 10 and 5, so that the
slow peers finish). The peers search the same 12 x 5 grid shape:

* ``GridSearchCV`` over the same reglab estimator (one model at a time);
* ``GridSearchCV`` over ``StandardScaler + MLPClassifier`` (64x32 ReLU, Adam 0.01,
  batch 32, the same epochs and patience, early stopping on a 10 % split).
  It has L2 only: its grid is 12 values of ``alpha`` (1e-5 ... 1e1, log-spaced);
* ``GridSearchCV`` over skorch (when importable) with the same network (dropout
  as a module parameter), Adam 0.01, batch 32, the same L1 and L2 penalties
  added to the loss, ``EarlyStopping(patience)`` with the best weights loaded,
  a stratified 10 % validation split. skorch is not part of reglab's set-up:

      python3 -m venv ../skvenv && ../skvenv/bin/pip install torch==2.13.0 -e . skorch
      ../skvenv/bin/python benchmarks/bench_sklearn_search.py

Every cell (approach x data set) runs in a fresh process with ``--threads``
torch/BLAS threads (default 1), one after another; the seconds are the wall
time of ``search.fit(X, y)`` (refit included), median over ``--rounds``
(rounds interleaved). The table prints seconds, best mean CV accuracy, the
chosen parameters and the ratio to reglab's search; the last lines give the
largest difference between reglab's search and GridSearchCV over the same
estimator, split by split.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from typing import Any

import numpy as np

APPROACHES = ("reglab RegularizationSearchCV", "GridSearchCV(reglab estimator)", "GridSearchCV(MLPClassifier)", "GridSearchCV(skorch)")
DATASETS = ("breast_cancer", "classification_20k")
GRID = {"l2": [1e-5, 1e-4, 1e-3, 1e-2], "dropout": [0.0, 0.2, 0.5]}


def load(name: str) -> tuple[np.ndarray, np.ndarray]:
    from sklearn.datasets import load_breast_cancer, make_classification

    if name == "breast_cancer":
        return load_breast_cancer(return_X_y=True)
    return make_classification(n_samples=20_000, n_features=20, n_informative=10, n_redundant=5, random_state=0)


def skorch_available() -> bool:
    try:
        import skorch  # noqa: F401
    except ImportError:
        return False
    return True


def make_search(approach: str, n_features: int, epochs: int, patience: int) -> Any:
    """The search object of one approach (built in the cell's own process)."""
    from sklearn.model_selection import GridSearchCV
    from sklearn.neural_network import MLPClassifier
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from reglab.sklearn import RegularizationSearchCV, RegularizedMLPClassifier

    clf = RegularizedMLPClassifier(hidden="64x32", l1=1e-3, dropout=0.2, early_stopping=patience, epochs=epochs, random_state=0)
    if approach == APPROACHES[0]:
        return RegularizationSearchCV(clf, GRID, cv=5)
    if approach == APPROACHES[1]:
        return GridSearchCV(clf, GRID, cv=5)
    if approach == APPROACHES[2]:
        mlp = MLPClassifier(hidden_layer_sizes=(64, 32), learning_rate_init=0.01, batch_size=32, max_iter=epochs,
                            early_stopping=True, n_iter_no_change=patience, validation_fraction=0.1, random_state=0)
        return GridSearchCV(make_pipeline(StandardScaler(), mlp), {"mlpclassifier__alpha": list(np.logspace(-5, 1, 12))}, cv=5)
    return GridSearchCV(make_pipeline(StandardScaler(), _skorch_net(n_features, epochs, patience)),
                        {"penalizednet__" + key: values for key, values in
                         {"l2": GRID["l2"], "module__dropout": GRID["dropout"]}.items()}, cv=5)


def _skorch_net(n_features: int, epochs: int, patience: int) -> Any:
    """skorch's NeuralNetClassifier with the reglab estimator's network, penalties and early stopping."""
    import torch
    from skorch import NeuralNetClassifier
    from skorch.callbacks import EarlyStopping
    from skorch.dataset import ValidSplit
    from torch import nn

    class MLP(nn.Module):
        def __init__(self, n_in: int = n_features, dropout: float = 0.2) -> None:
            super().__init__()
            self.layers = nn.Sequential(nn.Linear(n_in, 64), nn.ReLU(), nn.Dropout(dropout),
                                        nn.Linear(64, 32), nn.ReLU(), nn.Dropout(dropout), nn.Linear(32, 2))

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return self.layers(x.float())

    class PenalizedNet(NeuralNetClassifier):
        """+ l1·Σ|W| + l2·ΣW² over the weight matrices, as reglab's penalties."""

        def __init__(self, *args: Any, l1: float = 0.0, l2: float = 0.0, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.l1, self.l2 = l1, l2

        def get_loss(self, y_pred, y_true, X=None, training=False):  # noqa: ANN001, ANN201
            loss = super().get_loss(y_pred, y_true, X=X, training=training)
            weights = [p for name, p in self.module_.named_parameters() if name.endswith("weight")]
            return loss + self.l1 * sum(w.abs().sum() for w in weights) + self.l2 * sum(w.square().sum() for w in weights)

    PenalizedNet.__name__ = "PenalizedNet"
    return PenalizedNet(MLP, l1=1e-3, criterion=nn.CrossEntropyLoss, optimizer=torch.optim.Adam, lr=0.01, batch_size=32,
                        max_epochs=epochs, iterator_train__shuffle=True, train_split=ValidSplit(0.1, stratified=True, random_state=0),
                        callbacks=[EarlyStopping(patience=patience, load_best=True)], verbose=0, device="cpu")


def run_cell(approach: str, dataset: str, epochs: int, patience: int, threads: int) -> dict[str, Any]:
    """One search, timed; its result as a JSON-ready dict."""
    import torch

    torch.set_num_threads(threads)
    torch.manual_seed(0)
    X, y = load(dataset)
    if approach == APPROACHES[3]:
        X = X.astype(np.float32)
    search = make_search(approach, X.shape[1], epochs, patience)
    started = time.perf_counter()
    search.fit(X, y)
    seconds = time.perf_counter() - started
    splits = [search.cv_results_[f"split{k}_test_score"].tolist() for k in range(5)]
    params = {key.split("__")[-1]: (float(value) if isinstance(value, (float, np.floating)) else value)
              for key, value in search.best_params_.items()}
    return {"seconds": seconds, "best_score": float(search.best_score_), "best_params": params, "splits": splits}


def spawn(approach: str, dataset: str, args: argparse.Namespace) -> dict[str, Any]:
    """``run_cell`` in a fresh process with the thread count fixed in its environment."""
    epochs, patience = (args.epochs, args.patience) if dataset == "breast_cancer" else (args.big_epochs, args.big_patience)
    env = {**os.environ, "OMP_NUM_THREADS": str(args.threads), "MKL_NUM_THREADS": str(args.threads),
           "OPENBLAS_NUM_THREADS": str(args.threads), "PYTHONWARNINGS": "ignore"}
    cell = json.dumps([approach, dataset, epochs, patience, args.threads])
    done = subprocess.run([sys.executable, __file__, "--cell", cell], env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"error: the cell {approach} on {dataset} failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=1, help="interleaved rounds; the median is reported")
    parser.add_argument("--threads", type=int, default=1, help="torch/BLAS threads of every cell")
    parser.add_argument("--epochs", type=int, default=300, help="epochs on breast_cancer")
    parser.add_argument("--patience", type=int, default=20, help="early-stopping patience on breast_cancer")
    parser.add_argument("--big-epochs", type=int, default=10, help="epochs on the 20 000-row data set")
    parser.add_argument("--big-patience", type=int, default=5, help="early-stopping patience on the 20 000-row data set")
    parser.add_argument("--datasets", default=",".join(DATASETS), help="comma-separated: " + ", ".join(DATASETS))
    parser.add_argument("--json", help="also write every cell's result to this file")
    parser.add_argument("--cell", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.cell:
        print(json.dumps(run_cell(*json.loads(args.cell))))
        return
    approaches = [a for a in APPROACHES if a != APPROACHES[3] or skorch_available()]
    if len(approaches) < len(APPROACHES):
        print("skorch is not importable here: its row is left out (see the docstring for its environment)", file=sys.stderr)
    datasets = args.datasets.split(",")
    results: dict[str, dict[str, list[dict[str, Any]]]] = {d: {a: [] for a in approaches} for d in datasets}
    for round_ in range(args.rounds):
        for dataset in datasets:
            for approach in approaches:
                print(f"round {round_ + 1}/{args.rounds}: {approach} on {dataset} ...", file=sys.stderr, flush=True)
                results[dataset][approach].append(spawn(approach, dataset, args))
    print(f"\n12 candidates x 5 folds + refit, {args.threads} thread(s) per process, median of {args.rounds} round(s); "
          f"breast_cancer: {args.epochs} epochs, patience {args.patience}; classification_20k: {args.big_epochs} epochs, "
          f"patience {args.big_patience}\n")
    print("| data set | approach | seconds | × vs reglab search | best mean CV accuracy | chosen |")
    print("|---|---|---:|---:|---:|---|")
    for dataset in datasets:
        base = statistics.median(r["seconds"] for r in results[dataset][approaches[0]])
        for approach in approaches:
            cells = results[dataset][approach]
            seconds = statistics.median(r["seconds"] for r in cells)
            chosen = ", ".join(f"{k}={v:g}" if isinstance(v, float) else f"{k}={v}" for k, v in cells[0]["best_params"].items())
            print(f"| {dataset} | {approach} | {seconds:.1f} | {seconds / base:.1f} | {cells[0]['best_score']:.4f} | {chosen} |")
    for dataset in datasets:
        ours, theirs = (np.array(results[dataset][a][0]["splits"]) for a in approaches[:2])
        print(f"\n{dataset}: largest |split score difference| between reglab's search and GridSearchCV over the same "
              f"estimator: {np.abs(ours - theirs).max():.4f} (mean {np.abs(ours - theirs).mean():.4f})")
    if args.json:
        with open(args.json, "w") as handle:
            json.dump({"threads": args.threads, "rounds": args.rounds, "results": results}, handle, indent=1)


if __name__ == "__main__":
    main()
