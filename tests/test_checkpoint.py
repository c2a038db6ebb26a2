"""Checkpoints of groups in training: an interrupted group resumes with exactly the numbers it would have had."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import numpy as np
import pytest

import reglab
from conftest import TINY_ARGS, Compared, invoke
from reglab.api import build_pieces
from reglab.engine.checkpoint import GroupCheckpoint, state_from_bytes, state_to_bytes
from reglab.engine.evaluation import Split
from reglab.engine.plan import Group, RunSpec, make_groups
from reglab.engine.state import StateMismatch
from reglab.errors import ReglabWarning
from reglab.engine.trainer import GroupSetup, end_epoch, start, train_epoch
from reglab.store import RunStore
from reglab.variant import Variant

SPECS = ["baseline", "l1=1e-3", "prox=1e-2", "dropout=0.3", "early_stopping=2", "sgd:optimizer=sgd,lr=0.05,momentum=0.9"]
EPOCHS = 12


class MemoryStorage:
    """Checkpoints in a dict; ``interrupt_at`` raises KeyboardInterrupt instead of saving that epoch (a Ctrl-C)."""

    def __init__(self, interrupt_at: int | None = None) -> None:
        self.saved: dict[tuple, tuple[int, bytes]] = {}
        self.interrupt_at = interrupt_at
        self.dropped = 0

    @staticmethod
    def key(runs) -> tuple:
        return tuple((variant.label, seed) for variant, seed in runs)

    def load_checkpoint(self, dataset, runs):
        found = self.saved.get(self.key(runs))
        return None if found is None else found[1]

    def save_checkpoint(self, dataset, runs, epoch, blob):
        if epoch == self.interrupt_at:
            raise KeyboardInterrupt
        self.saved[self.key(runs)] = (epoch, blob)

    def drop_checkpoint(self, dataset, runs):
        self.dropped += 1
        self.saved.pop(self.key(runs), None)


@pytest.fixture(scope="module")
def moons():
    return reglab.load_dataset("moons", n_samples=150, noise=0.25, seed=0)


def _variants(specs: list[str]) -> list[Variant]:
    return [Variant.parse(spec).replace(hidden=(12, 6), epochs=EPOCHS) for spec in specs]


@pytest.mark.parametrize("specs", [SPECS, SPECS[::-1]], ids=["adam-group-interrupted", "sgd-group-interrupted"])
def test_a_resumed_group_ends_exactly_as_an_uninterrupted_one(moons, specs) -> None:
    """Two groups (Adam, SGD); the first one trained is interrupted after saving epoch 5."""
    straight = reglab.train(moons, _variants(specs), seeds=[0, 1], progress=False)

    storage = MemoryStorage(interrupt_at=6)
    with pytest.raises(KeyboardInterrupt):
        reglab.train(moons, _variants(specs), seeds=[0, 1], progress=False, checkpoints=storage, checkpoint_every=0)
    assert [epoch for epoch, _ in storage.saved.values()] == [5]  # the first group stopped before saving epoch 6
    first_run_saved = next(iter(storage.saved))[0]
    assert first_run_saved == (_variants(specs)[0].label, 0)  # the group of the first variant was the one interrupted

    resumed_after: list[int] = []
    storage.interrupt_at = None
    resumed = reglab.train(
        moons, _variants(specs), seeds=[0, 1], progress=False, checkpoints=storage, checkpoint_every=0,
        on_resume=resumed_after.append,
    )
    assert resumed_after == [5]
    assert storage.saved == {} and storage.dropped == 2  # two groups (Adam, SGD), both dropped once stored
    assert any(run.metrics["stopped_epoch"] < EPOCHS for run in straight)  # early stopping acted
    for a, b in zip(straight, resumed):
        assert a.history == b.history, a.name
        assert a.metrics == b.metrics, a.name
        for got, want in zip(b.members[0]["weights"], a.members[0]["weights"]):
            np.testing.assert_array_equal(got, want)


def _group(moons, specs: list[str]) -> Group:
    specs_ = [RunSpec(variant, 0, i) for i, variant in enumerate(_variants(specs))]
    (group,) = make_groups(specs_, moons.n_features, moons.n_outputs)
    return group


def test_the_training_state_round_trips_through_bytes(moons) -> None:
    import torch

    group = _group(moons, ["baseline", "early_stopping=2"])
    splits = {name: Split.of(getattr(moons, f"X_{name}"), getattr(moons, f"y_{name}"), moons.task) for name in ("train", "val")}
    state = start(group, build_pieces(group))
    setup = GroupSetup.of(group, splits, moons.task, state)
    for _ in range(3):
        end_epoch(state, setup, train_epoch(state, setup))
    back = start(group, build_pieces(group))
    back.load_state_dict(state_from_bytes(state_to_bytes(state.state_dict())))
    assert back.epoch == 3 and back.optimizer.t == state.optimizer.t > 0
    assert all(torch.equal(a, b) for a, b in zip(back.net.tensors(), state.net.tensors()))
    assert torch.allclose(back.history["val_loss"], state.history["val_loss"], rtol=0, atol=0, equal_nan=True)
    assert all(torch.equal(a.get_state(), b.get_state()) for a, b in zip(back.generators, state.generators))
    assert torch.equal(back.callbacks[0].best_epoch, state.callbacks[0].best_epoch)
    assert state_from_bytes(b"not a checkpoint") is None


def test_a_state_of_another_group_is_refused_whole(moons) -> None:
    group, other_group = _group(moons, ["baseline", "l1=1e-3"]), _group(moons, ["baseline", "early_stopping=2"])
    state, other = start(group, build_pieces(group)), start(other_group, build_pieces(other_group))
    with pytest.raises(StateMismatch):  # one callback saved, none here
        state.load_state_dict(other.state_dict())
    with pytest.raises(StateMismatch):
        state.load_state_dict({**state.state_dict(), "format": 1})


def test_the_store_keys_a_checkpoint_by_data_runs_and_order(tmp_path: Path, moons) -> None:
    runs = [(Variant.parse("baseline"), 0), (Variant.parse("l1=1e-3"), 0)]
    with RunStore.open(tmp_path) as store:
        store.save_checkpoint(moons, runs, 4, b"state")
        assert store.load_checkpoint(moons, runs) == b"state"
        assert store.load_checkpoint(moons, list(reversed(runs))) is None
        assert store.load_checkpoint(moons, [(runs[0][0], 1), runs[1]]) is None
        other = reglab.load_dataset("moons", n_samples=150, noise=0.3, seed=0)
        assert store.load_checkpoint(other, runs) is None
        assert store.checkpoint_epochs() == [4]
        store.drop_checkpoint(moons, runs)
        assert store.load_checkpoint(moons, runs) is None and store.checkpoint_epochs() == []


def test_the_checkpoint_is_only_written_when_due(moons) -> None:
    storage = MemoryStorage()
    checkpoint = GroupCheckpoint(storage, moons, [(Variant.parse("baseline"), 0)], every_s=3600)
    assert not checkpoint.due()
    assert GroupCheckpoint(storage, moons, [], every_s=0).due()


def test_an_interrupted_compare_resumes_its_unfinished_group(compared: Compared, tmp_path: Path, runner, monkeypatch) -> None:
    """Ctrl-C in the middle of the only group: the command names the saved epoch, the rerun goes on from it."""
    out = tmp_path / "out"
    args = [*[a for a in TINY_ARGS if a != "--quiet"], "--out", str(out)]
    real_save = RunStore.save_checkpoint

    def ctrl_c_at_epoch_4(self, dataset, runs, epoch, blob):
        if epoch == 4:
            raise KeyboardInterrupt
        real_save(self, dataset, runs, epoch, blob)

    monkeypatch.setattr(GroupCheckpoint, "due", lambda self: True)
    monkeypatch.setattr(RunStore, "save_checkpoint", ctrl_c_at_epoch_4)
    result = invoke(runner, args)
    assert result.exit_code == 130
    assert result.stderr.strip().splitlines()[-1] == (
        f"interrupted: 0 of 6 runs kept in {out} (unfinished runs saved at epoch 3); run the same command to resume")

    monkeypatch.setattr(RunStore, "save_checkpoint", real_save)
    result = invoke(runner, args)
    assert result.exit_code == 0, result.output
    assert "resuming: unfinished runs from their checkpoint at epoch 3" in result.stderr
    assert result.stdout.split("\n\n")[0] == compared.stdout.split("\n\n")[0]  # the same table as uninterrupted
    with sqlite3.connect(out / "runs.sqlite") as db:
        assert db.execute("SELECT COUNT(*) FROM checkpoints").fetchone()[0] == 0


def test_an_unreadable_checkpoint_means_starting_over(moons) -> None:
    variants = _variants(["baseline"])
    straight = reglab.train(moons, variants, seeds=[0], progress=False)
    storage = MemoryStorage()
    storage.saved[((variants[0].label, 0),)] = (5, b"not a checkpoint")
    resumed_after: list[int] = []
    with pytest.warns(ReglabWarning, match="the checkpoint of 1 unfinished runs cannot be read; they train again"):
        again = reglab.train(moons, variants, seeds=[0], progress=False, checkpoints=storage,
                             on_resume=resumed_after.append)
    assert resumed_after == [] and again[0].history == straight[0].history
    assert storage.saved == {} and storage.dropped == 2  # dropped when found unreadable, and with the stored run


def test_a_checkpoint_of_another_layout_is_dropped_with_a_warning(moons) -> None:
    variants = _variants(["baseline", "l1=1e-3"])
    straight = reglab.train(moons, variants, seeds=[0], progress=False)
    one = _group(moons, ["baseline"])  # a state of another shape
    storage = MemoryStorage()
    storage.saved[tuple((v.label, 0) for v in variants)] = (3, state_to_bytes(start(one, build_pieces(one)).state_dict()))
    with pytest.warns(ReglabWarning, match="does not fit these runs"):
        runs = reglab.train(moons, variants, seeds=[0], progress=False, checkpoints=storage, checkpoint_every=3600)
    assert [r.history for r in runs] == [r.history for r in straight] and storage.dropped == 2


def test_ctrl_c_after_an_unreadable_checkpoint_names_no_stale_epoch(tmp_path: Path, runner, monkeypatch) -> None:
    """The store's unreadable checkpoint (epoch 266) is dropped with a warning; Ctrl-C then claims no epoch."""
    out = tmp_path / "out"
    args = [*[a for a in TINY_ARGS if a != "--quiet"], "--out", str(out)]
    real_load = RunStore.load_checkpoint

    def garbage(self, dataset, runs):
        self.save_checkpoint(dataset, runs, 266, b"truncated")
        return real_load(self, dataset, runs)

    def ctrl_c(self, dataset, runs, epoch, blob):
        if epoch != 266:
            raise KeyboardInterrupt
        real_save(self, dataset, runs, epoch, blob)

    real_save = RunStore.save_checkpoint
    monkeypatch.setattr(RunStore, "load_checkpoint", garbage)
    monkeypatch.setattr(RunStore, "save_checkpoint", ctrl_c)
    monkeypatch.setattr(GroupCheckpoint, "due", lambda self: True)
    with pytest.warns(ReglabWarning, match="the checkpoint of 6 unfinished runs cannot be read; they train again"):
        result = invoke(runner, args)  # the console script prints it as one `warning:` line (test_console.py)
    assert result.exit_code == 130
    assert result.stderr.strip().splitlines()[-1] == (
        f"interrupted: 0 of 6 runs kept in {out}; run the same command to resume")
