"""The engine's hand-written backward pass equals autograd on the same objective."""

from __future__ import annotations

import pytest
import torch

from reglab.engine import backprop
from reglab.engine.network import Architecture, StackedMLP
from reglab.engine.objective import training_loss
from reglab.engine.optimizers import BatchedAdam
from reglab.engine.streams import ModelStreams
from reglab.pieces.interface import Regularizer, training_weights
from reglab.regularizers import build_regularizers
from reglab.variant import Variant


def _autograd(net, x, y, task, pieces):
    params = net.parameters()
    objective = training_loss(net.forward(x, training=True), y, task)
    for piece in pieces:
        value = piece.penalty(net)
        if value is not None:
            objective = objective + value
    return torch.autograd.grad(objective.sum(), params)


def _setup(task, activation, hidden, variants, batch=7):
    outputs = {"binary": 1, "multiclass": 3, "regression": 1}[task]
    net = StackedMLP(Architecture(4, hidden, outputs, activation), [(k, 0) for k in range(len(variants))])
    gen = torch.Generator().manual_seed(0)
    for b in net.biases:
        b.copy_(torch.randn(b.shape, generator=gen) * 0.1)
    for p in net.parameters():
        p.requires_grad_(True)
    k = len(variants)
    x = torch.randn(k, batch, 4, generator=gen)
    if task == "binary":
        y = (torch.rand(k, batch, generator=gen) > 0.5).float()
    elif task == "multiclass":
        y = torch.randint(0, 3, (k, batch), generator=gen)
    else:
        y = torch.randn(k, batch, generator=gen)
    return net, x, y, build_regularizers(variants)


@pytest.mark.parametrize("task", ["binary", "multiclass", "regression"])
@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid"])
@pytest.mark.parametrize("hidden", [(8, 5), (6,), ()])
def test_engine_manual_gradients_equal_autograd(task, activation, hidden):
    variants = [Variant(hidden=hidden), Variant(hidden=hidden, l1=1e-2, l2=3e-2, penalize_bias=True), Variant(hidden=hidden, l1=0.1)]
    net, x, y, pieces = _setup(task, activation, hidden, variants)
    assert backprop.supports(net, pieces)
    want = _autograd(net, x, y, task, pieces)
    grads = [torch.full_like(p, float("nan")) for p in net.parameters()]  # overwritten, not accumulated
    with torch.no_grad():
        loss = backprop.loss_and_grads(net, x, y, task, pieces, grads)
    torch.testing.assert_close(loss, training_loss(net.forward(x, training=False), y, task))
    for got, expected in zip(grads, want):
        torch.testing.assert_close(got, expected, rtol=1e-5, atol=1e-7)


def test_engine_manual_gradients_write_into_the_optimizers_buffers():
    variants = [Variant(hidden=(8, 5)), Variant(hidden=(8, 5), l1=1e-2)]
    net, x, y, pieces = _setup("binary", "relu", (8, 5), variants)
    optimizer = BatchedAdam(net.parameters())
    want = _autograd(net, x, y, "binary", pieces)
    with torch.no_grad():
        backprop.loss_and_grads(net, x, y, "binary", pieces, optimizer.grad_views)
    for got, expected in zip(optimizer.grad_views, want):
        torch.testing.assert_close(got, expected, rtol=1e-5, atol=1e-7)
    assert optimizer.state.flat_grads(optimizer.grad_views).data_ptr() == optimizer.state.grads.data_ptr()


class _CubePenalty(Regularizer):
    """A penalty with no closed-form gradient hook: sum w^3 on the first layer."""

    @classmethod
    def build(cls, variants):
        return cls()

    def penalty(self, net):
        return net.weights[0].pow(3).flatten(1).sum(1)


def test_engine_default_penalty_gradient_is_autograd_of_the_penalty():
    variants = [Variant(hidden=(6,)), Variant(hidden=(6,))]
    net, x, y, _ = _setup("binary", "tanh", (6,), variants)
    pieces = [_CubePenalty()]
    want = _autograd(net, x, y, "binary", pieces)
    grads = [torch.zeros_like(p) for p in net.parameters()]
    with torch.no_grad():
        backprop.loss_and_grads(net, x, y, "binary", pieces, grads)
    for got, expected in zip(grads, want):
        torch.testing.assert_close(got, expected, rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid"])
def test_engine_manual_gradients_through_dropout_and_noise_equal_autograd(activation):
    """Same streams, same masks and noise: the hand-written backward equals autograd through them."""
    hidden = (8, 5)
    variants = [Variant(hidden=hidden), Variant(hidden=hidden, dropout=0.4, noise=(0.3, 0.2, 0.0)),
                Variant(hidden=hidden, dropout=(0.0, 0.5), l1=1e-2)]
    net, x, y, pieces = _setup("binary", activation, hidden, variants)
    assert backprop.supports(net, pieces)
    _, _, grads, want = _both_passes(net, x, y, "binary", pieces, with_penalty=True)
    for got, expected in zip(grads, want):
        torch.testing.assert_close(got, expected, rtol=1e-5, atol=1e-6)


def _both_passes(net, x, y, task, pieces, with_penalty=False):
    """The data loss and gradients of autograd and of the hand-written pass, each drawing from a fresh copy of the
    same per-model streams (so both see the same masks): ``(manual loss, autograd loss, manual grads, autograd's)``."""
    slots = [(k, 0) for k in range(net.n_models)]
    autograd_streams, manual_streams = ModelStreams(slots), ModelStreams(slots)

    def perturb(h, position):
        for piece in pieces:
            h = piece.perturb(h, position, autograd_streams)
        return h

    def reweigh(weights):
        return training_weights(pieces, weights, autograd_streams)

    objective = training_loss(net.forward(x, training=True, perturb=perturb, reweigh=reweigh), y, task)
    if with_penalty:
        objective = objective + sum(p.penalty(net) for p in pieces if p.penalty(net) is not None)
    want = torch.autograd.grad(objective.sum(), net.parameters())
    grads = [torch.full_like(p, float("nan")) for p in net.parameters()]
    with torch.no_grad():
        loss = backprop.loss_and_grads(net, x, y, task, pieces, grads, manual_streams)
    return loss, objective.detach(), grads, want


@pytest.mark.parametrize("task", ["binary", "multiclass"])
def test_engine_manual_gradients_through_dropconnect_equal_autograd(task):
    """DropConnect's masks scale the weights the passes use; the gradient of a stored weight is the used one's times its mask."""
    hidden = (8, 5)
    variants = [Variant(hidden=hidden), Variant(hidden=hidden, dropconnect=0.3, dropout=0.2), Variant(hidden=hidden, dropconnect=0.5)]
    net, x, y, pieces = _setup(task, "tanh", hidden, variants)
    assert backprop.supports(net, pieces)
    loss, objective, grads, want = _both_passes(net, x, y, task, pieces)
    torch.testing.assert_close(loss, objective)
    for got, expected in zip(grads, want):
        torch.testing.assert_close(got, expected, rtol=1e-5, atol=1e-6)
    assert any(g[1].eq(0).any() for g in grads[: len(net.weights)])  # dropped weights get no gradient


def test_engine_manual_path_declines_what_it_does_not_cover():
    plain = [Variant(hidden=(4,))]
    net, _, _, _ = _setup("binary", "relu", (4,), plain)
    assert backprop.supports(net, build_regularizers(plain))
    assert backprop.supports(net, build_regularizers([Variant(hidden=(4,), dropout=0.2, noise=0.1)]))
    gelu, _, _, _ = _setup("binary", "gelu", (4,), plain)
    assert not backprop.supports(gelu, [])
    bn = StackedMLP(Architecture(4, (4,), 1, "relu", batchnorm=True), [(0, 0)])
    assert not backprop.supports(bn, [])


@pytest.mark.parametrize("fused", [True, False])
def test_engine_flat_adam_matches_torch_optim_with_per_model_rates(monkeypatch, fused):
    monkeypatch.setattr(BatchedAdam, "fused", fused and BatchedAdam.fused)
    gen = torch.Generator().manual_seed(1)
    params = [torch.randn(3, 4, 2, generator=gen), torch.randn(3, 1, 2, generator=gen)]
    rates = torch.tensor([0.05, 0.0, 0.01])
    refs = [[torch.nn.Parameter(p[k].clone()) for p in params] for k in range(3)]
    opts = [torch.optim.Adam(refs[k], lr=float(rates[k])) for k in range(3)]
    ours = BatchedAdam(params)
    for _ in range(6):
        grads = [torch.randn(p.shape, generator=gen) for p in params]
        for k in range(3):
            for ref, g in zip(refs[k], grads):
                ref.grad = g[k].clone()
            opts[k].step()
        ours.step(grads, rates)
        steps = ours.step_sizes(rates)
    for k in range(3):
        for p, ref in zip(params, refs[k]):
            torch.testing.assert_close(p[k], ref.detach(), rtol=1e-6, atol=1e-7)
        v_hat = opts[k].state[refs[k][0]]["exp_avg_sq"] / (1 - 0.999**6)
        torch.testing.assert_close(steps.for_param(0)[k], rates[k] / (v_hat.sqrt() + 1e-8), rtol=1e-6, atol=1e-9)
