"""A sqlite3 connection on a thread of its own, driven from asyncio.

The repository hands whole units of work to the connection's thread as one call (`run`),
which aiosqlite offers only through a private method. This is that, on public interfaces
only (threading, queue, `loop.call_soon_threadsafe`), so no library upgrade can break it:
one thread per connection, jobs taken in the order they were queued, each job's result (or
exception) handed back to the event loop that asked for it.

The few calls the stores and tests make of a connection (`execute`, `executemany`, a cursor's
rows, `rowcount` and `lastrowid`, `in_transaction`) are here too. A statement's rows are
read on the thread together with it: one hop per statement, not two.
"""

from __future__ import annotations

import asyncio
import queue
import sqlite3
import threading
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

T = TypeVar("T")
Params = tuple[Any, ...] | dict[str, Any]

_STOP = object()


class Cursor:
    """A statement's outcome, read on the connection's thread: its rows, how many rows it
    changed, and the id it inserted."""

    __slots__ = ("_rows", "lastrowid", "rowcount")

    def __init__(self, rows: list[Any], lastrowid: int | None, rowcount: int) -> None:
        self._rows = rows
        self.lastrowid = lastrowid
        self.rowcount = rowcount

    async def fetchone(self) -> Any:
        return self._rows.pop(0) if self._rows else None

    async def fetchall(self) -> list[Any]:
        rows, self._rows = self._rows, []
        return rows


def _executed(cur: sqlite3.Cursor) -> Cursor:
    rows = cur.fetchall()  # before rowcount: a RETURNING statement counts as it is stepped
    return Cursor(rows, cur.lastrowid, cur.rowcount)


class SqliteThread:
    """One sqlite3 connection, used only on its own thread (see the module's docstring)."""

    def __init__(self) -> None:
        self._jobs: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._serve, name="rapport-sqlite", daemon=True)
        self._conn: sqlite3.Connection | None = None
        self.running = False

    @classmethod
    async def connect(cls, path: str, **kwargs: Any) -> SqliteThread:
        """Open `path` on a new thread (sqlite3.connect's keywords); rows are sqlite3.Row."""
        db = cls()
        db._thread.start()
        db.running = True
        try:
            db._conn = await db.run(_connect, path, kwargs)
        except BaseException:
            await db.close()
            raise
        return db

    @property
    def connection(self) -> sqlite3.Connection:
        """The sqlite3 connection itself: for code already running on its thread (`run`)."""
        assert self._conn is not None, "connect first"
        return self._conn

    # --- the thread -----------------------------------------------------------------------
    def _serve(self) -> None:
        while True:
            job = self._jobs.get()
            if job is _STOP:
                return
            fn, args, loop, future = job
            try:
                result = fn(*args)
            except BaseException as e:  # handed back to the caller, whatever it is
                if not loop.is_closed():
                    loop.call_soon_threadsafe(_fail, future, e)
            else:
                if not loop.is_closed():
                    loop.call_soon_threadsafe(_succeed, future, result)

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        """`fn(*args)` on the connection's thread, after every job queued before it."""
        if not self.running:
            raise sqlite3.ProgrammingError("Cannot operate on a closed database.")
        loop = asyncio.get_running_loop()
        future: asyncio.Future[T] = loop.create_future()
        self._jobs.put((fn, args, loop, future))
        return await future

    async def close(self) -> None:
        """Close the connection and end the thread, once what was queued before has run."""
        if not self.running:
            return
        try:
            if self._conn is not None:
                await self.run(self._conn.close)
        finally:
            self.running = False
            self._jobs.put(_STOP)
            await asyncio.to_thread(self._thread.join)

    # --- what the stores call --------------------------------------------------------------
    async def execute(self, sql: str, args: Params = ()) -> Cursor:
        return await self.run(_execute, self.connection, sql, args)

    async def executemany(self, sql: str, args: Iterable[Params]) -> Cursor:
        return await self.run(_executemany, self.connection, sql, list(args))

    @property
    def in_transaction(self) -> bool:
        return self.connection.in_transaction

    async def create_function(self, name: str, narg: int, fn: Any, **kwargs: Any) -> None:
        await self.run(lambda: self.connection.create_function(name, narg, fn, **kwargs))

    async def set_trace_callback(self, callback: Callable[[str], object] | None) -> None:
        await self.run(self.connection.set_trace_callback, callback)


def _connect(path: str, kwargs: dict[str, Any]) -> sqlite3.Connection:
    # check_same_thread off only so the loop's thread may read `in_transaction`; every
    # statement runs on the connection's own thread
    conn = sqlite3.connect(path, check_same_thread=False, **kwargs)
    conn.row_factory = sqlite3.Row
    return conn


def _execute(conn: sqlite3.Connection, sql: str, args: Params) -> Cursor:
    return _executed(conn.execute(sql, args))


def _executemany(conn: sqlite3.Connection, sql: str, args: list[Params]) -> Cursor:
    return _executed(conn.executemany(sql, args))


def _succeed(future: asyncio.Future[Any], result: Any) -> None:
    if not future.done():  # its caller was cancelled meanwhile
        future.set_result(result)


def _fail(future: asyncio.Future[Any], error: BaseException) -> None:
    if not future.done():
        future.set_exception(error)
