"""The training progress bar: tqdm on a terminal, a few plain lines anywhere else.

A redrawn bar is a stream of carriage-return frames; in a CI log or a pipe
each frame stays, hundreds of them.  When stderr is not a terminal,
:func:`progress_bar` gives a :class:`LineBar` instead: the same tqdm object
(``update``, ``set_postfix_str``, ``n``) that writes one plain line when it
starts, at each quarter of the way, and when it ends, so at most
``2 + MARKS - 1`` lines.
"""

from __future__ import annotations

import sys
from typing import Any

from tqdm import tqdm
from tqdm.auto import tqdm as auto_tqdm

MARKS = 4
"""Plain lines are written at each 1/MARKS of the way (25 %, 50 %, 75 %), besides the start and the end."""


class LineBar(tqdm):
    """A tqdm bar that writes whole lines at a few marks instead of redrawing one line."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._last_mark: int | None = None
        self._finished = False
        kwargs.setdefault("leave", False)  # the final line is written by close(), without tqdm's extra newline
        kwargs["file"] = _Lines(kwargs.get("file") or sys.stderr)
        super().__init__(*args, **kwargs)

    def display(self, msg: str | None = None, pos: int | None = None) -> bool:
        mark = MARKS * self.n // self.total if self.total else 0
        if msg == "" or (not self._finished and self._last_mark is not None and (mark <= self._last_mark or mark >= MARKS)):
            return True  # between marks (the end is written by close()), or tqdm clearing its line
        self._last_mark = mark
        self.fp.write((self.__str__() if msg is None else msg) + "\n")
        self.fp.flush()
        return True

    def close(self) -> None:
        if not self.disable and not self._finished:
            self._finished = True
            self.display()
        super().close()


class _Lines:
    """A text stream that drops the bare carriage returns tqdm writes to clear its line."""

    def __init__(self, stream: Any) -> None:
        self.stream = stream

    def write(self, text: str) -> int:
        return self.stream.write(text) if text != "\r" else 0

    def flush(self) -> None:
        self.stream.flush()


def progress_bar(*, total: int, enabled: bool, **options: Any) -> tqdm:
    """A tqdm bar over ``total`` steps (a widget in Jupyter), or a :class:`LineBar` when stderr is not a terminal; off unless ``enabled``."""
    in_notebook = any(base.__module__ == "tqdm.notebook" for base in auto_tqdm.__mro__)  # tqdm.auto's choice in a Jupyter kernel
    interactive = in_notebook or (hasattr(sys.stderr, "isatty") and sys.stderr.isatty())
    kind = auto_tqdm if interactive else LineBar
    return kind(total=total, disable=not enabled, file=sys.stderr, **options)
