"""The batched engine: equal to an independent torch reference, to training alone, and reproducible."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

import reglab
from reglab.engine.network import Architecture, StackedMLP
from tests.reference import reference_weights

EPOCHS = 6


@pytest.fixture(scope="module")
def moons():
    return reglab.load_dataset("moons", n_samples=200, noise=0.25, seed=0)


@pytest.mark.parametrize(
    "spec",
    [
        "hidden=16x8",
        "hidden=16x8,l1=1e-3",
        "hidden=16x8,l2=1e-3",
        "hidden=16x8,l1=1e-3,l2=1e-3",
        "hidden=16x8,weight_decay=0.05",
        "hidden=16x8,prox=1e-2",
        "hidden=16x8,max_norm=0.8",
        "hidden=16x8,optimizer=sgd,lr=0.05,momentum=0.9",
        "hidden=16x8,batch_size=full",
    ],
)
def test_engine_matches_torch_optim_reference(moons, spec):
    variant = reglab.Variant.parse(spec).replace(epochs=EPOCHS)
    run = reglab.train(moons, [variant], seeds=[3], progress=False)[0]
    expected = reference_weights(moons, variant, seed=3)
    for got, want in zip(run.members[0]["weights"], expected):
        np.testing.assert_allclose(got, want, atol=2e-5, rtol=1e-4)


SPECS = [
    "baseline",
    "l1=1e-3",
    "l2=1e-3",
    "prox=1e-2",
    "weight_decay=0.05",
    "dropout=0.3",
    "noise=0.2",
    "max_norm=1",
    "unit_norm=true",
    "non_neg=true",
    "early_stopping=2",
    "elastic:l1=1e-3,l2=1e-3,dropout=0.2/0.1",
]


def _small(specs, epochs=8):
    return [reglab.Variant.parse(s).replace(hidden=(16, 8), epochs=epochs, name=reglab.Variant.parse(s).label) for s in specs]


def test_batched_equals_alone(moons):
    variants = _small(SPECS)
    batched = reglab.train(moons, variants, seeds=[0, 1], progress=False)
    for run in batched[1::2]:  # seed 1: trained beside seed 0 and eleven other variants
        alone = reglab.train(moons, [run.variant], seeds=[run.seed], progress=False)[0]
        assert alone.metrics["stopped_epoch"] == run.metrics["stopped_epoch"]
        for key in ("train_loss", "val_loss", "weight_l1", "exact_zero_fraction"):
            np.testing.assert_allclose(run.history[key], alone.history[key], rtol=1e-4, atol=1e-6, err_msg=f"{run.name} {key}")
        for got, want in zip(run.members[0]["weights"], alone.members[0]["weights"]):
            np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-6)


def test_same_seeds_repeat_exactly(moons):
    variants = _small(["dropout=0.3", "noise=0.1", "l1=1e-3"], epochs=4)
    first = reglab.train(moons, variants, seeds=[0, 5], progress=False)
    second = reglab.train(moons, variants, seeds=[0, 5], progress=False)
    for a, b in zip(first, second):
        assert a.history == b.history
        assert a.metrics == b.metrics


def test_different_seeds_differ(moons):
    a, b = reglab.train(moons, _small(["baseline"], epochs=2), seeds=[0, 1], progress=False)
    assert a.history["val_loss"] != b.history["val_loss"]


def test_paired_variants_share_initial_weights_and_order():
    arch = Architecture(2, (8, 4), 1)
    net = StackedMLP(arch, [(0, 0), (1, 0), (0, 0), (0, 1)])
    for w in net.weights:
        assert torch.equal(w[0], w[2])  # same seed, other variant: same start
        assert not torch.equal(w[0], w[1])  # other seed
        assert not torch.equal(w[0], w[3])  # other ensemble member


def test_regularizer_that_does_nothing_equals_baseline(moons):
    """Paired comparison: l1=0 and dropout=0 are the baseline to the bit (same init, same batches)."""
    runs = reglab.train(moons, _small(["baseline", "zero:l1=0,dropout=0,noise=0"], epochs=3), seeds=[2], progress=False)
    assert runs[0].history == runs[1].history


def test_diverging_model_is_marked_and_does_not_disturb_others(moons):
    variants = _small(["baseline", "boom:optimizer=sgd,lr=1e4,momentum=0.99"], epochs=5)
    runs = reglab.train(moons, variants, seeds=[0], progress=False)
    baseline_alone = reglab.train(moons, variants[:1], seeds=[0], progress=False)[0]
    assert runs[1].diverged and runs[1].metrics["stopped_epoch"] < 5
    assert not runs[0].diverged
    assert runs[0].history == baseline_alone.history


def test_history_has_one_value_per_epoch_and_metrics_are_floats(moons):
    run = reglab.train(moons, _small(["l1=1e-3"], epochs=5), seeds=[0], progress=False)[0]
    for key in ("train_loss", "val_loss", "train_loss_running", "penalty", "train_acc", "val_acc", "weight_l1",
                "weight_l2", "exact_zero_fraction", "near_zero_fraction", "min_abs_weight"):
        assert len(run.history[key]) == 5, key
    for key in ("train_loss", "val_loss", "test_loss", "best_val_loss", "best_epoch", "stopped_epoch", "penalty",
                "train_acc", "val_acc", "test_acc", "weight_l1", "weight_l2", "exact_zero_fraction",
                "near_zero_fraction", "min_abs_weight", "diverged", "generalization_gap"):
        assert isinstance(run.metrics[key], float), key
    assert run.metrics["best_val_loss"] == min(run.history["val_loss"])
    assert run.history["penalty"][-1] == pytest.approx(1e-3 * run.history["weight_l1"][-1], rel=1e-5)


def test_early_stopping_restores_the_best_epoch(moons):
    variant = reglab.Variant(hidden=(64, 64), early_stopping=3, epochs=200, lr=0.05)
    small = reglab.load_dataset("moons", n_samples=120, noise=0.35, seed=1, train_size=0.3)
    run = reglab.train(small, [variant], seeds=[0], progress=False)[0]
    best = run.metrics["best_epoch"]
    assert run.metrics["stopped_epoch"] == best + 3 < 200
    assert len(run.history["val_loss"]) == run.metrics["stopped_epoch"]
    # the returned model is the best epoch's: its validation loss is the best one
    assert run.metrics["val_loss"] == pytest.approx(run.history["val_loss"][int(best) - 1], rel=1e-5)
    assert run.metrics["val_loss"] < run.history["val_loss"][-1]


def test_prox_gives_exact_zeros_where_gradient_l1_does_not(moons):
    runs = reglab.train(moons, _small(["l1=1e-2", "prox=1e-2"], epochs=30), seeds=[0], progress=False)
    gradient_l1, proximal = runs
    assert gradient_l1.metrics["exact_zero_fraction"] == 0.0
    assert gradient_l1.metrics["near_zero_fraction"] > 0.05
    assert proximal.metrics["exact_zero_fraction"] > 0.2
    assert proximal.history["exact_zero_fraction"][-1] == proximal.metrics["exact_zero_fraction"]


def test_max_norm_holds_and_binds(moons):
    runs = reglab.train(moons, _small(["baseline", "max_norm=0.5"], epochs=10), seeds=[0], progress=False)
    for w in runs[1].members[0]["weights"]:
        norms = np.linalg.norm(w, axis=0)
        assert norms.max() <= 0.5 + 1e-5
    assert max(np.linalg.norm(w, axis=0).max() for w in runs[0].members[0]["weights"]) > 0.5


def test_unit_norm_and_non_neg_hold(moons):
    unit, nonneg = reglab.train(moons, _small(["unit_norm=true", "non_neg=true"], epochs=3), seeds=[0], progress=False)
    for w in unit.members[0]["weights"]:
        np.testing.assert_allclose(np.linalg.norm(w, axis=0), 1.0, rtol=1e-5)
    assert all((w >= 0).all() for w in nonneg.members[0]["weights"])


def _module_outputs(run, X):
    with torch.no_grad():
        return run.module()(torch.as_tensor(X)).numpy()


@pytest.mark.parametrize(
    "dataset, spec",
    [
        ("moons", "dropout=0.3,batchnorm=true"),
        ("moons", "ensemble=3,noise=0.1"),
        ("blobs", "hidden=16,activation=tanh"),
        ("diabetes", "hidden=16x8,l2=1e-3"),
    ],
)
def test_module_predictions_equal_the_labs(dataset, spec):
    ds = reglab.load_dataset(dataset, seed=0) if dataset == "diabetes" else reglab.load_dataset(dataset, n_samples=200, seed=0)
    run = reglab.train(ds, [reglab.Variant.parse(spec).replace(epochs=4)], seeds=[0], progress=False)[0]
    module = run.module()
    assert isinstance(module, torch.nn.Module) and not module.training
    out = _module_outputs(run, ds.X_val)
    if ds.task == "regression":
        mse = float(np.mean((out[:, 0] - ds.y_val) ** 2))
        assert mse == pytest.approx(run.metrics["val_loss"], rel=1e-4)
        return
    probs = np.column_stack([1 - out[:, 0], out[:, 0]]) if ds.task == "binary" else out
    log_loss = -np.mean(np.log(probs[np.arange(len(ds.y_val)), ds.y_val]))
    assert log_loss == pytest.approx(run.metrics["val_loss"], rel=1e-4)
    assert np.mean(run.predict(ds.X_val) == ds.y_val) == pytest.approx(run.metrics["val_acc"])


def test_mlp_module_is_a_plain_sequential(moons):
    run = reglab.train(moons, _small(["dropout=0.3"], epochs=1), seeds=[0], progress=False)[0]
    module = run.module()
    assert isinstance(module, torch.nn.Sequential)
    kinds = [type(layer).__name__ for layer in module]
    assert kinds == ["Linear", "ReLU", "Dropout", "Linear", "ReLU", "Dropout", "Linear", "Sigmoid"]


def test_linear_model_with_no_hidden_layer(moons):
    run = reglab.train(moons, [reglab.Variant(hidden=(), epochs=3)], seeds=[0], progress=False)[0]
    assert [type(layer).__name__ for layer in run.module()] == ["Linear", "Sigmoid"]
    assert 0.6 < run.metrics["val_acc"] <= 1.0


def test_ensemble_averages_its_members(moons):
    run = reglab.train(moons, _small(["ensemble=3"], epochs=3), seeds=[0], progress=False)[0]
    module = run.module()
    assert len(module.members) == 3
    X = torch.as_tensor(moons.X_val)
    with torch.no_grad():
        mean = torch.stack([member(X) for member in module.members]).mean(0)
        np.testing.assert_allclose(module(X).numpy(), mean.numpy())
        assert not torch.equal(module.members[0](X), module.members[1](X))


def test_run_round_trips_through_json(moons):
    import json

    run = reglab.train(moons, _small(["l1=1e-3"], epochs=2), seeds=[0], progress=False)[0]
    again = reglab.Run.from_dict(json.loads(json.dumps(run.to_dict())))
    assert again.variant == run.variant and again.history == run.history and again.metrics == run.metrics
    np.testing.assert_array_equal(again.predict_proba(moons.X_val), run.predict_proba(moons.X_val))


def test_train_refuses_bad_input(moons):
    with pytest.raises(reglab.ReglabError, match="seeds"):
        reglab.train(moons, ["baseline"], seeds=[], progress=False)
    with pytest.raises(reglab.ReglabError, match="Did you mean 'dropout'"):
        reglab.train(moons, ["dropuot=0.3"], progress=False)
    diabetes = reglab.load_dataset("diabetes")
    with pytest.raises(reglab.ReglabError, match="monitor=val_acc"):
        reglab.train(diabetes, ["early_stopping=5,monitor=val_acc"], progress=False)
    with pytest.raises(reglab.ReglabError, match="share the label"):
        reglab.train(moons, ["l1=1e-3", "l1=0.001"], progress=False)


def test_runs_are_returned_variant_major(moons):
    runs = reglab.train(moons, _small(["baseline", "batchnorm=true", "l1=1e-3"], epochs=1), seeds=[4, 7], progress=False)
    assert [(r.name, r.seed) for r in runs] == [
        ("baseline", 4), ("baseline", 7), ("batchnorm=true", 4), ("batchnorm=true", 7), ("l1=0.001", 4), ("l1=0.001", 7),
    ]
    assert all(math.isfinite(r.metrics["val_loss"]) for r in runs)


@pytest.fixture(scope="module")
def digits():
    return reglab.load_dataset("digits", seed=0, train_size=0.3)


def test_cnn_trains_on_digits_and_exports_a_plain_module(digits):
    variant = reglab.Variant(conv=(4, 8), hidden=(16,), conv_dropout=0.2, dropout=0.2, l2=1e-4, epochs=6)
    run = reglab.train(digits, [variant], seeds=[0], progress=False)[0]
    assert run.metrics["val_acc"] > 0.5  # ten classes: chance is 0.1
    module = run.module()
    kinds = [type(layer).__name__ for layer in module]
    assert kinds == ["Unflatten", "Conv2d", "ReLU", "Dropout", "MaxPool2d", "Dropout", "Conv2d", "ReLU", "Dropout",
                     "MaxPool2d", "Dropout", "Flatten", "Linear", "ReLU", "Dropout", "Linear", "Softmax"]
    out = _module_outputs(run, digits.X_val)
    log_loss = -np.mean(np.log(out[np.arange(len(digits.y_val)), digits.y_val]))
    assert log_loss == pytest.approx(run.metrics["val_loss"], rel=1e-4)


def test_cnn_batched_equals_alone_and_max_norm_holds_per_filter(digits):
    variants = [
        reglab.Variant(name="plain", conv=(4,), hidden=(8,), epochs=3),
        reglab.Variant(name="reg", conv=(4,), hidden=(8,), epochs=3, conv_dropout=0.3, max_norm=0.5),
    ]
    batched = reglab.train(digits, variants, seeds=[1], progress=False)
    alone = reglab.train(digits, variants[1:], seeds=[1], progress=False)[0]
    np.testing.assert_allclose(batched[1].history["val_loss"], alone.history["val_loss"], rtol=1e-4)
    kernel = batched[1].members[0]["kernels"][0]  # [9, 4]: one column per filter
    assert np.linalg.norm(kernel, axis=0).max() <= 0.5 + 1e-5


def test_conv_needs_image_data(moons):
    with pytest.raises(reglab.ReglabError, match="conv needs image data"):
        reglab.train(moons, ["conv=4"], progress=False)


def test_adam_shared_rate_and_per_model_rates_give_the_same_update():
    """A model's update does not depend on the other models' rates (one path for all): equal updates, to the bit."""
    from reglab.engine.optimizers import BatchedAdam

    gen = torch.Generator().manual_seed(0)
    params = [torch.randn(2, 3, 4, generator=gen), torch.randn(2, 1, 4, generator=gen)]
    shared, mixed = BatchedAdam([p.clone() for p in params]), BatchedAdam([p.clone() for p in params])
    for _ in range(3):
        grads = [torch.randn(p.shape, generator=gen) for p in params]
        shared.step(grads, torch.tensor([0.01, 0.01]))
        mixed.step(grads, torch.tensor([0.01, 0.0]))
    for start, after_shared, after_mixed in zip(params, shared.params, mixed.params):
        assert not torch.equal(after_shared[0], start[0])
        torch.testing.assert_close(after_mixed[0], after_shared[0], rtol=0, atol=1e-7)
        assert torch.equal(after_mixed[0], after_shared[0])
        assert torch.equal(after_mixed[1], start[1])  # rate 0 leaves the model as it was


@pytest.mark.parametrize("fast", ["0", "1"], ids=["batched path", "compiled path"])
def test_the_bias_batch_norm_cancels_gets_no_data_gradient_on_either_path(moons, monkeypatch, fast):
    """Batch norm subtracts the minibatch mean, so a constant added before it changes nothing: the hidden biases'
    data gradient is exactly 0 and they stay at 0 (rather than moving by Adam's normalized rounding noise)."""
    monkeypatch.setenv("REGLAB_FAST", fast)
    (run,) = reglab.train(moons, _small(["batchnorm=true,l2=1e-3,penalize_bias=true"], epochs=4), seeds=[0], progress=False)
    *hidden, output = run.members[0]["biases"]
    assert all(np.all(np.asarray(b) == 0) for b in hidden)
    assert np.any(np.asarray(output) != 0)
    assert np.any(np.asarray(run.members[0]["bn_shift"][0]) != 0)
