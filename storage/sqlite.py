"""The aiosqlite repository: one connection per process, whole transactions serialised.

aiosqlite runs every statement on one worker thread; two coroutines sharing the connection
would interleave their transactions (one's rollback undone by the other's commit), so every
unit of work holds `_lock` from BEGIN to COMMIT. BEGIN IMMEDIATE takes SQLite's write lock
up front, so a second process on the same file waits (busy_timeout) instead of failing late.

Each awaited statement is a hop to that thread and back (30–110 µs on the machines we
measured, more than most of our statements take to run), so `atomic` sends a whole unit of
work there as one call: the same repository methods run against the sqlite3 connection
directly, and every await inside them completes at once.

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

import aiosqlite

from bot.due import meeting_key
from bot.model import (
    ChannelRef,
    Group,
    Kind,
    Meeting,
    Member,
    Referral,
    Stats,
    Status,
    UserRef,
)
from bot.ports import DueItem
from bot.schedule import hhmm as parse_hhmm
from bot.schedule import local_instant
from storage.dialect import SQLITE
from storage.group_queries import GroupQueries
from storage.outbox import OutboxQueries, new_token
from storage.outbox import _target_json as _target_json  # the fault tests read targets
from storage.privacy import PrivacyQueries
from storage.records import RecordQueries

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


class SqliteRepository(OutboxQueries, PrivacyQueries, GroupQueries, RecordQueries):
    dialect = SQLITE  # the fragments of SQL written differently on PostgreSQL
    units_in_order = True  # units queued together share one transaction (group commit)

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._db = conn
        self._lock = asyncio.Lock()
        self._here: _OnThread | None = None  # this repository on the connection's thread
        self._checkpointer: aiosqlite.Connection | None = None
        self._checkpointing: asyncio.Task[None] | None = None
        self._commits = 0  # since the last checkpoint
        self._queued: list[tuple[Callable[[Any], Awaitable[Any]], asyncio.Future[Any]]] = []
        self._writer: asyncio.Task[None] | None = None

    # --- lifecycle -------------------------------------------------------------------
    @classmethod
    async def open(cls, path: str) -> SqliteRepository:
        if path != ":memory:":
            owner_only(path)
        conn = await aiosqlite.connect(path, isolation_level=None)
        try:
            conn.row_factory = sqlite3.Row
            await conn.execute("PRAGMA busy_timeout = 10000")
            if path != ":memory:":
                await _set_wal(conn)
            await conn.execute("PRAGMA synchronous = NORMAL")
            await conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
            await conn.execute("PRAGMA foreign_keys = ON")
            # for migration 0008, which re-keys planned meeting work by the meeting's instant
            await conn.create_function("rapport_meeting_key", 3, _meeting_key, deterministic=True)
            repo = cls(conn)
            repo._here = _OnThread(_ThreadConnection(conn._conn))
            await repo.migrate()
            if path != ":memory:":
                await conn.execute("PRAGMA wal_autocheckpoint = 0")
                await conn.execute(f"PRAGMA journal_size_limit = {WAL_KEPT_BYTES}")
                repo._checkpointer = await aiosqlite.connect(path, isolation_level=None)
                await repo._checkpointer.execute("PRAGMA synchronous = NORMAL")
        except BaseException:
            # aiosqlite's worker thread keeps the process alive until its connection closes
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
        """Apply the migrations newer than the file's `user_version`; returns the version."""
        async with self._lock:
            await self._db.execute("BEGIN IMMEDIATE")
            try:
                cur = await self._db.execute("PRAGMA user_version")
                version = (await cur.fetchone())[0]
                for number, script in migrations():
                    if number > version:
                        for statement in _statements(script):
                            await self._db.execute(statement)
                        await self._db.execute(f"PRAGMA user_version = {int(number)}")
                        log.info("applied migration %04d", number)
                        version = number
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
                    # aiosqlite's queue to its thread: the one way to run a function there
                    job = asyncio.get_running_loop().create_task(
                        self._db._execute(self._here.run, [w for w, _ in batch])
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
        # statements run in order on aiosqlite's one thread: once this no-op is done, a BEGIN
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
    async def group(self, group_id: int) -> Group | None:
        row = await self._one("SELECT * FROM groups WHERE id = ?", (group_id,))
        return _group(row) if row else None

    async def group_by_channel(self, channel: ChannelRef) -> Group | None:
        row = await self._one(
            "SELECT * FROM groups WHERE platform = ? AND workspace = ? AND channel_id = ?",
            (channel.platform, channel.workspace, channel.channel_id),
        )
        return _group(row) if row else None

    async def groups_of_user(self, user: UserRef) -> list[Group]:
        rows = await self._all(
            "SELECT g.* FROM groups g JOIN members m ON m.group_id = g.id"
            " WHERE m.platform = ? AND m.workspace = ? AND m.user_id = ? AND m.active = 1"
            " ORDER BY g.id",
            (user.platform, user.workspace, user.user_id),
        )
        return [_group(r) for r in rows]

    async def create_group(
        self,
        channel: ChannelRef,
        name: str,
        tz: str,
        currency: str,
        now: int,
        locale: str | None = None,
    ) -> Group:
        gid = await self._insert(
            "INSERT INTO groups (platform, workspace, channel_id, channel_name, name, tz, currency,"
            " created_at, locale) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                channel.platform,
                channel.workspace,
                channel.channel_id,
                channel.name,
                name,
                tz,
                currency,
                now,
                locale,
            ),
        )
        group = await self.group(gid)
        assert group is not None
        return group

    async def set_meeting(self, group_id: int, meeting: Meeting) -> None:
        await self._db.execute(
            "UPDATE groups SET meeting_weekday = ?, meeting_time = ?, tz = ?,"
            " meeting_where = ? WHERE id = ?",
            (meeting.weekday, meeting.time, meeting.tz, meeting.where or None, group_id),
        )

    async def add_skip(self, group_id: int, day: str) -> bool:
        cur = await self._db.execute(
            "INSERT INTO meeting_skips (group_id, day) VALUES (?, ?) ON CONFLICT DO NOTHING",
            (group_id, day),
        )
        return cur.rowcount == 1

    async def skips(self, group_id: int) -> set[str]:
        rows = await self._all("SELECT day FROM meeting_skips WHERE group_id = ?", (group_id,))
        return {r["day"] for r in rows}

    # --- members ---------------------------------------------------------------------
    async def member(self, group_id: int, user_id: str) -> Member | None:
        row = await self._one(
            "SELECT * FROM members WHERE group_id = ? AND user_id = ?", (group_id, user_id)
        )
        return _member(row) if row else None

    async def member_by_id(self, member_id: int) -> Member | None:
        row = await self._one("SELECT * FROM members WHERE id = ?", (member_id,))
        return _member(row) if row else None

    async def members(self, group_id: int) -> list[Member]:
        rows = await self._all(_ROSTER, (group_id,))
        return [_rostered(*r) for r in rows]

    async def add_member(self, group_id: int, user: UserRef, is_admin: bool, now: int) -> Member:
        mid = await self._insert(
            "INSERT INTO members (group_id, platform, workspace, user_id, display_name, is_admin,"
            " joined_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                group_id,
                user.platform,
                user.workspace,
                user.user_id,
                user.display_name,
                int(is_admin),
                now,
            ),
        )
        member = await self.member_by_id(mid)
        assert member is not None
        return member

    _MEMBER_FIELDS = frozenset(
        {
            "display_name",
            "classification",
            "seat_key",
            "ask",
            "email",
            "tz",
            "quiet_hours",
            "dm_enabled",
            "is_admin",
            "active",
            "dm_unreachable_at",
            "suggestions",
        }
    )

    async def update_member(self, member_id: int, **fields: Any) -> Member:
        unknown = set(fields) - self._MEMBER_FIELDS
        if unknown:
            raise ValueError(f"unknown member fields: {sorted(unknown)}")
        if fields:
            assignments = ", ".join(f"{name} = ?" for name in fields)
            await self._db.execute(
                f"UPDATE members SET {assignments} WHERE id = ?", (*fields.values(), member_id)
            )
        member = await self.member_by_id(member_id)
        assert member is not None
        return member

    async def seat_holder(self, group_id: int, key: str) -> Member | None:
        row = await self._one(
            "SELECT * FROM members WHERE group_id = ? AND seat_key = ? AND active = 1",
            (group_id, key),
        )
        return _member(row) if row else None

    async def take_dm_unreachable(self, user: UserRef) -> bool:
        """Whether a DM to this person was refused since they last heard about it; clears it."""
        # every command asks; almost always the answer is no, which a read finds at a
        # fraction of what an UPDATE that changes nothing costs
        rows = await self._all(
            "SELECT id FROM members WHERE platform = ? AND workspace = ? AND user_id = ?"
            " AND dm_unreachable_at IS NOT NULL",
            (user.platform, user.workspace, user.user_id),
        )
        for row in rows:
            await self._db.execute(
                "UPDATE members SET dm_unreachable_at = NULL WHERE id = ?", (row["id"],)
            )
        return bool(rows)

    # --- referrals and leads ---------------------------------------------------------
    async def add_referral(
        self,
        *,
        group_id: int,
        giver_id: int,
        receiver_id: int,
        kind: Kind,
        prospect: str,
        email: str | None,
        phone: str | None,
        need: str | None,
        heat: int,
        inside: bool,
        now: int,
        request_key: str | None,
        heat_given: bool = True,
    ) -> Referral:
        rid = await self._insert(
            "INSERT INTO referrals (group_id, giver_id, receiver_id, kind, prospect, email, phone,"
            " need, heat, inside, created_at, updated_at, request_key, heat_given)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                group_id,
                giver_id,
                receiver_id,
                kind.value,
                prospect,
                email,
                phone,
                need,
                heat,
                int(inside),
                now,
                now,
                request_key,
                int(heat_given),
            ),
        )
        referral = await self.referral(rid)
        assert referral is not None
        return referral

    async def referral(self, referral_id: int) -> Referral | None:
        row = await self._one("SELECT * FROM referrals WHERE id = ?", (referral_id,))
        return _referral(row) if row else None

    async def referrals_of(self, member_id: int, which: str, limit: int) -> list[Referral]:
        """A member's referrals and leads, newest first: given, received, open (received and
        not closed) or all. Newest is the last logged (the highest id), whatever the clock
        said when each was logged: a clock set back must not reorder them."""
        if which == "given":
            where, args = "giver_id = ?", (member_id,)
        elif which == "received":
            where, args = "receiver_id = ?", (member_id,)
        elif which == "open":
            where, args = (
                "receiver_id = ? AND status NOT IN ('won', 'lost') AND ended IS NULL",
                (member_id,),
            )
        else:
            rows = await self._all(
                "SELECT * FROM (SELECT * FROM referrals WHERE giver_id = ?"
                " UNION ALL SELECT * FROM referrals WHERE receiver_id = ?) AS mine"
                " ORDER BY id DESC LIMIT ?",
                (member_id, member_id, limit),
            )
            return [_referral(r) for r in rows]
        rows = await self._all(
            f"SELECT * FROM referrals WHERE {where} ORDER BY id DESC LIMIT ?",
            (*args, limit),
        )
        return [_referral(r) for r in rows]

    async def set_referral_status(
        self, referral_id: int, status: Status, amount_cents: int | None, now: int
    ) -> None:
        await self._db.execute(
            "UPDATE referrals SET status = ?, amount_cents = COALESCE(?, amount_cents),"
            " updated_at = ? WHERE id = ?",
            (status.value, amount_cents, now, referral_id),
        )

    async def add_referral_event(
        self,
        referral_id: int,
        member_id: int,
        status: Status | str,
        note: str | None,
        now: int,
        old_amount_cents: int | None = None,
        new_amount_cents: int | None = None,
    ) -> None:
        """A line of the referral's history: a status change, or (by name) "edited",
        "withdrawn", "amount" (with the amounts), "also_referred"."""
        await self._db.execute(
            "INSERT INTO referral_events (referral_id, member_id, status, note, at,"
            " old_amount_cents, new_amount_cents) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                referral_id,
                member_id,
                str(status.value if isinstance(status, Status) else status),
                note,
                now,
                old_amount_cents,
                new_amount_cents,
            ),
        )

    async def mark_thanked(self, referral_id: int, now: int) -> None:
        await self._db.execute(
            "UPDATE referrals SET thanked_at = COALESCE(thanked_at, ?) WHERE id = ?",
            (now, referral_id),
        )

    # --- closed business, thanks, 1-2-1s ---------------------------------------------
    async def add_closed_business(
        self,
        *,
        group_id: int,
        referral_id: int | None,
        giver_id: int | None,
        receiver_id: int,
        amount_cents: int,
        currency: str,
        note: str | None,
        now: int,
        repeat: bool = False,
    ) -> int:
        return await self._insert(
            "INSERT INTO closed_business (group_id, referral_id, giver_id, receiver_id,"
            " amount_cents, currency, note, at, business) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                group_id,
                referral_id,
                giver_id,
                receiver_id,
                amount_cents,
                currency,
                note,
                now,
                "repeat" if repeat else "new",
            ),
        )

    async def add_thanks(
        self,
        *,
        group_id: int,
        from_id: int,
        to_id: int,
        referral_id: int | None,
        note: str | None,
        now: int,
    ) -> None:
        await self._db.execute(
            "INSERT INTO thanks (group_id, from_id, to_id, referral_id, note, at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (group_id, from_id, to_id, referral_id, note, now),
        )

    async def recent_one_to_one(self, a: int, b: int, since: int) -> tuple[int, int, bool] | None:
        """The latest 1-2-1 of this pair since `since`: (id, logged_by, confirmed)."""
        lo, hi = sorted((a, b))
        row = await self._one(
            "SELECT id, logged_by, confirmed FROM one_to_ones WHERE member_a = ? AND member_b = ?"
            " AND met_at >= ? ORDER BY met_at DESC LIMIT 1",
            (lo, hi, since),
        )
        return (row["id"], row["logged_by"], bool(row["confirmed"])) if row else None

    async def add_one_to_one(
        self, group_id: int, a: int, b: int, logged_by: int, note: str | None, now: int
    ) -> None:
        lo, hi = sorted((a, b))
        await self._db.execute(
            "INSERT INTO one_to_ones (group_id, member_a, member_b, logged_by, note, met_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (group_id, lo, hi, logged_by, note, now),
        )

    async def confirm_one_to_one(self, one_to_one_id: int) -> None:
        await self._db.execute(
            "UPDATE one_to_ones SET confirmed = 1 WHERE id = ?", (one_to_one_id,)
        )

    # --- numbers ---------------------------------------------------------------------
    async def stats(self, group_id: int, member_id: int | None, since: int, until: int) -> Stats:
        """Counts for [since, until): one member's, or the whole group's when member_id is None."""
        r = await self._one(
            "SELECT"
            " COUNT(*) FILTER (WHERE kind = 'referral' AND (CAST(:m AS BIGINT) IS NULL OR giver_id = :m)) AS rg,"
            " COUNT(*) FILTER (WHERE kind = 'referral' AND (CAST(:m AS BIGINT) IS NULL OR receiver_id = :m)) AS rr,"
            " COUNT(*) FILTER (WHERE kind = 'lead' AND (CAST(:m AS BIGINT) IS NULL OR giver_id = :m)) AS lg,"
            " COUNT(*) FILTER (WHERE kind = 'lead' AND (CAST(:m AS BIGINT) IS NULL OR receiver_id = :m)) AS lr"
            " FROM referrals WHERE group_id = :g AND created_at >= :s AND created_at < :u"
            " AND (CAST(:m AS BIGINT) IS NULL OR giver_id = :m OR receiver_id = :m) AND COALESCE(ended, '') <> 'withdrawn'",
            {"g": group_id, "m": member_id, "s": since, "u": until},
        )
        cb = await self._one(
            "SELECT COALESCE(SUM(amount_cents), 0) AS total,"
            " COALESCE(SUM(amount_cents) FILTER (WHERE business = 'repeat'), 0) AS repeat"
            " FROM closed_business"
            " WHERE group_id = :g AND at >= :s AND at < :u AND (CAST(:m AS BIGINT) IS NULL OR receiver_id = :m)",
            {"g": group_id, "m": member_id, "s": since, "u": until},
        )
        oo = await self._one(
            "SELECT COUNT(*) AS n FROM one_to_ones WHERE group_id = :g AND met_at >= :s"
            " AND met_at < :u AND (CAST(:m AS BIGINT) IS NULL OR member_a = :m OR member_b = :m)",
            {"g": group_id, "m": member_id, "s": since, "u": until},
        )
        th = await self._one(
            "SELECT COUNT(*) AS n FROM thanks WHERE group_id = :g AND at >= :s AND at < :u"
            " AND (CAST(:m AS BIGINT) IS NULL OR from_id = :m)",
            {"g": group_id, "m": member_id, "s": since, "u": until},
        )
        assert r and cb and oo and th
        return Stats(
            referrals_given=r["rg"],
            referrals_received=r["rr"],
            leads_given=r["lg"],
            leads_received=r["lr"],
            closed_business_cents=cb["total"],
            repeat_business_cents=cb["repeat"],
            one_to_ones=oo["n"],
            thanks_given=th["n"],
        )

    # --- scheduled work --------------------------------------------------------------
    async def due_add(
        self, group_id: int, kind: str, target_id: int, occurrence: str, due_at: int
    ) -> bool:
        """Plan a piece of work once: the same (kind, group, target, occurrence) is ignored
        unless it was cancelled, in which case it is planned again at the new time."""
        cur = await self._db.execute(
            "INSERT INTO due_work (group_id, kind, target_id, occurrence, due_at)"
            " VALUES (?, ?, ?, ?, ?)"
            " ON CONFLICT (kind, group_id, target_id, occurrence) DO UPDATE"
            " SET due_at = excluded.due_at, state = 'pending', claimed_at = NULL, done_at = NULL"
            " WHERE due_work.state = 'cancelled'",
            (group_id, kind, target_id, occurrence, due_at),
        )
        return cur.rowcount == 1

    async def due_claim(
        self, now: int, limit: int, stale_before: int, token: str | None = None
    ) -> list[DueItem]:
        """Claim what is due, oldest first, under `token`; a row left 'running' by a crashed
        process since before `stale_before` is claimed again."""
        # Merged from two reads of due_work_due in (due_at, id) order, as in outbox_claim: one
        # OR'd WHERE sorted every due row for each batch of DUE_BATCH.
        claim = token or new_token()
        rows = await self._all(
            self.dialect.claim(
                "due_work",
                sets="state = 'running', claimed_at = :now, claim_token = :token",
                fresh="state = 'pending' AND due_at <= :now",
                stale="state = 'running' AND claimed_at < :stale",
                order="due_at",
                returning="id, group_id, kind, target_id, occurrence, due_at, claimed_at, note",
            ),
            {"now": now, "stale": stale_before, "limit": limit, "token": claim},
        )
        items = [DueItem(*tuple(r)[:7], claim=claim, note=r["note"]) for r in rows]
        items.sort(key=lambda i: (i.due_at, i.id))
        return items

    async def due_finish(
        self, item: DueItem, state: str, now: int, note: str | None = None
    ) -> bool:
        """Close a claimed row; False when the claim was lost (another process reclaimed it),
        in which case the caller rolls back what it did."""
        cur = await self._db.execute(
            "UPDATE due_work SET state = ?, done_at = ?, note = ?"
            " WHERE id = ? AND state = 'running' AND claim_token = ?",
            (state, now, note, item.id, item.claim),
        )
        return cur.rowcount == 1

    async def due_postpone(self, item: DueItem, due_at: int) -> bool:
        cur = await self._db.execute(
            "UPDATE due_work SET state = 'pending', due_at = ?, claimed_at = NULL,"
            " claim_token = NULL WHERE id = ? AND state = 'running' AND claim_token = ?",
            (due_at, item.id, item.claim),
        )
        return cur.rowcount == 1

    async def due_cancel(
        self,
        group_id: int,
        kinds: tuple[str, ...],
        now: int,
        target_id: int | None = None,
        occurrence: str | None = None,
        occurrence_after: str | None = None,
    ) -> int:
        marks = ", ".join("?" for _ in kinds)
        cur = await self._db.execute(
            f"UPDATE due_work SET state = 'cancelled', done_at = ? WHERE group_id = ?"
            f" AND kind IN ({marks}) AND state = 'pending'"
            " AND (CAST(? AS BIGINT) IS NULL OR target_id = ?)"
            " AND (CAST(? AS TEXT) IS NULL OR occurrence = ?)"
            " AND (CAST(? AS TEXT) IS NULL OR occurrence > ?)",
            (
                now,
                group_id,
                *kinds,
                target_id,
                target_id,
                occurrence,
                occurrence,
                occurrence_after,
                occurrence_after,
            ),
        )
        return cur.rowcount

    async def due_snooze(
        self, group_id: int, target_id: int, kinds: tuple[str, ...], until: int
    ) -> int:
        marks = ", ".join("?" for _ in kinds)
        cur = await self._db.execute(
            "UPDATE due_work SET due_at = CASE WHEN due_at > ? THEN due_at ELSE ? END"
            f" WHERE group_id = ? AND target_id = ? AND kind IN ({marks}) AND state = 'pending'",
            (until, until, group_id, target_id, *kinds),
        )
        return cur.rowcount

    async def due_finished_after(
        self, after: int, kinds: tuple[str, ...]
    ) -> list[tuple[DueItem, str]]:
        """Group work of these kinds done or dropped after `after`, with its state: only a
        clock set back finds any. Along due_work_finished, named: without statistics SQLite
        would read every finished row of group work (due_work_target) at every tick."""
        marks = ", ".join("?" for _ in kinds)
        rows = await self._all(
            "SELECT id, group_id, kind, target_id, occurrence, due_at, COALESCE(claimed_at, 0),"
            f" state, note FROM due_work{self.dialect.indexed_by('due_work_finished')}"
            " WHERE target_id = 0 AND state IN ('done', 'dropped')"
            f" AND done_at > ? AND kind IN ({marks}) ORDER BY due_at, id",
            (after, *kinds),
        )
        return [(DueItem(*tuple(r)[:7], note=r["note"]), r["state"]) for r in rows]

    async def due_last_done(self, group_id: int, kind: str, before: int) -> int | None:
        """When the group's last work of this kind that ran was due, before `before`."""
        # the unique (kind, group_id, …) index reads the group's rows of this kind: `+` keeps
        # SQLite from reading every finished row of every group along due_work_due instead
        row = await self._one(
            "SELECT MAX(due_at) AS t FROM due_work WHERE kind = ? AND group_id = ?"
            f" AND target_id = 0 AND {self.dialect.unindexed('state')} = 'done'"
            f" AND {self.dialect.unindexed('due_at')} < ?",
            (kind, group_id, before),
        )
        return row["t"] if row else None

    async def due_reopen(self, item_id: int, note: str | None = None) -> bool:
        """Plan a finished row again, at its own due time; `note` tells its next run why."""
        cur = await self._db.execute(
            "UPDATE due_work SET state = 'pending', claimed_at = NULL, done_at = NULL, note = ?"
            " WHERE id = ? AND state IN ('done', 'dropped')",
            (note, item_id),
        )
        return cur.rowcount == 1

    async def due_next(self) -> int | None:
        row = await self._one("SELECT MIN(due_at) AS t FROM due_work WHERE state = 'pending'")
        return row["t"] if row else None

    async def due_planned(self, group_id: int, kinds: tuple[str, ...]) -> list[DueItem]:
        """The group's own work of these kinds still pending (not a referral's), along the
        unique (kind, group_id, …) index: `+state` keeps SQLite off due_work_due, which
        would read every group's pending rows."""
        marks = ", ".join("?" for _ in kinds)
        rows = await self._all(
            "SELECT id, group_id, kind, target_id, occurrence, due_at, COALESCE(claimed_at, 0)"
            f" FROM due_work WHERE kind IN ({marks}) AND group_id = ? AND target_id = 0"
            f" AND {self.dialect.unindexed('state')} = 'pending' ORDER BY due_at, id",
            (*kinds, group_id),
        )
        return [DueItem(*tuple(r)) for r in rows]

    async def due_pending(self, group_id: int) -> list[DueItem]:
        rows = await self._all(
            "SELECT id, group_id, kind, target_id, occurrence, due_at, COALESCE(claimed_at, 0)"
            " FROM due_work WHERE group_id = ? AND state = 'pending' ORDER BY due_at, id",
            (group_id,),
        )
        return [DueItem(*tuple(r)) for r in rows]

    # --- the admin's settings and open seats -----------------------------------------
    async def group_settings(self, group_id: int) -> dict[str, str]:
        rows = await self._all(
            "SELECT key, value FROM group_settings WHERE group_id = ?", (group_id,)
        )
        return {r["key"]: r["value"] for r in rows}

    async def set_group_setting(self, group_id: int, key: str, value: str | None) -> None:
        if value is None:
            await self._db.execute(
                "DELETE FROM group_settings WHERE group_id = ? AND key = ?", (group_id, key)
            )
        else:
            await self._db.execute(
                "INSERT INTO group_settings (group_id, key, value) VALUES (?, ?, ?)"
                " ON CONFLICT (group_id, key) DO UPDATE SET value = excluded.value",
                (group_id, key, value),
            )

    async def set_group_currency(self, group_id: int, currency: str) -> None:
        await self._db.execute("UPDATE groups SET currency = ? WHERE id = ?", (currency, group_id))

    async def set_group_locale(self, group_id: int, locale: str | None) -> None:
        await self._db.execute("UPDATE groups SET locale = ? WHERE id = ?", (locale, group_id))

    async def wanted_seats(self, group_id: int) -> list[str]:
        rows = await self._all(
            "SELECT classification FROM wanted_seats WHERE group_id = ? ORDER BY seat_key",
            (group_id,),
        )
        return [r["classification"] for r in rows]

    async def add_wanted_seat(self, group_id: int, key: str, classification: str) -> bool:
        cur = await self._db.execute(
            "INSERT INTO wanted_seats (group_id, seat_key, classification)"
            " VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
            (group_id, key, classification),
        )
        return cur.rowcount == 1

    async def remove_wanted_seat(self, group_id: int, key: str) -> bool:
        cur = await self._db.execute(
            "DELETE FROM wanted_seats WHERE group_id = ? AND seat_key = ?", (group_id, key)
        )
        return cur.rowcount == 1

    # --- what reminders and recaps report --------------------------------------------
    async def last_given_at(self, member_id: int) -> int | None:
        row = await self._one(
            "SELECT MAX(created_at) AS t FROM referrals WHERE giver_id = ?"
            " AND COALESCE(ended, '') <> 'withdrawn'",
            (member_id,),
        )
        return row["t"] if row else None

    async def givers_since(self, group_id: int, since: int) -> set[int]:
        """The members of a group who gave a referral or lead at or after `since`."""
        rows = await self._all(
            "SELECT DISTINCT giver_id FROM referrals WHERE group_id = ? AND created_at >= ?",
            (group_id, since),
        )
        return {r[0] for r in rows}

    async def givers_between(
        self, group_id: int, since: int, until: int
    ) -> list[tuple[int, int, int]]:
        """(member id, referrals given, leads given) for members who gave, most first."""
        rows = await self._all(
            "SELECT giver_id, COUNT(*) FILTER (WHERE kind = 'referral') AS r,"
            " COUNT(*) FILTER (WHERE kind = 'lead') AS l"
            " FROM referrals WHERE group_id = ? AND created_at >= ? AND created_at < ?"
            " AND COALESCE(ended, '') <> 'withdrawn' GROUP BY giver_id ORDER BY COUNT(*) DESC, giver_id",
            (group_id, since, until),
        )
        return [(r["giver_id"], r["r"], r["l"]) for r in rows]

    async def thanks_between(self, group_id: int, since: int, until: int) -> list[tuple[int, int]]:
        rows = await self._all(
            "SELECT from_id, to_id FROM thanks WHERE group_id = ? AND at >= ? AND at < ?"
            " ORDER BY at, id",
            (group_id, since, until),
        )
        return [(r["from_id"], r["to_id"]) for r in rows]

    # --- attendance and visitors ------------------------------------------------------
    async def set_rsvp(self, group_id: int, member_id: int, day: str, rsvp: str) -> None:
        await self._db.execute(
            "INSERT INTO attendance (group_id, member_id, day, rsvp) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (member_id, day) DO UPDATE SET rsvp = excluded.rsvp",
            (group_id, member_id, day, rsvp),
        )

    async def set_attendance(self, group_id: int, member_id: int, day: str, status: str) -> None:
        await self._db.execute(
            "INSERT INTO attendance (group_id, member_id, day, status) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (member_id, day) DO UPDATE SET status = excluded.status",
            (group_id, member_id, day, status),
        )

    async def attendance_on(
        self, group_id: int, day: str
    ) -> dict[int, tuple[str | None, str | None]]:
        """member id → (rsvp, confirmed status) for one meeting."""
        rows = await self._all(
            "SELECT member_id, rsvp, status FROM attendance WHERE group_id = ? AND day = ?",
            (group_id, day),
        )
        return {r["member_id"]: (r["rsvp"], r["status"]) for r in rows}

    async def attendance_of(self, member_id: int, since_day: str, until_day: str) -> dict[str, int]:
        """How often a member was present, late, absent or sent a substitute (confirmed)."""
        rows = await self._all(
            "SELECT status, COUNT(*) AS n FROM attendance WHERE member_id = ? AND day >= ?"
            " AND day < ? AND status IS NOT NULL GROUP BY status",
            (member_id, since_day, until_day),
        )
        return {r["status"]: r["n"] for r in rows}

    async def add_visitor(self, group_id: int, name: str, invited_by: int | None, now: int) -> None:
        await self._db.execute(
            "INSERT INTO visitors (group_id, name, invited_by, at) VALUES (?, ?, ?, ?)",
            (group_id, name, invited_by, now),
        )

    async def visitors_between(
        self, group_id: int, since: int, until: int
    ) -> list[tuple[str, int | None]]:
        rows = await self._all(
            "SELECT name, invited_by FROM visitors WHERE group_id = ? AND at >= ? AND at < ?"
            " ORDER BY at, id",
            (group_id, since, until),
        )
        return [(r["name"], r["invited_by"]) for r in rows]

    async def member_activity(self, member_id: int, since: int, until: int) -> dict[str, int]:
        """What a member did in [since, until): given referrals and leads, 1-2-1s, closed
        business reported (as receiver), visitors invited. Counts only, never amounts."""
        row = await self._one(
            "SELECT"
            " (SELECT COUNT(*) FROM referrals WHERE giver_id = :m AND created_at >= :s"
            "   AND created_at < :u AND COALESCE(ended, '') <> 'withdrawn') AS given,"
            " (SELECT COUNT(*) FROM one_to_ones WHERE (member_a = :m OR member_b = :m)"
            "   AND met_at >= :s AND met_at < :u) AS one_to_ones,"
            " (SELECT COUNT(*) FROM closed_business WHERE receiver_id = :m AND at >= :s"
            "   AND at < :u) AS business,"
            " (SELECT COUNT(*) FROM visitors WHERE invited_by = :m AND at >= :s"
            "   AND at < :u) AS visitors",
            {"m": member_id, "s": since, "u": until},
        )
        assert row is not None
        return {k: row[k] for k in ("given", "one_to_ones", "business", "visitors")}

    # --- 1-2-1 suggestions and monthly numbers ----------------------------------------
    async def last_suggestion(self, member_id: int) -> int | None:
        row = await self._one(
            "SELECT suggested_id FROM one_to_one_suggestions WHERE member_id = ?"
            " ORDER BY at DESC, id DESC LIMIT 1",
            (member_id,),
        )
        return row["suggested_id"] if row else None

    async def add_suggestion(
        self, group_id: int, member_id: int, suggested_id: int, now: int
    ) -> None:
        await self._db.execute(
            "INSERT INTO one_to_one_suggestions (group_id, member_id, suggested_id, at)"
            " VALUES (?, ?, ?, ?)",
            (group_id, member_id, suggested_id, now),
        )

    async def last_met(self, member_id: int) -> dict[int, int]:
        """Other member id → when this member last had a 1-2-1 with them."""
        rows = await self._all(
            "SELECT CASE WHEN member_a = :m THEN member_b ELSE member_a END AS other,"
            " MAX(met_at) AS t FROM one_to_ones WHERE member_a = :m OR member_b = :m"
            " GROUP BY other",
            {"m": member_id},
        )
        return {r["other"]: r["t"] for r in rows}

    async def weekly_numbers(
        self, group_id: int, starts: list[int], ends: list[int] | None = None
    ) -> list[tuple[int, int, int]]:
        """(referrals, leads, closed business cents) for each week from `starts` to `ends`
        (the group's local weeks: a week across a clock change is not 7 × 86400 s long);
        without `ends`, 7 days from each start."""
        out = []
        for i, start in enumerate(starts):
            end = ends[i] if ends is not None else start + 7 * 86400
            s = await self.stats(group_id, None, start, end)
            out.append((s.referrals_given, s.leads_given, s.closed_business_cents))
        return out

    # --- processed requests ----------------------------------------------------------
    async def request_reply(self, key: str) -> str | None:
        row = await self._one("SELECT reply FROM requests WHERE key = ?", (key,))
        return row["reply"] if row else None

    async def save_request(self, key: str, reply: str, now: int) -> None:
        await self._db.execute(
            "INSERT INTO requests (key, reply, at) VALUES (?, ?, ?)", (key, reply, now)
        )


async def _set_wal(conn: aiosqlite.Connection) -> None:
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


def _group(r: sqlite3.Row) -> Group:
    meeting = None
    if r["meeting_weekday"] is not None:
        meeting = Meeting(
            r["meeting_weekday"], r["meeting_time"], r["tz"], r["meeting_where"] or ""
        )
    return Group(
        id=r["id"],
        platform=r["platform"],
        workspace=r["workspace"],
        channel_id=r["channel_id"],
        channel_name=r["channel_name"],
        name=r["name"],
        tz=r["tz"],
        currency=r["currency"],
        meeting=meeting,
        created_at=r["created_at"],
        locale=r["locale"],
    )


# A reminder minute reads every group's roster (the bench's: 250,000 members): its columns
# are named once here and taken by position, not looked up by name for each member.
_ROSTER = (
    "SELECT id, group_id, platform, workspace, user_id, display_name, classification, ask,"
    " email, tz, quiet_hours, dm_enabled, is_admin, active, joined_at, suggestions,"
    " forgotten_at FROM members WHERE group_id = ? AND active = 1 ORDER BY joined_at, id"
)


def _rostered(
    id: int,
    group_id: int,
    platform: str,
    workspace: str,
    user_id: str,
    display_name: str,
    classification: str | None,
    ask: str | None,
    email: str | None,
    tz: str | None,
    quiet_hours: str | None,
    dm_enabled: int,
    is_admin: int,
    active: int,
    joined_at: int,
    suggestions: int,
    forgotten_at: int | None,
) -> Member:
    """A row of _ROSTER, as `_member` reads a whole row."""
    return Member(
        id,
        group_id,
        UserRef(platform, workspace, user_id, display_name),
        classification,
        ask,
        email,
        tz,
        quiet_hours,
        bool(dm_enabled),
        bool(is_admin),
        bool(active),
        joined_at,
        bool(suggestions),
        forgotten_at is not None,
    )


def _member(r: sqlite3.Row) -> Member:
    return Member(
        id=r["id"],
        group_id=r["group_id"],
        user=UserRef(r["platform"], r["workspace"], r["user_id"], r["display_name"]),
        classification=r["classification"],
        ask=r["ask"],
        email=r["email"],
        tz=r["tz"],
        quiet_hours=r["quiet_hours"],
        suggestions=bool(r["suggestions"]),
        dm_enabled=bool(r["dm_enabled"]),
        is_admin=bool(r["is_admin"]),
        active=bool(r["active"]),
        joined_at=r["joined_at"],
        forgotten=r["forgotten_at"] is not None,
    )


def _referral(r: sqlite3.Row) -> Referral:
    return Referral(
        id=r["id"],
        group_id=r["group_id"],
        giver_id=r["giver_id"],
        receiver_id=r["receiver_id"],
        kind=Kind(r["kind"]),
        prospect=r["prospect"],
        email=r["email"],
        phone=r["phone"],
        need=r["need"],
        heat=r["heat"],
        inside=bool(r["inside"]),
        status=Status(r["status"]),
        amount_cents=r["amount_cents"],
        created_at=r["created_at"],
        updated_at=r["updated_at"],
        thanked_at=r["thanked_at"],
        heat_given=bool(r["heat_given"]),
        ended=r["ended"],
        ended_at=r["ended_at"],
    )


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
    """aiosqlite's calls over the sqlite3 connection, for code already on its thread: each
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

    async def atomic(self, work: Callable[[SqliteRepository], Awaitable[T]]) -> T:
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
