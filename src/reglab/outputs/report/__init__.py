"""``report.html``: one self-contained page (inline CSS, figures as data URIs, no scripts).

    from reglab.outputs.report import ReportContent, render_report, write_report

The page holds, in order: the title and a one-line summary, the data set, the
verdicts in plain words, the table (mean ± std over seeds), the figures with
their captions, and how to reproduce it (the command line, a Python snippet
and every variant's resolved settings).  Every piece of user text is escaped.
"""

from reglab.outputs.report.command import command_line, python_snippet
from reglab.outputs.report.html import ReportContent, render_report, write_report

__all__ = ["ReportContent", "command_line", "python_snippet", "render_report", "write_report"]
