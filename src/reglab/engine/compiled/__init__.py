"""The engine's compiled fast path: each model's whole epoch, and its evaluation, in one compiled call.

For a group it covers (:meth:`FastPath.of` says), the trainer hands every
epoch to :meth:`FastPath.epoch`: minibatch orders and perturbations are drawn
in torch from the models' own streams, exactly as on the current path
(:mod:`.draws`); then one call of :func:`.kernels.train_epoch` (numba,
float32, ``cache=True``) trains every model through all its steps and
evaluates it on the training and validation splits, models spread over the
cores (``prange``, one model per task: model-parallel, never op-parallel).
The state stays in the group's torch tensors (weights, Adam's moments or SGD's
buffer), copied into packed per-model rows for the call and back after it, so
checkpoints, snapshots, callbacks and the observers see what they always see.

Each model is computed alone, so its numbers are bit for bit the same whether
it trains alone or beside others (stopping, diverging or not); they equal the
current path's to float rounding (``tests/test_compiled.py``).

Covered: a plain :class:`~reglab.engine.network.StackedMLP`, with or
without batch norm, activation ``relu``, ``tanh`` or ``sigmoid``, any task, Adam/AdamW or
SGD with momentum, and pieces whose every hook is described by
:meth:`~reglab.pieces.interface.Regularizer.compiled` (L1, L2, elastic net,
penalized biases, weight decay, prox, max-norm, unit-norm, non-negativity,
dropout, Gaussian noise, and their schedules).  Callbacks (early stopping,
pruning) act on the logs and are covered whatever they are.  Not covered (the
current path trains them): other activations, DropConnect,
convolutions, and any group when numba cannot be imported.

``REGLAB_FAST=0`` in the environment turns the fast path off.  Threads:
``REGLAB_FAST_THREADS`` (default :func:`default_threads`).
"""

from __future__ import annotations

import functools
import os
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from torch import Tensor

from reglab.engine.compiled.draws import Draws
from reglab.engine.compiled.signals import held_signals
from reglab.engine.evaluation import Split
from reglab.engine.network import StackedMLP, running_momentum
from reglab.engine.optimizers import BatchedAdam, BatchedSGD
from reglab.engine.streams import epoch_orders
from reglab.pieces.interface import COMPILED_RULES, Compiled, Regularizer, acts_on_weights, perturbs

_LOCK = threading.Lock()
"""One kernel call at a time per process (numba's ``workqueue`` threading layer is not re-entrant across threads)."""
_READY: set = set()
"""The kernels already called once in this process (compiled or loaded from numba's cache)."""


def load_kernels():
    """The kernels module, or ``None`` when numba is missing or turned off (imported on first use: numba takes ~0.3 s)."""
    if os.environ.get("REGLAB_FAST", "1") == "0":
        return None
    try:
        import numba

        if "NUMBA_THREADING_LAYER" not in os.environ:  # numba's own pool: under load it degrades gracefully (OpenMP spins)
            numba.config.THREADING_LAYER = "workqueue"
        from reglab.engine.compiled import kernels as module
    except ImportError:
        return None
    _one_blas_thread()
    return module


@functools.cache
def _one_blas_thread() -> None:
    """Run the BLAS the kernels' products call (scipy's, through numba) on one thread.

    The kernels already give every core its own models; a BLAS that also
    spreads one small product over the cores only makes its threads wait for
    each other.  Only scipy's own copy is limited (``scipy.libs``), so NumPy's
    and torch's threads are left as they are.  Once per process (the
    enumeration of loaded libraries takes about 1 ms; groups ask for the
    kernels one by one).
    """
    import scipy
    import scipy.linalg.cython_blas  # noqa: F401  (loads the library numba's np.dot calls)
    from threadpoolctl import ThreadpoolController

    controller = ThreadpoolController()
    home = Path(scipy.__file__).resolve().parent
    own = [info["filepath"] for info in controller.info()
           if Path(info["filepath"]).resolve().parent in (home.parent / "scipy.libs", home)]
    if own:
        controller.select(filepath=own).limit(limits=1)


def default_threads(models: int) -> int:
    """Threads for ``prange`` over ``models``: ``REGLAB_FAST_THREADS`` if set, else one per core up to ``models``."""
    chosen = os.environ.get("REGLAB_FAST_THREADS")
    if chosen:
        return max(1, int(chosen))
    return max(1, min(models, os.cpu_count() or 1))


@dataclass
class _Rules:
    """The pieces' :class:`Compiled` rules in force, as the kernel's arrays."""

    pen_op: np.ndarray
    pen_w: np.ndarray
    pen_b: np.ndarray
    decay: np.ndarray
    after_op: np.ndarray
    after_c: np.ndarray
    perturbing: list[Regularizer]


def _rules(pieces: list[Regularizer], layers: int, models: int, ops) -> _Rules | None:
    """The arrays of every piece's rules; ``None`` when a piece has none or names one the kernel does not know."""
    penalties, decays, afters, perturbing = [], [], [], []
    for piece in pieces:
        described = piece.compiled(layers)
        if described is None or acts_on_weights(piece):
            return None
        if perturbs(piece) and (type(piece).perturb is not Regularizer.perturb):
            return None
        for rule in described:
            if rule.rule not in COMPILED_RULES:
                return None
            if rule.rule in ops.PENALTY_OPS:
                penalties.append(rule)
            elif rule.rule == "decay":
                decays.append(rule.weights[0])
            elif rule.rule in ops.AFTER_OPS:
                afters.append(rule)
            elif rule.rule == "draws" and piece not in perturbing:
                perturbing.append(piece)  # a perturbing piece with no rule now (a schedule at 0) draws nothing now
    zeros = np.zeros((layers, models), np.float32)

    def table(rules: list[Compiled], part: str) -> np.ndarray:
        rows = [getattr(r, part).numpy() if getattr(r, part) is not None else zeros for r in rules]
        return np.ascontiguousarray(np.stack(rows) if rows else np.zeros((0, layers, models), np.float32), np.float32)

    return _Rules(
        pen_op=np.array([ops.PENALTY_OPS[r.rule] for r in penalties], np.int64),
        pen_w=table(penalties, "weights"),
        pen_b=table(penalties, "biases"),
        decay=np.ascontiguousarray(np.stack([d.numpy() for d in decays]) if decays else np.zeros((0, models)), np.float32),
        after_op=np.array([ops.AFTER_OPS[r.rule] for r in afters], np.int64),
        after_c=np.ascontiguousarray(np.stack([r.weights[0].numpy() for r in afters]) if afters else np.zeros((0, models)),
                                     np.float32),
        perturbing=perturbing,
    )


def _layout(net: StackedMLP) -> tuple[np.ndarray, ...]:
    """Where each tensor starts in a model's packed rows, for the kernels.

    ``(sizes, woff, boff, goff, soff, moff, voff)``: the layer widths; in the
    parameters (:meth:`StackedMLP.parameters` order) the weight matrices,
    biases, batch-norm scales and shifts; in the buffers the running means and
    variances (the last four empty without batch norm).
    """
    sizes = net.arch.sizes
    hidden = list(net.arch.hidden) if net.arch.batchnorm else []
    parameters = [a * b for a, b in zip(sizes[:-1], sizes[1:])] + list(sizes[1:]) + hidden + hidden
    starts = np.concatenate([[0], np.cumsum(parameters)]).astype(np.int64)
    layers, h = len(sizes) - 1, len(hidden)
    buffers = np.concatenate([[0], np.cumsum(hidden + hidden)]).astype(np.int64)
    return (np.array(sizes, np.int64), starts[:layers], starts[layers : 2 * layers],
            starts[2 * layers : 2 * layers + h], starts[2 * layers + h : 2 * layers + 2 * h], buffers[:h], buffers[h : 2 * h])


class FastPath:
    """The compiled epochs of one group (built by :meth:`of`, used by the trainer)."""

    def __init__(self, ops, net: StackedMLP, optimizer: BatchedAdam | BatchedSGD, splits: dict[str, Split], task: str,
                 batch: int, slots: list[tuple[int, int]], members: int, momentum: Tensor) -> None:
        self.ops, self.net, self.optimizer, self.task, self.batch, self.members = ops, net, optimizer, task, batch, members
        self.slots = slots
        self.splits = splits
        self.layers = len(net.arch.sizes) - 1
        self.layout = _layout(net)
        self.sizes = self.layout[0]
        self.batchnorm = int(net.arch.batchnorm)
        self.X = splits["train"].X.numpy()
        self.y = splits["train"].y.float().numpy()
        self.X_eval = np.ascontiguousarray(torch.cat([splits["train"].X, splits["val"].X]).numpy())
        self.momentum = momentum.float().numpy()
        self.draws = Draws(net.n_models, self.X.shape[0], batch, list(self.sizes))
        self.threads = default_threads(net.n_models)
        self._rules: _Rules | None = None

    @classmethod
    def of(cls, state, splits: dict[str, Split], task: str, batch: int, slots: list[tuple[int, int]], members: int,
           momentum: Tensor) -> FastPath | None:
        """The fast path for this group's state, or ``None`` when it does not cover the network, optimizer or pieces."""
        net, optimizer = state.net, state.optimizer
        if type(net) is not StackedMLP or not isinstance(optimizer, (BatchedAdam, BatchedSGD)):
            return None
        ops = load_kernels()
        if ops is None or net.arch.activation not in ops.ACTIVATIONS or task not in ops.TASKS:
            return None
        if _rules(state.pieces, len(net.weights), net.n_models, ops) is None:
            return None
        return cls(ops, net, optimizer, splits, task, batch, slots, members, momentum)

    # -- packing: the group's tensors <-> one row of parameters per model (in NumPy: one thread, no torch pool) --
    def _pack(self, tensors: list[Tensor]) -> np.ndarray:
        if not tensors:  # no batch norm: no running estimates
            return np.zeros((self.net.n_models, 0), np.float32)
        return np.concatenate([t.detach().numpy().reshape(self.net.n_models, -1) for t in tensors], 1)

    def _unpack(self, packed: np.ndarray, tensors: list[Tensor]) -> None:
        start = 0
        for t in tensors:
            target = t.detach().numpy().reshape(self.net.n_models, -1)
            np.copyto(target, packed[:, start : start + target.shape[1]])
            start += target.shape[1]

    def _moments(self) -> tuple[list[Tensor], list[Tensor]]:
        """Adam's ``m`` and ``v`` (or SGD's buffer and an unused copy), shaped like the parameters."""
        if isinstance(self.optimizer, BatchedAdam):
            return self.optimizer.m_views, self.optimizer.v_views
        if self.optimizer.buffer is None:  # buf <- mu * 0 + g: the first step's buf = g
            self.optimizer.buffer = self.optimizer.state.zeros()
        views = self.optimizer.state.views(self.optimizer.buffer)
        return views, views

    def epoch(self, state, lr: Tensor) -> tuple[Tensor, dict[str, Tensor]]:
        """Train every model one epoch at learning rates ``lr`` ``[K]``; the running loss per run and the epoch's logs."""
        ops, net = self.ops, self.net
        rules = self._rules_in_force(state)
        n = self.X.shape[0]
        order = epoch_orders(self.slots, state.order_streams, n).numpy()
        draws = self.draws.epoch(rules.perturbing, state.streams)
        params = net.parameters()
        first, second = self._moments()
        theta, m, v, norms = self._pack(params), self._pack(first), self._pack(second), self._pack(net.buffers())
        K = net.n_models
        momenta = running_momentum(state.active, self.members).numpy()
        running = np.zeros(K, np.float32)
        logits = np.empty((K, self.X_eval.shape[0], int(self.sizes[-1])), np.float32)
        penalty = np.empty(K, np.float32)
        stats = np.empty((K, len(ops.STATS)), np.float32)
        adam = isinstance(self.optimizer, BatchedAdam)
        self._call(ops.train_epoch, theta, m, v, norms, self.layout, ops.ACTIVATIONS[net.arch.activation], self.batchnorm,
                   momenta, self.X, self.y, order, self.batch, lr.float().numpy(), self.momentum,
                   ops.OPTIMIZERS["adam" if adam else "sgd"], self.optimizer.t if adam else 0, ops.TASKS[self.task],
                            rules.pen_op, rules.pen_w, rules.pen_b, rules.decay, rules.after_op, rules.after_c,
                            draws.scales, draws.shifts, draws.scale_of, draws.shift_of, self.X_eval, running, logits,
                            penalty, stats)
        steps = -(-n // self.batch)
        if adam:
            self.optimizer.t += steps
        self._unpack(theta, params)
        self._unpack(norms, net.buffers())
        self._unpack(m, first)
        if adam:
            self._unpack(v, second)
        runs = K // self.members
        running_loss = (torch.from_numpy(running) / n).view(runs, self.members).mean(1)
        logs = self._split_logs(logits, ("train", "val"))
        logs.update(self._model_logs(penalty, stats))
        return running_loss, logs

    def final_logs(self, state) -> dict[str, Tensor]:
        """The logs of the current weights with the test split (as :func:`~reglab.engine.evaluation.final_metrics`)."""
        ops, net = self.ops, self.net
        rules = self._rules_in_force(state)
        names = ("train", "val", "test")
        X = np.ascontiguousarray(torch.cat([self.splits[name].X for name in names]).numpy())
        K = net.n_models
        logits = np.empty((K, X.shape[0], int(self.sizes[-1])), np.float32)
        penalty = np.empty(K, np.float32)
        stats = np.empty((K, len(ops.STATS)), np.float32)
        self._call(ops.evaluate, self._pack(net.parameters()), self._pack(net.buffers()), self.layout,
                   ops.ACTIVATIONS[net.arch.activation], self.batchnorm, X, rules.pen_op, rules.pen_w, rules.pen_b, logits,
                   penalty, stats)
        logs = self._split_logs(logits, names)
        tests = {name: logs.pop(name) for name in list(logs) if name.startswith("test_")}
        return {**logs, **self._model_logs(penalty, stats), **tests}

    def _rules_in_force(self, state) -> _Rules:
        """The pieces' rules, asked again each epoch only when a piece has an ``on_epoch_begin`` hook (a schedule)."""
        changing = any(type(p).on_epoch_begin is not Regularizer.on_epoch_begin for p in state.pieces)
        if changing or self._rules is None:
            self._rules = _rules(state.pieces, self.layers, self.net.n_models, self.ops)
        return self._rules

    def _call(self, kernel, *args) -> None:
        """``kernel(*args)`` on :attr:`threads` threads, one call at a time in this process."""
        import numba

        with _LOCK:
            numba.set_num_threads(min(self.threads, numba.config.NUMBA_NUM_THREADS))
            numba.set_parallel_chunksize(1)  # models handed out one at a time: a thread slowed by load takes fewer
            if kernel in _READY:
                kernel(*args)
                return
            with held_signals():  # its first call compiles or loads it: a Ctrl-C there would be swallowed
                kernel(*args)
            _READY.add(kernel)

    def _split_logs(self, logits: np.ndarray, names: tuple[str, ...]) -> dict[str, Tensor]:
        """``{split}_{metric}`` per run from the logits of the splits' rows, side by side in ``names`` order."""
        metrics = ("loss", "mse", "r2") if self.task == "regression" else ("loss", "acc")
        logs: dict[str, Tensor] = {}
        start = 0
        for name in names:
            split = self.splits[name]
            rows = split.X.shape[0]
            out = np.empty((logits.shape[0] // self.members, len(metrics)), np.float64)
            part = np.ascontiguousarray(logits[:, start : start + rows])
            self.ops.run_metrics(part, split.y.double().numpy(), self.members, self.ops.TASKS[self.task], out)
            for column, metric in enumerate(metrics):
                logs[f"{name}_{metric}"] = torch.from_numpy(out[:, column]).float()
            start += rows
        return logs

    def _model_logs(self, penalty: np.ndarray, stats: np.ndarray) -> dict[str, Tensor]:
        """The penalty and weight statistics per run (members averaged)."""
        per_model = {"penalty": torch.from_numpy(penalty), **{name: torch.from_numpy(stats[:, i].copy())
                                                                for i, name in enumerate(self.ops.STATS)}}
        return {name: value.view(-1, self.members).mean(1) for name, value in per_model.items()}
