"""The text of a CSV file as spreadsheets write it: its encoding, its delimiter, and what is not CSV at all.

* **Encoding** (``encoding=None``): a byte-order mark decides (UTF-8, or
  UTF-16 as Excel's "Unicode text" writes it); otherwise UTF-8, and a file
  that is not valid UTF-8 is read as ``cp1252`` (what Excel writes on Western
  Windows machines; every byte of Latin-1 text decodes the same way) with a
  :class:`~reglab.errors.ReglabWarning` saying so.  A named encoding is used
  as given.
* **Not text**: a zip archive (an ``.xlsx`` or ``.ods`` workbook is one), an
  Excel 97-2003 workbook, or any file holding NUL bytes is refused, saying
  what it is.
* **Delimiter** (``delimiter=None``): the one of ``,`` ``;`` tab ``|`` that
  splits the header into the most columns while the first
  :data:`SNIFF_LINES` rows have as many fields; ``,`` when none does.
"""

from __future__ import annotations

import codecs
import csv
import io
import warnings
from pathlib import Path

from reglab.errors import ReglabError, ReglabWarning, did_you_mean

DELIMITERS = (",", ";", "\t", "|")
"""The delimiters :func:`detect_delimiter` chooses from, in order of preference."""
SNIFF_LINES = 20
"""Rows after the header read to choose the delimiter."""
FALLBACK_ENCODING = "cp1252"
"""Read instead of UTF-8 when a file is not valid UTF-8 (with a warning)."""

_SIGNATURES = (
    (b"PK\x03\x04", "a zip archive (an .xlsx or .ods workbook is one): save the sheet as CSV from the spreadsheet"),
    (b"\xd0\xcf\x11\xe0", "an Excel 97-2003 workbook (.xls): save the sheet as CSV from the spreadsheet"),
    (b"%PDF", "a PDF document"),
    (b"\x1f\x8b", "a gzip archive: unpack it first"),
)
_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def read_text(path: Path, shown: str, encoding: str | None = None) -> tuple[str, str]:
    """The text of the file at ``path`` and the encoding it was read with (``shown`` names it in messages)."""
    data = path.read_bytes()
    for signature, what in _SIGNATURES:
        if data.startswith(signature):
            raise ReglabError(f"CSV file '{shown}' is not a CSV text file: it is {what}.")
    bom = next((name for mark, name in _BOMS if data.startswith(mark)), None)
    if encoding is not None:
        return _decode(data, shown, _known_encoding(encoding), "the encoding given"), encoding
    if bom is not None:
        return _decode(data, shown, "utf-8-sig" if bom == "utf-8" else bom, "its byte-order mark says so"), bom
    _refuse_binary(data, shown)
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        text = _decode(data, shown, FALLBACK_ENCODING, "it is not UTF-8 either")
        warnings.warn(
            f"CSV file '{shown}' is not UTF-8 (byte 0x{data[error.start]:02x} on line {line}): read as "
            f"{FALLBACK_ENCODING} (Windows Western, as Excel writes it). Give --encoding (or encoding=) to choose.",
            ReglabWarning, stacklevel=2,
        )
        return text, FALLBACK_ENCODING


def _known_encoding(encoding: str) -> str:
    try:
        return codecs.lookup(encoding).name
    except LookupError:
        common = ["utf-8", "utf-8-sig", "utf-16", "cp1252", "latin-1", "iso-8859-15", "mac-roman", "ascii"]
        raise ReglabError(
            f"Unknown encoding {encoding!r} for a CSV file.{did_you_mean(encoding, common)} "
            f"Common ones: {', '.join(common)}."
        ) from None


def _refuse_binary(data: bytes, shown: str) -> None:
    nul = data.find(b"\x00")
    if nul >= 0:
        line = data.count(b"\n", 0, nul) + 1
        raise ReglabError(
            f"CSV file '{shown}' is not a text file: it holds binary data (a NUL byte on line {line}). "
            "Give a CSV file (if it is UTF-16 text without a byte-order mark, say --encoding utf-16)."
        )


def _decode(data: bytes, shown: str, encoding: str, why: str) -> str:
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise ReglabError(
            f"CSV file '{shown}' is not valid {encoding} ({why}): byte 0x{data[error.start]:02x} on line {line} "
            "cannot be read. Give the file's encoding with --encoding (or encoding=), e.g. cp1252 or utf-8."
        ) from None
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise ReglabError(f"CSV file '{shown}' holds binary data (a NUL character on line {line}) after decoding as {encoding}.")
    return text


def detect_delimiter(text: str) -> str:
    """The delimiter of ``text`` (see the module docstring)."""
    best, best_columns = ",", 1
    for candidate in DELIMITERS:
        reader = csv.reader(io.StringIO(text), delimiter=candidate)
        counts: list[int] = []
        try:
            for row in reader:
                if row:
                    counts.append(len(row))
                if len(counts) > SNIFF_LINES:
                    break
        except csv.Error:
            continue
        if counts and counts[0] > best_columns and all(count == counts[0] for count in counts):
            best, best_columns = candidate, counts[0]
    return best
