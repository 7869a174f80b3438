"""The SQLite connection's own thread (storage/sqlite/thread.py), which replaced aiosqlite's
private `_execute`: jobs run in order on one thread, errors come back to their caller, a
cancelled caller does not stop the thread, and closing ends it. Storage uses no private part
of a library (an upgrade cannot silently break it)."""

from __future__ import annotations

import ast
import asyncio
import sqlite3
import threading
from pathlib import Path

import pytest

from storage.sqlite.thread import SqliteThread

STORAGE = Path(__file__).resolve().parents[1] / "storage"


async def test_jobs_run_in_order_on_one_thread_of_their_own(tmp_path):
    db = await SqliteThread.connect(str(tmp_path / "t.db"), isolation_level=None)
    try:
        await db.execute("CREATE TABLE t (n INTEGER)")
        threads: set[int] = set()

        def insert(n: int) -> int:
            threads.add(threading.get_ident())
            return db.connection.execute("INSERT INTO t VALUES (?)", (n,)).lastrowid or 0

        ids = await asyncio.gather(*(db.run(insert, n) for n in range(50)))
        assert ids == list(range(1, 51))  # taken in the order they were queued
        assert threads and threading.get_ident() not in threads and len(threads) == 1
        cur = await db.execute("SELECT n FROM t ORDER BY rowid")
        assert [r["n"] for r in await cur.fetchall()] == list(range(50))
        cur = await db.execute("UPDATE t SET n = n + 1 WHERE n < 10 RETURNING n")
        assert len(await cur.fetchall()) == 10 and cur.rowcount == 10
    finally:
        await db.close()


async def test_an_error_reaches_its_caller_and_the_thread_goes_on(tmp_path):
    db = await SqliteThread.connect(str(tmp_path / "t.db"))
    try:
        with pytest.raises(sqlite3.OperationalError, match="no such table"):
            await db.execute("SELECT * FROM missing")
        slow = asyncio.ensure_future(db.run(lambda: sum(range(10**6))))
        await asyncio.sleep(0)
        slow.cancel()  # its caller gave up; the thread still runs what comes next
        cur = await db.execute("SELECT 41 + 1")
        assert (await cur.fetchone())[0] == 42
    finally:
        await db.close()


async def test_closing_ends_the_thread_and_refuses_more_work(tmp_path):
    db = await SqliteThread.connect(str(tmp_path / "t.db"))
    thread = db._thread
    await db.close()
    assert not thread.is_alive() and not db.running
    with pytest.raises(sqlite3.ProgrammingError):
        await db.execute("SELECT 1")


def test_storage_calls_no_private_part_of_a_database_library():
    """aiosqlite's `_execute` and `_conn` are gone: storage imports no aiosqlite at all."""
    for path in STORAGE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import | ast.ImportFrom):
                names = [a.name for a in node.names] + [getattr(node, "module", None) or ""]
                assert not any(n.startswith("aiosqlite") for n in names), path
