"""Early stopping's best epoch has one source: the callback's, read by metrics, verdicts, the table and the figures.

The scripted case: with ``early_stopping=3,min_delta=0.05`` on validation
losses 1.0, 0.97, 0.96, 0.95, no epoch after the first improves by more than
0.05, so the callback keeps epoch 1's weights and stops after epoch 4; epoch 1
is the best epoch everywhere (the lowest loss, at epoch 4, is not).
"""

from __future__ import annotations

import pytest
import torch

import reglab
from reglab.analysis import diagnose_all, summarize, table_rows
from reglab.callbacks import EarlyStopping
from reglab.engine import trainer
from reglab.figures.curves import _marked_epoch
from reglab.variant import Variant

SCRIPT = [1.0, 0.97, 0.96, 0.95]
TRAIN = [0.9, 0.8, 0.7, 0.6]
SCRIPTED = "ES:early_stopping=3,min_delta=0.05"


def test_early_stopping_on_a_scripted_loss_list_keeps_epoch_1() -> None:
    callback = EarlyStopping.build([Variant.parse(SCRIPTED), Variant.parse("baseline")])
    callback.on_train_begin()
    decisions = [callback.on_epoch_end(e, {"val_loss": torch.tensor([v, v])}) for e, v in enumerate(SCRIPT, 1)]
    assert [bool(d.stop[0]) for d in decisions] == [False, False, False, True]  # wait reaches 3 at epoch 4
    assert [bool(d.checkpoint[0]) for d in decisions] == [True, False, False, False]  # only epoch 1's weights kept
    assert callback.best_epoch.tolist() == [1, 0]  # the run without early stopping is not tracked
    assert not any(bool(d.stop[1]) or bool(d.checkpoint[1]) for d in decisions)


@pytest.fixture()
def scripted_runs(monkeypatch) -> list[reglab.Run]:
    """``reglab.train`` with no training: every epoch's logs are the script's, for an early-stopped and a plain run.

    The script replaces the current path's steps, so the compiled fast path is turned off.
    """
    monkeypatch.setenv("REGLAB_FAST", "0")
    monkeypatch.setattr(trainer, "train_epoch", lambda state, setup: torch.zeros(len(setup.group.runs)))
    real_logs = trainer.epoch_logs
    epochs = iter(range(len(SCRIPT) * 2))

    def scripted_logs(net, pieces, splits, task, members):
        logs = real_logs(net, pieces, splits, task, members)
        epoch = next(epochs)
        logs["val_loss"] = torch.full_like(logs["val_loss"], SCRIPT[epoch % len(SCRIPT)])
        logs["train_loss"] = torch.full_like(logs["train_loss"], TRAIN[epoch % len(SCRIPT)])
        return logs

    monkeypatch.setattr(trainer, "epoch_logs", scripted_logs)
    ds = reglab.load_dataset("moons", n_samples=100, seed=0)
    variants = [Variant.parse(f"{SCRIPTED},hidden=4,epochs=10"), Variant.parse("plain:hidden=4,epochs=4")]
    return reglab.train(ds, variants, seeds=[0], progress=False)


def test_metrics_verdict_table_and_figure_all_read_epoch_1(scripted_runs) -> None:
    stopped, plain = scripted_runs
    assert stopped.history["val_loss"] == pytest.approx(SCRIPT)
    assert stopped.metrics["stopped_epoch"] == 4.0
    assert stopped.metrics["best_epoch"] == 1.0
    assert stopped.metrics["best_val_loss"] == 1.0  # the validation loss of the best epoch
    assert plain.metrics["best_epoch"] == 4.0  # without early stopping: the lowest validation loss

    verdicts = {v.label: v for v in diagnose_all(scripted_runs)}
    assert verdicts["ES"].evidence["kept_epoch"] == 1.0
    assert "restored the weights of epoch 1" in verdicts["ES"].summary
    assert verdicts["plain"].evidence["kept_epoch"] == 4.0

    header, es_row, plain_row = table_rows(summarize(scripted_runs), "binary")
    column = header.index("best epoch")
    assert (es_row[column], plain_row[column]) == ("1", "4")

    assert _marked_epoch([stopped], torch.tensor(SCRIPT).numpy()) == 0  # the curves figure marks epoch 1
    assert _marked_epoch([plain], torch.tensor(SCRIPT).numpy()) == 3


def test_the_verdict_names_the_restored_epoch(scripted_runs) -> None:
    summary = {v.label: v for v in diagnose_all(scripted_runs)}["ES"].summary
    assert "Early stopping ended training at epoch 4 of 10 and restored the weights of epoch 1" in summary
