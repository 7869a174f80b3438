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
import json
import sqlite3
from collections.abc import AsyncIterator, Callable
from contextlib import closing
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import asyncpg
import pytest

from adapters.scheduler import Scheduler
from bot.config import DeliverySettings, Settings
from bot.model import ChannelRef, UserRef
from bot.out import OutMessage
from bot.outbox import MAX_ATTEMPTS, _Run, backoff_seconds
from bot.ports import DeliveryError, NeedsAdmin, OutboxItem, Throttled
from bot.service import Core
from bot.text import lit
from storage import migrate
from storage.databases import is_postgres, open_repository
from storage.postgres import VERSION_TABLE, _translate
from storage.sqlite import SqliteRepository, _meeting_key, migrations
from tests import pg
from tests.conftest import Chat
from tests.fakes import FakeClock, FakeResolver, RecordingMessenger, channel, user

BOUND = 10  # seconds: only what a test that would otherwise hang waits at most


def settings(concurrency: int = 64) -> Settings:
    return Settings(
        timezone="Africa/Johannesburg",
        currency="ZAR",
        delivery=DeliverySettings(concurrency=concurrency),
    )


BACKENDS = ("sqlite", "postgresql")  # the storage contract: each test on both databases


@pytest.fixture
def db_path(database: str) -> str:
    """The database the test's repository opens (tests.conftest's `database`): a SQLite
    file, or a PostgreSQL database's URL."""
    return database


@pytest.fixture
async def repo(db_path: str) -> AsyncIterator[SqliteRepository]:
    r = await open_repository(db_path)
    yield r
    await r.close()


def held(db: str, sql: str, args: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    """What the database holds, read on a connection of its own (SQLite's `?` placeholders)."""
    if is_postgres(db):
        return pg.tuples_sync(db, sql, args)
    with closing(sqlite3.connect(db)) as conn:
        return [tuple(r) for r in conn.execute(sql, args).fetchall()]


def states(db: str) -> list[tuple[str, str]]:
    """(text, state) of every outbox row, oldest first."""
    rows = held(db, "SELECT payload, state FROM outbox ORDER BY id")
    return [(OutMessage.from_json(str(p)).fallback(), str(s)) for p, s in rows]


async def queue(repo: SqliteRepository, clock: FakeClock, *messages: tuple[object, str]) -> None:
    now = int(clock.now().timestamp())
    async with repo.transaction() as tx:
        for target, text in messages:
            await tx.outbox.add(None, target, OutMessage(lit(text)), now)  # type: ignore[arg-type]


async def turns(n: int = 200) -> None:
    """Let the event loop go round `n` times (no clock involved)."""
    for _ in range(n):
        await asyncio.sleep(0)


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


# --- 1. new work reaches a run that waits on a paused conversation ----------------------------
async def test_a_dm_queued_while_a_conversation_waits_out_a_pause_goes_out_at_once(
    repo: SqliteRepository, clock: FakeClock
) -> None:
    messenger = Gated(paused={"#busy": asyncio.Event()})
    core = Core(repo, messenger, clock, FakeResolver(), settings())
    await queue(repo, clock, (channel("busy"), "to busy"))
    core.deliver_soon()
    await asyncio.wait_for(messenger.pausing.wait(), BOUND)  # the run waits on #busy's pause

    await queue(repo, clock, (user("carol"), "to carol"))  # a command commits a DM ...
    core.deliver_soon()  # ... and says so
    await asyncio.wait_for(messenger.until(lambda: messenger.dms_to("carol")), BOUND)

    assert [s.text for s in messenger.sent] == ["to carol"]  # #busy still waits its turn
    messenger.paused["#busy"].set()
    await core.settle()
    assert [s.text for s in messenger.sent] == ["to carol", "to busy"]


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
    # the evening reminder, the accountability nudges, and the presenter's and the visitor
    # host's evening-before DMs (nobody presents and no visitor is expected: nothing to send)
    assert await asyncio.wait_for(scheduler.tick(), BOUND) == 4

    await asyncio.wait_for(messenger.calling.wait(), BOUND)  # the dispatcher has it in hand
    assert messenger.posts() == []
    messenger.answering["#general"].set()
    await core.settle()
    assert [s.text.splitlines()[0] for s in messenger.posts()] == [
        "📅 Reminder: Breakfast Club meets Wed 2 Dec 07:00 at The Oaks."
    ]


# --- 4. a conversation's later messages wait behind its earlier one ---------------------------
@dataclass
class FailsFirst(RecordingMessenger):
    """Fails the first delivery of each text in `flaky`; everything else goes."""

    flaky: set[str] = field(default_factory=set)

    async def send_dm(self, to: UserRef, message: OutMessage, *, key: str | None = None) -> None:
        if message.fallback() in self.flaky:
            self.flaky.discard(message.fallback())
            raise DeliveryError("platform unavailable")
        await super().send_dm(to, message, key=key)


async def test_a_message_waiting_for_its_retry_holds_back_the_rest_of_its_conversation(
    repo: SqliteRepository, clock: FakeClock, db_path: str
) -> None:
    messenger = FailsFirst(flaky={"bob 1"})
    core = Core(repo, messenger, clock, FakeResolver(), settings())
    await queue(repo, clock, (user("bob"), "bob 1"), (user("bob"), "bob 2"), (user("eve"), "eve"))

    await core.deliver()
    assert [s.text for s in messenger.sent] == ["eve"]  # bob 2 waits behind bob 1's retry
    assert [s for _, s in states(db_path)] == ["pending", "pending", "sent"]
    # nothing can go before bob 1's retry (bob 2, due since, waits behind it)
    assert await core.next_due() == clock.now() + timedelta(seconds=backoff_seconds(1))

    clock.advance(seconds=backoff_seconds(1))
    await core.deliver()
    assert [s.text for s in messenger.dms_to("bob")] == ["bob 1", "bob 2"]
    assert [s for _, s in states(db_path)] == ["sent", "sent", "sent"]


# --- 6. a delivered message is marked at once -------------------------------------------------
@dataclass
class Witness(RecordingMessenger):
    """At every call, reads from the database file what became of the messages the platform
    took before: a process killed at that instant would send again whatever is not 'sent'."""

    db: str = ""
    unmarked: list[list[str]] = field(default_factory=list)

    async def send_dm(self, to: UserRef, message: OutMessage, *, key: str | None = None) -> None:
        taken = {s.text for s in self.sent}
        self.unmarked.append(sorted(t for t, st in states(self.db) if t in taken and st != "sent"))
        await super().send_dm(to, message, key=key)


async def test_each_message_the_platform_took_is_marked_sent_before_the_next_goes(
    repo: SqliteRepository, clock: FakeClock, db_path: str
) -> None:
    messenger = Witness(db=db_path)
    core = Core(repo, messenger, clock, FakeResolver(), settings(concurrency=1))
    await queue(repo, clock, *[(user(f"member{i}"), f"to {i}") for i in range(6)])

    assert await core.deliver() == 6

    assert messenger.unmarked == [[]] * 6  # at no call was an earlier message left unmarked
    assert {st for _, st in states(db_path)} == {"sent"}


# --- 7. admins hear of a problem once per group and reason, and only current admins ----------
@dataclass
class PostProblems(RecordingMessenger):
    """Each try of a post takes the next of `problems` (None: the post goes through)."""

    problems: list[Exception | None] = field(default_factory=list)

    async def post(
        self, channel: ChannelRef, message: OutMessage, *, key: str | None = None
    ) -> None:
        problem = self.problems.pop(0) if self.problems else None
        if problem is not None:
            raise problem
        await super().post(channel, message, key=key)


INVITE = "Invite me: type /invite @Rapport in #general."
ARCHIVED = "#general is archived: unarchive it so I can post there."


async def test_admins_are_told_once_per_group_and_reason_and_only_current_ones(
    group: Chat, core: Core, clock: FakeClock, repo: SqliteRepository, db_path: str
) -> None:
    messenger = PostProblems()
    core.outbox.messenger = messenger
    await group("alice", "/rapport admin add @bob")

    async def bob_goes(tx: SqliteRepository) -> None:
        bob = await tx.members.get(1, "bob")
        assert bob is not None and bob.is_admin
        await tx.members.update(bob.id, active=False)  # gone from the group, flag and all

    await repo.atomic(bob_goes)

    def told() -> list[str]:
        return [s.text for s in messenger.sent if s.message.kind == "admin.attention"]

    async def tries(problems: list[Exception | None]) -> None:
        """Let the post be tried once for each of `problems`."""
        messenger.problems = list(problems)
        while messenger.problems:
            clock.advance(hours=2)
            await core.run_due(clock.now())

    # Slack fails the first try for another reason; the second says the bot is not in the
    # channel: that is when the admins are told (not only on a message's first try)
    messenger.problems = [DeliveryError("Slack 500")]
    await group("carol", "/referral @alice Jane Roe jane@roe.example -- a roof")
    await tries([NeedsAdmin(INVITE)] * (MAX_ATTEMPTS - 1))  # until it is given up
    assert told() == [
        f"I couldn't post in Breakfast Club's channel #general: {INVITE}"
        " I'll keep trying for a while."
    ]
    assert [s.to.user_id for s in messenger.sent if s.message.kind == "admin.attention"] == [
        "alice"
    ]  # bob is no longer a member: not told

    # the next message meets the same problem: nobody is told again
    messenger.problems = [NeedsAdmin(INVITE)]
    await group("carol", "/referral @alice Tom Lee tom@lee.example -- a gutter")
    assert len(told()) == 1

    # the reason changes: the admins hear of the new one
    await tries([NeedsAdmin(ARCHIVED)])
    assert len(told()) == 2 and ARCHIVED in told()[1]

    # fixed (the post goes), and later broken the first way again: they are told again
    await tries([None])
    assert [s.text for s in messenger.posts() if s.message.kind == "referral.post"] == [
        "@carol passed a referral to @alice."
    ]  # the second referral's; the first was given up
    messenger.problems = [NeedsAdmin(INVITE)]
    await group("carol", "/referral @alice Ann Ray ann@ray.example -- a porch")
    assert len(told()) == 3 and INVITE in told()[2]


# --- 8. a long run forgets what it finished with ---------------------------------------------
async def test_a_long_run_keeps_nothing_of_the_messages_it_finished(
    repo: SqliteRepository, clock: FakeClock
) -> None:
    messenger = Gated(paused={"#busy": asyncio.Event()})
    core = Core(repo, messenger, clock, FakeResolver(), settings(concurrency=8))
    await queue(repo, clock, (channel("busy"), "to busy"))
    await queue(repo, clock, *[(user(f"member{i}"), f"to {i}") for i in range(300)])
    delivery = asyncio.create_task(core.deliver())
    await asyncio.wait_for(messenger.until(lambda: len(messenger.sent) == 300), BOUND)

    run = core.outbox.current
    assert run is not None

    async def forgotten() -> None:
        while run.held() > 1:
            await asyncio.sleep(0)  # a turn of the loop: the run notes what finished

    await asyncio.wait_for(forgotten(), BOUND)  # only #busy's message, waiting on its pause
    assert run.held() == 1 and not run.marks and not run.unsent
    messenger.paused["#busy"].set()
    assert await delivery == 301
    assert core.outbox.current is None


# --- a paused workspace's messages beyond what a run holds wait in the database --------------
@dataclass
class PausedWorkspace(Gated):
    """Every conversation in workspace `paused_ws` waits for one pause (a 429's Retry-After
    of 30 s) that the test lifts; the messenger knows how long it has to run."""

    paused_ws: str = "busy"
    lifted: asyncio.Event = field(default_factory=asyncio.Event)
    waiting: int = 0

    def wait_for(self, target: UserRef | ChannelRef) -> float:
        return 0.0 if self.lifted.is_set() or target.workspace != self.paused_ws else 30.0

    async def ready(self, target: UserRef | ChannelRef) -> None:
        if self.wait_for(target) > 0:
            self.waiting += 1
            await self.lifted.wait()


async def test_past_what_a_run_holds_a_paused_workspaces_messages_wait_in_the_database(
    repo: SqliteRepository, clock: FakeClock, db_path: str
) -> None:
    """One delivery slot: a run holds at most 16 messages waiting on a pause. The 20 posts
    of a paused workspace fill that, the rest are handed back, due when the pause ends (no
    attempt counted), and the run goes on to the DM queued after them in another workspace,
    instead of stopping to claim until the pause is over."""
    messenger = PausedWorkspace()
    core = Core(repo, messenger, clock, FakeResolver(), settings(concurrency=1))
    rooms = [(channel(f"room{i}", "busy"), f"room {i}") for i in range(20)]
    await queue(repo, clock, *rooms, (user("carol", "calm"), "to carol"))
    delivery = asyncio.create_task(core.deliver())

    await asyncio.wait_for(messenger.until(lambda: messenger.dms_to("carol")), BOUND)
    assert messenger.waiting == 16
    back = held(
        db_path,
        "SELECT state, attempts, next_attempt_at - ? FROM outbox WHERE state = 'pending'",
        (int(clock.now().timestamp()),),
    )
    assert back == [("pending", 0, 30)] * 4

    clock.advance(seconds=30)
    messenger.lifted.set()
    core.outbox.wake()  # (the run would claim them when their time comes)
    assert await asyncio.wait_for(delivery, BOUND) == 21
    assert sorted(s.text for s in messenger.posts()) == sorted(t for _, t in rooms)
    assert {st for _, st in states(db_path)} == {"sent"}


# --- review 14b: a stopping run hands back the message in hand that met a pause -------------
@dataclass
class ThrottledInHand(RecordingMessenger):
    """The post in hand is answered 429 (Retry-After 30 s) once the test lets it answer; the
    workspace is paused until the test lifts the pause."""

    answer: asyncio.Event = field(default_factory=asyncio.Event)
    calling: asyncio.Event = field(default_factory=asyncio.Event)
    lifted: asyncio.Event = field(default_factory=asyncio.Event)
    waiting: asyncio.Event = field(default_factory=asyncio.Event)
    throttled: bool = False

    def wait_for(self, target: UserRef | ChannelRef) -> float:
        return 30.0 if self.throttled and not self.lifted.is_set() else 0.0

    async def ready(self, target: UserRef | ChannelRef) -> None:
        if self.wait_for(target) > 0:
            self.waiting.set()
            await self.lifted.wait()

    async def post(
        self, channel: ChannelRef, message: OutMessage, *, key: str | None = None
    ) -> None:
        self.calling.set()
        await self.answer.wait()
        if not self.throttled:
            self.throttled = True
            raise Throttled("Slack rate limit on chat.postMessage")
        await super().post(channel, message, key=key)


async def test_shutdown_does_not_wait_out_a_pause_met_by_the_message_in_hand(
    repo: SqliteRepository, clock: FakeClock, db_path: str
) -> None:
    """Shutting down while a post is in hand; Slack answers 429 with a 30 s Retry-After. The
    run hands the post back (pending again at once, the try not counted) and ends, instead
    of waiting out the pause while drain() times out and the row holds its channel until its
    claim is stale."""
    messenger = ThrottledInHand()
    core = Core(repo, messenger, clock, FakeResolver(), settings())
    await queue(repo, clock, (channel("general"), "the recap"))
    core.deliver_soon()
    await asyncio.wait_for(messenger.calling.wait(), BOUND)  # the post is in hand

    core.outbox.stop()  # shutting down (Core.drain)
    messenger.answer.set()  # Slack answers 429, Retry-After 30 s
    settled = asyncio.create_task(core.settle())
    await turns()
    try:
        assert not messenger.waiting.is_set(), "the stopping run waits in ready for the pause"
        await asyncio.wait_for(asyncio.shield(settled), BOUND)  # the pause is not lifted
        assert states(db_path) == [("the recap", "pending")]
        [row] = held(db_path, "SELECT attempts, claim_token, next_attempt_at FROM outbox")
        assert row == (0, None, int(clock.now().timestamp()))  # due at once after the restart
        assert messenger.sent == []
    finally:
        messenger.lifted.set()
        await asyncio.wait_for(settled, BOUND)


# --- review 14b: a run waits while its slots are busy, even with handed-back work due -------
class CountingEvent(asyncio.Event):
    """The outbox's wake-up flag; counts how often the run loop looks at it (once a pass)."""

    looks = 0

    def is_set(self) -> bool:
        CountingEvent.looks += 1
        return super().is_set()


@dataclass
class PausedAndSlow(PausedWorkspace):
    """Workspace "busy" is paused (Retry-After 30 s) until the test lifts it; calls to the
    "calm" workspace are held open until the test lets them answer."""

    answer: asyncio.Event = field(default_factory=asyncio.Event)

    async def send_dm(self, to: UserRef, message: OutMessage, *, key: str | None = None) -> None:
        self.calling.set()
        await self.answer.wait()
        await super().send_dm(to, message, key=key)


async def test_a_run_does_not_spin_while_its_slots_are_busy_and_handed_back_work_is_due(
    repo: SqliteRepository, clock: FakeClock, db_path: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One slot, held by a DM whose call is slow, another DM waiting for it; 16 posts of a
    paused workspace wait on the pause, 4 were handed back due when it ends. The pause's
    30 s pass on the loop's clock: the handed-back posts are due, but no slot is free, so
    the run waits for a task to finish instead of going round and round."""
    loop = asyncio.get_running_loop()
    skew = [0.0]
    real_time = loop.time
    monkeypatch.setattr(loop, "time", lambda: real_time() + skew[0])

    messenger = PausedAndSlow()
    core = Core(repo, messenger, clock, FakeResolver(), settings(concurrency=1))
    core.outbox._wake = CountingEvent()
    rooms = [(channel(f"room{i}", "busy"), f"room {i}") for i in range(20)]
    calm = [(user(f"m{i}", "calm"), f"to m{i}") for i in range(2)]
    await queue(repo, clock, *rooms, *calm)
    delivery = asyncio.create_task(core.deliver())
    await asyncio.wait_for(messenger.calling.wait(), BOUND)
    await turns()
    assert messenger.waiting == 16  # 16 parked, 4 handed back until the pause ends

    skew[0] += 31  # the 30 s pass (the loop's clock only; the pause is not lifted yet)
    CountingEvent.looks = 0
    await turns(400)
    try:
        # nothing changed for the run (no task finished, nothing queued): it waits
        assert CountingEvent.looks < 20, f"the run loop went round {CountingEvent.looks} times"
    finally:
        messenger.lifted.set()
        messenger.answer.set()
        clock.advance(seconds=31)
        core.outbox.wake()
        assert await asyncio.wait_for(delivery, BOUND) == 22
    assert {st for _, st in states(db_path)} == {"sent"}


# --- review 14b: a held post released waits for the post in flight to its channel ----------
@dataclass
class Overlaps(RecordingMessenger):
    """Holds the call for `slow` open until the test lets it answer; notes every message
    that went while another call to its conversation was in flight."""

    slow: str = ""
    answer: asyncio.Event = field(default_factory=asyncio.Event)
    calling: asyncio.Event = field(default_factory=asyncio.Event)
    in_flight: dict[str, int] = field(default_factory=dict)
    overlaps: list[str] = field(default_factory=list)

    async def _call(self, where: str, message: OutMessage) -> None:
        self.in_flight[where] = self.in_flight.get(where, 0) + 1
        if self.in_flight[where] > 1:
            self.overlaps.append(message.fallback())
        if message.fallback() == self.slow:
            self.calling.set()
            await self.answer.wait()

    async def post(
        self, channel: ChannelRef, message: OutMessage, *, key: str | None = None
    ) -> None:
        where = name(channel)
        try:
            await self._call(where, message)
            await super().post(channel, message, key=key)
        finally:
            self.in_flight[where] -= 1

    async def send_dm(self, to: UserRef, message: OutMessage, *, key: str | None = None) -> None:
        where = name(to)
        try:
            await self._call(where, message)
            await super().send_dm(to, message, key=key)
        finally:
            self.in_flight[where] -= 1


async def test_a_held_post_released_never_goes_beside_a_post_in_flight_to_its_channel(
    repo: SqliteRepository, clock: FakeClock, db_path: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The monthly recap is queued held back (due in CHART_HOLD) while its chart is drawn; a
    post to the same channel queued meanwhile goes first. When the chart is done the recap
    is released (outbox_release_held) with its original send_at: it still waits until the
    post in flight to its channel is done, then goes."""
    messenger = Overlaps(slow="the reminder")
    core = Core(repo, messenger, clock, FakeResolver(), settings())
    now = int(clock.now().timestamp())
    async with repo.transaction() as tx:
        recap = await tx.outbox.add(
            None, channel("general"), OutMessage(lit("recap")), now, due=now + 600
        )
    clock.advance(seconds=5)
    await queue(repo, clock, (channel("general"), "the reminder"))
    core.deliver_soon()
    await asyncio.wait_for(messenger.calling.wait(), BOUND)  # the reminder is in flight

    # the test waits for a claim made after the release (the database answers from its own
    # thread, after any number of turns of the loop), then lets what it claimed go
    released = False
    claimed_since = asyncio.Event()
    claim = _Run._claim

    async def noted(run: _Run, n: int) -> list[OutboxItem]:
        after = released
        items = await claim(run, n)
        if after:
            claimed_since.set()
        return items

    monkeypatch.setattr(_Run, "_claim", noted)
    await repo.atomic(lambda tx: tx.outbox.release_held(recap, OutMessage(lit("recap")), now))
    released = True
    core.deliver_soon()  # the chart is drawn: the recap may go
    await asyncio.wait_for(claimed_since.wait(), BOUND)
    await turns()
    assert messenger.overlaps == [], "two posts in flight to #general at once"
    assert [t for t, st in states(db_path) if st == "sent"] == []

    messenger.answer.set()
    await asyncio.wait_for(core.settle(), BOUND)
    assert messenger.overlaps == []
    assert [s.text for s in messenger.posts()] == ["the reminder", "recap"]
    assert {st for _, st in states(db_path)} == {"sent"}


# --- review 14b: a Discord user's DMs are one conversation, whatever the guild --------------
def ann(guild: str) -> UserRef:
    """Ann, a member of groups in two Discord guilds: one DM channel with the bot."""
    return UserRef("discord", guild, "4242", "Ann")


async def test_dms_to_one_discord_user_from_two_guilds_never_go_at_once(
    repo: SqliteRepository, clock: FakeClock, db_path: str
) -> None:
    messenger = Overlaps(slow="from the guild 1 group")
    core = Core(repo, messenger, clock, FakeResolver(), settings())
    await queue(
        repo, clock, (ann("G1"), "from the guild 1 group"), (ann("G2"), "from the guild 2 group")
    )
    core.deliver_soon()
    await asyncio.wait_for(messenger.calling.wait(), BOUND)  # the first DM is in flight
    await turns()
    assert messenger.overlaps == [], "two DMs in flight to Ann at once"
    assert [t for t, st in states(db_path) if st == "sent"] == []

    messenger.answer.set()
    await asyncio.wait_for(core.settle(), BOUND)
    assert [s.text for s in messenger.dms_to("4242")] == [
        "from the guild 1 group",
        "from the guild 2 group",
    ]
    assert {st for _, st in states(db_path)} == {"sent"}


async def test_a_guild_left_drops_the_dms_queued_there_and_keeps_the_other_guilds(
    repo: SqliteRepository, clock: FakeClock, db_path: str
) -> None:
    """A DM's lane no longer names its guild: the departure still finds the DMs queued in
    the guild it left, and only those."""
    await queue(repo, clock, (ann("G1"), "from the guild 1 group"), (ann("G2"), "from G2"))
    now = int(clock.now().timestamp())
    assert await repo.atomic(lambda tx: tx.workspaces.left("discord", "G1", "removed", now)) == 1
    assert states(db_path) == [("from the guild 1 group", "failed"), ("from G2", "pending")]


async def at_schema_14(db: str, rows: list[tuple[object, ...]]) -> None:
    """A database as Rapport left it at schema version 14, holding these outbox rows."""
    insert = (
        "INSERT INTO outbox (group_id, target, payload, next_attempt_at, created_at,"
        " lane, send_at) VALUES (NULL, ?, ?, ?, ?, ?, ?)"
    )
    if is_postgres(db):
        conn = await asyncpg.connect(db)
        try:
            for number, script in migrate.scripts("postgresql"):
                if number <= 14:
                    await conn.execute(script)
            await conn.execute(
                f"CREATE TABLE {VERSION_TABLE} (version INTEGER NOT NULL);"
                f" INSERT INTO {VERSION_TABLE} (version) VALUES (14)"
            )
            await conn.executemany(_translate(insert)[0], rows)
        finally:
            await conn.close()
        return
    with closing(sqlite3.connect(db)) as conn:
        conn.create_function("rapport_meeting_key", 3, _meeting_key, deterministic=True)
        for number, script in migrations():
            if number <= 14:
                conn.executescript(script)
        conn.execute("PRAGMA user_version = 14")
        conn.executemany(insert, rows)
        conn.commit()


async def test_a_database_from_before_0015_keys_waiting_discord_dms_by_the_user(
    database: str, clock: FakeClock
) -> None:
    """DMs waiting in a database at schema 14, to Ann from two guilds and to a Slack member:
    upgraded, Ann's are one conversation (the first goes, the second waits behind it);
    Slack's DM lanes keep their workspace."""
    now = int(clock.now().timestamp())
    rows: list[tuple[object, ...]] = []
    for who, text in ((ann("G1"), "to Ann 1"), (ann("G2"), "to Ann 2"), (user("bob"), "bob")):
        old_lane = f"dm:{who.platform}:{who.workspace}:{who.user_id}"
        target = json.dumps({"dm": [who.platform, who.workspace, who.user_id, who.display_name]})
        rows.append((target, OutMessage(lit(text)).to_json(), now, now, old_lane, now))
    await at_schema_14(database, rows)

    repo = await open_repository(database)
    try:
        claimed = await repo.atomic(lambda tx: tx.outbox.claim(now, 10, now - 300))
    finally:
        await repo.close()
    assert [c.message.fallback() for c in claimed] == ["to Ann 1", "bob"]
    lanes = held(database, "SELECT lane FROM outbox ORDER BY id")
    assert lanes == [("dm:discord:4242",), ("dm:discord:4242",), ("dm:test:w1:bob",)]
