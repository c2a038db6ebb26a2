"""Progress outside a terminal: a few plain lines, not carriage-return frames."""

from __future__ import annotations

import io

import pytest

from reglab.progress import MARKS, LineBar, progress_bar


def test_a_line_bar_writes_the_start_each_quarter_and_the_end() -> None:
    out = io.StringIO()
    with LineBar(total=500, file=out, desc="training", unit="epoch", mininterval=0) as bar:
        for _ in range(500):
            bar.update(1)
    text = out.getvalue()
    lines = text.splitlines()
    assert "\r" not in text
    assert len(lines) == 2 + MARKS - 1  # start, 25 %, 50 %, 75 %, end
    assert lines[0].startswith("training:   0%") and lines[-1].startswith("training: 100%")
    assert "500/500" in lines[-1]


def test_an_interrupted_line_bar_still_ends_with_its_last_state() -> None:
    out = io.StringIO()
    bar = LineBar(total=100, file=out, desc="training", mininterval=0)
    bar.update(10)
    bar.close()
    assert out.getvalue().splitlines()[-1].startswith("training:  10%")


@pytest.mark.parametrize("tty", [True, False])
def test_progress_bar_redraws_only_on_a_terminal(tty: bool, monkeypatch) -> None:
    stream = io.StringIO()
    stream.isatty = lambda: tty  # type: ignore[method-assign]
    monkeypatch.setattr("sys.stderr", stream)
    bar = progress_bar(total=10, enabled=True)
    assert isinstance(bar, LineBar) is (not tty)
    bar.close()
