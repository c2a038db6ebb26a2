"""A run store written by an earlier release opens, and its runs are reused (no retraining).

``tests/data/runs-v1.sqlite`` was written by reglab 0.1.0 at commit 8143170
(store schema 1), before the store learned migrations, with::

    ds = reglab.load_dataset("moons", n_samples=60, seed=0)
    reglab.sweep(ds, "l2", [1e-3, 1e-1], base="hidden=4", seeds=2, epochs=3, out_dir=OUT)
    reglab.experiment.compare(ds, ["baseline:hidden=4", "L2:hidden=4,l2=1e-2"], seeds=[0, 1],
                              out_dir=OUT, epochs=3)

It holds 8 runs and two experiments, the compare last.  The tests copy it
first: opening a store upgrades it in place (to schema 2, :mod:`reglab.store_schema`).
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

import reglab
from reglab import compare
from reglab.errors import ReglabError
from reglab.experiments import rebuild_report
from reglab.store import FILE_NAME, ExperimentRecord, RunStore
from reglab.store_schema import FORMAT, SCHEMA_VERSION, canonical_json

OLD_STORE = Path(__file__).parent / "data" / "runs-v1.sqlite"
SPECS = ["baseline:hidden=4", "L2:hidden=4,l2=1e-2"]


@pytest.fixture
def old_out(tmp_path: Path) -> Path:
    out = tmp_path / "out"
    out.mkdir()
    shutil.copyfile(OLD_STORE, out / FILE_NAME)
    return out


def test_a_compare_reuses_every_run_of_an_old_store(old_out: Path) -> None:
    ds = reglab.load_dataset("moons", n_samples=60, seed=0)
    result = compare(ds, SPECS, seeds=[0, 1], out_dir=old_out, epochs=3, progress=False, log=None)
    assert (result.trained, result.reused) == (0, 4)
    assert [run.name for run in result.runs] == ["baseline", "baseline", "L2", "L2"]


def test_a_sweep_reuses_every_run_of_an_old_store(old_out: Path) -> None:
    ds = reglab.load_dataset("moons", n_samples=60, seed=0)
    result = reglab.sweep(ds, "l2", [1e-3, 1e-1], base="hidden=4", seeds=2, epochs=3, out_dir=old_out,
                          progress=False, log=None)
    assert (result.trained, result.reused) == (0, 4)


def test_report_rebuilds_the_last_experiment_of_an_old_store(old_out: Path) -> None:
    result = rebuild_report(old_out, log=None)
    assert result.reused == 4 and not result.missing
    assert result.report.is_file() and "L2" in result.report.read_text(encoding="utf-8")


def _meta(path: Path) -> dict[str, str]:
    with sqlite3.connect(path) as db:
        return dict(db.execute("SELECT key, value FROM reglab_meta").fetchall())


def test_opening_an_old_store_upgrades_it_in_place(old_out: Path) -> None:
    assert _meta(old_out / FILE_NAME)["schema_version"] == "1"
    with RunStore.open(old_out, create=False) as store:
        assert store.count() == 8
    assert _meta(old_out / FILE_NAME)["schema_version"] == str(SCHEMA_VERSION) == "2"
    with sqlite3.connect(old_out / FILE_NAME) as db:
        kinds = [row[0] for row in db.execute("SELECT kind FROM experiments ORDER BY id")]
    assert kinds == ["sweep", "compare"]
    with RunStore.open(old_out) as store:  # a second open finds nothing to do
        assert store.last_experiment().kind == "compare"


def test_runs_stored_under_an_older_key_spelling_are_found_after_the_upgrade(old_out: Path) -> None:
    """A release that adds a setting changes every run's key; the upgrade spells the stored keys again."""
    with sqlite3.connect(old_out / FILE_NAME) as db:
        rows = db.execute("SELECT rowid, variant_key FROM runs").fetchall()
        for row_id, key in rows:  # as if written before `penalize_bias` existed
            settings = json.loads(key)
            del settings["penalize_bias"]
            db.execute("UPDATE runs SET variant_key = ? WHERE rowid = ?", (canonical_json(settings), row_id))
    ds = reglab.load_dataset("moons", n_samples=60, seed=0)
    result = compare(ds, SPECS, seeds=[0, 1], out_dir=old_out, epochs=3, progress=False, log=None)
    assert (result.trained, result.reused) == (0, 4)


def test_a_failed_upgrade_leaves_the_store_as_it_was(old_out: Path) -> None:
    with sqlite3.connect(old_out / FILE_NAME) as db:
        db.execute("UPDATE runs SET run_json = 'not json' WHERE rowid = (SELECT MIN(rowid) FROM runs)")
    with pytest.raises(ReglabError, match="Cannot upgrade the run store .* an unreadable row"):
        RunStore.open(old_out)
    assert _meta(old_out / FILE_NAME)["schema_version"] == "1"
    with sqlite3.connect(old_out / FILE_NAME) as db:
        assert "kind" not in {row[1] for row in db.execute("PRAGMA table_info(experiments)")}


def test_a_new_store_is_written_at_the_current_version_with_named_columns(tmp_path: Path) -> None:
    with RunStore.open(tmp_path) as store:
        store.record_experiment(ExperimentRecord(dataset="moons", options={}, variants=(), specs=(), seeds=(0,),
                                                 kind="sweep"))
    assert _meta(tmp_path / FILE_NAME) == {"format": FORMAT, "schema_version": str(SCHEMA_VERSION)}
    with sqlite3.connect(tmp_path / FILE_NAME) as db:
        assert db.execute("SELECT kind FROM experiments").fetchall() == [("sweep",)]
