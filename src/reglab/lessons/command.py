"""The ``reglab lessons`` command (registered on the typer app by :mod:`reglab.cli`).

    reglab lessons                        # every lesson, report in lessons-out/index.html
    reglab lessons l1-sparsity --seeds 5
    reglab lessons --list

It prints one line per lesson (its name and verdict) and the report path.
Mistakes give one ``error:`` line on stderr and exit 2; Ctrl-C exits 130
after saying how many runs were kept (the same command resumes).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from reglab.cli_support import user_errors

DEFAULT_OUT = Path("lessons-out")


def lessons_command(
    names: Annotated[
        list[str] | None,
        typer.Argument(metavar="[LESSON]...", help="Lessons to run (see --list). Default: all of them.", show_default=False),
    ] = None,
    seeds: Annotated[int, typer.Option("--seeds", min=2, metavar="N", help="Seeds per comparison (seeds 0..N-1).")] = 3,
    out: Annotated[Path, typer.Option("--out", "-o", metavar="DIR", help="Output directory (created; runs stored there are reused).")] = DEFAULT_OUT,
    quick: Annotated[bool, typer.Option("--quick", help="Small sizes (a few epochs): checks that everything runs, not the claims.")] = False,
    list_: Annotated[bool, typer.Option("--list", help="List the lessons with their claims and exit.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar and no status lines.")] = False,
) -> None:
    """Test the claims of the seed course notes: one paired experiment per claim, a verdict from a rule.

    Each lesson quotes a claim, trains the comparison that tests it (two data
    sets, every seed, the batched engine), and says whether the claim holds,
    holds only under a named condition, or does not hold here, with the
    numbers and figures.  The report is --out/index.html; runs are kept in
    --out/runs.sqlite, so an interrupted command resumes where it stopped.
    """
    with user_errors():
        from reglab.lessons.registry import LESSONS
        from reglab.lessons.runner import run_lessons

        if list_:
            width = max(len(name) for name in LESSONS)
            for name, lesson in LESSONS.items():
                typer.echo(f"{name:<{width}}  {lesson.title} (seed notes {', '.join(lesson.sources)})")
            return
        log = None if quiet else (lambda line: typer.echo(line, err=True))
        run = run_lessons(names or None, seeds=seeds, out_dir=out, quick=quick, progress=not quiet, log=log)
        width = max(len(r.lesson.name) for r in run.results)
        for result in run.results:
            typer.echo(f"{result.lesson.name:<{width}}  the claim {result.verdict.text}")
        typer.echo("")
        typer.echo(f"{len(run.results)} lessons in {run.seconds:.0f} s ({run.trained} runs trained, {run.reused} reused)")
        typer.echo(f"report: {run.index}")
