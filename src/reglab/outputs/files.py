"""Files of an output directory: the directory itself and atomic writes.

A file is written to ``NAME.tmp`` beside it, then renamed over ``NAME``
(:func:`os.replace`, atomic on one file system), so a reader never sees half
a report and an interrupted write leaves the previous file whole.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from reglab.errors import ReglabError


def make_directory(directory: str | Path, what: str = "output directory") -> Path:
    """Create ``directory`` (and its parents) if needed; return it as a :class:`Path`.

    Raises:
        ReglabError: the path exists and is not a directory, cannot be created,
            or takes no new files (the message names ``what`` it is for).
    """
    directory = Path(directory)
    if directory.exists() and not directory.is_dir():
        raise ReglabError(f"The {what.split()[0]} path '{directory}' exists and is not a directory.")
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ReglabError(f"Cannot create the {what} '{directory}': {error.strerror or error}.") from None
    try:
        with tempfile.TemporaryFile(dir=directory):  # a read-only place, or one not ours, is named here, not by SQLite
            pass
    except OSError as error:
        raise ReglabError(
            f"Cannot create files in the {what} '{directory}' ({error.strerror or error}): it is read-only or not yours. "
            "Choose another directory."
        ) from None
    return directory


def write_text(path: str | Path, text: str) -> Path:
    """Write ``text`` (UTF-8) to ``path`` atomically: a temporary file, then a rename; return the path."""
    return write_bytes(path, text.encode("utf-8"))


def write_bytes(path: str | Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically (as :func:`write_text`); return the path."""
    path = Path(path)
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_bytes(data)
    os.replace(temporary, path)
    return path
