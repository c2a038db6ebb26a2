"""`reglab.sweep` with real (tiny) training: the U-shaped curve, L1 feature selection, resume, the outputs."""

from __future__ import annotations

import json

import numpy as np
import pytest

import reglab
import reglab.experiments.stored as stored  # where sweeps call reglab.train, with or without a store
from reglab import sweep
from reglab.errors import CompareInterrupted
from reglab.sweeps.selection import kept_features, score_selection


@pytest.fixture(scope="module")
def overfit_case():
    """Built to overfit: 30 noisy training points, a 64x64 network, 300 full-batch epochs, L2 from 1e-5 to 1."""
    ds = reglab.load_dataset("moons", n_samples=150, train_size=0.2, noise=0.3)
    return sweep(ds, "l2", "1e-5:1:log6", base="hidden=64x64", seeds=2, epochs=300, progress=False, log=None)


def test_validation_curve_is_u_shaped_and_the_choice_is_inside(overfit_case):
    result = overfit_case
    val = result.means("val_loss")
    assert 0 < result.chosen < len(result.points) - 1, result.choice_line()
    assert val[0] > val[result.chosen] and val[-1] > val[result.chosen]
    assert result.points[0].region == "overfitting" and result.points[-1].region == "underfitting"
    assert result.chosen_point.region == "good"
    # the overfitting end fits its training set far better than new data
    first = result.points[0]
    assert first.mean("train_loss") < 0.1 < first.mean("val_loss") - first.mean("train_loss")
    assert result.chosen >= result.best and result.chosen_point.mean("val_loss") <= result.threshold


def test_the_choice_follows_the_rule_on_the_stored_numbers(overfit_case):
    result = overfit_case
    errors = [np.std([r.metrics["val_loss"] for r in result.runs_of(i)], ddof=1) / np.sqrt(2) for i in range(6)]
    val = result.means("val_loss")
    best = int(np.argmin(val))
    within = [i for i in range(6) if val[i] <= val[best] + errors[best]]
    assert (result.best, result.chosen) == (best, max(within))
    assert result.chosen_values == {"l2": result.values[0][result.chosen]}
    assert result.choice_line().startswith(f"chosen: l2={result.chosen_point.values[0]:.4g} ")


def test_l1_feature_selection_recovers_the_informative_features():
    ds = reglab.load_dataset("classification", n_samples=300, n_features=10, n_informative=3, n_redundant=0)
    result = sweep(ds, "prox", "1e-3,1e-2,3e-2", base="hidden=16x16", seeds=2, epochs=100, progress=False, log=None)
    path = result.path
    assert path is not None and path.norms.shape == (3, 2, 10) and path.weights.shape == (3, 10, 16)
    # independent recomputation from the raw first-layer weights of every run
    for point in result.points:
        for s, run in enumerate(result.runs_of(point.index)):
            W = run.members[0]["weights"][0]
            norms = np.sqrt((np.asarray(W, dtype=float) ** 2).sum(axis=1))
            np.testing.assert_allclose(path.norms[point.index, s], norms, rtol=1e-6)
            assert path.kept[point.index][s] == kept_features(norms)
            assert path.zero_fraction[point.index, s] == pytest.approx(np.mean(W == 0))
    # more proximal L1, more exact zeros
    assert path.zero_fraction.mean(1)[0] < path.zero_fraction.mean(1)[1] <= path.zero_fraction.mean(1)[2]
    selection = result.selection()
    assert selection["informative"] == ds.informative_features
    assert selection["recall"].mean == 1.0 and selection["precision"].mean >= 0.75
    expected = [score_selection(k, ds.informative_features) for k in path.kept[result.chosen]]
    assert selection["precision"].mean == pytest.approx(np.mean([e.precision for e in expected]))


def test_resume_after_an_interruption_trains_only_the_missing_runs(tmp_path, monkeypatch):
    ds = reglab.load_dataset("moons", n_samples=80)
    args = dict(base="hidden=8", seeds=2, epochs=3, progress=False, log=None, out_dir=tmp_path / "out")
    real_train = stored.train
    trained: list[tuple[str, int]] = []

    def interrupted_train(dataset, variants, seeds, *, on_run=None, **kw):
        def keep_then_stop(run):
            on_run(run)
            trained.append((run.variant.label, run.seed))
            if len(trained) == 3:
                raise KeyboardInterrupt

        return real_train(dataset, variants, seeds, on_run=keep_then_stop, **kw)

    monkeypatch.setattr(stored, "train", interrupted_train)
    with pytest.raises(CompareInterrupted) as caught:
        sweep(ds, "dropout", "0,0.2,0.4", **args)
    assert (caught.value.kept, caught.value.total) == (3, 6)
    first = list(trained)

    retrained: list[tuple[str, int]] = []

    def counting_train(dataset, variants, seeds, *, on_run=None, **kw):
        def keep(run):
            retrained.append((run.variant.label, run.seed))
            on_run(run)

        return real_train(dataset, variants, seeds, on_run=keep, **kw)

    monkeypatch.setattr(stored, "train", counting_train)
    result = sweep(ds, "dropout", "0,0.2,0.4", **args)
    assert (result.trained, result.reused) == (3, 3)
    assert not set(first) & set(retrained) and len(retrained) == 3
    again = sweep(ds, "dropout", "0,0.2,0.4", **args)
    assert (again.trained, again.reused) == (0, 6) and len(retrained) == 3
    assert [r.metrics for r in again.runs] == [r.metrics for r in result.runs]


def test_outputs_2d_sweep_heat_map_report_and_json(tmp_path):
    ds = reglab.load_dataset("moons", n_samples=80)
    out = tmp_path / "out"
    result = reglab.sweep(ds, "l2", "1e-4,1e-2", param2="dropout", values2="0,0.3", base="hidden=8",
                          seeds=2, epochs=3, progress=False, log=None, out_dir=out)
    assert result.is_2d and len(result.points) == 4 and len(result.runs) == 8
    names = {f.path.name for f in result.figures}
    assert names == {"heatmap.png", "boundaries.png", "sweep_dataset.png"}
    assert all((out / n).stat().st_size > 10_000 for n in names)
    html = (out / "report.html").read_text()
    assert "reglab sweep: l2 × dropout" in html and html.count("data:image/png;base64,") == 3
    assert "http://" not in html and "https://" not in html
    assert "reglab sweep moons --n-samples 80 --param l2 --values 0.0001,0.01 --param dropout" in html
    document = json.loads((out / "results.json").read_text())
    assert document["schema"] == "reglab.results/1" and len(document["runs"]) == 8
    section = document["sweep"]
    assert [p["name"] for p in section["params"]] == ["l2", "dropout"]
    assert section["chosen"]["label"] == result.chosen_point.label
    assert len(section["points"]) == 4 and section["path"] is None


def test_l1_sweep_writes_the_path_figures(tmp_path):
    ds = reglab.load_dataset("classification", n_samples=100, n_features=6, n_informative=2, n_redundant=0)
    result = sweep(ds, "l1", "0,1e-3,1e-2", base="hidden=8", seeds=1, epochs=3, progress=False, log=None,
                   out_dir=tmp_path)
    assert [f.name for f in result.figures] == ["validation_curve", "regularization_path", "sparsity_path"]
    section = json.loads((tmp_path / "results.json").read_text())["sweep"]
    assert np.asarray(section["path"]["feature_norms"]).shape == (3, 1, 6)
    assert section["selection"]["informative"] == list(ds.informative_features)


def test_bad_values_are_refused_before_any_training(monkeypatch):
    monkeypatch.setattr(stored, "train", lambda *a, **k: pytest.fail("trained"))
    ds = reglab.load_dataset("moons", n_samples=60)
    with pytest.raises(reglab.ReglabError, match=r"Grid point dropout=1: .*\[0, 1\)"):
        sweep(ds, "dropout", "0,0.5,1", log=None)
    with pytest.raises(reglab.ReglabError, match="both 'l2'"):
        sweep(ds, "l2", "0,1", param2="l2", values2="1,2", log=None)
    with pytest.raises(reglab.ReglabError, match="needs both"):
        sweep(ds, "l2", "0,1", param2="dropout", log=None)


def test_reglab_report_rebuilds_a_sweep_from_the_store_without_training(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from reglab.cli import app

    out = tmp_path / "out"
    args = ["--param", "hidden", "--values", "4,8", "--param", "dropout", "--values", "0,0.3"]
    first = CliRunner().invoke(app, ["sweep", "moons", "--n-samples", "80", *args, "--base", "l2=1e-3",
                                     "--epochs", "3", "--seeds", "2", "--quiet", "--out", str(out)],
                               catch_exceptions=False)
    assert first.exit_code == 0, first.output
    original = json.loads((out / "results.json").read_text())
    outputs = ["report.html", "results.json", "heatmap.png", "boundaries.png", "sweep_dataset.png"]
    for name in outputs:
        (out / name).unlink()

    monkeypatch.setattr(stored, "train", lambda *a, **k: pytest.fail("trained"))
    monkeypatch.setattr(reglab.api, "train", lambda *a, **k: pytest.fail("trained"))
    again = CliRunner().invoke(app, ["report", str(out)], catch_exceptions=False)
    assert again.exit_code == 0, again.output
    assert all((out / name).is_file() for name in outputs)
    assert again.stdout.strip().splitlines()[-1] == first.stdout.strip().splitlines()[-1]
    assert again.stdout == first.stdout
    rebuilt = json.loads((out / "results.json").read_text())
    assert rebuilt["sweep"] == original["sweep"] and rebuilt["runs"] == original["runs"]
    html = (out / "report.html").read_text()
    assert "reglab sweep moons --n-samples 80 --param hidden --values 8x8,4x4 --param dropout" in html


def test_an_experiment_recorded_without_a_kind_is_a_compare():
    from reglab.store import ExperimentRecord

    old = {"dataset": "moons", "options": {}, "variants": [], "specs": ["baseline"], "seeds": [0]}
    record = ExperimentRecord.from_dict(old)
    assert (record.kind, record.params, record.base) == ("compare", (), None)
    assert ExperimentRecord.from_dict(record.to_dict()) == record


def test_a_2d_sweep_marks_regions_too():
    from reglab.sweeps.choice import REGIONS

    ds = reglab.load_dataset("moons", n_samples=80, noise=0.3, seed=0)
    result = reglab.sweep(ds, "l2", "1e-4,1", param2="dropout", values2="0,0.5", base="hidden=8", seeds=2, epochs=3,
                          progress=False, log=None)
    assert all(point.region in REGIONS for point in result.points)
    assert result.points[result.chosen].region == "good"
