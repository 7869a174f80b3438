"""The SQLite repository on real files: migrations, pragmas, durability across a restart,
idempotent platform requests, refusals that store nothing, foreign keys and transactions."""

from __future__ import annotations

import asyncio
import gc
import re
import sqlite3
import threading
from collections.abc import AsyncIterator
from contextlib import closing
from pathlib import Path

import pytest

from bot.config import Settings
from bot.model import Kind, UserRef
from bot.service import Core
from bot.work import Context
from storage import sqlite as storage_sqlite
from storage.sqlite import SqliteRepository, migrations
from storage.sqlite.thread import SqliteThread
from tests.conftest import Chat
from tests.fakes import FakeClock, FakeResolver, RecordingMessenger, channel, user

# the first release's tables; later migrations may add more (`scripted_tables` has them all)
CORE_TABLES = {
    "groups",
    "members",
    "referrals",
    "referral_events",
    "closed_business",
    "thanks",
    "one_to_ones",
    "meeting_skips",
    "outbox",
    "requests",
}

REFERRAL = "/referral @bob Jane Roe jane@roe.example -- new geyser"


# --- helpers ---------------------------------------------------------------------------------
def plain(path: Path) -> closing[sqlite3.Connection]:
    """A plain sqlite3 connection to the file, as an operator with the sqlite3 shell."""
    return closing(sqlite3.connect(path))


def scalar(path: Path, sql: str, args: tuple[object, ...] = ()) -> object:
    with plain(path) as db:
        return db.execute(sql, args).fetchone()[0]


def tables(path: Path) -> set[str]:
    with plain(path) as db:
        rows = db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        ).fetchall()
    return {r[0] for r in rows}


def snapshot(path: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table."""
    with plain(path) as db:
        return {
            t: db.execute(f"SELECT * FROM {t} ORDER BY rowid").fetchall()
            for t in sorted(tables(path))
        }


def counts(path: Path) -> dict[str, int]:
    with plain(path) as db:
        return {
            t: db.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in sorted(tables(path))
        }


def scripted_tables() -> set[str]:
    """Every table a migration script creates."""
    return {
        name
        for _, script in migrations()
        for name in re.findall(r"CREATE TABLE\s+(\w+)", script, re.IGNORECASE)
    }


def latest_migration() -> int:
    return max(number for number, _ in migrations())


def settings() -> Settings:
    return Settings(timezone="Africa/Johannesburg", currency="ZAR")


def _running_connections() -> list[SqliteThread]:
    return [o for o in gc.get_objects() if isinstance(o, SqliteThread) and o.running]


async def _open_and_count_leaks(path: Path, match: str | None = None) -> int:
    """Open `path`, which must fail; returns how many connections it left open.

    A connection nobody closes keeps its thread (and its file) open after the error: the
    bot must close what it opened before it reports that it cannot open its database.
    (The leaked ones are closed here, so that this test fails instead of hanging the run.)"""
    before = {id(c) for c in _running_connections()}
    with pytest.raises(sqlite3.DatabaseError, match=match):
        await SqliteRepository.open(str(path))
    leaked = [c for c in _running_connections() if id(c) not in before]
    for conn in leaked:
        await conn.close()
    return len(leaked)


# --- fixtures: the shared conftest fixtures, on a real file ---------------------------------
@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "rapport.db"


@pytest.fixture
async def repo(db_path: Path) -> AsyncIterator[SqliteRepository]:
    r = await SqliteRepository.open(str(db_path))
    yield r
    await r.close()


# --- migrations and pragmas ------------------------------------------------------------------
def test_the_migrations_are_numbered_from_one_without_gaps() -> None:
    numbers = [number for number, _ in migrations()]
    assert numbers == list(range(1, len(numbers) + 1))


async def test_migrating_an_empty_file_creates_every_table_and_sets_user_version(
    tmp_path: Path,
) -> None:
    path = tmp_path / "fresh.db"
    repo = await SqliteRepository.open(str(path))
    await repo.close()

    assert scripted_tables() >= CORE_TABLES
    assert tables(path) == scripted_tables()
    assert scalar(path, "PRAGMA user_version") == latest_migration()
    with plain(path) as db:
        indexes = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert {"members_seat", "outbox_due", "referrals_group_time"} <= indexes


async def test_opening_a_migrated_file_again_changes_nothing(
    db_path: Path, clock: FakeClock
) -> None:
    repo = await SqliteRepository.open(str(db_path))
    core = Core(repo, RecordingMessenger(), clock, FakeResolver(), settings())
    chat = Chat(core, channel())
    assert "set up" in await chat("alice", "/rapport setup Breakfast Club")
    assert "Welcome" in await chat("alice", "/rapport join Commercial insurance")
    await repo.close()
    before = snapshot(db_path)
    version = scalar(db_path, "PRAGMA user_version")

    again = await SqliteRepository.open(str(db_path))
    try:
        assert await again.migrate() == version  # a third run, on the open connection
    finally:
        await again.close()

    assert version == latest_migration()
    assert scalar(db_path, "PRAGMA user_version") == version
    assert snapshot(db_path) == before
    assert before["groups"] and before["members"]


async def test_a_new_migration_is_applied_to_an_existing_file_alone(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = await SqliteRepository.open(str(db_path))
    async with repo.transaction() as tx:
        await tx.groups.create(channel(), "Breakfast Club", "UTC", "USD", 1)
    await repo.close()

    shipped = migrations()
    every_table = scripted_tables()
    nxt = latest_migration() + 1
    extra = (nxt, "-- a later release\nCREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT);\n")
    monkeypatch.setattr(storage_sqlite, "migrations", lambda: [*shipped, extra])

    upgraded = await SqliteRepository.open(str(db_path))
    await upgraded.close()

    assert scalar(db_path, "PRAGMA user_version") == nxt
    assert tables(db_path) == every_table | {"notes"}
    assert scalar(db_path, "SELECT name FROM groups") == "Breakfast Club"


async def test_a_failing_migration_leaves_the_file_at_its_old_version(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = await SqliteRepository.open(str(db_path))
    await repo.close()
    shipped = migrations()
    nxt = latest_migration() + 1
    broken = (
        nxt,
        "CREATE TABLE notes (id INTEGER PRIMARY KEY);\nINSERT INTO no_such_table VALUES (1);\n",
    )
    monkeypatch.setattr(storage_sqlite, "migrations", lambda: [*shipped, broken])

    await _open_and_count_leaks(db_path, match="no_such_table")  # it raises, and says why

    assert scalar(db_path, "PRAGMA user_version") == latest_migration()
    assert "notes" not in tables(db_path)


async def test_a_failed_migration_does_not_leave_its_connection_open(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shipped = migrations()
    broken = (latest_migration() + 1, "INSERT INTO no_such_table VALUES (1);\n")
    monkeypatch.setattr(storage_sqlite, "migrations", lambda: [*shipped, broken])
    assert await _open_and_count_leaks(db_path) == 0


async def test_opening_a_file_that_is_not_a_database_does_not_leave_its_connection_open(
    tmp_path: Path,
) -> None:
    path = tmp_path / "rapport.toml"
    path.write_text('database = "rapport.db"\n' * 200)
    assert await _open_and_count_leaks(path) == 0
    assert path.read_text() == 'database = "rapport.db"\n' * 200


async def test_two_processes_opening_a_fresh_file_at_once_migrate_it_once(
    db_path: Path,
) -> None:
    one, two = await asyncio.gather(
        SqliteRepository.open(str(db_path)), SqliteRepository.open(str(db_path))
    )
    await one.close()
    await two.close()
    assert scalar(db_path, "PRAGMA user_version") == latest_migration()
    assert tables(db_path) == scripted_tables()
    assert scalar(db_path, "PRAGMA journal_mode") == "wal"


async def test_the_file_is_in_wal_mode_and_foreign_keys_are_enforced(
    db_path: Path, repo: SqliteRepository
) -> None:
    # journal_mode=WAL is a property of the file: a fresh connection sees it too
    assert scalar(db_path, "PRAGMA journal_mode") == "wal"
    # foreign_keys is per connection: ask the repository's own
    cur = await repo._db.execute("PRAGMA foreign_keys")
    assert (await cur.fetchone())[0] == 1
    cur = await repo._db.execute("PRAGMA journal_mode")
    assert (await cur.fetchone())[0] == "wal"


# --- durability --------------------------------------------------------------------------------
async def test_a_group_week_survives_a_close_and_reopen(db_path: Path, clock: FakeClock) -> None:
    first_repo = await SqliteRepository.open(str(db_path))
    messenger = RecordingMessenger()
    chat = Chat(Core(first_repo, messenger, clock, FakeResolver(), settings()), channel())

    # Monday
    assert "set up" in await chat("alice", "/rapport setup Breakfast Club")
    assert "Welcome" in await chat("alice", "/rapport join Commercial insurance")
    assert "Welcome" in await chat("bob", "/rapport join Residential plumbing")
    assert "Welcome" in await chat("carol", "/rapport join Roofing")
    assert "Saved" in await chat(
        "alice", "/rapport meeting set wednesday 07:00 Africa/Johannesburg -- The Oaks"
    )
    assert "Referral #1 to @bob is logged" in await chat(
        "alice", "/referral @bob Jane Roe jane@roe.example 082 555 1234 -- new geyser heat:4"
    )
    assert "Lead #2 to @bob is logged" in await chat(
        "carol", "/lead @bob Acme Roofing -- their office needs a plumber"
    )
    # Tuesday to Thursday
    clock.advance(days=1)
    assert "#1 is now contacted" in await chat("bob", "/referrals update 1 contacted")
    assert "Saved" in await chat("bob", "/rapport profile ask homeowners planning a kitchen")
    clock.advance(days=1)
    assert "logged" in await chat("alice", "/onetoone @carol -- coffee at Rio")
    assert "counts once" in await chat("carol", "/onetoone @alice")
    clock.advance(days=1)
    assert "#1 is now won" in await chat("bob", "/referrals update 1 won 1500 -- signed today")
    assert "posted in the channel" in await chat("bob", "/thanks @alice 1 -- a lovely client")

    views = [
        ("alice", "/referrals"),
        ("bob", "/referrals"),
        ("carol", "/referrals given"),
        ("alice", "/stats"),
        ("bob", "/stats"),
        ("carol", "/stats"),
        ("alice", "/stats @bob"),
        ("bob", "/rapport profile"),
        ("carol", "/rapport meeting"),
    ]
    before = [await chat(who, line) for who, line in views]
    await first_repo.close()

    # what the people saw is what the week held
    assert "#1 referral to @bob: Jane Roe — won" in before[0]
    assert "#2 lead from @carol: Acme Roofing — open" in before[1]
    assert "#1 referral from @alice: Jane Roe — won" in before[1]
    assert "This week: 1 referral given, 0 received" in before[3]
    assert "This week: 0 referrals given, 1 received, 0 leads given, 1 received," in before[4]
    assert "closed business R1\u00a0500,00" in before[4]
    assert "1 1-2-1" in before[5]
    assert "homeowners planning a kitchen" in before[7]
    assert "Wednesdays at 07:00 (Africa/Johannesburg), The Oaks" in before[8]

    second_repo = await SqliteRepository.open(str(db_path))
    try:
        later = RecordingMessenger()
        again = Chat(Core(second_repo, later, clock, FakeResolver(), settings()), channel())
        after = [await again(who, line) for who, line in views]
    finally:
        await second_repo.close()

    assert after == before
    assert later.sent == []  # everything was already delivered before the restart
    assert scalar(db_path, "SELECT COUNT(*) FROM outbox WHERE state <> 'sent'") == 0


# --- idempotent platform requests -------------------------------------------------------------
def referral_count(path: Path) -> int:
    n = scalar(path, "SELECT COUNT(*) FROM referrals")
    assert isinstance(n, int)
    return n


async def test_a_retried_request_is_answered_from_the_stored_reply(
    group: Chat, messenger: RecordingMessenger, db_path: Path
) -> None:
    first = await group("alice", REFERRAL, key="trigger-1")
    retried = await group("alice", REFERRAL, key="trigger-1")

    assert "Referral #1 to @bob is logged" in first
    assert retried == first
    assert referral_count(db_path) == 1
    assert len(messenger.dms_to("bob")) == 1
    assert len(messenger.posts()) == 1
    assert scalar(db_path, "SELECT request_key FROM referrals") == "trigger-1"

    other = await group("alice", REFERRAL.replace("Jane Roe jane@", "Tom Lee tom@"), key="trigger-2")
    assert "Referral #2 to @bob is logged" in other
    assert referral_count(db_path) == 2
    assert len(messenger.dms_to("bob")) == 2
    assert len(messenger.posts()) == 2


async def test_a_request_retried_while_the_first_is_running_is_done_once(
    group: Chat, messenger: RecordingMessenger, db_path: Path
) -> None:
    a, b = await asyncio.gather(
        group("alice", REFERRAL, key="trigger-1"), group("alice", REFERRAL, key="trigger-1")
    )
    assert a == b
    assert "Referral #1 to @bob is logged" in a
    assert referral_count(db_path) == 1
    assert len(messenger.dms_to("bob")) == 1


async def test_a_request_retried_on_another_process_is_answered_not_redone(
    group: Chat, messenger: RecordingMessenger, db_path: Path, clock: FakeClock
) -> None:
    first = await group("alice", REFERRAL, key="trigger-1")
    other_repo = await SqliteRepository.open(str(db_path))
    try:
        other_messenger = RecordingMessenger()
        other = Chat(
            Core(other_repo, other_messenger, clock, FakeResolver(), settings()), channel()
        )
        retried = await other("alice", REFERRAL, key="trigger-1")
    finally:
        await other_repo.close()

    assert retried == first
    assert referral_count(db_path) == 1
    assert len(messenger.dms_to("bob")) == 1
    assert other_messenger.sent == []


# --- refusals store nothing ---------------------------------------------------------------------
async def test_refused_commands_store_nothing(
    group: Chat, messenger: RecordingMessenger, db_path: Path, clock: FakeClock
) -> None:
    assert "Referral #1 to @bob is logged" in await group("alice", REFERRAL)
    assert "#1 is now won" in await group("bob", "/referrals update 1 won 1500")
    messenger.clear()
    clock.advance(hours=1)
    before_counts = counts(db_path)
    before = snapshot(db_path)
    assert set(before_counts) == scripted_tables()

    refusals = {
        ("bob", "/referral @bob Jane Roe jane@roe.example"): "to yourself",
        ("dave", "/rapport join Residential  plumbing"): "seat is taken by @bob",
        ("bob", "/referrals update 1 won 15OO"): "is not an amount",
        ("bob", "/referrals update 1 won -5"): "more than zero",
        ("bob", "/thanks @alice #1 R0"): "more than zero",
        ("bob", "/thanks @alice #1 £20"): "not in this group's currency",
        ("bob", "/thanks @alice 7"): "nothing is posted yet",
        ("bob", "/referrals update 1 won 2000"): "already has its closed business recorded",
        ("carol", "/referrals update 1 lost"): "no referral #1 of yours",
    }
    for (who, line), says in refusals.items():
        reply = await group(who, line)
        assert says in reply, (line, reply)

    # a refusal after the handler already wrote (bob's new display name) rolls that back too
    renamed = UserRef("test", "w1", "bob", "Bob the Plumber")
    [msg] = await group.core.handle(
        Context(renamed, channel()), "/referral @bob Jane Roe 0825551234"
    )
    assert "to yourself" in msg.fallback()

    assert counts(db_path) == before_counts
    assert snapshot(db_path) == before
    assert messenger.sent == []


# --- foreign keys and transactions ----------------------------------------------------------------
async def test_a_referral_to_a_missing_member_is_rejected_and_rolled_back(
    repo: SqliteRepository, db_path: Path
) -> None:
    with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"):
        async with repo.transaction() as tx:
            g = await tx.groups.create(channel(), "Breakfast Club", "UTC", "USD", 100)
            alice = await tx.members.add(g.id, user("alice"), True, 100)
            await tx.referrals.add(
                group_id=g.id,
                giver_id=alice.id,
                receiver_id=alice.id + 999,
                kind=Kind.REFERRAL,
                prospect="Jane Roe",
                email="jane@roe.example",
                phone=None,
                need=None,
                heat=3,
                inside=False,
                now=100,
                request_key=None,
            )

    assert scalar(db_path, "SELECT COUNT(*) FROM groups") == 0
    assert scalar(db_path, "SELECT COUNT(*) FROM members") == 0
    assert scalar(db_path, "SELECT COUNT(*) FROM referrals") == 0
    # the repository is usable afterwards: the lock was released, no transaction is left open
    async with repo.transaction() as tx:
        await tx.groups.create(channel(), "Breakfast Club", "UTC", "USD", 100)
    assert scalar(db_path, "SELECT COUNT(*) FROM groups") == 1


async def test_a_transaction_cancelled_while_it_begins_leaves_the_repository_usable(
    repo: SqliteRepository, db_path: Path
) -> None:
    """A command cancelled at the wrong moment (an adapter's timeout, a shutdown) must not
    leave the connection inside a transaction: that would fail every later command and hold
    the file's write lock against every other process."""

    async def command() -> None:
        async with repo.transaction() as tx:
            await tx.groups.create(channel("cancelled"), "Cancelled", "UTC", "USD", 1)

    task = asyncio.create_task(command())
    await asyncio.sleep(0)  # one turn of the loop: the task now waits on BEGIN IMMEDIATE
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task

    async with repo.transaction() as tx:
        await tx.groups.create(channel("next"), "Next", "UTC", "USD", 1)

    with plain(db_path) as db:
        names = [r[0] for r in db.execute("SELECT name FROM groups ORDER BY id")]
    assert names == ["Next"]


class Boom(Exception):
    """A failure the test raises on purpose."""


class Halt(BaseException):
    """Not an Exception (as CancelledError is not): still only its own unit's failure."""


async def _racing_transactions(
    first: SqliteRepository, second: SqliteRepository, db_path: Path
) -> None:
    wrote = asyncio.Event()

    async def rolls_back() -> None:
        with pytest.raises(Boom):
            async with first.transaction() as tx:
                await tx.groups.create(channel("doomed"), "Doomed", "UTC", "USD", 1)
                wrote.set()
                for _ in range(20):  # let the other coroutine run while we hold our write
                    await asyncio.sleep(0)
                raise Boom

    async def commits() -> None:
        await wrote.wait()
        async with second.transaction() as tx:
            await tx.groups.create(channel("kept"), "Kept", "UTC", "USD", 1)

    await asyncio.gather(rolls_back(), commits())

    with plain(db_path) as db:
        names = [r[0] for r in db.execute("SELECT name FROM groups ORDER BY id")]
    assert names == ["Kept"]


async def test_a_rollback_is_not_committed_by_a_concurrent_transaction(
    repo: SqliteRepository, db_path: Path
) -> None:
    await _racing_transactions(repo, repo, db_path)


async def test_a_rollback_is_not_committed_by_another_connection(
    repo: SqliteRepository, db_path: Path
) -> None:
    other = await SqliteRepository.open(str(db_path))
    try:
        await _racing_transactions(repo, other, db_path)
    finally:
        await other.close()


# --- units of work on the connection's thread ------------------------------------------------
async def test_a_unit_of_work_that_raises_stores_nothing(
    repo: SqliteRepository, db_path: Path
) -> None:
    async def doomed(tx: SqliteRepository) -> None:
        await tx.groups.create(channel("doomed"), "Doomed", "UTC", "USD", 1)
        raise Boom

    with pytest.raises(Boom):
        await repo.atomic(doomed)
    await repo.atomic(lambda tx: tx.groups.create(channel("kept"), "Kept", "UTC", "USD", 1))

    with plain(db_path) as db:
        names = [r[0] for r in db.execute("SELECT name FROM groups ORDER BY id")]
    assert names == ["Kept"]


async def test_a_read_only_unit_sees_what_was_committed_and_refuses_to_write(
    repo: SqliteRepository, db_path: Path
) -> None:
    """A command that only reads runs in a read-only unit: it takes no write lock, and a
    write slipped into it fails instead of being stored."""
    await repo.atomic(lambda tx: tx.groups.create(channel("kept"), "Kept", "UTC", "USD", 1))
    group = await repo.read(lambda tx: tx.groups.by_channel(channel("kept")))
    assert group is not None and group.name == "Kept"

    async def writes(tx: SqliteRepository) -> None:
        await tx.groups.create(channel("sneaky"), "Sneaky", "UTC", "USD", 1)

    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        await repo.read(writes)
    # nothing stored, and the connection writes again afterwards
    await repo.atomic(lambda tx: tx.groups.create(channel("after"), "After", "UTC", "USD", 1))
    with plain(db_path) as db:
        names = [r[0] for r in db.execute("SELECT name FROM groups ORDER BY id")]
    assert names == ["Kept", "After"]


async def test_a_unit_of_work_that_waits_on_something_else_is_refused_and_rolled_back(
    repo: SqliteRepository, db_path: Path
) -> None:
    """A unit of work runs where no event loop is: one that awaits the network or a sleep
    would hold the write lock while it waits, so it is stopped and nothing it wrote stays."""

    async def waits(tx: SqliteRepository) -> None:
        await tx.groups.create(channel("waits"), "Waits", "UTC", "USD", 1)
        await asyncio.sleep(0)

    with pytest.raises(RuntimeError, match="awaited something other than the repository"):
        await repo.atomic(waits)
    assert scalar(db_path, "SELECT COUNT(*) FROM groups") == 0


async def test_a_unit_of_work_cancelled_before_it_runs_is_never_run(
    repo: SqliteRepository, db_path: Path
) -> None:
    task = asyncio.create_task(
        repo.atomic(lambda tx: tx.groups.create(channel("a"), "Abandoned", "UTC", "USD", 1))
    )
    await asyncio.sleep(0)  # queued, not yet taken
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    await repo.atomic(lambda tx: tx.groups.create(channel("b"), "Next", "UTC", "USD", 1))

    with plain(db_path) as db:
        names = [r[0] for r in db.execute("SELECT name FROM groups ORDER BY id")]
    assert names == ["Next"]


async def test_a_unit_of_work_whose_caller_is_cancelled_while_it_runs_is_finished(
    repo: SqliteRepository, db_path: Path
) -> None:
    """The caller stops waiting (an adapter's timeout) while the thread runs its unit: the
    unit is committed whole, and the next one starts on a connection with no transaction."""
    running, go_on = threading.Event(), threading.Event()

    async def slow(tx: SqliteRepository) -> None:
        running.set()
        go_on.wait(10)  # on the database thread: holds it as a slow statement would
        await tx.groups.create(channel("a"), "Abandoned", "UTC", "USD", 1)

    task = asyncio.create_task(repo.atomic(slow))
    assert await asyncio.to_thread(running.wait, 10)
    task.cancel()
    go_on.set()
    with pytest.raises(asyncio.CancelledError):
        await task
    await repo.atomic(lambda tx: tx.groups.create(channel("b"), "Next", "UTC", "USD", 1))

    with plain(db_path) as db:
        names = [r[0] for r in db.execute("SELECT name FROM groups ORDER BY id")]
    assert names == ["Abandoned", "Next"]


async def test_units_of_work_waiting_together_commit_together_and_fail_alone(
    repo: SqliteRepository, db_path: Path
) -> None:
    """Commands arriving at once share one COMMIT; one that is refused takes back only its
    own writes, and each caller hears its own outcome."""
    running, go_on = threading.Event(), threading.Event()

    async def first(tx: SqliteRepository) -> str:
        running.set()
        go_on.wait(10)  # the others queue up behind this one meanwhile
        await tx.groups.create(channel("first"), "First", "UTC", "USD", 1)
        return "first"

    async def refused(tx: SqliteRepository) -> str:
        await tx.groups.create(channel("refused"), "Refused", "UTC", "USD", 1)
        raise Boom

    async def interrupted(tx: SqliteRepository) -> str:
        await tx.groups.create(channel("interrupted"), "Interrupted", "UTC", "USD", 1)
        raise Halt

    async def kept(tx: SqliteRepository, n: int) -> str:
        await tx.groups.create(channel(f"k{n}"), f"Kept {n}", "UTC", "USD", 1)
        return f"kept {n}"

    statements: list[str] = []
    await repo._db.set_trace_callback(statements.append)
    head = asyncio.create_task(repo.atomic(first))
    assert await asyncio.to_thread(running.wait, 10)
    rest = [
        asyncio.create_task(repo.atomic(lambda tx: kept(tx, 1))),
        asyncio.create_task(repo.atomic(refused)),
        asyncio.create_task(repo.atomic(lambda tx: kept(tx, 2))),
        asyncio.create_task(repo.atomic(interrupted)),
    ]
    await asyncio.sleep(0)
    go_on.set()
    results = await asyncio.gather(head, *rest, return_exceptions=True)

    assert results[0] == "first" and results[1] == "kept 1" and results[3] == "kept 2"
    assert isinstance(results[2], Boom) and isinstance(results[4], Halt)
    assert statements.count("COMMIT") == 2  # the first alone, then the four waiting
    with plain(db_path) as db:
        names = [r[0] for r in db.execute("SELECT name FROM groups ORDER BY id")]
    assert names == ["First", "Kept 1", "Kept 2"]


async def _wal_bytes_after_commits(db_path: Path, commits: int) -> int:
    repo = await SqliteRepository.open(str(db_path))
    try:
        for n in range(commits):
            await repo.atomic(
                lambda tx, n=n: tx.groups.create(channel(f"c{n}"), "G" * 500, "UTC", "USD", n)
            )
            # commands take longer than these commits: let a checkpoint finish as it would
            await repo.checkpointed()
        return Path(f"{db_path}-wal").stat().st_size
    finally:
        await repo.close()


async def test_the_wal_is_checkpointed_beside_the_writer_not_inside_its_commits(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLite's own checkpoint runs inside whichever COMMIT crosses 1,000 WAL pages, so one
    command in dozens waited for it. The writer's is off, and a second connection copies
    the WAL back every few commits, so the WAL stays small while commands keep coming."""
    path = tmp_path / "kept.db"
    repo = await SqliteRepository.open(str(path))
    cur = await repo._db.execute("PRAGMA wal_autocheckpoint")
    assert (await cur.fetchone())[0] == 0
    await repo.close()

    kept = await _wal_bytes_after_commits(path, 600)
    # the same commits with the checkpointer held back: the WAL only grows
    monkeypatch.setattr(storage_sqlite, "CHECKPOINT_EVERY", 10**9)
    grown = await _wal_bytes_after_commits(tmp_path / "grown.db", 600)
    assert grown > 600 * 4096  # at least one page a commit
    assert kept < grown / 5, (kept, grown)


async def test_a_writer_stopped_before_it_starts_fails_its_units_instead_of_hanging(
    repo: SqliteRepository, db_path: Path
) -> None:
    """The loop closing can cancel the task that commits units before it ever runs; the
    callers hear so, and the next unit gets a writer of its own."""
    waiting = asyncio.create_task(
        repo.atomic(lambda tx: tx.groups.create(channel("a"), "Lost", "UTC", "USD", 1))
    )
    await asyncio.sleep(0)  # queued; its writer is created but has not run
    assert repo._writer is not None
    repo._writer.cancel()
    with pytest.raises(RuntimeError, match="stopped writing"):
        await asyncio.wait_for(waiting, 30)  # a guard: the failure was a hang
    await repo.atomic(lambda tx: tx.groups.create(channel("b"), "Next", "UTC", "USD", 1))
    assert scalar(db_path, "SELECT name FROM groups") == "Next"


async def test_a_writer_stopped_mid_batch_still_tells_its_callers_what_was_committed(
    repo: SqliteRepository, db_path: Path
) -> None:
    running, go_on = threading.Event(), threading.Event()

    async def slow(tx: SqliteRepository) -> str:
        running.set()
        go_on.wait(10)
        await tx.groups.create(channel("a"), "Committed", "UTC", "USD", 1)
        return "done"

    caller = asyncio.create_task(repo.atomic(slow))
    assert await asyncio.to_thread(running.wait, 10)
    writer = repo._writer
    assert writer is not None
    writer.cancel()
    go_on.set()
    assert await asyncio.wait_for(caller, 30) == "done"
    assert scalar(db_path, "SELECT name FROM groups") == "Committed"


async def test_business_stored_for_a_withdrawn_or_no_longer_won_referral_leaves_the_counts(
    db_path: Path, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file from before migration 11 may hold closed business whose referral was then
    withdrawn, or marked lost: migrating takes it out of every count, into its history."""
    shipped = migrations()
    monkeypatch.setattr(storage_sqlite, "migrations", lambda: shipped[:10])
    repo = await SqliteRepository.open(str(db_path))
    chat = Chat(Core(repo, RecordingMessenger(), clock, FakeResolver(), settings()), channel())
    await chat("alice", "/rapport setup Breakfast Club currency:GBP")
    await chat("alice", "/rapport join Commercial insurance")
    await chat("bob", "/rapport join Residential plumbing")
    for i, amount in enumerate(("£4,800", "£700", "£300"), 1):
        await chat("alice", f"/referral @bob Prospect {i} p{i}@example.com")
        await chat("bob", f"/referrals update {i} won {amount}")
    await repo.close()
    with plain(db_path) as db:  # what the earlier release let happen
        db.execute("UPDATE referrals SET status = 'lost' WHERE id = 1")
        db.execute("UPDATE referrals SET ended = 'withdrawn', ended_at = 1 WHERE id = 2")
        db.commit()

    monkeypatch.setattr(storage_sqlite, "migrations", lambda: shipped)
    repo = await SqliteRepository.open(str(db_path))
    chat = Chat(Core(repo, RecordingMessenger(), clock, FakeResolver(), settings()), channel())
    try:
        stats = await chat("bob", "/rapport stats")
    finally:
        await repo.close()
    assert "closed business £300,00" in stats  # written the group's en_ZA way
    assert scalar(db_path, "SELECT group_concat(amount_cents) FROM closed_business") == "30000"
    assert scalar(
        db_path, "SELECT group_concat(referral_id || ':' || old_amount_cents) FROM business_events"
    ) == "1:480000,2:70000"
    assert scalar(db_path, "SELECT COUNT(amount_cents) FROM referrals") == 1
