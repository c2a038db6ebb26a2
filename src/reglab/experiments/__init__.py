"""Kinds of experiment: ``compare`` and ``sweep``, one seam, one dispatch.

    import reglab
    from reglab.experiments import KINDS, read_experiment, rebuild_report, chosen_run
    reglab.compare("moons", ["baseline", "l1=1e-3"], out_dir="reglab-out")     # the compare kind's function
    rebuild_report("reglab-out")                   # whatever kind made it

* :mod:`~reglab.experiments.kinds`: the :class:`ExperimentKind` protocol and :class:`StoredExperiment`.
* :mod:`~reglab.experiments.stored`: store-aware training (:func:`train_stored`), shared by the kinds.
* :mod:`~reglab.experiments.compare`, :mod:`~reglab.experiments.sweep`: the two kinds (their functions
  are :func:`reglab.compare` and :func:`reglab.sweep`; this package leaves the names to the modules).
* :mod:`~reglab.experiments.registry`: :data:`KINDS`, the one list of kinds.
* :mod:`~reglab.experiments.reading`: an output directory read back, reported again, its pick.

Adding a kind (``tune``, ``lessons``): write ``experiments/tune.py`` with

1. its function (``tune(dataset, ..., out_dir=...)``): build an
   :class:`~reglab.store.ExperimentRecord` with ``kind="tune"`` (what it asked
   for goes in the record's fields, or a new optional field of the record),
   train with :func:`~reglab.experiments.stored.train_stored` (resume and
   Ctrl-C come with it), analyse into its result object, then ``TUNE.write``;
2. its kind object ``TUNE`` with ``name``, ``noun``, ``result_type``,
   ``variants(record)``, ``from_stored(stored, say)``, ``write(result, out)``
   (usually :func:`reglab.outputs.directory.write_directory` with its figure
   list, its ``results.json`` document and its page built from
   :mod:`reglab.outputs.report.page`), ``summary_lines(result)`` and
   ``pick(stored)``;

and add ``TUNE`` to the tuple in :mod:`~reglab.experiments.registry`.
``reglab report``, ``reglab export``, :func:`read_experiment` and
:func:`rebuild_report` then serve it with no other change; its command is one
module in :mod:`reglab.cli` (see there).  A kind module imports
:mod:`~reglab.experiments.kinds` and :mod:`~reglab.experiments.stored`,
never the registry, so there is no import cycle.
"""

from reglab.errors import CompareInterrupted
from reglab.experiments.compare import COMPARE, CompareResult
from reglab.experiments.kinds import ExperimentKind, StoredExperiment
from reglab.experiments.reading import chosen_run, read_experiment, rebuild_report
from reglab.experiments.registry import KINDS, kind_of
from reglab.experiments.stored import train_stored
from reglab.experiments.sweep import SWEEP

__all__ = [
    "COMPARE", "KINDS", "SWEEP", "CompareInterrupted", "CompareResult", "ExperimentKind", "StoredExperiment",
    "chosen_run", "kind_of", "read_experiment", "rebuild_report", "train_stored",
]
