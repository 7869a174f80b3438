"""The SQLite repository: one connection per process, whole transactions serialised.

The connection lives on a thread of its own (storage/sqlite/thread.py), which runs every
statement; two coroutines sharing the connection
would interleave their transactions (one's rollback undone by the other's commit), so every
unit of work holds `_lock` from BEGIN to COMMIT. BEGIN IMMEDIATE takes SQLite's write lock
up front, so a second process on the same file waits (busy_timeout) instead of failing late.

Each awaited statement is a hop to that thread and back (30–110 µs on the machines we
measured, more than most of our statements take to run), so `atomic` sends a whole unit of
work there as one call: the same stores run against the sqlite3 connection directly, and
every await inside them completes at once.

The repository is itself the unit of work: its stores (`tx.groups`, `tx.members`, …, one
module each beside this one) share its connection and its transaction. A read-only unit
(`read`) runs with `query_only` on and takes no write lock.

Units of work that arrive while one is running are committed together (group commit): the
next call on the thread runs each of them inside its own SAVEPOINT, so one that fails is
rolled back alone, and one COMMIT makes them all durable before any caller is answered.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import sqlite3
import stat
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from contextlib import asynccontextmanager
from datetime import date
from importlib import resources
from typing import Any, TypeVar
from zoneinfo import ZoneInfoNotFoundError

from bot.due import meeting_key
from bot.schedule import hhmm as parse_hhmm
from bot.schedule import local_instant
from storage.dialect import SQLITE
from storage.migrate import apply as apply_migrations
from storage.sqlite.attendance import SqliteAttendance
from storage.sqlite.business import SqliteBusiness
from storage.sqlite.discord_commands import SqliteDiscordCommands
from storage.sqlite.due import SqliteDue
from storage.sqlite.groups import SqliteGroups
from storage.sqlite.members import SqliteMembers
from storage.sqlite.numbers import SqliteNumbers
from storage.sqlite.one_to_ones import SqliteOneToOnes
from storage.sqlite.outbox import SqliteOutbox
from storage.sqlite.outbox import _target_json as _target_json  # the fault tests read targets
from storage.sqlite.palms import SqlitePalms
from storage.sqlite.privacy import SqlitePrivacy
from storage.sqlite.referrals import SqliteReferrals
from storage.sqlite.requests import SqliteRequests
from storage.sqlite.roles import SqliteRoles
from storage.sqlite.seats import SqliteSeats
from storage.sqlite.slack_installations import SqliteSlackInstallations
from storage.sqlite.thanks import SqliteThanks
from storage.sqlite.thread import SqliteThread
from storage.sqlite.workspaces import SqliteWorkspaces

log = logging.getLogger(__name__)

Params = tuple[Any, ...] | dict[str, Any]
T = TypeVar("T")

# SQLite copies the WAL back into the database file (a checkpoint) inside whichever COMMIT
# takes the WAL past 1,000 pages: a /referral writes ~27 pages, so one command in ~36 paid
# for it (12 ms at the 99th percentile instead of 4). Here a second connection, on its own
# thread, checkpoints every CHECKPOINT_EVERY commits while the writer goes on. Small and
# often measured best (bench, /referral p99: every 8 commits 4-5 ms, 32: 6-7, 128: 10).
CHECKPOINT_EVERY = 8
WAL_KEPT_BYTES = 64 * 2**20  # the WAL file is cut back to this after a checkpoint
# The writer's page cache (SQLite's default is 2 MB). A reminder minute plans, finishes and
# reads across every group's rows of big tables (the bench's: 7.9M due_work rows), and with
# 2 MB each index descent read its pages again from the OS: the minute's SQL alone took
# 8.6 s, with 32 MB 7.2 s (bench, replayed). The cache grows only as pages are read.
CACHE_KIB = 32 * 1024


def owner_only(path: str) -> None:
    """The database holds prospects' contact details: create it readable by its owner only,
    whatever the umask (SQLite gives its -wal and -shm files the database file's mode), and
    take group and other access off a file an older version created."""
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        for name in (path, f"{path}-wal", f"{path}-shm"):
            with contextlib.suppress(FileNotFoundError):
                if stat.S_IMODE(os.stat(name).st_mode) & 0o077:
                    os.chmod(name, 0o600)
                    log.warning("%s was readable by others; now by its owner only", name)
        return
    try:
        os.fchmod(fd, 0o600)  # os.open's mode passed through the umask
    finally:
        os.close(fd)


def migrations() -> list[tuple[int, str]]:
    """Numbered migration scripts shipped in storage/migrations, in order."""
    folder = resources.files("storage") / "migrations"
    found = []
    for entry in folder.iterdir():
        name = entry.name
        if name.endswith(".sql") and name[:4].isdigit():
            found.append((int(name[:4]), entry.read_text(encoding="utf-8")))
    return sorted(found)


class SqliteRepository:
    """The database, and the unit of work a transaction runs: its stores (`tx.groups`,
    `tx.members`, …) all run their statements on this connection, in this transaction."""

    dialect = SQLITE  # the fragments of SQL written differently on PostgreSQL
    units_in_order = True  # units queued together share one transaction (group commit)
    groups: SqliteGroups
    members: SqliteMembers
    seats: SqliteSeats
    referrals: SqliteReferrals
    business: SqliteBusiness
    thanks: SqliteThanks
    one_to_ones: SqliteOneToOnes
    numbers: SqliteNumbers
    attendance: SqliteAttendance
    outbox: SqliteOutbox
    due: SqliteDue
    privacy: SqlitePrivacy
    requests: SqliteRequests
    workspaces: SqliteWorkspaces
    roles: SqliteRoles
    palms: SqlitePalms
    slack_installations: SqliteSlackInstallations  # adapters.slack.installations
    discord_commands: SqliteDiscordCommands  # adapters.discord.sync

    def __init__(self, conn: SqliteThread) -> None:
        self._db = conn
        _attach_stores(self)
        self._lock = asyncio.Lock()
        self._here: _OnThread | None = None  # this repository on the connection's thread
        self._checkpointer: SqliteThread | None = None
        self._checkpointing: asyncio.Task[None] | None = None
        self._commits = 0  # since the last checkpoint
        self._queued: list[tuple[Callable[[Any], Awaitable[Any]], asyncio.Future[Any]]] = []
        self._writer: asyncio.Task[None] | None = None

    # --- lifecycle -------------------------------------------------------------------
    @classmethod
    async def open(cls, path: str) -> SqliteRepository:
        if path != ":memory:":
            owner_only(path)
        conn = await SqliteThread.connect(path, isolation_level=None)
        try:
            await conn.execute("PRAGMA busy_timeout = 10000")
            if path != ":memory:":
                await _set_wal(conn)
            await conn.execute("PRAGMA synchronous = NORMAL")
            await conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
            await conn.execute("PRAGMA foreign_keys = ON")
            # for migration 0008, which re-keys planned meeting work by the meeting's instant
            await conn.create_function("rapport_meeting_key", 3, _meeting_key, deterministic=True)
            repo = cls(conn)
            repo._here = _OnThread(_ThreadConnection(conn.connection))
            await repo.migrate()
            if path != ":memory:":
                await conn.execute("PRAGMA wal_autocheckpoint = 0")
                await conn.execute(f"PRAGMA journal_size_limit = {WAL_KEPT_BYTES}")
                repo._checkpointer = await SqliteThread.connect(path, isolation_level=None)
                await repo._checkpointer.execute("PRAGMA synchronous = NORMAL")
        except BaseException:
            # its thread ends only when its connection closes
            await conn.close()
            raise
        return repo

    async def close(self) -> None:
        if self._writer is not None:  # what was handed to it is committed first
            await asyncio.wait({self._writer})
        await self.checkpointed()
        if self._checkpointer is not None:
            await self._checkpointer.close()
        await self._db.close()  # the last connection to close checkpoints what is left

    # --- checkpoints, off the commit path ---------------------------------------------
    def _committed(self) -> None:
        self._commits += 1
        if (
            self._checkpointer is not None
            and self._commits >= CHECKPOINT_EVERY
            and self._checkpointing is None
        ):
            self._commits = 0
            task = asyncio.get_running_loop().create_task(self._checkpoint())
            task.add_done_callback(self._checkpoint_gone)
            self._checkpointing = task

    def _checkpoint_gone(self, task: asyncio.Task[None]) -> None:
        if self._checkpointing is task:  # however it ended, even cancelled before it ran
            self._checkpointing = None

    async def _checkpoint(self) -> None:
        assert self._checkpointer is not None
        try:
            # PASSIVE copies what no reader still needs and never waits on the writer, so
            # the bulk is copied while commands commit. But the WAL only starts again from
            # its beginning once a checkpoint has caught up with the last commit, which
            # under steady writing never happens by itself: so the few pages committed
            # meanwhile are copied between two units of work.
            await self._checkpointer.execute("PRAGMA wal_checkpoint(PASSIVE)")
            async with self._lock:
                await self._checkpointer.execute("PRAGMA wal_checkpoint(PASSIVE)")
        except Exception:
            log.warning("WAL checkpoint failed; the next one will try again", exc_info=True)

    async def checkpointed(self) -> None:
        """Wait for a checkpoint in progress, if one is."""
        if self._checkpointing is not None:
            await asyncio.wait({self._checkpointing})

    async def migrate(self) -> int:
        """Apply the migrations newer than the file's `user_version`, with the runner both
        databases share (storage/migrate.py); returns the version. A file newer than the
        code raises SchemaTooNew, unchanged."""
        async with self._lock:
            await self._db.execute("BEGIN IMMEDIATE")
            try:
                version = await apply_migrations(_UserVersion(self._db), migrations())
                await self._db.execute("COMMIT")
            except BaseException:
                await self._db.execute("ROLLBACK")
                raise
        return version

    async def atomic(self, work: Callable[[SqliteRepository], Awaitable[T]]) -> T:
        """One unit of work, committed before this returns, run on the connection's thread
        together with whatever other units are waiting (see the module's docstring).

        A caller cancelled before its unit was taken leaves nothing behind; once taken, the
        thread finishes it (commit or rollback) before running anything queued after it."""
        assert self._here is not None, "open the repository with SqliteRepository.open"
        done: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        self._queued.append((work, done))
        if self._writer is None:
            writer = asyncio.get_running_loop().create_task(self._write())
            writer.add_done_callback(self._writer_gone)
            self._writer = writer
        return await done

    async def read(self, work: Callable[[SqliteRepository], Awaitable[T]]) -> T:
        """A unit of work that only reads: one consistent view, no write lock taken (so it
        never waits on another process's writes), and any write in it refused by SQLite
        (`query_only`). It runs on the connection's thread, between the writer's batches."""
        assert self._here is not None, "open the repository with SqliteRepository.open"
        async with self._lock:
            result: T = await self._db.run(self._here.run_read, work)
        return result

    async def _write(self) -> None:
        """Commit what is queued, a batch at a time, until nothing is."""
        assert self._here is not None
        cancelled = False
        try:
            while self._queued:
                async with self._lock:
                    batch = [(w, f) for w, f in self._queued if not f.done()]  # not cancelled
                    self._queued = []
                    if not batch:
                        continue
                    job = asyncio.get_running_loop().create_task(
                        self._db.run(self._here.run, [w for w, _ in batch])
                    )
                    while not job.done():
                        try:
                            await asyncio.shield(job)
                        except asyncio.CancelledError:
                            # the thread has the batch and will commit it: its callers
                            # still get what happened to their work before this stops
                            cancelled = True
                        except BaseException:
                            pass  # read from job below
                if job.exception() is not None:  # BEGIN or COMMIT failed: every unit did
                    for _, f in batch:
                        if not f.done():
                            f.set_exception(job.exception())  # type: ignore[arg-type]
                else:
                    for (_, f), (ok, value) in zip(batch, job.result(), strict=True):
                        if not f.done():
                            f.set_result(value) if ok else f.set_exception(value)
                    self._committed()
                if cancelled:
                    raise asyncio.CancelledError
        finally:
            self._writer = None  # here, not in a callback: a unit queued next needs a writer
            self._fail_queued()

    def _writer_gone(self, writer: asyncio.Task[None]) -> None:
        if self._writer is writer:  # cancelled before it first ran, so no finally ran
            self._writer = None
            self._fail_queued()

    def _fail_queued(self) -> None:
        for _, f in self._queued:  # the writer was cancelled: the loop is closing
            if not f.done():
                f.set_exception(RuntimeError("the repository stopped writing"))
        self._queued = []

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[SqliteRepository]:
        async with self._lock:
            try:
                await self._db.execute("BEGIN IMMEDIATE")
            except asyncio.CancelledError:
                # the worker thread may still run the BEGIN after we stop waiting for it
                await asyncio.shield(self._rollback_if_open())
                raise
            try:
                yield self
            except BaseException:
                await asyncio.shield(self._rollback_if_open())
                raise
            await self._db.execute("COMMIT")
        self._committed()

    async def _rollback_if_open(self) -> None:
        # statements run in order on the connection's thread: once this no-op is done, a BEGIN
        # queued before it has run too, and in_transaction tells the truth
        await self._db.execute("SELECT 1")
        if self._db.in_transaction:
            await self._db.execute("ROLLBACK")

    # --- helpers ---------------------------------------------------------------------
    async def _one(self, sql: str, args: Params = ()) -> sqlite3.Row | None:
        cur = await self._db.execute(sql, args)
        return await cur.fetchone()

    async def _all(self, sql: str, args: Params = ()) -> list[sqlite3.Row]:
        cur = await self._db.execute(sql, args)
        return list(await cur.fetchall())

    async def _insert(self, sql: str, args: Params) -> int:
        cur = await self._db.execute(sql, args)
        assert cur.lastrowid is not None
        return cur.lastrowid

    # --- groups ----------------------------------------------------------------------


class _UserVersion:
    """The schema's version where SQLite keeps it: PRAGMA user_version."""

    def __init__(self, db: SqliteThread) -> None:
        self._db = db

    async def schema_version(self) -> int:
        cur = await self._db.execute("PRAGMA user_version")
        row = await cur.fetchone()
        return int(row[0]) if row else 0

    async def set_schema_version(self, version: int) -> None:
        await self._db.execute(f"PRAGMA user_version = {int(version)}")

    async def run_script(self, script: str) -> None:
        for statement in _statements(script):
            await self._db.execute(statement)


def _attach_stores(uow: SqliteRepository) -> None:
    uow.groups = SqliteGroups(uow)
    uow.members = SqliteMembers(uow)
    uow.seats = SqliteSeats(uow)
    uow.referrals = SqliteReferrals(uow)
    uow.business = SqliteBusiness(uow)
    uow.thanks = SqliteThanks(uow)
    uow.one_to_ones = SqliteOneToOnes(uow)
    uow.numbers = SqliteNumbers(uow)
    uow.attendance = SqliteAttendance(uow)
    uow.outbox = SqliteOutbox(uow)
    uow.due = SqliteDue(uow)
    uow.privacy = SqlitePrivacy(uow)
    uow.requests = SqliteRequests(uow)
    uow.workspaces = SqliteWorkspaces(uow)
    uow.roles = SqliteRoles(uow)
    uow.palms = SqlitePalms(uow)
    uow.slack_installations = SqliteSlackInstallations(uow)
    uow.discord_commands = SqliteDiscordCommands(uow)


async def _set_wal(conn: SqliteThread) -> None:
    """Switch the file to WAL. The switch needs a moment with no other writer, and SQLite
    does not wait for it (busy_timeout does not apply), so two processes opening a fresh
    file at once retry briefly."""
    for attempt in range(50):
        try:
            await conn.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as e:
            if "locked" not in str(e) or attempt == 49:
                raise
            await asyncio.sleep(0.1)


# --- row mapping ---------------------------------------------------------------------------
def _meeting_key(day: str, hhmm: str, tz: str) -> str:
    """Migration 0008's rapport_meeting_key: what a meeting's local date meant, as the key
    meeting work is planned under now; the date unchanged when it cannot be read."""
    try:
        return meeting_key(local_instant(date.fromisoformat(day), parse_hhmm(hhmm), tz))
    except (ValueError, TypeError, OSError, ZoneInfoNotFoundError):
        return day


def _statements(script: str) -> list[str]:
    """Split a migration into statements (sqlite3.complete_statement knows where one ends)."""
    out, buf = [], ""
    for line in script.splitlines(keepends=True):
        if not buf and line.strip().startswith("--"):
            continue
        buf += line
        if sqlite3.complete_statement(buf):
            out.append(buf.strip())
            buf = ""
    if buf.strip():
        out.append(buf.strip())
    return out


# --- running a unit of work on the connection's thread ---------------------------------------
class _ThreadCursor:
    __slots__ = ("_cur",)

    def __init__(self, cur: sqlite3.Cursor) -> None:
        self._cur = cur

    @property
    def lastrowid(self) -> int | None:
        return self._cur.lastrowid

    @property
    def rowcount(self) -> int:
        return self._cur.rowcount

    async def fetchone(self) -> Any:
        return self._cur.fetchone()

    async def fetchall(self) -> list[Any]:
        return self._cur.fetchall()


class _ThreadConnection:
    """SqliteThread's calls over the sqlite3 connection, for code already on its thread: each
    awaitable is complete when it is created, so awaiting it never suspends."""

    __slots__ = ("_conn",)

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    async def execute(self, sql: str, args: Params = ()) -> _ThreadCursor:
        return _ThreadCursor(self._conn.execute(sql, args))

    async def executemany(self, sql: str, args: list[Params]) -> _ThreadCursor:
        return _ThreadCursor(self._conn.executemany(sql, args))

    @property
    def in_transaction(self) -> bool:
        return self._conn.in_transaction


class _OnThread(SqliteRepository):
    """The repository's queries bound to the sqlite3 connection; used only on its thread."""

    def __init__(self, conn: _ThreadConnection) -> None:
        self._db = conn  # type: ignore[assignment]
        _attach_stores(self)
        self._lock = asyncio.Lock()
        self._here = None

    def run(self, works: list[Callable[[SqliteRepository], Awaitable[Any]]]) -> list[Any]:
        """Each unit in its own savepoint, all in one transaction; per unit (True, result) or
        (False, the exception it raised, its changes rolled back)."""
        conn = self._db._conn  # type: ignore[attr-defined]
        outcomes: list[tuple[bool, Any]] = []
        conn.execute("BEGIN IMMEDIATE")
        try:
            for work in works:
                conn.execute("SAVEPOINT unit")
                try:
                    outcomes.append((True, _complete(work(self))))
                except (KeyboardInterrupt, SystemExit):
                    raise
                except BaseException as e:  # the unit's own failure: only its work is undone
                    try:
                        conn.execute("ROLLBACK TO unit")
                    except sqlite3.Error:
                        raise e from None  # SQLite ended the whole transaction (disk full…)
                    outcomes.append((False, e))
                conn.execute("RELEASE unit")
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                try:
                    conn.execute("ROLLBACK")
                except sqlite3.Error:
                    log.exception("ROLLBACK failed; the connection may be unusable")
            raise
        return outcomes

    def run_read(self, work: Callable[[SqliteRepository], Awaitable[T]]) -> T:
        """`work` in a read-only transaction (see SqliteRepository.read)."""
        conn = self._db._conn  # type: ignore[attr-defined]
        conn.execute("PRAGMA query_only = ON")
        try:
            conn.execute("BEGIN")
            try:
                return _complete(work(self))
            finally:
                conn.execute("ROLLBACK")  # it changed nothing: nothing to commit
        finally:
            conn.execute("PRAGMA query_only = OFF")

    async def atomic(self, work: Callable[[SqliteRepository], Awaitable[T]]) -> T:
        raise RuntimeError("a unit of work cannot open another one")

    async def read(self, work: Callable[[SqliteRepository], Awaitable[T]]) -> T:
        raise RuntimeError("a unit of work cannot open another one")

    def transaction(self) -> Any:
        raise RuntimeError("a unit of work cannot open another one")


def _complete(coro: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine that never suspends to its end, without an event loop."""
    try:
        coro.send(None)
    except StopIteration as done:
        return done.value  # type: ignore[no-any-return]
    coro.close()
    raise RuntimeError(
        "a unit of work awaited something other than the repository (the network, a lock,"
        " a sleep); do that before or after it"
    )
