"""Figures of a comparison (matplotlib, Agg canvas, no pyplot state).

    from reglab.figures import save_figures
    for figure in save_figures(runs, ds, "out/"):
        print(figure.title, figure.path)

Every function returns a :class:`matplotlib.figure.Figure` and takes an
optional ``colors`` mapping (label → colour, from :func:`variant_colors`) so
a variant keeps one colour across figures.  See ``docs/analysis.md``.
"""

from reglab.figures._style import variant_colors
from reglab.figures.boundaries import plot_decision_boundaries
from reglab.figures.curves import plot_loss_curves
from reglab.figures.dataset import plot_dataset
from reglab.figures.gap import plot_generalization_gap
from reglab.figures.save import COMPARE_FIGURES, save_figures
from reglab.figures.sparsity import plot_sparsity
from reglab.figures.weights import plot_weight_distributions
from reglab.outputs.figures import DPI, FigureFile, FigureSpec

__all__ = [
    "COMPARE_FIGURES", "DPI", "FigureFile", "FigureSpec", "plot_dataset", "plot_decision_boundaries", "plot_generalization_gap",
    "plot_loss_curves", "plot_sparsity", "plot_weight_distributions", "save_figures", "variant_colors",
]
