"""Five weeks of a group's life run twice over the same script: once by one calm process, and
once by two processes sharing the database file, one of them restarted mid-week, while a third
dies holding claimed reminders and a fourth dies in the middle of delivering the recap. Every
reminder, recap and nudge goes out exactly as often as in the calm run: nothing is lost,
nothing is sent twice."""

from __future__ import annotations

import asyncio
import contextlib
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.config import Settings
from bot.model import ChannelRef, UserRef
from bot.out import OutMessage
from bot.service import STALE_RUNNING_SECONDS, Core
from bot.work import Context
from storage.databases import open_repository
from storage.sqlite import SqliteRepository
from tests.fakes import FakeClock, FakeResolver, RecordingMessenger, channel, user
from tests.faults.support import ChannelPosts, scalar

BACKENDS = ("sqlite", "postgresql")  # the restart test on both databases
JNB = ZoneInfo("Africa/Johannesburg")
GENERAL = channel()
STALE = timedelta(seconds=STALE_RUNNING_SECONDS + 1)


def sast(mo: int, d: int, h: int = 0, mi: int = 0, y: int = 2026) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=JNB)


SCRIPT: list[tuple[datetime, str, str]] = [
    (sast(11, 2, 8), "alice", "/rapport setup Breakfast Club"),
    (sast(11, 2, 8), "alice", "/rapport join Commercial insurance"),
    (sast(11, 2, 8), "bob", "/rapport join Residential plumbing"),
    (sast(11, 2, 8), "carol", "/rapport join Roofing"),
    (sast(11, 2, 8), "dave", "/rapport join Residential property sales"),
    (sast(11, 2, 8), "erin", "/rapport join Bookkeeping"),
    (sast(11, 2, 8), "frank", "/rapport join Web design"),
    (sast(11, 2, 8), "bob", "/rapport profile ask homeowners renovating a bathroom"),
    (sast(11, 2, 8), "carol", "/rapport profile ask estate agents with sellers"),
    (sast(11, 30, 8), "alice", "/rapport meeting set wednesday 07:00 -- The Oaks"),
    (sast(11, 30, 8), "alice", "/referral @bob Jane Roe jane@roe.example -- geyser heat:5"),
    (sast(11, 30, 8), "carol", "/referral @erin Pieter Botha pieter@botha.example heat:5"),
    (sast(11, 30, 8), "erin", "/referral @alice Mandla Dube +27 21 555 0199 heat:3"),
    (sast(11, 30, 8), "dave", "/lead @carol Harbour View Body Corporate -- roof leaks"),
    (sast(11, 30, 8), "bob", "/referrals update 1 contacted"),
    (sast(11, 30, 8), "carol", "/onetoone @dave -- coffee"),
    (sast(12, 1, 14), "bob", "/referrals update 1 won R18,500"),
    (sast(12, 3, 9), "alice", "/referrals update 3 contacted"),
    (sast(12, 8, 10), "dave", "/referral @frank Sam Kay sam@kay.example heat:4"),
]
END = sast(1, 2, 12, y=2027)

# what the calm run must show, or the comparison proves little
KINDS = {
    "reminder.evening",
    "reminder.soon",
    "recap.weekly",
    "nudge.accountability",
    "nudge.follow_up",
    "nudge.not_contacted",
    "nudge.progress",
    "nudge.thank",
    "recap.monthly",
}


@dataclass
class Process:
    """One Rapport process: its own connection to the file, its own Core, its own platform."""

    repo: SqliteRepository
    core: Core
    messenger: RecordingMessenger

    @classmethod
    async def start(cls, db: Path | str, clock: FakeClock, settings: Settings) -> Process:
        repo = await open_repository(str(db))
        messenger = RecordingMessenger()
        return cls(repo, Core(repo, messenger, clock, FakeResolver(), settings), messenger)

    async def stop(self) -> None:
        await self.repo.close()


class Hanging:
    """A platform that never answers: the process is killed while it waits."""

    def __init__(self) -> None:
        self.entered = asyncio.Event()

    async def send_dm(self, to: UserRef, message: OutMessage, *, key: str | None = None) -> None:
        self.entered.set()
        await asyncio.Event().wait()

    async def post(
        self, channel: ChannelRef, message: OutMessage, *, key: str | None = None
    ) -> None:
        self.entered.set()
        await asyncio.Event().wait()


@dataclass
class Cluster:
    """The processes sharing one database, driven by one clock the way the scheduler's tick
    drives them: at every instant something is due, each of them runs what is due."""

    db: Path | str
    clock: FakeClock
    settings: Settings
    live: list[Process] = field(default_factory=list)
    messengers: list[RecordingMessenger] = field(default_factory=list)
    commands: int = 0

    async def add(self) -> Process:
        p = await Process.start(self.db, self.clock, self.settings)
        self.live.append(p)
        self.messengers.append(p.messenger)
        return p

    async def close(self) -> None:
        for p in self.live:
            await p.stop()
        self.live.clear()

    async def tick(self) -> None:
        await asyncio.gather(*(p.core.run_due(self.clock.now()) for p in self.live))

    async def run_until(self, target: datetime) -> None:
        for _ in range(5000):
            due = await self.live[0].core.next_due()
            if due is None or due > target:
                break
            if due > self.clock.now():
                self.clock.set(due)
            await self.tick()
        else:
            raise AssertionError("the clock never got to the target")
        self.clock.set(target)
        await self.tick()

    async def type(self, handle: str, line: str) -> None:
        """Commands arrive at whichever process the platform picks: here, in turn."""
        p = self.live[self.commands % len(self.live)]
        self.commands += 1
        replies = await p.core.handle(Context(user(handle), GENERAL), line)
        assert replies and not any(r.kind.startswith("error") for r in replies), (line, replies)
        # its messages go out before the fake clock moves on: a real dispatcher is done in
        # moments, not across the five minutes after which a claim counts as abandoned
        await p.core.settle()

    def sent(self) -> Counter[tuple[str, str, int | None]]:
        """What people got: (kind, recipient, the referral it is about)."""
        out: Counter[tuple[str, str, int | None]] = Counter()
        for m in self.messengers:
            for s in m.sent:
                to = s.to.user_id if isinstance(s.to, UserRef) else f"#{s.to.channel_id}"
                out[(s.message.kind, to, s.message.about)] += 1
        return out


Fault = Callable[[Cluster, datetime], Awaitable[None]]


async def restart(cluster: Cluster, at: datetime) -> None:
    await cluster.run_until(at)
    first = cluster.live.pop(0)
    await first.stop()
    await cluster.add()


async def die_holding_claims(cluster: Cluster, at: datetime) -> None:
    """A process claims the work due at `at` and dies before running any of it."""
    await cluster.run_until(at - timedelta(seconds=1))
    cluster.clock.set(at)
    doomed = await open_repository(str(cluster.db))
    ts = int(at.timestamp())
    async with doomed.transaction() as tx:
        claimed = await tx.due.claim(ts, 200, ts - STALE_RUNNING_SECONDS)
    await doomed.close()
    assert claimed, f"nothing was due at {at}"
    await cluster.tick()  # the survivors leave a fresh claim alone
    cluster.clock.set(at + STALE)
    await cluster.tick()  # until it is stale


async def die_mid_delivery(cluster: Cluster, at: datetime) -> None:
    """A process runs the work due at `at`, queues its messages, and is killed while the
    platform has not yet answered the first of them."""
    await cluster.run_until(at - timedelta(seconds=1))
    cluster.clock.set(at)
    platform = Hanging()
    doomed = await open_repository(str(cluster.db))
    core = Core(doomed, platform, cluster.clock, FakeResolver(), cluster.settings)
    task = asyncio.create_task(core.run_due(at))
    await asyncio.wait_for(platform.entered.wait(), 10)
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
    await doomed.close()
    await cluster.tick()
    cluster.clock.set(at + STALE)
    await cluster.tick()


async def calm(cluster: Cluster, at: datetime) -> None:
    """The calm run passes the same instants, so the only difference is the faults."""
    await cluster.run_until(at + STALE)


FAULTS: list[tuple[datetime, Fault]] = [
    (sast(11, 30, 12), restart),
    (sast(12, 1, 18), die_holding_claims),  # the evening reminder and the accountability nudges
    (sast(12, 2, 9), die_mid_delivery),  # the weekly recap
    (sast(12, 9, 12), restart),
    (sast(12, 15, 18), die_holding_claims),
    (sast(1, 1, 9, y=2027), die_mid_delivery),  # the monthly recap and 1-2-1 suggestions
]


async def play(db: Path | str, settings: Settings, processes: int, faults: bool) -> Cluster:
    cluster = Cluster(db, FakeClock(SCRIPT[0][0]), settings)
    for _ in range(processes):
        await cluster.add()

    async def command(at: datetime, handle: str, line: str) -> None:
        if at > cluster.clock.now():
            await cluster.run_until(at)
        await cluster.type(handle, line)

    agenda: list[tuple[datetime, int, Callable[[], Awaitable[None]]]] = []
    for i, (at, handle, line) in enumerate(SCRIPT):
        agenda.append((at, i, lambda a=at, h=handle, t=line: command(a, h, t)))
    for j, (at, fault) in enumerate(FAULTS):
        # a fault moves the clock itself: it must strike before what is due at its instant runs
        agenda.append((at, 1000 + j, lambda f=fault if faults else calm, a=at: f(cluster, a)))
    try:
        for _, _, step in sorted(agenda, key=lambda e: (e[0], e[1])):
            await step()
        await cluster.run_until(END)
    finally:
        await cluster.close()
    return cluster


async def test_two_processes_a_restart_and_two_deaths_send_every_reminder_and_nudge_once(
    tmp_path: Path, database: str, settings: Settings, channel_posts: ChannelPosts
) -> None:
    # sent messages are kept past the two months played, so the outbox can be counted below
    settings = replace(settings, privacy=replace(settings.privacy, sent_messages_days=3650))
    reference = await play(tmp_path / "calm.db", settings, processes=1, faults=False)
    faulty = await play(database, settings, processes=2, faults=True)  # SQLite or PostgreSQL
    for m in faulty.messengers:
        channel_posts.watch(m)

    expected = reference.sent()
    assert {kind for kind, _, _ in expected} >= KINDS, sorted({k for k, _, _ in expected})
    got = faulty.sent()
    assert got == expected, {
        "missing": expected - got,
        "twice": got - expected,
    }
    db = database
    assert scalar(db, "SELECT COUNT(*) FROM outbox WHERE state <> 'sent'") == 0
    assert scalar(db, "SELECT COUNT(*) FROM outbox") == sum(got.values())
    assert scalar(db, "SELECT COUNT(*) FROM due_work WHERE state = 'running'") == 0
    overdue = "SELECT COUNT(*) FROM due_work WHERE state = 'pending' AND due_at <= ?"
    assert scalar(db, overdue, (int(END.timestamp()),)) == 0
    # the second process did its share of the work
    assert all(m.sent for m in faulty.messengers)
