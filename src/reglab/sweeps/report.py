"""The outputs of a sweep: PNG figures, ``results.json`` and ``report.html`` (same form as ``compare``).

``results.json`` is the compare document (:mod:`reglab.outputs.results_json`: every
run's settings, seed, history and metrics) with one more top-level key,
``"sweep"``::

    "sweep": {
      "params": [{"name": "l2", "stronger": "larger", "values": [1e-05, ...]}],   # values weak -> strong
      "base": {...},                          # Variant.settings() of the base
      "rule": "...",                          # the one-SE rule in words
      "threshold": 0.351,                     # best mean val loss + 1 SE
      "best": {"index": 3, "label": "l2=0.01", "values": {"l2": 0.01}},
      "chosen": {...},                        # same keys: the one-SE choice
      "points": [{"label", "values", "region", "val_loss_se",
                  "stats": {"val_loss": {"mean", "std", "n"}, ...}}, ...],
      "path": {"feature_norms": [[[...]]], "first_layer_zero_fraction": [[...]],
               "kept": [[[...]]]} or null,     # [point][seed][feature] / [point][seed]
      "selection": {"kept", "informative", "precision", "recall"} or null
    }

``report.html`` is one self-contained page with the reglab report style:
the choice in words, the data set, the table per grid point, the feature
selection, the figures (embedded PNGs) and the command that reproduces it.
"""

from __future__ import annotations

import math
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reglab.analysis import Stat
from reglab.analysis.summary import align_table
from reglab.outputs.directory import write_result
from reglab.outputs.report.command import data_words, option_text, seed_words, shell_line
from reglab.outputs.report.page import figures_section, footer, page, take_away
from reglab.outputs.results_json import results_document, strict_json
from reglab.store import ExperimentRecord, now
from reglab.sweeps.figures import SWEEP_FIGURES

if TYPE_CHECKING:  # annotations only: the result class imports these modules to display itself
    from reglab.sweeps.result import SweepResult

RULE = ("one-standard-error rule: the strongest regularization whose mean validation loss (over seeds) is at most "
        "the lowest mean validation loss plus its standard error (std / sqrt(seeds))")
STAT_KEYS = ("train_loss", "val_loss", "test_loss", "train_acc", "val_acc", "test_acc", "train_r2", "val_r2", "test_r2",
             "generalization_gap", "exact_zero_fraction", "near_zero_fraction", "weight_l2", "best_epoch", "stopped_epoch")

def write_outputs(result: SweepResult, out: Path) -> SweepResult:
    """Write the figures, ``results.json`` and ``report.html`` into ``out``; fill the paths in ``result``."""
    created = now()
    document = results_document(result.dataset, result.runs, seeds=result.seeds, epochs=result.epochs, created=created)
    document["sweep"] = strict_json(sweep_section(result))
    return write_result(result, out, SWEEP_FIGURES, document, lambda: render_report(result, created))


# -- results.json ---------------------------------------------------------------------------


def _jsonable(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


def _point_ref(result: SweepResult, index: int) -> dict[str, Any]:
    point = result.points[index]
    return {"index": index, "label": point.label,
            "values": {p.name: _jsonable(v) for p, v in zip(result.params, point.values)}}


def sweep_section(result: SweepResult) -> dict[str, Any]:
    """The ``"sweep"`` part of ``results.json`` (see the module docstring)."""
    points = [
        {
            "label": p.label,
            "values": {spec.name: _jsonable(v) for spec, v in zip(result.params, p.values)},
            "region": p.region,
            "val_loss_se": p.val_loss_se,
            "stats": {k: {"mean": s.mean, "std": s.std, "n": s.n} for k, s in p.stats.items() if k in STAT_KEYS},
        }
        for p in result.points
    ]
    section: dict[str, Any] = {
        "params": [{"name": p.name, "stronger": p.stronger, "values": [_jsonable(v) for v in values]}
                   for p, values in zip(result.params, result.values)],
        "base": result.base.settings(),
        "rule": RULE,
        "threshold": result.threshold,
        "best": _point_ref(result, result.best),
        "chosen": _point_ref(result, result.chosen),
        "points": points,
        "path": None,
        "selection": None,
    }
    if result.path is not None:
        section["path"] = {
            "feature_norms": result.path.norms.tolist(),
            "first_layer_zero_fraction": result.path.zero_fraction.tolist(),
            "kept": [[list(k) for k in point] for point in result.path.kept],
        }
        chosen = result.selection() or {}
        section["selection"] = {
            "kept": list(chosen.get("kept", ())),
            "kept_per_seed": [list(k) for k in chosen.get("kept_per_seed", [])],
            "informative": list(chosen["informative"]) if "informative" in chosen else None,
            "precision": {"mean": chosen["precision"].mean, "std": chosen["precision"].std} if "precision" in chosen else None,
            "recall": {"mean": chosen["recall"].mean, "std": chosen["recall"].std} if "recall" in chosen else None,
        }
    return section


# -- report.html -----------------------------------------------------------------------------


def render_report(result: SweepResult, created: str = "") -> str:
    """The whole page as a string (every piece of user text escaped)."""
    ds = result.dataset
    params = " × ".join(p.name for p in result.params)
    title = f"reglab sweep: {params} on {Path(ds.name).name}"
    points = len(result.points)
    subtitle = (f"{points} grid points × {len(result.seeds)} seed{'s' * (len(result.seeds) != 1)} · "
                f"{result.base.epochs} epochs · base {result.base.short_form() or 'defaults'} · mean ± std over seeds")
    sections = [_choice_section(result), _dataset_section(result), _table_section(result),
                _selection_section(result), figures_section(result.figures), _reproduce_section(result)]
    links = [("choice", "Choice"), ("dataset", "Data set"), ("table", "Table")]
    links += [("selection", "Feature selection")] if result.path is not None else []
    links += [("figures", "Figures"), ("reproduce", "Reproduce")]
    return page(title, subtitle, links, "".join(sections), footer(created, "and the sweep's analysis"))


def _choice_section(result: SweepResult) -> str:
    chosen, best = result.chosen_point, result.best_point
    what = ", ".join(f"{p.name} = {p.text(v)}" for p, v in zip(result.params, chosen.values))
    over = [p.label for p in result.points if p.region == "overfitting"]
    under = [p.label for p in result.points if p.region == "underfitting"]
    lines = [
        f"<p><strong>Chosen: {escape(what)}</strong>, validation loss {chosen.mean('val_loss'):.4f} ± "
        f"{chosen.std('val_loss'):.4f}.</p>",
        f"<p>The lowest mean validation loss is {best.mean('val_loss'):.4f} at {escape(best.label)} (standard error "
        f"{best.val_loss_se:.4f}); the choice is {escape(RULE[len('one-standard-error rule: '):])}, "
        f"i.e. at most {result.threshold:.4f}.</p>",
    ]
    if over:
        lines.append(f"<p>Overfitting side (too weak): {escape(', '.join(over))}.</p>")
    if under:
        lines.append(f"<p>Underfitting side (too strong): {escape(', '.join(under))}.</p>")
    return f'<section id="choice"><h2>Choice</h2><div class="card verdict good-fit">{"".join(lines)}</div></section>'


def _dataset_section(result: SweepResult) -> str:
    return (f'<section id="dataset"><h2>Data set</h2><div class="card"><p>{escape(result.dataset.describe())}</p>'
            f'<p class="note">Options: {escape(_options_text(result))}</p></div></section>')


def _options_text(result: SweepResult) -> str:
    return ", ".join(f"{k}={option_text(v)}" for k, v in result.dataset.options.items())


def table_rows(result: SweepResult) -> list[list[str]]:
    """The per-point table as strings: a header row, then one row per grid point (weak → strong).

    ``★`` marks the lowest validation loss and ``✔`` the one-SE choice; cells are ``mean ± std`` over seeds.
    """
    score = "r2" if result.dataset.task == "regression" else "acc"
    name = "R²" if score == "r2" else "acc"
    rows = [[*(p.name for p in result.params), "", "region", "train loss", "val loss", "SE", f"train {name}",
             f"val {name}", "gap", "zeros"]]
    missing = Stat(math.nan, math.nan, 0)
    for p in result.points:
        mark = ("★" if p.index == result.best else "") + ("✔" if p.index == result.chosen else "")
        stat = lambda key: p.stats.get(key, missing)  # noqa: E731
        rows.append([
            *(spec.text(v) for spec, v in zip(result.params, p.values)), mark, p.region or "—",
            stat("train_loss").format(".3f"), stat("val_loss").format(".3f"), f"{p.val_loss_se:.3f}",
            stat(f"train_{score}").format(".3f"), stat(f"val_{score}").format(".3f"),
            stat("generalization_gap").format(".3f"), stat("exact_zero_fraction").format(".1%"),
        ])
    return rows


def format_table(result: SweepResult) -> str:
    """:func:`table_rows` aligned for a terminal."""
    return align_table(table_rows(result), left_columns=len(result.params) + 2)


def _table_section(result: SweepResult) -> str:
    rows = table_rows(result)
    head = "".join(f'<th scope="col">{escape(h)}</th>' for h in rows[0])
    body = "".join("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>" for row in rows[1:])
    return (f'<section id="table"><h2>Table</h2><div class="scroll"><table><thead><tr>{head}</tr></thead>'
            f'<tbody>{body}</tbody></table></div><p class="note">One row per grid point, from the weakest '
            "to the strongest regularization; mean ± std over seeds; ★ lowest mean validation loss; ✔ the one-SE "
            "choice; SE = standard error of the mean validation loss; gap = validation − training loss; "
            "zeros = exactly-zero weights.</p></section>")


def _selection_section(result: SweepResult) -> str:
    selection = result.selection()
    if selection is None:
        return ""
    names = result.dataset.feature_names
    kept = ", ".join(names[i] for i in selection["kept"]) or "none"
    lines = [f"<p>At the chosen λ, {len(selection['kept'])} of {result.dataset.n_features} input features are kept "
             f"by at least half of the seeds: {escape(kept)}.</p>"]
    if "precision" in selection:
        informative = ", ".join(names[i] for i in selection["informative"])
        lines.append(
            f"<p>The informative features are {escape(informative)}. Precision {selection['precision'].format('.2f')}, "
            f"recall {selection['recall'].format('.2f')} (mean ± std over seeds).</p>")
    lines.append('<p class="note">A feature is kept when the L2 norm of its outgoing first-layer weights is at least '
                 "0.25 × the largest feature norm and at least 0.01 (docs/sweep.md).</p>")
    return f'<section id="selection"><h2>Feature selection</h2><div class="card">{"".join(lines)}</div></section>'


def command_line(result: SweepResult) -> str:
    """``reglab sweep ...`` reproducing ``result`` into its output directory, shell-quoted."""
    ds = result.dataset
    record = ExperimentRecord(dataset=ds.name, options=dict(ds.options), variants=(), specs=(), seeds=result.seeds)
    words = data_words("sweep", record)
    for spec, values in zip(result.params, result.values):
        words += ["--param", spec.name, "--values", ",".join(_exact(spec, v) for v in values)]
    if result.base.short_form():
        words += ["--base", result.base.short_form()]
    words += seed_words(result.seeds)
    words += ["--out", str(result.out_dir or "reglab-sweep")]
    return shell_line(words)


def _exact(spec: Any, value: Any) -> str:
    return format(value, ".12g") if spec.kind == "float" else spec.text(value)


def _reproduce_section(result: SweepResult) -> str:
    note = "" if list(result.seeds) == list(range(len(result.seeds))) else (
        f"<p class=\"note\">Seeds {escape(str(list(result.seeds)))}: pass them as seeds=[...] from Python.</p>")
    return (f'<section id="reproduce"><h2>Reproduce</h2><p>From a shell (runs already in the directory\'s runs.sqlite '
            f"are not retrained):</p><pre>{escape(command_line(result))}</pre>{note}"
            f"{take_away(result.out_dir or 'reglab-sweep', result.chosen_point.label)}</section>")
