"""What a lesson is: a quoted claim, the experiment that tests it, the rule that judges it.

Each lesson module (``reglab/lessons/<name>.py``) declares one :class:`Lesson`:

* ``claim``: a sentence quoted from the seed course notes, ``sources``: the
  seed files it comes from (:data:`SEED_FILES`);
* ``run(lab)``: the experiment, trained through the :class:`~reglab.experiments.lesson_lab.Lab`
  (paired comparisons on at least two data sets and every seed of the lab),
  giving an :class:`Outcome`: the measured numbers, a table of them and the
  figures;
* ``judge(numbers)``: the verdict rule, a pure function of the numbers
  (tested on scripted numbers); the verdict of a run is always
  ``judge(outcome.numbers)``, and :attr:`Lesson.rule` is its docstring;
* ``look``: what a learner should look at in the figures and the table.
"""

from __future__ import annotations

import inspect
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from matplotlib.figure import Figure

from reglab.lessons.verdict import Verdict
from reglab.notebook import png_bytes

if TYPE_CHECKING:  # the Lab lives with the lessons kind (reglab.experiments), which imports this package
    from reglab.experiments.lesson_lab import Lab

SEED_FILES = {
    "000": "000_935791cbc9832bcb.txt",
    "001": "001_8475b27abf2e3654.txt",
    "002": "002_4c0eecd5a616b7b0.txt",
    "003": "003_5a09501caf3b92fb.txt",
}
"""The seed course notes the claims are quoted from, by number."""


def rule_text(judge: Callable[..., Verdict]) -> str:
    """A lesson's rule in words: the docstring of its ``judge`` function, Sphinx roles and the Args part left out."""
    text = inspect.cleandoc(judge.__doc__ or "")
    text = re.sub(r":\w+:`~?([^`]+)`", lambda m: m.group(1).rsplit(".", 1)[-1], text)
    return text.replace("``", "")


@dataclass(frozen=True)
class LessonFigure:
    """One figure of a lesson: ``name`` (file stem), ``title``, ``caption`` (what to look for), the PNG bytes."""

    name: str
    title: str
    caption: str
    png: bytes

    @classmethod
    def draw(cls, name: str, title: str, caption: str, figure: Figure) -> LessonFigure:
        """Render a matplotlib figure to PNG bytes."""
        return cls(name, title, caption, png_bytes(figure))


@dataclass(frozen=True)
class Outcome:
    """What a lesson's experiment gives: the measured numbers (JSON-ready), a table of them (header row first), figures."""

    numbers: dict[str, Any]
    table: list[list[str]]
    figures: list[LessonFigure]


@dataclass(frozen=True)
class Lesson:
    """One claim of the seed notes and the experiment that tests it (module docstring)."""

    name: str
    title: str
    claim: str
    sources: tuple[str, ...]
    experiment: str
    look: str
    run: Callable[[Lab], Outcome]
    judge: Callable[[dict[str, Any]], Verdict]

    def __post_init__(self) -> None:
        unknown = [s for s in self.sources if s not in SEED_FILES]
        if unknown or not self.sources:
            raise ValueError(f"Lesson {self.name!r}: sources must be seed numbers among {sorted(SEED_FILES)}. Got {self.sources}.")

    @property
    def source_files(self) -> tuple[str, ...]:
        return tuple(SEED_FILES[s] for s in self.sources)

    @property
    def rule(self) -> str:
        """The verdict rule in words (the docstring of :attr:`judge`)."""
        return rule_text(self.judge)

    def __call__(self, lab: Lab) -> LessonResult:
        """Run the experiment in ``lab``, judge its numbers, time both."""
        start = time.perf_counter()
        outcome = self.run(lab)
        verdict = self.judge(outcome.numbers)
        return LessonResult(self, outcome, verdict, list(lab.seeds), lab.quick, time.perf_counter() - start)


@dataclass
class LessonResult:
    """A lesson as run: the lesson, its :class:`Outcome`, the verdict its rule gave, the seeds, the sizes, the seconds.

    In a notebook it displays itself (:meth:`_repr_html_`): the claim, the
    verdict, the table and the figures inline.
    """

    lesson: Lesson
    outcome: Outcome
    verdict: Verdict
    seeds: list[int]
    quick: bool
    seconds: float
    figure_paths: dict[str, Path] = field(default_factory=dict)

    def save_figures(self, directory: Path) -> None:
        """Write each figure as ``directory/<lesson>-<figure>.png``."""
        from reglab.outputs.files import write_bytes

        for figure in self.outcome.figures:
            path = directory / f"{self.lesson.name}-{figure.name}.png"
            write_bytes(path, figure.png)
            self.figure_paths[figure.name] = path

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: the lesson's texts, the verdict with its findings, the numbers and the table."""
        lesson, verdict = self.lesson, self.verdict
        return {
            "name": lesson.name, "title": lesson.title, "claim": lesson.claim, "sources": list(lesson.source_files),
            "verdict": verdict.text, "kind": verdict.kind, "condition": verdict.condition,
            "findings": [{"condition": f.condition, "shows": f.shows, "evidence": f.evidence} for f in verdict.findings],
            "seeds": self.seeds, "quick": self.quick, "seconds": round(self.seconds, 2),
            "table": self.outcome.table, "numbers": self.outcome.numbers,
            "figures": [{"name": f.name, "title": f.title, "caption": f.caption} for f in self.outcome.figures],
        }

    def _repr_html_(self) -> str:
        from reglab.lessons.html import lesson_card
        from reglab.notebook import notebook_html

        return notebook_html(lesson_card(self))
