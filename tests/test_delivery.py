"""Delivery at scale through the core: many conversations served at once, each one's messages
one at a time in the order they were queued, with one process or two on one database; a
payload the platform refuses is failed at once and the admins told; a database an older
release left behind keeps its queued messages in their conversations."""

from __future__ import annotations

import asyncio
import json
import random
import sqlite3
from collections import defaultdict
from collections.abc import AsyncIterator, Callable
from contextlib import closing
from dataclasses import dataclass, field, replace
from pathlib import Path

import pytest

from bot.config import ConfigError, DeliverySettings, Settings, from_dict
from bot.model import ChannelRef, UserRef
from bot.out import OutMessage
from bot.outbox import MAX_ATTEMPTS
from bot.ports import PayloadRefused, Throttled
from bot.service import Core
from bot.text import lit
from storage import sqlite as storage_sqlite
from storage.sqlite import SqliteRepository, migrations
from tests.conftest import Chat
from tests.fakes import FakeClock, FakeResolver, RecordingMessenger, channel, user

BACKENDS = ("sqlite", "postgresql")  # the storage contract: each test on both databases

REFERRAL = "/referral @bob Jane Roe jane@roe.example -- new geyser"


# --- a platform that answers after a random number of turns of the event loop ---------------
@dataclass
class Platform:
    """What every conversation received, in order, and a record of what was in flight at
    once: its latencies are turns of the event loop, drawn at random, never time."""

    rnd: random.Random = field(default_factory=lambda: random.Random(14))
    received: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    keys: list[str] = field(default_factory=list)
    busy: set[str] = field(default_factory=set)  # conversations with a call in flight
    most_at_once: int = 0
    doubled: list[str] = field(default_factory=list)  # a conversation with two in flight
    changed: asyncio.Event = field(default_factory=asyncio.Event)

    async def take(self, conversation: str, message: OutMessage, key: str | None) -> None:
        if conversation in self.busy:
            self.doubled.append(conversation)
        self.busy.add(conversation)
        self.most_at_once = max(self.most_at_once, len(self.busy))
        try:
            for _ in range(self.rnd.randint(0, 30)):
                await asyncio.sleep(0)
        finally:
            self.busy.discard(conversation)
        self.received[conversation].append(message.fallback())
        self.keys.append(key or "")
        self.changed.set()

    async def until(self, done: Callable[[], bool]) -> None:
        while not done():
            self.changed.clear()
            await self.changed.wait()


@dataclass
class PlatformMessenger:
    platform: Platform
    taken: int = 0

    async def send_dm(self, to: UserRef, message: OutMessage, *, key: str | None = None) -> None:
        await self.platform.take(f"@{to.user_id}", message, key)
        self.taken += 1

    async def post(
        self, channel: ChannelRef, message: OutMessage, *, key: str | None = None
    ) -> None:
        await self.platform.take(f"#{channel.channel_id}", message, key)
        self.taken += 1


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


async def queue(repo: SqliteRepository, clock: FakeClock, n: int, conversations: int) -> None:
    """`n` messages over `conversations` conversations (a third of them channels), in turn."""
    now = int(clock.now().timestamp())
    async with repo.transaction() as tx:
        for i in range(n):
            c = i % conversations
            target = channel(f"room{c}") if c % 3 == 0 else user(f"member{c}")
            await tx.outbox.add(None, target, OutMessage(lit(f"{c}:{i // conversations}")), now)


def in_order(received: dict[str, list[str]], conversations: int, each: int) -> None:
    assert len(received) == conversations
    for name, texts in received.items():
        c = texts[0].split(":")[0]
        assert texts == [f"{c}:{k}" for k in range(each)], name


def states(path: Path) -> dict[str, int]:
    with closing(sqlite3.connect(path)) as db:
        return dict(db.execute("SELECT state, COUNT(*) FROM outbox GROUP BY state").fetchall())


# --- many at once, each conversation in order -------------------------------------------------
async def test_twenty_conversations_are_served_at_once_each_in_its_queued_order(
    repo: SqliteRepository, db_path: Path, clock: FakeClock
) -> None:
    await queue(repo, clock, 200, 20)
    platform = Platform()
    core = Core(repo, PlatformMessenger(platform), clock, FakeResolver(), settings())

    assert await core.deliver() == 200

    in_order(platform.received, 20, 10)
    assert platform.most_at_once > 1  # conversations overlapped
    assert platform.doubled == []  # never two at once in one conversation
    assert states(db_path) == {"sent": 200}
    # each message carried its row's own delivery key, the same on every attempt
    assert sorted(platform.keys) == sorted(f"outbox-{i}" for i in range(1, 201))


async def test_the_concurrency_bound_is_kept(repo: SqliteRepository, clock: FakeClock) -> None:
    await queue(repo, clock, 90, 30)
    platform = Platform()
    core = Core(repo, PlatformMessenger(platform), clock, FakeResolver(), settings(4))
    assert await core.deliver() == 90
    assert 1 < platform.most_at_once <= 4
    in_order(platform.received, 30, 3)


async def test_two_processes_with_many_in_flight_send_each_message_once_in_order(
    repo: SqliteRepository, db_path: Path, clock: FakeClock
) -> None:
    await queue(repo, clock, 288, 96)
    platform = Platform()  # both processes reach the same platform
    other = await SqliteRepository.open(str(db_path))
    try:
        one, two = PlatformMessenger(platform), PlatformMessenger(platform)
        cores = [
            Core(r, m, clock, FakeResolver(), settings(8)) for r, m in ((repo, one), (other, two))
        ]
        counts = await asyncio.gather(*(c.deliver() for c in cores))
    finally:
        await other.close()

    assert sum(counts) == 288 and counts == [one.taken, two.taken]
    assert one.taken and two.taken  # both did a share
    assert sorted(platform.keys) == sorted(f"outbox-{i}" for i in range(1, 289))  # once each
    assert platform.doubled == []  # one at a time per conversation, across both processes
    in_order(platform.received, 96, 3)


# --- a payload the platform refuses --------------------------------------------------------
@dataclass
class Refusing(RecordingMessenger):
    """Refuses messages of these kinds the way Slack refuses an over-long one."""

    refuse: set[str] = field(default_factory=set)
    tries: list[str] = field(default_factory=list)

    async def send_dm(self, to: UserRef, message: OutMessage, *, key: str | None = None) -> None:
        self._refuse(message)
        await super().send_dm(to, message, key=key)

    async def post(
        self, channel: ChannelRef, message: OutMessage, *, key: str | None = None
    ) -> None:
        self._refuse(message)
        await super().post(channel, message, key=key)

    def _refuse(self, message: OutMessage) -> None:
        self.tries.append(message.kind)
        if message.kind in self.refuse:
            raise PayloadRefused("Slack refused the message (msg_blocks_too_long)")


@pytest.fixture
def messenger() -> Refusing:
    return Refusing()


def outbox_rows(path: Path, kind: str) -> list[tuple[str, int, str | None]]:
    with closing(sqlite3.connect(path)) as db:
        rows = db.execute("SELECT payload, state, attempts, last_error FROM outbox ORDER BY id")
        return [(s, a, e) for p, s, a, e in rows if json.loads(p)["kind"] == kind]


async def test_a_refused_post_is_failed_at_once_and_the_admin_told_once(
    group: Chat, messenger: Refusing, db_path: Path, clock: FakeClock, core: Core
) -> None:
    messenger.refuse = {"referral.post"}
    assert "Referral #1 to @bob is logged" in await group("alice", REFERRAL)

    assert outbox_rows(db_path, "referral.post") == [
        ("failed", 1, "refused: Slack refused the message (msg_blocks_too_long)")
    ]
    assert len(messenger.dms_to("bob")) == 1  # the receiver's DM went out as usual
    [told] = [s.text for s in messenger.dms_to("alice")]
    assert told == (
        "I couldn't deliver a referral announcement for Breakfast Club in #general: Slack"
        " refused the message (msg_blocks_too_long). It would be refused the same way again,"
        " so I won't retry it. Please pass this on to whoever runs Rapport for your group."
    )
    assert messenger.dms_to("bob")[0].message.kind == "referral.received"

    for _ in range(MAX_ATTEMPTS):  # hours pass: nothing is tried again, nobody told again
        clock.advance(hours=2)
        await core.run_due(clock.now())
    assert messenger.tries.count("referral.post") == 1
    assert len(messenger.dms_to("alice")) == 1
    assert messenger.posts() == []


async def test_a_refused_notice_to_the_admins_is_not_announced_again(
    group: Chat, messenger: Refusing, db_path: Path, clock: FakeClock, core: Core
) -> None:
    messenger.refuse = {"referral.post", "admin.refused"}
    await group("alice", REFERRAL)
    clock.advance(hours=2)
    await core.run_due(clock.now())
    assert outbox_rows(db_path, "admin.refused") == [
        ("failed", 1, "refused: Slack refused the message (msg_blocks_too_long)")
    ]
    assert messenger.tries.count("admin.refused") == 1


# --- an older release's database ---------------------------------------------------------
def _upgrade() -> int:
    """The number of the migration that added lanes and claim tokens."""
    [number] = [n for n, script in migrations() if "ADD COLUMN claim_token" in script]
    return number


async def test_upgrading_keeps_queued_messages_in_their_conversations_and_order(
    db_path: Path, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The release before left Bob two DMs waiting, a post claimed by a process that died, a
    message sent long ago and a reminder row 'running': after the upgrade each conversation
    gets what was waiting, once, in order, and the abandoned claims are taken over."""
    shipped = migrations()
    monkeypatch.setattr(
        storage_sqlite, "migrations", lambda: [m for m in shipped if m[0] < _upgrade()]
    )
    old = await SqliteRepository.open(str(db_path))
    await old.close()
    now = int(clock.now().timestamp())
    bob = json.dumps({"dm": ["test", "w1", "bob", "bob"]})
    room = json.dumps({"post": ["test", "w1", "general", "#general"]})

    def payload(text: str) -> str:
        return OutMessage(lit(text), kind="old").to_json()

    with closing(sqlite3.connect(db_path)) as db:
        db.executemany(
            "INSERT INTO outbox (target, payload, state, attempts, next_attempt_at, claimed_at,"
            " created_at, sent_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    bob,
                    payload("sent long ago"),
                    "sent",
                    1,
                    now - 900,
                    now - 900,
                    now - 900,
                    now - 900,
                ),
                (bob, payload("bob 1"), "pending", 0, now - 60, None, now - 60, None),
                (
                    room,
                    payload("claimed, then the process died"),
                    "sending",
                    1,
                    now - 600,
                    now - 600,
                    now - 600,
                    None,
                ),
                (bob, payload("bob 2"), "pending", 0, now - 30, None, now - 30, None),
                (room, payload("queued after it"), "pending", 0, now - 20, None, now - 20, None),
            ],
        )
        db.execute(
            "INSERT INTO groups (id, platform, workspace, channel_id, name, tz, currency,"
            " created_at) VALUES (1, 'test', 'w1', 'general', 'Breakfast Club', 'UTC', 'USD', 0)"
        )
        db.execute(
            "INSERT INTO due_work (group_id, kind, target_id, occurrence, due_at, state,"
            " claimed_at) VALUES (1, 'reminder.evening', 0, '2026-12-02', ?, 'running', ?)",
            (now - 600, now - 600),
        )
        db.commit()
    monkeypatch.setattr(storage_sqlite, "migrations", lambda: shipped)

    repo = await SqliteRepository.open(str(db_path))
    try:
        with closing(sqlite3.connect(db_path)) as db:
            lanes = db.execute("SELECT lane, send_at FROM outbox ORDER BY id").fetchall()
        assert lanes == [
            (None, None),  # delivered: it takes part in nothing any more
            ("dm:test:w1:bob", now - 60),
            ("post:test:w1:general", now - 600),
            ("dm:test:w1:bob", now - 30),
            ("post:test:w1:general", now - 20),
        ]
        platform = Platform()
        core = Core(repo, PlatformMessenger(platform), clock, FakeResolver(), settings())
        assert await core.deliver() == 4
        async with repo.transaction() as tx:
            claimed = await tx.due.claim(now, 10, now - 300)
            # (migration 0024 planned the group's first retention sweep beside it)
            [reminder] = [i for i in claimed if i.kind == "reminder.evening"]
            assert reminder.claim and await tx.due.finish(reminder, "done", now)
    finally:
        await repo.close()
    assert platform.received == {
        "@bob": ["bob 1", "bob 2"],
        "#general": ["claimed, then the process died", "queued after it"],
    }
    assert states(db_path) == {"sent": 5}


# --- the setting ----------------------------------------------------------------------------
def test_the_concurrency_is_a_setting_with_a_bound() -> None:
    assert Settings().delivery.concurrency == 64
    assert from_dict({"delivery": {"concurrency": 200}}).delivery.concurrency == 200
    for bad in (0, 1001, "many", True):
        with pytest.raises(ConfigError) as e:
            from_dict({"delivery": {"concurrency": bad}})
        assert str(e.value) == (
            f"config: delivery.concurrency: must be a whole number from 1 to 1000 (got {bad!r})"
        )
    assert replace(settings(), delivery=DeliverySettings(3)).delivery.concurrency == 3


# --- a rate limit met on the way ------------------------------------------------------------
@dataclass
class RateLimited(PlatformMessenger):
    """Answers the first message to `limited` with a rate limit; `ready` then holds that
    conversation until the test lifts the pause (as the Slack messenger's does)."""

    limited: str = ""
    paused: asyncio.Event = field(default_factory=asyncio.Event)
    waiting: list[str] = field(default_factory=list)

    async def ready(self, target: UserRef | ChannelRef) -> None:
        limited = isinstance(target, ChannelRef) and target.channel_id == self.limited
        if limited and self.waiting:
            await self.paused.wait()

    async def post(
        self, channel: ChannelRef, message: OutMessage, *, key: str | None = None
    ) -> None:
        if channel.channel_id == self.limited and not self.waiting:
            self.waiting.append(key or "")
            raise Throttled("rate limited: retry after 30 s")
        await super().post(channel, message, key=key)


async def test_a_rate_limited_message_gives_its_slot_back_and_goes_after_the_pause(
    repo: SqliteRepository, db_path: Path, clock: FakeClock
) -> None:
    now = int(clock.now().timestamp())
    async with repo.transaction() as tx:
        await tx.outbox.add(None, channel("busy"), OutMessage(lit("to busy")), now)
        for i in range(3):
            await tx.outbox.add(None, user(f"member{i}"), OutMessage(lit(f"to {i}")), now)
    platform = Platform()
    messenger = RateLimited(platform, limited="busy")
    core = Core(repo, messenger, clock, FakeResolver(), settings(concurrency=1))

    delivery = asyncio.create_task(core.deliver())
    await asyncio.wait_for(platform.until(lambda: len(platform.keys) == 3), 10)  # a bound
    # one slot, and the paused conversation does not hold it: the other three went
    assert sorted(platform.received) == ["@member0", "@member1", "@member2"]
    messenger.paused.set()
    assert await delivery == 4
    assert platform.received["#busy"] == ["to busy"]
    with closing(sqlite3.connect(db_path)) as db:
        [(attempts,)] = db.execute("SELECT attempts FROM outbox WHERE id = 1").fetchall()
    assert attempts == 1  # waiting out a rate limit is not a failed attempt


# --- a long wait keeps its claim ----------------------------------------------------------
@dataclass
class Holding(PlatformMessenger):
    """Holds the messages to some conversations until the test lets each go."""

    gates: dict[str, asyncio.Event] = field(default_factory=dict)
    waiting: set[str] = field(default_factory=set)
    all_waiting: asyncio.Event = field(default_factory=asyncio.Event)

    async def ready(self, target: UserRef | ChannelRef) -> None:
        name = target.user_id if isinstance(target, UserRef) else f"#{target.channel_id}"
        if name in self.gates:
            self.waiting.add(name)
            if self.waiting == set(self.gates):
                self.all_waiting.set()
            await self.gates[name].wait()


async def test_a_claim_waiting_out_a_long_pause_is_renewed_not_taken_over(
    repo: SqliteRepository, db_path: Path, clock: FakeClock
) -> None:
    now = int(clock.now().timestamp())
    async with repo.transaction() as tx:
        await tx.outbox.add(None, channel("paused"), OutMessage(lit("after the pause")), now)
        await tx.outbox.add(None, user("carol"), OutMessage(lit("to carol")), now)
    platform = Platform()
    messenger = Holding(platform, gates={"#paused": asyncio.Event(), "carol": asyncio.Event()})
    core = Core(repo, messenger, clock, FakeResolver(), settings())
    core.outbox.renew_every = 0  # (at once; 60 s of waiting in production)
    delivery = asyncio.create_task(core.deliver())
    await asyncio.wait_for(messenger.all_waiting.wait(), 10)  # both claimed, both held

    clock.advance(minutes=10)  # the pause goes on past when a claim counts as abandoned
    messenger.gates["carol"].set()  # the dispatcher wakes up, and renews what it still holds
    await asyncio.wait_for(platform.until(lambda: "@carol" in platform.received), 10)
    other = await SqliteRepository.open(str(db_path))
    try:
        later = int(clock.now().timestamp())
        async with other.transaction() as tx:
            assert await tx.outbox.claim(later, 10, later - 300) == []  # still this one's
    finally:
        await other.close()
    messenger.gates["#paused"].set()
    assert await delivery == 2
    assert platform.received["#paused"] == ["after the pause"]
    assert states(db_path) == {"sent": 2}
