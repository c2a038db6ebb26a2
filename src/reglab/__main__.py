"""``python -m reglab``: the same as the ``reglab`` command."""

from reglab.cli import main

if __name__ == "__main__":  # worker processes (--jobs) import the main module again
    main()
