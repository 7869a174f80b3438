"""The PostgreSQL server the tests use: RAPPORT_TEST_POSTGRES names it (by default the
local one), and each test gets a schema of its own, dropped when it ends."""

from __future__ import annotations

import asyncio
import os
import secrets
from collections.abc import AsyncIterator, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager, contextmanager
from functools import cache
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

DEFAULT = "postgresql://postgres@127.0.0.1:5432/test"


def server() -> str:
    return os.environ.get("RAPPORT_TEST_POSTGRES", "").strip() or DEFAULT


def where() -> str:
    """The server's host and port, never its password."""
    parts = urlsplit(server())
    return f"{parts.hostname or 'localhost'}:{parts.port or 5432}"


@cache
def answers() -> str | None:
    """None when the server answers; otherwise why not (one line)."""
    import asyncpg

    async def probe() -> None:
        conn = await asyncpg.connect(server(), timeout=3)
        await conn.close()

    try:
        asyncio.run(probe())
    except Exception as e:  # refused, unknown host, bad password: all mean "no server"
        return f"{type(e).__name__}"
    return None


def in_schema(url: str, schema: str) -> str:
    """The URL with its connections' search_path set to `schema` (asyncpg passes unknown
    query parameters on as server settings)."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query) if k != "search_path"]
    query.append(("search_path", schema))
    return urlunsplit(parts._replace(query=urlencode(query)))


async def admin(sql: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(server(), timeout=10)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


def new_name() -> str:
    return f"rapport_test_{secrets.token_hex(6)}"


@asynccontextmanager
async def schema() -> AsyncIterator[str]:
    """A URL for a fresh, empty schema of its own on the test server, dropped afterwards."""
    name = new_name()
    await admin(f"CREATE SCHEMA {name}")
    try:
        yield in_schema(server(), name)
    finally:
        await admin(f"DROP SCHEMA IF EXISTS {name} CASCADE")


@contextmanager
def schema_sync() -> Iterator[str]:
    """`schema` for a test that is not a coroutine (one that starts processes)."""
    name = new_name()
    asyncio.run(admin(f"CREATE SCHEMA {name}"))
    try:
        yield in_schema(server(), name)
    finally:
        asyncio.run(admin(f"DROP SCHEMA IF EXISTS {name} CASCADE"))


def run_sync(url: str, sql: str, args: tuple[object, ...] = ()) -> list[dict[str, object]]:
    """One statement (SQLite's `?` placeholders) on the PostgreSQL database at `url`, committed,
    from code that is not a coroutine: on a thread with a loop of its own, as a plain sqlite3
    connection is used beside a running test."""
    import asyncpg

    from storage.postgres import _translate

    async def run() -> list[dict[str, object]]:
        conn = await asyncpg.connect(url)
        try:
            return [dict(r) for r in await conn.fetch(_translate(sql)[0], *args)]
        finally:
            await conn.close()

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, run()).result()


def tuples_sync(url: str, sql: str, args: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    """`run_sync`'s rows as tuples, in the statement's column order."""
    return [tuple(r.values()) for r in run_sync(url, sql, args)]
