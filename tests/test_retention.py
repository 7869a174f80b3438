"""Prospects' contact details are erased a retention period after their referral closed, by a
row of due work a group plans each day: two workers sharing the database erase them once, and
nothing before the period is over."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest

from bot.retention import RETENTION
from bot.service import Core
from storage.databases import open_repository
from storage.sqlite import SqliteRepository
from tests.conftest import Chat
from tests.fakes import FakeClock, FakeResolver, RecordingMessenger

BACKENDS = ("sqlite", "postgresql")  # the storage contract: each test on both databases


@pytest.fixture
async def repo(database: str) -> AsyncIterator[SqliteRepository]:
    r = await open_repository(database)  # a file (or a schema) a second worker can open too
    yield r
    await r.close()


@pytest.fixture
async def second(database: str, clock: FakeClock, settings: Any) -> AsyncIterator[Core]:
    """Another worker process on the same database."""
    r = await open_repository(database)
    yield Core(r, RecordingMessenger(), clock, FakeResolver(), settings)
    await r.close()


async def rows(core: Core, sql: str) -> list[dict[str, Any]]:
    async with core.repo.transaction() as tx:  # type: ignore[attr-defined]
        return [dict(r) for r in await tx._all(sql)]


async def contacts(core: Core) -> list[tuple[str, str | None, str | None]]:
    found = await rows(core, "SELECT prospect, email, phone FROM referrals ORDER BY id")
    return [(r["prospect"], r["email"], r["phone"]) for r in found]


async def sweeps(core: Core) -> list[dict[str, Any]]:
    return await rows(
        core,
        f"SELECT state, note, occurrence FROM due_work WHERE kind = '{RETENTION}' ORDER BY id",
    )


async def both_run(one: Core, two: Core, clock: FakeClock) -> None:
    await asyncio.gather(one.run_due(clock.now()), two.run_due(clock.now()))


async def test_two_workers_erase_contact_details_once_after_the_period(
    group: Chat, core: Core, second: Core, clock: FakeClock
) -> None:
    await group("alice", "/referral @bob Jane Roe jane@roe.example 082 555 1234")
    await group("alice", "/referral @bob Tom Open tom@open.example")
    await group("bob", "/referrals update 1 won 1500")
    # the group's first sweep was planned when it was set up
    assert [s["state"] for s in await sweeps(core)] == ["pending"]

    for _ in range(3):  # three days: a sweep a day, each done by one of the two
        clock.advance(days=1)
        await both_run(core, second, clock)
    done = [s for s in await sweeps(core) if s["state"] == "done"]
    assert len(done) == 3 and len({s["occurrence"] for s in done}) == 3
    assert [s["state"] for s in await sweeps(core)].count("pending") == 1  # tomorrow's

    clock.advance(days=360)  # 363 days after it closed: the retention period is 365
    await both_run(core, second, clock)
    assert await contacts(core) == [
        ("Jane Roe", "jane@roe.example", "082 555 1234"),
        ("Tom Open", "tom@open.example", None),
    ]

    clock.advance(days=3)
    await both_run(core, second, clock)
    assert await contacts(second) == [
        ("Jane Roe", None, None),  # the prospect's name stays, for the group's history
        ("Tom Open", "tom@open.example", None),  # still open: its receiver needs them
    ]
    clock.advance(days=1)
    await both_run(core, second, clock)
    erasing = [s for s in await sweeps(core) if s["note"]]
    assert [s["note"] for s in erasing] == ["erased 1"]  # once, by one worker
    assert [s["state"] for s in await sweeps(core)].count("pending") == 1


async def test_a_group_set_up_before_the_migration_is_swept_too(
    group: Chat, core: Core, clock: FakeClock
) -> None:
    """Migration 0024 planned a first sweep for every group: one without its row (as before
    the migration) is swept by that row, which plans the next day's."""
    async with core.repo.transaction() as tx:  # type: ignore[attr-defined]
        await tx._all(f"DELETE FROM due_work WHERE kind = '{RETENTION}'")
        await tx._all(
            "INSERT INTO due_work (group_id, kind, target_id, occurrence, due_at)"
            f" SELECT id, '{RETENTION}', 0, 'migration-0024', 0 FROM groups"
        )
    await group("alice", "/referral @bob Jane Roe jane@roe.example")
    await group("bob", "/referrals update 1 lost -- went elsewhere")
    clock.advance(days=366)
    await core.run_due(clock.now())
    assert await contacts(core) == [("Jane Roe", None, None)]
    assert [s["state"] for s in await sweeps(core)] == ["done", "pending"]
