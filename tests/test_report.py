"""report.html (self-contained, escaped), the reproduce command, results.json helpers and the presets."""

from __future__ import annotations

import math
import re
import shlex
from pathlib import Path
from types import SimpleNamespace

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

import reglab  # noqa: E402
from reglab.cli.options import dataset_options, parse_value  # noqa: E402
from reglab.presets import PRESETS, get_preset  # noqa: E402
from reglab.outputs.report import ReportContent, command_line, python_snippet, render_report  # noqa: E402
from reglab.outputs.results_json import read_results, strict_json, write_results  # noqa: E402
from reglab.errors import ReglabError  # noqa: E402
from reglab.store import ExperimentRecord  # noqa: E402
from reglab.variant import Variant, parse_variants  # noqa: E402

EVIL = '<script>alert("x")</script>&'


def _record(specs, *, dataset="moons", options=None, seeds=(0, 1, 2), epochs=None, preset=None) -> ExperimentRecord:
    variants = parse_variants(list(specs))
    if epochs is not None:
        variants = [v.replace(epochs=epochs, name=v.label) for v in variants]
    ds = reglab.load_dataset(dataset, **(options or {}))
    return ExperimentRecord(
        dataset=ds.name, options=dict(ds.options), variants=tuple(v.to_dict() for v in variants), specs=tuple(specs),
        seeds=tuple(seeds), epochs=epochs, preset=preset, created="2025-01-31T12:00:00+00:00", reglab_version="0",
    )


@pytest.fixture()
def content(tmp_path: Path) -> ReportContent:
    figure = plt.figure(figsize=(2, 1))
    figure.add_subplot().plot([0, 1], [1, 0])
    png = tmp_path / "curve.png"
    figure.savefig(png)
    plt.close(figure)
    record = _record([f"{EVIL}:l1=1e-3", "baseline"], options={"n_samples": 60})
    ds = reglab.load_dataset("moons", n_samples=60)
    return ReportContent(
        dataset=ds, record=record,
        table=[["variant", "val acc"], [EVIL, "0.900 ± 0.010"], ["baseline", "0.880 ± 0.020"]],
        verdicts=[SimpleNamespace(label=EVIL, kind="overfits", summary=f"overfits: {EVIL} rose", evidence={"rise": 0.25}),
                  SimpleNamespace(label="baseline", kind="good fit", summary="good fit: fine", evidence={})],
        figures=[SimpleNamespace(name="loss_curves", title=f"Loss {EVIL}", path=png, caption=f"Caption {EVIL}")],
        created="2025-01-31T12:00:00+00:00", out_dir=tmp_path,
    )


def test_user_text_is_escaped(content: ReportContent) -> None:
    html = render_report(content)
    assert "<script" not in html.lower()
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;" in html
    assert html.count("&lt;script&gt;") >= 6  # table, verdict, figure title and caption, settings, command


def test_the_page_is_self_contained(content: ReportContent) -> None:
    html = render_report(content)
    assert html.count('src="data:image/png;base64,') == 1
    assert re.findall(r'(?:src|href)="(?!data:|#)[^"]*"', html) == []
    assert "<link" not in html and "@import" not in html and "url(" not in html


def test_the_page_has_every_part(content: ReportContent) -> None:
    html = render_report(content)
    for part in ('id="dataset"', 'id="verdicts"', 'id="table"', 'id="figures"', 'id="reproduce"', "reglab compare moons",
                 "36 train", "2025-01-31 12:00 UTC", 'class="card verdict overfits"',
                 'class="card verdict good-fit"', "<figcaption>"):
        assert part in html, part
    assert ">Fine</p>" in html  # "good fit: " is said by the badge, not twice


def test_missing_runs_are_announced(content: ReportContent) -> None:
    content.missing = [("baseline", 2)]
    assert "interrupted: 1 runs are missing (baseline (seed 2))" in render_report(content)


def test_command_line_for_the_seed_notebook() -> None:
    record = _record(PRESETS["seed"].specs, preset="seed")
    assert command_line(record, "reglab-out") == "reglab compare moons --preset seed --seeds 3 --out reglab-out"


def test_command_line_spells_changed_options_and_quotes_specs() -> None:
    record = _record(["L1 1e-3:l1=1e-3", "x:dropout=0.3"], options={"n_samples": 120, "label_noise": 0.1},
                     seeds=(0, 1), epochs=5)
    line = command_line(record, "out dir")
    assert line == ("reglab compare moons --n-samples 120 --option label_noise=0.1 --variant 'L1 1e-3:l1=1e-3' "
                    "--variant x:dropout=0.3 --seeds 2 --epochs 5 --out 'out dir'")
    words = shlex.split(line)
    assert words[words.index("--variant") + 1] == "L1 1e-3:l1=1e-3"


def test_command_line_keeps_a_preset_and_extra_variants() -> None:
    specs = [*PRESETS["seed"].specs, "mine:l2=1e-2"]
    line = command_line(_record(specs, preset="seed"), "o")
    assert "--preset seed --variant mine:l2=1e-2" in line


def test_the_reproduce_command_parses_back_to_the_same_settings() -> None:
    from reglab.cli import app
    from typer.testing import CliRunner

    record = _record(["L1 1e-3:l1=1e-3", "baseline", "odd name:hidden=16x8,max_norm=2"], options={"noise": 0.3}, epochs=7)
    seen = {}
    import reglab.experiments.compare as experiment

    original = experiment.compare
    experiment.compare = lambda ds, specs, **kw: seen.update(ds=ds, specs=specs, **kw) or SimpleNamespace(
        table="", verdicts=[], report=Path("r"), recommendation=None)
    try:
        result = CliRunner().invoke(app, shlex.split(command_line(record, "o"))[1:], catch_exceptions=False)
    finally:
        experiment.compare = original
    assert result.exit_code == 0, result.output
    assert seen["ds"].options == record.options
    trained = [v.replace(epochs=seen["epochs"], name=v.label) for v in parse_variants(seen["specs"])]
    assert [v.to_dict() for v in trained] == list(record.variants)


def test_python_snippet_is_valid_python() -> None:
    record = _record(["L1 1e-3:l1=1e-3"], options={"n_samples": 120}, seeds=(3, 5))
    code = python_snippet(record, "out")
    compile(code, "<snippet>", "exec")
    assert "seeds=[3, 5]" in code and "n_samples=120" in code


def test_strict_json_replaces_non_finite_numbers(tmp_path: Path) -> None:
    assert strict_json({"a": [1.0, math.nan], "b": {"c": math.inf}, "d": "x"}) == {"a": [1.0, None], "b": {"c": None}, "d": "x"}
    path = write_results(tmp_path / "results.json", {"schema": "reglab.results/1", "x": None})
    assert read_results(path)["x"] is None
    (tmp_path / "other.json").write_text('{"schema": "something else"}')
    with pytest.raises(ReglabError, match="not a reglab results file"):
        read_results(tmp_path / "other.json")


def test_command_line_values_are_parsed() -> None:
    assert [parse_value(t) for t in ("true", "None", "12", "0.5", "abc")] == [True, None, 12, 0.5, "abc"]
    assert dataset_options(None, 0.3, "100", None, ["label_noise=0.1", "val-size=0.1"]) == {
        "noise": 0.3, "train_size": 100, "label_noise": 0.1, "val_size": 0.1}
    with pytest.raises(ReglabError, match="KEY=VALUE"):
        dataset_options(None, None, None, None, ["oops"])


def test_presets_have_unique_readable_labels() -> None:
    for preset in PRESETS.values():
        labels = [v.label for v in preset.variants()]
        assert len(set(labels)) == len(labels)
        assert all("=" not in label for label in labels), labels
    with pytest.raises(ReglabError, match="Did you mean 'seed'"):
        get_preset("seeds")


def test_preset_all_covers_every_technique_of_the_seeds() -> None:
    variants = {v.label: v for v in get_preset("all").variants()}
    assert len(variants) == 12
    used = {key for v in variants.values() for key, value in v.settings().items() if value != Variant().settings()[key]}
    assert used == {"l1", "prox", "l2", "weight_decay", "dropout", "early_stopping", "batchnorm", "max_norm", "ensemble"}
    pair = variants["L2 1e-3 + dropout 0.3"]
    assert (pair.l2, pair.dropout) == (1e-3, 0.3)


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_every_preset_trains_on_moons(name: str) -> None:
    ds = reglab.load_dataset("moons", n_samples=60)
    runs = reglab.train(ds, get_preset(name).specs, seeds=[0], epochs=2, progress=False)
    assert [r.name for r in runs] == [v.label for v in get_preset(name).variants()]
    assert not any(r.diverged for r in runs)


def test_the_exact_zero_preset_gives_exact_zeros_where_l1_gives_none() -> None:
    from reglab.presets import L1, PROX

    ds = reglab.load_dataset("moons", n_samples=200)
    plain, proximal = reglab.train(ds, [L1, PROX], seeds=[0], epochs=20, progress=False)
    assert plain.metrics["exact_zero_fraction"] == 0.0
    assert proximal.metrics["exact_zero_fraction"] > 0.3
    assert proximal.metrics["val_acc"] > 0.8  # sparse, not broken
