"""The ``reglab`` console script: the CLI with the signals and warnings of a command line.

Everything heavy (typer, torch, the commands) is imported inside
:func:`main`, after the handlers are in place, so a Ctrl-C at any moment of
start-up prints ``interrupted`` and exits 130 instead of a traceback.
SIGTERM is handled like Ctrl-C (finished runs kept, workers stopped) and
exits 143.  A :class:`~reglab.errors.ReglabWarning` prints as one line,
``warning: ...``, on stderr.
"""

from __future__ import annotations

import signal
import sys
import warnings
from types import FrameType
from typing import Any

EXIT_INTERRUPTED = 130
EXIT_TERMINATED = 143
_terminated = False


def _on_sigterm(signum: int, frame: FrameType | None) -> None:
    global _terminated
    _terminated = True
    raise KeyboardInterrupt


def _show_warning(message: Any, category: type[Warning], filename: str, lineno: int, file: Any = None, line: Any = None) -> None:
    from reglab.errors import ReglabWarning

    if issubclass(category, ReglabWarning):
        print(f"warning: {' '.join(str(message).split())}", file=sys.stderr, flush=True)
    else:
        _default_show_warning(message, category, filename, lineno, file, line)


_default_show_warning = warnings.showwarning


def main() -> None:
    """Run the ``reglab`` command line; exit 130 on Ctrl-C and 143 on SIGTERM, whenever they come."""
    try:
        signal.signal(signal.SIGTERM, _on_sigterm)
        warnings.showwarning = _show_warning
        from reglab.cli import main as cli_main

        cli_main()
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr, flush=True)
        sys.exit(EXIT_TERMINATED if _terminated else EXIT_INTERRUPTED)
    except SystemExit as done:
        if done.code == EXIT_INTERRUPTED:
            from reglab.cli.errors import INTERRUPTION

            if not INTERRUPTION["said"]:  # typer turns a Ctrl-C outside a command's body into exit 130, silently
                print("interrupted", file=sys.stderr, flush=True)
            if _terminated:
                sys.exit(EXIT_TERMINATED)
        raise
