"""The README documents every variant key, with the default the code really has."""

from __future__ import annotations

import re
from pathlib import Path

from reglab.variant import PARAMETERS, Variant

README = Path(__file__).resolve().parent.parent / "README.md"


def _key_table() -> dict[str, str]:
    text = README.read_text()
    block = text.split("<!-- VARIANT-KEYS:BEGIN")[1].split("<!-- VARIANT-KEYS:END")[0]
    rows = re.findall(r"^\| `(\w+)` \| ([^|]+) \|", block, flags=re.M)
    return {key: default.strip() for key, default in rows}


def _as_text(value) -> str:
    if value is None:
        return "none"
    if isinstance(value, bool):
        return str(value).lower()
    if value == ():
        return "none"
    if isinstance(value, tuple):
        return "x".join(str(v) for v in value)
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def test_readme_lists_every_variant_key_with_its_default():
    table = _key_table()
    assert list(table) == list(PARAMETERS)
    defaults = Variant()
    for key, documented in table.items():
        assert documented == _as_text(getattr(defaults, key)), key
