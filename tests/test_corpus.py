"""The regression corpus of bad inputs: each one exits as documented, names the mistake, never shows a traceback.

Every case runs the ``reglab`` console script's own entry point
(:func:`reglab._console.main`, what ``/usr/bin/reglab`` calls) with its
arguments and files; a few are also run as a real subprocess of the
installed script.  A case gives the exit code and the words its one
``error:`` (or ``warning:``) line must hold.  Most fail before any
training; the ones that train use 60-80 rows, 4 hidden units and a few
epochs.  The Python API cases assert a :class:`ReglabError` with its words.
"""

from __future__ import annotations

import json
import re
import sqlite3
import subprocess
import sys
import warnings
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pytest

import reglab
from reglab import _console
from reglab.errors import ReglabError

HUGE = "100000000000000000000"
TINY = ["--n-samples", "60", "--epochs", "2", "--seeds", "1", "-q"]


@dataclass(frozen=True)
class Case:
    """``reglab ARGS`` (``{tmp}`` is the test's directory, ``{trained}`` a trained output directory)."""

    id: str
    args: list[str]
    code: int
    words: tuple[str, ...]
    files: dict[str, bytes | str | Callable[[Path], None]] = field(default_factory=dict)


def _console_run(args: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> tuple[int, str, str]:
    """Run the console script's entry point in this process: (exit code, stdout, stderr)."""
    monkeypatch.setattr(sys, "argv", ["reglab", *args])
    monkeypatch.setattr(warnings, "showwarning", warnings.showwarning)
    with warnings.catch_warnings():
        warnings.simplefilter("always")
        try:
            _console.main()
            code = 0
        except SystemExit as done:
            code = done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
    out, err = capsys.readouterr()
    return code, out, err


def _check(case: Case, code: int, out: str, err: str) -> None:
    text = out + err
    assert "Traceback" not in text, text
    assert code == case.code, text
    for word in case.words:
        assert re.search(word, err), f"{word!r} not in stderr: {err}"
    if code == 2 and "Usage" not in err:
        errors = [line for line in err.splitlines() if line.startswith("error: ")]
        assert len(errors) == 1, err


def _csv(rows: list[str]) -> str:
    return "\n".join(rows) + "\n"


def _numbers(n: int = 40, target: Callable[[int], str] = lambda i: str(i % 2)) -> list[str]:
    rng = np.random.default_rng(0)
    return [f"{rng.normal():.3f},{rng.normal():.3f},{target(i)}" for i in range(n)]


def _zip(path: Path) -> None:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("sheet.xml", "<x/>")


def _directory(path: Path) -> None:
    path.mkdir()


CLI_CASES = [
    # integers beyond the machine's, on every option of compare and sweep
    *(Case(f"{command}-{option}-huge", [command, *extra, option, HUGE], 2, (option, HUGE))
      for command, extra in (("compare", []), ("sweep", ["--param", "l2", "--values", "1e-3,1e-2"]))
      for option in ("--seeds", "--epochs", "--jobs")),
    Case("max-models-huge", ["compare", "--max-models", HUGE], 2, ("--max-models", HUGE)),
    Case("max-models-1e18-is-fine", ["compare", "--max-models", "1" + "0" * 18, "--dry-run", "--n-samples", "60"], 0, ()),
    Case("compare-n-samples-huge", ["compare", "--n-samples", HUGE], 2, ("--n-samples", HUGE)),
    Case("sweep-n-samples-huge", ["sweep", "--param", "l2", "--values", "1e-3,1e-2", "--n-samples", HUGE], 2, ("--n-samples",)),
    Case("variant-epochs-huge", ["compare", "--variant", "epochs=1e20"], 2, ("`epochs`", HUGE)),
    Case("variant-ensemble-huge", ["compare", "--variant", "ensemble=100000"], 2, ("`ensemble`", "100000")),
    Case("seeds-negative", ["compare", "--seeds", "-1"], 2, ("--seeds", "-1")),
    Case("epochs-zero", ["compare", "--epochs", "0"], 2, ("--epochs", "0")),
    Case("export-seed-negative", ["export", "{tmp}", "--seed", "-1"], 2, ("--seed", "-1")),
    # sizes that cannot fit
    Case("n-samples-billion", ["compare", "--n-samples", "1000000000"], 2, ("memory", "available")),
    Case("hidden-huge", ["compare", "--variant", "hidden=100000x100000", *TINY], 2, ("memory", "available", "weights")),
    Case("ensemble-huge", ["compare", "--variant", "ensemble=1000,hidden=20000x20000", *TINY], 2, ("memory", "available")),
    # silent mistakes
    Case("preset-empty", ["compare", "--preset", ""], 2, ("preset",)),
    Case("out-empty", ["compare", "--out", ""], 2, ("--out", "empty")),
    Case("variant-typo", ["compare", "--variant", "dropuot=0.3"], 2, ("Did you mean 'dropout'",)),
    Case("unknown-dataset", ["compare", "moonz"], 2, ("Did you mean 'moons'",)),
    Case("train-size-text", ["compare", "--train-size", "abc"], 2, ("train_size",)),
    Case("out-read-only", ["compare", "--out", "/proc", *TINY], 2, ("Cannot create files", "/proc")),
    Case("out-is-a-file", ["compare", "--out", "{tmp}/f.txt", *TINY], 2, ("not a directory",), {"f.txt": "x"}),
    # files
    Case("csv-missing", ["compare", "{tmp}/nope.csv"], 2, ("not found",)),
    Case("csv-directory", ["compare", "{tmp}/x.csv"], 2, ("is a directory",), {"x.csv": _directory}),
    Case("csv-zip", ["compare", "{tmp}/x.csv"], 2, ("zip archive", "xlsx"), {"x.csv": _zip}),
    Case("csv-binary", ["compare", "{tmp}/x.csv"], 2, ("binary",), {"x.csv": bytes(range(256)) * 4}),
    Case("csv-huge-field", ["compare", "{tmp}/x.csv"], 2, ("line 2", "field"), {"x.csv": 'a,b\n"' + "9" * 200_000 + ',1\n'}),
    Case("csv-1e308", ["compare", "{tmp}/x.csv"], 2, ("too large", "'a'", "1e\\+308"),
         {"x.csv": _csv(["a,b,t", *(f"{'1e308' if i < 2 else i},{i},{i % 2}" for i in range(30))])}),
    Case("csv-duplicate-columns", ["compare", "{tmp}/x.csv"], 2, ("more than once", "'a'"),
         {"x.csv": _csv(["a,a,t", *_numbers()])}),
    Case("csv-unknown-encoding", ["compare", "{tmp}/x.csv", "--option", "encoding=klingon"], 2, ("Unknown encoding",),
         {"x.csv": _csv(["a,b,t", *_numbers()])}),
    Case("csv-wrong-encoding", ["compare", "{tmp}/x.csv", "--option", "encoding=utf-16"], 2, ("not valid utf-16",),
         {"x.csv": _csv(["a,b,t", *_numbers()]).encode() + b"\xff"}),
    Case("csv-ragged", ["compare", "{tmp}/x.csv"], 2, ("line 3", "2 fields"), {"x.csv": "a,b,t\n1,2,0\n1,2\n"}),
    # accepted, and said so
    Case("csv-latin-1", ["compare", "{tmp}/x.csv", "--dry-run"], 0, ("warning: .*not UTF-8.*cp1252",),
         {"x.csv": _csv(["température,b,état", *_numbers(target=lambda i: ["été", "hiver"][i % 2])]).encode("latin-1")}),
    Case("csv-300-class-ids", ["compare", "{tmp}/x.csv", "--dry-run"], 0, ("warning: the target holds 300 distinct integers",),
         {"x.csv": _csv(["a,b,t", *_numbers(600, target=lambda i: str(i % 300))])}),
    Case("csv-semicolon-decimal-comma", ["compare", "{tmp}/x.csv", "--dry-run"], 0, (),
         {"x.csv": _csv(["a;b;t", *(row.replace(",", ";").replace(".", ",") for row in _numbers())])}),
    Case("csv-excel-unicode-text", ["compare", "{tmp}/x.csv", "--dry-run"], 0, (),
         {"x.csv": _csv(["a\tb\tt", *(row.replace(",", "\t") for row in _numbers())]).encode("utf-16")}),
    Case("sweep-base-overridden", ["sweep", "--param", "l2", "--values", "1e-3,1e-2", "--base", "l2=0.5,hidden=4",
                                   "--dry-run", "--n-samples", "60"], 0, ("warning: .*base.*l2=0.5",)),
    # reading an output directory back
    Case("report-no-directory", ["report", "{tmp}/nothing"], 2, ("No such directory",)),
    Case("report-empty-directory", ["report", "{tmp}"], 2, ("runs.sqlite not found",)),
    Case("export-to-directory", ["export", "{trained}", "--to", "{tmp}"], 2, ("is a directory",)),
    Case("export-to-proc", ["export", "{trained}", "--to", "/proc/m.pt"], 2, ("Cannot write the model file",)),
    Case("export-to-empty", ["export", "{trained}", "--to", ""], 2, ("`--to`: the file name is empty",)),
    Case("export-to-blank", ["export", "{trained}", "--to", "  "], 2, ("`--to`: the file name is empty",)),
    Case("export-diverged", ["export", "{trained}", "--variant", "nan", "--to", "{tmp}/m.pt"], 0, ("warning: exporting nan.*diverged",)),
    Case("export-unknown-variant", ["export", "{trained}", "--variant", "nope"], 2, ("No variant 'nope'",)),
    # what typer refuses
    Case("unknown-option", ["compare", "--bogus"], 2, ("No such option",)),
]


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny compare on a CSV file: a baseline, an unstable lr=1e6, a diverging noise=1e38 and an ensemble of 2."""
    root = tmp_path_factory.mktemp("trained")
    data = root / "tiny.csv"
    data.write_text(_csv(["a,b,label", *_numbers(80)]))
    out = root / "out"
    result = subprocess.run(
        [sys.executable, "-m", "reglab", "compare", str(data), "--epochs", "10", "--seeds", "1", "-q", "--out", str(out),
         "--variant", "base:hidden=4", "--variant", "big:hidden=4,lr=1e6", "--variant", "nan:hidden=4,noise=1e38",
         "--variant", "ens:hidden=4,ensemble=2"],
        capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stderr
    assert "big: unstable: " in result.stdout and "nan: diverged: " in result.stdout, result.stdout
    return out


@pytest.mark.parametrize("case", CLI_CASES, ids=[case.id for case in CLI_CASES])
def test_cli_corpus(case: Case, tmp_path: Path, request: pytest.FixtureRequest, monkeypatch, capsys) -> None:
    monkeypatch.chdir(tmp_path)
    for name, content in case.files.items():
        target = tmp_path / name
        if callable(content):
            content(target)
        elif isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content)
    trained = request.getfixturevalue("trained") if any("{trained}" in arg for arg in case.args) else None
    args = [arg.replace("{tmp}", str(tmp_path)).replace("{trained}", str(trained)) for arg in case.args]
    _check(case, *_console_run(args, monkeypatch, capsys))


def _edit_store(out: Path, label: str, change: Callable[[dict], None]) -> None:
    with sqlite3.connect(out / "runs.sqlite") as db:
        for rowid, run_json in db.execute("SELECT rowid, run_json FROM runs WHERE label = ?", (label,)).fetchall():
            run = json.loads(run_json)
            change(run)
            db.execute("UPDATE runs SET run_json = ? WHERE rowid = ?", (json.dumps(run), rowid))


def test_report_names_an_ensemble_member_without_weights(trained: Path, tmp_path: Path, monkeypatch, capsys) -> None:
    import shutil

    out = tmp_path / "out"
    shutil.copytree(trained, out)
    _edit_store(out, "ens", lambda run: run["members"][1].pop("weights"))
    case = Case("report-damaged", [], 2, ("damaged run of 'ens'", "member 1", "weights"))
    _check(case, *_console_run(["report", str(out)], monkeypatch, capsys))


def test_report_after_the_csv_changed_says_the_data_changed(trained: Path, monkeypatch, capsys) -> None:
    import shutil

    out = trained.parent / "changed"
    shutil.copytree(trained, out)
    data = trained.parent / "tiny.csv"
    original = data.read_text()
    try:
        data.write_text(original + "0.5,0.5,1\n")
        case = Case("report-data-changed", [], 2, ("The data changed", "tiny.csv"))
        _check(case, *_console_run(["report", str(out)], monkeypatch, capsys))
    finally:
        data.write_text(original)


SCRIPT_CASES = ["seeds-negative", "csv-zip", "preset-empty", "unknown-option"]


@pytest.mark.parametrize("case_id", SCRIPT_CASES)
def test_the_installed_script_gives_the_same(case_id: str, tmp_path: Path) -> None:
    """A sample of the corpus through the real ``reglab`` executable (a fresh process, as users run it)."""
    case = next(case for case in CLI_CASES if case.id == case_id)
    for name, content in case.files.items():
        content(tmp_path / name) if callable(content) else (tmp_path / name).write_bytes(
            content if isinstance(content, bytes) else content.encode())
    args = [arg.replace("{tmp}", str(tmp_path)) for arg in case.args]
    result = subprocess.run([str(Path(sys.executable).with_name("reglab")), *args], capture_output=True, text=True,
                            cwd=tmp_path, timeout=300)
    _check(case, result.returncode, result.stdout, result.stderr)


def test_help_does_not_import_torch() -> None:
    code = ("import sys; sys.argv = ['reglab', '--help']\nfrom reglab._console import main\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\nprint('torch' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.stdout.strip().endswith("False"), result.stdout + result.stderr


MOONS = None


def _moons() -> reglab.Dataset:
    global MOONS
    if MOONS is None:
        MOONS = reglab.load_dataset("moons", n_samples=60)
    return MOONS


API_CASES: list[tuple[str, Callable[[], object], str]] = [
    ("train-none", lambda: reglab.train(None, ["baseline"]), "`dataset` must be a reglab.Dataset"),
    ("train-array", lambda: reglab.train(np.zeros((10, 2)), ["baseline"]), "Dataset.from_arrays"),
    ("train-unknown-name", lambda: reglab.train("moonz", ["baseline"]), "Did you mean 'moons'"),
    ("train-no-variants", lambda: reglab.train(_moons(), []), "`variants` is empty"),
    ("train-negative-seed", lambda: reglab.train(_moons(), ["baseline"], seeds=[-1]), "seeds.*-1"),
    ("train-text-seeds", lambda: reglab.train(_moons(), ["baseline"], seeds="abc"), "seeds='abc'"),
    ("train-repeated-seeds", lambda: reglab.train(_moons(), ["baseline"], seeds=[1, 1]), "repeats seed 1"),
    ("train-max-models-0", lambda: reglab.train(_moons(), ["baseline"], max_models=0), "max_models=0"),
    ("train-epochs-huge", lambda: reglab.train(_moons(), ["baseline"], epochs=10**20), "`epochs`"),
    ("train-too-big", lambda: reglab.train(_moons(), ["hidden=100000x100000"]), "memory"),
    ("variant-typo", lambda: reglab.Variant(dropuot=0.3), "Did you mean 'dropout'"),
    ("variant-epochs-huge", lambda: reglab.Variant(epochs=10**20), "`epochs`"),
    ("variant-name-number", lambda: reglab.Variant(name=3), "name=3"),
    ("sweep-seeds-negative", lambda: reglab.sweep(_moons(), "l2", "1e-3,1e-2", seeds=-1), "seeds=-1"),
    ("sweep-seeds-text", lambda: reglab.sweep(_moons(), "l2", "1e-3,1e-2", seeds="abc"), "seeds='abc'"),
    ("sweep-seeds-huge", lambda: reglab.sweep(_moons(), "l2", "1e-3,1e-2", seeds=10**20), "seeds"),
    ("load-huge", lambda: reglab.load_dataset("moons", n_samples=10**20), "memory"),
]


@pytest.mark.parametrize(("name", "call", "words"), API_CASES, ids=[case[0] for case in API_CASES])
def test_api_corpus(name: str, call: Callable[[], object], words: str) -> None:
    with pytest.raises(ReglabError, match=words):
        call()


def test_train_takes_a_data_set_name() -> None:
    runs = reglab.train("moons", ["hidden=4"], epochs=1, progress=False)
    assert len(runs) == 1 and len(runs[0].history["val_loss"]) == 1
