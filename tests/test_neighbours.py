"""A run's numbers are bit-identical whatever the other runs of its batch do: go on, stop early, or diverge.

Each test trains the same run in two batches of the same size that differ only
in what a neighbour does, and asks for equal histories, metrics and weights,
bit for bit.  Before Adam took one path for all learning rates (a stopped run's
rate 0 switched the whole group from the one-pass kernel to the per-model one),
the stopping cases failed.
"""

from __future__ import annotations

import numpy as np
import pytest

import reglab
from test_train_hooks import stop_by_hand

NET = "hidden=32x32,epochs=25"


@pytest.fixture(scope="module")
def moons():
    return reglab.load_dataset("moons", n_samples=120, noise=0.3, seed=0)


def assert_same_run(a: reglab.Run, b: reglab.Run) -> None:
    assert a.history == b.history, a.name
    assert a.metrics == b.metrics, a.name
    for member_a, member_b in zip(a.members, b.members):
        for role in member_a:
            for x, y in zip(member_a[role], member_b[role]):
                np.testing.assert_array_equal(x, y, err_msg=f"{a.name} {role}")


def _neighbours(moons, run: str, neighbour: str, seeds=(0, 1), **train) -> list[reglab.Run]:
    return reglab.train(moons, [f"{NET},{run}" if run else NET, f"{NET},{neighbour}"], seeds=list(seeds), progress=False,
                        **train)


@pytest.mark.parametrize("run", ["", "l1=1e-3", "dropout=0.2,max_norm=1"], ids=["baseline", "l1", "dropout+max-norm"])
@pytest.mark.parametrize(
    "stops, goes_on",
    [("early_stopping=1", "early_stopping=500"), ("noise=1e38/1e38/1e38", "noise=0.1"), ("lr=1e6", "lr=0.02")],
    ids=["early-stopping", "divergence", "learning-rate"],
)
def test_what_a_neighbour_does_never_moves_a_run(moons, run, stops, goes_on) -> None:
    stopping = _neighbours(moons, run, stops)
    going_on = _neighbours(moons, run, goes_on)
    if stops.startswith("early"):
        assert all(r.metrics["stopped_epoch"] < 25 for r in stopping[2:])  # the neighbour did stop early
    if stops.startswith("noise"):
        assert all(r.diverged for r in stopping[2:])
    for a, b in zip(stopping[:2], going_on[:2]):
        assert_same_run(a, b)


def test_a_neighbour_stopped_by_a_callback_never_moves_a_run(moons) -> None:
    stopped = _neighbours(moons, "", "l2=1e-3", callbacks=[stop_by_hand(r2=3, r3=5)])
    trained = _neighbours(moons, "", "l2=1e-3")
    assert [r.metrics["stopped_epoch"] for r in stopped[2:]] == [3, 5]
    for a, b in zip(stopped[:2], trained[:2]):
        assert_same_run(a, b)


@pytest.mark.parametrize("settings", ["batchnorm=true", "activation=gelu", "optimizer=sgd,lr=0.05,momentum=0.9"],
                         ids=["batch-norm", "autograd", "sgd"])
def test_other_paths_do_not_depend_on_neighbours_either(moons, settings) -> None:
    stopping = _neighbours(moons, settings, f"{settings},early_stopping=1", seeds=(0,))
    going_on = _neighbours(moons, settings, f"{settings},early_stopping=500", seeds=(0,))
    assert stopping[1].metrics["stopped_epoch"] < 25
    assert_same_run(stopping[0], going_on[0])


@pytest.mark.parametrize("name", ["iris", "diabetes"], ids=["multiclass", "regression"])
def test_multiclass_and_regression_runs_do_not_depend_on_neighbours(name) -> None:
    ds = reglab.load_dataset(name, seed=0)
    stopping = reglab.train(ds, [NET, f"{NET},early_stopping=1"], seeds=[0], progress=False)
    going_on = reglab.train(ds, [NET, f"{NET},early_stopping=500"], seeds=[0], progress=False)
    assert stopping[1].metrics["stopped_epoch"] < 25
    assert_same_run(stopping[0], going_on[0])


def test_a_cnn_does_not_depend_on_neighbours() -> None:
    digits = reglab.load_dataset("digits", seed=0, train_size=0.2)
    cnn = "conv=4x4,hidden=32,epochs=4"
    stopping = reglab.train(digits, [cnn, f"{cnn},l2=1e-3"], seeds=[0], progress=False, callbacks=[stop_by_hand(r1=2)])
    going_on = reglab.train(digits, [cnn, f"{cnn},l2=1e-3"], seeds=[0], progress=False)
    assert stopping[1].metrics["stopped_epoch"] == 2
    assert_same_run(stopping[0], going_on[0])
