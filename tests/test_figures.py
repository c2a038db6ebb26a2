"""reglab.figures: every figure is built with the expected panels and labels, one colour per
variant across figures, PNGs written, and no crash on the edge cases (1 seed, many variants,
early stopping, regression, multiclass, diverged runs)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from matplotlib.colors import to_hex
from matplotlib.figure import Figure

import reglab
from reglab import ReglabError, Run
from reglab.figures import (
    FigureFile,
    plot_dataset,
    plot_decision_boundaries,
    plot_generalization_gap,
    plot_loss_curves,
    plot_sparsity,
    plot_weight_distributions,
    save_figures,
    variant_colors,
)

PNG = b"\x89PNG\r\n\x1a\n"
SPECS = ["baseline:hidden=8x8", "hidden=8x8,l1=0.01", "hidden=8x8,prox=0.05", "hidden=8x8,early_stopping=2",
         "boom:hidden=8x8,optimizer=sgd,lr=1e6"]
"""Five variants on moons: a baseline, L1, exact zeros, early stopping, one that diverges."""


@pytest.fixture(scope="module")
def moons():
    return reglab.load_dataset("moons", n_samples=200, noise=0.3, seed=0)


@pytest.fixture(scope="module")
def runs(moons) -> list[Run]:
    return reglab.train(moons, SPECS, seeds=[0, 1], epochs=15, progress=False)


def labels_of(runs: list[Run]) -> list[str]:
    return list(dict.fromkeys(run.variant.label for run in runs))


def panels(fig: Figure) -> list:
    """The axes that are not colour bars."""
    return [ax for ax in fig.axes if ax.get_label() != "<colorbar>"]


def test_variant_colors_are_distinct_stable_and_baseline_is_grey() -> None:
    labels = ["baseline", *(f"v{i}" for i in range(20))]
    colors = variant_colors(labels)
    assert list(colors) == labels
    assert len(set(colors.values())) == len(labels)
    assert colors == variant_colors(labels)
    assert colors["baseline"] == "#3a3a3a"
    assert variant_colors(["a", "a", "b"]) == {"a": colors["v0"], "b": colors["v1"]}


def test_plot_dataset(moons) -> None:
    fig = plot_dataset(moons)
    (ax,) = fig.axes
    assert ax.get_xlabel() == "x0 (standardized)" and ax.get_ylabel() == "x1 (standardized)"
    assert "120 training and 40 validation" in ax.get_title()
    assert ax.get_legend() is not None


def test_plot_decision_boundaries_one_panel_per_variant(runs, moons) -> None:
    fig = plot_decision_boundaries(runs, moons)
    axes = panels(fig)
    assert len(axes) == len(SPECS)
    assert len(fig.axes) == len(SPECS) + 1  # + the probability colour bar
    assert "val acc" in axes[0].get_title()
    assert axes[0].get_ylabel() == "x1" and axes[-1].get_xlabel() == "x0"
    assert any("diverged" in text.get_text() for text in axes[-1].texts)


def test_plot_loss_curves_grid(runs) -> None:
    fig = plot_loss_curves(runs)
    assert len(fig.axes) == len(SPECS)
    assert fig.axes[0].get_ylabel() == "binary cross-entropy"
    assert fig.axes[-1].get_xlabel() == "epoch"
    assert [ax.get_title() for ax in fig.axes] == labels_of(runs)
    assert fig.legends, "one legend explains the line styles"
    assert any("diverged" in text.get_text() for text in fig.axes[-1].texts)


def test_plot_weight_distributions_boxes_and_histograms(runs) -> None:
    fig = plot_weight_distributions(runs)
    assert len(fig.axes) == 1 + len(SPECS)  # the box plot + one histogram per variant
    box = fig.axes[0]
    assert box.get_xscale() == "symlog" and "weight" in box.get_xlabel() and box.get_ylabel() == "variant"
    assert "|w|" in fig.axes[-1].get_xlabel()
    # exact zeros of the proximal variant are drawn as a hatched bar
    prox = fig.axes[1 + labels_of(runs).index("hidden=8x8,prox=0.05")]
    assert any(patch.get_hatch() for patch in prox.patches)


def test_plot_sparsity_three_panels(runs) -> None:
    fig = plot_sparsity(runs)
    assert len(fig.axes) == 3
    assert all(ax.get_xlabel() for ax in fig.axes)
    assert [t.get_text() for t in fig.axes[0].get_yticklabels()] == labels_of(runs)


def test_plot_generalization_gap_two_panels(runs) -> None:
    fig = plot_generalization_gap(runs)
    gap, score = fig.axes
    assert "validation − training loss" in gap.get_xlabel() and gap.get_ylabel() == "variant"
    assert "accuracy" in score.get_xlabel()
    assert any(text.get_text() == "diverged" for text in gap.texts)


def test_one_colour_per_variant_across_figures(runs, moons) -> None:
    expected = variant_colors(labels_of(runs))
    curves = plot_loss_curves(runs)
    boundaries = plot_decision_boundaries(runs, moons)
    sparsity = plot_sparsity(runs)
    for i, label in enumerate(labels_of(runs)):
        assert to_hex(curves.axes[i].title.get_color()) == expected[label]
        assert to_hex(panels(boundaries)[i].title.get_color()) == expected[label]
        assert to_hex(sparsity.axes[0].get_yticklabels()[i].get_color()) == expected[label]


def test_save_figures_writes_pngs_in_reading_order(runs, moons, tmp_path) -> None:
    files = save_figures(runs, moons, tmp_path / "figs")
    assert [f.name for f in files] == ["dataset", "decision_boundaries", "loss_curves", "weight_distributions",
                                       "sparsity", "generalization_gap"]
    for f in files:
        assert isinstance(f, FigureFile) and f.title and f.caption
        assert f.path == tmp_path / "figs" / f"{f.name}.png"
        assert f.path.read_bytes()[:8] == PNG and f.path.stat().st_size > 10_000


def test_save_figures_refuses_an_unwritable_folder(runs, moons, tmp_path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(ReglabError, match="Cannot create the figure folder"):
        save_figures(runs, moons, blocker / "figs")


def test_empty_runs_and_non_2d_data_are_refused(moons) -> None:
    with pytest.raises(ReglabError, match="empty"):
        plot_loss_curves([])
    wine = reglab.load_dataset("wine")
    with pytest.raises(ReglabError, match="2-D"):
        plot_dataset(wine)


# -- edge cases ------------------------------------------------------------------------
def test_one_seed_and_many_variants(moons) -> None:
    specs = ["baseline:hidden=8x8", *(f"hidden=8x8,l2={s:g}" for s in np.geomspace(1e-4, 1e-1, 11))]
    runs = reglab.train(moons, specs, seeds=[3], epochs=5, progress=False)
    assert len(panels(plot_decision_boundaries(runs, moons))) == 12
    assert len(plot_loss_curves(runs).axes) == 12
    assert len(plot_weight_distributions(runs).axes) == 13
    plot_sparsity(runs)
    plot_generalization_gap(runs)


def test_regression_skips_2d_figures_and_uses_r2(tmp_path) -> None:
    ds = reglab.load_dataset("diabetes", seed=0)
    runs = reglab.train(ds, ["hidden=8x8", "hidden=8x8,early_stopping=1"], seeds=[0, 1], epochs=8, progress=False)
    files = save_figures(runs, ds, tmp_path)
    assert [f.name for f in files] == ["loss_curves", "weight_distributions", "sparsity", "generalization_gap"]
    assert plot_loss_curves(runs).axes[0].get_ylabel() == "MSE"
    assert "R²" in plot_generalization_gap(runs).axes[1].get_xlabel()


def test_2d_regression_and_multiclass_boundaries() -> None:
    rng = np.random.default_rng(0)
    X = rng.normal(size=(150, 2))
    regression = reglab.Dataset.from_arrays(X, X[:, 0] ** 2 + 0.3 * X[:, 1] + rng.normal(0, 0.1, 150) + 0.01, task="regression")
    runs = reglab.train(regression, ["hidden=8x8"], epochs=3, progress=False)
    fig = plot_decision_boundaries(runs, regression)
    assert "predicted value" in fig.axes[-1].get_ylabel()
    plot_dataset(regression)

    blobs = reglab.load_dataset("blobs", n_samples=150, seed=0)
    assert blobs.task == "multiclass"
    runs = reglab.train(blobs, ["hidden=8x8", "hidden=8x8,dropout=0.2"], epochs=3, progress=False)
    fig = plot_decision_boundaries(runs, blobs)
    assert len(fig.axes) == 2  # regions coloured by class: no probability colour bar
    assert plot_loss_curves(runs).axes[0].get_ylabel() == "cross-entropy"


def test_nan_histories_do_not_crash(runs, moons) -> None:
    first = runs[0]
    broken = Run(first.variant, 7, {k: [*v[:5], math.nan] for k, v in first.history.items()},
                 {**first.metrics, "diverged": 1.0, "val_loss": math.nan, "generalization_gap": math.inf},
                 first.task, first.arch, [{k: [np.full_like(a, np.nan) for a in v] for k, v in first.members[0].items()}])
    mixed = [*runs, broken]
    for make in (plot_loss_curves, plot_weight_distributions, plot_sparsity, plot_generalization_gap):
        assert isinstance(make(mixed), Figure)
    assert isinstance(plot_decision_boundaries([broken], moons), Figure)
