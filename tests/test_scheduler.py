"""The scheduler with the real APScheduler: one interval job that never overlaps itself and
collapses missed runs; a tick runs what is due, says how many pieces of work ran and wakes
the dispatcher, which delivers what they queued (the tick does not wait for it); a failing
tick is logged and the next one tries again; starting it ticks at once."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta

import pytest
from apscheduler.events import EVENT_SCHEDULER_SHUTDOWN
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger

from adapters.scheduler import TICK_SECONDS, Scheduler
from bot.model import UserRef
from bot.out import OutMessage
from bot.service import Core
from bot.text import lit
from tests.conftest import Chat
from tests.fakes import FakeClock, RecordingMessenger, channel


def sast(y: int, mo: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h - 2, mi, tzinfo=UTC)  # Africa/Johannesburg is UTC+2


async def test_the_scheduler_registers_one_interval_job_that_never_overlaps_and_coalesces(
    core: Core, clock: FakeClock
) -> None:
    scheduler = Scheduler(core, clock)

    [job] = scheduler.aps.get_jobs()
    assert isinstance(scheduler.aps, AsyncIOScheduler)
    assert not scheduler.aps.running  # nothing ticks until start()
    assert job.id == "rapport-tick"
    assert isinstance(job.trigger, IntervalTrigger)
    assert job.trigger.interval == timedelta(seconds=TICK_SECONDS) == timedelta(seconds=20)
    assert job.max_instances == 1
    assert job.coalesce is True
    assert job.misfire_grace_time is None  # a late tick still runs, however late
    assert job.func == scheduler.tick


async def test_the_tick_interval_can_be_chosen(core: Core, clock: FakeClock) -> None:
    [job] = Scheduler(core, clock, tick_seconds=5).aps.get_jobs()

    assert job.trigger.interval == timedelta(seconds=5)


async def test_a_tick_runs_the_due_work_and_returns_how_many_pieces_ran(
    group: Chat, core: Core, clock: FakeClock, messenger: RecordingMessenger
) -> None:
    assert "Saved" in await group("alice", "/rapport meeting set wed 07:00 -- The Oaks")
    scheduler = Scheduler(core, clock)
    clock.set(sast(2026, 12, 1, 9, 30))  # the first of the month's recap and suggestions
    await scheduler.tick()
    await core.settle()
    messenger.clear()

    clock.set(sast(2026, 12, 1, 17, 59))
    assert await scheduler.tick() == 0
    await core.settle()
    assert messenger.sent == []

    clock.set(sast(2026, 12, 1, 18))
    # the evening reminder, the accountability nudges, the presenter's and the visitor
    # host's DMs (nobody presents and no visitor is expected: nothing to send)
    assert await scheduler.tick() == 4
    await core.settle()  # the dispatcher delivers what they queued
    assert [(s.to, s.text.splitlines()[0]) for s in messenger.sent] == [
        (channel(), "📅 Reminder: Breakfast Club meets Wed 2 Dec 07:00 at The Oaks.")
    ]

    clock.advance(seconds=TICK_SECONDS)
    assert await scheduler.tick() == 0  # the next tick finds nothing more
    await core.settle()
    assert len(messenger.sent) == 1


async def test_a_failing_tick_is_logged_returns_zero_and_the_next_tick_tries_again(
    group: Chat,
    core: Core,
    clock: FakeClock,
    messenger: RecordingMessenger,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    assert "Saved" in await group("alice", "/rapport meeting set wed 07:00")
    scheduler = Scheduler(core, clock)
    clock.set(sast(2026, 12, 1, 9, 30))  # the first of the month's recap and suggestions
    await scheduler.tick()
    await core.settle()
    messenger.clear()
    clock.set(sast(2026, 12, 1, 18))

    async def broken(now: datetime) -> int:
        raise RuntimeError("database is locked")

    with monkeypatch.context() as m:
        m.setattr(core, "queue_due", broken)
        with caplog.at_level(logging.ERROR, logger="adapters.scheduler"):
            assert await scheduler.tick() == 0

    [record] = [r for r in caplog.records if r.name == "adapters.scheduler"]
    assert record.levelno == logging.ERROR
    assert record.getMessage() == "scheduler tick failed; the next tick will try again"
    assert record.exc_info is not None
    assert isinstance(record.exc_info[1], RuntimeError)
    assert str(record.exc_info[1]) == "database is locked"
    assert messenger.sent == []

    clock.advance(seconds=TICK_SECONDS)
    assert await scheduler.tick() == 4  # (with the presenter's and visitor host's, empty)
    await core.settle()
    assert [s.message.kind for s in messenger.sent] == ["reminder.evening"]


async def test_starting_the_scheduler_ticks_at_once_and_delivers_what_was_waiting(
    core: Core, clock: FakeClock, messenger: RecordingMessenger, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the process starts with the wall clock's time, a message still waiting from before
    clock.set(datetime.now(UTC))
    async with core.repo.transaction() as tx:
        await tx.outbox.add(
            None,
            channel(),
            OutMessage(lit("left over from before the restart"), kind="test"),
            int(clock.now().timestamp()) - 60,
        )
    ticked = asyncio.Event()
    ticks: list[tuple[datetime, int]] = []
    queue_due = core.queue_due

    async def recording_queue_due(now: datetime) -> int:
        ran = await queue_due(now)
        ticks.append((now, ran))
        ticked.set()
        return ran

    monkeypatch.setattr(core, "queue_due", recording_queue_due)
    scheduler = Scheduler(core, clock)
    stopped = asyncio.Event()
    # APScheduler's asyncio shutdown happens on the loop, just after shutdown() returns
    scheduler.aps.add_listener(lambda event: stopped.set(), EVENT_SCHEDULER_SHUTDOWN)

    scheduler.start()
    try:
        assert scheduler.aps.running
        await asyncio.wait_for(ticked.wait(), timeout=5)
    finally:
        scheduler.shutdown()
    await asyncio.wait_for(stopped.wait(), timeout=5)
    await core.settle()  # the tick woke the dispatcher; it delivers what was waiting

    assert ticks == [(clock.now(), 0)]  # no scheduled work ran: the message was queued before
    assert [(s.to, s.text) for s in messenger.sent] == [
        (channel(), "left over from before the restart")
    ]
    assert not scheduler.aps.running
    scheduler.shutdown()  # a second shutdown is harmless


async def test_a_tick_wakes_the_dispatcher_for_a_dm_that_was_waiting(
    core: Core, clock: FakeClock, messenger: RecordingMessenger
) -> None:
    to = UserRef("test", "w1", "bob", "bob")
    async with core.repo.transaction() as tx:
        await tx.outbox.add(
            None, to, OutMessage(lit("hello"), kind="test"), int(clock.now().timestamp())
        )

    assert await Scheduler(core, clock).tick() == 0  # no scheduled work ran
    await core.settle()
    assert [s.text for s in messenger.dms_to("bob")] == ["hello"]
