"""What an experiment leaves in its output directory, shared by every kind of experiment.

* :mod:`reglab.outputs.files`: the directory and atomic writes (a temporary file, then a rename).
* :mod:`reglab.outputs.figures`: the figure registry (:class:`~reglab.outputs.figures.FigureSpec`:
  each figure's title and caption beside its drawing) and the PNG writer.
* :mod:`reglab.outputs.results_json`: ``results.json`` (schema ``reglab.results/1``).
* :mod:`reglab.outputs.report`: ``report.html``: the page shell and the sections every kind shares
  (:mod:`~reglab.outputs.report.page`), the reproduce command (:mod:`~reglab.outputs.report.command`)
  and the compare page (:mod:`~reglab.outputs.report.html`).
* :mod:`reglab.outputs.directory`: all three written together (:func:`~reglab.outputs.directory.write_directory`).
"""
