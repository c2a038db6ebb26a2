"""Analysis of trained runs: summaries over seeds, the comparison table, verdicts.

    from reglab.analysis import summarize, format_table, diagnose_all
    print(format_table(summarize(runs), ds.task))
    for verdict in diagnose_all(runs, dataset=ds):
        print(verdict.label, verdict.summary)

See ``docs/analysis.md`` for the table columns and the verdict rules.
"""

from reglab.analysis.curves import chance_loss, mean_curve, stack_curves
from reglab.analysis.recommend import Recommendation, recommend
from reglab.analysis.summary import (
    Column,
    Stat,
    VariantSummary,
    format_table,
    group_by_variant,
    summarize,
    table_columns,
    table_rows,
)
from reglab.analysis.verdicts import (
    GAP_RATIO,
    KINDS,
    MIN_GAP,
    OVERFIT_RISE,
    TRAIN_FALL,
    UNDERFIT_CHANCE,
    UNDERFIT_MIN_EXCESS,
    UNDERFIT_REFERENCE,
    UNSTABLE_RATIO,
    Verdict,
    diagnose,
    diagnose_all,
    diagnose_curves,
)

__all__ = [
    "GAP_RATIO", "KINDS", "MIN_GAP", "OVERFIT_RISE", "TRAIN_FALL", "UNDERFIT_CHANCE", "UNDERFIT_MIN_EXCESS",
    "UNDERFIT_REFERENCE", "UNSTABLE_RATIO", "Column", "Recommendation", "Stat", "VariantSummary", "Verdict", "chance_loss", "diagnose", "diagnose_all",
    "diagnose_curves", "format_table", "group_by_variant", "mean_curve", "recommend", "stack_curves", "summarize",
    "table_columns", "table_rows",
]
