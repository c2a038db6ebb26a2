"""``python -m reglab``: the same as the ``reglab`` command."""

from reglab._console import main

if __name__ == "__main__":  # worker processes (--jobs) import the main module again
    main()
