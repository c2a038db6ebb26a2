"""The ``lessons`` kind of experiment: run the lessons of :mod:`reglab.lessons`, write ``index.html``,
``lessons.json`` and the figures, and read them back (``reglab report DIR``).

    from reglab.experiments.lessons import run_lessons      # also reglab.run_lessons
    result = run_lessons(["l1-sparsity"], seeds=5, out_dir="lessons-out")
    result.results[0].verdict.text          # 'holds only when the form is proximal L1'
    result                                   # in a notebook: the index, verdicts, tables and figures

With ``out_dir`` every run goes into ``out_dir/runs.sqlite`` as soon as it
is trained, so an interrupted run resumes and a second one trains nothing.
"""

from __future__ import annotations

import json
import shlex
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from reglab.errors import ReglabError
from reglab.experiments.kinds import Log, StoredExperiment, stderr_log
from reglab.experiments.lesson_lab import KIND, Lab
from reglab.lessons.lesson import LessonResult
from reglab.lessons.registry import LESSONS, get_lesson
from reglab.outputs.files import make_directory, write_bytes, write_text
from reglab.store import ExperimentRecord, now
from reglab.variant import Variant
from reglab.version import reglab_version

INDEX_FILE = "index.html"
JSON_FILE = "lessons.json"
SCHEMA = "reglab.lessons/1"
DEFAULT_SEEDS = 3


@dataclass
class LessonsRun:
    """The lessons of one call: their results, and where the outputs went (``None`` when not written)."""

    results: list[LessonResult]
    seconds: float
    command: str
    out_dir: Path | None = None
    index: Path | None = None
    trained: int = 0
    reused: int = 0
    figures: list[Path] = field(default_factory=list)

    def __getitem__(self, name: str) -> LessonResult:
        for result in self.results:
            if result.lesson.name == name:
                return result
        raise ReglabError(f"No lesson {name!r} in this run; it ran: {', '.join(r.lesson.name for r in self.results)}.")

    def _repr_html_(self) -> str:
        from reglab.lessons.html import index_table, lesson_card
        from reglab.notebook import notebook_html

        return notebook_html(index_table(self.results) + "".join(lesson_card(r) for r in self.results))


def lesson_names(names: Sequence[str] | str | None) -> list[str]:
    """The lessons asked for, checked, in registry order without repeats; ``None`` or empty = all."""
    if isinstance(names, str):
        names = [names]
    if not names:
        return list(LESSONS)
    for name in names:
        get_lesson(name)
    return [name for name in LESSONS if name in set(names)]


def seed_list(seeds: int | Sequence[int]) -> list[int]:
    """A number N means seeds 0..N-1."""
    if isinstance(seeds, int) and not isinstance(seeds, bool):
        if seeds < 2:
            raise ReglabError(f"Argument `seeds` must be at least 2 (a lesson reports the spread over seeds). Got {seeds} instead.")
        return list(range(seeds))
    return [int(s) for s in seeds]


def run_lessons(
    names: Sequence[str] | str | None = None,
    *,
    seeds: int | Sequence[int] = DEFAULT_SEEDS,
    out_dir: str | Path | None = "lessons-out",
    quick: bool = False,
    progress: bool = True,
    log: Log | None = stderr_log,
    stored_in: str | Path | None = None,
) -> LessonsRun:
    """Run lessons (default: all) and, with ``out_dir``, write their report.

    Args:
        names: lesson names (``reglab lessons --list``); ``None`` = every lesson.
        seeds: a number N (seeds 0..N-1, at least 2) or the seeds.
        out_dir: holds ``runs.sqlite`` (resume), ``index.html``, ``lessons.json`` and
            the figures; ``None`` trains in memory and writes nothing.
        quick: small sizes (a few dozen epochs) for tests and notebooks; the rules are the same.
        progress: show the training progress bar.
        log: where status lines go (``lesson 2/12: l1-sparsity``); ``None`` for silence.
        stored_in: train nothing: read every run from this directory's store (``reglab report``);
            a missing run is an error.

    Raises:
        ReglabError: an unknown lesson, bad seeds, an unusable ``out_dir``.
        CompareInterrupted: on Ctrl-C, after the finished runs are stored.
    """
    chosen = lesson_names(names)
    seed_values = seed_list(seeds)
    say = log or (lambda _: None)
    if stored_in is not None:
        lab = Lab(seed_values, out=stored_in, quick=quick, progress=False, log=log, names=chosen, stored_only=True)
    else:
        lab = Lab(seed_values, out=out_dir, quick=quick, progress=progress, log=log, names=chosen)
    start = time.perf_counter()
    results = []
    for number, name in enumerate(chosen, 1):
        say(f"lesson {number}/{len(chosen)}: {name}")
        result = get_lesson(name)(lab)
        say(f"  the claim {result.verdict.text} ({result.seconds:.1f} s)")
        results.append(result)
    seconds = time.perf_counter() - start
    run = LessonsRun(results, seconds, command_line(chosen, seed_values, out_dir, quick), trained=lab.trained, reused=lab.reused)
    if out_dir is not None:
        write_outputs(run, Path(out_dir))
    return run


def command_line(names: Sequence[str], seeds: Sequence[int], out_dir: str | Path | None, quick: bool) -> str:
    """The ``reglab lessons`` command that gives these lessons again."""
    parts = ["reglab", "lessons"]
    if list(names) != list(LESSONS):
        parts += list(names)
    if list(seeds) != list(range(len(seeds))):
        raise ReglabError(f"The command line takes seeds 0..N-1; these lessons ran seeds {list(seeds)}.")
    if len(seeds) != DEFAULT_SEEDS:
        parts += ["--seeds", str(len(seeds))]
    if quick:
        parts.append("--quick")
    if out_dir is not None and Path(out_dir) != Path("lessons-out"):
        parts += ["--out", str(out_dir)]
    return shlex.join(parts)


def write_outputs(run: LessonsRun, out: Path) -> LessonsRun:
    """``index.html`` (the index and one section per lesson), ``lessons.json`` and each figure as PNG, atomically."""
    from reglab.lessons.html import render_page

    make_directory(out)
    for result in run.results:
        for figure in result.outcome.figures:
            path = write_bytes(out / f"{result.lesson.name}-{figure.name}.png", figure.png)
            result.figure_paths[figure.name] = path
            run.figures.append(path)
    document = {"schema": SCHEMA, "reglab_version": reglab_version(), "created": now(), "command": run.command,
                "seconds": round(run.seconds, 1), "lessons": [r.to_dict() for r in run.results]}
    write_text(out / JSON_FILE, json.dumps(document, indent=1, allow_nan=True))
    run.out_dir = out
    run.index = write_text(out / INDEX_FILE, render_page(run.results, run.command, run.seconds))
    return run


class LessonsKind:
    """The ``lessons`` kind of experiment (:class:`~reglab.experiments.kinds.ExperimentKind`).

    Each training of a lesson records itself (its data set and variants, the
    lessons asked for, the seeds, quick or not), so ``reglab report DIR``
    finds the newest and runs the same lessons again from the stored runs.
    """

    name = KIND
    noun = "lessons run"
    result_type = LessonsRun

    def variants(self, record: ExperimentRecord) -> list[Variant]:
        return record.variant_objects()

    def from_stored(self, stored: StoredExperiment, say: Log) -> LessonsRun:
        """The lessons of the record again, every run read from the store; nothing trained, nothing written.

        Raises:
            ReglabError: a run is missing (an interrupted ``reglab lessons``).
        """
        record = stored.record
        quick = bool(record.params and record.params[0].get("quick"))
        return run_lessons(list(record.specs), seeds=list(record.seeds), out_dir=None, quick=quick, progress=False,
                           log=say, stored_in=stored.out_dir)

    def write(self, result: LessonsRun, out: Path) -> LessonsRun:
        return write_outputs(result, out)

    def summary_lines(self, result: LessonsRun) -> list[str]:
        """One line per lesson with its verdict, the time and runs, the report path."""
        width = max(len(r.lesson.name) for r in result.results)
        lines = [f"{r.lesson.name:<{width}}  the claim {r.verdict.text}" for r in result.results]
        return [*lines, "", f"{len(result.results)} lessons in {result.seconds:.0f} s ({result.trained} runs trained, "
                f"{result.reused} reused)", f"report: {result.index}"]

    def pick(self, stored: StoredExperiment) -> tuple[str, str]:
        raise ReglabError(
            f"'{stored.out_dir}' holds a `reglab lessons` run, which picks no model to export. Export from the "
            "output directory of a `reglab compare` or `reglab sweep`."
        )


LESSONS_KIND = LessonsKind()
