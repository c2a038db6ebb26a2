"""The layout of ``runs.sqlite``: its tables, the spelling of its keys, its schema version and the migrations.

Schema versions (``reglab_meta.schema_version``):

* **1** (reglab 0.1.0): the tables ``runs``, ``experiments(id, created, spec_json)``,
  ``checkpoints`` and ``reglab_meta``.
* **2**: ``experiments`` gains a ``kind`` column (``"compare"``, ``"sweep"``,
  ...), filled from each record's JSON; every run's ``variant_key`` is spelled
  again from its stored variant with the current :meth:`Variant.settings`, so
  runs stay found when a release adds a setting (with a default that keeps
  the old behaviour).  Checkpoints are keyed by the old spelling and are left
  alone: an unfinished group whose key changed trains again from epoch 1.

:func:`prepare` upgrades a store of an older version in one transaction
(``MIGRATIONS[v]`` takes it from ``v`` to ``v + 1``) the first time this
reglab opens it, and refuses one written by a newer reglab.  A change to the
layout or to a key's spelling is a new version: bump :data:`SCHEMA_VERSION`,
change :data:`TABLES` and add the step to :data:`MIGRATIONS` (the same
re-keying step serves every release that changes the settings' keys).

Canonical JSON: ``json.dumps(value, sort_keys=True, separators=(",", ":"))``.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

from reglab.errors import ReglabError
from reglab.variant import Variant

FORMAT = "reglab-run-store"
SCHEMA_VERSION = 2

TABLES = """
CREATE TABLE IF NOT EXISTS reglab_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS runs (
    dataset_key TEXT NOT NULL,
    variant_key TEXT NOT NULL,
    seed INTEGER NOT NULL,
    label TEXT NOT NULL,
    data_sha256 TEXT NOT NULL,
    reglab_version TEXT NOT NULL,
    created TEXT NOT NULL,
    run_json TEXT NOT NULL,
    PRIMARY KEY (dataset_key, variant_key, seed)
);
CREATE TABLE IF NOT EXISTS experiments (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created TEXT NOT NULL,
    spec_json TEXT NOT NULL,
    kind TEXT NOT NULL DEFAULT 'compare'
);
CREATE TABLE IF NOT EXISTS checkpoints (
    group_key TEXT PRIMARY KEY,
    created TEXT NOT NULL,
    epoch INTEGER NOT NULL,
    state BLOB NOT NULL
);
"""
"""Every table at :data:`SCHEMA_VERSION`."""


def canonical_json(value: Any) -> str:
    """The one spelling of ``value`` used in keys: sorted keys, no spaces."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"))


def variant_key(variant: Variant) -> str:
    """The variant part of a run's key: its resolved settings, not its name."""
    return canonical_json(variant.settings())


def insert(db: sqlite3.Connection, table: str, row: dict[str, Any], *, replace: bool = False) -> None:
    """``INSERT [OR REPLACE] INTO table (columns...) VALUES (...)`` with the columns named by ``row``'s keys."""
    columns = ", ".join(row)
    values = ", ".join(f":{column}" for column in row)
    db.execute(f"INSERT {'OR REPLACE ' if replace else ''}INTO {table} ({columns}) VALUES ({values})", row)


def create_tables(db: sqlite3.Connection) -> None:
    """Every table of :data:`TABLES` that ``db`` lacks (inside the caller's transaction)."""
    for statement in TABLES.split(";"):
        if statement.strip():
            db.execute(statement)


def _kind_column(db: sqlite3.Connection) -> None:
    """Version 1 → 2, part 1: ``experiments.kind``, filled from each record (absent in the JSON: ``compare``)."""
    create_tables(db)
    if "kind" not in {row[1] for row in db.execute("PRAGMA table_info(experiments)")}:
        db.execute("ALTER TABLE experiments ADD COLUMN kind TEXT NOT NULL DEFAULT 'compare'")
    for row_id, spec in db.execute("SELECT id, spec_json FROM experiments").fetchall():
        kind = json.loads(spec).get("kind", "compare")
        db.execute("UPDATE experiments SET kind = ? WHERE id = ?", (kind, row_id))


def rekey_runs(db: sqlite3.Connection) -> None:
    """Spell every run's ``variant_key`` again from its stored variant (settings this release added get defaults).

    A run whose new key is already taken (the same run stored again under the
    new spelling) keeps its old row, which nothing looks up any more.
    """
    for row_id, key, run_json in db.execute("SELECT rowid, variant_key, run_json FROM runs").fetchall():
        new = variant_key(Variant.from_dict(json.loads(run_json)["variant"]))
        if new != key:
            db.execute("UPDATE OR IGNORE runs SET variant_key = ? WHERE rowid = ?", (new, row_id))


def _version_1_to_2(db: sqlite3.Connection) -> None:
    _kind_column(db)
    rekey_runs(db)


MIGRATIONS: dict[int, Callable[[sqlite3.Connection], None]] = {1: _version_1_to_2}
"""``MIGRATIONS[v](db)`` takes a store from version ``v`` to ``v + 1`` (inside one transaction)."""


def prepare(db: sqlite3.Connection, path: Path, *, create: bool) -> None:
    """Check that ``db`` is a reglab store (or empty, then set it up), and upgrade an older one.

    The upgrade runs under SQLite's write lock (``BEGIN IMMEDIATE``), with the
    version read again inside it, so two processes opening one old store
    upgrade it once; a failed step leaves the store as it was.

    Raises:
        ReglabError: a foreign or corrupt file, a newer schema, an empty store
            without ``create``, or a store that cannot be written.
    """
    not_ours = f"'{path}' is not a reglab run store{{why}}. Move it away or choose another output directory."
    try:
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.DatabaseError as error:
        raise ReglabError(not_ours.format(why=f" ({error})")) from None
    except sqlite3.Error as error:
        raise ReglabError(f"Cannot read the run store '{path}': {error}.") from None
    if tables and "reglab_meta" not in tables:
        raise ReglabError(not_ours.format(why=f" (it holds other tables: {', '.join(sorted(tables))})"))
    if not tables and not create:
        raise ReglabError(f"The run store '{path}' is empty. Run `reglab compare` or `reglab sweep` with --out {path.parent} first.")
    if tables and _version(db, path, not_ours) == SCHEMA_VERSION:
        return
    try:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("BEGIN IMMEDIATE")
        try:
            if not tables:
                create_tables(db)
            for step in range(_version(db, path, not_ours) if tables else SCHEMA_VERSION, SCHEMA_VERSION):
                MIGRATIONS[step](db)
            db.execute("INSERT OR IGNORE INTO reglab_meta VALUES ('format', ?)", (FORMAT,))
            db.execute("INSERT OR REPLACE INTO reglab_meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
            db.commit()
        except BaseException:
            db.rollback()
            raise
    except sqlite3.Error as error:
        raise ReglabError(f"Cannot write to the run store '{path}': {error}.") from None
    except (ValueError, KeyError, TypeError) as error:
        raise ReglabError(f"Cannot upgrade the run store '{path}': an unreadable row ({error!r}).") from None


def _version(db: sqlite3.Connection, path: Path, not_ours: str) -> int:
    """The store's schema version (a store from before versions were recorded is version 1).

    Raises:
        ReglabError: not a reglab store, or one written by a newer reglab.
    """
    meta = dict(db.execute("SELECT key, value FROM reglab_meta").fetchall())
    if meta.get("format") != FORMAT:
        raise ReglabError(not_ours.format(why=""))
    version = max(int(meta.get("schema_version", "1")), 1)
    if version > SCHEMA_VERSION:
        raise ReglabError(
            f"The run store '{path}' was written by a newer reglab (schema {version}; this one reads "
            f"{SCHEMA_VERSION}). Upgrade reglab or choose another output directory."
        )
    return version
