"""The figure registry: each figure with its title and caption beside it, and one writer for all kinds.

A figure is a :class:`FigureSpec` declared in the module that draws it
(``reglab.figures.curves.LOSS_CURVES``, ``reglab.sweeps.figures.HEATMAP``):
its file name, title and caption sit next to its plotting function.  A kind
of experiment lists the specs it shows, in reading order
(``reglab.figures.save.COMPARE_FIGURES``, ``reglab.sweeps.figures.SWEEP_FIGURES``),
and :func:`write_figures` draws the ones that apply and writes them as PNG.

The subject a spec draws is the kind's result (or, for a compare, its runs on
their data set): anything with ``runs`` and ``dataset``.  Adding a figure to
compare and sweep: its plotting function and spec in one module, and the spec
in both lists.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from matplotlib.figure import Figure

from reglab.errors import ReglabError
from reglab.outputs.files import make_directory

DPI = 110
"""Resolution of the saved PNGs: a 10-inch-wide figure is 1100 pixels."""


def _always(subject: Any) -> bool:
    return True


@dataclass(frozen=True)
class FigureSpec:
    """One figure a report can show.

    Attributes:
        name: the PNG's file stem (``loss_curves`` → ``loss_curves.png``), unique within a kind.
        title: its title in the report.
        caption: what to look for in it.
        draw: ``subject -> matplotlib Figure``.
        applies: ``subject -> bool``: whether this subject gets the figure (default: always),
            e.g. decision boundaries only for 2-D data.
        tight: save with a tight bounding box (``bbox_inches="tight"``, 0.15 inch padding).
    """

    name: str
    title: str
    caption: str
    draw: Callable[[Any], Figure]
    applies: Callable[[Any], bool] = _always
    tight: bool = True


@dataclass(frozen=True)
class FigureFile:
    """One saved figure: ``name`` (the file stem), a ``title``, the PNG ``path`` and a ``caption`` saying what to look for."""

    name: str
    title: str
    path: Path
    caption: str


def write_figures(specs: Sequence[FigureSpec], subject: Any, out_dir: str | Path) -> list[FigureFile]:
    """Draw every spec that applies to ``subject`` and write it to ``out_dir`` as ``NAME.png``, in order.

    A PNG of one of ``specs`` left by an earlier experiment in ``out_dir`` that
    this one does not draw (a 2-D-only figure) is removed, so the directory
    shows only this experiment.  ``out_dir`` is created if needed.

    Raises:
        ReglabError: ``out_dir`` or a PNG cannot be written.
    """
    out = make_directory(out_dir, "figure folder")
    files = []
    for spec in specs:
        path = out / f"{spec.name}.png"
        if not spec.applies(subject):
            if path.is_file():
                path.unlink()
            continue
        figure = spec.draw(subject)
        try:
            if spec.tight:
                figure.savefig(path, dpi=DPI, bbox_inches="tight", pad_inches=0.15)
            else:
                figure.savefig(path, dpi=DPI)
        except OSError as error:
            raise ReglabError(f"Cannot write the figure '{path}': {error.strerror or error}.") from None
        files.append(FigureFile(spec.name, spec.title, path, spec.caption))
    return files
