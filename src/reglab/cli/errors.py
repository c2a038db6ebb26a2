"""How every ``reglab`` command ends on a mistake or Ctrl-C: one line and an exit code.

A user mistake prints ONE line, ``error: ...``, on stderr and exits with
:data:`EXIT_USER_ERROR`; Ctrl-C during training exits with
:data:`EXIT_INTERRUPTED` after saying how many runs were kept.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import NoReturn

import typer

from reglab.errors import CompareInterrupted, ReglabError

EXIT_USER_ERROR = 2
EXIT_INTERRUPTED = 130


INTERRUPTION = {"said": False}
"""Whether :func:`user_errors` has said what an interruption kept; the console script says ``interrupted``
for a Ctrl-C that typer turned into exit 130 without a word (one that came before a command's body)."""


def _say_interrupted(message: str) -> NoReturn:
    typer.echo(message, err=True)
    INTERRUPTION["said"] = True
    raise typer.Exit(EXIT_INTERRUPTED) from None


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def _os_message(error: OSError) -> str:
    reason = error.strerror or str(error)
    return f"{reason}: '{error.filename}'" if error.filename else reason


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn user mistakes into one ``error:`` line and exit 2; Ctrl-C into exit 130; a dry run into its plan (exit 0)."""
    from concurrent.futures.process import BrokenProcessPool

    from reglab.dry_run import DryRun

    try:
        yield
    except DryRun as dry:
        typer.echo("dry run: nothing trained or written")
        echo_lines(dry.plan.lines())
        raise typer.Exit(0 if dry.plan.fits else EXIT_USER_ERROR) from None
    except BrokenProcessPool:
        typer.echo("error: a worker process died (killed, or out of memory); the finished runs are kept. "
                   "Run the same command again to resume, perhaps with fewer --jobs.", err=True)
        raise typer.Exit(EXIT_USER_ERROR) from None
    except CompareInterrupted as stop:
        _say_interrupted(stop.message)
    except KeyboardInterrupt:
        _say_interrupted("interrupted")
    except ReglabError as error:
        typer.echo(f"error: {_one_line(str(error))}", err=True)
        raise typer.Exit(EXIT_USER_ERROR) from None
    except OSError as error:
        typer.echo(f"error: {_one_line(_os_message(error))}", err=True)
        raise typer.Exit(EXIT_USER_ERROR) from None
    except sqlite3.Error as error:
        typer.echo(f"error: the run store failed: {_one_line(str(error))}", err=True)
        raise typer.Exit(EXIT_USER_ERROR) from None


def echo_lines(lines: list[str]) -> None:
    """Print a kind's summary lines on stdout."""
    for line in lines:
        typer.echo(line)
