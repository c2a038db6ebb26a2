"""The explore page's set-up as a query string: read with the CLI's rules, written back unchanged."""

from __future__ import annotations

import pytest

from reglab.errors import ReglabError
from reglab.explore.state import DataChoice, parse_setup


@pytest.fixture(scope="module")
def choice() -> DataChoice:
    return DataChoice.of()


def test_round_trip_keeps_every_setting(choice) -> None:
    setup = parse_setup("dataset=circles&noise=0.2&factor=0.3&hidden=32x16&lr=0.03&variant=baseline"
                        "&variant=L2:l2=1e-3&variant=warm:l2=0@1,1e-3@51&seeds=2&grid=24&_hide=dataset,network", choice)
    assert setup.to_query().count("variant=") == 3
    again = parse_setup(setup.to_query(), choice)
    assert again == setup
    assert [v.label for v in again.variants] == ["baseline", "L2", "warm"]
    assert [v.short_form() for v in again.variants] == [
        "hidden=32x16,lr=0.03", "hidden=32x16,l2=0.001,lr=0.03", "hidden=32x16,l2=0@1,0.001@51,lr=0.03"]
    assert again.options["factor"] == 0.3 and again.hide == ("dataset", "network")


def test_defaults_and_shared_keys(choice) -> None:
    setup = parse_setup("", choice)
    assert (setup.dataset, setup.seeds, setup.grid) == ("moons", 3, 40)
    assert [v.label for v in setup.variants] == ["baseline", "L1 1e-3"]  # the seed preset
    own = parse_setup("hidden=16&variant=hidden=8,l1=1e-3&lr=0.01", choice)
    assert own.variants[0].hidden == (8,)  # a variant's own key wins over the shared one
    assert own.base == {"hidden": "16"}  # lr=0.01 is the default, so not written


@pytest.mark.parametrize(("query", "message"), [
    ("_hide=everything", "`_hide`: 'everything' is not a panel"),
    ("seeds=2&seeds=3", "Setting `seeds` is given twice"),
    ("dataset=digits", "Unknown data set 'digits'"),
    ("l2=1e-3", "Setting `l2` is a variant key"),
])
def test_mistakes(choice, query, message) -> None:
    with pytest.raises(ReglabError) as error:
        parse_setup(query, choice)
    assert message in str(error.value)
