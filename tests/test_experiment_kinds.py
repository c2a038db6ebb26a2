"""The seam for kinds of experiment: report and export serve any kind in KINDS, and nothing else decides."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from reglab.cli import app
from reglab.experiments import COMPARE, KINDS, SWEEP, StoredExperiment, kind_of
from reglab.experiments.kinds import Log
from reglab.outputs.directory import write_directory
from reglab.store import RunStore
from reglab.variant import Variant

OLD_STORE = Path(__file__).parent / "data" / "runs-v1.sqlite"


class BestSeedKind:
    """A toy kind: the variants of a compare, reported as one line per run, picking the first variant."""

    name = "best-seed"
    noun = "best-seed look"
    result_type = StoredExperiment

    def variants(self, record) -> list[Variant]:
        return record.variant_objects()

    def from_stored(self, stored: StoredExperiment, say: Log) -> StoredExperiment:
        say("toy: read back")
        return stored

    def write(self, result: StoredExperiment, out: Path) -> StoredExperiment:
        write_directory(out, [], result, {"schema": "toy"}, lambda figures: "<p>toy</p>")
        return result

    def summary_lines(self, result: StoredExperiment) -> list[str]:
        return [f"{run.name} seed {run.seed}: {run.metrics['val_loss']:.4f}" for run in result.runs]

    def pick(self, stored: StoredExperiment) -> tuple[str, str]:
        return stored.runs[0].name, "the toy's first variant"


@pytest.fixture
def toy_out(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An output directory whose newest experiment is of the toy kind, registered in KINDS."""
    out = tmp_path / "out"
    out.mkdir()
    shutil.copyfile(OLD_STORE, out / "runs.sqlite")
    with RunStore.open(out) as store:
        record = store.last_experiment()
        store.record_experiment(dataclasses.replace(record, kind=BestSeedKind.name))
    monkeypatch.setitem(KINDS, BestSeedKind.name, BestSeedKind())
    return out


def test_the_registry_holds_compare_and_sweep_under_their_record_kinds() -> None:
    assert KINDS["compare"] is COMPARE and KINDS["sweep"] is SWEEP
    for name, kind in KINDS.items():
        assert kind.name == name and kind.noun and isinstance(kind.result_type, type)


def test_report_and_export_serve_a_kind_added_to_the_registry(toy_out: Path) -> None:
    runner = CliRunner()
    report = runner.invoke(app, ["report", str(toy_out)], catch_exceptions=False)
    assert report.exit_code == 0, report.output
    assert report.stdout.splitlines()[0].startswith("baseline seed 0: ") and len(report.stdout.splitlines()) == 4
    assert "toy: read back" in report.stderr
    assert (toy_out / "report.html").read_text(encoding="utf-8") == "<p>toy</p>"
    exported = runner.invoke(app, ["export", str(toy_out)], catch_exceptions=False)
    assert exported.exit_code == 0, exported.output
    assert exported.stdout.startswith("exported: baseline, seed ") and "the toy's first variant" in exported.stdout


def test_an_unknown_kind_is_one_clear_error(toy_out: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delitem(KINDS, BestSeedKind.name)
    result = CliRunner().invoke(app, ["report", str(toy_out)], catch_exceptions=False)
    assert result.exit_code == 2
    assert "error: The run store's last experiment is of kind 'best-seed'" in result.stderr
    with RunStore.open(toy_out) as store, pytest.raises(ValueError, match="Upgrade reglab"):
        kind_of(store.last_experiment())
