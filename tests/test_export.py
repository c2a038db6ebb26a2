"""`reglab export`: the pick as one PyTorch file that takes raw columns and answers as reglab does."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import torch

import reglab
from conftest import invoke
from reglab.experiments import chosen_run, read_experiment
from reglab.model_file import raw_input_module


def _raw(ds: reglab.Dataset, X: np.ndarray) -> torch.Tensor:
    """Standardized rows back in the data set's own units."""
    return torch.as_tensor(X * ds.feature_std + ds.feature_mean, dtype=torch.float32)


def test_export_writes_the_pick_and_it_answers_like_the_run(compared_copy: Path, runner) -> None:
    result = invoke(runner, ["export", str(compared_copy)])
    assert result.exit_code == 0, result.output
    stored = read_experiment(compared_copy)
    run, _ = chosen_run(stored)
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"exported: {run.name}, seed {run.seed} (the comparison's pick")
    assert lines[0].endswith(f"to {compared_copy / 'model.pt'}")
    # the pick is the variant with the lowest mean validation loss, and its best seed
    means = {label: np.mean([r.metrics["val_loss"] for r in stored.runs if r.name == label]) for label in {r.name for r in stored.runs}}
    assert run.name == min(means, key=means.get)
    assert run.metrics["val_loss"] == min(r.metrics["val_loss"] for r in stored.runs if r.name == run.name)

    report = (compared_copy / "report.html").read_text(encoding="utf-8")
    assert "take the model away: <code>reglab export " in report and f"writes {run.name} (its seed" in report

    model = torch.load(compared_copy / "model.pt", weights_only=False)
    ds = stored.dataset
    with torch.no_grad():
        from_file = model(_raw(ds, ds.X_val))
        from_run = run.module()(torch.as_tensor(ds.X_val))
    torch.testing.assert_close(from_file, from_run, rtol=1e-5, atol=1e-5)


def test_export_takes_a_variant_and_seed_and_refuses_unknown_ones(compared_copy: Path, runner, tmp_path: Path) -> None:
    target = tmp_path / "models" / "base.pt"
    result = invoke(runner, ["export", str(compared_copy), "--variant", "base", "--seed", "1", "--to", str(target)])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("exported: base, seed 1 (the variant asked for) to") and target.is_file()

    result = invoke(runner, ["export", str(compared_copy), "--variant", "nope"])
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        f"error: No variant 'nope' in the last compare of {compared_copy}; its variants: base, L1, drop <b>&.")
    result = invoke(runner, ["export", str(compared_copy), "--variant", "base", "--seed", "9"])
    assert result.exit_code == 2 and "its seeds: 0, 1" in result.stderr


def test_export_of_a_sweep_takes_its_choice(tmp_path: Path, runner) -> None:
    out = tmp_path / "out"
    args = ["sweep", "moons", "--n-samples", "80", "--epochs", "3", "--seeds", "2", "--base", "hidden=8", "--quiet",
            "--param", "l2", "--values", "1e-4:1e-2:log3", "--out", str(out)]
    assert invoke(runner, args).exit_code == 0
    chosen = json.loads((out / "results.json").read_text())["sweep"]["chosen"]["label"]
    result = invoke(runner, ["export", str(out)])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"exported: {chosen}, seed ") and "one-standard-error choice" in result.stdout


def test_a_regression_model_answers_in_the_targets_units() -> None:
    ds = reglab.load_dataset("diabetes", seed=0)
    run = reglab.train(ds, ["hidden=8,epochs=3"], seeds=[0], progress=False)[0]
    with torch.no_grad():
        raw_prediction = raw_input_module(run, ds)(_raw(ds, ds.X_test)).numpy().ravel()
        prediction = run.module()(torch.as_tensor(ds.X_test)).numpy().ravel()
    np.testing.assert_allclose(raw_prediction, ds.inverse_transform_target(prediction), rtol=1e-4, atol=1e-3)
    assert abs(raw_prediction.mean() - ds.target_mean) < 3 * ds.target_std  # in the target's units, not standardized


def test_export_of_nothing_is_one_error_line(tmp_path: Path, runner) -> None:
    result = invoke(runner, ["export", str(tmp_path / "no-such-dir")])
    assert result.exit_code == 2 and result.stderr.startswith("error: No such directory") and "Traceback" not in result.output


def test_an_ensemble_is_saved_and_loaded_whole(tmp_path: Path) -> None:
    from reglab.model_file import save_model

    ds = reglab.load_dataset("moons", n_samples=120, seed=0)
    run = reglab.train(ds, ["hidden=8,epochs=3,ensemble=3"], seeds=[0], progress=False)[0]
    path = save_model(run, ds, tmp_path / "ensemble.pt")
    model = torch.load(path, weights_only=False)  # EnsembleMean needs reglab importable, as here
    with torch.no_grad():
        torch.testing.assert_close(model(_raw(ds, ds.X_val)), run.module()(torch.as_tensor(ds.X_val)), rtol=1e-5, atol=1e-5)
