"""Training one :class:`~reglab.engine.plan.Group`: all its models in one batched loop.

The loop is a few small steps over one :class:`~reglab.engine.state.TrainingState`
(:func:`start` makes it, or a checkpoint's state is loaded into it):

* :func:`begin_epoch`: pieces with an ``on_epoch_begin(epoch)`` hook hear which epoch starts;
* on the compiled fast path (:mod:`~reglab.engine.compiled`, when it covers
  the group): the whole epoch and its evaluation in one compiled call, with the
  same minibatch orders, perturbations and formulas as the two steps below;
* :func:`train_epoch`: every model draws its own minibatch order (from its
  ``order`` stream) and takes one :func:`train_step` per minibatch (forward
  with the regularizers' perturbations, data loss + penalties, gradients (by
  :mod:`~reglab.engine.backprop` when it covers the group, else autograd),
  ``before_update`` hooks, optimizer step, ``after_update`` hooks);
* :func:`end_epoch`: all runs are evaluated at once on the whole training and
  validation splits in evaluation mode, runs with a non-finite loss are marked
  diverged, the callbacks decide which runs stop and which weights to keep,
  and the history is recorded;
* :func:`finish`: restored runs get their kept weights back, and each run's outcome is read.

A stopped or diverged run gets learning rate 0 and frozen batch-norm
statistics, so it is left exactly as it was while the others go on.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import torch
from torch import Tensor

from reglab.engine import backprop
from reglab.engine.compiled import FastPath
from reglab.engine.checkpoint import GroupCheckpoint
from reglab.engine.convnet import StackedCNN
from reglab.engine.evaluation import Split, epoch_logs, final_metrics
from reglab.engine.network import Architecture, StackedMLP, running_momentum
from reglab.engine.objective import training_loss
from reglab.engine.optimizers import make_optimizer
from reglab.engine.outcome import RunOutcome, run_outcome, tracked_best_epochs
from reglab.engine.plan import Group, RunSpec
from reglab.engine.state import StateMismatch, TrainingState
from reglab.engine.streams import ModelStreams, epoch_orders, generator
from reglab.engine.view import EpochView
from reglab.pieces.interface import Pieces, Regularizer, acts_on_weights, perturbs, total_penalty, training_weights

EpochHook = Callable[[int], None]
CallbackFactory = Callable[[Sequence[RunSpec]], Any]
"""``make(runs)``: called once per group with its runs, returns a :class:`~reglab.callbacks.Callback` for them or ``None``."""
Observe = Callable[[EpochView], None]
"""``observe(view)``: called at the end of every epoch; it may block (a pause) or raise (a cancel)."""
DIVERGENCE_WATCH = ("train_loss", "val_loss", "weight_l2")
"""A run has diverged when any of these is NaN or infinite at the end of an epoch."""
def train_group(
    group: Group,
    splits: dict[str, Split],
    task: str,
    on_epoch: EpochHook | None = None,
    *,
    pieces: Pieces,
    resume: dict[str, Any] | None = None,
    on_resume: EpochHook | None = None,
    checkpoint: GroupCheckpoint | None = None,
    callbacks: Sequence[CallbackFactory] = (),
    observe: Observe | None = None,
) -> list[RunOutcome]:
    """Train every model of ``group``; return one outcome per run, in order.

    Args:
        on_epoch: called with each finished epoch (counted from 1).
        pieces: the regularizers and callbacks built for this group (by :mod:`reglab.api`).
        resume: a saved :meth:`TrainingState.state_dict` of this group to go on
            from (after its epoch); one that does not fit the group is ignored
            (and discarded from ``checkpoint``) and the group starts over.
        on_resume: called with the saved epoch when ``resume`` was taken.
        checkpoint: given the whole state at the end of each epoch when it is due.
        callbacks: factories called once with the group's runs; each callback
            they make (``None``: not for these runs) decides after every epoch,
            beside early stopping, which runs stop.
        observe: called at the end of every epoch with an :class:`EpochView`.
    """
    state = start(group, pieces, callbacks)
    if resume is not None:
        if _resumed(state, resume):
            if on_resume is not None:
                on_resume(state.epoch)
        elif checkpoint is not None:
            checkpoint.discard("does not fit these runs (written by another version of reglab?)")
    setup = GroupSetup.of(group, splits, task, state)
    while state.epoch < group.epochs and state.active.any():
        begin_epoch(state, state.epoch + 1)
        if setup.fast is not None:
            running, logs = setup.fast.epoch(state, epoch_rates(state, setup))
        else:
            running, logs = train_epoch(state, setup), None
        logs = end_epoch(state, setup, running, logs)
        if checkpoint is not None and checkpoint.due():
            checkpoint.save(state)
        if observe is not None:
            observe(EpochView(state, setup, logs))
        if on_epoch is not None:
            on_epoch(state.epoch)
    return finish(state, setup)


@dataclass(frozen=True)
class GroupSetup:
    """What stays fixed while a group trains: the data, the task, the learning rates, the gradient path, the fast path."""

    group: Group
    splits: dict[str, Split]
    task: str
    base_lr: Tensor
    """Each model's learning rate ``[K]``."""
    batch: int
    """Rows per minibatch."""
    manual: bool
    """Whether the hand-written backward pass (:mod:`~reglab.engine.backprop`) covers the network and the pieces."""
    perturbing: tuple
    """The pieces that change activations in training."""
    reweighing: tuple
    """The pieces that change the weights of the training forward pass."""
    fast: FastPath | None = None
    """The compiled fast path, when it covers the group (else ``None``: :func:`train_epoch` and :func:`end_epoch`'s evaluation)."""

    @classmethod
    def of(cls, group: Group, splits: dict[str, Split], task: str, state: TrainingState) -> GroupSetup:
        n = splits["train"].X.shape[0]
        batch = n if group.batch_size == "full" else min(int(group.batch_size), n)
        momentum = torch.tensor([v.momentum for v in group.model_variants])
        return cls(
            group, splits, task,
            base_lr=torch.tensor([v.lr for v in group.model_variants]),
            batch=batch,
            manual=backprop.supports(state.net, state.pieces),
            perturbing=tuple(piece for piece in state.pieces if perturbs(piece)),
            reweighing=tuple(piece for piece in state.pieces if acts_on_weights(piece)),
            fast=FastPath.of(state, splits, task, batch, group.slots, group.members, momentum) if n else None,
        )


def start(group: Group, pieces: Pieces, callbacks: Sequence[CallbackFactory] = ()) -> TrainingState:
    """The state of ``group`` before its first epoch: initial weights, fresh streams, every run active.

    The callbacks are those of ``pieces`` (early stopping) and those the
    ``callbacks`` factories make for the group's runs, each reset by ``on_train_begin``.
    """
    runs, slots = len(group.runs), group.slots
    net = make_network(group.arch, slots, [v.init_scale for v in group.model_variants])
    params = net.parameters()
    for p in params:
        p.requires_grad_(True)
    made = (make(group.runs) for make in callbacks)
    group_callbacks = [*pieces.callbacks, *(c for c in made if c is not None)]
    for callback in group_callbacks:
        callback.on_train_begin()
    momentum = torch.tensor([v.momentum for v in group.model_variants])
    return TrainingState(
        net=net,
        optimizer=make_optimizer(group.optimizer, params, momentum),
        streams=ModelStreams(slots),
        order_streams={slot: generator(*slot, "order") for slot in dict.fromkeys(slots)},
        pieces=list(pieces.regularizers),
        callbacks=group_callbacks,
        snapshot=[t.detach().clone() for t in net.tensors()],
        active=torch.ones(runs, dtype=torch.bool),
        diverged=torch.zeros(runs, dtype=torch.bool),
        stopped_epoch=torch.full((runs,), group.epochs, dtype=torch.long),
    )


def _resumed(state: TrainingState, saved: dict[str, Any]) -> bool:
    """Load ``saved`` into ``state``; ``False`` (``state`` unchanged) when it does not fit this group."""
    try:
        state.load_state_dict(saved)
    except (StateMismatch, KeyError, TypeError, AttributeError):
        return False
    return True


def begin_epoch(state: TrainingState, epoch: int) -> None:
    """Tell the pieces that have an ``on_epoch_begin(epoch)`` hook (a strength schedule) which epoch starts."""
    for piece in state.pieces:
        hook = getattr(piece, "on_epoch_begin", None)
        if hook is not None:
            hook(epoch)


def train_epoch(state: TrainingState, setup: GroupSetup) -> Tensor:
    """One pass over the training split in minibatches; returns each run's mean minibatch loss ``[R]``.

    Every model draws its own minibatch order.  Stopped runs get learning
    rate 0 and batch-norm momentum 0, so their weights and statistics stay as they were.
    """
    group, net, train = setup.group, state.net, setup.splits["train"]
    lr = epoch_rates(state, setup)
    net.bn_momentum = running_momentum(state.active, group.members).view(-1, 1, 1)
    n = train.X.shape[0]
    order = epoch_orders(group.slots, state.order_streams, n)
    X_epoch, y_epoch = train.X[order], train.y[order]
    running = torch.zeros(net.n_models)
    for begin in range(0, n, setup.batch):
        xb, yb = X_epoch[:, begin : begin + setup.batch], y_epoch[:, begin : begin + setup.batch]
        running += train_step(state, setup, xb, yb, lr).detach() * xb.shape[1]
    return (running / n).view(len(group.runs), group.members).mean(1)


def epoch_rates(state: TrainingState, setup: GroupSetup) -> Tensor:
    """Each model's learning rate this epoch ``[K]``: its own while its run is active, 0 once it has stopped."""
    return setup.base_lr * state.active.repeat_interleave(setup.group.members)


def train_step(state: TrainingState, setup: GroupSetup, xb: Tensor, yb: Tensor, lr: Tensor) -> Tensor:
    """One minibatch: gradients of data loss + penalties, ``before_update`` hooks, optimizer step,
    ``after_update`` hooks.  Returns the data loss per model ``[K]``."""
    net, pieces, optimizer = state.net, state.pieces, state.optimizer
    if setup.manual:
        with torch.no_grad():
            grads = optimizer.grad_views
            data_loss = backprop.loss_and_grads(net, xb, yb, setup.task, pieces, grads, state.streams)
    else:
        data_loss, grads = _autograd_step(net, xb, yb, setup.task, pieces, _perturbation(setup.perturbing, state.streams),
                                          _reweighing(setup.reweighing, state.streams))
    with torch.no_grad():
        for piece in pieces:
            piece.before_update(net, lr)
        optimizer.step(grads, lr)
        steps = optimizer.step_sizes(lr)
        for piece in pieces:
            piece.after_update(net, steps)
    return data_loss


def end_epoch(
    state: TrainingState, setup: GroupSetup, running_loss: Tensor, logs: dict[str, Tensor] | None = None
) -> dict[str, Tensor]:
    """Evaluate every run, mark the diverged, let the callbacks stop runs and keep weights, record the history.

    ``logs``: the evaluation already made (by the fast path), else it is made here.
    Returns the epoch's per-run logs ``[R]`` by name.
    """
    group, members = setup.group, setup.group.members
    epoch = state.epoch + 1
    if logs is None:
        logs = epoch_logs(state.net, state.pieces, setup.splits, setup.task, members)
    logs["train_loss_running"] = running_loss
    finite = torch.stack([logs[key] for key in DIVERGENCE_WATCH]).isfinite().all(0)
    newly_diverged = state.active & ~finite
    state.diverged |= newly_diverged
    stop = newly_diverged.clone()
    keep = torch.zeros(len(group.runs), dtype=torch.bool)
    for callback in state.callbacks:
        decision = callback.on_epoch_end(epoch, logs)
        stop |= decision.stop & state.active
        keep |= decision.checkpoint & state.active
    keep |= stop & ~restoring(state.callbacks, len(group.runs)) & ~state.diverged  # frozen as they stop
    _copy_where(state.snapshot, state.net.tensors(), keep.repeat_interleave(members))
    for name, value in logs.items():
        if name not in state.history:
            state.history[name] = torch.full((group.epochs, len(group.runs)), math.nan)
        state.history[name][epoch - 1] = value
    state.stopped_epoch = torch.where(stop, torch.tensor(epoch), state.stopped_epoch)
    state.active &= ~stop
    state.epoch = epoch
    return logs


def finish(state: TrainingState, setup: GroupSetup) -> list[RunOutcome]:
    """Put back the kept weights of restored and of stopped runs (not diverged ones); one outcome per run.

    A stopped run's weights are those of the epoch it stopped at (or of the epoch its callback kept),
    bit for bit, even where a piece (a norm constraint) would have moved them while the others trained on.
    """
    members = setup.group.members
    restore = (restoring(state.callbacks, len(setup.group.runs)) | ~state.active) & ~state.diverged
    with torch.no_grad():
        _copy_where(state.net.tensors(), state.snapshot, restore.repeat_interleave(members))
    if setup.fast is not None:
        final = setup.fast.final_logs(state)
    else:
        final = final_metrics(state.net, state.pieces, setup.splits, setup.task, members)
    best = tracked_best_epochs(state.callbacks, len(setup.group.runs))
    return [
        run_outcome(r, state.history, final, state.stopped_epoch, state.diverged, int(best[r]), state.net, members)
        for r in range(len(setup.group.runs))
    ]


def restoring(callbacks: Sequence[Any], runs: int) -> Tensor:
    """``[R]``: the runs whose callbacks put their kept weights back at the end."""
    restore = torch.zeros(runs, dtype=torch.bool)
    for callback in callbacks:
        restore |= callback.restore
    return restore


def _reweighing(pieces: Sequence[Regularizer], streams: ModelStreams) -> Callable[[list[Tensor]], list[Tensor]] | None:
    """``reweigh(weights)``: the weights every weight-side piece gives the training forward pass, or ``None``."""
    if not pieces:
        return None
    return lambda weights: training_weights(pieces, weights, streams)


def _perturbation(pieces: Sequence, streams: ModelStreams) -> Callable[[Tensor, str], Tensor]:
    """``perturb(h, position)``: every perturbing piece applied in turn (for the autograd path)."""

    def perturb(h: Tensor, position: str) -> Tensor:
        for piece in pieces:
            h = piece.perturb(h, position, streams)
        return h

    return perturb


def _autograd_step(
    net: StackedMLP | StackedCNN,
    xb: Tensor,
    yb: Tensor,
    task: str,
    regularizers: list[Regularizer],
    perturb: Callable[[Tensor, str], Tensor],
    reweigh: Callable[[list[Tensor]], list[Tensor]] | None,
) -> tuple[Tensor, list[Tensor]]:
    """Data loss per model ``[K]`` and the gradients of (data loss + penalties) by autograd."""
    data_loss = training_loss(net.forward(xb, training=True, perturb=perturb, reweigh=reweigh), yb, task)
    objective = data_loss + total_penalty(net, regularizers)
    # materialized zeros for what no term uses (the biases that batch norm cancels, when not penalized)
    return data_loss, list(torch.autograd.grad(objective.sum(), net.parameters(), allow_unused=True,
                                               materialize_grads=True))


def make_network(
    arch: Architecture, slots: list[tuple[int, int]], init_scales: list[float] | None = None
) -> StackedMLP | StackedCNN:
    """A :class:`StackedCNN` when the architecture has convolution blocks, else a :class:`StackedMLP`."""
    return StackedCNN(arch, slots, init_scales) if arch.conv else StackedMLP(arch, slots, init_scales)


def _copy_where(target: list[Tensor], source: list[Tensor], mask: Tensor) -> None:
    """``target[k] <- source[k]`` for every model ``k`` where ``mask[k]``."""
    if not mask.any():
        return
    with torch.no_grad():
        for t, s in zip(target, source):
            t[mask] = s[mask].detach()
