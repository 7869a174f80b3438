"""The console adapter: runs the whole bot from a terminal or a script, no tokens needed."""
