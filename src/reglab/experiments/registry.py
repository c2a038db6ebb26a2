"""The one list of kinds of experiment: :data:`KINDS`, and :func:`kind_of` a stored record."""

from __future__ import annotations

from reglab.errors import ReglabError
from reglab.experiments.compare import COMPARE
from reglab.experiments.kinds import ExperimentKind
from reglab.experiments.sweep import SWEEP
from reglab.store import ExperimentRecord

KINDS: dict[str, ExperimentKind] = {kind.name: kind for kind in (COMPARE, SWEEP)}
"""Every kind of experiment by its name (the ``kind`` its records carry)."""


def kind_of(record: ExperimentRecord) -> ExperimentKind:
    """The kind that made ``record``.

    Raises:
        ReglabError: a kind this reglab does not know (a store written by a newer one).
    """
    try:
        return KINDS[record.kind]
    except KeyError:
        raise ReglabError(
            f"The run store's last experiment is of kind {record.kind!r}, which this reglab does not know "
            f"(it knows {', '.join(KINDS)}). Upgrade reglab."
        ) from None
