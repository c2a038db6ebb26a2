"""Training one :class:`~reglab.engine.plan.Group`: all its models in one batched loop.

Per epoch: every model draws its own minibatch order (from its ``order``
stream), takes one step per minibatch (forward with the regularizers'
perturbations, data loss + penalties, gradients (by :mod:`~reglab.engine.backprop`
when it covers the group, else autograd), ``before_update`` hooks,
optimizer step, ``after_update`` hooks), then all runs are evaluated at once
on the whole training and validation splits in evaluation mode (one
forward, in chunks of rows).  The
callbacks decide which runs stop; a stopped or diverged run gets learning rate
0 and frozen batch-norm statistics, so it is left exactly as it was while the
others go on.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import torch
from torch import Tensor

from reglab.engine import backprop
from reglab.engine.checkpoint import GroupCheckpoint, GroupState
from reglab.engine.convnet import StackedCNN
from reglab.engine.network import BN_MOMENTUM, Architecture, StackedMLP
from reglab.engine.objective import evaluate, training_loss
from reglab.engine.optimizers import BatchedAdam, BatchedSGD, make_optimizer
from reglab.engine.plan import Group
from reglab.engine.streams import ModelStreams, epoch_orders, generator
from reglab.engine.weight_stats import weight_stats
from reglab.pieces.interface import Pieces, Regularizer, acts_on_weights, perturbs, total_penalty, training_weights

EpochHook = Callable[[int], None]
DIVERGENCE_WATCH = ("train_loss", "val_loss", "weight_l2")
"""A run has diverged when any of these is NaN or infinite at the end of an epoch."""
EVAL_CHUNK = 1 << 20
"""Evaluation forwards at most about this many activations (models × rows × widest layer) at once:
the intermediate results stay in cache, and memory does not grow with the size of the data set."""


@dataclass
class Split:
    """One split as tensors: inputs ``[N, d]`` and targets ``[N]``."""

    X: Tensor
    y: Tensor

    @classmethod
    def of(cls, X: np.ndarray, y: np.ndarray, task: str) -> Split:
        target = torch.as_tensor(y, dtype=torch.long if task != "regression" else torch.float32)
        if task == "binary":
            target = target.float()
        return cls(torch.as_tensor(X, dtype=torch.float32), target)


@dataclass
class RunOutcome:
    """What training gives for one run, before it becomes a :class:`reglab.Run`."""

    history: dict[str, list[float]]
    metrics: dict[str, float]
    members: list[dict[str, list[np.ndarray]]] = field(repr=False)


def train_group(
    group: Group,
    splits: dict[str, Split],
    task: str,
    on_epoch: EpochHook | None = None,
    *,
    resume: GroupState | None = None,
    checkpoint: GroupCheckpoint | None = None,
    pieces: Pieces,
) -> list[RunOutcome]:
    """Train every model of ``group``; return one outcome per run, in order.

    ``pieces`` are the regularizers and callbacks built for this group (by :mod:`reglab.api`);
    ``resume`` goes on from a saved state of this group (after its epoch);
    ``checkpoint`` is given the state at the end of each epoch when it is due.
    """
    runs, members = len(group.runs), group.members
    slots = group.slots
    net = make_network(group.arch, slots, [v.init_scale for v in group.model_variants])
    params = net.parameters()
    for p in params:
        p.requires_grad_(True)
    regularizers, callbacks = pieces.regularizers, pieces.callbacks
    for callback in callbacks:
        callback.on_train_begin()
    streams = ModelStreams(slots)
    order_streams = {slot: generator(*slot, "order") for slot in dict.fromkeys(slots)}
    momentum = torch.tensor([v.momentum for v in group.model_variants])
    optimizer = make_optimizer(group.optimizer, params, momentum)
    base_lr = torch.tensor([v.lr for v in group.model_variants])
    manual = backprop.supports(net, regularizers)

    train = splits["train"]
    n = train.X.shape[0]
    batch = n if group.batch_size == "full" else min(int(group.batch_size), n)
    active = torch.ones(runs, dtype=torch.bool)
    diverged = torch.zeros(runs, dtype=torch.bool)
    stopped_epoch = torch.full((runs,), group.epochs, dtype=torch.long)
    # [epochs, runs] per figure, allocated at the first epoch: small tensors kept from every epoch
    # would pin the heap between the steps' large temporaries and make it grow by ~1 MB per epoch.
    history: dict[str, Tensor] = {}
    snapshot = [t.detach().clone() for t in net.tensors()]

    perturbing = [piece for piece in regularizers if perturbs(piece)]
    reweighing = [piece for piece in regularizers if acts_on_weights(piece)]
    generators = [*streams.generators, *order_streams.values()]
    first_epoch = 1
    if resume is not None:
        active, diverged, stopped_epoch, history = _restore(resume, net, snapshot, optimizer, generators, callbacks)
        first_epoch = resume.epoch + 1 if active.any() else group.epochs + 1  # all stopped: nothing left to train

    def perturb(h: Tensor, position: str) -> Tensor:
        for piece in perturbing:
            h = piece.perturb(h, position, streams)
        return h

    def reweigh(weights: list[Tensor]) -> list[Tensor]:
        return training_weights(reweighing, weights, streams)

    for epoch in range(first_epoch, group.epochs + 1):
        model_active = active.repeat_interleave(members)
        lr = base_lr * model_active
        net.bn_momentum = (BN_MOMENTUM * model_active.float()).view(-1, 1, 1)
        order = epoch_orders(slots, order_streams, n)
        X_epoch, y_epoch = train.X[order], train.y[order]
        running = torch.zeros(len(slots))
        for start in range(0, n, batch):
            xb, yb = X_epoch[:, start : start + batch], y_epoch[:, start : start + batch]
            if manual:
                with torch.no_grad():
                    grads = optimizer.grad_views
                    data_loss = backprop.loss_and_grads(net, xb, yb, task, regularizers, grads, streams)
            else:
                data_loss, grads = _autograd_step(net, xb, yb, task, regularizers, perturb, reweigh if reweighing else None)
            with torch.no_grad():
                for piece in regularizers:
                    piece.before_update(net, lr)
                optimizer.step(grads, lr)
                steps = optimizer.step_sizes(lr)
                for piece in regularizers:
                    piece.after_update(net, steps)
            running += data_loss.detach() * xb.shape[1]

        logs = _epoch_logs(net, regularizers, splits, task, members)
        logs["train_loss_running"] = (running / n).view(runs, members).mean(1)
        finite = torch.stack([logs[key] for key in DIVERGENCE_WATCH]).isfinite().all(0)
        newly_diverged = active & ~finite
        diverged |= newly_diverged
        stop = newly_diverged.clone()
        keep_best = torch.zeros(runs, dtype=torch.bool)
        for callback in callbacks:
            decision = callback.on_epoch_end(epoch, logs)
            stop |= decision.stop & active
            keep_best |= decision.checkpoint & active
        _copy_where(snapshot, net.tensors(), keep_best.repeat_interleave(members))
        for name, value in logs.items():
            if name not in history:
                history[name] = torch.full((group.epochs, runs), math.nan)
            history[name][epoch - 1] = value
        stopped_epoch = torch.where(stop, torch.tensor(epoch), stopped_epoch)
        active &= ~stop
        if checkpoint is not None and checkpoint.due():
            checkpoint.save(
                GroupState(
                    epoch, net.tensors(), snapshot, optimizer.state_dict(), [g.get_state() for g in generators],
                    [callback.state_dict() for callback in callbacks], active, diverged, stopped_epoch, history,
                )
            )
        if on_epoch is not None:
            on_epoch(epoch)
        if not active.any():
            break

    restore = torch.zeros(runs, dtype=torch.bool)
    for callback in callbacks:
        restore |= callback.restore
    restore &= ~diverged
    with torch.no_grad():
        _copy_where(net.tensors(), snapshot, restore.repeat_interleave(members))
    final = _final_metrics(net, regularizers, splits, task, members)
    return [
        _outcome(r, history, final, stopped_epoch, diverged, net, members) for r in range(runs)
    ]


def _restore(
    state: GroupState,
    net: StackedMLP | StackedCNN,
    snapshot: list[Tensor],
    optimizer: BatchedAdam | BatchedSGD,
    generators: list[torch.Generator],
    callbacks: list,
) -> tuple[Tensor, Tensor, Tensor, dict[str, Tensor]]:
    """Put ``state`` back into the group's objects; return its ``active``, ``diverged``, ``stopped_epoch`` and history."""
    with torch.no_grad():
        for target, saved in zip([*net.tensors(), *snapshot], [*state.tensors, *state.snapshot]):
            target.copy_(saved)
    optimizer.load_state_dict(state.optimizer)
    for gen, saved in zip(generators, state.generators):
        gen.set_state(saved)
    for callback, saved in zip(callbacks, state.callbacks):
        callback.load_state_dict(saved)
    return state.active.clone(), state.diverged.clone(), state.stopped_epoch.clone(), dict(state.history)


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
    return data_loss, list(torch.autograd.grad(objective.sum(), net.parameters()))


def make_network(
    arch: Architecture, slots: list[tuple[int, int]], init_scales: list[float] | None = None
) -> StackedMLP | StackedCNN:
    """A :class:`StackedCNN` when the architecture has convolution blocks, else a :class:`StackedMLP`."""
    return StackedCNN(arch, slots, init_scales) if arch.conv else StackedMLP(arch, slots, init_scales)


def eval_logits(net: StackedMLP | StackedCNN, X: Tensor) -> Tensor:
    """Evaluation-mode logits ``[K, N, o]`` of every model for the rows of ``X``, in chunks of rows."""
    arch = net.arch
    widest = max(arch.sizes) if not arch.conv else max(*arch.sizes, arch.conv[0] * arch.image_shape[0] * arch.image_shape[1])
    rows = max(32, EVAL_CHUNK // (net.n_models * widest))
    with torch.no_grad():
        if X.shape[0] <= rows:
            return net.forward(X, training=False)
        return torch.cat([net.forward(X[start : start + rows], training=False) for start in range(0, X.shape[0], rows)], dim=1)


def _split_metrics(net: StackedMLP | StackedCNN, splits: dict[str, Split], names: tuple[str, ...], task: str, members: int) -> dict[str, Tensor]:
    """``{split}_{metric}`` per run for the named splits, from one chunked forward over all their rows."""
    logits = eval_logits(net, torch.cat([splits[name].X for name in names]))
    parts = logits.split([splits[name].X.shape[0] for name in names], dim=1)
    logs: dict[str, Tensor] = {}
    for name, part in zip(names, parts):
        for metric, value in evaluate(part, splits[name].y, members, task).items():
            logs[f"{name}_{metric}"] = value
    return logs


def _epoch_logs(
    net: StackedMLP | StackedCNN, regularizers: list, splits: dict[str, Split], task: str, members: int, final: bool = False
) -> dict[str, Tensor]:
    """Per-run figures of the current weights: losses, accuracy/R², penalty, weight statistics (and the test split if ``final``)."""
    with torch.no_grad():
        logs = _split_metrics(net, splits, ("train", "val", "test") if final else ("train", "val"), task, members)
        tests = {name: logs.pop(name) for name in list(logs) if name.startswith("test_")}
        per_model = {"penalty": total_penalty(net, regularizers), **weight_stats(net.weights)}
        for name, value in per_model.items():
            logs[name] = value.view(-1, members).mean(1)
        return {**logs, **tests}


def _final_metrics(net: StackedMLP | StackedCNN, regularizers: list, splits: dict[str, Split], task: str, members: int) -> dict[str, Tensor]:
    """The logs of the final (or restored) weights, with the test split."""
    return _epoch_logs(net, regularizers, splits, task, members, final=True)


def _copy_where(target: list[Tensor], source: list[Tensor], mask: Tensor) -> None:
    """``target[k] <- source[k]`` for every model ``k`` where ``mask[k]``."""
    if not mask.any():
        return
    with torch.no_grad():
        for t, s in zip(target, source):
            t[mask] = s[mask].detach()


def _outcome(
    r: int,
    history: dict[str, Tensor],
    final: dict[str, Tensor],
    stopped_epoch: Tensor,
    diverged: Tensor,
    net: StackedMLP | StackedCNN,
    members: int,
) -> RunOutcome:
    epochs = int(stopped_epoch[r])
    run_history = {name: values[:epochs, r].tolist() for name, values in history.items()}
    val_loss = np.array(run_history["val_loss"], dtype=float)
    finite = np.where(np.isfinite(val_loss), val_loss, np.inf)
    best = int(np.argmin(finite)) if len(finite) else 0
    metrics = {name: float(value[r]) for name, value in final.items()}
    metrics.update(
        best_val_loss=float(finite[best]) if len(finite) else math.nan,
        best_epoch=float(best + 1),
        stopped_epoch=float(epochs),
        diverged=float(bool(diverged[r])),
        generalization_gap=metrics["val_loss"] - metrics["train_loss"],
    )
    state = net.state()
    member_states = [
        {role: [t[r * members + m].detach().numpy().copy() for t in tensors] for role, tensors in state.items()}
        for m in range(members)
    ]
    return RunOutcome(run_history, metrics, member_states)
