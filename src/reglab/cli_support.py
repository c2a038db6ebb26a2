"""What every ``reglab`` command shares: turning mistakes into one line, the data-set and compute options.

A user mistake prints ONE line, ``error: ...``, on stderr and exits with
:data:`EXIT_USER_ERROR`; Ctrl-C during training exits with
:data:`EXIT_INTERRUPTED` after saying how many runs were kept.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer

from reglab.errors import ReglabError

EXIT_USER_ERROR = 2
EXIT_INTERRUPTED = 130

JobsOption = Annotated[
    int,
    typer.Option("--jobs", "-j", min=1, metavar="N",
                 help="Worker processes training groups in parallel (1: this process). Never changes the numbers."),
]
MaxModelsOption = Annotated[
    int,
    typer.Option("--max-models", min=1, metavar="N",
                 help="Most models in one batched group; fewer make more groups for --jobs to spread "
                      "(chaotic runs may then differ in the last digits)."),
]

ClusterOption = Annotated[
    str | None,
    typer.Option("--cluster", metavar="ADDRESS", show_default=False,
                 help="A Dask scheduler, e.g. tcp://127.0.0.1:8786: groups train on its workers (pip install 'reglab[dask]'). "
                      "Never changes the numbers."),
]


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def _os_message(error: OSError) -> str:
    reason = error.strerror or str(error)
    return f"{reason}: '{error.filename}'" if error.filename else reason


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn user mistakes into one ``error:`` line and exit 2; Ctrl-C into exit 130."""
    from reglab.experiment import CompareInterrupted

    try:
        yield
    except CompareInterrupted as stop:
        typer.echo(stop.message, err=True)
        raise typer.Exit(EXIT_INTERRUPTED) from None
    except KeyboardInterrupt:
        typer.echo("interrupted", err=True)
        raise typer.Exit(EXIT_INTERRUPTED) from None
    except ReglabError as error:
        typer.echo(f"error: {_one_line(str(error))}", err=True)
        raise typer.Exit(EXIT_USER_ERROR) from None
    except OSError as error:
        typer.echo(f"error: {_one_line(_os_message(error))}", err=True)
        raise typer.Exit(EXIT_USER_ERROR) from None
    except sqlite3.Error as error:
        typer.echo(f"error: the run store failed: {_one_line(str(error))}", err=True)
        raise typer.Exit(EXIT_USER_ERROR) from None


def parse_value(text: str) -> Any:
    """A command-line value as Python: ``true``/``false``, ``none``, an int, a float, else the text."""
    lowered = text.strip().lower()
    if lowered in ("true", "yes", "on"):
        return True
    if lowered in ("false", "no", "off"):
        return False
    if lowered in ("none", "null"):
        return None
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


def dataset_options(
    n_samples: int | None, noise: float | None, train_size: str | None, target: str | None, extra: list[str]
) -> dict[str, Any]:
    """The data set options given on the command line (only those given)."""
    options: dict[str, Any] = {}
    for item in extra:
        key, eq, value = item.partition("=")
        if not eq or not key.strip():
            raise ReglabError(f"Invalid value for `--option`: expected KEY=VALUE (for example label_noise=0.1). Received: {item!r}")
        options[key.strip().replace("-", "_")] = parse_value(value)
    given = {"n_samples": n_samples, "noise": noise, "train_size": None if train_size is None else parse_value(train_size),
             "target": target}
    options.update({key: value for key, value in given.items() if value is not None})
    return options


def csv_path(name: str) -> str:
    """A CSV path made absolute (so `reglab report` finds it from anywhere); a catalog name as is."""
    from reglab.data.catalog import REGISTRY

    if name in REGISTRY:
        return name
    path = Path(name)
    if path.suffix.lower() == ".csv" or path.is_file():
        return str(path.resolve())
    return name
