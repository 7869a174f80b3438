"""Delivery at scale, as the review of issue 14 found it wanting: new work reaches a delivery
run that is waiting on a paused conversation at once; the scheduler's tick only queues; a
conversation's later messages wait behind an earlier one that waits for its retry; each
delivered message is marked sent as soon as the platform took it; admins hear of a problem
they must fix once per group and reason, and only current admins; a long run forgets the
messages it has finished with.

The platform here answers after turns of the event loop; waits are asyncio Events the test
sets, never time. `asyncio.wait_for(…, 10)` only bounds a test that would otherwise hang."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Callable
from contextlib import closing
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.config import DeliverySettings, Settings
from bot.model import ChannelRef, UserRef
from bot.out import OutMessage
from bot.scheduler import Scheduler
from bot.service import Core
from bot.text import lit
from storage.sqlite import SqliteRepository
from tests.conftest import Chat
from tests.fakes import FakeClock, RecordingMessenger

BOUND = 10  # seconds: only what a test that would otherwise hang waits at most


def settings(concurrency: int = 64) -> Settings:
    return Settings(
        timezone="Africa/Johannesburg",
        currency="ZAR",
        delivery=DeliverySettings(concurrency=concurrency),
    )


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "rapport.db"


@pytest.fixture
async def repo(db_path: Path) -> AsyncIterator[SqliteRepository]:
    r = await SqliteRepository.open(str(db_path))
    yield r
    await r.close()


def states(path: Path) -> list[tuple[str, str]]:
    """(text, state) of every outbox row, oldest first."""
    with closing(sqlite3.connect(path)) as db:
        rows = db.execute("SELECT payload, state FROM outbox ORDER BY id").fetchall()
    return [(OutMessage.from_json(p).fallback(), s) for p, s in rows]


async def queue(repo: SqliteRepository, clock: FakeClock, *messages: tuple[object, str]) -> None:
    now = int(clock.now().timestamp())
    async with repo.transaction() as tx:
        for target, text in messages:
            await tx.outbox_add(None, target, OutMessage(lit(text)), now)  # type: ignore[arg-type]


def name(target: UserRef | ChannelRef) -> str:
    return f"@{target.user_id}" if isinstance(target, UserRef) else f"#{target.channel_id}"


@dataclass
class Gated(RecordingMessenger):
    """Holds a conversation in `ready` (its pacing, a Retry-After) until the test opens its
    gate, and may hold a platform call open until the test lets it answer."""

    paused: dict[str, asyncio.Event] = field(default_factory=dict)
    pausing: asyncio.Event = field(default_factory=asyncio.Event)  # someone waits in ready
    answering: dict[str, asyncio.Event] = field(default_factory=dict)
    calling: asyncio.Event = field(default_factory=asyncio.Event)  # a call is held open
    changed: asyncio.Event = field(default_factory=asyncio.Event)

    async def ready(self, target: UserRef | ChannelRef) -> None:
        gate = self.paused.get(name(target))
        if gate is not None and not gate.is_set():
            self.pausing.set()
            await gate.wait()

    async def _call(self, target: UserRef | ChannelRef) -> None:
        gate = self.answering.get(name(target))
        if gate is not None:
            self.calling.set()
            await gate.wait()

    async def send_dm(self, to: UserRef, message: OutMessage, *, key: str | None = None) -> None:
        await self._call(to)
        await super().send_dm(to, message, key=key)
        self.changed.set()

    async def post(
        self, channel: ChannelRef, message: OutMessage, *, key: str | None = None
    ) -> None:
        await self._call(channel)
        await super().post(channel, message, key=key)
        self.changed.set()

    async def until(self, done: Callable[[], object]) -> None:
        while not done():
            self.changed.clear()
            await self.changed.wait()


# --- 2. the scheduler's tick queues and wakes, never waits for delivery -----------------------
async def test_the_tick_returns_before_the_platform_took_what_it_queued(
    group: Chat, core: Core, clock: FakeClock
) -> None:
    messenger = Gated()
    core.outbox.messenger = messenger
    assert "Saved" in await group("alice", "/rapport meeting set wed 07:00 -- The Oaks")
    scheduler = Scheduler(core, clock)
    clock.set(datetime(2026, 12, 1, 7, 30, tzinfo=UTC))  # the month's recap and suggestions
    await scheduler.tick()
    await core.settle()
    messenger.clear()

    messenger.answering["#general"] = asyncio.Event()  # the platform is slow to answer
    clock.set(datetime(2026, 12, 1, 16, 0, tzinfo=UTC))  # 18:00 in Johannesburg
    # the evening reminder and the accountability nudges ran
    assert await asyncio.wait_for(scheduler.tick(), BOUND) == 2

    await asyncio.wait_for(messenger.calling.wait(), BOUND)  # the dispatcher has it in hand
    assert messenger.posts() == []
    messenger.answering["#general"].set()
    await core.settle()
    assert [s.text.splitlines()[0] for s in messenger.posts()] == [
        "📅 Reminder: Breakfast Club meets Wed 2 Dec 07:00 at The Oaks."
    ]


