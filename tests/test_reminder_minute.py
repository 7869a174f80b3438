"""A reminder minute is built in batches: within one batch each chapter's next meeting is
planned once (its evening reminder and its accountability nudges would plan the same), each
member's ask is written once for the reminder and every nudge that lists it, and a chapter's
nudges are queued in one statement. What people receive is what they got one row at a time;
and when one piece of a chapter's work fails, its rolled-back plan is made again by the next."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot import due, messages, service
from bot.config import PrivacySettings, Settings
from bot.service import Core
from storage.sqlite import SqliteRepository
from storage.sqlite.outbox import SqliteOutbox
from tests.conftest import Chat
from tests.fakes import FakeClock, FakeResolver, RecordingMessenger, channel

BACKENDS = ("sqlite", "postgresql")  # the storage contract: each test on both databases

JNB = ZoneInfo("Africa/Johannesburg")
TUESDAY_EVENING = datetime(2027, 1, 5, 18, 0, tzinfo=JNB).astimezone(UTC)
NEXT_MEETING = "2027-01-13T05:00:00Z"  # Wednesday 07:00 in Johannesburg, the week after
MEMBERS = ("alice", "bob", "carol", "dave")
GROUPS = 3


async def chapters(core: Core, clock: FakeClock) -> None:
    """Three chapters meeting on Wednesdays, four members each with an ask, and the clock
    just before their evening reminders and accountability nudges fall due."""
    clock.set(datetime(2026, 11, 30, 8, 0, tzinfo=JNB).astimezone(UTC))
    for n in range(GROUPS):
        chat = Chat(core, channel(f"room{n}"))
        await chat("alice", f"/rapport setup Chapter {n}")
        await chat("alice", "/rapport meeting set wednesday 07:00 Africa/Johannesburg")
        for who, seat in zip(
            MEMBERS, ("Insurance", "Plumbing", "Roofing", "Catering"), strict=True
        ):
            await chat(who, f"/rapport join {seat}")
            await chat(who, f"/rapport profile ask {who}'s ideal client in chapter {n}")
    while (at := await core.next_due()) is not None and at < TUESDAY_EVENING:
        clock.set(max(at, clock.now()))
        await core.run_due(clock.now())
    clock.set(TUESDAY_EVENING)


def counting(monkeypatch: pytest.MonkeyPatch, owner: Any, name: str, calls: Counter[str]) -> None:
    """Count calls of `owner.name` (a function or an async method), keyed by its name."""
    real = getattr(owner, name)
    if isinstance(owner, type):

        async def method(self: Any, *args: Any, **kwargs: Any) -> Any:
            calls[name] += 1
            return await real(self, *args, **kwargs)

        monkeypatch.setattr(owner, name, method)
    else:

        def function(*args: Any, **kwargs: Any) -> Any:
            calls[name] += 1
            return real(*args, **kwargs)

        monkeypatch.setattr(owner, name, function)


async def planned_next(repo: SqliteRepository) -> Counter[int]:
    """How many pieces of work each group has planned for the meeting after this one."""
    async with repo.transaction() as tx:
        rows = await tx._all(
            "SELECT group_id FROM due_work WHERE occurrence = ? AND state = 'pending'",
            (NEXT_MEETING,),
        )
    return Counter(r[0] for r in rows)


async def test_a_minute_plans_writes_asks_and_queues_nudges_once_per_chapter(
    core: Core,
    repo: SqliteRepository,
    clock: FakeClock,
    messenger: RecordingMessenger,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    await chapters(core, clock)
    messenger.clear()
    calls: Counter[str] = Counter()
    counting(monkeypatch, due, "plan_meeting", calls)
    counting(monkeypatch, messages, "ask_line", calls)
    counting(monkeypatch, SqliteOutbox, "add", calls)
    counting(monkeypatch, SqliteOutbox, "add_many", calls)

    await core.run_due(clock.now())

    kinds = Counter(s.message.kind for s in messenger.sent)
    assert kinds == {"reminder.evening": GROUPS, "nudge.accountability": GROUPS * len(MEMBERS)}
    assert calls == {
        "plan_meeting": GROUPS,  # not once for the reminder and again for the nudges
        "ask_line": GROUPS * len(MEMBERS),  # not once for every message that lists it
        "add": GROUPS,  # each chapter's reminder, queued on its own
        "add_many": GROUPS,  # each chapter's nudges together
    }
    # both reminders, the nudges and the recap of the meeting after, for every chapter
    assert await planned_next(repo) == {g: len(due.MEETING_KINDS) for g in (1, 2, 3)}


async def minute(tmp_path: Path, batch: int, monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Everything the chapters' members and channels receive in the minute, with work
    claimed `batch` rows at a time, and what it planned next."""
    monkeypatch.setattr(service, "DUE_BATCH", batch)
    repo = await SqliteRepository.open(":memory:")
    settings = Settings(
        timezone="Africa/Johannesburg",
        currency="ZAR",
        privacy=PrivacySettings(files_dir=str(tmp_path / "files")),
    )
    messenger, clock = RecordingMessenger(), FakeClock()
    core = Core(repo, messenger, clock, FakeResolver(), settings)
    try:
        await chapters(core, clock)
        messenger.clear()
        await core.run_due(clock.now())
        async with repo.transaction() as tx:
            planned = await tx._all(
                "SELECT group_id, kind, occurrence, due_at, state FROM due_work"
                " WHERE target_id = 0 ORDER BY group_id, kind, occurrence"
            )
        async with repo.transaction() as tx:
            stored = await tx._all("SELECT target, payload, send_at FROM outbox ORDER BY id")
    finally:
        await repo.close()
    # each conversation in the order it was sent (conversations go out side by side)
    seen: dict[Any, list[Any]] = {}
    for s in messenger.sent:
        seen.setdefault(s.to, []).append(s.message)
    return [seen, [tuple(r) for r in planned], [tuple(r) for r in stored]]


async def test_people_receive_the_same_whether_the_minute_runs_in_batches_or_row_by_row(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    one_by_one = await minute(tmp_path, 1, monkeypatch)
    batched = await minute(tmp_path, 200, monkeypatch)
    assert batched == one_by_one
    assert sum(map(len, batched[0].values())) == GROUPS * (1 + len(MEMBERS))


async def test_when_a_chapters_reminder_fails_its_nudges_still_plan_the_next_meeting(
    core: Core,
    repo: SqliteRepository,
    clock: FakeClock,
    messenger: RecordingMessenger,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The reminder runs first and plans the next meeting, then fails: its plan is rolled
    back with it, so the batch must not count the chapter as planned."""
    await chapters(core, clock)
    messenger.clear()
    real: Callable[..., Any] = messages.meeting_reminder

    def broken(group: Any, *args: Any) -> Any:
        if group.name == "Chapter 1":
            raise RuntimeError("the wording broke")
        return real(group, *args)

    monkeypatch.setattr(messages, "meeting_reminder", broken)
    calls: Counter[str] = Counter()
    counting(monkeypatch, due, "plan_meeting", calls)

    await core.run_due(clock.now())

    posts = Counter(getattr(s.to, "channel_id", None) for s in messenger.posts())
    assert posts == {"room0": 1, "room2": 1}
    assert len(messenger.sent) == 2 + GROUPS * len(MEMBERS)  # every member's nudge
    assert calls["plan_meeting"] == GROUPS + 1  # chapter 1's again, by its nudges
    assert await planned_next(repo) == {g: len(due.MEETING_KINDS) for g in (1, 2, 3)}
