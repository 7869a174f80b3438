"""`rapport backup FILE`: a consistent copy of the SQLite database while the bot runs.

SQLite's online backup API copies the database in one step, inside one read transaction:
the copy holds exactly what was committed when it began, and in WAL mode the bot's writes
go on meanwhile. The copy is created owner-only and never over an existing file, and is
left as one self-contained file (rollback journal, no -wal beside it).
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from pathlib import Path


class BackupError(Exception):
    """One line a person can act on."""


def backup(database: str, target: str) -> int:
    """Copy `database` to `target` (a new file); returns the pages copied."""
    source = Path(database)
    if database == ":memory:" or not source.is_file():
        raise BackupError(f"there is no database file at {database} to back up")
    try:
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise BackupError(f"{target} already exists: a backup never overwrites a file") from None
    except OSError as e:
        raise BackupError(f"cannot create {target}: {e.strerror}") from None
    try:
        os.fchmod(fd, 0o600)
    finally:
        os.close(fd)
    try:
        # mode=rw: never create an empty database where the real one was expected
        src = sqlite3.connect(f"{source.resolve().as_uri()}?mode=rw", uri=True)
        with contextlib.closing(src), contextlib.closing(sqlite3.connect(target)) as dst:
            src.execute("PRAGMA busy_timeout = 10000")
            src.backup(dst)  # pages=-1: all of it in one step, one consistent snapshot
            dst.execute("PRAGMA journal_mode = DELETE")
            if (problem := dst.execute("PRAGMA quick_check").fetchone()[0]) != "ok":
                raise BackupError(f"the copy failed its check ({problem}); {target} removed")
            pages = int(dst.execute("PRAGMA page_count").fetchone()[0])
    except BaseException as e:
        for leftover in (target, f"{target}-journal", f"{target}-wal", f"{target}-shm"):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(leftover)
        if isinstance(e, sqlite3.Error):
            raise BackupError(f"cannot back up {database}: {e}") from None
        raise
    return pages
