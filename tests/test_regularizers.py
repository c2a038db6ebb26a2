"""Each regularizer means exactly what its docstring says, checked numerically on known weights."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
import torch

from reglab.callbacks import EarlyStopping
from reglab.engine import backprop
from reglab.engine.network import Architecture, StackedMLP
from reglab.engine.streams import ModelStreams
from reglab.pieces.interface import Regularizer, StepSizes, training_weights
from reglab.regularizers import (
    REGISTRY,
    DecoupledWeightDecay,
    DropConnect,
    Dropout,
    GaussianNoise,
    L1Penalty,
    L2Penalty,
    MaxNorm,
    NonNeg,
    SoftThreshold,
    UnitNorm,
    build_regularizers,
    l1_penalty,
    l2_penalty,
    soft_threshold,
)
from reglab.variant import Variant

FORMULA_CHECKS: dict[type[Regularizer], str] = {}
"""Every piece's numeric check of its documented formula, by class (``tests/test_contract.py`` needs one per piece)."""


def formula_of(*classes: type[Regularizer]):
    """Mark a test as the numeric check of these pieces' formulas."""

    def mark(test):
        for cls in classes:
            FORMULA_CHECKS[cls] = test.__name__
        return test

    return mark


W = torch.tensor([[[1.0, -2.0], [0.5, 0.0]], [[-3.0, 4.0], [0.0, -0.25]]])  # K=2 models of 2x2


def _net(variants_count: int = 2, hidden=(2,)) -> StackedMLP:
    net = StackedMLP(Architecture(2, hidden, 1), [(i, 0) for i in range(variants_count)])
    return net


def test_l1_and_l2_penalties_equal_their_formulas():
    strengths = [torch.tensor([0.1, 0.01]).view(-1, 1, 1)]
    assert l1_penalty([W], strengths).tolist() == pytest.approx([0.1 * 3.5, 0.01 * 7.25])
    assert l2_penalty([W], strengths).tolist() == pytest.approx([0.1 * 5.25, 0.01 * 25.0625])


def test_penalty_gradients_are_sign_and_two_w():
    w = W.clone().requires_grad_(True)
    lam = [torch.tensor([0.3, 0.3]).view(-1, 1, 1)]
    (g1,) = torch.autograd.grad(l1_penalty([w], lam).sum(), [w])
    (g2,) = torch.autograd.grad(l2_penalty([w], lam).sum(), [w])
    torch.testing.assert_close(g1, 0.3 * torch.sign(W))
    torch.testing.assert_close(g2, 0.6 * W)


@formula_of(L1Penalty, L2Penalty)
def test_penalty_pieces_use_per_layer_strengths_and_skip_biases_unless_asked():
    variants = [Variant(hidden=(2,), l1=(0.1, 0.0)), Variant(hidden=(2,), l2=0.5, penalize_bias=True)]
    net = _net()
    net.biases[0].fill_(1.0)  # 2 biases of value 1 in layer 0 per model
    l1 = L1Penalty.build(variants).penalty(net)
    l2 = L2Penalty.build(variants).penalty(net)
    assert l1[0].item() == pytest.approx(0.1 * net.weights[0][0].abs().sum().item())
    assert l1[1].item() == 0.0
    expected_l2 = 0.5 * sum(w[1].square().sum().item() for w in net.weights) + 0.5 * 2.0
    assert l2[0].item() == 0.0
    assert l2[1].item() == pytest.approx(expected_l2, rel=1e-6)


def test_soft_threshold_gives_exact_zeros_and_shrinks_the_rest():
    out = soft_threshold(torch.tensor([-2.0, -0.5, 0.0, 0.3, 1.0]), torch.tensor(0.5))
    assert out.tolist() == [-1.5, 0.0, 0.0, 0.0, 0.5]


@formula_of(SoftThreshold)
def test_prox_piece_thresholds_by_the_optimizers_step():
    net = _net(1)
    net.weights[0].copy_(torch.tensor([[[0.02, -0.5], [0.04, 0.3]]]))
    piece = SoftThreshold.build([Variant(hidden=(2,), prox=1.0)])
    scales = [torch.full_like(w, 2.0) for w in net.parameters()]  # Adam-like: step = lr / 2
    piece.after_update(net, StepSizes(torch.tensor([0.06]), scales))  # threshold 0.03
    torch.testing.assert_close(net.weights[0][0], torch.tensor([[0.0, -0.47], [0.01, 0.27]]))


@formula_of(DecoupledWeightDecay)
def test_decoupled_decay_shrinks_by_one_minus_lr_wd_and_leaves_biases():
    net = _net()
    before = [w.clone() for w in net.weights]
    net.biases[0].fill_(1.0)
    DecoupledWeightDecay.build([Variant(hidden=(2,), weight_decay=0.5), Variant(hidden=(2,))]).before_update(
        net, torch.tensor([0.1, 0.1])
    )
    torch.testing.assert_close(net.weights[0][0], before[0][0] * 0.95)
    torch.testing.assert_close(net.weights[0][1], before[0][1])
    assert net.biases[0].eq(1.0).all()


@formula_of(MaxNorm)
def test_max_norm_caps_each_units_incoming_norm():
    net = _net(2, hidden=(3,))
    net.weights[0].copy_(torch.tensor([[[3.0, 0.1, 0.0], [4.0, 0.1, 1.0]]] * 2))  # column norms 5, 0.14, 1
    MaxNorm.build([Variant(hidden=(3,), max_norm=2.0), Variant(hidden=(3,))]).after_update(net, StepSizes(torch.ones(2)))
    norms = torch.linalg.vector_norm(net.weights[0], dim=1)
    assert norms[0].tolist() == pytest.approx([2.0, math.hypot(0.1, 0.1), 1.0], rel=1e-6)
    assert norms[1].tolist() == pytest.approx([5.0, math.hypot(0.1, 0.1), 1.0], rel=1e-6)
    torch.testing.assert_close(net.weights[0][0][:, 0], torch.tensor([1.2, 1.6]))  # direction kept


@formula_of(UnitNorm, NonNeg)
def test_unit_norm_and_non_neg_apply_only_to_their_models():
    net = _net()
    before = net.weights[0].clone()
    UnitNorm.build([Variant(hidden=(2,), unit_norm=True), Variant(hidden=(2,))]).after_update(net, StepSizes(torch.ones(2)))
    torch.testing.assert_close(torch.linalg.vector_norm(net.weights[0][0], dim=0), torch.ones(2))
    torch.testing.assert_close(net.weights[0][1], before[1])
    NonNeg.build([Variant(hidden=(2,)), Variant(hidden=(2,), non_neg=True)]).after_update(net, StepSizes(torch.ones(2)))
    assert (net.weights[0][1] >= 0).all() and (net.weights[0][0] < 0).any() == (before[0] < 0).any()


@formula_of(Dropout)
def test_dropout_keeps_the_expectation_and_drops_the_rate():
    piece = Dropout.build([Variant(hidden=(4,), dropout=0.3), Variant(hidden=(4,))])
    streams = ModelStreams([(0, 0), (0, 0)])
    h = torch.ones(2, 20000, 4)
    out = piece.perturb(h, "hidden1", streams)
    dropped = (out[0] == 0).float().mean().item()
    assert dropped == pytest.approx(0.3, abs=0.01)
    assert out[0].mean().item() == pytest.approx(1.0, abs=0.02)
    torch.testing.assert_close(out[0].unique(), torch.tensor([0.0, 1 / 0.7]))
    assert torch.equal(out[1], h[1])  # the model without dropout is untouched
    assert torch.equal(piece.perturb(h, "input", streams), h)  # no dropout on the inputs


def test_dropout_is_identity_in_evaluation():
    net = StackedMLP(Architecture(2, (8,), 1), [(0, 0)])
    pieces = build_regularizers([Variant(hidden=(8,), dropout=0.5)])
    streams = ModelStreams([(0, 0)])
    x = torch.randn(1, 50, 2)

    def perturb(h, position):
        for piece in pieces:
            h = piece.perturb(h, position, streams)
        return h

    evaluated = net.forward(x, training=False, perturb=perturb)
    assert torch.equal(evaluated, net.forward(x, training=False))
    assert not torch.equal(net.forward(x, training=True, perturb=perturb), evaluated)


@formula_of(GaussianNoise)
def test_gaussian_noise_has_the_documented_std_and_positions():
    variants = [Variant(hidden=(3,), noise=0.5), Variant(hidden=(3,), noise=(0.0, 2.0))]
    piece = GaussianNoise.build(variants)
    streams = ModelStreams([(0, 0), (1, 0)])
    h = torch.zeros(2, 50000, 3)
    inputs = piece.perturb(h, "input", streams)
    assert inputs[0].std().item() == pytest.approx(0.5, rel=0.02)
    assert torch.equal(inputs[1], h[1])  # model 1 has no input noise
    hidden = piece.perturb(h, "hidden1", streams)
    assert torch.equal(hidden[0], h[0])  # a single value perturbs the inputs only
    assert hidden[1].std().item() == pytest.approx(2.0, rel=0.02)


@formula_of(DropConnect)
def test_dropconnect_drops_weights_with_rate_p_and_scales_the_rest():
    variants = [Variant(hidden=(50,), dropconnect=0.25), Variant(hidden=(50,))]
    piece = DropConnect.build(variants)
    net = StackedMLP(Architecture(400, (50,), 1), [(0, 0), (0, 0)])
    used = piece.forward_weights(net.weights, ModelStreams([(0, 0), (0, 0)]))
    w, kept = net.weights[0][0], used[0][0]
    dropped = kept == 0
    assert dropped.float().mean().item() == pytest.approx(0.25, abs=0.01)  # 20 000 weights
    torch.testing.assert_close(kept[~dropped], w[~dropped] / 0.75)
    assert all(torch.equal(u[1], s[1]) for u, s in zip(used, net.weights))  # the model without DropConnect
    assert all(torch.equal(s[0], s[1]) for s in net.weights)  # the stored weights are untouched


def test_dropconnect_forward_uses_the_masked_weights_in_training_only():
    net = StackedMLP(Architecture(3, (6,), 1), [(4, 0)])
    piece = DropConnect.build([Variant(hidden=(6,), dropconnect=0.5)])
    x = torch.randn(1, 10, 3)
    masks = piece.weight_scales(net.weights, ModelStreams([(4, 0)]))  # the masks the next call draws
    expected = torch.relu(x @ (net.weights[0] * masks[0])) @ (net.weights[1] * masks[1])
    reweigh = lambda ws: training_weights([piece], ws, ModelStreams([(4, 0)]))  # noqa: E731
    torch.testing.assert_close(net.forward(x, training=True, reweigh=reweigh), expected)
    assert torch.equal(net.forward(x, training=False, reweigh=reweigh), net.forward(x, training=False))
    w = net.weights[0].clone().requires_grad_(True)
    (grad,) = torch.autograd.grad((w * masks[0]).sum(), [w])
    torch.testing.assert_close(grad, masks[0])  # the gradient reaches the stored weights through the mask
    assert backprop.supports(net, [piece])  # the hand-written pass covers a scaling of the weights


def test_every_piece_has_a_formula_check():
    assert set(REGISTRY) <= set(FORMULA_CHECKS), [cls.__name__ for cls in REGISTRY if cls not in FORMULA_CHECKS]


def test_model_streams_are_per_model():
    alone = ModelStreams([(7, 0)]).uniform([0], (5,))
    batched = ModelStreams([(1, 0), (7, 0)]).uniform([1], (5,))
    torch.testing.assert_close(alone, batched)


def test_unused_pieces_are_not_built():
    assert build_regularizers([Variant(), Variant()]) == []
    kinds = [type(p) for p in build_regularizers([Variant(), Variant(l1=1e-3, dropout=0.2)])]
    assert kinds == [Dropout, L1Penalty]


def test_every_regularizer_follows_the_contract():
    """Each registry entry is a Regularizer with a build() that returns None for the baseline."""
    for cls in REGISTRY:
        assert issubclass(cls, Regularizer)
        assert cls.build([Variant()]) is None, cls.__name__
        assert cls.__doc__, cls.__name__


# -- early stopping on scripted losses, no training --------------------------------------------

def _script(callback: EarlyStopping, losses, monitor="val_loss"):
    """Feed a scripted sequence; return (stopped epoch or None, epochs checkpointed)."""
    callback.on_train_begin()
    checkpoints = []
    for epoch, value in enumerate(losses, 1):
        decision = callback.on_epoch_end(epoch, {monitor: torch.tensor([value])})
        if decision.checkpoint[0]:
            checkpoints.append(epoch)
        if decision.stop[0]:
            return epoch, checkpoints
    return None, checkpoints


def test_early_stopping_stops_patience_epochs_after_the_best():
    callback = EarlyStopping.build([Variant(early_stopping=3)])
    stopped, checkpoints = _script(callback, [1.0, 0.8, 0.7, 0.75, 0.71, 0.72, 0.69, 0.9])
    assert stopped == 6  # best at epoch 3, three epochs without improvement
    assert checkpoints == [1, 2, 3]
    assert int(callback.best_epoch[0]) == 3


def test_early_stopping_min_delta_and_reuse():
    callback = EarlyStopping.build([Variant(early_stopping=2, min_delta=0.05)])
    stopped, checkpoints = _script(callback, [1.0, 0.97, 0.96, 0.5])
    assert stopped == 3 and checkpoints == [1]  # 0.97 and 0.96 improve by less than 0.05
    stopped, checkpoints = _script(callback, [1.0, 0.9, 0.8, 0.7])  # reset at train begin
    assert stopped is None and checkpoints == [1, 2, 3, 4]


def test_early_stopping_on_accuracy_maximizes():
    callback = EarlyStopping.build([Variant(early_stopping=1, monitor="val_acc")])
    stopped, checkpoints = _script(callback, [0.5, 0.7, 0.6], monitor="val_acc")
    assert stopped == 3 and checkpoints == [1, 2]


def test_runs_without_early_stopping_never_stop():
    callback = EarlyStopping.build([Variant(), Variant(early_stopping=1)])
    callback.on_train_begin()
    for epoch, value in enumerate([1.0, 2.0, 3.0], 1):
        decision = callback.on_epoch_end(epoch, {"val_loss": torch.tensor([value, value])})
    assert decision.stop.tolist() == [False, True]
    assert callback.restore.tolist() == [False, True]


def test_adam_matches_torch_optim_on_a_step_sequence():
    from reglab.engine.optimizers import BatchedAdam

    torch.manual_seed(0)
    p = torch.randn(1, 3, 2)
    ref = torch.nn.Parameter(p[0].clone())
    ours = BatchedAdam([p])
    opt = torch.optim.Adam([ref], lr=0.05)
    for _ in range(5):
        g = torch.randn(3, 2)
        ref.grad = g.clone()
        opt.step()
        ours.step([g.unsqueeze(0)], torch.tensor([0.05]))
    np.testing.assert_allclose(p[0].numpy(), ref.detach().numpy(), rtol=1e-6, atol=1e-7)


def test_variant_settings_round_trip_through_json():
    variant = Variant.parse("x:l1=1e-3/0/0,dropout=0.2/0.1,hidden=32x16,early_stopping=5,batch_size=full")
    assert Variant.from_dict(json.loads(json.dumps(variant.to_dict()))) == variant
