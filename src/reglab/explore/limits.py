"""The bounds on the work one ``reglab explore`` server accepts (any page of the browser can reach it).

A request beyond them is refused with a message that states the limit.
"""

MAX_MODELS = 256
"""Models trained at once by one page: variants × seeds × ensemble members."""
MAX_VARIANTS = 16
"""Variants side by side."""
MAX_SEEDS = 10
"""Seeds per variant."""
MAX_EPOCHS = 3000
"""Epochs of any variant."""
MAX_WIDTH = 512
"""Units of any hidden layer."""
MAX_ROWS = 20_000
"""Rows a synthetic data set may generate (``n_samples``)."""
MAX_CSV_ROWS = 100_000
"""Rows of the CSV file given on the command line."""
MIN_GRID, MAX_GRID = 8, 100
"""Points per side of the decision-boundary grid."""
MAX_JOBS = 4
"""Training jobs at once on one server (one per open page)."""
MAX_SNAPSHOTS = 300
"""Per-epoch snapshots (boundary grid and weight histogram) kept per variant for the epoch slider;
past it every other one is dropped, the first and the newest always kept."""
MAX_SETTINGS = 200
"""``key=value`` pairs in one set-up."""
MAX_BODY = 64 * 1024
"""Bytes of one request body."""
