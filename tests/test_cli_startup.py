"""The command line starts without the library behind it; the package's names load on first use.

(No import cycle anywhere in the package: ``tests/test_imports.py``.)
"""

from __future__ import annotations

import subprocess
import sys

import reglab


def test_the_command_line_loads_without_torch() -> None:
    """`reglab --help` builds every command's options without the library behind it (torch takes seconds)."""
    code = "import sys, reglab.cli; print(sorted(m for m in ('torch', 'sklearn', 'matplotlib') if m in sys.modules))"
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert loaded == "[]"


def test_help_lists_every_command_without_torch() -> None:
    code = ("import sys; from typer.testing import CliRunner; from reglab.cli import app; "
            "out = CliRunner().invoke(app, ['--help']).stdout; "
            "print('torch' in sys.modules, all(c in out for c in ('compare', 'sweep', 'report', 'export', 'datasets', 'presets')))")
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split() == ["False", "True"]


def test_reglab_names_load_on_first_use() -> None:
    assert reglab.compare.__module__ == "reglab.experiments.compare"
    assert reglab.sweep.__module__ == "reglab.experiments.sweep"
    assert {"compare", "sweep", "train", "Variant"} <= set(dir(reglab)) and set(reglab.__all__) <= set(dir(reglab))
