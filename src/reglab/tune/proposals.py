"""A batch of new trials sampled against an in-memory copy of the study, then written one transaction per trial.

Why.  ``study.ask(distributions)`` on a database storage syncs the study
from the storage at every parameter it samples: TPE's relative search space
and its constant liar read every trial, and every RUNNING trial is read again
from the database each time (Optuna's cache keeps only finished trials).
Asking a batch of B trials one by one so costs B × (3 parameters) reads of
the whole study, the running trials of the batch included, plus a commit per
parameter and attribute.  Measured (256 trials in batches of 64, breast_cancer,
30 epochs, 1 thread): 15.5 s of asking against 8.9 s of training.

How.  :func:`propose` copies the study's trials (read once) into an
in-memory Optuna study with the same sampler and asks the batch there:
each trial asked sees the earlier ones of the batch as RUNNING, as it would
through the storage, so TPE's constant liar spreads the batch out the same
way.  :func:`write_running` then writes each proposal to the real storage as
one RUNNING trial, its parameters, user and system attributes in the same
transaction (``storage.create_new_trial(study_id, template_trial=...)``,
what ``Study.add_trial`` does); the storage numbers it, under the study's
row lock, so several workers writing at once get distinct numbers.

Trials waiting in the study (retries of a dead worker's trials) are not
proposed here: ``study.ask`` takes them first (:func:`reglab.tune.study.ask_batch`).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

import optuna
from optuna.distributions import BaseDistribution
from optuna.trial import FrozenTrial, TrialState


def propose(sampler: optuna.samplers.BaseSampler, distributions: dict[str, BaseDistribution],
            trials: Sequence[FrozenTrial], count: int) -> list[FrozenTrial]:
    """``count`` new RUNNING trials that ``sampler`` proposes given ``trials`` (the study's, WAITING ones left out).

    The proposals are in-memory trials: ``params``, ``distributions`` and the ``system_attrs`` the sampler set
    (the grid sampler's ``grid_id``); their numbers are not the study's.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
        memory = optuna.create_study(direction="minimize", sampler=sampler)
        memory.add_trials(t for t in trials if t.state != TrialState.WAITING)
        asked = [memory.ask(distributions).number for _ in range(count)]
    by_number = {t.number: t for t in memory.get_trials(deepcopy=False)}
    return [by_number[number] for number in asked]


def write_running(study: optuna.Study, proposals: Sequence[FrozenTrial], user_attrs: dict[str, Any]) -> list[int]:
    """Each proposal written to ``study``'s storage as a RUNNING trial with ``user_attrs``, one transaction each,
    and its first heartbeat at once; returns their trial ids.

    The heartbeat right away: Optuna takes a RUNNING trial without any heartbeat for a live one, so a worker
    killed between the two writes would leave a trial that no other worker ever retries.
    """
    ids = []
    for proposal in proposals:
        template = optuna.trial.create_trial(
            state=TrialState.RUNNING, params=proposal.params, distributions=proposal.distributions,
            user_attrs={**proposal.user_attrs, **user_attrs}, system_attrs=proposal.system_attrs,
        )
        ids.append(study._storage.create_new_trial(study._study_id, template_trial=template))
        study._storage.record_heartbeat(ids[-1])
    return ids
