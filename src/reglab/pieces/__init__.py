"""What the engine and the pieces agree on: :mod:`reglab.pieces.interface` (it imports neither)."""
