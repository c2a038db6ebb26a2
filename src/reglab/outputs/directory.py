"""Writing an experiment's output directory: the figures, ``results.json`` and ``report.html``.

Every kind of experiment writes the same three things the same way
(:func:`write_directory`): the PNGs of its figure registry, its
``results.json`` document and its report page, each file atomically.
:func:`write_result` does it for a result object and records the paths on it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from reglab.outputs.figures import FigureFile, FigureSpec, write_figures
from reglab.outputs.files import make_directory, write_text
from reglab.outputs.results_json import write_results

REPORT_FILE = "report.html"
RESULTS_FILE = "results.json"


@dataclass(frozen=True)
class Written:
    """The files an experiment wrote: its figures in reading order, ``results.json`` and ``report.html``."""

    figures: list[FigureFile]
    results: Path
    report: Path


def write_directory(
    out: str | Path,
    figures: Sequence[FigureSpec],
    subject: Any,
    document: dict[str, Any],
    page: Callable[[list[FigureFile]], str],
) -> Written:
    """Write ``subject``'s figures, ``document`` as ``results.json`` and ``page(figures)`` as ``report.html`` into ``out``.

    Raises:
        ReglabError: ``out`` or a figure cannot be written.
    """
    out = make_directory(out)
    files = write_figures(figures, subject, out)
    results = write_results(out / RESULTS_FILE, document)
    report = write_text(out / REPORT_FILE, page(files))
    return Written(files, results, report)


Result = TypeVar("Result")


def write_result(result: Result, out: str | Path, figures: Sequence[FigureSpec], document: dict[str, Any],
                 page: Callable[[], str]) -> Result:
    """:func:`write_directory` for an experiment's ``result``, which gets ``out_dir``, ``figures`` (set before
    ``page()`` renders the report from it), ``results`` and ``report``; returns ``result``."""
    result.out_dir = Path(out)  # type: ignore[attr-defined]

    def report_page(files: list[FigureFile]) -> str:
        result.figures = files  # type: ignore[attr-defined]
        return page()

    written = write_directory(out, figures, result, document, report_page)
    result.results, result.report = written.results, written.report  # type: ignore[attr-defined]
    return result
