"""Golden transcripts: every console script in examples/, played, pinned byte for byte."""
