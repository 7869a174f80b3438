"""`rapport copy-db SRC DST`: move a chapter's database between SQLite and PostgreSQL.

The source must be at this code's schema version (`rapport migrate` it first) and is only
read. The target is created and migrated, must hold no rows, and is written in one
transaction, table by table in foreign-key order, ids kept; then every table's row count is
compared with the source's. A refusal or a failure leaves the target without a row.
"""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from contextlib import closing
from functools import cache
from typing import Any
from urllib.parse import quote

from bot.ports import DatabaseRefused
from storage import migrate as migrations
from storage.databases import check_sqlite, expected, is_postgres, label, open_repository

BATCH = 5000  # rows read and written at a time


class CopyFailed(Exception):
    """The copy did not complete; `str(error)` says why in one line, and the target is empty."""


@cache
def table_order() -> list[str]:
    """Rapport's tables, each after the tables its foreign keys point at."""
    tables = expected(migrations.latest("sqlite"))
    from storage.sqlite import _meeting_key, _statements

    with closing(sqlite3.connect(":memory:")) as db:
        db.create_function("rapport_meeting_key", 3, _meeting_key, deterministic=True)
        for _, script in migrations.scripts("sqlite"):
            for statement in _statements(script):
                db.execute(statement)
        needs = {
            t: {r[2] for r in db.execute(f'PRAGMA foreign_key_list("{t}")')} - {t} for t in tables
        }
    order: list[str] = []
    while needs:
        ready = sorted(t for t, n in needs.items() if not n - set(order))
        order += ready
        for t in ready:
            del needs[t]
    return order


async def copy_database(source: str, target: str) -> dict[str, int]:
    """Copy every row of `source` into the empty `target`; returns each table's row count."""
    if source == target:
        raise CopyFailed("the source and the target are the same database")
    reader = await _Reader.open(source)
    try:
        repo = await open_repository(target)  # created, checked and migrated
        await repo.close()
        counts = await _write(target, reader)
    finally:
        await reader.close()
    return counts


async def _write(target: str, reader: _Reader) -> dict[str, int]:
    order = table_order()
    counts: dict[str, int] = {}
    if is_postgres(target):
        import asyncpg

        conn = await asyncpg.connect(target)
        try:
            async with conn.transaction():
                for table in order:
                    if await conn.fetchval(f'SELECT EXISTS (SELECT 1 FROM "{table}")'):
                        raise CopyFailed(f"{label(target)} is not empty (table {table} has rows)")
                for table in order:
                    columns = await reader.columns(table)
                    async for rows in reader.rows(table, columns):
                        await conn.copy_records_to_table(table, records=rows, columns=columns)
                    if "id" in columns:
                        await conn.execute(
                            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"
                            f' COALESCE((SELECT MAX(id) FROM "{table}"), 0) + 1, false)'
                        )
                    counts[table] = int(await conn.fetchval(f'SELECT COUNT(*) FROM "{table}"'))
                _same_counts(await reader.counts(order), counts)
        finally:
            await conn.close()
        return counts
    with closing(sqlite3.connect(target, isolation_level=None)) as db:
        db.execute("BEGIN IMMEDIATE")
        try:
            for table in order:
                if db.execute(f'SELECT EXISTS (SELECT 1 FROM "{table}")').fetchone()[0]:
                    raise CopyFailed(f"{target} is not empty (table {table} has rows)")
            for table in order:
                columns = await reader.columns(table)
                names = ", ".join(f'"{c}"' for c in columns)
                marks = ", ".join("?" for _ in columns)
                async for rows in reader.rows(table, columns):
                    db.executemany(f'INSERT INTO "{table}" ({names}) VALUES ({marks})', rows)
                counts[table] = db.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]
            _same_counts(await reader.counts(order), counts)
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
    return counts


def _same_counts(source: dict[str, int], target: dict[str, int]) -> None:
    for table, n in source.items():
        if target.get(table) != n:
            raise CopyFailed(
                f"table {table}: {n} rows in the source, {target.get(table)} in the target;"
                " nothing was kept"
            )


class _Reader:
    """The source, read only: a SQLite file or a PostgreSQL database."""

    def __init__(self, where: str, sqlite: sqlite3.Connection | None, pg: Any) -> None:
        self.where = where
        self._sqlite = sqlite
        self._pg = pg

    @classmethod
    async def open(cls, source: str) -> _Reader:
        known = migrations.latest("sqlite")
        if is_postgres(source):
            import asyncpg

            from storage.postgres import _Versions

            try:
                conn = await asyncpg.connect(source)
            except (OSError, asyncpg.PostgresError) as e:
                raise DatabaseRefused(f"{label(source)}: cannot connect ({e})") from None
            version = await _Versions(conn).schema_version()
            reader = cls(label(source), None, conn)
        else:
            import os

            if not os.path.exists(source):
                raise DatabaseRefused(f"{source}: no such file")
            check_sqlite(source)
            db = sqlite3.connect(f"file:{quote(os.path.abspath(source))}?mode=ro", uri=True)
            version = db.execute("PRAGMA user_version").fetchone()[0]
            reader = cls(source, db, None)
        if version != known:
            await reader.close()
            raise DatabaseRefused(
                f"{reader.where} is at schema version {version}, not {known}: run"
                f" `rapport migrate --db` on it first"
            )
        return reader

    async def columns(self, table: str) -> list[str]:
        return sorted(expected(migrations.latest("sqlite"))[table])

    async def rows(self, table: str, columns: list[str]) -> AsyncIterator[list[tuple[Any, ...]]]:
        """The table's rows, BATCH at a time, in id order where there is one."""
        names = ", ".join(f'"{c}"' for c in columns)
        sql = f'SELECT {names} FROM "{table}"' + (" ORDER BY id" if "id" in columns else "")
        if self._sqlite is not None:
            cur = self._sqlite.execute(sql)
            while batch := cur.fetchmany(BATCH):
                yield [tuple(r) for r in batch]
            return
        async with self._pg.transaction(readonly=True):
            cursor = await self._pg.cursor(sql)
            while batch := await cursor.fetch(BATCH):
                yield [tuple(r) for r in batch]

    async def counts(self, tables: list[str]) -> dict[str, int]:
        out = {}
        for t in tables:
            sql = f'SELECT COUNT(*) FROM "{t}"'
            if self._sqlite is not None:
                out[t] = self._sqlite.execute(sql).fetchone()[0]
            else:
                out[t] = int(await self._pg.fetchval(sql))
        return out

    async def close(self) -> None:
        if self._sqlite is not None:
            self._sqlite.close()
        if self._pg is not None:
            await self._pg.close()
