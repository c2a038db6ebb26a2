"""What every kind's report page shares: the shell (head, header with navigation), the figures, the footer.

A kind's page is ``page(title, subtitle, links, body, footer(created, ...))``
with its own sections in ``body``; :func:`figures_section` and
:func:`take_away` are the sections every kind shows the same way.
"""

from __future__ import annotations

import base64
import re
from datetime import datetime
import shlex
from collections.abc import Sequence
from html import escape
from pathlib import Path
from typing import Any

from reglab.outputs.report.style import CSS
from reglab.version import reglab_version


def page(title: str, subtitle: str, links: Sequence[tuple[str, str]], body: str, footer: str) -> str:
    """A whole self-contained HTML page; ``links`` are ``(anchor, name)`` pairs, ``body`` and ``footer`` are HTML."""
    nav = "".join(f'<a href="#{anchor}">{escape(name)}</a>' for anchor, name in links)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="reglab {escape(reglab_version())}">
<title>{escape(title)}</title>
<style>{CSS}</style>
</head>
<body>
<header class="top"><div class="inner">
<h1>{escape(title)}</h1>
<p class="sub">{escape(subtitle)}</p>
<nav>{nav}</nav>
</div></header>
<main>
{body}
<footer>{footer}</footer>
</main>
</body>
</html>
"""


def take_away(out_dir: str | Path, pick: str) -> str:
    """A paragraph saying how to take ``pick`` away as a PyTorch file (``reglab export``)."""
    command = f"reglab export {shlex.quote(str(out_dir))}"
    return (f"<p>To take the model away: <code>{escape(command)}</code> writes {escape(pick)} (its seed with the lowest "
            "validation loss) to model.pt in that directory, a PyTorch module that takes raw feature columns; "
            "load it with <code>torch.load(path, weights_only=False)</code>.</p>")


def css_name(text: str) -> str:
    """``text`` as a CSS class or anchor name: lower case, runs of other characters as ``-``."""
    return re.sub(r"[^a-z0-9]+", "-", str(text).lower()).strip("-") or "unknown"


def embedded_figure(figure: Any, *, card: bool = True) -> str:
    """A :class:`~reglab.figures.FigureFile` as a ``<figure>``: the PNG as a data URI, its title and caption."""
    data = base64.b64encode(Path(figure.path).read_bytes()).decode("ascii")
    kind = ' class="card"' if card else ""
    return (
        f'<figure{kind} id="figure-{escape(css_name(figure.name))}">'
        f'<img src="data:image/png;base64,{data}" alt="{escape(figure.title)}">'
        f"<figcaption><strong>{escape(figure.title)}</strong>{escape(figure.caption)}"
        f' <span class="note">({escape(Path(figure.path).name)})</span></figcaption></figure>'
    )


def figures_section(figures: Sequence[Any]) -> str:
    """The ``Figures`` section: each figure with its title and caption, in order (empty without figures)."""
    blocks = [embedded_figure(figure) for figure in figures]
    if not blocks:
        return ""
    return f"""
<section id="figures"><h2>Figures</h2>
{"".join(blocks)}
</section>"""


def footer(created: str, analysis: str = "") -> str:
    """The footer: the reglab version and date, and the files beside the page (``results.json`` also holding ``analysis``)."""
    holds = "every run's settings, history and metrics" + (f", {analysis}" if analysis else "")
    return (
        f"Made by reglab {escape(reglab_version())} on {escape(when(created))}.\n"
        f"Files beside this page: results.json ({holds}), "
        "runs.sqlite (the runs with their weights) and the figures as PNG."
    )


def when(created: str) -> str:
    """``2025-01-31T12:00:00+00:00`` as ``2025-01-31 12:00 UTC``."""
    try:
        return datetime.fromisoformat(created).strftime("%Y-%m-%d %H:%M UTC")
    except ValueError:
        return created
