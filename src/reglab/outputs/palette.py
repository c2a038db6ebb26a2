"""The colour of each verdict, one table for every page reglab draws (report, notebook cell, playground).

A verdict's CSS class is its kind with spaces as ``-`` (``good fit`` → ``good-fit``);
:func:`verdict_rules` writes one rule per kind from a template, so a new kind
in :data:`reglab.analysis.verdicts.KINDS` gets its colour everywhere at once.
"""

from __future__ import annotations

VERDICT_COLOURS: dict[str, str] = {
    "overfits": "#b3362b",
    "underfits": "#a86a00",
    "good fit": "#2e7d4f",
    "diverged": "#6b3fa0",
    "unstable": "#c2185b",
}
"""Background of a verdict's badge and colour of its card's edge, by verdict kind."""


def verdict_class(kind: str) -> str:
    """The CSS class of a verdict kind: ``good fit`` → ``good-fit``."""
    return kind.replace(" ", "-")


def verdict_rules(template: str) -> str:
    """One CSS rule per verdict kind: ``template`` with ``{cls}`` and ``{colour}`` filled in (braces as ``{{ }}``)."""
    return "\n".join(template.format(cls=verdict_class(kind), colour=colour) for kind, colour in VERDICT_COLOURS.items())
