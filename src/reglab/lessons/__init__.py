"""The lessons: every claim of the seed course notes, tested, with the evidence (``reglab lessons``).

    import reglab
    run = reglab.run_lessons(["l1-sparsity"], seeds=5, out_dir="lessons-out")
    run["l1-sparsity"].verdict.text       # 'holds only when the form is proximal L1'

Each lesson (one module here, :data:`LESSONS` in order) quotes a claim of the
seed notes, runs the paired experiment that tests it through the batched
engine, and states a verdict from a documented rule on the measured numbers:
*holds*, *holds only when …* or *does not hold here*
(:mod:`reglab.lessons.verdict`).  Running them, storing their runs and
writing their report is the ``lessons`` kind of experiment
(:mod:`reglab.experiments.lessons`, with its :class:`~reglab.experiments.lesson_lab.Lab`).
See ``docs/lessons.md``.
"""

from reglab.lessons.lesson import Lesson, LessonFigure, LessonResult, Outcome
from reglab.lessons.registry import LESSONS, get_lesson
from reglab.lessons.verdict import DOES_NOT_HOLD, HOLDS, HOLDS_ONLY_WHEN, Finding, Verdict

__all__ = [
    "DOES_NOT_HOLD", "HOLDS", "HOLDS_ONLY_WHEN", "LESSONS", "Finding", "Lesson", "LessonFigure", "LessonResult",
    "Outcome", "Verdict", "get_lesson",
]
