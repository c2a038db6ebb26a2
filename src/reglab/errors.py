"""The one exception type reglab raises for bad input.

Every user mistake (a typo in a variant, a CSV without the target column, an
impossible value) is reported as a :class:`ReglabError` whose message names the
argument, what was expected and what was received.  The CLI prints the message
as one line and exits non-zero; Python users can catch it like a ``ValueError``.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable


class ReglabError(ValueError):
    """A user-facing error: bad settings, bad data, or a missing file."""


class ReglabWarning(UserWarning):
    """Something reglab did that the user may not expect (a guessed encoding, targets read as regression).

    The CLI prints it as one line, ``warning: ...``, on stderr.
    """


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """Return ``" Did you mean 'x'?"`` for the closest of ``choices``, or ``""``."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" Did you mean '{close[0]}'?" if close else ""
