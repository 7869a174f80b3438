"""What the core tells the adapters, typed: whether a reply is a refusal (so a clicked button
stays), and that a group's meeting moved (so Discord moves the server's event). Alice sets the
Wednesday meeting, skips one, the meeting is held; bob, not an admin, is refused."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from bot.events import MeetingChanged
from bot.service import Core
from bot.work import Context
from tests.conftest import Chat
from tests.fakes import FakeClock, channel, user

GENERAL = channel()


def heard(core: Core) -> list[MeetingChanged]:
    seen: list[MeetingChanged] = []

    async def listen(e: MeetingChanged) -> None:
        seen.append(e)

    core.events.subscribe(MeetingChanged, listen)
    return seen


async def test_setting_and_skipping_the_meeting_tell_the_listeners_which_channel(
    group: Chat, core: Core
) -> None:
    seen = heard(core)
    assert "Saved" in await group("alice", "/rapport meeting set wed 07:00")
    assert [e.channel for e in seen] == [GENERAL]
    assert "Skipped" in await group("alice", "/rapport meeting skip 2026-12-09")
    assert [e.channel for e in seen] == [GENERAL, GENERAL]
    assert len({e.group_id for e in seen}) == 1


async def test_a_refused_change_tells_no_one(group: Chat, core: Core) -> None:
    seen = heard(core)
    [refused] = await group.messages("bob", "/rapport meeting set wed 07:00")
    assert refused.refused
    assert seen == []


async def test_a_meeting_held_tells_the_listeners_once_its_recap_went_out(
    group: Chat, core: Core, clock: FakeClock
) -> None:
    assert "Saved" in await group("alice", "/rapport meeting set wed 07:00")
    seen = heard(core)
    # Wednesday 2 December 2026, 07:00 in Johannesburg; the recap comes two hours later
    recap_at = datetime(2026, 12, 2, 9, 30, tzinfo=ZoneInfo("Africa/Johannesburg"))
    for _ in range(50):
        due = await core.next_due()
        if due is None or due > recap_at.astimezone(UTC):
            break
        clock.set(max(due, clock.now()))
        await core.run_due(clock.now())
    assert [e.channel for e in seen] == [GENERAL]


async def test_a_listener_that_fails_does_not_spoil_the_answer(group: Chat, core: Core) -> None:
    async def broken(e: MeetingChanged) -> None:
        raise RuntimeError("the platform is down")

    core.events.subscribe(MeetingChanged, broken)
    assert "Saved" in await group("alice", "/rapport meeting set wed 07:00")


async def test_refusals_and_usage_errors_say_so_and_answers_do_not(group: Chat) -> None:
    [unknown] = await group.messages("alice", "/rapport meetnig")
    [usage] = await group.messages("alice", "/rapport meeting set someday")
    [not_admin] = await group.messages("bob", "/rapport meeting set wed 07:00")
    [saved] = await group.messages("alice", "/rapport meeting set wed 07:00")
    assert (unknown.refused, usage.refused, not_admin.refused) == (True, True, True)
    assert not saved.refused


async def test_a_stale_button_is_a_refusal(group: Chat, core: Core) -> None:
    [stale] = await core.click(Context(user("bob"), GENERAL), "ref:999999:won")
    assert stale.refused
