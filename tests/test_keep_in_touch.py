"""Staying top of mind (seed 000): a member names up to ten people outside the group and how
often to be in touch; Rapport DMs them once when one is due (outside their quiet hours),
with their own ask to mention, and again a cycle later unless they say they were in touch.
Nobody else sees the list."""

from __future__ import annotations

from datetime import datetime, timedelta

BACKENDS = ("sqlite", "postgresql")
WEEK = timedelta(days=7)


async def until(core, clock, target: datetime) -> None:
    """Move the fake clock to `target`, running each piece of due work at its own instant."""
    while (due := await core.next_due()) is not None and due <= target:
        clock.set(max(due, clock.now()))
        await core.run_due(clock.now())
    clock.set(target)
    await core.run_due(target)


def reminders(messenger, handle: str) -> list:
    return [s for s in messenger.dms_to(handle) if s.message.kind == "keep_in_touch.due"]


async def test_a_reminder_comes_once_when_due_with_the_members_ask(group, core, clock, messenger):
    start = clock.now()
    await group("alice", "/rapport profile ask owners of commercial buildings")
    [reply] = await group.messages("alice", "/rapport keep-in-touch add Jane Roe every 2 weeks")
    assert reply.ephemeral
    assert "Added #1 Jane Roe, every 2 weeks: I'll DM you on Mon 14 Dec" in reply.fallback()
    assert messenger.posts() == []  # nothing about it in the channel

    await until(core, clock, start + 2 * WEEK - timedelta(minutes=1))
    assert reminders(messenger, "alice") == []
    await until(core, clock, start + 2 * WEEK + timedelta(days=1))
    [dm] = reminders(messenger, "alice")
    assert "Time to get in touch with Jane Roe" in dm.text
    assert "mention what you're looking for: owners of commercial buildings" in dm.text
    assert "/rapport keep-in-touch done 1" in dm.text
    # a cycle later, again, since she didn't say she was in touch
    await until(core, clock, start + 4 * WEEK + timedelta(hours=1))
    assert len(reminders(messenger, "alice")) == 2


async def test_done_moves_the_next_reminder_a_whole_cycle_on(group, core, clock, messenger):
    start = clock.now()
    await group("alice", "/rapport keep-in-touch add Jane Roe every 2 weeks")
    await until(core, clock, start + 10 * timedelta(days=1))
    said = await group("alice", "/rapport keep-in-touch done jane roe")
    assert "Noted: you were in touch with Jane Roe. Next reminder Thu 24 Dec" in said
    await until(core, clock, start + 3 * WEEK)
    assert reminders(messenger, "alice") == []  # the first cycle's reminder never came
    await until(core, clock, start + 24 * timedelta(days=1) + timedelta(hours=1))
    assert len(reminders(messenger, "alice")) == 1


async def test_quiet_hours_hold_the_reminder(group, core, clock, messenger):
    # 08:00 in Johannesburg; quiet until 10:00
    await group("alice", "/rapport profile quiet 06:00-10:00")
    start = clock.now()
    await group("alice", "/rapport keep-in-touch add Jane Roe every 1 week")
    await until(core, clock, start + WEEK + timedelta(hours=1))
    assert reminders(messenger, "alice") == []
    await until(core, clock, start + WEEK + timedelta(hours=3))
    [dm] = reminders(messenger, "alice")
    assert "Jane Roe" in dm.text


async def test_at_most_ten_and_each_only_once(group):
    for i in range(10):
        assert "Added" in await group("bob", f"/rapport keep-in-touch add Person {i} every 4 weeks")
    said = await group("bob", "/rapport keep-in-touch add Person 10 every 4 weeks")
    assert "already keep in touch with 10 people" in said
    assert "already on your list as #1" in await group(
        "bob", "/rapport keep-in-touch add person 0 every 2 weeks"
    )
    listed = await group("bob", "/rapport keep-in-touch")
    assert "10 of 10" in listed and "#10 Person 9, every 4 weeks; next Mon 28 Dec" in listed


async def test_the_list_is_private_to_its_member(group):
    await group("alice", "/rapport keep-in-touch add Jane Roe every 2 weeks")
    assert "nobody here yet" in await group("bob", "/rapport keep-in-touch")
    assert "is not on your keep-in-touch list" in await group(
        "bob", "/rapport keep-in-touch remove 1"
    )
    assert "is not on your keep-in-touch list" in await group(
        "bob", "/rapport keep-in-touch done Jane Roe"
    )
    assert "Jane Roe" in await group("alice", "/rapport keep-in-touch")


async def test_remove_stops_the_reminders(group, core, clock, messenger):
    start = clock.now()
    await group("alice", "/rapport keep-in-touch add Jane Roe every 1 week")
    assert "Removed Jane Roe" in await group("alice", "/rapport keep-in-touch remove #1")
    await until(core, clock, start + 3 * WEEK)
    assert reminders(messenger, "alice") == []
    assert "nobody here yet" in await group("alice", "/rapport keep-in-touch")


async def test_a_forgotten_member_keeps_nobody(group, core, clock, messenger):
    start = clock.now()
    await group("bob", "/rapport keep-in-touch add Jane Roe every 1 week")
    await group("bob", "/rapport forget-me confirm")
    await until(core, clock, start + 2 * WEEK)
    assert reminders(messenger, "bob") == []
    async with core.repo.transaction() as tx:
        assert await tx._all("SELECT id FROM keep_in_touch") == []


async def test_mistakes_are_answered_with_how_to_write_it(group):
    said = await group("alice", "/rapport keep-in-touch add Jane Roe")
    assert "how often" in said and "add Jane Roe every 6 weeks" in said
    said = await group("alice", "/rapport keep-in-touch add Jane Roe every 99 weeks")
    assert "1 to 52" in said
    said = await group("alice", "/rapport keep-in-touch add every 2 weeks")
    assert "Whom do you keep in touch with?" in said
    assert "I don't know “call”" in await group("alice", "/rapport keep-in-touch call Jane")
    assert "nobody here yet" in await group("alice", "/rapport keep-in-touch")
