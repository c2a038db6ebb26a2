"""What a job needs before it starts: memory (checked against what the machine has) and time.

Training allocates everything up front, so a job that cannot fit fails after
seconds of work with an allocator error.  :func:`training_estimate` adds up,
from the groups' shapes alone, what training will hold at its peak, and
:func:`check_fits` refuses a job whose estimate exceeds the memory available,
naming both figures.  :func:`reglab.train` calls them before it trains
anything; :func:`check_rows` does the same for a data set before it is
generated or read.

The estimate of one group of ``K`` models with ``P`` parameters each (bytes,
float32 = 4 bytes) is the sum of:

* **weights**: ``K × P × 4`` for the parameters, ``K × P × 4`` for their
  gradients and ``K × P × 4`` for the early-stopping snapshot;
* **optimizer**: ``2 × K × P × 4`` (Adam's two moments; SGD's momentum buffer
  counted the same);
* **minibatch order**: the epoch's training rows gathered per model,
  ``K × n_train × (d + 1) × 4``;
* **activations**: ``ACTIVATION_COPIES`` (4) copies of every hidden and output
  value of a minibatch, ``K × batch × (Σ widths) × 4 × 4``;
* **evaluation**: the chunked evaluation forward (``EVAL_CHUNK`` activations,
  see :mod:`reglab.engine.trainer`) and its outputs, ``K × (n_train + n_val +
  n_test) × outputs × 4 × 2``;
* **history**: ``HISTORY_FIGURES`` (12) per-epoch figures per model, once as
  tensors and once as Python floats (``PYTHON_FLOAT`` = 32 bytes each);
* **temporaries**: ``TEMPORARIES`` (1.2) times all the rest, for what the
  steps allocate and free again (measured, see :data:`TEMPORARIES`).

Groups in one process train one after the other, so the peak is the largest
group; with ``concurrent`` workers, the ``concurrent`` largest groups at once,
plus ``WORKER_BYTES`` per worker process (an imported torch).  Finished runs
stay in memory until the job ends: their weights as NumPy arrays and their
history (**results**).  The data sets are counted by :func:`data_bytes`:
``DATA_BYTES_PER_CELL`` (40) bytes per cell, for the generated float64 array,
its splits and their float32 copies.

The figures exist to refuse what cannot fit, not to predict to the megabyte.
:mod:`reglab.dry_run` adds the time, measured, for ``--dry-run``.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from reglab.errors import ReglabError

if TYPE_CHECKING:
    from reglab.engine.plan import Group

FLOAT = 4
"""Bytes of one float32, the engine's number."""
PYTHON_FLOAT = 32
"""Bytes of one Python float kept in a list (the object and its pointer)."""
ACTIVATION_COPIES = 4
"""Copies of each activation alive during a step: pre-activation, activation, mask, gradient."""
HISTORY_FIGURES = 12
"""Per-epoch figures recorded per model (losses, accuracies, penalty, weight statistics)."""
EVAL_CHUNK_BYTES = 3 * (1 << 20) * FLOAT
"""The evaluation forward's working set: about ``EVAL_CHUNK`` activations, three layers alive."""
WORKER_BYTES = 400 << 20
"""Memory of one worker process before it trains anything (Python, torch and reglab imported)."""
DATA_BYTES_PER_CELL = 40
"""Bytes per data cell while a data set is built: float64 generated and split, float32 splits and tensors."""
CSV_BYTES_PER_BYTE = 12
"""Bytes of memory per byte of a CSV file while it is parsed (text, cells as Python strings, arrays)."""
TEMPORARIES = 1.2
"""The steps' temporaries (backward pass, optimizer arithmetic, weight statistics, allocator slack), as a share
of everything else: measured peaks of four workloads were 1.1 to 2.1 times the held parts (2 000-model ensemble,
4 models of 1000x1000, 1 024 seed models, one model on 120 000 rows), so the total is 2.2 times them."""


def available_memory() -> int | None:
    """Bytes this process can still allocate: the machine's available memory, or a container's limit if lower.

    Reads ``MemAvailable`` from ``/proc/meminfo`` and the cgroup limit (v2
    ``memory.max`` minus ``memory.current``, or v1 ``memory.limit_in_bytes``
    minus ``memory.usage_in_bytes``); elsewhere ``sysconf`` available pages.
    ``None`` when none of these can be read.
    """
    figures = [value for value in (_meminfo_available(), _cgroup_room()) if value is not None]
    if not figures:
        try:
            figures.append(os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE"))
        except (ValueError, OSError, AttributeError):
            return None
    return min(figures)


def _meminfo_available() -> int | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


def _cgroup_room() -> int | None:
    for limit_file, usage_file in (
        ("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory.current"),
        ("/sys/fs/cgroup/memory/memory.limit_in_bytes", "/sys/fs/cgroup/memory/memory.usage_in_bytes"),
    ):
        try:
            limit = Path(limit_file).read_text().strip()
            usage = int(Path(usage_file).read_text().strip())
        except (OSError, ValueError):
            continue
        if limit.isdigit() and int(limit) < 1 << 60:  # "max" or a huge v1 number mean no limit
            return max(int(limit) - usage, 0)
    return None


def size_text(n_bytes: float) -> str:
    """``n_bytes`` for people: ``512 B``, ``3.2 MB``, ``41 GB``, ``8.0e+06 TB`` (powers of 1000)."""
    for unit in ("B", "kB", "MB", "GB"):
        if n_bytes < 1000:
            return f"{n_bytes:.2g} {unit}" if n_bytes < 10 and unit != "B" else f"{n_bytes:.0f} {unit}"
        n_bytes /= 1000
    return f"{n_bytes:.2g} TB" if n_bytes < 10 else f"{n_bytes:.0f} TB" if n_bytes < 1000 else f"{n_bytes:.1e} TB"


@dataclass(frozen=True)
class Estimate:
    """Bytes a job needs at its peak, by part (``parts``), and what it is (``what``)."""

    what: str
    parts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.parts.values())

    def describe(self) -> str:
        """``about 3.1 GB (weights 1.2 GB, optimizer 800 MB, ...)``: the parts over 1 % of the total."""
        shown = [f"{name} {size_text(n)}" for name, n in self.parts.items() if n >= 0.01 * self.total and n > 0]
        return f"about {size_text(self.total)}" + (f" ({', '.join(shown)})" if len(self.parts) > 1 else "")


MODEL_ADVICE = ("Use fewer or smaller models (seeds, variants, ensemble, hidden sizes), fewer epochs "
                "or a smaller --max-models.")


def check_fits(estimate: Estimate, available: int | None = None, advice: str = MODEL_ADVICE) -> None:
    """Refuse ``estimate`` when it exceeds ``available`` bytes (default: :func:`available_memory`).

    Raises:
        ReglabError: naming the estimate, its largest parts, the memory available and ``advice``.
    """
    room = available_memory() if available is None else available
    if room is not None and estimate.total > room:
        raise ReglabError(
            f"{estimate.what} needs {estimate.describe()} of memory, but only {size_text(room)} is available. {advice}"
        )


def data_bytes(rows: int, features: int) -> int:
    """Memory used while a data set of ``rows`` × ``features`` is built (see the module docstring)."""
    return int(rows) * (int(features) + 1) * DATA_BYTES_PER_CELL


def check_rows(rows: int, features: int, who: str) -> None:
    """Refuse to build a data set of ``rows`` × ``features`` that cannot fit in memory."""
    check_fits(Estimate(f"The data set {who} ({rows} rows × {features} features)", {"data": data_bytes(rows, features)}),
               advice="Generate fewer rows (--n-samples).")


def check_file(path: Path, who: str) -> None:
    """Refuse to parse a CSV file whose parsed cells cannot fit in memory."""
    size = path.stat().st_size
    check_fits(Estimate(f"Reading {who} ({size_text(size)})", {"parsing": size * CSV_BYTES_PER_BYTE}),
               advice="Use a sample of its rows.")


def parameters_per_model(group: Group) -> int:
    """Trained numbers of one model of ``group``: weights, biases, batch-norm scales, shifts and statistics."""
    arch = group.arch
    sizes = arch.sizes
    dense = sum((fan_in + 1) * fan_out for fan_in, fan_out in zip(sizes[:-1], sizes[1:]))
    norms = 4 * sum(arch.hidden) if arch.batchnorm else 0
    channels = (1, *arch.conv)
    conv = sum((c_in * 9 + 1) * c_out for c_in, c_out in zip(channels[:-1], channels[1:]))
    return dense + norms + conv


def _activations_per_row(group: Group) -> int:
    arch = group.arch
    values = sum(arch.sizes)
    if arch.conv and arch.image_shape is not None:
        height, width = arch.image_shape
        for block, filters in enumerate(arch.conv):
            values += filters * (height >> block) * (width >> block)
    return values


def group_parts(group: Group, rows: tuple[int, int, int], n_features: int) -> dict[str, int]:
    """Bytes of one group in training, by part; ``rows`` are the train, validation and test row counts."""
    models = len(group.runs) * group.members
    weights = models * parameters_per_model(group) * FLOAT
    n_train = rows[0]
    batch = n_train if group.batch_size == "full" else min(int(group.batch_size), n_train)
    history = models * group.epochs * HISTORY_FIGURES * (FLOAT + PYTHON_FLOAT)
    return {
        "weights": 3 * weights,
        "optimizer": 2 * weights,
        "minibatch order": models * n_train * (n_features + 1) * FLOAT,
        "activations": models * batch * _activations_per_row(group) * FLOAT * ACTIVATION_COPIES,
        "evaluation": EVAL_CHUNK_BYTES + models * sum(rows) * group.arch.n_outputs * FLOAT * 2,
        "history": history,
    }


def training_estimate(
    groups: Sequence[Group], rows: tuple[int, int, int], n_features: int, *, concurrent: int = 1
) -> Estimate:
    """The peak memory of training ``groups`` (``concurrent`` at a time), with the finished runs kept.

    ``concurrent`` > 1 means worker processes: each adds :data:`WORKER_BYTES`.
    """
    per_group = [group_parts(group, rows, n_features) for group in groups]
    heaviest = sorted(per_group, key=lambda parts: sum(parts.values()), reverse=True)[: max(1, concurrent)]
    parts: dict[str, int] = {}
    for group in heaviest:
        for name, value in group.items():
            parts[name] = parts.get(name, 0) + value
    results = 0
    for group in groups:
        models = len(group.runs) * group.members
        results += models * parameters_per_model(group) * FLOAT
        results += len(group.runs) * group.epochs * HISTORY_FIGURES * PYTHON_FLOAT
    parts["results"] = results
    workers = min(concurrent, len(groups))
    if workers > 1:
        parts["worker processes"] = workers * WORKER_BYTES
    parts["temporaries"] = int(TEMPORARIES * sum(parts.values()))
    models = sum(len(group.runs) * group.members for group in groups)
    return Estimate(f"Training {models} models in {len(groups)} group{'s' if len(groups) > 1 else ''}", parts)
