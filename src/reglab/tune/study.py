"""The Optuna study of a tune: storage, sampler, pruner, the trial budget shared by workers, and resuming.

Storage.  A URL Optuna's :class:`~optuna.storages.RDBStorage` takes
(``sqlite:///path``, ``postgresql://user@host/db``, ...); by default
``sqlite:///OUT/study.sqlite``.  Trials send a heartbeat every
:data:`HEARTBEAT_S` seconds; a trial whose heartbeat is older than
:data:`GRACE_S` (its worker was killed) is failed by the next worker that
asks for trials, and its parameters are put back as a waiting trial
(Optuna's ``RetryHeartbeatStaleTrialCallback``), which the next ``ask`` takes first.
Ctrl-C does the same at once for the interrupted worker's own trials.  So no
trial is lost and none counts twice: the failed attempt stays in the study as
FAIL, and the study's COMPLETE + PRUNED trials reach exactly ``trials``.

A worker that finds nothing left to ask while other workers' trials still
run waits for them (checking every heartbeat), so that it picks up their
retries if they die and its report, when it returns, covers the whole study.

The budget.  ``trials`` counts the study's COMPLETE, PRUNED and RUNNING
trials, whoever runs them.  A worker asks at most what is left, then checks
the trials it got: when two workers asked at the same moment, the ones
numbered past the budget are told FAIL with the user attribute
``over_budget`` and never trained.

The space.  A new study records its search space (:meth:`SearchSpace.fingerprint`)
as the user attribute ``reglab_space``; joining a study made with another
space is refused.
"""

from __future__ import annotations

import json
import os
import socket
import threading
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import optuna
import sqlalchemy
from optuna.storages import RDBStorage, RetryHeartbeatStaleTrialCallback, fail_stale_trials
from optuna.trial import FrozenTrial, TrialState

from reglab.errors import ReglabError, did_you_mean
from reglab.tune.proposals import propose, write_running
from reglab.tune.space import SearchSpace

STUDY_FILE = "study.sqlite"
HEARTBEAT_S = int(os.environ.get("REGLAB_TUNE_HEARTBEAT_S", "5"))
"""Seconds between two heartbeats of a running trial (environment variable ``REGLAB_TUNE_HEARTBEAT_S``)."""
GRACE_S = int(os.environ.get("REGLAB_TUNE_GRACE_S", "30"))
"""A running trial whose last heartbeat is older than this is taken as lost: its worker died
(``REGLAB_TUNE_GRACE_S``; keep it a few heartbeats long)."""
SPACE_ATTR = "reglab_space"
CURVE_ATTR = "val_loss"
"""User attribute of a told trial: its validation loss per epoch (mean over seeds), epoch 1 first."""
WORKER = f"{socket.gethostname()}:{os.getpid()}"
"""User attribute ``worker`` of every trial this process runs."""
SAMPLERS = ("tpe", "random", "grid")
PRUNERS = ("median", "none")
TABLE_RACE_TRIES = 3
COUNTED = (TrialState.COMPLETE, TrialState.PRUNED, TrialState.RUNNING)


def default_storage(out: Path) -> str:
    """``sqlite:///OUT/study.sqlite`` with an absolute path (so a cluster's workers and a later run find the same file)."""
    return f"sqlite:///{(out / STUDY_FILE).resolve()}"


def open_storage(url: str) -> RDBStorage:
    """An :class:`RDBStorage` on ``url`` with heartbeats; a clear error when the URL is wrong or the server unreachable."""
    if "://" not in url:
        raise ReglabError(f"Invalid value for `--storage`: expected a database URL such as sqlite:///study.sqlite or "
                          f"postgresql://user@host/db. Received: {url!r}")
    for attempt in range(TABLE_RACE_TRIES):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
            try:
                storage = RDBStorage(
                    _with_driver(url), heartbeat_interval=HEARTBEAT_S, grace_period=GRACE_S,
                    heartbeat_stale_trial_callback=RetryHeartbeatStaleTrialCallback(max_retry=None),
                    engine_kwargs=_engine_kwargs(url),
                )
                if url.startswith("sqlite"):
                    _write_ahead(storage.engine)
                return storage
            except Exception as error:  # SQLAlchemy's and the drivers' errors differ by database: one line for all
                race = isinstance(error, (sqlalchemy.exc.IntegrityError, sqlalchemy.exc.ProgrammingError))
                if not race or attempt == TABLE_RACE_TRIES - 1:
                    reason = " ".join(str(error).split("\n")[0].split())
                    raise ReglabError(f"Cannot open the study storage {_safe(url)} (--storage): {reason}") from None
        time.sleep(1.0)  # two workers made Optuna's tables in an empty database at once: the other's are there now
    raise ReglabError(f"Cannot open the study storage {_safe(url)} (--storage).")


def _write_ahead(engine: sqlalchemy.engine.Engine) -> None:
    """SQLite in write-ahead mode, synced at checkpoints rather than at every commit (still safe against a crash of
    the process; a power cut may lose the last commits, which the heartbeats then retry).

    Measured under load on the 2-core machine: a commit took 21 ms with Optuna's default (a sync per commit),
    and the commits were most of a batch's time.
    """

    def pragmas(connection: Any, _: Any) -> None:
        cursor = connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    sqlalchemy.event.listen(engine, "connect", pragmas)
    engine.dispose()  # the connections opened to make the tables: the next ones get the pragmas


def _with_driver(url: str) -> str:
    """``postgresql://`` spelled ``postgresql+psycopg2://`` (the ``tune`` extra's driver) when psycopg 3, the default of
    SQLAlchemy 2.1, is not installed; any other URL as is."""
    scheme, sep, rest = url.partition("://")
    if scheme not in ("postgresql", "postgres"):
        return url
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return f"postgresql+psycopg2{sep}{rest}"
    return url


def _engine_kwargs(url: str) -> dict[str, Any]:
    if url.startswith("postgresql"):
        return {"connect_args": {"connect_timeout": 10}}
    if url.startswith("sqlite"):
        return {"connect_args": {"timeout": 60}}  # two workers on one file wait for each other's writes
    return {}


def without_password(url: str) -> str:
    """``url`` with its password left out (``postgresql://user:secret@host/db`` -> ``postgresql://user@host/db``).

    What is recorded in the run store and the report; the database client finds the password again in
    ``PGPASSWORD`` or ``~/.pgpass`` (PostgreSQL) when ``reglab report`` reopens the study.
    """
    head, at, tail = url.rpartition("@")
    scheme, sep, user = head.partition("://")
    if not at or not sep or ":" not in user:
        return url
    return f"{scheme}://{user.split(':')[0]}@{tail}"


def _safe(url: str) -> str:
    return repr(without_password(url))


def make_sampler(name: str, space: SearchSpace, seed: int) -> optuna.samplers.BaseSampler:
    """TPE (default; with ``constant_liar`` so a batch's trials spread out), random, or grid."""
    if name == "tpe":
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
            return optuna.samplers.TPESampler(seed=seed, constant_liar=True)
    if name == "random":
        return optuna.samplers.RandomSampler(seed=seed)
    if name == "grid":
        return optuna.samplers.GridSampler(space.grid(), seed=seed)
    raise ReglabError(f"Invalid value for `--sampler`: expected one of {', '.join(SAMPLERS)}. Received: {name!r}.{did_you_mean(name, SAMPLERS)}")


WARMUP = 0.1
"""Share of the epochs during which the median pruner stops no trial: the first epochs' losses rank trials poorly
(measured: with no warm-up, a whole TPE batch of 24 good trials on moons was pruned at epoch 2 of 100)."""


def make_pruner(name: str, epochs: int) -> optuna.pruners.BasePruner:
    """Optuna's MedianPruner (5 startup trials, warm-up :data:`WARMUP` × ``epochs``), or none."""
    if name == "median":
        return optuna.pruners.MedianPruner(n_startup_trials=5, n_warmup_steps=max(1, round(WARMUP * epochs)))
    if name == "none":
        return optuna.pruners.NopPruner()
    raise ReglabError(f"Invalid value for `--pruner`: expected one of {', '.join(PRUNERS)}. Received: {name!r}.{did_you_mean(name, PRUNERS)}")


def open_study(storage: RDBStorage, name: str, space: SearchSpace, sampler: optuna.samplers.BaseSampler,
               pruner: optuna.pruners.BasePruner, context: dict[str, Any] | None = None) -> optuna.Study:
    """The study ``name`` in ``storage`` (created when new), checked against ``space`` and ``context`` (data set, seeds)."""
    fingerprint = json.dumps({**space.fingerprint(), **(context or {})}, sort_keys=True)
    study = optuna.create_study(storage=storage, study_name=name, sampler=sampler, pruner=pruner,
                                direction="minimize", load_if_exists=True)
    recorded = study.user_attrs.get(SPACE_ATTR)
    if recorded is None:
        study.set_user_attr(SPACE_ATTR, fingerprint)
    elif recorded != fingerprint:
        raise ReglabError(
            f"The study {name!r} was made with other options: {_differences(json.loads(recorded), json.loads(fingerprint))}. "
            "Use the same options, or another --study name."
        )
    return study


def _flat(data: Any, prefix: str = "") -> dict[str, Any]:
    """``{"base": {"epochs": 20}}`` → ``{"base.epochs": 20}``; a search dimension's Optuna JSON stays one value."""
    if not isinstance(data, dict):
        return {prefix: data}
    flat: dict[str, Any] = {}
    for key, value in data.items():
        flat.update(_flat(value, f"{prefix}.{key}" if prefix else key))
    return flat


def _differences(recorded: dict[str, Any], asked: dict[str, Any]) -> str:
    """``base.epochs is 2000 in the study, 20 here; seeds is [0, 1] in the study, [0, 1, 2] here``."""
    old, new = _flat(recorded), _flat(asked)
    return "; ".join(f"{key} is {old.get(key, 'unset')} in the study, {new.get(key, 'unset')} here"
                     for key in sorted(old.keys() | new.keys()) if old.get(key) != new.get(key))


def ask_batch(study: optuna.Study, space: SearchSpace, trials: int, batch: int) -> list[FrozenTrial]:
    """Up to ``batch`` trials of the ``trials`` the study still lacks (waiting retries first); ``[]`` when none is left.

    Stale running trials (their worker died) are failed first, which puts them back as waiting trials.
    ``study.ask`` takes the waiting ones; the others are sampled against an in-memory copy of the study
    and written one transaction each (:mod:`reglab.tune.proposals`).  Returns the trials as the storage
    holds them: RUNNING, numbered, with the user attribute ``worker``.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
        fail_stale_trials(study)
    held = study.get_trials(deepcopy=False)
    wanted = min(batch, trials - sum(t.state in COUNTED for t in held))
    if wanted <= 0:
        return []
    ids = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # "Heartbeat ... supposed to be used with Study.optimize": we beat ourselves
        for _ in range(min(wanted, sum(t.state == TrialState.WAITING for t in held))):
            trial = study.ask(space.distributions)
            trial.set_user_attr("worker", WORKER)
            study._storage.record_heartbeat(trial._trial_id)
            ids.append(trial._trial_id)
    if len(ids) < wanted:
        held = study.get_trials(deepcopy=False) if ids else held
        ids += write_running(study, propose(study.sampler, space.distributions, held, wanted - len(ids)),
                             {"worker": WORKER})
    held = study.get_trials(deepcopy=False)
    allowed = set(sorted(t.number for t in held if t.state in COUNTED)[:trials])
    mine = set(ids)
    kept = []
    for trial in (t for t in held if t._trial_id in mine):
        if trial.number in allowed:
            kept.append(trial)
        else:
            finish(study, trial, TrialState.FAIL, attrs={"over_budget": True})
    return kept


def finish(study: optuna.Study, trial: FrozenTrial, state: TrialState, value: float | None = None,
           attrs: dict[str, Any] | None = None) -> None:
    """Write ``attrs`` as user attributes of the RUNNING ``trial``, then its final ``state`` (and ``value``).

    Straight to the storage (``set_trial_user_attr``, ``set_trial_state_values``) rather than through
    ``Study.tell``, which reads the trial back from the database twice (7 ms a trial on SQLite, measured)
    and calls the sampler's ``after_trial``: among reglab's samplers only the grid sampler does anything
    there, and what it does, stopping ``Study.optimize`` once the grid is covered, raises outside that loop
    (a full grid told through ``Study.tell`` ended in a RuntimeError).  The state write is the storage's
    own check that the trial is still RUNNING (``UpdateFinishedTrialError`` otherwise).
    """
    storage = study._storage
    for key, attr in (attrs or {}).items():
        storage.set_trial_user_attr(trial._trial_id, key, attr)
    storage.set_trial_state_values(trial._trial_id, state, None if value is None else [float(value)])


def running_elsewhere(study: optuna.Study) -> int:
    """How many trials of the study are RUNNING or WAITING now (in other workers, when this one holds none)."""
    return len(study.get_trials(deepcopy=False, states=(TrialState.RUNNING, TrialState.WAITING)))


@contextmanager
def heartbeats(storage: RDBStorage, trials: list[FrozenTrial]) -> Iterator[None]:
    """Record a heartbeat for every trial of ``trials`` every :data:`HEARTBEAT_S` seconds while the body runs
    (:func:`ask_batch` recorded the first one)."""
    stop = threading.Event()

    def beat() -> None:
        while not stop.wait(HEARTBEAT_S):
            for trial in trials:
                try:
                    storage.record_heartbeat(trial._trial_id)
                except Exception:  # a trial told meanwhile, or a storage hiccup: the next beat tries again
                    pass

    thread = threading.Thread(target=beat, name="reglab-tune-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def give_back(study: optuna.Study, trials: list[FrozenTrial]) -> None:
    """Ctrl-C: the interrupted worker's unfinished trials failed and put back as waiting trials (run again later)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
        retry = RetryHeartbeatStaleTrialCallback(max_retry=None)
    for trial in trials:
        frozen = study._storage.get_trial(trial._trial_id)
        if frozen.state != TrialState.RUNNING:
            continue
        finish(study, frozen, TrialState.FAIL)
        retry(study, study._storage.get_trial(trial._trial_id))


def with_curve(trial: FrozenTrial) -> FrozenTrial:
    """``trial`` with its stored curve (:data:`CURVE_ATTR`) as intermediate values, for a pruner to compare with."""
    curve = trial.user_attrs.get(CURVE_ATTR)
    if trial.intermediate_values or not curve:
        return trial
    return optuna.trial.create_trial(
        state=trial.state, value=trial.value, params=trial.params, distributions=trial.distributions,
        user_attrs=trial.user_attrs, intermediate_values={e: v for e, v in enumerate(curve, 1) if v is not None},
    )


class Finished:
    """The COMPLETE and PRUNED trials of a study with their curves (:func:`with_curve`), what a batch's pruner
    compares with; each trial is rebuilt once, since a finished trial never changes."""

    def __init__(self) -> None:
        self._rebuilt: dict[int, FrozenTrial] = {}

    def of(self, trials: list[FrozenTrial]) -> list[FrozenTrial]:
        """The finished ones among ``trials`` (a study's ``get_trials``), with their curves."""
        finished = []
        for trial in trials:
            if trial.state in (TrialState.COMPLETE, TrialState.PRUNED):
                if trial._trial_id not in self._rebuilt:
                    self._rebuilt[trial._trial_id] = with_curve(trial)
                finished.append(self._rebuilt[trial._trial_id])
        return finished
