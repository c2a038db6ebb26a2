"""The SQLite run store: keys, resume semantics, foreign and corrupt files."""

from __future__ import annotations

import dataclasses
import json
import sqlite3
from pathlib import Path

import numpy as np
import pytest

import reglab
from reglab.errors import ReglabError
from reglab.store import (
    FILE_NAME,
    ExperimentRecord,
    RunStore,
    canonical_json,
    data_fingerprint,
    dataset_key,
    variant_key,
)
from reglab.variant import Variant


@pytest.fixture(scope="module")
def data():
    return reglab.load_dataset("moons", n_samples=60, seed=0)


@pytest.fixture(scope="module")
def runs(data):
    return reglab.train(data, ["a:hidden=4", "b:hidden=4,l2=1e-2"], seeds=[0, 1], epochs=2, progress=False)


def test_put_then_get_round_trips_the_run_with_weights(tmp_path: Path, data, runs) -> None:
    with RunStore.open(tmp_path) as store:
        for run in runs:
            store.put(data, run)
        assert store.count() == 4
        back = store.get(data, runs[1].variant, 1)
    assert back is not None and back.seed == 1 and back.variant == runs[1].variant
    assert back.history == runs[1].history and back.metrics == runs[1].metrics
    for mine, theirs in zip(back.members[0]["weights"], runs[1].members[0]["weights"]):
        np.testing.assert_array_equal(mine, theirs)
    np.testing.assert_allclose(back.predict_proba(data.X_val), runs[1].predict_proba(data.X_val), rtol=1e-6)


def test_put_many_stores_all_the_runs_or_none(tmp_path: Path, data, runs) -> None:
    with RunStore.open(tmp_path) as store:
        store.put_many(data, runs[:3])
        assert store.count() == 3 and store.get(data, runs[2].variant, 0).metrics == runs[2].metrics
        broken = dataclasses.replace(runs[3], history={"val_loss": [object()]})  # not JSON: the whole write is undone
        with pytest.raises(TypeError):
            store.put_many(data, [runs[3], broken])
        assert store.count() == 3


def test_a_stored_run_survives_reopening(tmp_path: Path, data, runs) -> None:
    with RunStore.open(tmp_path) as store:
        store.put(data, runs[0])
    with RunStore.open(tmp_path, create=False) as store:
        assert store.get(data, runs[0].variant, 0) is not None


def test_the_key_is_the_settings_not_the_name(tmp_path: Path, data, runs) -> None:
    renamed = runs[0].variant.replace(name="another name")
    with RunStore.open(tmp_path) as store:
        store.put(data, runs[0])
        found = store.get(data, renamed, 0)
        assert found is not None and found.name == "another name"
        assert store.get(data, runs[0].variant.replace(epochs=3, name="a"), 0) is None  # other settings
        assert store.get(data, runs[0].variant, 1) is None  # other seed
        other = reglab.load_dataset("moons", n_samples=60, seed=0, noise=0.3)
        assert store.get(other, runs[0].variant, 0) is None  # other data options


def test_changed_data_counts_as_missing(tmp_path: Path, data, runs) -> None:
    changed = dataclasses.replace(data, X_train=data.X_train + 1.0)  # same name and options, other arrays
    assert dataset_key(changed) == dataset_key(data)
    assert data_fingerprint(changed) != data_fingerprint(data)
    with RunStore.open(tmp_path) as store:
        store.put(data, runs[0])
        assert store.get(changed, runs[0].variant, 0) is None


def test_keys_are_canonical_json() -> None:
    assert canonical_json({"b": 1, "a": [1, 2]}) == '{"a":[1,2],"b":1}'
    assert variant_key(Variant.parse("x:l1=0.001")) == variant_key(Variant.parse("y:l1=1e-3"))
    assert json.loads(variant_key(Variant())) == Variant().settings()


def test_lookup_finds_the_stored_subset(tmp_path: Path, data, runs) -> None:
    variants = [runs[0].variant, runs[2].variant]
    with RunStore.open(tmp_path) as store:
        store.put(data, runs[0])
        store.put(data, runs[3])
        found = store.lookup(data, variants, [0, 1])
    assert sorted(found) == [(0, 0), (1, 1)]


def test_experiment_record_round_trips(tmp_path: Path) -> None:
    record = ExperimentRecord(
        dataset="moons", options={"n_samples": 60}, variants=(Variant(name="a").to_dict(),), specs=("a:baseline",),
        seeds=(0, 1), epochs=3, preset=None, created="2025-01-01T00:00:00+00:00", reglab_version="0.1.0",
    )
    with RunStore.open(tmp_path) as store:
        assert store.last_experiment() is None
        store.record_experiment(dataclasses.replace(record, epochs=9))
        store.record_experiment(record)
        assert store.last_experiment() == record
    assert record.variant_objects()[0].label == "a"


def test_the_store_uses_wal(tmp_path: Path) -> None:
    RunStore.open(tmp_path).close()
    with sqlite3.connect(tmp_path / FILE_NAME) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_a_foreign_database_is_refused(tmp_path: Path) -> None:
    with sqlite3.connect(tmp_path / FILE_NAME) as db:
        db.execute("CREATE TABLE invoices (total REAL)")
    with pytest.raises(ReglabError, match="is not a reglab run store .*invoices"):
        RunStore.open(tmp_path)


def test_a_corrupt_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / FILE_NAME).write_bytes(b"\x00garbage" * 500)
    with pytest.raises(ReglabError, match="is not a reglab run store"):
        RunStore.open(tmp_path)


def test_a_newer_schema_is_refused(tmp_path: Path) -> None:
    RunStore.open(tmp_path).close()
    with sqlite3.connect(tmp_path / FILE_NAME) as db:
        db.execute("UPDATE reglab_meta SET value = '99' WHERE key = 'schema_version'")
    with pytest.raises(ReglabError, match="newer reglab"):
        RunStore.open(tmp_path)


def test_opening_without_create_needs_a_store(tmp_path: Path) -> None:
    with pytest.raises(ReglabError, match="No reglab results"):
        RunStore.open(tmp_path, create=False)
    assert not (tmp_path / FILE_NAME).exists()


def test_an_output_path_that_is_a_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    with pytest.raises(ReglabError, match="Cannot create the output directory"):
        RunStore.open(tmp_path / "file" / "sub")
    with pytest.raises(ReglabError, match="not a directory"):
        RunStore.open(tmp_path / "file")
