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
  without training.  ``spec_json`` holds :meth:`ExperimentRecord.to_dict`;
  ``kind`` is its kind of experiment (``"compare"``, ``"sweep"``, ``"tune"``), also in the JSON;
  a tune's study (storage URL without password, name, space) is in ``settings``.
* ``checkpoints``: the last saved state of each group still in training
  (:mod:`reglab.engine.checkpoint`), keyed by the SHA-256 of the data set
  key, the data fingerprint and the group's ``(variant_key, seed)`` pairs in
  order; ``epoch`` is the last epoch it holds and ``state`` is
  ``GroupState.to_bytes()``.  A row goes when its
  group's runs are stored.
* ``reglab_meta``: ``format`` (``reglab-run-store``) and ``schema_version``;
  a database without it is refused as foreign.

Rows are written with named columns.  The tables, the keys' spelling, the
schema versions and the migration of an older store (upgraded in place the
first time it is opened, its runs kept and found) are in
:mod:`reglab.store_schema`.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reglab.errors import ReglabError
from reglab.outputs.files import make_directory
from reglab.run import Run
from reglab.store_schema import canonical_json, insert, prepare, variant_key
from reglab.variant import Variant
from reglab.version import reglab_version

if TYPE_CHECKING:
    from reglab.data import Dataset
    from reglab.engine.checkpoint import GroupRuns

FILE_NAME = "runs.sqlite"
def dataset_key(dataset: Dataset) -> str:
    """The data set part of a run's key: its name and resolved options."""
    return canonical_json({"name": dataset.name, "options": dataset.options})


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
        kind: ``"compare"``, ``"sweep"`` or ``"tune"``.
        params: a sweep's parameters, ``{"name": "l2", "values": [...]}`` each, values weak → strong.
        base: a sweep's base variant, ``Variant.to_dict()`` as trained (epochs applied).
        settings: what else a kind of experiment needs to be read back (a tune's
            storage URL without password, study name, search space, sampler, pruner).
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
    settings: dict[str, Any] | None = None

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
            settings=data.get("settings"),
        )


class RunStore:
    """The runs of one output directory.  Use as a context manager, or call :meth:`close`.

    Examples:
        >>> import tempfile, reglab
        >>> ds = reglab.load_dataset("moons", n_samples=60, seed=0)
        >>> variants = [reglab.Variant.parse("hidden=4,epochs=2")]
        >>> with tempfile.TemporaryDirectory() as out, RunStore.open(out) as store:
        ...     before = store.lookup(ds, variants, seeds=[0, 1])                  # nothing stored yet
        ...     runs = reglab.train(ds, variants, seeds=[0], progress=False, on_run=lambda run: store.put(ds, run))
        ...     after = store.lookup(ds, variants, seeds=[0, 1])                   # {(variant index, seed): Run}
        >>> before, sorted(after), after[(0, 0)].metrics == runs[0].metrics
        ({}, [(0, 0)], True)
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
            make_directory(directory)
        try:
            db = sqlite3.connect(path, timeout=30.0)
        except sqlite3.Error as error:
            raise ReglabError(f"Cannot open the run store '{path}': {error}.") from None
        try:
            prepare(db, path, create=create)
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
        self.put_many(dataset, [run], fingerprint=fingerprint)

    def put_many(self, dataset: Dataset, runs: Sequence[Run], *, fingerprint: str | None = None) -> None:
        """Store (or replace) ``runs`` in one transaction: all of them or, on an error, none."""
        fingerprint = fingerprint or data_fingerprint(dataset)
        with self._write():
            for run in runs:
                row = {
                    "dataset_key": dataset_key(dataset), "variant_key": variant_key(run.variant), "seed": int(run.seed),
                    "label": run.variant.label, "data_sha256": fingerprint, "reglab_version": reglab_version(),
                    "created": now(), "run_json": json.dumps(run.to_dict()),
                }
                insert(self._db, "runs", row, replace=True)

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
        row = {"group_key": _group_key(dataset, runs), "created": now(), "epoch": int(epoch), "state": sqlite3.Binary(blob)}
        with self._write():
            insert(self._db, "checkpoints", row, replace=True)

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
        row = {"created": record.created or now(), "spec_json": json.dumps(record.to_dict()), "kind": record.kind}
        with self._write():
            insert(self._db, "experiments", row)

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
