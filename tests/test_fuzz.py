"""Property-based fuzzing: whatever a user types or feeds in, only a ReglabError comes out.

hypothesis generates variant short forms, sweep grids and CSV files from
the pieces they are made of (real keys, numbers of every size, separators,
bytes); each must either work or raise :class:`reglab.errors.ReglabError`
(a ``ValueError``), never another exception.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reglab.data import load_dataset
from reglab.errors import ReglabError, ReglabWarning
from reglab.sweeps.grid import parse_grid
from reglab.sweeps.params import SWEEP_PARAMS
from reglab.variant import PARAMETERS, Variant

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

numbers = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.sampled_from(["1e20", "1e-400", "1e400", "-0", "0x10", "1_000", "nan", "inf", "", " ", "1e", ".", "3.5.1"]),
)
words = st.sampled_from([*PARAMETERS, "name", "dropuot", "", " ", "L1", "relu", "none", "true", "full", "64x32", "x", "/"])
values = st.one_of(
    numbers, words,
    st.lists(numbers, min_size=1, max_size=4).map("/".join),
    st.lists(st.integers(-5, 10**7).map(str), min_size=1, max_size=4).map("x".join),
)
short_forms = st.one_of(
    st.lists(st.tuples(words, st.sampled_from(["=", "", "=="]), values).map("".join), max_size=5).map(",".join),
    st.text(alphabet="abcdelnoprstxy0123456789=,:/.-+e xX", max_size=40),
)


@FUZZ
@given(name=st.one_of(st.none(), st.text(max_size=8)), body=short_forms)
def test_any_variant_short_form_parses_or_says_why(name: str | None, body: str) -> None:
    spec = body if name is None else f"{name}:{body}"
    try:
        variant = Variant.parse(spec)
    except ReglabError:
        return
    assert Variant.parse(variant.short_form() or "baseline").settings() == variant.settings()


@FUZZ
@given(keys=st.dictionaries(words, st.one_of(st.integers(-(2**70), 2**70), st.floats(), st.text(max_size=5),
                                             st.booleans(), st.none(), st.lists(st.integers(-3, 10**6), max_size=3))))
def test_any_variant_keywords_build_or_say_why(keys: dict) -> None:
    try:
        Variant(**keys)
    except ReglabError:
        pass


grid_items = st.one_of(numbers, st.integers(-3, 10**6).map(str), st.sampled_from(["16x8", "0x4", "8x", "log9", "lin3"]))
grids = st.one_of(
    st.lists(grid_items, max_size=6).map(",".join),
    st.tuples(numbers, numbers, st.sampled_from(["log", "lin", "exp", ""]), st.one_of(numbers, st.integers(-2, 10**9).map(str)))
    .map(lambda t: f"{t[0]}:{t[1]}:{t[2]}{t[3]}"),
    st.text(alphabet="0123456789.,:elogin-x", max_size=30),
)


@FUZZ
@given(param=st.sampled_from(sorted(SWEEP_PARAMS)), grid=grids)
def test_any_sweep_grid_parses_or_says_why(param: str, grid: str) -> None:
    try:
        parsed = parse_grid(grid, param)
    except ReglabError:
        return
    assert len(parsed) >= 2


cells = st.one_of(numbers, st.text(max_size=6), st.sampled_from(["NA", "a", "é", "1,5", '"', "'", "\x00", "1e308", "-1e308"]))
tables = st.lists(st.lists(cells, min_size=1, max_size=4), min_size=0, max_size=30)


@FUZZ
@given(rows=tables, delimiter=st.sampled_from([",", ";", "\t", "|"]), encoding=st.sampled_from(["utf-8", "cp1252", "utf-16"]),
       tail=st.binary(max_size=16))
def test_any_csv_file_loads_or_says_why(tmp_path: Path, rows: list, delimiter: str, encoding: str, tail: bytes) -> None:
    header = delimiter.join(f"c{j}" for j in range(len(rows[0]))) if rows else ""
    text = "\n".join([header, *(delimiter.join(row) for row in rows)])
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        data = text.encode("utf-8")
    path = tmp_path / "fuzz.csv"
    path.write_bytes(data + tail)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ReglabWarning)
        try:
            load_dataset(str(path), train_size=0.5, val_size=0.25, test_size=0.25)
        except ReglabError:
            pass


@pytest.mark.parametrize("raw", [b"PK\x03\x04rest", b"\xd0\xcf\x11\xe0rest", b"a,b\n\x00\x01,2\n", bytes(range(256))])
def test_binary_files_are_refused_by_name(tmp_path: Path, raw: bytes) -> None:
    path = tmp_path / "x.csv"
    path.write_bytes(raw)
    with pytest.raises(ReglabError, match="not a (CSV )?text file|binary"):
        load_dataset(str(path))
