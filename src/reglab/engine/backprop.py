"""A hand-written batched backward pass for :class:`~reglab.engine.network.StackedMLP`.

Autograd records a graph at every step; for these small networks its
bookkeeping costs as much as the arithmetic.  For the common case (an MLP
without batch norm, an activation whose derivative is known, no training-time
perturbation) the gradients of the mean data loss of every model are computed
here directly, layer by layer, with batched products:

* output: ``dL/dz = (sigmoid(z) - y) / B`` (binary cross-entropy),
  ``(softmax(z) - onehot(y)) / B`` (cross-entropy), ``2 (z - y) / B`` (MSE);
* layer ``l`` with input ``h`` and upstream gradient ``d``:
  ``dW = h^T d``, ``db = sum_B d``, ``dh = d W^T`` times the activation's
  derivative (PyTorch's own ``*_backward`` kernels, as autograd uses).

Perturbations (dropout, noise) are elementwise affine maps
``h' = h * scale + shift`` (``Regularizer.perturb_affine``): the forward pass
applies them exactly as the autograd path does, and the backward pass
multiplies by ``scale`` and takes the activation's derivative at its output
before the perturbation.  Weight-side pieces (DropConnect) scale the weights
the forward pass uses, ``W' = W * s`` (``Regularizer.weight_scales``): the
passes use ``W'`` and ``dW = dW' * s``.  Penalties add their gradients through the
regularizers' ``add_penalty_grad`` hook (closed form where a piece has one,
autograd on the penalty alone otherwise).  Anything else falls back to autograd:
:func:`supports` says when this path applies.  The gradients equal
autograd's to float rounding; ``tests/test_engine.py`` pins both paths to the
same torch reference.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import torch
import torch.nn.functional as F
from torch import Tensor

from reglab.engine.network import StackedMLP
from reglab.engine.objective import training_loss
from reglab.engine.streams import ModelStreams
from reglab.pieces.interface import Regularizer, acts_on_weights, perturbs

ActivationGrad = Callable[[Tensor, Tensor], Tensor]

ACTIVATION_GRADS: dict[str, ActivationGrad] = {
    "relu": lambda grad, out: torch.ops.aten.threshold_backward(grad, out, 0.0),
    "tanh": torch.ops.aten.tanh_backward,
    "sigmoid": torch.ops.aten.sigmoid_backward,
}
"""Gradient through an activation from its *output*: ``(upstream, output) -> downstream``."""


def supports(net: object, pieces: Sequence[object]) -> bool:
    """Whether :func:`loss_and_grads` covers this network and these regularizers.

    It does for a plain :class:`StackedMLP` (not a subclass such as a CNN
    head) without batch norm, with an activation in :data:`ACTIVATION_GRADS`,
    when every regularizer perturbs through ``perturb_affine`` (none
    overrides ``perturb``) and scales weights through ``weight_scales`` (none
    overrides ``forward_weights``).
    """
    return (
        type(net) is StackedMLP
        and not net.arch.batchnorm
        and net.arch.activation in ACTIVATION_GRADS
        and all(
            type(piece).perturb is Regularizer.perturb and type(piece).forward_weights is Regularizer.forward_weights
            for piece in pieces
        )
    )


def weight_scales(pieces: Sequence[Regularizer], weights: list[Tensor], streams: ModelStreams) -> list[Tensor | None]:
    """The product of the pieces' :meth:`~reglab.pieces.interface.Regularizer.weight_scales` per weight matrix (``None`` = 1)."""
    total: list[Tensor | None] = [None] * len(weights)
    for piece in pieces:
        for layer, scale in enumerate(piece.weight_scales(weights, streams)):
            if scale is not None:
                total[layer] = scale if total[layer] is None else total[layer] * scale
    return total


class AffinePerturbations:
    """The pieces' perturbations at each position, remembering what the backward pass needs.

    Called as ``perturb(h, position)``; keeps ``outputs[position]`` (``h``
    before the change) and ``scales[position]`` (the product of the pieces'
    scales, ``None`` for 1).
    """

    def __init__(self, pieces: Sequence[Regularizer], streams: ModelStreams) -> None:
        self.pieces = pieces
        self.streams = streams
        self.outputs: dict[str, Tensor] = {}
        self.scales: dict[str, Tensor | None] = {}

    def __call__(self, h: Tensor, position: str) -> Tensor:
        self.outputs[position] = h
        total = None
        for piece in self.pieces:
            scale, shift = piece.perturb_affine(h, position, self.streams)
            if scale is not None:
                h = h * scale
                total = scale if total is None else total * scale
            if shift is not None:
                h = h + shift
        self.scales[position] = total
        return h


def loss_and_grads(
    net: StackedMLP,
    x: Tensor,
    y: Tensor,
    task: str,
    pieces: Sequence,
    grads: list[Tensor],
    streams: ModelStreams | None = None,
) -> Tensor:
    """Mean data loss per model ``[K]``; writes the gradient of the objective into ``grads``.

    ``grads`` is aligned with ``net.parameters()`` (weights, then biases) and
    is overwritten; the objective is the data loss plus every piece's penalty.
    ``streams`` are the models' random streams, needed when a piece perturbs or scales weights.
    Call under ``torch.no_grad()``.
    """
    saved: list[Tensor] = []
    perturbing = [piece for piece in pieces if perturbs(piece)]
    perturb = AffinePerturbations(perturbing, streams) if perturbing else None
    if perturb is not None:
        x = perturb(x, "input")
    weights, scales = net.weights, [None] * len(net.weights)
    reweighing = [piece for piece in pieces if acts_on_weights(piece)]
    if reweighing:  # the same draws, in the same order, as the autograd path's forward
        scales = weight_scales(reweighing, net.weights, streams)
        weights = [w if scale is None else w * scale for w, scale in zip(net.weights, scales)]
    logits = net.dense(x, training=True, perturb=perturb, saved=saved, weights=weights)
    data_loss = training_loss(logits, y, task)
    upstream = output_grad(logits, y, task)
    layers = len(net.weights)
    weight_grads, bias_grads = grads[:layers], grads[layers : 2 * layers]
    activation_grad = ACTIVATION_GRADS[net.arch.activation]
    for layer in reversed(range(layers)):
        h, w = saved[layer], weights[layer]
        if w.shape[-1] == 1:  # one output unit: one-row product for dW, outer product for dh
            torch.bmm(upstream.transpose(1, 2), h, out=weight_grads[layer].transpose(1, 2))
        else:
            torch.bmm(h.transpose(1, 2), upstream, out=weight_grads[layer])
        if scales[layer] is not None:
            weight_grads[layer].mul_(scales[layer])
        torch.sum(upstream, dim=1, keepdim=True, out=bias_grads[layer])
        if layer:
            down = upstream * w.transpose(1, 2) if w.shape[-1] == 1 else torch.bmm(upstream, w.transpose(1, 2))
            if perturb is not None:
                position = f"hidden{layer}"
                scale, h = perturb.scales[position], perturb.outputs[position]
                down = down if scale is None else down * scale
            upstream = activation_grad(down, h)
    for piece in pieces:
        piece.add_penalty_grad(net, grads)
    return data_loss


def output_grad(logits: Tensor, y: Tensor, task: str) -> Tensor:
    """``d mean-loss / d logits`` for each model: ``[K, B, o]``."""
    batch = logits.shape[1]
    if task == "binary":
        return torch.sigmoid(logits).sub_(y.unsqueeze(-1)).div_(batch)
    if task == "multiclass":
        return torch.softmax(logits, -1).sub_(F.one_hot(y, logits.shape[-1])).div_(batch)
    return (logits - y.unsqueeze(-1)).mul_(2.0 / batch)
