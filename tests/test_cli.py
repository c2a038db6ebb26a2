"""``reglab compare`` / ``report`` end to end on tiny settings (typer's CliRunner, one real subprocess)."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from conftest import TINY_ARGS, TINY_DATA, Compared, invoke
import reglab.experiments.compare as compare_kind  # where the command finds compare()
from reglab.experiments import stored as experiment  # where experiments call reglab.train
from reglab.presets import PRESETS
from reglab.outputs.results_json import SCHEMA


def _table(stdout: str) -> str:
    """The text table: stdout up to the first blank line."""
    return stdout.split("\n\n")[0]


def _rerun_args(out: Path) -> list[str]:
    return [*[a for a in TINY_ARGS if a != "--quiet"], "--out", str(out)]


# -- outputs -------------------------------------------------------------------------------


def test_compare_writes_report_results_figures_and_store(compared: Compared) -> None:
    out = compared.out
    assert (out / "report.html").is_file()
    assert (out / "runs.sqlite").is_file()
    pngs = sorted(p.name for p in out.glob("*.png"))
    assert {"dataset.png", "decision_boundaries.png", "loss_curves.png"} <= set(pngs)
    html = (out / "report.html").read_text(encoding="utf-8")
    assert html.count("data:image/png;base64,") == len(pngs)


def test_results_json_follows_the_schema(compared: Compared) -> None:
    document = json.loads((compared.out / "results.json").read_text(encoding="utf-8"))
    assert document["schema"] == SCHEMA
    assert set(document) == {"schema", "reglab_version", "created", "dataset", "seeds", "epochs", "variants", "runs"}
    assert set(document["dataset"]) == {
        "name", "options", "task", "description", "sizes", "n_features", "feature_names", "class_names"}
    assert document["dataset"]["options"]["n_samples"] == 120
    assert document["dataset"]["sizes"] == {"train": 72, "val": 24, "test": 24}
    assert document["seeds"] == [0, 1] and document["epochs"] == 5
    assert [v["label"] for v in document["variants"]] == ["base", "L1", "drop <b>&"]
    runs = document["runs"]
    assert [(r["label"], r["seed"]) for r in runs] == [
        ("base", 0), ("base", 1), ("L1", 0), ("L1", 1), ("drop <b>&", 0), ("drop <b>&", 1)]
    for run in runs:
        assert set(run) == {"label", "settings", "seed", "history", "metrics"}  # no weights
        assert run["settings"]["epochs"] == 5 and run["settings"]["hidden"] == [8]
        assert len(run["history"]["val_loss"]) == 5
        assert 0.0 <= run["metrics"]["val_acc"] <= 1.0
    assert runs[2]["settings"]["l1"] == 0.001


def test_compare_prints_table_verdicts_and_report_path(compared: Compared) -> None:
    lines = compared.stdout.splitlines()
    assert lines[0].split()[:4] == ["variant", "train", "acc", "val"]
    assert any(line.startswith("drop <b>&: ") for line in lines)
    assert lines[-3].startswith("Pick ") and "the lowest mean validation loss" in lines[-3]
    assert lines[-1] == f"report: {compared.out / 'report.html'}"
    assert compared.stderr == ""  # --quiet: no progress bar, no status lines


def test_store_holds_every_run_with_weights(compared: Compared) -> None:
    with sqlite3.connect(compared.out / "runs.sqlite") as db:
        rows = db.execute("SELECT label, seed, run_json FROM runs ORDER BY label, seed").fetchall()
        mode = db.execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal"
    assert len(rows) == 6
    assert all(json.loads(run)["members"] for _, _, run in rows)


# -- resuming ----------------------------------------------------------------------------------


def test_rerun_resumes_without_training(compared: Compared, compared_copy: Path, runner, monkeypatch) -> None:
    def no_training(*args, **kwargs):
        raise AssertionError("train() called although every run is stored")

    monkeypatch.setattr(experiment, "train", no_training)
    result = invoke(runner, _rerun_args(compared_copy))
    assert result.exit_code == 0, result.output
    assert f"resuming: 6 of 6 runs already stored in {compared_copy}" in result.stderr
    assert _table(result.stdout) == _table(compared.stdout)


def test_interrupted_compare_keeps_runs_and_resumes_the_rest(compared: Compared, tmp_path: Path, runner, monkeypatch) -> None:
    real_train = experiment.train
    handed_over: list[str] = []

    def interrupted_after_two(dataset, variants, seeds, **kwargs):
        keep = kwargs["on_run"]

        def on_run(run):
            if len(handed_over) == 2:
                raise KeyboardInterrupt
            handed_over.append(run.name)
            keep(run)

        return real_train(dataset, variants, seeds, **{**kwargs, "on_run": on_run})

    out = tmp_path / "out"
    monkeypatch.setattr(experiment, "train", interrupted_after_two)
    result = invoke(runner, _rerun_args(out))
    assert result.exit_code == 130
    assert result.stderr.strip().splitlines()[-1] == (
        f"interrupted: 2 of 6 runs kept in {out}; run the same command to resume")
    assert "Traceback" not in result.output
    assert not (out / "report.html").exists()

    trained: list[tuple[str, int]] = []

    def counting(dataset, variants, seeds, **kwargs):
        keep = kwargs["on_run"]
        kwargs["on_run"] = lambda run: (trained.append((run.name, run.seed)), keep(run))
        return real_train(dataset, variants, seeds, **kwargs)

    monkeypatch.setattr(experiment, "train", counting)
    result = invoke(runner, _rerun_args(out))
    assert result.exit_code == 0, result.output
    assert f"resuming: 2 of 6 runs already stored in {out}" in result.stderr
    assert len(trained) == 4 and ("base", 0) not in trained and ("base", 1) not in trained
    # The resumed comparison holds the same numbers as the uninterrupted one.
    assert _table(result.stdout) == _table(compared.stdout)


def test_renamed_variant_reuses_its_runs(compared_copy: Path, runner, monkeypatch) -> None:
    monkeypatch.setattr(experiment, "train", lambda *a, **k: pytest.fail("renaming must not retrain"))
    args = ["compare", "moons", *TINY_DATA, "--variant", "renamed:hidden=8", "--seeds", "2", "--out", str(compared_copy)]
    result = invoke(runner, args)
    assert result.exit_code == 0, result.output
    assert "resuming: 2 of 2 runs" in result.stderr
    assert _table(result.stdout).splitlines()[2].startswith("renamed ")


# -- report rebuild ---------------------------------------------------------------------------


def test_report_rebuilds_identical_tables_without_training(compared: Compared, compared_copy: Path, runner, monkeypatch) -> None:
    for name in ("report.html", "results.json", "loss_curves.png"):
        (compared_copy / name).unlink()
    monkeypatch.setattr(experiment, "train", lambda *a, **k: pytest.fail("report must not train"))
    result = invoke(runner, ["report", str(compared_copy)])
    assert result.exit_code == 0, result.output
    assert _table(result.stdout) == _table(compared.stdout)
    assert result.stdout.split("\n\n")[1] == compared.stdout.split("\n\n")[1]  # the verdicts
    assert (compared_copy / "report.html").is_file() and (compared_copy / "loss_curves.png").is_file()
    old = json.loads((compared.out / "results.json").read_text())
    new = json.loads((compared_copy / "results.json").read_text())
    assert new["runs"] == old["runs"] and new["dataset"] == old["dataset"]


def test_report_after_interruption_shows_the_finished_runs(tmp_path: Path, runner, monkeypatch) -> None:
    real_train = experiment.train

    def stop_after_first(dataset, variants, seeds, **kwargs):
        keep = kwargs["on_run"]

        def on_run(run):
            keep(run)
            raise KeyboardInterrupt

        return real_train(dataset, variants, seeds, **{**kwargs, "on_run": on_run})

    out = tmp_path / "out"
    monkeypatch.setattr(experiment, "train", stop_after_first)
    assert invoke(runner, _rerun_args(out)).exit_code == 130
    result = invoke(runner, ["report", str(out)])
    assert result.exit_code == 0, result.output
    assert "warning: 5 of 6 runs are missing" in result.stderr
    assert "This comparison was interrupted: 5 runs are missing" in (out / "report.html").read_text()


# -- defaults -------------------------------------------------------------------------------------


def test_no_arguments_is_the_seed_notebook(runner, monkeypatch) -> None:
    seen = {}

    def fake_compare(ds, specs, **kwargs):
        seen.update(ds=ds, specs=specs, **kwargs)
        return SimpleNamespace(table="TABLE", verdicts=[], report=Path("reglab-out/report.html"), recommendation=None)

    monkeypatch.setattr(compare_kind, "compare", fake_compare)
    result = invoke(runner, ["compare"])
    assert result.exit_code == 0, result.output
    assert seen["ds"].name == "moons"
    assert (seen["ds"].options["n_samples"], seen["ds"].options["noise"]) == (1000, 0.25)
    assert seen["specs"] == list(PRESETS["seed"].specs)
    assert [v.settings()["l1"] for v in PRESETS["seed"].variants()] == [0.0, 0.001]
    assert seen["seeds"] == [0, 1, 2] and seen["epochs"] is None and seen["preset"] == "seed"
    assert seen["out_dir"] == Path("reglab-out") and seen["progress"] is True
    assert result.stdout.startswith("TABLE")


def test_preset_and_variants_add_up(runner, monkeypatch) -> None:
    seen = {}
    monkeypatch.setattr(compare_kind, "compare", lambda ds, specs, **kw: seen.update(specs=specs, **kw) or SimpleNamespace(
        table="", verdicts=[], report=Path("r"), recommendation=None))
    assert invoke(runner, ["compare", "--preset", "all", "--variant", "mine:l2=1e-2"]).exit_code == 0
    assert seen["specs"] == [*PRESETS["all"].specs, "mine:l2=1e-2"] and seen["preset"] == "all"
    assert invoke(runner, ["compare", "--variant", "l2=1e-2"]).exit_code == 0
    assert seen["specs"] == ["l2=1e-2"] and seen["preset"] is None


# -- mistakes -----------------------------------------------------------------------------------------


def _foreign_store(directory: Path) -> None:
    directory.mkdir()
    with sqlite3.connect(directory / "runs.sqlite") as db:
        db.execute("CREATE TABLE people (name TEXT)")


def _corrupt_store(directory: Path) -> None:
    directory.mkdir()
    (directory / "runs.sqlite").write_bytes(b"this is not a database\n" * 200)


@pytest.mark.parametrize(
    ("args", "prepare", "message"),
    [
        (["compare", "moonz"], None, "Unknown data set 'moonz'. Did you mean 'moons'?"),
        (["compare", "--variant", "l1=-1"], None, "Invalid value for variant key `l1`"),
        (["compare", "--variant", "dropuot=0.3"], None, "Did you mean 'dropout'?"),
        (["compare", "--variant", "a:l1=1e-3", "--variant", "a:l2=1e-3"], None, "share the label 'a'"),
        (["compare", "--variant", "loss=mse"], None, "does not fit the binary task"),
        (["compare", "no/such/file.csv"], None, "CSV file not found"),
        (["compare", "--preset", "al"], None, "Unknown preset 'al'. Did you mean 'all'?"),
        (["compare", "iris", "--noise", "0.1"], None, "Unknown option 'noise' for iris"),
        (["compare", "--option", "label_noise"], None, "expected KEY=VALUE"),
        (["compare", "--n-samples", "3"], None, "'n_samples' option of moons must be an int in [10, inf)"),
        (["compare", "--out", "{file}/sub"], "file", "Cannot create the output directory"),
        (["compare", "--out", "{dir}"], "foreign", "is not a reglab run store"),
        (["compare", "--out", "{dir}"], "corrupt", "is not a reglab run store"),
        (["report", "{dir}"], "empty", "No reglab results in"),
        (["report", "{dir}/missing"], None, "No such directory"),
        (["report", "{dir}"], "foreign", "is not a reglab run store"),
    ],
)
def test_mistakes_give_one_line_and_exit_2(args, prepare, message, tmp_path: Path, runner, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    checked_by_train = "loss=mse" in args  # the engine refuses it before any epoch
    if not checked_by_train:
        monkeypatch.setattr(experiment, "train", lambda *a, **k: pytest.fail("no training for a mistake"))
    target = tmp_path / "dir"
    if prepare == "file":
        (tmp_path / "file").write_text("x")
    elif prepare == "foreign":
        _foreign_store(target)
    elif prepare == "corrupt":
        _corrupt_store(target)
    elif prepare == "empty":
        target.mkdir()
    if "--out" not in args and args[0] == "compare":
        args = [*args, "--out", "{dir}"]
    args = [a.format(file=tmp_path / "file", dir=target) for a in args]
    result = invoke(runner, args)
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ") and message in lines[0], lines[0]
    assert "Traceback" not in result.output
    if prepare is None and args[0] == "compare" and not checked_by_train:
        assert not target.exists()  # checked before anything is written


def test_usage_errors_are_typers_exit_2(runner) -> None:
    result = invoke(runner, ["compare", "--seeds", "0"])
    assert result.exit_code == 2
    assert "Traceback" not in result.output


def test_help_on_every_command(runner) -> None:
    for command in ([], ["compare"], ["report"], ["datasets"], ["presets"]):
        result = invoke(runner, [*command, "--help"])
        assert result.exit_code == 0 and "Usage" in result.stdout


@pytest.mark.parametrize("command", ["compare", "sweep", "tune"])
def test_the_training_commands_share_the_data_and_run_options(runner, command) -> None:
    """Declared once (cli/options.py DataOptions, RunOptions), each shown once, after the command's own options."""
    import dataclasses

    from reglab.cli.options import DataOptions, RunOptions

    text = invoke(runner, [command, "--help"]).stdout
    assert "[DATASET]" in text.splitlines()[1]
    for group in (DataOptions, RunOptions):
        for field in dataclasses.fields(group):
            if field.name != "dataset":
                assert text.count("│ --" + field.name.replace("_", "-") + " ") == 1, (command, field.name)
    assert text.index("--out") < text.index("--n-samples") < text.index("--quiet") < text.index("--cluster")


def test_shared_options_hand_the_command_its_groups(runner, tmp_path) -> None:
    result = invoke(runner, ["compare", "circles", "--n-samples", "120", "--noise", "0.1", "--epochs", "2", "--seeds", "2",
                             "-q", "--dry-run", "--jobs", "2", "--out", str(tmp_path / "o")])
    assert result.exit_code == 0, result.stderr
    assert "4 runs x 1 models" in result.stdout and "on 2 workers" in result.stdout and not (tmp_path / "o").exists()
    wrong = invoke(runner, ["compare", "circles", "--n-samples", "0", "-q", "--out", str(tmp_path / "o")])
    assert wrong.exit_code == 2 and "--n-samples" in wrong.stderr and "Received: --n-samples 0" in wrong.stderr


def test_datasets_and_presets_list_everything(runner) -> None:
    datasets = invoke(runner, ["datasets"]).stdout
    assert "moons  (binary)" in datasets and "noise=0.25" in datasets and "label_noise=0.0" in datasets
    presets = invoke(runner, ["presets"]).stdout
    for preset in PRESETS.values():
        assert preset.name in presets
        for variant in preset.variants():
            assert variant.label in presets


# -- the real entry points ------------------------------------------------------------------------------


def _reglab(*args: str, **kwargs) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "reglab", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, **kwargs)


def test_python_dash_m_reports_a_mistake_in_one_line(tmp_path: Path) -> None:
    process = _reglab("compare", "moonz", "--out", str(tmp_path / "out"))
    stdout, stderr = process.communicate(timeout=120)
    assert process.returncode == 2
    assert stderr.strip().splitlines() == [
        "error: Unknown data set 'moonz'. Did you mean 'moons'? Known data sets: " + stderr.split("Known data sets: ")[1].strip()]
    assert stdout == ""


def test_console_script_is_installed() -> None:
    script = Path(sys.executable).with_name("reglab")
    if not script.exists():
        pytest.skip(f"no console script beside {sys.executable} (package not installed)")
    result = subprocess.run([str(script), "--help"], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0 and "compare" in result.stdout


def test_ctrl_c_keeps_finished_runs(tmp_path: Path) -> None:
    """A real SIGINT: the fast group is stored, the slow one is interrupted, the command says so and exits 130."""
    out = tmp_path / "out"
    process = _reglab("compare", "moons", "--n-samples", "60", "--seeds", "1", "--quiet", "--out", str(out),
                      "--variant", "fast:hidden=4,epochs=2", "--variant", "slow:hidden=6,epochs=100000",
                      env=dict(os.environ, PYTHONFAULTHANDLER="1"))
    deadline = time.monotonic() + 120
    stored = 0
    while time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.3)
        try:
            with sqlite3.connect(f"file:{out / 'runs.sqlite'}?mode=ro", uri=True) as db:
                stored = db.execute("SELECT COUNT(*) FROM runs").fetchone()[0]
        except sqlite3.Error:
            continue
        if stored:
            break
    assert stored == 1, "the fast run was never stored"
    process.send_signal(signal.SIGINT)
    try:
        stdout, stderr = process.communicate(timeout=60)
    except subprocess.TimeoutExpired:  # show where it hangs: faulthandler dumps every thread's stack on SIGABRT
        process.send_signal(signal.SIGABRT)
        stdout, stderr = process.communicate(timeout=30)
        raise AssertionError(f"no exit 60 s after Ctrl-C; its threads:\n{stderr[-6000:]}") from None
    assert process.returncode == 130, stderr
    assert stderr.strip().splitlines()[-1] == f"interrupted: 1 of 2 runs kept in {out}; run the same command to resume"
    assert "Traceback" not in stderr


def test_csv_compare_end_to_end_and_stale_figures_removed(compared_copy: Path, tmp_path: Path, runner, monkeypatch) -> None:
    rng = np.random.default_rng(0)
    X = rng.normal(size=(80, 3))
    y = np.where(X[:, 0] + 0.5 * X[:, 1] > 0, "yes", "no")
    csv = tmp_path / "data" / "table.csv"
    csv.parent.mkdir()
    csv.write_text("a,b,c,label\n" + "".join(f"{r[0]:.4f},{r[1]:.4f},{r[2]:.4f},{t}\n" for r, t in zip(X, y)))
    monkeypatch.chdir(csv.parent)
    args = ["compare", "table.csv", "--target", "label", "--variant", "tiny:hidden=4", "--epochs", "3", "--seeds", "1",
            "--quiet", "--out", str(compared_copy)]
    result = invoke(runner, args)
    assert result.exit_code == 0, result.output
    assert not (compared_copy / "decision_boundaries.png").exists()  # 3-D data: the 2-D figures of before are gone
    assert (compared_copy / "loss_curves.png").is_file()
    document = json.loads((compared_copy / "results.json").read_text())
    assert document["dataset"]["name"] == str(csv.resolve())
    assert document["dataset"]["feature_names"] == ["a", "b", "c"] and document["dataset"]["class_names"] == ["no", "yes"]
    monkeypatch.chdir(tmp_path)  # the stored absolute path lets `report` run from anywhere
    rebuilt = invoke(runner, ["report", str(compared_copy)])
    assert rebuilt.exit_code == 0, rebuilt.output
    assert _table(rebuilt.stdout) == _table(result.stdout)
    csv.unlink()
    missing = invoke(runner, ["report", str(compared_copy)])
    assert missing.exit_code == 2 and "Cannot rebuild the data set" in missing.stderr and "CSV file not found" in missing.stderr


def test_report_of_a_preset_says_how_to_reproduce_it(tmp_path: Path, runner) -> None:
    out = tmp_path / "out"
    result = invoke(runner, ["compare", "--preset", "seed", "--n-samples", "60", "--epochs", "2", "--seeds", "1", "-q",
                             "--out", str(out)])
    assert result.exit_code == 0, result.output
    html = (out / "report.html").read_text()
    assert f"reglab compare moons --n-samples 60 --preset seed --seeds 1 --epochs 2 --out {out}" in html
