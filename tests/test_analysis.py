"""reglab.analysis.summary: statistics over seeds (checked against NumPy) and the comparison table."""

from __future__ import annotations

import math

import numpy as np
import pytest

from reglab import ReglabError, Run, Variant
from reglab.analysis import Stat, format_table, group_by_variant, summarize, table_columns, table_rows
from reglab.engine.network import Architecture


def fake_run(label: str, seed: int, metrics: dict[str, float], task: str = "binary", **settings) -> Run:
    """A Run with given metrics and no training (the summary only reads labels, seeds and metrics)."""
    return Run(Variant(name=label, **settings), seed, {}, metrics, task, Architecture(2, (4,), 1), [])


def test_stat_equals_numpy_mean_and_sample_std() -> None:
    values = [0.91, 0.93, 0.95, 0.90]
    stat = Stat.of(values)
    assert stat.mean == pytest.approx(np.mean(values))
    assert stat.std == pytest.approx(np.std(values, ddof=1))
    assert stat.n == 4


def test_stat_ignores_nan_and_inf_and_counts_finite_values() -> None:
    stat = Stat.of([0.5, math.nan, 0.7, math.inf])
    assert stat.n == 2
    assert stat.mean == pytest.approx(0.6)
    assert stat.std == pytest.approx(np.std([0.5, 0.7], ddof=1))


def test_stat_of_one_value_has_zero_std_and_of_none_is_nan() -> None:
    assert Stat.of([0.3]) == Stat(0.3, 0.0, 1)
    empty = Stat.of([math.nan, -math.inf])
    assert empty.n == 0 and math.isnan(empty.mean) and math.isnan(empty.std)


def test_stat_format() -> None:
    assert Stat(0.9312, 0.0041, 3).format(".3f") == "0.931 ± 0.004"
    assert Stat(0.9312, 0.0, 1).format(".3f") == "0.931"
    assert Stat(-1e-9, 0.0, 2).format(".3f") == "0.000 ± 0.000"  # no "-0.000"
    assert Stat(0.125, 0.01, 2).format(".1%") == "12.5% ± 1.0%"
    assert Stat(math.nan, math.nan, 0).format() == "—"


def test_group_by_variant_keeps_first_seen_order() -> None:
    runs = [fake_run("b", 0, {}), fake_run("a", 0, {}), fake_run("b", 1, {})]
    groups = group_by_variant(runs)
    assert list(groups) == ["b", "a"]
    assert [r.seed for r in groups["b"]] == [0, 1]


def test_summarize_matches_numpy_per_metric() -> None:
    accs = {"base": [0.90, 0.92, 0.97], "l1": [0.88, 0.89, 0.93]}
    runs = [
        fake_run(label, seed, {"val_acc": acc, "best_epoch": 10.0 + seed, "diverged": 0.0})
        for label, values in accs.items() for seed, acc in enumerate(values)
    ]
    summaries = summarize(runs)
    assert [s.label for s in summaries] == ["base", "l1"]
    for summary in summaries:
        assert summary.seeds == (0, 1, 2)
        assert summary.variant.label == summary.label
        assert set(summary.stats) == {"val_acc", "best_epoch", "diverged"}
        assert summary.stats["val_acc"].mean == pytest.approx(np.mean(accs[summary.label]))
        assert summary.stats["val_acc"].std == pytest.approx(np.std(accs[summary.label], ddof=1))
        assert summary.stats["best_epoch"].mean == pytest.approx(11.0)


def test_summarize_with_a_diverged_seed_counts_only_finite_values() -> None:
    runs = [fake_run("x", 0, {"val_loss": 0.4}), fake_run("x", 1, {"val_loss": math.nan}), fake_run("x", 2, {"val_loss": 0.6})]
    stat = summarize(runs)[0].stats["val_loss"]
    assert (stat.n, stat.mean) == (2, pytest.approx(0.5))


def test_summarize_refuses_no_runs() -> None:
    with pytest.raises(ReglabError, match="empty"):
        summarize([])


@pytest.mark.parametrize("task, score", [("binary", "acc"), ("multiclass", "acc"), ("regression", "r2")])
def test_table_columns_per_task(task: str, score: str) -> None:
    keys = [c.key for c in table_columns(task)]
    assert keys == [f"train_{score}", f"val_{score}", f"test_{score}", "val_loss", "generalization_gap", "best_epoch",
                    "stopped_epoch", "exact_zero_fraction", "near_zero_fraction", "min_abs_weight", "weight_l2"]


def test_table_columns_refuses_unknown_task() -> None:
    with pytest.raises(ReglabError, match="task"):
        table_columns("ranking")


def full_metrics(acc: float, **extra: float) -> dict[str, float]:
    keys = [c.key for c in table_columns("binary")]
    return {**{k: acc for k in keys}, "best_epoch": 41.0, "stopped_epoch": 500.0, **extra}


def test_table_rows_cells_are_mean_plus_minus_std() -> None:
    runs = [fake_run("base", 0, full_metrics(0.927)), fake_run("base", 1, full_metrics(0.935)),
            fake_run("l1", 0, full_metrics(0.9)), fake_run("l1", 1, full_metrics(math.nan))]
    rows = table_rows(summarize(runs), "binary")
    header = rows[0]
    assert header[0] == "variant" and header[1:] == [c.header for c in table_columns("binary")]
    assert [row[0] for row in rows[1:]] == ["base", "l1"]
    val_acc = header.index("val acc")
    assert rows[1][val_acc] == f"0.931 ± {np.std([0.927, 0.935], ddof=1):.3f}"
    assert rows[1][header.index("best epoch")] == "41 ± 0"
    assert rows[2][val_acc] == "0.900 (n=1)"  # one of two seeds has a value


def test_format_table_aligns_columns() -> None:
    runs = [fake_run("baseline", 0, full_metrics(0.9)), fake_run("a much longer label", 0, full_metrics(0.8))]
    lines = format_table(summarize(runs), "binary").splitlines()
    assert len(lines) == 4 and set(lines[1]) <= {"-", " "}
    assert lines[0].startswith("variant") and lines[2].startswith("baseline ")
    starts = [line.index("0.900") for line in lines[2:3]] + [lines[3].index("0.800")]
    assert starts[0] == starts[1]  # numbers line up
