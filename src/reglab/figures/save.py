"""Writing every figure of a comparison as PNG files, in reading order."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from matplotlib.figure import Figure

from reglab.errors import ReglabError
from reglab.figures._style import DPI, check_runs, variant_colors
from reglab.figures.boundaries import plot_decision_boundaries
from reglab.figures.curves import plot_loss_curves
from reglab.figures.dataset import plot_dataset
from reglab.figures.gap import plot_generalization_gap
from reglab.figures.sparsity import plot_sparsity
from reglab.figures.weights import plot_weight_distributions
from reglab.run import Run

if TYPE_CHECKING:
    from reglab.data import Dataset


@dataclass(frozen=True)
class FigureFile:
    """One saved figure: ``name`` (the file stem), a ``title``, the PNG ``path`` and a ``caption`` saying what to look for."""

    name: str
    title: str
    path: Path
    caption: str


CAPTIONS = {
    "dataset": ("The data set",
                "Training points (filled) and validation points (hollow), coloured by class, in standardized units."),
    "decision_boundaries": ("Decision boundaries",
                            "What each variant predicts over the plane (first seed), training points on top. "
                            "A boundary that winds around single points is memorizing noise; a smooth one generalizes."),
    "loss_curves": ("Loss curves",
                    "Training (dashed) and validation (solid) loss, mean over seeds with a min–max band; the dot marks "
                    "the best epoch. A validation curve that turns up while the training curve keeps falling is overfitting."),
    "weight_distributions": ("First-layer weight distributions",
                             "Box plots (symlog axis) and histograms of |w| (log axis) of the first-layer weights, all "
                             "seeds pooled. L1 pulls many weights towards zero; exact zeros (proximal L1) are hatched."),
    "sparsity": ("Sparsity and weight norms",
                 "Share of exactly-zero and near-zero weights, and the weight L2 norm, mean ± std over seeds "
                 "(dots: seeds). Penalties shrink the norm; L1 and its proximal form create zeros."),
    "generalization_gap": ("Generalization gap",
                           "Validation minus training loss of the final model, and the validation score with the "
                           "training score as a diamond. A large gap means the model fits the training set better "
                           "than unseen data."),
}


def save_figures(runs: Sequence[Run], dataset: Dataset, out_dir: Path | str) -> list[FigureFile]:
    """Draw every figure for ``runs`` on ``dataset`` and write them to ``out_dir`` as PNG.

    The order is the reading order of a report: the data set and the decision
    boundaries (2-D data only, skipped otherwise), the loss curves, the weight
    distributions, sparsity and norms, the generalization gap.  Colours are
    assigned once with :func:`variant_colors`, so a variant has one colour in
    every figure.  ``out_dir`` is created if needed.

    Raises:
        ReglabError: when ``runs`` is empty or ``out_dir`` cannot be written.
    """
    groups = check_runs(runs, "save_figures")
    out = Path(out_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ReglabError(f"Cannot create the figure folder {str(out)!r}: {error.strerror or error}.") from None
    colors = variant_colors(list(groups))
    makers: list[tuple[str, Callable[[], Figure]]] = []
    if dataset.is_2d:
        makers.append(("dataset", lambda: plot_dataset(dataset)))
        makers.append(("decision_boundaries", lambda: plot_decision_boundaries(runs, dataset, colors=colors)))
    makers += [
        ("loss_curves", lambda: plot_loss_curves(runs, colors=colors)),
        ("weight_distributions", lambda: plot_weight_distributions(runs, colors=colors)),
        ("sparsity", lambda: plot_sparsity(runs, colors=colors)),
        ("generalization_gap", lambda: plot_generalization_gap(runs, colors=colors)),
    ]
    files = []
    for name, make in makers:
        path = out / f"{name}.png"
        figure = make()
        try:
            figure.savefig(path, dpi=DPI, bbox_inches="tight", pad_inches=0.15)
        except OSError as error:
            raise ReglabError(f"Cannot write the figure {str(path)!r}: {error.strerror or error}.") from None
        title, caption = CAPTIONS[name]
        files.append(FigureFile(name, title, path, caption))
    return files
