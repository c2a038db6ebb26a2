"""The contract every technique in the registry is held to, automatically: registering a piece tests it.

For every class in :data:`reglab.regularizers.REGISTRY`:

* it declares its keys (in the variant's key table), a docstring formula and
  an ``example`` setting that switches it on, and is not built for the baseline;
* a model of the batch that does not use it is left exactly alone by every
  hook (penalty 0, gradient 0, activations, forward weights and updates
  unchanged to the bit), so its strength at 0 is the baseline bit for bit;
* switched on, it changes training; a model trained in a batch equals the same model trained alone;
* where ``shrinks`` says so, the stronger setting ends with smaller weights;
* its state (if any) goes through ``state_dict`` / ``load_state_dict``.

Its formula is checked numerically on known weights in ``tests/test_regularizers.py``
(:data:`~tests.test_regularizers.FORMULA_CHECKS` must name every piece).
"""

from __future__ import annotations

import sys

import numpy as np
import pytest
import torch

import reglab
from reglab.engine.network import Architecture, StackedMLP
from reglab.engine.streams import ModelStreams
from reglab.pieces.interface import StepSizes
from reglab.regularizers import REGISTRY
from reglab.variant import PARAMETERS, Variant

HIDDEN = (8, 4)
SMALL = {"hidden": HIDDEN, "epochs": 6}
WIDTHS = {"input": 2, "hidden1": 8, "hidden2": 4}


@pytest.fixture(scope="module")
def moons():
    return reglab.load_dataset("moons", n_samples=160, noise=0.25, seed=0)


def _variant(settings: dict, name: str | None = None) -> Variant:
    return Variant(name=name, **SMALL, **settings)


def _names(cls) -> str:
    return cls.__name__


@pytest.mark.parametrize("cls", REGISTRY, ids=_names)
def test_declares_its_keys_formula_and_an_example(cls):
    assert cls.keys and all(PARAMETERS[key.name] is key for key in cls.keys)
    assert cls.__doc__ and sys.modules[cls.__module__].__doc__, "the module docstring states the formula"
    assert cls.example and set(cls.example) <= {key.name for key in cls.keys}
    assert cls.build([_variant({})]) is None
    assert cls.build([_variant(cls.example)]) is not None


@pytest.mark.parametrize("cls", REGISTRY, ids=_names)
def test_a_model_that_does_not_use_it_is_left_exactly_alone(cls):
    """Model 0 (baseline) and model 1 (the piece on) start equal; every hook must leave model 0 as it was, bit for bit."""
    piece = cls.build([_variant({}), _variant(cls.example)])
    net = StackedMLP(Architecture(2, HIDDEN, 1), [(0, 0), (0, 0)])
    untouched = [w[0].clone() for w in net.parameters()]
    streams = ModelStreams([(0, 0), (0, 0)])
    penalty = piece.penalty(net)
    assert penalty is None or penalty[0].item() == 0.0
    grads = [torch.zeros_like(p) for p in net.parameters()]
    piece.add_penalty_grad(net, grads)
    assert all(g[0].eq(0).all() for g in grads)
    for position, width in WIDTHS.items():
        h = torch.randn(2, 5, width)
        assert torch.equal(piece.perturb(h, position, streams)[0], h[0]), position
    for used, stored in zip(piece.forward_weights(net.weights, streams), net.weights):
        assert torch.equal(used[0], stored[0])
    lr = torch.tensor([0.05, 0.05])
    piece.before_update(net, lr)
    piece.after_update(net, StepSizes(lr, [torch.full_like(p, 0.5) for p in net.parameters()]))
    assert all(torch.equal(p[0], start) for p, start in zip(net.parameters(), untouched))


@pytest.mark.parametrize("cls", REGISTRY, ids=_names)
def test_batched_equals_alone(cls, moons):
    on = _variant(cls.example, name="on")
    runs = reglab.train(moons, [_variant({}), on], seeds=[0, 1], progress=False)
    baseline, batched = runs[1], runs[3]  # seed 1: "on" beside 3 others
    alone = reglab.train(moons, [on], seeds=[1], progress=False)[0]
    assert batched.history["train_loss"] != baseline.history["train_loss"], "switched on, the piece changes training"
    for key in ("train_loss", "val_loss", "weight_l2"):
        np.testing.assert_allclose(batched.history[key], alone.history[key], rtol=1e-4, atol=1e-6, err_msg=key)
    for got, want in zip(batched.members[0]["weights"], alone.members[0]["weights"]):
        np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-6)


@pytest.mark.parametrize("cls", [cls for cls in REGISTRY if cls.shrinks], ids=_names)
def test_a_stronger_setting_gives_smaller_weights(cls, moons):
    weaker, stronger = cls.shrinks
    runs = reglab.train(moons, [_variant(weaker, "weaker"), _variant(stronger, "stronger")], seeds=[0], progress=False)
    assert runs[1].metrics["weight_l2"] < runs[0].metrics["weight_l2"]


@pytest.mark.parametrize("cls", REGISTRY, ids=_names)
def test_its_state_round_trips(cls):
    piece = cls.build([_variant(cls.example)])
    state = piece.state_dict()
    assert isinstance(state, dict) and all(isinstance(v, torch.Tensor) for v in state.values())
    piece.load_state_dict({name: value.clone() for name, value in state.items()})
    assert piece.state_dict().keys() == state.keys()
