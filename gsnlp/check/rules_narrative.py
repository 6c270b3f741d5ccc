"""NT: the narrative against the tables (filled below)."""
