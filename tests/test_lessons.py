"""Every lesson at quick size, through the real CLI: it runs, its verdict is its rule's, its figures render,
the report and lessons.json are written, a second run trains nothing (resume through the run store), and
the page loads in headless Chromium with no console error.

One ``reglab lessons --quick --seeds 2`` run of all lessons is shared by the module (about 40 s of CPU).
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import invoke
from test_report_browser import ARTIFACTS, browser  # noqa: F401  (the Chromium fixture)

from reglab.experiments.lesson_lab import Lab
from reglab.experiments.lessons import LessonsRun, run_lessons
from reglab.experiments.reading import rebuild_report
from reglab.lessons import LESSONS, get_lesson

PNG = b"\x89PNG\r\n\x1a\n"


@dataclass(frozen=True)
class Ran:
    out: Path
    stdout: str
    run: LessonsRun


@pytest.fixture(scope="module")
def ran(tmp_path_factory: pytest.TempPathFactory, runner) -> Ran:
    out = tmp_path_factory.mktemp("lessons") / "out"
    result = invoke(runner, ["lessons", "--quick", "--seeds", "2", "--out", str(out), "--quiet"])
    assert result.exit_code == 0, result.stderr
    again = rebuild_report(out, log=None)  # the lessons kind: every run from the store, the report written again
    return Ran(out, result.stdout, again)


def test_the_cli_prints_every_verdict_and_the_report(ran: Ran) -> None:
    for name in LESSONS:
        assert f"{name} " in ran.stdout
    assert f"report: {ran.out / 'index.html'}" in ran.stdout
    assert (ran.out / "index.html").is_file() and (ran.out / "runs.sqlite").is_file()


def test_a_second_run_trains_nothing(ran: Ran, tmp_path: Path) -> None:
    assert ran.run.trained == 0 and ran.run.reused > 100  # the rebuild read every run back
    copy = tmp_path / "copy"
    shutil.copytree(ran.out, copy)
    same = run_lessons(["overfitting", "l2-shrinks"], seeds=2, out_dir=copy, quick=True, progress=False, log=None)
    assert same.trained == 0 and same.reused == 2 * (3 + 8) * 2  # data sets × variants × seeds
    assert same["overfitting"].verdict == ran.run["overfitting"].verdict


def test_report_and_export_of_a_lessons_directory(ran: Ran, runner) -> None:
    again = invoke(runner, ["report", str(ran.out)])
    assert again.exit_code == 0, again.stderr
    assert f"report: {ran.out / 'index.html'}" in again.stdout and "(0 runs trained" in again.stdout
    export = invoke(runner, ["export", str(ran.out)])
    assert export.exit_code == 2 and "picks no model to export" in export.stderr


@pytest.mark.parametrize("name", list(LESSONS))
def test_each_lesson_runs_and_its_verdict_is_its_rule(ran: Ran, name: str) -> None:
    result = ran.run[name]
    lesson = get_lesson(name)
    assert result.verdict == lesson.judge(result.outcome.numbers)
    assert len(result.verdict.findings) >= 2  # at least two data sets or conditions
    datasets = {value for f in result.verdict.findings for factor, value in f.factors if factor == "data set"}
    assert len(datasets) >= 2
    assert result.outcome.table and all(len(row) == len(result.outcome.table[0]) for row in result.outcome.table)
    assert result.outcome.figures
    for figure in result.outcome.figures:
        assert figure.png.startswith(PNG) and len(figure.png) > 5000
        assert (ran.out / f"{name}-{figure.name}.png").read_bytes() == figure.png
    json.dumps(result.to_dict(), allow_nan=True)


def test_lessons_json_holds_every_lesson(ran: Ran) -> None:
    document = json.loads((ran.out / "lessons.json").read_text())
    assert document["schema"] == "reglab.lessons/1"
    assert [lesson["name"] for lesson in document["lessons"]] == list(LESSONS)
    for lesson in document["lessons"]:
        assert lesson["verdict"].startswith(("holds", "does not hold here"))


def test_the_page_has_a_section_per_lesson(ran: Ran) -> None:
    page = (ran.out / "index.html").read_text()
    for name, lesson in LESSONS.items():
        assert f'id="lesson-{name}"' in page and f'href="#lesson-{name}"' in page
    assert "<script" not in page and "http://" not in page
    assert page.count("data:image/png;base64,") == sum(len(r.outcome.figures) for r in ran.run.results)


def test_gradient_l1_gives_no_exact_zeros_and_prox_does(ran: Ran) -> None:
    numbers = ran.run["l1-sparsity"].outcome.numbers
    for labels in numbers.values():
        for label, m in labels.items():
            if "gradient" in label or "no L1" in label:
                assert max(m["exact_zero"]) == 0.0, label
            elif label.startswith("Adam"):
                assert min(m["exact_zero"]) > 0.0, label  # Adam's proximal step zeroes weights within a few epochs


def test_l2_equals_decay_2_lambda_under_plain_sgd_only(ran: Ran) -> None:
    for optimizers in ran.run["l2-is-weight-decay"].outcome.numbers.values():
        assert max(optimizers["SGD"]["factor_2"]) < 1e-4  # 10 epochs: float rounding only
        assert min(optimizers["SGD"]["factor_1"]) > 1e-3
        assert min(optimizers["Adam"]["factor_2"]) > 1e-2


def test_the_notebook_display_holds_the_verdict_and_figures(ran: Ran) -> None:
    html = ran.run["overfitting"]._repr_html_()
    assert ran.run["overfitting"].verdict.text in html.replace("&quot;", '"')
    assert html.count("data:image/png;base64,") == len(ran.run["overfitting"].outcome.figures)
    assert ran.run._repr_html_().count('class="lesson"') == len(LESSONS)


def test_in_memory_lab_and_bad_input() -> None:
    lab = Lab([0, 1], quick=True, progress=False, log=None)
    result = get_lesson("early-stopping")(lab)
    assert lab.trained == 12 and result.verdict == get_lesson("early-stopping").judge(result.outcome.numbers)
    with pytest.raises(ValueError, match="at least 2 distinct"):
        Lab([0])
    with pytest.raises(ValueError, match="Did you mean 'l1-sparsity'"):
        get_lesson("l1-sparsty")


def test_cli_list_and_errors(runner) -> None:
    listed = invoke(runner, ["lessons", "--list"])
    assert listed.exit_code == 0 and all(name in listed.stdout for name in LESSONS)
    wrong = invoke(runner, ["lessons", "nope"])
    assert wrong.exit_code == 2 and wrong.stderr.startswith("error: Unknown lesson 'nope'.") and len(wrong.stderr.splitlines()) == 1


def test_the_page_renders_in_chromium(browser, ran: Ran) -> None:  # noqa: F811
    browser.get((ran.out / "index.html").resolve().as_uri())
    assert browser.execute_script("return document.readyState") == "complete"
    assert "reglab lessons" in browser.title
    images = browser.execute_script("return Array.from(document.images).map(i => [i.alt, i.complete, i.naturalWidth])")
    assert len(images) == sum(len(r.outcome.figures) for r in ran.run.results)
    assert all(complete and width > 0 for _, complete, width in images), images
    errors = [entry for entry in browser.get_log("browser") if entry["level"] in ("SEVERE", "ERROR")]
    assert errors == [], errors
    requests = browser.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name).filter(n => !n.startsWith('data:'))")
    assert requests == []
    sections = browser.execute_script("return Array.from(document.querySelectorAll('section.lesson')).map(s => s.id)")
    assert sections == [f"lesson-{name}" for name in LESSONS]
    ARTIFACTS.mkdir(exist_ok=True)
    browser.save_screenshot(str(ARTIFACTS / "lessons-laptop.png"))
