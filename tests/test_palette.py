"""One colour per verdict kind, the same in the report, the notebook cell and the playground."""

from __future__ import annotations

import re

from reglab.analysis.verdicts import KINDS
from reglab.notebook import NOTEBOOK_CSS
from reglab.outputs.palette import VERDICT_COLOURS, verdict_class
from reglab.outputs.report.style import CSS


def test_every_verdict_kind_has_its_own_colour() -> None:
    assert set(VERDICT_COLOURS) == set(KINDS)
    assert len(set(VERDICT_COLOURS.values())) == len(KINDS)
    assert all(re.fullmatch(r"#[0-9a-f]{6}", colour) for colour in VERDICT_COLOURS.values())


def test_the_report_and_the_notebook_colour_every_badge_from_the_palette() -> None:
    for kind, colour in VERDICT_COLOURS.items():
        cls = verdict_class(kind)
        assert f".{cls} .badge {{ background: {colour}; }}" in CSS
        assert f".verdict.{cls} {{ border-left-color: {colour}; }}" in CSS
        assert f".reglab .{cls} .badge{{background:{colour}}}" in NOTEBOOK_CSS
    assert verdict_class("good fit") == "good-fit" and ".unstable .badge" in CSS
