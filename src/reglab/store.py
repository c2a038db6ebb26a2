"""`RunStore`: the SQLite file ``DIR/runs.sqlite`` that keeps every finished run.

Tables (stdlib :mod:`sqlite3`, WAL journal, one commit per run):

* ``runs``: one row per trained run, keyed by ``(dataset_key, variant_key, seed)``:

  - ``dataset_key``: canonical JSON of ``{"name": ds.name, "options": ds.options}``;
  - ``variant_key``: canonical JSON of ``variant.settings()``: every resolved
    setting but NOT the name, so renaming a variant never retrains it (the
    stored run is handed back under the new label);
  - ``label`` (the name it was trained under), ``data_sha256`` (a fingerprint
    of the split arrays: a run whose data changed, e.g. an edited CSV file,
    counts as missing and is retrained), ``reglab_version``, ``created``;
  - ``run_json``: ``run.to_dict()`` (weights included).

* ``experiments``: what each ``compare`` or ``sweep`` asked for (data set,
  variants in order or the swept parameters with their grids and the base,
  seeds, epochs), newest last, so ``reglab report DIR`` rebuilds the report
  without training.  ``spec_json`` holds :meth:`ExperimentRecord.to_dict`; its
  ``kind`` is ``"compare"`` or ``"sweep"`` (absent in older stores: compare).
* ``checkpoints``: the last saved state of each group still in training
  (:mod:`reglab.engine.checkpoint`), keyed by the SHA-256 of the data set
  key, the data fingerprint and the group's ``(variant_key, seed)`` pairs in
  order; ``epoch`` is the last epoch it holds and ``state`` is
  ``GroupState.to_bytes()``.  A row goes when its
  group's runs are stored.
* ``reglab_meta``: ``format`` (``reglab-run-store``) and ``schema_version``;
  a database without it is refused as foreign.

Canonical JSON: ``json.dumps(value, sort_keys=True, separators=(",", ":"))``.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import sqlite3
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reglab.errors import ReglabError
from reglab.results_file import reglab_version
from reglab.run import Run
from reglab.variant import Variant

if TYPE_CHECKING:
    from reglab.data import Dataset
    from reglab.engine.checkpoint import GroupRuns

FILE_NAME = "runs.sqlite"
FORMAT = "reglab-run-store"
SCHEMA_VERSION = 1

_SCHEMA = """
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
    spec_json TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS checkpoints (
    group_key TEXT PRIMARY KEY,
    created TEXT NOT NULL,
    epoch INTEGER NOT NULL,
    state BLOB NOT NULL
);
"""


def canonical_json(value: Any) -> str:
    """The one spelling of ``value`` used in keys: sorted keys, no spaces."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"))


def dataset_key(dataset: Dataset) -> str:
    """The data set part of a run's key: its name and resolved options."""
    return canonical_json({"name": dataset.name, "options": dataset.options})


def variant_key(variant: Variant) -> str:
    """The variant part of a run's key: its resolved settings, not its name."""
    return canonical_json(variant.settings())


def data_fingerprint(dataset: Dataset) -> str:
    """SHA-256 of the split arrays, so changed data never reuses old runs."""
    digest = hashlib.sha256()
    for split in ("train", "val", "test"):
        for array in (getattr(dataset, f"X_{split}"), getattr(dataset, f"y_{split}")):
            digest.update(str((array.dtype.str, array.shape)).encode())
            digest.update(array.tobytes())
    return digest.hexdigest()


def now() -> str:
    """The current UTC time, ISO 8601 to the second."""
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


@dataclass(frozen=True)
class ExperimentRecord:
    """What one ``compare`` or ``sweep`` asked for.

    Attributes:
        dataset: the data set's name (a catalog name or a CSV path).
        options: its resolved options (``load_dataset(dataset, **options)`` rebuilds it).
        variants: ``Variant.to_dict()`` of each variant as trained (epochs applied), in order
            (empty for a sweep, so an older reglab finds no run to report rather than a wrong one).
        specs: the variants as the user gave them (short forms), for the command line.
        seeds: the seeds, in order.
        epochs: the ``--epochs`` override, or ``None`` (each variant's own).
        preset: the preset the variants came from, if any.
        created: when it was recorded (UTC, ISO 8601).
        reglab_version: the version that recorded it.
        kind: ``"compare"`` or ``"sweep"``.
        params: a sweep's parameters, ``{"name": "l2", "values": [...]}`` each, values weak → strong.
        base: a sweep's base variant, ``Variant.to_dict()`` as trained (epochs applied).
    """

    dataset: str
    options: dict[str, Any]
    variants: tuple[dict[str, Any], ...]
    specs: tuple[str, ...]
    seeds: tuple[int, ...]
    epochs: int | None = None
    preset: str | None = None
    created: str = ""
    reglab_version: str = ""
    kind: str = "compare"
    params: tuple[dict[str, Any], ...] = ()
    base: dict[str, Any] | None = None

    def variant_objects(self) -> list[Variant]:
        """The variants as trained."""
        return [Variant.from_dict(d) for d in self.variants]

    def to_dict(self) -> dict[str, Any]:
        return {
            **dataclasses.asdict(self),
            "variants": list(self.variants), "specs": list(self.specs), "seeds": list(self.seeds),
            "params": list(self.params),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ExperimentRecord:
        return cls(
            dataset=data["dataset"], options=dict(data["options"]),
            variants=tuple(data["variants"]), specs=tuple(data["specs"]), seeds=tuple(int(s) for s in data["seeds"]),
            epochs=data.get("epochs"), preset=data.get("preset"),
            created=data.get("created", ""), reglab_version=data.get("reglab_version", ""),
            kind=data.get("kind", "compare"), params=tuple(data.get("params", ())), base=data.get("base"),
        )


class RunStore:
    """The runs of one output directory.  Use as a context manager, or call :meth:`close`.

    Examples:
        >>> with RunStore.open(out_dir) as store:                 # doctest: +SKIP
        ...     todo = store.missing(ds, variants, seeds)
        ...     reglab.train(ds, ..., on_run=lambda run: store.put(ds, run))
    """

    def __init__(self, path: Path, connection: sqlite3.Connection) -> None:
        self.path = path
        self._db = connection

    # -- opening -------------------------------------------------------------
    @classmethod
    def open(cls, directory: str | Path, *, create: bool = True) -> RunStore:
        """Open ``directory/runs.sqlite``; with ``create`` make the directory and file if needed.

        Raises:
            ReglabError: the directory cannot be written, the file is missing
                (``create=False``), corrupt, or not a reglab store.
        """
        directory = Path(directory)
        path = directory / FILE_NAME
        if not create and not path.is_file():
            raise ReglabError(
                f"No reglab results in '{directory}': {FILE_NAME} not found. "
                f"Run `reglab compare --out {directory}` or `reglab sweep --out {directory}` first."
            )
        if create:
            _make_directory(directory)
            if not path.exists():
                _check_writable(directory)
        try:
            db = sqlite3.connect(path, timeout=30.0)
        except sqlite3.Error as error:
            raise ReglabError(f"Cannot open the run store '{path}': {error}.") from None
        try:
            _prepare(db, path, create=create)
        except BaseException:
            db.close()
            raise
        return cls(path, db)

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> RunStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- runs ------------------------------------------------------------------
    def put(self, dataset: Dataset, run: Run, *, fingerprint: str | None = None) -> None:
        """Store (or replace) one run and commit at once."""
        row = (
            dataset_key(dataset), variant_key(run.variant), int(run.seed), run.variant.label,
            fingerprint or data_fingerprint(dataset), reglab_version(), now(), json.dumps(run.to_dict()),
        )
        with self._write():
            self._db.execute("INSERT OR REPLACE INTO runs VALUES (?, ?, ?, ?, ?, ?, ?, ?)", row)

    def get(self, dataset: Dataset, variant: Variant, seed: int, *, fingerprint: str | None = None) -> Run | None:
        """The stored run of ``variant`` × ``seed`` on this data, under ``variant``'s label; ``None`` if absent."""
        found = self._db.execute(
            "SELECT run_json, data_sha256 FROM runs WHERE dataset_key = ? AND variant_key = ? AND seed = ?",
            (dataset_key(dataset), variant_key(variant), int(seed)),
        ).fetchone()
        if found is None or found[1] != (fingerprint or data_fingerprint(dataset)):
            return None
        try:
            run = Run.from_dict(json.loads(found[0]))
        except (ValueError, KeyError, TypeError) as error:
            why = str(error) if isinstance(error, ReglabError) else f"{type(error).__name__}: {error}"
            raise ReglabError(
                f"The run store '{self.path}' holds a damaged run of {variant.label!r}, seed {seed}: {why}. "
                f"Delete {self.path.name} (or use another --out) and train again."
            ) from None
        return dataclasses.replace(run, variant=variant)

    def lookup(self, dataset: Dataset, variants: Sequence[Variant], seeds: Iterable[int]) -> dict[tuple[int, int], Run]:
        """The stored runs among ``variants`` × ``seeds``, keyed by ``(variant index, seed)``."""
        fingerprint = data_fingerprint(dataset)
        found: dict[tuple[int, int], Run] = {}
        for i, variant in enumerate(variants):
            for seed in seeds:
                run = self.get(dataset, variant, seed, fingerprint=fingerprint)
                if run is not None:
                    found[(i, int(seed))] = run
        return found

    def holds_other_data(self, dataset: Dataset) -> bool:
        """Whether runs are stored under this data set's name and options but with other data (an edited CSV file)."""
        row = self._db.execute(
            "SELECT 1 FROM runs WHERE dataset_key = ? AND data_sha256 != ? LIMIT 1",
            (dataset_key(dataset), data_fingerprint(dataset)),
        ).fetchone()
        return row is not None

    def count(self) -> int:
        """How many runs the store holds, all data sets and variants together."""
        return int(self._db.execute("SELECT COUNT(*) FROM runs").fetchone()[0])

    # -- checkpoints of groups in training ---------------------------------------
    def load_checkpoint(self, dataset: Dataset, runs: GroupRuns) -> bytes | None:
        """The saved state of the group training ``runs`` on ``dataset``, or ``None``."""
        row = self._db.execute("SELECT state FROM checkpoints WHERE group_key = ?", (_group_key(dataset, runs),)).fetchone()
        return None if row is None else bytes(row[0])

    def save_checkpoint(self, dataset: Dataset, runs: GroupRuns, epoch: int, blob: bytes) -> None:
        """Store (or replace) a group's state after ``epoch`` and commit at once."""
        row = (_group_key(dataset, runs), now(), int(epoch), sqlite3.Binary(blob))
        with self._write():
            self._db.execute("INSERT OR REPLACE INTO checkpoints VALUES (?, ?, ?, ?)", row)

    def drop_checkpoint(self, dataset: Dataset, runs: GroupRuns) -> None:
        """Forget a group's state."""
        with self._write():
            self._db.execute("DELETE FROM checkpoints WHERE group_key = ?", (_group_key(dataset, runs),))

    def checkpoint_epochs(self) -> list[int]:
        """The epoch of every saved group state, oldest save first."""
        return [row[0] for row in self._db.execute("SELECT epoch FROM checkpoints ORDER BY created, rowid")]

    # -- experiments -------------------------------------------------------------
    def record_experiment(self, record: ExperimentRecord) -> None:
        """Remember what a compare or sweep asked for (the newest is used by ``reglab report``)."""
        with self._write():
            self._db.execute(
                "INSERT INTO experiments (created, spec_json) VALUES (?, ?)",
                (record.created or now(), json.dumps(record.to_dict())),
            )

    def last_experiment(self) -> ExperimentRecord | None:
        """The newest recorded experiment, or ``None``."""
        row = self._db.execute("SELECT spec_json FROM experiments ORDER BY id DESC LIMIT 1").fetchone()
        if row is None:
            return None
        try:
            return ExperimentRecord.from_dict(json.loads(row[0]))
        except (ValueError, KeyError, TypeError) as error:
            raise ReglabError(f"The run store '{self.path}' holds an unreadable experiment ({error!r}).") from None

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """A transaction that commits on success; a disk error becomes a ReglabError."""
        try:
            yield self._db
            self._db.commit()
        except sqlite3.Error as error:
            self._db.rollback()
            raise ReglabError(f"Cannot write to the run store '{self.path}': {error}.") from None
        except BaseException:
            self._db.rollback()
            raise


def _group_key(dataset: Dataset, runs: GroupRuns) -> str:
    """SHA-256 of the data (key and fingerprint) and the group's runs in order."""
    pairs = [[variant_key(variant), int(seed)] for variant, seed in runs]
    text = canonical_json([dataset_key(dataset), data_fingerprint(dataset), pairs])
    return hashlib.sha256(text.encode()).hexdigest()


def _make_directory(directory: Path) -> None:
    if directory.exists() and not directory.is_dir():
        raise ReglabError(f"The output path '{directory}' exists and is not a directory.")
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        reason = error.strerror or str(error)
        raise ReglabError(f"Cannot create the output directory '{directory}': {reason}.") from None


def _check_writable(directory: Path) -> None:
    """Refuse a directory no file can be created in (read-only, or not ours), naming the reason."""
    try:
        with tempfile.TemporaryFile(dir=directory):
            pass
    except OSError as error:
        reason = error.strerror or str(error)
        raise ReglabError(
            f"Cannot create files in the output directory '{directory}' ({reason}): it is read-only or not yours. "
            "Choose another --out directory."
        ) from None


def _prepare(db: sqlite3.Connection, path: Path, *, create: bool) -> None:
    """Check that ``db`` is a reglab store (or empty, then set it up)."""
    not_ours = (
        f"'{path}' is not a reglab run store{{why}}. Move it away or choose another output directory."
    )
    try:
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.DatabaseError as error:
        raise ReglabError(not_ours.format(why=f" ({error})")) from None
    except sqlite3.Error as error:
        raise ReglabError(f"Cannot read the run store '{path}': {error}.") from None
    if tables and "reglab_meta" not in tables:
        raise ReglabError(not_ours.format(why=f" (it holds other tables: {', '.join(sorted(tables))})"))
    if tables:
        meta = dict(db.execute("SELECT key, value FROM reglab_meta").fetchall())
        if meta.get("format") != FORMAT:
            raise ReglabError(not_ours.format(why=""))
        version = int(meta.get("schema_version", "0"))
        if version > SCHEMA_VERSION:
            raise ReglabError(
                f"The run store '{path}' was written by a newer reglab (schema {version}; this one reads "
                f"{SCHEMA_VERSION}). Upgrade reglab or choose another output directory."
            )
    elif not create:
        raise ReglabError(f"The run store '{path}' is empty. Run `reglab compare` or `reglab sweep` with --out {path.parent} first.")
    try:
        db.execute("PRAGMA journal_mode=WAL")
        db.executescript(_SCHEMA)
        db.execute("INSERT OR IGNORE INTO reglab_meta VALUES ('format', ?)", (FORMAT,))
        db.execute("INSERT OR IGNORE INTO reglab_meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
        db.commit()
    except sqlite3.Error as error:
        raise ReglabError(f"Cannot write to the run store '{path}': {error}.") from None
