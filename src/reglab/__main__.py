"""``python -m reglab``: the same as the ``reglab`` command."""

from reglab.cli import main

main()
