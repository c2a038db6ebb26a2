"""reglab tune: the search space, pruning inside a batch, the ask-and-tell loop, resume, outputs and bad input.

Tiny settings: 150 moons points, networks of 8 units, 12 epochs, 2 seeds.
"""

from __future__ import annotations

import json
import warnings

import optuna
import pytest
import torch
from optuna.distributions import CategoricalDistribution, FloatDistribution, IntDistribution
from optuna.trial import TrialState

import reglab
from reglab.errors import ReglabError
from reglab.tune.pruning import BatchPruning, TrialPruner
from reglab.tune.space import parse_space
from tests.conftest import invoke
from tests.test_export import _raw

BASE = "hidden=8,epochs=12"
SPACE = ["l2=1e-5:1e-1:log", "dropout=0:0.5"]


@pytest.fixture(scope="module")
def ds():
    return reglab.load_dataset("moons", n_samples=150, noise=0.3, seed=0)


# -- the space ----------------------------------------------------------------------------------


def test_space_forms_become_optuna_distributions():
    space = parse_space(["l1=1e-6:1e-1:log", "dropout=0:0.6", "early_stopping=5:50", "l2=1e-4:1e-2:log3",
                         "hidden=16,32x16"])
    dists = space.distributions
    assert dists["l1"] == FloatDistribution(1e-6, 1e-1, log=True)
    assert dists["dropout"] == FloatDistribution(0.0, 0.6)
    assert dists["early_stopping"] == IntDistribution(5, 50)
    assert dists["l2"] == CategoricalDistribution([1e-4, 1e-3, 1e-2])  # sweep's grid, point for point
    assert dists["hidden"] == CategoricalDistribution([16, "32x16"])
    variant = space.variant({"l1": 1e-3, "dropout": 0.2, "early_stopping": 7, "l2": 1e-3, "hidden": 16}, "t")
    assert (variant.l1, variant.dropout, variant.early_stopping, variant.hidden) == (1e-3, 0.2, 7, (16, 16))
    assert space.variant({**dict.fromkeys(dists, 0.0), "l1": 1e-3, "early_stopping": 7, "l2": 1e-3, "hidden": "32x16"},
                         "t").hidden == (32, 16)


@pytest.mark.parametrize("params, words", [
    ([], "Missing option `--param`"),
    (["l1"], "expected NAME=VALUES"),
    (["lr2=0:1"], "Did you mean 'l2'"),
    (["l1=1e-3:1e-1", "l1=0:1"], "given twice"),
    (["l1=0:1e-1:log"], "log range needs LOW > 0"),
    (["l1=1:0.5"], "LOW must be below HIGH"),
    (["dropout=0:1.5"], "dropout"),
    (["early_stopping=2.5:9"], "takes integers"),
    (["l2=a:b"], "cannot read 'a'"),
])
def test_bad_spaces_are_refused_with_the_reason(params, words):
    with pytest.raises(ReglabError) as caught:
        parse_space(params)
    assert words in str(caught.value)


def test_the_grid_sampler_needs_discrete_parameters():
    with pytest.raises(ReglabError, match="grid sampler needs a grid or a list"):
        parse_space(["l1=1e-6:1e-1:log"]).grid()
    assert parse_space(["l1=1e-4,1e-3", "dropout=0:0.2:lin3"]).grid() == {"l1": [1e-4, 1e-3], "dropout": [0.0, 0.1, 0.2]}


# -- pruning inside a batch ----------------------------------------------------------------------


def test_the_pruner_is_optunas_median_rule():
    """Against a hand computation: the median of the finished trials' values at the step."""
    finished = [optuna.trial.create_trial(value=v, params={"x": 0.5}, distributions={"x": FloatDistribution(0, 1)},
                                          intermediate_values={1: v, 2: v}) for v in (1.0, 2.0, 3.0, 4.0, 5.0)]
    judge = TrialPruner(optuna.pruners.MedianPruner(), finished, {7: {"x": 0.1}, 8: {"x": 0.2}}, {"x": FloatDistribution(0, 1)})
    assert judge.step(7, 1, 2.9) is False  # below the median 3.0
    assert judge.step(8, 1, 3.1) is True   # above it
    assert judge.step(8, 2, 0.0) is False  # pruned once; stays pruned
    assert judge.pruned == {8: 1}


def test_a_pruned_trial_stops_and_leaves_its_neighbours_bit_identical(ds):
    """Two trials in one group: pruning one freezes its runs; the other's runs equal a batch without pruning."""
    variants = ["a:hidden=8,epochs=12,l2=1e-4", "b:hidden=8,epochs=12,l2=1e-2"]
    plain = reglab.train(ds, variants, seeds=[0, 1], progress=False)
    # finished trials whose curves are far below: trial 1 is pruned after the startup epochs
    space = {"x": FloatDistribution(0, 1)}
    finished = [optuna.trial.create_trial(value=0.01, params={"x": 0.5}, distributions=space,
                                          intermediate_values={e: 0.01 for e in range(1, 13)}) for _ in range(5)]
    pruner = optuna.pruners.MedianPruner(n_warmup_steps=2)
    pruning = BatchPruning(trial_of={0: 0, 1: 0, 2: 1, 3: 1}, params={0: {"x": 0.1}, 1: {"x": 0.2}}, distributions=space,
                           pruner=pruner, finished=finished)
    pruned = reglab.train(ds, variants, seeds=[0, 1], progress=False, callbacks=[pruning])
    for plain_run, pruned_run in zip(plain, pruned):
        assert len(pruned_run.history["val_loss"]) == 2  # both above 0.01: pruned at the first step past warm-up (step 2)
        assert pruned_run.history["val_loss"] == plain_run.history["val_loss"][:2]
    # one trial kept: only the other is pruned; the kept one's numbers are those of training without a callback
    keep = BatchPruning(trial_of={0: 0, 1: 0, 2: 1, 3: 1}, params={0: {"x": 0.1}, 1: {"x": 0.2}}, distributions=space,
                        pruner=_PruneOnly(1), finished=[])
    mixed = reglab.train(ds, variants, seeds=[0, 1], progress=False, callbacks=[keep])
    assert [len(r.history["val_loss"]) for r in mixed] == [12, 12, 1, 1]
    for plain_run, run in zip(plain[:2], mixed[:2]):  # bit for bit: the engine keeps neighbours independent
        assert run.history == plain_run.history and run.metrics == plain_run.metrics
    assert mixed[2].metrics["stopped_epoch"] == 1.0


class _PruneOnly(optuna.pruners.BasePruner):
    """Prunes the trial numbered ``number`` (in the in-memory study) at once, never the others."""

    def __init__(self, number: int) -> None:
        self.number = number

    def prune(self, study, trial) -> bool:
        return trial.number == self.number


# -- the loop ------------------------------------------------------------------------------------


def test_tune_runs_exactly_the_trials_asked_and_writes_the_outputs(ds, tmp_path):
    out = tmp_path / "tune"
    result = reglab.tune(ds, SPACE, trials=10, batch=4, seeds=2, base=BASE, out_dir=out, progress=False, log=None)
    trials = result.study.get_trials()
    assert len(trials) == 10 and {t.state for t in trials} <= {TrialState.COMPLETE, TrialState.PRUNED}
    assert result.counts.get("COMPLETE", 0) + result.counts.get("PRUNED", 0) == 10
    best = min((t for t in trials if t.state == TrialState.COMPLETE), key=lambda t: t.value)
    assert result.best.number == best.number
    # the value told is the mean final validation loss of the trial's stored runs
    assert [r.seed for r in result.best_runs] == [0, 1]
    assert best.value == pytest.approx(sum(r.metrics["val_loss"] for r in result.best_runs) / 2, rel=1e-12)
    for trial in trials:  # a pruned trial's runs stopped at the epoch the pruner named
        if trial.state == TrialState.PRUNED:
            assert len(trial.user_attrs["val_loss"]) == trial.user_attrs["pruned_epoch"] < 12
    document = json.loads((out / "results.json").read_text())
    assert document["tune"]["best"]["number"] == best.number
    assert len(document["tune"]["trials"]) == 10
    assert {run["label"] for run in document["runs"]} == {f"trial {t.number}" for t in result.within_se}
    html = (out / "report.html").read_text()
    for words in ("Best trial", "Within one standard error", "Optimization history", "Slices", "reglab export"):
        assert words in html
    assert {p.name for p in out.glob("*.png")} >= {"optimization_history.png", "param_slices.png", "tune_loss_curves.png"}


def test_a_rerun_resumes_and_more_trials_add_to_the_study(ds, tmp_path):
    out = tmp_path / "tune"
    first = reglab.tune(ds, SPACE, trials=4, batch=4, seeds=2, base=BASE, out_dir=out, progress=False, log=None)
    again = reglab.tune(ds, SPACE, trials=4, batch=4, seeds=2, base=BASE, out_dir=out, progress=False, log=None)
    assert again.trained == 0 and len(again.study.get_trials()) == 4
    assert again.best.number == first.best.number and again.best.value == first.best.value
    more = reglab.tune(ds, SPACE, trials=7, batch=4, seeds=2, base=BASE, out_dir=out, progress=False, log=None)
    assert len(more.study.get_trials()) == 7 and more.trained == 3 * 2


def test_ctrl_c_puts_the_unfinished_trials_back_and_a_rerun_runs_them(ds, tmp_path, monkeypatch):
    """Interrupted in its second batch: the first batch is told, the second failed and re-queued, then re-run."""
    out = tmp_path / "tune"
    from reglab.tune import core

    real_train, calls = core.train, []

    def interrupted(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real_train(*args, **kwargs)

    monkeypatch.setattr(core, "train", interrupted)
    with pytest.raises(core.TuneInterrupted) as stop:
        reglab.tune(ds, SPACE, trials=6, batch=3, seeds=2, base=BASE, out_dir=out, progress=False, log=None)
    assert "3 of 6 trials done" in stop.value.message and "3 unfinished put back" in stop.value.message
    monkeypatch.setattr(core, "train", real_train)
    study = optuna.load_study(study_name="reglab-tune", storage=f"sqlite:///{out / 'study.sqlite'}")
    states = [t.state for t in study.get_trials()]
    assert states.count(TrialState.FAIL) == 3 and states.count(TrialState.WAITING) == 3
    failed = [t.params for t in study.get_trials() if t.state == TrialState.FAIL]
    result = reglab.tune(ds, SPACE, trials=6, batch=3, seeds=2, base=BASE, out_dir=out, progress=False, log=None)
    trials = result.study.get_trials()
    done = [t for t in trials if t.state in (TrialState.COMPLETE, TrialState.PRUNED)]
    assert len(done) == 6 and len(trials) == 9  # 6 done + the 3 failed attempts, kept as FAIL
    assert sorted(map(str, failed)) == sorted(str(t.params) for t in done if t.system_attrs.get("failed_trial") is not None)


def test_export_takes_the_best_trial_away(ds, tmp_path, runner):
    out = tmp_path / "tune"
    result = reglab.tune(ds, SPACE, trials=4, batch=4, seeds=2, base=BASE, out_dir=out, progress=False, log=None)
    exported = invoke(runner, ["export", str(out)])
    assert exported.exit_code == 0, exported.stderr
    assert f"exported: trial {result.best.number}, seed" in exported.stdout
    best = min(result.best_runs, key=lambda r: r.metrics["val_loss"])
    assert f"exported: trial {result.best.number}, seed {best.seed}" in exported.stdout
    model = torch.load(out / "model.pt", weights_only=False)
    with torch.no_grad():
        torch.testing.assert_close(model(_raw(ds, ds.X_val)), best.module()(torch.as_tensor(ds.X_val)), rtol=1e-5, atol=1e-5)
    reported = invoke(runner, ["report", str(out)])
    assert reported.exit_code == 0, reported.stderr
    assert reported.stdout.splitlines()[-1] == result.best_line()


# -- the command line ----------------------------------------------------------------------------


TINY = ["tune", "moons", "--n-samples", "150", "--base", BASE, "--seeds", "2", "--quiet"]


def test_the_command_prints_the_best_trial_last(runner, tmp_path):
    out = tmp_path / "cli"
    done = invoke(runner, [*TINY, "--param", "l2=1e-5:1e-1:log", "--trials", "3", "--batch", "3", "--out", str(out)])
    assert done.exit_code == 0, done.stderr
    assert done.stdout.splitlines()[-1].startswith("best: trial ")
    assert "trials within one SE of the best:" in done.stdout


@pytest.mark.parametrize("extra, words", [
    (["--param", "l2=1e-1:1e-5:log"], "LOW must be below HIGH"),
    (["--param", "l3=0:1"], "Cannot sweep 'l3'"),
    (["--param", "l2=0:1", "--sampler", "grid"], "grid sampler needs a grid or a list"),
    (["--param", "l2=0:1", "--sampler", "tpx"], "Did you mean 'tpe'"),
    (["--param", "l2=0:1", "--storage", "postgresql://nobody@127.0.0.1:1/none"], "Cannot open the study storage"),
    (["--param", "l2=0:1", "--storage", "not a url"], "expected a database URL"),
    (["--param", "l2=0:1", "--cluster", "tcp://127.0.0.1:1"], "Cannot reach the Dask scheduler"),
    (["--param", "l2=0:1", "--cluster", "127.0.0.1:1"], "expected a Dask scheduler address"),
])
def test_bad_input_gives_one_error_line_and_writes_nothing(runner, tmp_path, monkeypatch, extra, words):
    monkeypatch.setattr("reglab.cluster.CONNECT_TIMEOUT_S", 2)
    out = tmp_path / "never"
    done = invoke(runner, [*TINY, *extra, "--trials", "2", "--out", str(out)])
    assert done.exit_code == 2
    assert done.stderr.count("\n") == 1 and done.stderr.startswith("error: ") and words in done.stderr, done.stderr
    assert not out.exists()


def test_a_study_made_with_another_space_is_refused(runner, tmp_path):
    out = tmp_path / "cli"
    first = invoke(runner, [*TINY, "--param", "l2=1e-5:1e-1:log", "--trials", "2", "--batch", "2", "--out", str(out)])
    assert first.exit_code == 0, first.stderr
    before = _written(out)
    other = invoke(runner, [*TINY, "--param", "l2=1e-4:1e-1:log", "--trials", "2", "--out", str(out)])
    assert other.exit_code == 2 and other.stderr.startswith("error: The study 'reglab-tune' was made with other options")
    assert "params.l2 is" in other.stderr and "1e-05" in other.stderr and "0.0001" in other.stderr, other.stderr
    longer = invoke(runner, [*TINY, "--param", "l2=1e-5:1e-1:log", "--epochs", "7", "--trials", "2", "--out", str(out)])
    assert longer.exit_code == 2 and "base.epochs is" in longer.stderr and ", 7 here" in longer.stderr, longer.stderr
    assert "params.l2" not in longer.stderr  # only what differs
    assert _written(out) == before


def _written(out):
    """What a tune left in ``out``: every file but the study database by name and time, and the study's trials.

    SQLite itself touches the database files when the storage is opened (write-ahead log checkpoints), so
    the study is compared by its content: the trials' numbers, states, parameters and values, and its attributes.
    """
    files = sorted((p.name, None if p.name.startswith("study.sqlite") else p.stat().st_mtime_ns) for p in out.iterdir())
    study = optuna.load_study(study_name="reglab-tune", storage=f"sqlite:///{out / 'study.sqlite'}")
    trials = [(t.number, t.state, t.params, t.value) for t in study.trials]
    return files, trials, study.user_attrs


# -- asking a batch ------------------------------------------------------------------------------


def test_a_batch_proposed_in_memory_is_what_optunas_own_ask_proposes(tmp_path):
    """TPE with the constant liar, seeded, on a study with finished and running trials: the in-memory proposals
    equal ``study.ask`` through the database storage, trial for trial."""
    from reglab.tune.proposals import propose, write_running
    from reglab.tune.study import make_sampler, open_storage

    space = parse_space(SPACE)
    storage = open_storage(f"sqlite:///{tmp_path / 'study.sqlite'}")
    study = optuna.create_study(storage=storage, study_name="s", sampler=optuna.samplers.RandomSampler(seed=1))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # Optuna's "heartbeat ... with Study.optimize"
        for i in range(14):  # a TPE past its 10 startup trials
            trial = study.ask(space.distributions)
            study.tell(trial, sum(trial.params.values()) + 0.01 * i)
        study.ask(space.distributions)  # another worker's trial, still running
        proposed = propose(make_sampler("tpe", space, 5), space.distributions, study.get_trials(deepcopy=False), 4)
        study.sampler = make_sampler("tpe", space, 5)
        asked = [study.ask(space.distributions) for _ in range(4)]
    assert [p.params for p in proposed] == [a.params for a in asked]
    assert len(set(str(p.params) for p in proposed)) == 4
    ids = write_running(study, proposed, {"worker": "w"})  # then written as RUNNING trials, numbered by the storage
    written = [study._storage.get_trial(i) for i in ids]
    assert [t.number for t in written] == [19, 20, 21, 22]
    assert all(t.state == TrialState.RUNNING and t.user_attrs == {"worker": "w"} for t in written)
    assert [t.params for t in written] == [p.params for p in proposed]


def test_the_grid_sampler_covers_its_grid_once(ds, tmp_path):
    """Four grid points in batches of two: each trained once (the last tell used to stop a Study.optimize that
    was not running, and raised)."""
    result = reglab.tune(ds, ["l2=1e-4,1e-3", "dropout=0,0.2"], trials=4, batch=2, seeds=1, base="hidden=8,epochs=3",
                         sampler="grid", pruner="none", out_dir=tmp_path / "grid", progress=False, log=None)
    points = sorted((t.params["l2"], t.params["dropout"]) for t in result.study.get_trials())
    assert points == [(1e-4, 0.0), (1e-4, 0.2), (1e-3, 0.0), (1e-3, 0.2)]
