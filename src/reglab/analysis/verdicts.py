"""Verdicts: is a variant overfitting, underfitting, a good fit, or did it diverge?

The rules read the per-epoch training and validation losses (data loss of the
whole split in evaluation mode, penalty excluded), averaged over seeds.  They
look at the *kept* epoch ``k``: the last epoch trained, or, when early stopping
restored the best weights, the epoch whose weights were restored (the median
over seeds of ``Run.metrics["best_epoch"]``, early stopping's own best epoch).  ``m`` is the
epoch of the lowest validation loss up to ``k``.  They are applied in this order;
the first that matches gives the kind:

1. **diverged**: a loss became NaN or infinite (``metrics["diverged"]`` of
   any seed, or a non-finite value in the curves).
2. **unstable**: at some epoch a loss exceeded ``UNSTABLE_RATIO`` (100) times
   the chance loss (below): the steps blew the weights up (a learning rate far
   too large), which is not underfitting even if the loss ends high.
3. **underfits**: both losses stay high at epoch ``k``, by either test:

   * both exceed ``UNDERFIT_CHANCE`` (80 %) of the *chance loss*, the loss of
     the best constant prediction (``log 2`` for balanced binary data,
     ``log C`` for C balanced classes, the target variance — 1.0 once
     standardized — for regression): the model learned little from the inputs;
   * both exceed ``UNDERFIT_REFERENCE`` (1.5) times ``reference_loss`` and
     exceed it by more than ``UNDERFIT_MIN_EXCESS`` (0.05).  ``reference_loss``
     is the lowest validation loss reached by any variant compared
     (:func:`diagnose_all` sets it when there are at least two variants): a model
     whose *training* loss is well above what another model achieves on
     *unseen* data is not even fitting the learnable signal.

4. **overfits**, by either test:

   * the validation loss at ``k`` is more than ``OVERFIT_RISE`` (10 %) above its
     minimum at ``m`` while the training loss fell by more than ``TRAIN_FALL``
     (5 %) over the same epochs;
   * a large generalization gap: the validation loss is more than
     ``GAP_RATIO`` (2) times the training loss *and* exceeds it by more than
     ``MIN_GAP`` (0.10).

5. **good fit** otherwise.

All comparisons are strict ("more than").  Early stopping is reported as a
note: where it ended training, which weights it kept, and what it prevented
(the rise of the validation loss it had already seen, and, in
:func:`diagnose_all`, what the same settings without early stopping did).

Example::

    for verdict in diagnose_all(runs):
        print(verdict.summary)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from reglab.analysis.curves import chance_loss as _chance_loss
from reglab.analysis.curves import mean_curve, restored_epochs
from reglab.analysis.summary import group_by_variant
from reglab.errors import ReglabError
from reglab.run import Run

if TYPE_CHECKING:
    from reglab.data import Dataset

OVERFIT_RISE = 0.10
"""Overfitting: the validation loss ends more than 10 % above its minimum..."""
TRAIN_FALL = 0.05
"""...while the training loss fell by more than 5 % since that minimum."""
GAP_RATIO = 2.0
"""Overfitting: the validation loss is more than twice the training loss..."""
MIN_GAP = 0.10
"""...and more than 0.10 above it (small losses on easy data are not a gap)."""
UNDERFIT_CHANCE = 0.80
"""Underfitting: both losses above 80 % of the loss of a constant prediction."""
UNDERFIT_REFERENCE = 1.5
"""Underfitting: both losses above 1.5 × the best validation loss of the variants compared..."""
UNDERFIT_MIN_EXCESS = 0.05
"""...and more than 0.05 above it."""

UNSTABLE_RATIO = 100.0
"""Unstable: a loss above 100 × the loss of a constant prediction, at any epoch."""

KINDS = ("overfits", "underfits", "good fit", "diverged", "unstable")
_EARLY_STOPPING_KEYS = ("early_stopping", "min_delta", "monitor", "restore_best")


@dataclass(frozen=True)
class Verdict:
    """The diagnosis of one variant: its ``kind`` (one of :data:`KINDS`), a plain-English
    ``summary`` with the numbers behind it, and those numbers in ``evidence``."""

    label: str
    kind: str
    summary: str
    evidence: dict[str, float] = field(default_factory=dict)


def diagnose_curves(
    label: str,
    train_loss: Sequence[float],
    val_loss: Sequence[float],
    *,
    reference_loss: float | None = None,
    chance_loss: float | None = None,
    epochs: int | None = None,
    kept_epoch: int | None = None,
    diverged: bool = False,
    stopped_epochs: tuple[int, int] | None = None,
    kept_epochs: tuple[int, int] | None = None,
) -> Verdict:
    """Apply the rules of this module to one pair of loss curves (one value per epoch).

    Args:
        label: the variant's label, copied into the verdict.
        train_loss, val_loss: per-epoch losses (epoch 1 first); if their
            lengths differ, the common prefix is used.
        reference_loss: the best validation loss of the variants compared
            (the underfitting reference); ``None`` skips that test.
        chance_loss: the loss of a constant prediction for the task; ``None``
            skips that test.
        epochs: the planned number of epochs; curves shorter than this mean
            early stopping ended training (noted in the summary).
        kept_epoch: the epoch (from 1) whose weights were kept, when early
            stopping restored its best weights; ``None`` = the last epoch.
        diverged: force the ``"diverged"`` kind (a non-finite loss in the
            curves has the same effect).
        stopped_epochs: ``(first, last)`` stop epoch over seeds, for the text only.
        kept_epochs: ``(first, last)`` restored epoch over seeds, for the text only.
    """
    train = np.asarray(train_loss, dtype=float)
    val = np.asarray(val_loss, dtype=float)
    n = min(len(train), len(val))
    if n == 0:
        raise ReglabError(f"Cannot diagnose '{label}': its loss curves are empty (no epoch trained).")
    train, val = train[:n], val[:n]
    bad = ~(np.isfinite(train) & np.isfinite(val))
    if diverged or bad.any():
        return _diverged_verdict(label, int(np.argmax(bad)) + 1 if bad.any() else None, n)

    k = n - 1 if kept_epoch is None else min(max(int(kept_epoch), 1), n) - 1
    m = int(np.argmin(val[: k + 1]))
    t_k, v_k, t_m, v_m = train[k], val[k], train[m], val[m]
    rise = _relative_change(v_k, v_m)
    fall = -_relative_change(t_k, t_m)
    gap = v_k - t_k
    ratio = v_k / t_k if t_k > 0 else (math.inf if v_k > 0 else 1.0)
    evidence = {
        "train_loss": float(t_k), "val_loss": float(v_k), "min_val_loss": float(v_m),
        "min_val_epoch": float(m + 1), "val_rise": float(rise), "train_fall": float(fall),
        "gap": float(gap), "gap_ratio": float(ratio), "epochs_run": float(n), "kept_epoch": float(k + 1),
    }
    if chance_loss is not None:
        evidence["chance_loss"] = float(chance_loss)
    if reference_loss is not None:
        evidence["reference_loss"] = float(reference_loss)
    if epochs is not None:
        evidence["planned_epochs"] = float(epochs)
        evidence["stopped_early"] = float(n < epochs)

    at = f"at epoch {k + 1}"
    peak_epoch = int(np.argmax(np.maximum(train, val)))
    peak = float(max(train[peak_epoch], val[peak_epoch]))
    if chance_loss is not None and peak > UNSTABLE_RATIO * chance_loss:
        kind = "unstable"
        which = "training" if train[peak_epoch] >= val[peak_epoch] else "validation"
        text = (f"unstable: its {which} loss reached {_num(peak)} at epoch {peak_epoch + 1}, {_times(peak / chance_loss)} "
                f"the loss of a constant prediction ({_num(chance_loss)}): the steps blow the weights up. "
                f"Lower the learning rate (it ends at training {_num(t_k)}, validation {_num(v_k)}).")
    elif chance_loss is not None and min(t_k, v_k) > UNDERFIT_CHANCE * chance_loss:
        kind = "underfits"
        text = (f"underfits: {at} its training loss ({_num(t_k)}) and validation loss ({_num(v_k)}) are "
                f"{_times(t_k / chance_loss)} and {_times(v_k / chance_loss)} the loss of a constant prediction "
                f"({_num(chance_loss)}): the model has learned little from the inputs.")
    elif reference_loss is not None and min(t_k, v_k) > UNDERFIT_REFERENCE * reference_loss \
            and min(t_k, v_k) - reference_loss > UNDERFIT_MIN_EXCESS:
        kind = "underfits"
        text = (f"underfits: both losses stay high: {at} training {_num(t_k)} and validation {_num(v_k)}, "
                f"{_times(t_k / reference_loss)} and {_times(v_k / reference_loss)} the best validation loss of the "
                f"variants compared ({_num(reference_loss)}).")
    elif rise > OVERFIT_RISE and fall > TRAIN_FALL:
        kind = "overfits"
        text = (f"overfits: its validation loss rose {_pct(rise)} from its minimum at epoch {m + 1} "
                f"({_num(v_m)}) to {_num(v_k)} {at} while the training loss kept falling "
                f"({_num(t_m)} → {_num(t_k)}).")
        if ratio > GAP_RATIO and gap > MIN_GAP:
            text += f" The validation loss ends {_times(ratio)} the training loss."
    elif ratio > GAP_RATIO and gap > MIN_GAP:
        kind = "overfits"
        text = (f"overfits: {at} its validation loss ({_num(v_k)}) is {_times(ratio)} its training loss "
                f"({_num(t_k)}), a generalization gap of {_num(gap)}.")
    else:
        kind = "good fit"
        where = "its minimum" if k == m else f"{_pct(rise)} above its minimum of {_num(v_m)} at epoch {m + 1}"
        text = (f"good fit: {at} its validation loss is {_num(v_k)} ({where}) and its training loss "
                f"{_num(t_k)}: no sign of overfitting or underfitting.")
    note = _early_stopping_note(train, val, epochs, kept_epoch, stopped_epochs, kept_epochs)
    return Verdict(label, kind, text + (" " + note if note else ""), evidence)


def diagnose(
    runs_of_one_variant: Sequence[Run],
    *,
    reference: float | None = None,
    chance_loss: float | None = None,
) -> Verdict:
    """The verdict of one variant from its runs, curves averaged over seeds.

    Only the epochs every seed reached are averaged (early stopping gives
    histories of different lengths).  Any diverged seed makes the verdict
    ``"diverged"``.  ``reference`` is the ``reference_loss`` of
    :func:`diagnose_curves`; ``chance_loss`` defaults to the chance loss of
    the task with balanced classes (see :func:`reglab.analysis.chance_loss`).
    """
    runs = list(runs_of_one_variant)
    if not runs:
        raise ReglabError("Argument `runs_of_one_variant` is empty: give the runs of one variant.")
    labels = sorted({run.variant.label for run in runs})
    if len(labels) > 1:
        raise ReglabError(f"diagnose() takes the runs of ONE variant. Received runs of {len(labels)}: {', '.join(labels)}.")
    first = runs[0]
    label, variant = first.variant.label, first.variant
    broken = [run for run in runs if run.diverged]
    if broken:
        where = ", ".join(f"seed {run.seed} at epoch {len(run.history.get('train_loss', []))}" for run in broken)
        verdict = _diverged_verdict(label, None, None)
        summary = (f"diverged: {len(broken)} of {len(runs)} seeds produced a non-finite loss ({where}); "
                   f"lower the learning rate or the regularization strength.")
        return Verdict(label, "diverged", summary, {**verdict.evidence, "diverged_seeds": float(len(broken)),
                                                    "seeds": float(len(runs))})
    if chance_loss is None:
        chance_loss = _chance_loss(first.task, n_classes=first.arch.n_outputs)
    train, val = mean_curve(runs, "train_loss"), mean_curve(runs, "val_loss")
    kept = kept_range = None
    bests = restored_epochs(runs)
    if bests is not None and len(val):
        kept, kept_range = int(round(float(np.median(bests)))), (min(bests), max(bests))
    lengths = [len(run.history.get("val_loss", [])) for run in runs]
    return diagnose_curves(
        label, train, val, reference_loss=reference, chance_loss=chance_loss, epochs=variant.epochs,
        kept_epoch=kept, stopped_epochs=(min(lengths), max(lengths)), kept_epochs=kept_range,
    )


def diagnose_all(
    runs: Sequence[Run],
    *,
    chance_loss: float | None = None,
    dataset: Dataset | None = None,
) -> list[Verdict]:
    """One verdict per variant, in first-seen order.

    The underfitting reference is the lowest mean validation loss reached by
    any non-diverged variant (used only when two or more variants are
    compared).  The chance loss comes from ``chance_loss``, else from the
    class shares (or target variance) of ``dataset.y_train``, else from the task.
    An early-stopped variant whose settings match another variant except for
    early stopping gets a sentence on what that variant did without it.
    """
    groups = group_by_variant(runs)
    if not groups:
        raise ReglabError("Argument `runs` is empty: train at least one variant before diagnosing.")
    if chance_loss is None and dataset is not None:
        chance_loss = _chance_loss(dataset.task, dataset.y_train, max(dataset.n_classes, 2))
    reference = None
    if len(groups) > 1:
        minima = [np.nanmin(curve) for group in groups.values() if not any(r.diverged for r in group)
                  for curve in [mean_curve(group, "val_loss")] if np.isfinite(curve).any()]
        reference = float(min(minima)) if minima else None
    verdicts = {label: diagnose(group, reference=reference, chance_loss=chance_loss) for label, group in groups.items()}
    out = []
    for label, verdict in verdicts.items():
        variant = groups[label][0].variant
        twin = _without_early_stopping(variant, groups)
        if twin is not None and verdicts[twin].kind != "diverged":
            other = verdicts[twin].evidence
            verdict = Verdict(label, verdict.kind, verdict.summary + (
                f" Without early stopping, the same settings ('{twin}') {verdicts[twin].kind.replace('good fit', 'fit well')}"
                f" and ended at epoch {int(other['kept_epoch'])} with validation loss {_num(other['val_loss'])}, "
                f"{_pct(other['val_rise'])} above its minimum."), {**verdict.evidence, "twin_val_rise": other["val_rise"]})
        out.append(verdict)
    return out


# -- helpers ---------------------------------------------------------------------
def _diverged_verdict(label: str, epoch: int | None, n: int | None) -> Verdict:
    when = f" at epoch {epoch}" if epoch is not None else ""
    summary = (f"diverged: the loss became non-finite (NaN or infinite){when}; "
               f"lower the learning rate or the regularization strength.")
    evidence = {"diverged_epoch": float(epoch)} if epoch is not None else {}
    if n is not None:
        evidence["epochs_run"] = float(n)
    return Verdict(label, "diverged", summary, evidence)


def _early_stopping_note(
    train: np.ndarray, val: np.ndarray, epochs: int | None, kept_epoch: int | None,
    stopped_epochs: tuple[int, int] | None, kept_epochs: tuple[int, int] | None,
) -> str:
    n = len(val)
    kept_text = None
    if kept_epoch is not None:
        first, last = kept_epochs if kept_epochs is not None else (kept_epoch, kept_epoch)
        kept_text = f"epoch {first}" if first == last else f"its best epochs ({first}–{last} by seed)"
    if epochs is None or n >= epochs:
        if kept_epoch is not None and kept_epoch < n:
            return (f"Early stopping did not trigger within the {n} epochs; the weights of {kept_text} "
                    f"(early stopping's best epoch) were restored.")
        if kept_epoch is not None:
            return f"Early stopping did not trigger within the {n} epochs (the last epoch was the best)."
        return ""
    first, last = stopped_epochs if stopped_epochs is not None else (n, n)
    when = f"epoch {first}" if first == last else f"epochs {first}–{last} (by seed)"
    text = f"Early stopping ended training at {when} of {epochs}"
    text += f" and restored the weights of {kept_text}" if kept_text else ""
    ref = min(kept_epoch, n) - 1 if kept_epoch is not None else int(np.argmin(val))
    rise = _relative_change(val[-1], val[ref])
    fall = -_relative_change(train[-1], train[ref])
    skipped = epochs - n
    if rise > OVERFIT_RISE and fall > TRAIN_FALL:
        return text + (f"; by then the validation loss had risen {_pct(rise)} above its level at epoch {ref + 1} "
                       f"({_num(val[ref])}) while the training loss kept falling ({_num(train[ref])} → "
                       f"{_num(train[-1])}): it cut overfitting short, {skipped} epochs before the planned end.")
    side = "above" if rise >= 0 else "below"
    return text + (f"; the validation loss had stopped improving (at the stop it was {_pct(abs(rise))} {side} its "
                   f"level at epoch {ref + 1}), so {skipped} planned epochs of further fitting to the training set "
                   f"were skipped.")


def _without_early_stopping(variant, groups: dict[str, list[Run]]) -> str | None:
    """The label of a variant equal to ``variant`` except that it has no early stopping."""
    if variant.early_stopping is None:
        return None
    mine = {k: v for k, v in variant.settings().items() if k not in _EARLY_STOPPING_KEYS}
    for label, group in groups.items():
        other = group[0].variant
        if other.early_stopping is None and \
                {k: v for k, v in other.settings().items() if k not in _EARLY_STOPPING_KEYS} == mine:
            return label
    return None


def _relative_change(value: float, base: float) -> float:
    if base > 0:
        return float(value / base - 1.0)
    return 0.0 if value <= base else math.inf


def _num(x: float) -> str:
    """A loss as people read it: 3 significant digits."""
    return f"{x:.3g}"


def _times(x: float) -> str:
    """A ratio: ``2.4×``; 3 significant digits past 10."""
    return f"{x:.1f}×" if x < 10 else f"{x:.3g}×"


def _pct(x: float) -> str:
    """A share as a percentage: one decimal below 20 %, none above."""
    if not math.isfinite(x):
        return "∞%"
    return f"{x:.1%}" if abs(x) < 0.2 else f"{x:.0%}"
