"""Strength schedules (``l2=0@1,1e-3@6``) and ``stop_epoch``: the short form, and what training does with them.

The reference for a schedule is a run that trains with the first value, is
stopped after the step's previous epoch, and goes on from its saved state
with the second value as a plain constant: the schedule must give exactly
those numbers (the Scheduled piece against the plain one).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import reglab
from reglab.engine.checkpoint import state_from_bytes, state_to_bytes
from reglab.errors import ReglabError
from reglab.explore.restart import Resume, fitted
from reglab.schedule import Schedule
from reglab.variant import Variant

EPOCHS = 10


@pytest.fixture(scope="module")
def ds():
    return reglab.load_dataset("moons", n_samples=160, noise=0.3)


def test_short_form_round_trip_and_normalization() -> None:
    v = Variant.parse("warm:l2=0@1,1e-3@51,dropout=0.1")
    assert v.l2 == Schedule(((1, 0.0), (51, 1e-3)))
    assert v.short_form() == "dropout=0.1,l2=0@1,0.001@51"
    assert (v.at_epoch(50).l2, v.at_epoch(51).l2, v.at_epoch(500).l2) == (0.0, 1e-3, 1e-3)
    assert Variant.from_dict(v.to_dict()) == v
    assert Variant.parse("l2=1e-3@51") == Variant.parse("l2=0@1,1e-3@51")  # the default before the first step
    assert Variant.parse("l2=1e-3@1") == Variant.parse("l2=1e-3")  # one step is the constant
    assert Variant.parse("l2=1e-3@1,1e-3@9") == Variant.parse("l2=1e-3")
    assert Variant.parse("l1=1e-3/0/0@1,0@5").at_epoch(1).l1 == (1e-3, 0.0, 0.0)
    assert Variant.parse("max_norm=2@10").at_epoch(9).max_norm is None


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("hidden=16@3", "Variant key `hidden` cannot change during training"),
        ("l2=1e-3@0", "epochs >= 1 in increasing order"),
        ("l2=1@5,2@3", "epochs >= 1 in increasing order"),
        ("l2=-1@5", "Invalid value for variant key `l2`"),
        ("l2=1@x", "Received epoch 'x'"),
        ("l1=1e-3/0@3", "has 2 per-layer values but this network has 3 weight matrices"),
        ("stop_epoch=0", "Invalid value for variant key `stop_epoch`"),
    ],
)
def test_bad_schedules_are_refused(spec: str, message: str) -> None:
    with pytest.raises(ReglabError, match=None) as error:
        Variant.parse(spec)
    assert message in str(error.value)


def _switched(ds, first: str, then: str, at: int) -> reglab.Run:
    """Train ``first`` until epoch ``at - 1``, then go on from its saved state with ``then`` (a constant)."""
    saved: dict = {}

    def observe(view) -> None:
        if view.epoch == at - 1:
            saved["state"] = state_from_bytes(view.saved_state())
            raise StopIteration

    with pytest.raises(StopIteration):
        reglab.train(ds, [first], seeds=[0], observe=observe, progress=False)
    state = fitted(saved["state"], [Variant.parse(first)], [Variant.parse(then)], [0])
    resumed = reglab.train(ds, [then], seeds=[0], checkpoints=Resume(state_to_bytes(state)), checkpoint_every=math.inf, progress=False)
    return resumed[0]


@pytest.mark.parametrize(
    ("schedule", "first", "then"),
    [
        ("l2=0@1,1e-2@6", "epochs=10", "l2=1e-2,epochs=10"),
        ("l1=1e-3@1,0@4", "l1=1e-3,epochs=10", "epochs=10"),
        ("dropout=0.4@1,0.1@5", "dropout=0.4,epochs=10", "dropout=0.1,epochs=10"),
        ("weight_decay=0@1,0.1@3", "epochs=10", "weight_decay=0.1,epochs=10"),
        ("max_norm=none@1,0.5@7", "epochs=10", "max_norm=0.5,epochs=10"),
    ],
)
def test_a_schedule_equals_switching_by_hand(ds, schedule: str, first: str, then: str) -> None:
    at = int(schedule.rsplit("@", 1)[1])
    scheduled = reglab.train(ds, [f"{schedule},epochs={EPOCHS}"], seeds=[0], progress=False)[0]
    plain = reglab.train(ds, [first], seeds=[0], progress=False)[0]
    by_hand = _switched(ds, first, then, at)
    for key in ("train_loss", "val_loss", "weight_l2"):
        assert scheduled.history[key][: at - 1] == plain.history[key][: at - 1], key  # before the step: the first value
        assert scheduled.history[key] == by_hand.history[key], key  # after it: the second, to the bit
    assert scheduled.history["val_loss"][at - 1 :] != plain.history["val_loss"][at - 1 :]


def test_a_schedule_next_to_other_variants_leaves_them_alone(ds) -> None:
    alone = reglab.train(ds, ["l1=1e-3,epochs=10"], seeds=[0, 1], progress=False)
    together = reglab.train(ds, ["l1=1e-3,epochs=10", "l2=0@1,1e-2@4,epochs=10"], seeds=[0, 1], progress=False)
    for a, b in zip(alone, together[:2]):
        np.testing.assert_allclose(a.history["val_loss"], b.history["val_loss"], rtol=1e-6)


def test_stop_epoch_stops_and_keeps_the_last_weights(ds) -> None:
    stopped, going = reglab.train(ds, ["stop_epoch=4,epochs=10", "epochs=10"], seeds=[0], progress=False)
    assert stopped.metrics["stopped_epoch"] == 4 and len(stopped.history["val_loss"]) == 4
    assert going.metrics["stopped_epoch"] == 10
    four = reglab.train(ds, ["epochs=4"], seeds=[0], progress=False)[0]
    assert stopped.history["val_loss"] == pytest.approx(four.history["val_loss"], rel=1e-6)
    assert stopped.metrics["val_loss"] == pytest.approx(four.metrics["val_loss"], rel=1e-6)


def test_sweep_takes_a_scheduled_base(ds) -> None:
    result = reglab.sweep(ds, "l2", "0,1e-3", base="dropout=0@1,0.2@3,hidden=8", seeds=1, epochs=6, progress=False, log=None)
    assert [point.label for point in result.points] == ["l2=0", "l2=0.001"]
    assert all(run.variant.dropout == Schedule(((1, 0.0), (3, 0.2))) for run in result.runs)
