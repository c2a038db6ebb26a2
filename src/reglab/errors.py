"""The one exception type reglab raises for bad input, and the one an interrupted experiment raises.

Every user mistake (a typo in a variant, a CSV without the target column, an
impossible value) is reported as a :class:`ReglabError` whose message names the
argument, what was expected and what was received.  The CLI prints the message
as one line and exits non-zero; Python users can catch it like a ``ValueError``.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from pathlib import Path


class ReglabError(ValueError):
    """A user-facing error: bad settings, bad data, or a missing file."""


class ReglabWarning(UserWarning):
    """Something reglab did that the user may not expect (a guessed encoding, targets read as regression).

    The CLI prints it as one line, ``warning: ...``, on stderr.
    """


class CompareInterrupted(KeyboardInterrupt):
    """Ctrl-C during an experiment: ``kept`` of its ``total`` runs are safe in ``out_dir``."""

    def __init__(self, kept: int, total: int, out_dir: Path, saved_epochs: Sequence[int] = ()) -> None:
        super().__init__(f"interrupted: {kept} of {total} runs kept in {out_dir}")
        self.kept, self.total, self.out_dir, self.saved_epochs = kept, total, out_dir, list(saved_epochs)

    @property
    def message(self) -> str:
        """What the command line says: what was kept and how to go on."""
        text = f"interrupted: {self.kept} of {self.total} runs kept in {self.out_dir}"
        if self.saved_epochs:
            epochs = ", ".join(str(epoch) for epoch in self.saved_epochs)
            text += f" (unfinished runs saved at epoch {epochs})"
        return text + "; run the same command to resume"


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """Return ``" Did you mean 'x'?"`` for the closest of ``choices``, or ``""``."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" Did you mean '{close[0]}'?" if close else ""
