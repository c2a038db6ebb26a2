"""``--cluster tcp://host:port``: a Dask cluster's executor for compare, sweep and tune (``pip install reglab[dask]``).

Training goes to :func:`reglab.train` with ``executor=client.get_executor()``:
every batched group is one Dask task, trained by a worker that has reglab
installed, with exactly the numbers it would have here.  A tune's pruning
callback travels with its group and runs in the worker (it needs no access
to the study's storage, :mod:`reglab.tune.pruning`).  When a worker dies
mid-batch, Dask runs its task again on another worker (its
``distributed.scheduler.allowed-failures``, 3 by default), so the batch
completes with the same numbers.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace

from reglab.errors import ReglabError
from reglab.parallel import Compute

CONNECT_TIMEOUT_S = 10
SCHEMES = ("tcp://", "tls://", "inproc://", "ws://", "wss://", "ucx://")


@contextmanager
def connect(address: str | None, compute: Compute) -> Iterator[Compute]:
    """``compute`` with the cluster's executor when ``address`` is given (the client closed afterwards), else as is.

    Raises:
        ReglabError: Dask is not installed, the address is malformed, or no scheduler answers there.
    """
    if address is None:
        yield compute
        return
    if not address.startswith(SCHEMES):
        raise ReglabError(f"Invalid value for `--cluster`: expected a Dask scheduler address such as tcp://127.0.0.1:8786. "
                          f"Received: {address!r}")
    try:
        from distributed import Client
    except ImportError:
        raise ReglabError("--cluster needs Dask: pip install 'reglab[dask]'.") from None
    try:
        client = Client(address, timeout=CONNECT_TIMEOUT_S, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as error:
        reason = " ".join(str(error).split())
        raise ReglabError(f"Cannot reach the Dask scheduler at {address} (--cluster): {reason}") from None
    try:
        yield replace(compute, executor=client.get_executor())
    finally:
        client.close()
