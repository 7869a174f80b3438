"""Which database a setting names, what to call it in a message, and opening it safely.

`database` (or RAPPORT_DATABASE) is a SQLite file path or a `postgresql://` URL. Before the
repository writes anything, the database is checked: one newer than the code, one whose
tables do not match its schema version, a SQLite file that fails `quick_check`, a file that
is not a database, or one Rapport cannot write is refused with DatabaseRefused, one line
naming the problem and what to do, never a traceback.
"""

from __future__ import annotations

import os
import sqlite3
from contextlib import closing
from functools import cache
from typing import Any
from urllib.parse import quote, urlsplit

from bot.ports import DatabaseRefused
from storage import migrate as migrations

POSTGRES_SCHEMES = ("postgresql://", "postgres://")
RESTORE = "restore a backup"


def is_postgres(target: str) -> bool:
    return target.strip().lower().startswith(POSTGRES_SCHEMES)


def label(target: str) -> str:
    """The database as a message may name it: a URL without its password (or anything
    after the host but the database's name), a path as it is."""
    if not is_postgres(target):
        return target
    parts = urlsplit(target)
    user = f"{parts.username}@" if parts.username else ""
    port = f":{parts.port}" if parts.port else ""
    return f"postgresql://{user}{parts.hostname or ''}{port}{parts.path}"


async def open_repository(target: str, *, migrate: bool = True) -> Any:
    """The repository for `target`, checked and (unless `migrate` is False) migrated."""
    if is_postgres(target):
        return await _open_postgres(target, migrate)
    return await _open_sqlite(target, migrate)


# --- SQLite ----------------------------------------------------------------------------------
async def _open_sqlite(path: str, migrate: bool) -> Any:
    """(Opening a SQLite repository always migrates it: `migrate` is for PostgreSQL.)"""
    from storage.sqlite import SqliteRepository

    check_sqlite(path)
    try:
        return await SqliteRepository.open(path)
    except migrations.SchemaTooNew as e:
        raise DatabaseRefused(f"{path}: {e}") from None
    except (OSError, sqlite3.Error) as e:
        raise DatabaseRefused(
            f"{path}: cannot open it for writing ({_reason(e)}): check that the disk is"
            " writable and that Rapport's user may write there"
        ) from None


def check_sqlite(path: str) -> None:
    """Refuse a SQLite file Rapport must not write to; a new or empty file passes."""
    if path == ":memory:" or not os.path.exists(path):
        folder = os.path.dirname(os.path.abspath(path))
        if path != ":memory:" and not os.access(folder, os.W_OK):
            raise DatabaseRefused(
                f"{path}: its folder {folder} cannot be written (a read-only disk, or"
                " permissions): give a database path Rapport may write"
            )
        return
    if not os.access(path, os.W_OK) or not os.access(os.path.dirname(os.path.abspath(path)), os.W_OK):
        raise DatabaseRefused(
            f"{path}: cannot be written (a read-only disk, or permissions): Rapport writes"
            " the database and the journal files beside it; move it where it can, or fix"
            " the permissions"
        )
    if os.path.getsize(path) == 0:
        return
    uri = f"file:{quote(os.path.abspath(path))}?mode=ro"
    try:
        with closing(sqlite3.connect(uri, uri=True)) as db:
            version = db.execute("PRAGMA user_version").fetchone()[0]
            known = migrations.latest("sqlite")
            if version > known:
                raise DatabaseRefused(f"{path}: {migrations.SchemaTooNew(version, known)}")
            found = db.execute("PRAGMA quick_check").fetchall()
            if [tuple(r) for r in found] != [("ok",)]:
                first = found[0][0] if found else "no answer"
                raise DatabaseRefused(
                    f"{path}: the file is damaged (SQLite's quick_check: {first}): stop"
                    f" Rapport and {RESTORE}"
                )
            tables = {
                r[0]: {c[1] for c in db.execute(f'PRAGMA table_info("{r[0]}")')}
                for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            }
    except sqlite3.DatabaseError as e:
        raise DatabaseRefused(
            f"{path}: not a Rapport database ({_reason(e)}): name the right file, or {RESTORE}"
        ) from None
    _same_schema(path, version, tables)


# --- PostgreSQL ------------------------------------------------------------------------------
async def _open_postgres(url: str, migrate: bool) -> Any:
    import asyncpg

    from storage.postgres import PostgresRepository

    where = label(url)
    try:
        repo = await PostgresRepository.open(url, migrate=False)
    except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as e:
        raise DatabaseRefused(f"{where}: cannot connect ({_reason(e)})") from None
    try:
        version = await repo.schema_version()
        known = migrations.latest("postgresql")
        if version > known:
            raise DatabaseRefused(f"{where}: {migrations.SchemaTooNew(version, known)}")
        _same_schema(where, version, await repo.tables())
        if migrate:
            await repo.migrate()
    except DatabaseRefused:
        await repo.close()
        raise
    except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as e:
        await repo.close()
        raise DatabaseRefused(f"{where}: {_reason(e)}") from None
    return repo


# --- the schema a version means ---------------------------------------------------------------
def _same_schema(where: str, version: int, tables: dict[str, set[str]]) -> None:
    """Every table the migrations up to `version` create is there with the same columns."""
    if version == 0:
        return
    for table, columns in expected(version).items():
        have = tables.get(table)
        if have is None:
            problem = f"table {table} is missing"
        elif have != columns:
            missing = sorted(columns - have)
            extra = sorted(have - columns)
            problem = f"table {table} " + "; ".join(
                [f"lacks column {', '.join(missing)}"] * bool(missing)
                + [f"has unknown column {', '.join(extra)}"] * bool(extra)
            )
        else:
            continue
        raise DatabaseRefused(
            f"{where}: its tables do not match schema version {version} ({problem}): {RESTORE}"
            " (a database changed by hand cannot be upgraded safely)"
        )


@cache
def expected(version: int) -> dict[str, set[str]]:
    """Tables and their columns after the migrations up to `version` (SQLite's scripts, in
    memory: both backends' scripts create the same tables and columns)."""
    from storage.sqlite import _meeting_key, _statements

    with closing(sqlite3.connect(":memory:")) as db:
        db.create_function("rapport_meeting_key", 3, _meeting_key, deterministic=True)
        for number, script in migrations.scripts("sqlite"):
            if number > version:
                break
            for statement in _statements(script):
                db.execute(statement)
        names = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {n: {c[1] for c in db.execute(f'PRAGMA table_info("{n}")')} for n in names}


def _reason(e: BaseException) -> str:
    text = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
    return text
