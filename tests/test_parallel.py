"""Groups trained in parallel: the same numbers as in one process, and Ctrl-C stops the workers."""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from tqdm.auto import tqdm

import reglab
import reglab.api
from conftest import TINY_ARGS, Compared, invoke
from reglab.experiments import stored as experiment  # where experiments call reglab.train
from reglab.errors import ReglabError
from reglab.parallel import Compute, process_pool

VARIANTS = ["hidden=8,epochs=6", "hidden=8,epochs=6,l1=1e-3", "hidden=8,epochs=6,dropout=0.3", "hidden=4,epochs=6"]


@pytest.fixture(scope="module")
def moons():
    return reglab.load_dataset("moons", n_samples=120, noise=0.25, seed=0)


def _same(a: list[reglab.Run], b: list[reglab.Run]) -> None:
    assert [(r.name, r.seed) for r in a] == [(r.name, r.seed) for r in b]
    for x, y in zip(a, b):
        assert x.history == y.history and x.metrics == y.metrics, x.name


def test_an_executor_gives_the_numbers_of_one_process(moons) -> None:
    here = reglab.train(moons, VARIANTS, seeds=[0, 1], progress=False, max_models=3)
    delivered: list[str] = []
    with ThreadPoolExecutor(2) as pool:
        spread = reglab.train(
            moons, VARIANTS, seeds=[0, 1], progress=False, max_models=3, executor=pool,
            on_run=lambda run: delivered.append(run.name),
        )
    _same(here, spread)
    assert sorted(delivered) == sorted(run.name for run in here)  # every run handed over once


def test_worker_processes_give_the_numbers_of_one_process_and_report_each_epoch(moons, monkeypatch) -> None:
    here = reglab.train(moons, VARIANTS, seeds=[0, 1], progress=False, max_models=3)
    steps: list[float] = []

    class CountingBar(tqdm):
        def update(self, n=1):
            steps.append(n)
            return super().update(n)

    monkeypatch.setattr(reglab.api, "progress_bar", lambda *, total, enabled, **options: CountingBar(total=total, **options))
    with process_pool(2, threads=1) as pool:
        spread = reglab.train(moons, VARIANTS, seeds=[0, 1], progress=False, max_models=3, executor=pool)
    _same(here, spread)
    groups = 3  # hidden=8: 3 variants x 2 seeds in 2 groups of 3 runs; hidden=4: 2 runs in 1 group; 6 epochs each
    assert sum(steps) == groups * 6  # every planned epoch counted once
    assert steps.count(1) >= groups * 6 - groups  # epoch by epoch from the workers, not a group at a time


def test_compute_refuses_nonsense() -> None:
    with pytest.raises(ReglabError, match=r"Invalid value for `jobs`: expected an integer in \[1, 1024\]\. Received: jobs=0"):
        Compute(jobs=0)
    with pytest.raises(ReglabError, match=r"Invalid value for `max_models`: expected an integer in \[1, .*\]\. Received: max_models=0"):
        Compute(max_models=0)


def test_compare_with_jobs_prints_the_same_table(compared: Compared, tmp_path: Path, runner) -> None:
    result = invoke(runner, [*TINY_ARGS, "--jobs", "2", "--max-models", "2", "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert result.stdout.split("\n\n")[0] == compared.stdout.split("\n\n")[0]


def test_ctrl_c_with_jobs_keeps_finished_runs_and_stops_the_workers(tmp_path: Path, runner, monkeypatch) -> None:
    real_train = experiment.train

    def interrupted_after_two(dataset, variants, seeds, **kwargs):
        keep, handed = kwargs["on_run"], []

        def on_run(run):
            if len(handed) == 2:
                raise KeyboardInterrupt
            handed.append(run)
            keep(run)

        return real_train(dataset, variants, seeds, **{**kwargs, "on_run": on_run})

    monkeypatch.setattr(experiment, "train", interrupted_after_two)
    out = tmp_path / "out"
    result = invoke(runner, [*TINY_ARGS, "--jobs", "2", "--max-models", "2", "--out", str(out)])
    assert result.exit_code == 130
    assert result.stderr.strip().splitlines()[-1] == f"interrupted: 2 of 6 runs kept in {out}; run the same command to resume"
    assert multiprocessing.active_children() == []


def test_a_sweep_runs_on_a_given_executor(moons) -> None:
    args = dict(base="hidden=8", seeds=2, epochs=4, progress=False, log=None)
    here = reglab.sweep(moons, "l2", "1e-4,1e-2,1", compute=Compute(max_models=2), **args)
    with ThreadPoolExecutor(2) as pool:
        spread = reglab.sweep(moons, "l2", "1e-4,1e-2,1", compute=Compute(max_models=2, executor=pool), **args)
    _same(here.runs, spread.runs)
    assert spread.chosen == here.chosen
