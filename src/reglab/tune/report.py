"""The outputs of a tune: PNG figures, ``results.json`` and ``report.html`` (the reglab report style).

``results.json`` is the compare document (:mod:`reglab.results_file`) for
the runs of the trials within one SE of the best (the best first), with one
more top-level key, ``"tune"``::

    "tune": {
      "study": "reglab-tune", "storage": "sqlite:////abs/tune-out/study.sqlite",   # no password
      "sampler": "tpe", "pruner": "median", "trials": 256, "batch": 64,
      "space": ["l1=1e-6:1e-1:log", ...], "base": {...},       # Variant.settings() of the base
      "counts": {"COMPLETE": 200, "PRUNED": 56, "FAIL": 0},
      "best": {"number": 17, "label": "trial 17", "params": {...}, "value": 0.071, "se": 0.004},
      "within_one_se": [{"number", "label", "params", "value", "se"}, ...],       # the best first
      "importances": {"l1": 0.7, ...},                          # fANOVA; {} with < 2 complete trials
      "trials": [{"number", "state", "params", "value", "epochs", "pruned_epoch"}, ...]   # COMPLETE and PRUNED
    }

``value`` is the mean over seeds of the final validation loss; a pruned
trial has ``null`` and the epoch it was stopped at.  The other trials' runs
(with weights) are in ``runs.sqlite``; every trial is in the Optuna study.
"""

from __future__ import annotations

from html import escape
from pathlib import Path
from typing import Any

from optuna.trial import FrozenTrial

from reglab.analysis.summary import align_table
from reglab.outputs.directory import write_result
from reglab.outputs.report.command import data_words, seed_words, shell_line
from reglab.outputs.report.html import _verdicts_section
from reglab.outputs.report.page import figures_section, footer, page, take_away
from reglab.outputs.results_json import results_document, strict_json
from reglab.store import now
from reglab.tune.figures import TUNE_FIGURES
from reglab.tune.result import TuneResult, _se, label


def write_outputs(result: TuneResult, out: Path) -> TuneResult:
    """Write the figures, ``results.json`` and ``report.html`` into ``out``; fill the paths in ``result``."""
    created = now()
    document = results_document(result.dataset, result.runs, seeds=result.record.seeds, epochs=result.record.epochs,
                                created=created)
    document["tune"] = strict_json(tune_section(result))
    return write_result(result, out, TUNE_FIGURES, document, lambda: render_report(result, created))


# -- results.json ------------------------------------------------------------------------------


def _trial_ref(trial: FrozenTrial) -> dict[str, Any]:
    return {"number": trial.number, "label": label(trial), "params": dict(trial.params), "value": trial.value,
            "se": _se(trial)}


def tune_section(result: TuneResult) -> dict[str, Any]:
    """The ``"tune"`` part of ``results.json`` (see the module docstring)."""
    settings = result.record.settings or {}
    return {
        **{key: settings.get(key) for key in ("study", "storage", "sampler", "pruner", "trials", "batch", "space")},
        "base": result.space.base.settings(),
        "counts": result.counts,
        "best": _trial_ref(result.best),
        "within_one_se": [_trial_ref(t) for t in result.within_se],
        "importances": result.importances,
        "trials": [
            {"number": t.number, "state": t.state.name, "params": dict(t.params), "value": t.value,
             "epochs": len(t.user_attrs.get("val_loss", [])), "pruned_epoch": t.user_attrs.get("pruned_epoch")}
            for t in result.finished
        ],
    }


# -- the terminal ---------------------------------------------------------------------------------


def trials_rows(result: TuneResult) -> list[list[str]]:
    """The trials within one SE as table rows: a header, then one row per trial (the best first)."""
    rows = [["trial", *(d.name for d in result.space.dimensions), "val loss", "SE"]]
    for trial in result.within_se:
        rows.append([str(trial.number), *(d.param.text(d.value(trial.params[d.name])) for d in result.space.dimensions),
                     f"{trial.value:.4f}", f"{_se(trial):.4f}"])
    return rows


def outcome_lines(result: TuneResult) -> list[str]:
    """What the command prints: the counts, the trials within one SE, compare's table and verdicts, the report, the best."""
    counts = ", ".join(f"{n} {state.lower()}" for state, n in sorted(result.counts.items()))
    lines = [f"study {result.study.study_name!r}: {counts}", "", "trials within one SE of the best:",
             align_table(trials_rows(result), left_columns=1), "", result.table, ""]
    for verdict in result.verdicts:
        summary = str(verdict.summary)
        lines.append(f"{verdict.label}: {summary if summary.startswith(verdict.kind) else f'{verdict.kind}. {summary}'}")
    if result.importances:
        lines += ["", "importances: " + ", ".join(f"{k} {v:.2f}" for k, v in result.importances.items())]
    lines += ["", f"report: {result.report}", result.best_line()]
    return lines


# -- report.html -------------------------------------------------------------------------------


def render_report(result: TuneResult, created: str = "") -> str:
    """The whole page as a string (every piece of user text escaped)."""
    ds = result.dataset
    names = ", ".join(d.name for d in result.space.dimensions)
    title = f"reglab tune: {names} on {Path(ds.name).name}"
    finished = len(result.finished)
    subtitle = (f"{finished} trials × {len(result.record.seeds)} seeds · {result.space.base.epochs} epochs · "
                f"sampler {(result.record.settings or {}).get('sampler')} · pruner {(result.record.settings or {}).get('pruner')}")
    sections = [_best_section(result), _verdicts_section(result.verdicts), _within_section(result),
                figures_section(result.figures), _reproduce_section(result)]
    links = [("best", "Best trial"), ("verdicts", "Verdicts"), ("within", "Within one SE"), ("figures", "Figures"),
             ("reproduce", "Reproduce")]
    analysis = "for the trials within one SE of the best, and every trial's parameters and value (the Optuna study)"
    return page(title, subtitle, links, "".join(sections), footer(created, analysis))


def _best_section(result: TuneResult) -> str:
    best = result.best
    counts = ", ".join(f"{n} {state.lower()}" for state, n in sorted(result.counts.items()))
    lines = [
        f"<p><strong>Best: {escape(label(best))}</strong> ({escape(result.space.describe(best.params))}), validation "
        f"loss {best.value:.4f} ± {result.best_se:.4f} (standard error over {len(result.record.seeds)} seeds).</p>",
        f"<p>{len(result.within_se) - 1} other trials are within one standard error of it (value at most "
        f"{best.value + result.best_se:.4f}): the data cannot tell them apart.</p>",
        f"<p class=\"note\">Study {escape(result.study.study_name)}: {escape(counts)}. Data set: "
        f"{escape(result.dataset.describe())}. Base: {escape(result.space.base.short_form() or 'defaults')}.</p>",
    ]
    return f'<section id="best"><h2>Best trial</h2><div class="card verdict good-fit">{"".join(lines)}</div></section>'


def _within_section(result: TuneResult) -> str:
    rows = trials_rows(result)
    head = "".join(f'<th scope="col">{escape(h)}</th>' for h in rows[0])
    body = "".join("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>" for row in rows[1:])
    table = escape(result.table)
    return (f'<section id="within"><h2>Within one standard error</h2><div class="scroll"><table><thead><tr>{head}</tr>'
            f'</thead><tbody>{body}</tbody></table></div><p class="note">The best first; at most 10 trials. Their runs '
            f'in compare\'s table (mean ± std over seeds):</p><pre>{table}</pre></section>')


def command_line(result: TuneResult) -> str:
    """``reglab tune ...`` that continues this study into its output directory, shell-quoted."""
    record, settings = result.record, result.record.settings or {}
    words = data_words("tune", record)
    for text in settings.get("space", []):
        words += ["--param", text]
    if result.space.base.short_form():
        words += ["--base", result.space.base.short_form()]
    words += ["--trials", str(settings.get("trials")), "--batch", str(settings.get("batch"))]
    words += seed_words(record.seeds)
    for flag, key, default in (("--sampler", "sampler", "tpe"), ("--pruner", "pruner", "median"), ("--study", "study", "reglab-tune")):
        if settings.get(key) != default:
            words += [flag, str(settings.get(key))]
    if settings.get("storage") and not str(settings["storage"]).endswith(f"{Path(str(result.out_dir)).resolve()}/study.sqlite"):
        words += ["--storage", str(settings["storage"])]
    words += ["--out", str(result.out_dir)]
    return shell_line(words)


def _reproduce_section(result: TuneResult) -> str:
    return (f'<section id="reproduce"><h2>Reproduce</h2><p>From a shell (the study resumes: trials already in it are '
            f"not run again; raise --trials to run more):</p><pre>{escape(command_line(result))}</pre>"
            f"{take_away(result.out_dir or 'reglab-tune', label(result.best))}</section>")
