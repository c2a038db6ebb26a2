"""`reglab sweep` on the command line: the final line, the files, the one-line errors."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from reglab.cli import app

TINY = ["--n-samples", "80", "--epochs", "3", "--seeds", "2", "--base", "hidden=8", "--quiet"]


def invoke(args: list[str]):
    return CliRunner().invoke(app, args, catch_exceptions=False)


def test_sweep_end_to_end_prints_the_table_and_ends_with_the_choice(tmp_path):
    out = tmp_path / "out"
    result = invoke(["sweep", "moons", "--param", "l2", "--values", "1e-4:1e-2:log3", *TINY, "--out", str(out)])
    assert result.exit_code == 0, result.output
    lines = result.stdout.strip().splitlines()
    assert lines[-1].startswith("chosen: l2=") and "one-standard-error rule" in lines[-1]
    assert lines[-2] == f"report: {out / 'report.html'}"
    assert lines[0].split()[:3] == ["l2", "region", "train"]
    assert sum("✔" in line for line in lines) == 1
    assert {p.name for p in out.iterdir()} >= {"report.html", "results.json", "runs.sqlite", "validation_curve.png"}
    chosen = json.loads((out / "results.json").read_text())["sweep"]["chosen"]["label"]
    assert lines[-1].startswith(f"chosen: {chosen} ")

    again = invoke(["sweep", "moons", "--param", "l2", "--values", "1e-4:1e-2:log3", *TINY[:-1], "--out", str(out)])
    assert again.exit_code == 0 and "resuming: 6 of 6 runs already stored" in again.stderr
    assert again.stdout.strip().splitlines()[-1] == lines[-1]


def test_l1_sweep_reports_the_kept_features(tmp_path):
    args = ["sweep", "classification", "--option", "n_features=6", "--option", "n_informative=2", "--option",
            "n_redundant=0", "--param", "prox", "--values", "1e-3,1e-2", *TINY, "--out", str(tmp_path)]
    result = invoke(args)
    assert result.exit_code == 0, result.output
    assert "kept features at the choice:" in result.stdout and "precision" in result.stdout


@pytest.mark.parametrize(
    "args, fragment",
    [
        (["--param", "l2"], "`--param l2` has no `--values`"),
        (["--values", "1,2"], "`--values 1,2` has no `--param`"),
        ([], "Missing option `--param`"),
        (["--param", "l2", "--values", "0:1:log5"], "log grid needs START > 0"),
        (["--param", "l2", "--values", "1e-3:1e-1:lin1"], "at least 2 points"),
        (["--param", "l2", "--values", "1e-3;1e-2"], "cannot read '1e-3;1e-2'"),
        (["--param", "dropuot", "--values", "0,0.5"], "Did you mean 'dropout'?"),
        (["--param", "batchnorm", "--values", "0,1"], "Cannot sweep 'batchnorm'"),
        (["--param", "dropout", "--values", "0,1"], "Grid point dropout=1"),
        (["--param", "l2", "--values", "0,1", "--param", "l1", "--values", "0,1", "--param", "noise", "--values", "0,1"],
         "given 3 times"),
        (["--param", "l2", "--values", "0,1", "--base", "l3=1"], "Unknown variant key `l3`"),
        (["nodata", "--param", "l2", "--values", "0,1"], "nodata"),
    ],
)
def test_mistakes_exit_2_with_one_line_and_no_traceback(tmp_path, args, fragment):
    result = invoke(["sweep", *args, "--out", str(tmp_path / "out"), "--quiet"])
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and fragment in lines[0], result.stderr
    assert "Traceback" not in result.output
    assert not (tmp_path / "out" / "runs.sqlite").exists()


def test_help_names_every_parameter_and_the_grid_forms():
    result = invoke(["sweep", "--help"])
    assert result.exit_code == 0
    text = " ".join(result.stdout.split())
    for name in ("l1", "l2", "prox", "weight_decay", "dropout", "noise", "max_norm", "early_stopping", "hidden"):
        assert name in text
    assert "1e-5:1e-1:log9" in text and "0:0.5:lin6" in text
