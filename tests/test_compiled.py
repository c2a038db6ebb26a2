"""The compiled fast path (:mod:`reglab.engine.compiled`) against the current path, its independent reference.

* every covered piece of the registry, activation, optimizer and task: a model
  on the fast path equals the same model on the current path to float rounding
  after its first epochs, and keeps the same group statistics over 500 epochs;
* a model's numbers are bit for bit the same alone and in a batch of others
  (that stop early, diverge, or perturb), and from one command to the next;
* a group resumed from a checkpoint ends bit for bit as an uninterrupted one;
* what it does not cover (DropConnect, other activations, numba missing) trains on the current path.
"""

from __future__ import annotations

import sys

import numpy as np
import pytest

import reglab
from reglab.api import build_pieces, dataset_splits
from reglab.engine import compiled
from reglab.engine.checkpoint import state_from_bytes, state_to_bytes
from reglab.engine.plan import RunSpec, make_groups
from reglab.engine.trainer import GroupSetup, start, train_group
from reglab.regularizers import REGISTRY
from reglab.variant import Variant
from test_neighbours import assert_same_run

NET = "hidden=16x8,epochs=3"
UNCOVERED = {"DropConnect"}
"""Registry pieces the fast path leaves to the current path (it says so in :mod:`reglab.engine.compiled`)."""
MORE = [
    "activation=tanh", "activation=sigmoid", "optimizer=sgd,lr=0.05,momentum=0.9", "optimizer=adamw",
    "l1=1e-3,l2=1e-3", "l1=1e-2,penalize_bias=true", "l2=1e-2/0/1e-3", "optimizer=sgd,lr=0.05,prox=1e-2",
    "prox=1e-2,max_norm=0.5", "noise=0.2/0.3/0.1,dropout=0.3", "dropout=0.2/0.5", "l2=0@1,1e-2@2",
    "early_stopping=1", "weight_decay=0.1,non_neg=true", "batchnorm=true", "batchnorm=true,dropout=0.3,l2=1e-3",
    "batchnorm=true,activation=tanh,optimizer=sgd,lr=0.05,momentum=0.9", "dropout=0.3@1,0@2,0.2@3,noise=0.1",
]


@pytest.fixture(scope="module")
def moons():
    return reglab.load_dataset("moons", n_samples=160, noise=0.25, seed=0)


def _train(dataset, variants, seeds=(0, 1), *, fast: bool, monkeypatch, **options) -> list[reglab.Run]:
    """``reglab.train`` on the chosen path; asserts that every group took it."""
    taken = []
    original = compiled.FastPath.of.__func__

    def spy(cls, *args, **kwargs):
        found = original(cls, *args, **kwargs)
        taken.append(found is not None)
        return found

    with monkeypatch.context() as patch:
        patch.setenv("REGLAB_FAST", "1" if fast else "0")
        patch.setattr(compiled.FastPath, "of", classmethod(spy))
        runs = reglab.train(dataset, variants, seeds=list(seeds), progress=False, **options)
    assert taken and all(t == fast for t in taken), f"fast path taken: {taken}"
    return runs


def _assert_close(fast: list[reglab.Run], current: list[reglab.Run], rtol: float = 2e-4) -> None:
    for a, b in zip(fast, current):
        assert a.history.keys() == b.history.keys()
        for name in a.history:
            np.testing.assert_allclose(a.history[name], b.history[name], rtol=rtol, atol=1e-6, err_msg=f"{a.name} {name}")
        for x, y in zip(a.members[0]["weights"], b.members[0]["weights"]):
            np.testing.assert_allclose(x, y, rtol=rtol, atol=1e-5, err_msg=a.name)


def _example(cls) -> str:
    return ",".join(f"{key}={str(value).lower()}" for key, value in cls.example.items())


@pytest.mark.parametrize("cls", [c for c in REGISTRY if c.__name__ not in UNCOVERED], ids=lambda c: c.__name__)
def test_every_covered_piece_equals_the_current_path(moons, monkeypatch, cls) -> None:
    variants = [NET, f"{NET},{_example(cls)}"]
    _assert_close(_train(moons, variants, fast=True, monkeypatch=monkeypatch),
                  _train(moons, variants, fast=False, monkeypatch=monkeypatch))


@pytest.mark.parametrize("settings", MORE)
def test_activations_optimizers_and_combinations_equal_the_current_path(moons, monkeypatch, settings) -> None:
    variants = [f"{NET},{settings}", f"{NET},l1=1e-3,{settings}" if "l1=" not in settings else NET]
    _assert_close(_train(moons, variants, fast=True, monkeypatch=monkeypatch),
                  _train(moons, variants, fast=False, monkeypatch=monkeypatch))


@pytest.mark.parametrize("name", ["iris", "diabetes"], ids=["multiclass", "regression"])
def test_multiclass_regression_and_ensembles_equal_the_current_path(monkeypatch, name) -> None:
    ds = reglab.load_dataset(name, seed=0)
    for variants in ([NET, f"{NET},dropout=0.2"], [f"{NET},ensemble=3"]):
        _assert_close(_train(ds, variants, fast=True, monkeypatch=monkeypatch),
                      _train(ds, variants, fast=False, monkeypatch=monkeypatch))


def test_the_group_statistics_after_500_epochs_are_those_of_the_current_path(monkeypatch) -> None:
    ds = reglab.load_dataset("moons", n_samples=300, noise=0.25, seed=0)
    variants = ["hidden=32x16,epochs=500", "hidden=32x16,epochs=500,l1=1e-3"]
    fast = _train(ds, variants, seeds=(0, 1, 2), fast=True, monkeypatch=monkeypatch)
    current = _train(ds, variants, seeds=(0, 1, 2), fast=False, monkeypatch=monkeypatch)
    for v in range(2):
        for metric, tolerance in (("val_loss", 0.25), ("val_acc", 0.03), ("train_acc", 0.03), ("weight_l2", 0.1)):
            a = np.mean([r.metrics[metric] for r in fast[3 * v : 3 * v + 3]])
            b = np.mean([r.metrics[metric] for r in current[3 * v : 3 * v + 3]])
            assert abs(a - b) <= tolerance * abs(b), (variants[v], metric, a, b)


@pytest.mark.parametrize("neighbours", [
    ["early_stopping=1,min_delta=0.5"], ["noise=1e38/1e38/1e38"], ["lr=1e6"], ["dropout=0.3,max_norm=1", "prox=1e-2", "l2=1e-2"],
], ids=["stops", "diverges", "explodes", "others"])
def test_a_model_alone_equals_it_in_a_batch_bit_for_bit(moons, monkeypatch, neighbours) -> None:
    net = "hidden=16x8,epochs=12"
    runs = [f"{net},l1=1e-3", f"{net},dropout=0.2,max_norm=1"]
    alone = [_train(moons, [run], seeds=(0,), fast=True, monkeypatch=monkeypatch)[0] for run in runs]
    batched = _train(moons, runs + [f"{net},{n}" for n in neighbours], seeds=(0,), fast=True, monkeypatch=monkeypatch)
    if neighbours[0].startswith("early"):
        assert batched[2].metrics["stopped_epoch"] < 12
    if neighbours[0].startswith("noise"):
        assert batched[2].diverged
    for a, b in zip(alone, batched):
        assert_same_run(a, b)
    again = _train(moons, runs + [f"{net},{n}" for n in neighbours], seeds=(0,), fast=True, monkeypatch=monkeypatch)
    for a, b in zip(batched, again):  # the same command twice, neighbours included (NaN equal to NaN)
        _assert_identical(a, b)


def _assert_identical(a, b) -> None:
    assert a.history.keys() == b.history.keys()
    for name in a.history:
        np.testing.assert_array_equal(a.history[name], b.history[name], err_msg=name)
    for x, y in zip(a.members[0]["weights"], b.members[0]["weights"]):
        np.testing.assert_array_equal(x, y)


def test_a_resumed_group_ends_bit_for_bit_as_an_uninterrupted_one(moons, monkeypatch) -> None:
    variants = [Variant.parse(f"hidden=16x8,epochs=8,{spec}") for spec in ("l1=1e-3", "dropout=0.3,early_stopping=2",
                                                                            "optimizer=sgd,lr=0.05,momentum=0.9")]
    splits = dataset_splits(moons)
    outcomes, saved = {}, {}
    for variant in variants:
        (group,) = make_groups([RunSpec(variant, 0, 0), RunSpec(variant, 1, 1)], moons.n_features, moons.n_outputs)

        def keep(view, variant=variant):
            if view.epoch == 3:
                saved[variant] = state_to_bytes(view._state.state_dict())

        monkeypatch.setenv("REGLAB_FAST", "1")
        whole = train_group(group, splits, moons.task, pieces=build_pieces(group), observe=keep)
        resumed = train_group(group, splits, moons.task, pieces=build_pieces(group),
                              resume=state_from_bytes(saved[variant]))
        for a, b in zip(whole, resumed):
            _assert_identical(a, b)
        outcomes[variant] = whole
    assert len(outcomes) == 3


@pytest.mark.parametrize("settings", ["activation=gelu", "dropconnect=0.3"])
def test_what_it_does_not_cover_trains_on_the_current_path(moons, monkeypatch, settings) -> None:
    _train(moons, [f"{NET},{settings}"], seeds=(0,), fast=False, monkeypatch=monkeypatch)  # REGLAB_FAST=0 …
    with monkeypatch.context() as patch:
        patch.setenv("REGLAB_FAST", "1")
        (group,) = make_groups([RunSpec(Variant.parse(f"{NET},{settings}"), 0, 0)], moons.n_features, moons.n_outputs)
        state = start(group, build_pieces(group))
        assert GroupSetup.of(group, dataset_splits(moons), moons.task, state).fast is None  # … and with it on


def test_without_numba_every_group_takes_the_current_path(moons, monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "numba", None)  # ``import numba`` raises ImportError
    monkeypatch.delitem(sys.modules, "reglab.engine.compiled.kernels", raising=False)
    monkeypatch.delattr(compiled, "kernels", raising=False)
    monkeypatch.setenv("REGLAB_FAST", "1")
    assert compiled.load_kernels() is None
    (group,) = make_groups([RunSpec(Variant.parse(NET), 0, 0)], moons.n_features, moons.n_outputs)
    assert GroupSetup.of(group, dataset_splits(moons), moons.task, start(group, build_pieces(group))).fast is None


def test_the_kernels_blas_runs_on_one_thread_and_numpys_is_left_alone(monkeypatch) -> None:
    """The products' BLAS (scipy's OpenBLAS, which numba's ``np.dot`` calls) is limited to one thread when the
    kernels load (the cores already each train their models); NumPy's own BLAS keeps its threads."""
    from threadpoolctl import threadpool_info

    monkeypatch.setenv("REGLAB_FAST", "1")
    before = {info["filepath"]: info["num_threads"] for info in threadpool_info()}
    assert compiled.load_kernels() is not None
    after = {info["filepath"]: info["num_threads"] for info in threadpool_info()}
    scipy_blas = [path for path in after if "scipy.libs" in path or "/scipy/" in path]
    assert scipy_blas and all(after[path] == 1 for path in scipy_blas)
    numpy_blas = [path for path in before if "numpy.libs" in path]
    assert all(after[path] == before[path] for path in numpy_blas)


def test_a_ctrl_c_while_the_kernels_compile_waits_for_them_and_then_interrupts() -> None:
    """numba's compiler would swallow a KeyboardInterrupt (it lands in a ctypes callback): the first kernel call holds
    SIGINT and SIGTERM back and hands them on when it returns."""
    import os
    import signal

    from reglab.engine.compiled.signals import held_signals

    after = []
    with pytest.raises(KeyboardInterrupt):
        with held_signals():
            os.kill(os.getpid(), signal.SIGINT)
            after.append("the block went on")  # the signal did not interrupt the compilation
    assert after == ["the block went on"]
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler

    terms = []
    previous = signal.signal(signal.SIGTERM, lambda number, frame: terms.append(number))
    try:
        with held_signals():
            os.kill(os.getpid(), signal.SIGTERM)
            assert terms == []
        assert terms == [signal.SIGTERM]
    finally:
        signal.signal(signal.SIGTERM, previous)


def test_a_held_sigterm_still_ends_a_worker_process_that_left_it_at_its_default() -> None:
    """A ``--jobs`` worker keeps SIGTERM's default: when its pool stops it during a first kernel call, it ends
    once the call returns (before, the held signal was dropped and the pool waited for the worker forever)."""
    import subprocess

    script = ("import os, signal\nfrom reglab.engine.compiled.signals import held_signals\n"
              "signal.signal(signal.SIGTERM, signal.SIG_DFL)\nwith held_signals():\n"
              "    os.kill(os.getpid(), signal.SIGTERM)\n    print('held', flush=True)\nprint('not ended')\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert done.returncode == -15 and done.stdout == "held\n", (done.returncode, done.stdout, done.stderr)
