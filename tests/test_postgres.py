"""PostgreSQL as Rapport's database: its migrations (recorded, applied once, an older
database upgraded in place), `rapport migrate` on a URL, and several workers claiming due
work and messages at the same moment: never one row to two, never one waiting for the
other's batch, a dead worker's claims taken over once."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import asyncpg

from bot.config import Settings
from bot.model import ChannelRef, UserRef
from bot.out import OutMessage
from bot.text import lit
from storage import migrate as migrations
from storage.databases import expected, open_repository
from storage.postgres import PostgresRepository, _Versions

BACKENDS = ("postgresql",)
REPO = Path(__file__).resolve().parents[1]
LATEST = migrations.latest("postgresql")
GUARD = 30  # seconds: a bound on a claim that would wait for another's lock, never a sleep


async def fetch(url: str, sql: str) -> list[asyncpg.Record]:
    conn = await asyncpg.connect(url)
    try:
        return await conn.fetch(sql)
    finally:
        await conn.close()


async def test_a_new_database_gets_every_migration_once_and_records_it(database):
    assert migrations.latest("sqlite") == LATEST  # both backends' scripts are numbered alike
    repo = await open_repository(database)
    try:
        assert await repo.migrate() == LATEST  # again: nothing left to apply
        assert await repo.tables() == {**expected(LATEST), "rapport_schema": {"version"}}
    finally:
        await repo.close()
    assert [tuple(r) for r in await fetch(database, "SELECT version FROM rapport_schema")] == [
        (LATEST,)
    ]


async def test_an_older_database_is_upgraded_in_place_keeping_its_rows(database):
    # a database as Rapport left it at schema 9, built from this code's own first nine
    # scripts (so a new migration never has to be "taken away again" here), with a row in it
    conn = await asyncpg.connect(database)
    try:
        async with conn.transaction():
            await migrations.apply(
                _Versions(conn), [s for s in migrations.scripts("postgresql") if s[0] <= 9]
            )
            await conn.execute(
                "INSERT INTO requests (key, reply, at) VALUES ('kept', '[]', 1)"
            )
    finally:
        await conn.close()
    assert [tuple(r) for r in await fetch(database, "SELECT version FROM rapport_schema")] == [
        (9,)
    ]
    repo = await open_repository(database)
    try:
        assert await repo.atomic(lambda tx: tx.requests.reply("kept")) == "[]"
        assert await repo.tables() == {**expected(LATEST), "rapport_schema": {"version"}}
    finally:
        await repo.close()
    assert [tuple(r) for r in await fetch(database, "SELECT version FROM rapport_schema")] == [
        (LATEST,)
    ]


def test_each_backend_numbers_its_scripts_once_and_alike():
    # two branches that each added "their" 0017 would otherwise both run, or one not at all
    for dialect in ("sqlite", "postgresql"):
        numbers = [n for n, _ in migrations.scripts(dialect)]
        assert numbers == list(range(1, len(numbers) + 1)), dialect
    names = lambda folder: sorted(p.name for p in folder.glob("[0-9]*.sql"))  # noqa: E731
    folder = REPO / "storage" / "migrations"
    assert names(folder) == names(folder / "postgresql")


async def test_two_workers_starting_together_migrate_once(database):
    first, second = await asyncio.gather(open_repository(database), open_repository(database))
    await first.close()
    await second.close()
    assert [tuple(r) for r in await fetch(database, "SELECT version FROM rapport_schema")] == [
        (LATEST,)
    ]


def test_rapport_migrate_names_the_database_without_its_password(database):
    env = {k: v for k, v in os.environ.items() if k != "RAPPORT_DATABASE"}
    run = subprocess.run(
        [sys.executable, "-m", "bot", "migrate", "--db", database],
        cwd=REPO,
        env={**env, "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=60,
        check=False,
    )
    assert (run.returncode, run.stderr) == (0, "")
    assert run.stdout.startswith("rapport: postgresql://")
    assert run.stdout.endswith(f" is at schema version {LATEST}\n")
    assert "search_path" not in run.stdout


async def a_group(repo: PostgresRepository) -> int:
    async def make(tx):
        group = await tx.groups.create(
            ChannelRef("slack", "T1", "C1", "general"), "Breakfast Club", "UTC", "ZAR", 0
        )
        for n in range(10):
            await tx.due.add(group.id, "nudge.follow_up", n + 1, "1", 100 + n)
        return group.id

    return await repo.atomic(make)


async def test_two_workers_claiming_due_work_at_once_get_different_rows_without_waiting(repo):
    await a_group(repo)
    async with repo.transaction() as first:  # a worker holds its claim, still running it
        mine = await first.due.claim(1000, 4, 0, "first")
        theirs = await asyncio.wait_for(
            repo.atomic(lambda tx: tx.due.claim(1000, 10, 0, "second")), GUARD
        )
    assert [i.target_id for i in mine] == [1, 2, 3, 4]
    assert [i.target_id for i in theirs] == [5, 6, 7, 8, 9, 10]
    assert await repo.atomic(lambda tx: tx.due.claim(1000, 10, 0, "third")) == []


async def test_a_dead_workers_claim_is_taken_over_once_and_its_late_finish_changes_nothing(repo):
    await a_group(repo)
    dead = await repo.atomic(lambda tx: tx.due.claim(1000, 10, 0, "dead"))
    assert len(dead) == 10
    # after the stale time, two workers look at once: each row goes to one of them
    one, two = await asyncio.gather(
        repo.atomic(lambda tx: tx.due.claim(5000, 6, 2000, "one")),
        repo.atomic(lambda tx: tx.due.claim(5000, 6, 2000, "two")),
    )
    taken = [i.id for i in one] + [i.id for i in two]
    assert sorted(taken) == sorted(i.id for i in dead)
    # the dead worker's finish is refused: the rows are the new owners'
    assert not await repo.atomic(lambda tx: tx.due.finish(dead[0], "done", 5001))
    again = next(i for i in one + two if i.id == dead[0].id)
    assert await repo.atomic(lambda tx: tx.due.finish(again, "done", 5001))


async def test_two_workers_claiming_messages_keep_each_conversation_in_order(repo):
    alice = UserRef("slack", "T1", "UA", "alice")
    bob = UserRef("slack", "T1", "UB", "bob")

    async def queue(tx):
        for n in range(3):
            await tx.outbox.add(None, alice, OutMessage(lit(f"alice {n}")), 10)
            await tx.outbox.add(None, bob, OutMessage(lit(f"bob {n}")), 10)

    await repo.atomic(queue)
    async with repo.transaction() as first:
        mine = await first.outbox.claim(10, 1, 0, "first")
        theirs = await asyncio.wait_for(
            repo.atomic(lambda tx: tx.outbox.claim(10, 10, 0, "second")), GUARD
        )
    # one message out per conversation, the first queued: alice's to one worker, bob's first
    # to the other; nothing after a message still going out
    assert [i.message.fallback() for i in mine] == ["alice 0"]
    assert [i.message.fallback() for i in theirs] == ["bob 0"]


async def test_one_request_sent_to_two_workers_at_once_is_logged_once_and_answered_alike(
    database,
):
    """Slack retries a slash command to whichever worker answers; both may run it at once.
    The referral is logged once, and both answers are the one it got."""
    from bot.service import Core
    from bot.work import Context
    from tests.conftest import Chat
    from tests.fakes import FakeClock, FakeResolver, RecordingMessenger, channel, user

    repos = [await open_repository(database) for _ in range(2)]
    try:
        clock = FakeClock()
        cores = [Core(r, RecordingMessenger(), clock, FakeResolver(), Settings()) for r in repos]
        chat = Chat(cores[0], channel())
        assert "set up" in await chat("alice", "/rapport setup Breakfast Club")
        assert "Welcome" in await chat("alice", "/rapport join Commercial insurance")
        assert "Welcome" in await chat("bob", "/rapport join Residential plumbing")
        line = "/referral @bob Jane Roe jane@roe.example -- a new roof"
        ctx = Context(user("alice"), channel(), "slack-trigger-1")
        first, second = await asyncio.gather(*(c.handle(ctx, line) for c in cores))
        assert [m.fallback() for m in first] == [m.fallback() for m in second]
        assert first[0].fallback().startswith("Referral #1 ")
        logged = await repos[0].atomic(lambda tx: tx.referrals.of_member(1, "all", 10))
        assert len(logged) == 1
    finally:
        for r in repos:
            await r.close()
