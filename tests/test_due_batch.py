"""A reminder minute for many groups is built in batches: each group's roster, settings, skips
and open seats are read once for all of its work in the batch, and who gave lately is one read
per group, not one per member; what people receive is the same."""

from __future__ import annotations

import re
from collections import Counter
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.batch import SharedReads
from bot.service import Core
from storage.sqlite import SqliteRepository
from tests.conftest import Chat
from tests.fakes import FakeClock, RecordingMessenger, channel

JNB = ZoneInfo("Africa/Johannesburg")
TUESDAY_EVENING = datetime(2027, 1, 5, 18, 0, tzinfo=JNB).astimezone(UTC)


async def run_until(core: Core, clock: FakeClock, target: datetime) -> None:
    while (due := await core.next_due()) is not None and due < target:
        clock.set(max(due, clock.now()))
        await core.run_due(clock.now())
    clock.set(target)


async def statements(repo: SqliteRepository) -> list[str]:
    """Every statement SQLite runs on the repository's connection from now on."""
    seen: list[str] = []
    await repo._db.set_trace_callback(seen.append)
    return seen


@pytest.mark.sqlite_only("counts the statements SQLite's trace hook sees")
async def test_a_minute_of_three_groups_reads_each_roster_once(
    core: Core, repo: SqliteRepository, clock: FakeClock, messenger: RecordingMessenger
) -> None:
    clock.set(datetime(2026, 11, 30, 8, 0, tzinfo=JNB).astimezone(UTC))
    for n in range(3):
        chat = Chat(core, channel(f"room{n}"))
        await chat("alice", f"/rapport setup Chapter {n}")
        await chat("alice", "/rapport meeting set wednesday 07:00 Africa/Johannesburg")
        for who, seat in (("alice", "Insurance"), ("bob", "Plumbing"), ("carol", "Roofing")):
            await chat(who, f"/rapport join {seat}")
            await chat(who, f"/rapport profile ask {who}'s ideal client in chapter {n}")
    await run_until(core, clock, TUESDAY_EVENING)
    messenger.clear()

    seen = await statements(repo)
    await core.run_due(clock.now())
    await repo._db.set_trace_callback(None)

    reads = Counter(
        m.group(1)
        for s in seen
        if (m := re.match(r"\s*SELECT [\w\s,*]+ FROM (members|groups) WHERE (group_)?id = ", s))
    )
    assert reads == {"members": 3, "groups": 3}
    assert not [s for s in seen if "WHERE giver_id" in s]  # no read per member
    # and everyone got what they always get: each channel its reminder, each member a nudge
    # with the others' asks
    kinds = Counter((s.message.kind, getattr(s.to, "channel_id", None)) for s in messenger.sent)
    assert kinds == {
        ("reminder.evening", "room0"): 1,
        ("reminder.evening", "room1"): 1,
        ("reminder.evening", "room2"): 1,
        ("nudge.accountability", None): 9,
    }
    for s in messenger.dms_to("bob"):
        number = re.search(r"chapter (\d)", s.text)
        assert number and "alice's ideal client" in s.text and "carol's" in s.text
        assert "bob's ideal client" not in s.text


class Reads:
    """A unit of work whose stores count what they are asked."""

    def __init__(self) -> None:
        self.asked: Counter[str] = Counter()
        self.members = Members(self.asked)
        self.outbox = Outbox(self.asked)


class Members:
    def __init__(self, asked: Counter[str]) -> None:
        self.asked = asked

    async def of_group(self, group_id: int) -> list[Any]:
        self.asked["members"] += 1
        return [group_id]

    async def update(self, member_id: int, **fields: Any) -> None:
        self.asked["update_member"] += 1


class Outbox:
    def __init__(self, asked: Counter[str]) -> None:
        self.asked = asked

    async def add(self, *args: Any) -> int:
        self.asked["outbox_add"] += 1
        return 1


async def test_a_call_that_might_change_the_roster_drops_what_was_read() -> None:
    tx = Reads()
    memo: dict[Any, Any] = {}
    shared = SharedReads(tx, memo)  # type: ignore[arg-type]
    assert await shared.members.of_group(1) == [1]
    assert await SharedReads(tx, memo).members.of_group(1) == [1]  # another unit of the batch
    await shared.outbox.add(1, None, None, 0)  # queueing a message changes no roster
    assert await shared.members.of_group(1) == [1]
    assert tx.asked["members"] == 1
    await shared.members.update(7, ask="new")
    assert await shared.members.of_group(1) == [1]
    assert tx.asked["members"] == 2
    # each caller's own list
    assert (await shared.members.of_group(1)) is not (await shared.members.of_group(1))
