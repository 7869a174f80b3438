"""Persistence: the SQLite and PostgreSQL repositories and their numbered SQL migrations."""
