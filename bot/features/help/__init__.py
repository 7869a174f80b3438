"""/rapport help: its command, its handler, its usage line."""
