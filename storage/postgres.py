"""The PostgreSQL repository: the same queries as SQLite's, on an asyncpg pool.

Several worker processes may share one database. Each unit of work runs in one transaction
on one pooled connection (READ COMMITTED); claims of due work and of the outbox take their
rows with FOR UPDATE SKIP LOCKED, so two workers never get one row and neither waits for
the other's batch.

The business queries are not written again here: the stores of the SQLite repository
(storage/sqlite/<store>.py) run unchanged over `PgConnection`, which gives them the few calls they make of
a SQLite connection (execute, executemany, a cursor's rows and rowcount) and turns SQLite's `?` and
`:name` placeholders into PostgreSQL's `$n`. Where the dialects differ the query asks its
`dialect` (storage/dialect.py).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from functools import lru_cache
from typing import Any, TypeVar

import asyncpg

from storage import migrate as migrations
from storage.dialect import POSTGRESQL
from storage.sqlite import SqliteRepository, _attach_stores

log = logging.getLogger(__name__)

T = TypeVar("T")
POOL_MAX = 10  # connections per worker process; each unit of work holds one until it commits
VERSION_TABLE = "rapport_schema"
RETRIES = 3  # a unit that collided with another worker's runs again this many times at most
COLLISIONS = (
    asyncpg.UniqueViolationError,
    asyncpg.DeadlockDetectedError,
    asyncpg.SerializationError,
)


class PgCursor:
    """What the queries read of a SQLite cursor: the rows, and how many rows changed."""

    __slots__ = ("_rows", "rowcount")

    def __init__(self, rows: list[asyncpg.Record], rowcount: int) -> None:
        self._rows = rows
        self.rowcount = rowcount

    @property
    def lastrowid(self) -> int | None:  # PostgreSQL says it with RETURNING id (dialect.insert)
        raise NotImplementedError("use RETURNING id on PostgreSQL")

    async def fetchone(self) -> asyncpg.Record | None:
        return self._rows[0] if self._rows else None

    async def fetchall(self) -> list[asyncpg.Record]:
        return self._rows


class PgConnection:
    """The connection calls the shared queries make, on an asyncpg connection (inside a unit of
    work) or on the pool (one statement, committed on its own)."""

    __slots__ = ("_conn",)

    def __init__(self, conn: asyncpg.Connection | asyncpg.Pool) -> None:
        self._conn = conn

    async def execute(self, sql: str, args: Any = ()) -> PgCursor:
        text, names, returns_rows = _translate(sql)
        values = _values(args, names)
        if returns_rows:
            rows = await self._conn.fetch(text, *values)
            return PgCursor(rows, len(rows))
        status = await self._conn.execute(text, *values)
        return PgCursor([], _count(status))

    async def executemany(self, sql: str, args: Sequence[Any]) -> PgCursor:
        text, names, _ = _translate(sql)
        await self._conn.executemany(text, [_values(a, names) for a in args])
        return PgCursor([], -1)


def _values(args: Any, names: tuple[str, ...] | None) -> tuple[Any, ...]:
    if names is None:
        return tuple(args)
    return tuple(args[n] for n in names)


def _count(status: str) -> int:
    """The rows a statement changed, from its command tag ("UPDATE 3", "INSERT 0 1")."""
    last = status.rsplit(" ", 1)[-1]
    return int(last) if last.isdigit() else -1


@lru_cache(maxsize=4096)
def _translate(sql: str) -> tuple[str, tuple[str, ...] | None, bool]:
    """SQLite's placeholders (`?`, or `:name`) as PostgreSQL's `$n`, skipping quoted text
    and `::` casts; the names in order when they were named; whether the statement returns
    rows (a SELECT, a WITH, or a change with RETURNING)."""
    out: list[str] = []
    names: list[str] = []
    index: dict[str, int] = {}
    positional = 0
    i, n = 0, len(sql)
    while i < n:
        c = sql[i]
        if c in "'\"":
            end = sql.index(c, i + 1)
            while end + 1 < n and sql[end + 1] == c:  # '' inside a literal
                end = sql.index(c, end + 2)
            out.append(sql[i : end + 1])
            i = end + 1
        elif c == "?":
            positional += 1
            out.append(f"${positional}")
            i += 1
        elif c == ":" and i + 1 < n and sql[i + 1] == ":":
            out.append("::")
            i += 2
        elif c == ":" and i + 1 < n and (sql[i + 1].isalpha() or sql[i + 1] == "_"):
            j = i + 1
            while j < n and (sql[j].isalnum() or sql[j] == "_"):
                j += 1
            name = sql[i + 1 : j]
            if name not in index:
                names.append(name)
                index[name] = len(names)
            out.append(f"${index[name]}")
            i = j
        else:
            out.append(c)
            i += 1
    head = sql.lstrip().split(None, 1)[0].upper() if sql.strip() else ""
    returns = head in ("SELECT", "WITH", "VALUES") or " RETURNING " in f" {sql.upper()} "
    return "".join(out), (tuple(names) if names else None), returns


def _number(text: str) -> int | float:
    """PostgreSQL's numeric (what SUM of a bigint gives) as SQLite gives it: an int when whole."""
    return int(text) if text.lstrip("-").isdigit() else float(text)


async def _setup(conn: asyncpg.Connection) -> None:
    await conn.set_type_codec(
        "numeric", encoder=str, decoder=_number, schema="pg_catalog", format="text"
    )


class PostgresRepository(SqliteRepository):
    """The repository on PostgreSQL: the same stores (tx.groups, tx.outbox, …) and their
    queries, PostgreSQL's transactions."""

    dialect = POSTGRESQL
    units_in_order = False  # each unit of work is a transaction on a connection of its own

    def __init__(self, db: PgConnection, pool: asyncpg.Pool | None) -> None:
        self._db = db  # type: ignore[assignment]
        _attach_stores(self)
        self._pool = pool
        self._here = None
        self._lock = asyncio.Lock()

    @classmethod
    async def open(cls, url: str, *, migrate: bool = True) -> PostgresRepository:  # type: ignore[override]
        pool = await asyncpg.create_pool(url, min_size=1, max_size=POOL_MAX, init=_setup)
        repo = cls(PgConnection(pool), pool)
        try:
            if migrate:
                await repo.migrate()
        except BaseException:
            await pool.close()
            raise
        return repo

    async def close(self) -> None:
        if self._pool is not None:
            await self._pool.close()

    async def checkpointed(self) -> None:
        """SQLite's WAL checkpoints have no counterpart here."""

    async def migrate(self) -> int:
        """Apply the migrations newer than the database's recorded version; one transaction,
        under a lock every worker takes, so two starting together migrate once."""
        assert self._pool is not None
        async with self._pool.acquire() as conn, conn.transaction():
            await conn.execute("SELECT pg_advisory_xact_lock(hashtext('rapport migrate'))")
            return await migrations.apply(_Versions(conn), migrations.scripts("postgresql"))

    async def schema_version(self) -> int:
        assert self._pool is not None
        async with self._pool.acquire() as conn:
            return await _Versions(conn).schema_version()

    async def tables(self) -> dict[str, set[str]]:
        """The tables of the database's schema and their columns (the start-up check's)."""
        assert self._pool is not None
        rows = await self._pool.fetch(
            "SELECT table_name, column_name FROM information_schema.columns"
            " WHERE table_schema = current_schema()"
        )
        found: dict[str, set[str]] = {}
        for r in rows:
            found.setdefault(r["table_name"], set()).add(r["column_name"])
        return found

    async def atomic(self, work: Callable[[SqliteRepository], Awaitable[T]]) -> T:  # type: ignore[override]
        """One unit of work in one transaction on one pooled connection.

        Two workers may run units that collide (the same platform request retried to each,
        two first writes of one unique row): the one that commits second fails on the unique
        key, or as a deadlock, with nothing of it kept. It runs again, and now sees what the
        other committed (a request's saved answer), as it would have on SQLite, where the
        two never overlap. A unit awaits nothing but its stores, so running it again is safe."""
        assert self._pool is not None
        for attempt in range(RETRIES + 1):
            try:
                async with self._pool.acquire() as conn, conn.transaction():
                    return await work(PostgresRepository(PgConnection(conn), None))
            except COLLISIONS:
                if attempt == RETRIES:
                    raise
        raise AssertionError("unreachable")

    async def read(self, work: Callable[[SqliteRepository], Awaitable[T]]) -> T:  # type: ignore[override]
        """A unit of work that only reads: a read-only transaction, so a write in it fails."""
        assert self._pool is not None
        async with self._pool.acquire() as conn, conn.transaction(readonly=True):
            return await work(PostgresRepository(PgConnection(conn), None))

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[PostgresRepository]:  # type: ignore[override]
        assert self._pool is not None
        async with self._pool.acquire() as conn, conn.transaction():
            yield PostgresRepository(PgConnection(conn), None)

    async def _insert(self, sql: str, args: Any) -> int:
        row = await self._one(sql + " RETURNING id", args)
        assert row is not None
        return int(row["id"])


class _Versions:
    """The schema's version in a one-row table (SQLite keeps it in PRAGMA user_version)."""

    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn

    async def schema_version(self) -> int:
        """0 for a database Rapport never migrated (it has no version table yet)."""
        if await self._conn.fetchval("SELECT to_regclass($1)", VERSION_TABLE) is None:
            return 0
        found = await self._conn.fetchval(f"SELECT max(version) FROM {VERSION_TABLE}")
        return int(found or 0)

    async def set_schema_version(self, version: int) -> None:
        await self._conn.execute(
            f"CREATE TABLE IF NOT EXISTS {VERSION_TABLE} (version INTEGER NOT NULL)"
        )
        await self._conn.execute(f"DELETE FROM {VERSION_TABLE}")
        await self._conn.execute(f"INSERT INTO {VERSION_TABLE} (version) VALUES ($1)", version)

    async def run_script(self, script: str) -> None:
        await self._conn.execute(script)  # a script without arguments runs whole
