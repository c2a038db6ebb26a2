"""``reglab lessons``: the claims of the seed notes, each tested by a paired experiment, with a verdict.

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

from reglab.cli.app import app
from reglab.cli.errors import echo_lines, user_errors
from reglab.cli.options import QuietOption

DEFAULT_OUT = Path("lessons-out")


@app.command()
def lessons(
    names: Annotated[
        list[str] | None,
        typer.Argument(metavar="[LESSON]...", help="Lessons to run (see --list). Default: all of them.", show_default=False),
    ] = None,
    seeds: Annotated[int, typer.Option("--seeds", min=2, metavar="N", help="Seeds per comparison (seeds 0..N-1).")] = 3,
    out: Annotated[Path, typer.Option("--out", "-o", metavar="DIR", help="Output directory (created; runs stored there are reused).")] = DEFAULT_OUT,
    quick: Annotated[bool, typer.Option("--quick", help="Small sizes (a few epochs): checks that everything runs, not the claims.")] = False,
    list_: Annotated[bool, typer.Option("--list", help="List the lessons with their claims and exit.")] = False,
    quiet: QuietOption = False,
) -> None:
    """Test the claims of the seed course notes: one paired experiment per claim, a verdict from a rule.

    Each lesson quotes a claim, trains the comparison that tests it (two data
    sets, every seed, the batched engine), and says whether the claim holds,
    holds only under a named condition, or does not hold here, with the
    numbers and figures.  The report is --out/index.html; runs are kept in
    --out/runs.sqlite, so an interrupted command resumes where it stopped.
    """
    with user_errors():
        from reglab.experiments.lessons import LESSONS_KIND, run_lessons
        from reglab.lessons.registry import LESSONS

        if list_:
            width = max(len(name) for name in LESSONS)
            for name, lesson in LESSONS.items():
                typer.echo(f"{name:<{width}}  {lesson.title} (seed notes {', '.join(lesson.sources)})")
            return
        log = None if quiet else (lambda line: typer.echo(line, err=True))
        run = run_lessons(names or None, seeds=seeds, out_dir=out, quick=quick, progress=not quiet, log=log)
        echo_lines(LESSONS_KIND.summary_lines(run))
