"""Every ``>>>`` example in reglab's docstrings runs and prints what it says (stdlib :mod:`doctest`)."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import reglab

MODULES = sorted(info.name for info in pkgutil.walk_packages(reglab.__path__, "reglab.") if info.name != "reglab.__main__")


def test_the_walk_finds_the_modules_with_examples() -> None:
    assert {"reglab.store", "reglab.sweeps.grid", "reglab.sweeps.choice", "reglab.sweeps.selection"} <= set(MODULES)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name: str) -> None:
    module = importlib.import_module(name)
    finder = doctest.DocTestFinder(exclude_empty=True)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    for test in finder.find(module, name):  # each example sees its module's names, as `python -m doctest` gives
        runner.run(test)
    results = runner.summarize(verbose=False)
    assert results.failed == 0, f"{results.failed} of {results.attempted} examples failed in {name}"
