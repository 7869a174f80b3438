"""Persistence: the aiosqlite repository and its numbered SQL migrations."""
