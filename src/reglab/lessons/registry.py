"""The lessons, in the order of the issue's claims, by name."""

from __future__ import annotations

from reglab.errors import ReglabError, did_you_mean
from reglab.lessons import (
    batchnorm, dropout_ensemble, dropout_l2, dropout_width, early_stopping, l1, overfitting, tuning, weight_decay, weights,
)
from reglab.lessons.lesson import Lesson

LESSONS: dict[str, Lesson] = {lesson.name: lesson for lesson in (
    overfitting.LESSON,
    l1.SPARSITY,
    l1.SELECTION,
    weights.L2_SHRINKS,
    weight_decay.LESSON,
    weights.LARGE_WEIGHTS,
    dropout_ensemble.LESSON,
    dropout_width.LESSON,
    dropout_l2.LESSON,
    early_stopping.LESSON,
    batchnorm.LESSON,
    tuning.LESSON,
)}


def get_lesson(name: str) -> Lesson:
    """The lesson called ``name``.

    Raises:
        ReglabError: no such lesson (with a suggestion and the list).
    """
    try:
        return LESSONS[name]
    except KeyError:
        raise ReglabError(
            f"Unknown lesson {name!r}.{did_you_mean(name, LESSONS)} Lessons: {', '.join(LESSONS)}."
        ) from None
