"""The one interface between the engine and the pieces (regularizers); it imports neither.

A :class:`Regularizer` acts on K stacked models at once (a
:class:`StackedModel`: ``weights[l]`` of shape ``[K, fan_in, fan_out]``) and
may do any of these things, each a hook that does nothing by default:

* ``penalty(net)``: a number per model added to the training loss, ``[K]``
  (with ``add_penalty_grad(net, grads)``, its gradient, for the engine's
  hand-written backward pass; by default derived from ``penalty`` by autograd);
* ``perturb(h, position, streams)``: change activations in training (noise, dropout),
  usually as an elementwise affine map given by ``perturb_affine``;
* ``forward_weights(weights, streams)``: the weights the training forward
  pass uses instead of the stored ones (DropConnect); the stored weights are
  untouched and evaluation uses them as they are; usually an elementwise
  scaling given by ``weight_scales``;
* ``before_update(net, lr)``: change weights before the optimizer step (decoupled decay);
* ``after_update(net, steps)``: change weights after it (proximal steps, constraints);
* ``on_epoch_begin(epoch)``: the epoch about to start (strength schedules,
  :mod:`reglab.pieces.scheduled`);
* ``state_dict()`` / ``load_state_dict(state)``: what the piece learns while
  training (none by default), saved in checkpoints;
* ``compiled(layers)``: the hooks above described as data (:class:`Compiled`
  rules from the vocabulary :data:`COMPILED_RULES`) for the engine's compiled
  fast path (:mod:`reglab.engine.compiled`); ``None`` (the default) when they
  cannot be, and a group with such a piece trains on the current path.

``lr`` is the per-model learning rate ``[K]`` (zero for a model that has stopped,
so a stopped model is left untouched); ``steps`` is the optimizer's
:class:`StepSizes`: the learning rate and the step it took per coordinate
(``weights`` come first among the parameters, so ``steps.for_param(l)``
belongs to ``net.weights[l]``).  A regularizer class is built for a group of
models from their variants with :meth:`Regularizer.build`, which returns
``None`` when no model of the group uses it; models that do not use it get a
neutral setting (strength 0, no mask).

A piece also declares its variant keys (:class:`Key`: rule, default, help,
sweep direction); :data:`reglab.variant.PARAMETERS` is assembled from them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Literal, Protocol

import torch
from torch import Tensor

from reglab.rules import Rule


class StackedModel(Protocol):
    """What a piece sees of K stacked networks (:class:`~reglab.engine.network.StackedMLP`, ``StackedCNN``)."""

    n_models: int
    weights: list[Tensor]
    """Every weight matrix ``[K, fan_in, fan_out]`` (convolution kernels first, as ``[K, C_in*9, C_out]``)."""
    biases: list[Tensor]
    """Every bias ``[K, 1, fan_out]``, aligned with ``weights``."""

    def parameters(self) -> list[Tensor]:
        """Every trainable tensor: weights first, then biases, then batch-norm scale and shift."""


class RandomStreams(Protocol):
    """The models' own ``perturb`` random streams (:class:`~reglab.engine.streams.ModelStreams`)."""

    def uniform(self, models: list[int], shape: tuple[int, ...]) -> Tensor:
        """U[0, 1) of ``shape`` for each listed model, each from its own stream: ``[len(models), *shape]``."""

    def normal(self, models: list[int], shape: tuple[int, ...]) -> Tensor:
        """N(0, 1) of ``shape`` for each listed model, each from its own stream."""


class VariantView(Protocol):
    """What a piece reads of a :class:`~reglab.variant.Variant`: its keys as attributes."""

    hidden: tuple[int, ...]
    conv: tuple[int, ...]

    def per_layer(self, key: str, count: int) -> tuple[float, ...]:
        """The value of a per-layer key expanded to ``count`` entries."""

    def __getattr__(self, key: str) -> Any: ...


class StepSizes:
    """The per-coordinate step of the last update: ``for_param(i)`` broadcasts against parameter ``i``."""

    def __init__(self, lr: Tensor, scales: list[Tensor] | None = None) -> None:
        self.lr = lr
        self.scales = scales

    def for_param(self, index: int) -> Tensor:
        """``lr`` (``[K, 1, 1]``) for SGD, ``lr / (sqrt(v_hat) + eps)`` for Adam."""
        rate = self.lr.view(-1, 1, 1)
        return rate if self.scales is None else rate / self.scales[index]


@dataclass(frozen=True)
class Sweep:
    """How ``reglab sweep`` varies a key.

    Attributes:
        stronger: ``"larger"`` or ``"smaller"``: which values restrict the model more.
        axis: the x-axis label of its figures.
        help: one line for ``--help`` and the docs.
        path: whether its sweep also gives the regularization path and the feature selection.
    """

    stronger: Literal["larger", "smaller"]
    axis: str
    help: str
    path: bool = False


@dataclass(frozen=True)
class Key:
    """One variant key: its rule, default and meaning, declared once by its piece (or by the core).

    Attributes:
        name: the key, as written in the short form and as the variant's attribute.
        rule: the accepted values (:mod:`reglab.rules`).
        default: the value when not given.
        help: one line for the key table.
        reason: why values outside the rule make no sense, said in the error message.
        sweep: how ``reglab sweep`` varies it (``None``: not sweepable).
        after: place it in the key table right after this key (default: in its piece's place).
        listed_at_default: whether :meth:`~reglab.variant.Variant.settings` (and so a run's key in
            the store) includes it at its default.  ``False`` for keys added after runs were first
            stored, so those runs are still found.
    """

    name: str
    rule: Rule
    default: Any
    help: str
    reason: str = ""
    sweep: Sweep | None = None
    after: str | None = None
    listed_at_default: bool = True


def weight_matrices(values: Mapping[str, Any]) -> int:
    """The number of dense weight matrices of a variant (input→h1, …, last hidden→output)."""
    return len(values["hidden"]) + 1


def hidden_layers(values: Mapping[str, Any]) -> int:
    """The number of hidden layers of a variant."""
    return len(values["hidden"])


COMPILED_RULES: dict[str, str] = {
    "l1": "penalty c * sum|w| (gradient c * sign(w), 0 at 0)",
    "l2": "penalty c * sum w^2 (gradient 2 c w)",
    "decay": "before the optimizer step, on weight matrices: w <- w * (1 - lr * c)",
    "soft_threshold": "after the step, on weight matrices: w <- sign(w) * max(|w| - alpha * c, 0), alpha the optimizer's step per unit of gradient",
    "max_norm": "after the step, each unit's incoming weights: w_j <- w_j * min(1, c / max(||w_j||, 1e-12))",
    "unit_norm": "after the step, where c != 0, each unit's incoming weights: w_j <- w_j / max(||w_j||, 1e-12)",
    "non_neg": "after the step, where c != 0, on weight matrices: w <- max(w, 0)",
    "draws": "perturb_affine reads activations only through their shape: the fast path calls it with an empty tensor of "
             "the same shape, at the same positions and steps as the current path, and applies what it returns",
}
"""The vocabulary of :class:`Compiled` rules: the formulas the compiled fast path knows (``c`` per model and layer)."""


@dataclass(frozen=True)
class Compiled:
    """One of a piece's hooks as data for the compiled fast path (:meth:`Regularizer.compiled`).

    Attributes:
        rule: a name of :data:`COMPILED_RULES`.
        weights: ``[layers, K]`` the coefficient ``c`` of each weight matrix and model (0: not applied), float32.
        biases: ``[layers, K]`` the coefficient of each bias vector (penalties only; ``None``: not applied).
    """

    rule: str
    weights: Tensor | None = None
    biases: Tensor | None = None


class Regularizer:
    """Base class: every hook is a no-op.

    Class attributes a technique sets:

    * ``keys``: its variant keys (:class:`Key`);
    * ``example``: settings that switch it on, for the contract test (``{"l1": 1e-3}``);
    * ``shrinks``: ``(weaker, stronger)`` settings where the stronger one gives smaller
      weights, when that is the technique's meaning (``None`` otherwise).
    """

    keys: ClassVar[tuple[Key, ...]] = ()
    example: ClassVar[dict[str, Any]] = {}
    shrinks: ClassVar[tuple[dict[str, Any], dict[str, Any]] | None] = None

    @classmethod
    def build(cls, variants: Sequence[VariantView]) -> Regularizer | None:
        """The regularizer for models with these variants, or ``None`` if none uses it."""
        raise NotImplementedError

    @classmethod
    def settle(cls, values: dict[str, Any]) -> None:
        """Check or complete the checked values of one variant across keys, in place (default: nothing).

        Raise :class:`~reglab.rules.Invalid` with the whole message for a
        combination that makes no sense.
        """

    def penalty(self, net: StackedModel) -> Tensor | None:
        """Per-model penalty ``[K]`` added to the data loss, or ``None``."""
        return None

    def add_penalty_grad(self, net: StackedModel, grads: list[Tensor]) -> None:
        """Add the gradient of ``penalty(net).sum()`` to ``grads`` (aligned with ``net.parameters()``), in place.

        Used by the engine's hand-written backward pass.  The default
        differentiates :meth:`penalty` with autograd; a piece whose gradient
        has a closed form overrides this.
        """
        if type(self).penalty is Regularizer.penalty:
            return
        params = net.parameters()
        with torch.enable_grad():
            value = self.penalty(net)
            if value is None:
                return
            found = torch.autograd.grad(value.sum(), params, allow_unused=True)
        for grad, extra in zip(grads, found):
            if extra is not None:
                grad.add_(extra)

    def perturb(self, h: Tensor, position: str, streams: RandomStreams) -> Tensor:
        """Training-time change of the activations at ``position`` (``"input"``, ``"conv1"``, ``"pool1"``, ``"hidden1"``, …).

        By default the elementwise affine map of :meth:`perturb_affine`,
        ``h * scale + shift``; a piece whose change is not of that form
        overrides this (the engine then differentiates it with autograd).
        """
        scale, shift = self.perturb_affine(h, position, streams)
        if scale is not None:
            h = h * scale
        if shift is not None:
            h = h + shift
        return h

    def perturb_affine(self, h: Tensor, position: str, streams: RandomStreams) -> tuple[Tensor | None, Tensor | None]:
        """This step's perturbation at ``position`` as ``(scale, shift)``, each broadcasting against ``h``.

        ``None`` means 1 (no scaling) or 0 (no shift).  The derivative of
        ``h * scale + shift`` with respect to ``h`` is ``scale``, which is what
        the engine's hand-written backward pass uses.  Default: identity.
        """
        return None, None

    def forward_weights(self, weights: list[Tensor], streams: RandomStreams) -> list[Tensor]:
        """The weights one training forward pass uses, from the stored ``weights``.

        Called once per training step, before the forward pass (after the
        input perturbation), with every weight matrix of
        :attr:`StackedModel.weights`; never in evaluation.  By default the
        elementwise scaling of :meth:`weight_scales`, ``w * scale``; a piece
        whose change is not of that form overrides this (the result must be a
        differentiable function of ``weights``: the engine then uses autograd).
        """
        scales = self.weight_scales(weights, streams)
        return [w if scale is None else w * scale for w, scale in zip(weights, scales)]

    def weight_scales(self, weights: list[Tensor], streams: RandomStreams) -> list[Tensor | None]:
        """This step's scaling of each weight matrix (``None`` = 1), broadcasting against it.

        The derivative of ``w * scale`` with respect to ``w`` is ``scale``,
        which is what the engine's hand-written backward pass uses.  Default: no change.
        """
        return [None] * len(weights)

    def before_update(self, net: StackedModel, lr: Tensor) -> None:
        """In-place change of the weights before the optimizer step."""

    def after_update(self, net: StackedModel, steps: StepSizes) -> None:
        """In-place change of the weights after the optimizer step."""

    def on_epoch_begin(self, epoch: int) -> None:
        """Called by the engine before the first step of ``epoch`` (counted from 1); strength schedules use it."""

    def compiled(self, layers: int) -> tuple[Compiled, ...] | None:
        """Every hook this piece overrides, as :class:`Compiled` rules for a network of ``layers`` weight matrices.

        The fast path applies them in the order given, with the values in force
        (it asks again at every epoch, after :meth:`on_epoch_begin`).  ``None``
        (the default): this piece cannot be described so, and its groups train on the current path.
        """
        return None

    def state_dict(self) -> dict[str, Tensor]:
        """What the piece has learned while training, for a checkpoint (default: nothing)."""
        return {}

    def load_state_dict(self, state: dict[str, Tensor]) -> None:
        """Continue from :meth:`state_dict` (default: nothing to restore)."""


def per_model(values: Sequence[float]) -> Tensor:
    """A per-model setting as a ``[K, 1, 1]`` tensor that broadcasts over stacked weights."""
    return torch.tensor(values, dtype=torch.float32).view(-1, 1, 1)


def layer_rows(values: Tensor | Sequence[Tensor], layers: int) -> Tensor:
    """``[layers, K]`` float32 coefficients from one ``[K, 1, 1]`` tensor (the same for every layer) or one per layer."""
    if isinstance(values, Tensor):
        return values.reshape(1, -1).expand(layers, -1).float().contiguous()
    return torch.stack([v.reshape(-1) for v in values]).float()


def per_layer_table(variants: Sequence[VariantView], key: str, layers: int) -> list[Tensor]:
    """``[layers]`` list of ``[K, 1, 1]`` tensors: the per-layer value of ``key`` for each model."""
    rows = [variant.per_layer(key, layers) for variant in variants]
    return [per_model([row[layer] for row in rows]) for layer in range(layers)]


def perturbs(piece: Regularizer) -> bool:
    """Whether ``piece`` changes activations in training (overrides ``perturb`` or ``perturb_affine``)."""
    kind = type(piece)
    return kind.perturb is not Regularizer.perturb or kind.perturb_affine is not Regularizer.perturb_affine


def acts_on_weights(piece: Regularizer) -> bool:
    """Whether ``piece`` changes the weights of the training forward pass (overrides ``forward_weights`` or ``weight_scales``)."""
    kind = type(piece)
    return kind.forward_weights is not Regularizer.forward_weights or kind.weight_scales is not Regularizer.weight_scales


def total_penalty(net: StackedModel, pieces: Sequence[Regularizer]) -> Tensor:
    """The sum of every piece's penalty, per model ``[K]`` (zeros when no piece penalizes)."""
    total = torch.zeros(net.n_models)
    for piece in pieces:
        value = piece.penalty(net)
        if value is not None:
            total = total + value
    return total


def training_weights(pieces: Sequence[Regularizer], weights: list[Tensor], streams: RandomStreams) -> list[Tensor]:
    """``weights`` through every piece's :meth:`~Regularizer.forward_weights`, in order."""
    for piece in pieces:
        weights = piece.forward_weights(weights, streams)
    return weights


@dataclass
class Pieces:
    """The pieces built for one group of runs, handed to the engine by whoever builds them (:mod:`reglab.api`).

    Attributes:
        regularizers: per model, in order of application.
        callbacks: per run: each has ``on_train_begin()``, ``on_epoch_end(epoch, logs)``
            (a decision: ``stop`` and ``checkpoint`` per run), ``restore`` per run and
            ``state_dict()`` / ``load_state_dict()``.
    """

    regularizers: list[Regularizer]
    callbacks: list[Any]
