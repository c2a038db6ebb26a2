"""`reglab lessons`: every claim of the seed course notes, tested, with the evidence."""
