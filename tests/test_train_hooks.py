"""The extension points of ``reglab.train``: callback factories, ``observe``, and the pieces' own state and epoch hook."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
import torch

import reglab
import reglab.api
from reglab.callbacks import Callback, Decision
from reglab.engine.view import EpochView
from reglab.errors import ReglabWarning
from reglab.regularizers import build_regularizers
from reglab.pieces.interface import Regularizer
from test_checkpoint import MemoryStorage

VARIANTS = ["hidden=8,epochs=6", "hidden=8,epochs=6,l1=1e-3", "hidden=4,epochs=6"]
"""Two groups: hidden=8 (2 variants) and hidden=4."""


@pytest.fixture(scope="module")
def moons():
    return reglab.load_dataset("moons", n_samples=120, noise=0.25, seed=0)


class StopByHand(Callback):
    """Stops run ``index`` at the end of epoch ``at[index]`` (a user's "stop" button, or a pruner)."""

    def __init__(self, runs, at: dict[int, int]) -> None:
        super().__init__(len(runs))
        self.at = torch.tensor([at.get(spec.index, 0) for spec in runs])

    def on_epoch_end(self, epoch, logs):
        return Decision(stop=self.at == epoch, checkpoint=torch.zeros(self.runs, dtype=torch.bool))


def stop_by_hand(**at: int):
    """A factory stopping run ``r<i>`` at the given epoch: ``stop_by_hand(r1=3)``."""
    epochs = {int(name[1:]): epoch for name, epoch in at.items()}
    return lambda runs: StopByHand(runs, epochs)


def test_a_callback_stops_a_run_which_then_keeps_its_weights(moons) -> None:
    stopped = reglab.train(moons, VARIANTS, seeds=[0, 1], progress=False, callbacks=[stop_by_hand(r1=3)])
    three_epochs = reglab.train(moons, [v.replace("epochs=6", "epochs=3") for v in VARIANTS], seeds=[0, 1], progress=False)
    run = stopped[1]
    assert run.metrics["stopped_epoch"] == 3 and len(run.history["val_loss"]) == 3
    assert run.history == three_epochs[1].history  # the same three epochs, then frozen
    for got, want in zip(run.members[0]["weights"], three_epochs[1].members[0]["weights"]):
        np.testing.assert_array_equal(got, want)
    assert all(r.metrics["stopped_epoch"] == 6 for i, r in enumerate(stopped) if i != 1)


def test_factories_are_called_once_per_group_with_its_runs(moons) -> None:
    calls: list[list[tuple[str, int, int]]] = []

    def make(runs):
        calls.append([(spec.variant.label, spec.seed, spec.index) for spec in runs])
        return None  # no callback for these runs: training is untouched

    runs = reglab.train(moons, VARIANTS, seeds=[0, 1], progress=False, callbacks=[make])
    labels = [run.name for run in runs[::2]]
    assert calls == [
        [(labels[0], 0, 0), (labels[0], 1, 1), (labels[1], 0, 2), (labels[1], 1, 3)],
        [(labels[2], 0, 4), (labels[2], 1, 5)],
    ]
    plain = reglab.train(moons, VARIANTS, seeds=[0, 1], progress=False)
    assert [r.history for r in runs] == [r.history for r in plain]


def test_callbacks_run_with_an_executor(moons) -> None:
    here = reglab.train(moons, VARIANTS, seeds=[0], progress=False, callbacks=[stop_by_hand(r0=2)])
    with ThreadPoolExecutor(2) as pool:
        spread = reglab.train(moons, VARIANTS, seeds=[0], progress=False, callbacks=[stop_by_hand(r0=2)], executor=pool)
    assert [r.history for r in spread] == [r.history for r in here]
    assert spread[0].metrics["stopped_epoch"] == 2


class StopAfterCounting(Callback):
    """Stops every run once it has counted ``limit`` epochs; the count is its state (checkpointed)."""

    def __init__(self, runs, limit: int) -> None:
        super().__init__(len(runs))
        self.limit = limit
        self.count = torch.zeros(len(runs), dtype=torch.long)

    def on_epoch_end(self, epoch, logs):
        self.count += 1
        return Decision(stop=self.count >= self.limit, checkpoint=torch.zeros(self.runs, dtype=torch.bool))

    def state_dict(self):
        return {**super().state_dict(), "count": self.count}

    def load_state_dict(self, state):
        super().load_state_dict(state)
        self.count = state["count"].clone()


def test_a_callbacks_state_is_checkpointed_and_resumed(moons) -> None:
    factory = [lambda runs: StopAfterCounting(runs, limit=5)]
    straight = reglab.train(moons, VARIANTS[:1], seeds=[0], progress=False, callbacks=factory)
    storage = MemoryStorage(interrupt_at=4)
    with pytest.raises(KeyboardInterrupt):
        reglab.train(moons, VARIANTS[:1], seeds=[0], progress=False, callbacks=factory, checkpoints=storage,
                     checkpoint_every=0)
    storage.interrupt_at = None
    resumed_after: list[int] = []
    resumed = reglab.train(moons, VARIANTS[:1], seeds=[0], progress=False, callbacks=factory, checkpoints=storage,
                           checkpoint_every=0, on_resume=resumed_after.append)
    assert resumed_after == [3]
    assert resumed[0].metrics["stopped_epoch"] == straight[0].metrics["stopped_epoch"] == 5  # counted 3 + 2, not 3 + 5
    assert resumed[0].history == straight[0].history


def test_a_checkpoint_saved_with_other_callbacks_means_starting_over(moons) -> None:
    storage = MemoryStorage(interrupt_at=4)
    with pytest.raises(KeyboardInterrupt):
        reglab.train(moons, VARIANTS[:1], seeds=[0], progress=False, checkpoints=storage, checkpoint_every=0,
                     callbacks=[lambda runs: StopAfterCounting(runs, limit=5)])
    storage.interrupt_at = None
    resumed_after: list[int] = []
    with pytest.warns(ReglabWarning, match="does not fit these runs"):
        again = reglab.train(moons, VARIANTS[:1], seeds=[0], progress=False, checkpoints=storage,
                             on_resume=resumed_after.append)
    assert resumed_after == [] and storage.saved == {}  # dropped when found unfit
    assert again[0].history == reglab.train(moons, VARIANTS[:1], seeds=[0], progress=False)[0].history


@pytest.mark.parametrize("bad", [lambda runs: None, 3, "make", [print, 3]], ids=["a-factory-not-in-a-list", "int", "str", "item"])
def test_bad_callbacks_are_refused(moons, bad) -> None:
    with pytest.raises(reglab.ReglabError, match="Argument `callbacks` must be a sequence of factories"):
        reglab.train(moons, VARIANTS[:1], progress=False, callbacks=bad)


# -- observe ----------------------------------------------------------------------------
def test_observe_sees_every_epoch_of_every_group(moons) -> None:
    views: list[tuple[int, tuple[int, ...], dict, list[bool], torch.Tensor, torch.Tensor]] = []

    def observe(view: EpochView) -> None:
        views.append((view.epoch, view.runs, view.logs, view.active.tolist(), view.predict(moons.X_val),
                      view.first_layer_weights()))

    runs = reglab.train(moons, VARIANTS, seeds=[0, 1], progress=False, observe=observe, callbacks=[stop_by_hand(r1=3)])
    assert [(epoch, group) for epoch, group, *_ in views] == [(e, (0, 1, 2, 3)) for e in range(1, 7)] + [
        (e, (4, 5)) for e in range(1, 7)]
    assert views[2][3] == [True, False, True, True] and views[1][3] == [True] * 4  # run 1 stopped after epoch 3
    for epoch, group, logs, _, probabilities, weights in views:
        for r, index in enumerate(group):
            history = runs[index].history
            if epoch <= len(history["val_loss"]):
                assert logs["val_loss"][r].item() == history["val_loss"][epoch - 1]
        assert probabilities.shape == (len(group), len(moons.y_val), 1)
        assert weights.shape == (len(group), 1, 2, 8 if group[0] == 0 else 4)
    last = views[5]  # epoch 6 of the first group: the final weights (no run restores)
    for r, index in enumerate(last[1]):
        np.testing.assert_allclose(last[4][r].numpy(), runs[index].predict_proba(moons.X_val), rtol=1e-5, atol=1e-6)
        np.testing.assert_array_equal(last[5][r, 0].numpy(), runs[index].members[0]["weights"][0])


def test_observing_changes_no_number(moons) -> None:
    def look(view: EpochView) -> None:
        view.predict(moons.X_train)
        view.first_layer_weights()

    ensemble = ["hidden=8,epochs=4,ensemble=2,dropout=0.2", "hidden=8,epochs=4,ensemble=2,batchnorm=true"]
    watched = reglab.train(moons, ensemble, seeds=[0], progress=False, observe=look)
    plain = reglab.train(moons, ensemble, seeds=[0], progress=False)
    assert [(r.history, r.metrics) for r in watched] == [(r.history, r.metrics) for r in plain]


def test_observe_predicts_ensembles_averaged_and_multiclass_probabilities() -> None:
    iris = reglab.load_dataset("iris", seed=0)
    seen: list[torch.Tensor] = []
    runs = reglab.train(iris, ["hidden=8,epochs=2,ensemble=3"], seeds=[0], progress=False,
                        observe=lambda view: seen.append(view.predict(iris.X_val)))
    assert seen[-1].shape == (1, len(iris.y_val), 3)
    np.testing.assert_allclose(seen[-1][0].numpy(), runs[0].predict_proba(iris.X_val), rtol=1e-5, atol=1e-6)


def test_observe_may_block_to_pause_and_raise_to_cancel(moons) -> None:
    resume, reached = threading.Event(), threading.Event()
    epochs: list[int] = []

    def observe(view: EpochView) -> None:
        epochs.append(view.epoch)
        if view.epoch == 2:
            reached.set()
            resume.wait(10)
        if view.epoch == 4:
            raise RuntimeError("cancelled by the user")

    errors: list[BaseException] = []

    def run() -> None:
        try:
            reglab.train(moons, VARIANTS[:1], seeds=[0], progress=False, observe=observe)
        except RuntimeError as error:
            errors.append(error)

    worker = threading.Thread(target=run)
    worker.start()
    assert reached.wait(10)
    worker.join(0.3)
    assert worker.is_alive() and epochs == [1, 2]  # paused: no epoch trained while observe blocks
    resume.set()
    worker.join(10)
    assert epochs == [1, 2, 3, 4] and str(errors[0]) == "cancelled by the user"


def test_observe_is_refused_with_an_executor(moons) -> None:
    with ThreadPoolExecutor(1) as pool, pytest.raises(reglab.ReglabError, match="`observe` and `executor` cannot be combined"):
        reglab.train(moons, VARIANTS[:1], progress=False, executor=pool, observe=print)


# -- pieces: their state in checkpoints, their epoch hook -------------------------------------
class ShrinkEveryEpoch(Regularizer):
    """A stateful piece: after each step, weights shrink by ``0.999 ** epochs_begun`` (its state: the count)."""

    began: list[int] = []

    @classmethod
    def build(cls, variants):
        return cls() if any(v.l2 == 0.5 for v in variants) else None

    def __init__(self) -> None:
        self.epochs = torch.zeros((), dtype=torch.long)

    def on_epoch_begin(self, epoch: int) -> None:
        ShrinkEveryEpoch.began.append(epoch)
        self.epochs += 1

    def after_update(self, net, steps) -> None:
        for w in net.weights:
            w.mul_(0.999 ** int(self.epochs))

    def state_dict(self):
        return {"epochs": self.epochs}

    def load_state_dict(self, state) -> None:
        self.epochs = state["epochs"].clone()


@pytest.fixture()
def with_stateful_piece(monkeypatch):
    ShrinkEveryEpoch.began = []
    monkeypatch.setattr(reglab.api, "build_regularizers", lambda variants: [*build_regularizers(variants), *(
        piece for piece in [ShrinkEveryEpoch.build(variants)] if piece is not None)])


def test_a_pieces_state_is_checkpointed_and_its_epoch_hook_called(moons, with_stateful_piece) -> None:
    variants = ["hidden=8,epochs=6,l2=0.5"]
    straight = reglab.train(moons, variants, seeds=[0], progress=False)
    assert ShrinkEveryEpoch.began == [1, 2, 3, 4, 5, 6]
    storage = MemoryStorage(interrupt_at=4)
    with pytest.raises(KeyboardInterrupt):
        reglab.train(moons, variants, seeds=[0], progress=False, checkpoints=storage, checkpoint_every=0)
    ShrinkEveryEpoch.began = []
    storage.interrupt_at = None
    resumed = reglab.train(moons, variants, seeds=[0], progress=False, checkpoints=storage, checkpoint_every=0)
    assert ShrinkEveryEpoch.began == [4, 5, 6]  # the saved epoch was 3
    assert resumed[0].history == straight[0].history  # the count came back with the checkpoint


@pytest.mark.parametrize("spec", ["unit_norm=true", "max_norm=0.3", "early_stopping=2,restore_best=false,max_norm=0.3"])
def test_a_stopped_run_keeps_its_weights_bit_for_bit_under_a_projection(moons, spec) -> None:
    """Projections run after every step, stopped or not; the stopped run still ends with its stop epoch's weights."""
    variants = [f"hidden=8,epochs=12,{spec}", "hidden=8,epochs=12"]
    runs = reglab.train(moons, variants, seeds=[0], progress=False, callbacks=[stop_by_hand(r0=3)])
    stop = int(runs[0].metrics["stopped_epoch"])
    assert stop <= 3
    shorter = reglab.train(moons, [v.replace("epochs=12", f"epochs={stop}") for v in variants], seeds=[0], progress=False)
    for got, want in zip(runs[0].members[0]["weights"], shorter[0].members[0]["weights"]):
        np.testing.assert_array_equal(got, want)
    assert runs[0].metrics == {**shorter[0].metrics, "stopped_epoch": float(stop)}
