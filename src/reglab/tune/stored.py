"""A tune read back from its output directory: the study from its storage, the runs from ``runs.sqlite``.

``reglab report DIR`` and ``reglab export DIR`` use it for the newest
experiment of kind ``"tune"``: the record holds the storage URL (without a
password), the study's name, the search space and the base.
"""

from __future__ import annotations

import math
import warnings
from pathlib import Path

import optuna
from optuna.trial import TrialState

from reglab.data import Dataset
from reglab.errors import ReglabError
from reglab.store import ExperimentRecord
from reglab.tune.result import TuneResult, analyse, label
from reglab.tune.space import SearchSpace, parse_space
from reglab.tune.study import open_storage
from reglab.variant import Variant


def recorded_space(record: ExperimentRecord) -> SearchSpace:
    """The search space and base of a recorded tune."""
    settings = record.settings or {}
    return parse_space(list(settings.get("space", [])), Variant.from_dict(record.base or {}))


def recorded_study(record: ExperimentRecord) -> optuna.Study:
    """The study of a recorded tune, loaded from its storage.

    Raises:
        ReglabError: the storage cannot be opened or holds no such study.
    """
    settings = record.settings or {}
    storage = open_storage(str(settings.get("storage")))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return optuna.load_study(study_name=str(settings.get("study")), storage=storage)
        except KeyError:
            raise ReglabError(f"The storage {settings.get('storage')!r} holds no study {settings.get('study')!r}: "
                              "was it deleted? Run the tune command again to make it.") from None


def recorded_variants(record: ExperimentRecord) -> list[Variant]:
    """The variant of every COMPLETE trial with a finite value of a recorded tune, by trial number."""
    space, study = recorded_space(record), recorded_study(record)
    trials = study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,))
    return [space.variant(t.params, label(t)) for t in sorted(trials, key=lambda t: t.number) if math.isfinite(t.value)]


def tune_from_record(dataset: Dataset, record: ExperimentRecord, out: Path) -> TuneResult:
    """A stored tune again, without training or writing."""
    return analyse(dataset, recorded_study(record), recorded_space(record), record, out)
