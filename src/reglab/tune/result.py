"""What a tune found: the study, the best trial, the trials within one standard error of it, its verdict.

The best trial is the COMPLETE trial with the lowest value (mean final
validation loss over seeds).  Its standard error is ``std / sqrt(seeds)``
of its seeds' final validation losses (``std`` with ``ddof=1``, as the
sweep's one-SE rule); the trials *within one SE* are the COMPLETE trials
whose value is at most ``best + SE``: the data cannot tell them apart from
the best.  Their runs come from the run store, and get compare's table and
verdicts (:func:`reglab.analysis.diagnose_all`).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import optuna
from optuna.trial import FrozenTrial, TrialState

from reglab.analysis import diagnose_all, format_table, summarize
from reglab.data import Dataset
from reglab.errors import ReglabError
from reglab.run import Run
from reglab.store import ExperimentRecord, RunStore
from reglab.sweeps.choice import standard_error
from reglab.tune.space import SearchSpace
from reglab.variant import Variant

MAX_WITHIN = 10
"""Most trials within one SE of the best that get runs, a table row and a verdict (the closest first)."""


@dataclass
class TuneResult:
    """Everything a tune produced.

    Attributes:
        study: the Optuna study (all workers' trials).
        space: the search space; ``record``: what was asked (settings: storage, study, sampler, ...).
        best: the best COMPLETE trial; ``best_se``: the standard error of its value.
        within_se: COMPLETE trials whose value is at most best + SE (the best first), at most :data:`MAX_WITHIN`.
        runs: the runs of ``within_se`` trials (trial-major, seeds in order); ``best_runs``: the best trial's.
        verdicts, table: compare's verdicts and table for those trials.
        importances: Optuna's parameter importances (``{}`` with fewer than 2 complete trials).
        counts: number of trials per state (``COMPLETE``, ``PRUNED``, ``FAIL``, ...).
        trained: runs trained by this call; figures, report, results: the outputs written.
    """

    dataset: Dataset
    study: optuna.Study
    space: SearchSpace
    record: ExperimentRecord
    best: FrozenTrial
    best_se: float
    within_se: list[FrozenTrial]
    runs: list[Run]
    verdicts: list[Any]
    table: str
    importances: dict[str, float]
    counts: dict[str, int]
    out_dir: Path | None = None
    trained: int = 0
    figures: list[Any] = field(default_factory=list)
    report: Path | None = None
    results: Path | None = None

    @property
    def best_runs(self) -> list[Run]:
        return [run for run in self.runs if run.name == label(self.best)]

    @property
    def finished(self) -> list[FrozenTrial]:
        """COMPLETE and PRUNED trials, by number."""
        return sorted(self.study.get_trials(deepcopy=False, states=(TrialState.COMPLETE, TrialState.PRUNED)),
                      key=lambda t: t.number)

    def best_line(self) -> str:
        """The last line the command prints: the best trial, its value and the one-SE yardstick."""
        others = len(self.within_se) - 1
        return (f"best: trial {self.best.number} ({self.space.describe(self.best.params)}): validation loss "
                f"{self.best.value:.4f} ± {self.best_se:.4f} (SE over {len(self.record.seeds)} seeds); "
                f"{others} other trial{'s' * (others != 1)} within one SE")


def label(trial: FrozenTrial) -> str:
    """The variant name of a trial's runs."""
    return f"trial {trial.number}"


def analyse(ds: Dataset, study: optuna.Study, space: SearchSpace, record: ExperimentRecord, out: Path,
            train_missing: Callable[[list[Variant], list[int]], None] | None = None) -> TuneResult:
    """The best trial, the trials within one SE, their runs from ``out/runs.sqlite``, verdicts and importances.

    ``train_missing(variants, seeds)``, when given, is called first with the runs of those trials that
    this output directory lacks (other workers trained them) and must store them there.

    Raises:
        ReglabError: no COMPLETE trial with a finite value (all pruned, failed or diverged), or a run missing.
    """
    all_trials = study.get_trials(deepcopy=False)
    complete = [t for t in all_trials if t.state == TrialState.COMPLETE and t.value is not None and math.isfinite(t.value)]
    if not complete:
        raise ReglabError(f"The study {study.study_name!r} has no complete trial with a finite validation loss yet: "
                          "run more trials, or a smaller learning rate if they diverge.")
    best = min(complete, key=lambda t: (t.value, t.number))
    best_se = _se(best)
    within = sorted((t for t in complete if t.value <= best.value + best_se), key=lambda t: (t.value, t.number))[:MAX_WITHIN]
    if train_missing is not None:
        missing = missing_runs(ds, space, within, record, out)
        if missing:
            train_missing(missing, list(record.seeds))
    runs = trial_runs(ds, space, within, record, out)
    summaries = summarize(runs)
    counts: dict[str, int] = {}
    for trial in all_trials:
        counts[trial.state.name] = counts.get(trial.state.name, 0) + 1
    return TuneResult(
        dataset=ds, study=study, space=space, record=record, best=best, best_se=best_se, within_se=within, runs=runs,
        verdicts=diagnose_all(runs, dataset=ds), table=format_table(summaries, ds.task),
        importances=importances(study, complete), counts=counts, out_dir=out,
    )


def trial_runs(ds: Dataset, space: SearchSpace, trials: list[FrozenTrial], record: ExperimentRecord, out: Path) -> list[Run]:
    """The stored runs of ``trials`` (trial-major, the record's seeds in order)."""
    runs = []
    with RunStore.open(out, create=False) as store:
        for trial in trials:
            variant = space.variant(trial.params, label(trial))
            for seed in record.seeds:
                run = store.get(ds, variant, seed)
                if run is None:
                    raise ReglabError(
                        f"The run store in '{out}' lacks seed {seed} of {label(trial)} (trained by another worker with "
                        "another --out?). Run the tune command with this --out to train it, or report from that worker's --out."
                    )
                runs.append(run)
    return runs


def missing_runs(ds: Dataset, space: SearchSpace, trials: list[FrozenTrial], record: ExperimentRecord, out: Path) -> list[Variant]:
    """The variants of ``trials`` with a seed missing from ``out/runs.sqlite``."""
    with RunStore.open(out, create=False) as store:
        variants = [space.variant(t.params, label(t)) for t in trials]
        return [v for v in variants if any(store.get(ds, v, seed) is None for seed in record.seeds)]


def _se(trial: FrozenTrial) -> float:
    losses = [v for v in trial.user_attrs.get("val_losses", []) if v is not None]
    return standard_error(losses) if len(losses) > 1 else 0.0


def importances(study: optuna.Study, complete: list[FrozenTrial]) -> dict[str, float]:
    """Optuna's fANOVA importances over the ``complete`` trials (``{}`` when fewer than 2 or all values equal).

    Computed on an in-memory copy holding only those trials, so a diverged trial's infinite value is left out.
    """
    if len(complete) < 2 or len({t.value for t in complete}) < 2:
        return {}
    finite = optuna.create_study(direction="minimize")
    finite.add_trials(complete)
    try:
        evaluator = optuna.importance.FanovaImportanceEvaluator(seed=0)
        return {k: float(v) for k, v in optuna.importance.get_param_importances(finite, evaluator=evaluator).items()}
    except (RuntimeError, ValueError):
        return {}
