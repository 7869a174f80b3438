"""The feature presenter and the education slot: the admin (or the vice president) gives a
meeting's slot to a member, the rotation fills the open weeks in roster order, the presenter
is reminded a week before and the evening before, the reminder names them, and a presenter
who can't make it swaps with a member who accepts.

The group meets on Wednesdays at 07:00 in Johannesburg; the clock starts on Monday 30 Nov
2026 at 08:00 there, so the meetings ahead are 2, 9, 16, 23 and 30 Dec, …
"""

from __future__ import annotations

import pytest

from bot.service import Core
from tests.conftest import Chat
from tests.fakes import FakeClock, RecordingMessenger
from tests.week.helpers import run_until, sast

BACKENDS = ("sqlite", "postgresql")


@pytest.fixture
async def meets(group: Chat, messenger: RecordingMessenger) -> Chat:
    """alice (admin), bob and carol, meeting on Wednesdays at 07:00; dave joins too."""
    assert "Saved" in await group("alice", "/rapport meeting set wed 07:00 Africa/Johannesburg")
    assert "Welcome" in await group("dave", "/rapport join Bookkeeping")
    messenger.clear()
    return group


def texts(messenger: RecordingMessenger, handle: str, kind: str) -> list[str]:
    return [s.message.fallback() for s in messenger.dms_to(handle) if s.message.kind == kind]


async def test_the_admin_gives_a_slot_and_the_presenter_is_told_and_listed(
    meets: Chat, messenger: RecordingMessenger
) -> None:
    reply = await meets("alice", "/rapport presenter 2026-12-09 @bob -- Pricing for referrals")
    assert reply == (
        "@bob has the feature presentation on 2026-12-09: Pricing for referrals. I've told them."
    )
    [dm] = texts(messenger, "bob", "presenter.given")
    assert "You have the feature presentation at the meeting on" in dm
    assert "Pricing for referrals" in dm

    listed = await meets("carol", "/rapport presenters")
    lines = listed.splitlines()
    assert lines[0] == "Feature presenters, the next 8 meetings:"
    assert lines[1:4] == [
        "2026-12-02: open",
        "2026-12-09: @bob — Pricing for referrals",
        "2026-12-16: open",
    ]
    assert len([x for x in lines if x.startswith("20")]) == 8
    assert "it skips who had it in the last 8 weeks" in listed


async def test_only_leaders_give_slots_but_a_presenter_words_their_own_topic(
    meets: Chat, messenger: RecordingMessenger
) -> None:
    reply = await meets("carol", "/rapport presenter 2026-12-09 @bob")
    assert reply.startswith("Only the group's admins and the vice president")
    assert "@bob" not in await meets("carol", "/rapport presenters")

    await meets("alice", "/rapport presenter 2026-12-09 @bob")
    reply = await meets("bob", "/rapport presenter 2026-12-09 -- Ten ways to ask")
    assert reply == "Saved: your feature presentation on 2026-12-09 is “Ten ways to ask”."
    assert "2026-12-09: @bob — Ten ways to ask" in await meets("carol", "/rapport presenters")

    # the vice president gives slots out too
    assert "vice president" in await meets("alice", "/rapport role @carol vp")
    reply = await meets("carol", "/rapport presenter 2026-12-16 @dave")
    assert reply.startswith("@dave has the feature presentation on 2026-12-16")


@pytest.mark.parametrize(
    ("line", "says"),
    [
        ("/rapport presenter 2026-12-10 @bob", "2026-12-10 is not a meeting day"),
        ("/rapport presenter 2026-11-25 @bob", "The meeting on 2026-11-25 is over"),
        ("/rapport presenter 9 Dec @bob", "is not a date; write it as YYYY-MM-DD"),
        ("/rapport presenter 2026-12-09", "Name who presents"),
        ("/rapport presenter 2026-12-09 @bob Pricing", "Write the topic after --"),
        ("/rapport presenter swap 2026-12-09", "Name one member to swap with"),
        ("/rapport presenters everyone", "Write /rapport presenters, /rapport presenters fill or"),
        ("/rapport presenter 2026-12-09 @zed", "@zed isn't on Breakfast Club's roster"),
    ],
)
async def test_bad_slot_commands_say_what_was_wrong_and_store_nothing(
    meets: Chat, line: str, says: str
) -> None:
    reply = await meets("alice", line)
    assert says in reply
    listed = await meets("alice", "/rapport presenters")
    assert "@" not in listed.split("\n", 1)[1].split("Fill the open")[0]


async def test_a_skipped_meeting_gets_no_slot(meets: Chat) -> None:
    await meets("alice", "/rapport meeting skip 2026-12-23")
    reply = await meets("alice", "/rapport presenter 2026-12-23 @bob")
    assert reply == "There is no meeting on 2026-12-23: it was skipped."
    assert "2026-12-23: no meeting (skipped)" in await meets("alice", "/rapport presenters")


async def test_fill_goes_in_roster_order_skipping_leave_absence_skips_and_recent_presenters(
    meets: Chat, messenger: RecordingMessenger
) -> None:
    # roster (join) order: alice, bob, carol, dave
    await meets("alice", "/rapport meeting skip 2026-12-16")
    await meets("alice", "/rapport member @carol leave 2026-12-01 2026-12-31")
    await meets("bob", "/rapport rsvp absent 2026-12-02")
    reply = await meets("alice", "/rapport presenters fill")
    lines = reply.splitlines()
    assert lines[0] == "Filled 4 open weeks:"
    # 2 Dec: alice (bob said he'd be absent); 9 Dec: bob; 16 Dec skipped; carol on leave all
    # December: dave; 30 Dec nobody (the others had it within 8 weeks, carol is on leave);
    # 6 Jan carol, back from leave; then nobody who hasn't had it in the last 8 weeks
    assert lines[1:5] == [
        "2026-12-02: @alice",
        "2026-12-09: @bob",
        "2026-12-23: @dave",
        "2027-01-06: @carol",
    ]
    assert "Still open: 2026-12-30, 2027-01-13, 2027-01-20" in reply
    assert "who had it in the last 8 weeks" in reply
    assert texts(messenger, "bob", "presenter.given")
    assert [d.split(".")[0] for d in texts(messenger, "carol", "presenter.given")] == [
        "You have the feature presentation at the meeting on Wed 6 Jan 07:00"
    ]

    # filling again changes nothing already given
    again = await meets("alice", "/rapport presenters fill")
    assert again.startswith("No open week could be filled.")


async def test_fill_carries_on_after_the_last_presenter(meets: Chat) -> None:
    await meets("alice", "/rapport presenter 2026-12-02 @carol")
    reply = await meets("alice", "/rapport educators fill")  # the education slot rotates apart
    assert reply.splitlines()[1] == "2026-12-02: @alice"
    reply = await meets("alice", "/rapport presenters fill")
    # after carol comes dave, then (alice and bob never presented) alice, bob
    assert reply.splitlines()[1:4] == [
        "2026-12-09: @dave",
        "2026-12-16: @alice",
        "2026-12-23: @bob",
    ]


async def test_the_reminder_names_the_presenter_and_topic_and_they_are_dmed_before(
    meets: Chat, core: Core, clock: FakeClock, messenger: RecordingMessenger
) -> None:
    await meets("alice", "/rapport presenter 2026-12-16 @bob -- Pricing")
    await meets("alice", "/rapport educator 2026-12-16 @carol")
    messenger.clear()
    # a week before (the evening after the meeting of the 9th): the DM asks for a topic
    await run_until(core, clock, sast(2026, 12, 9, 18, 0))
    [bob_week] = texts(messenger, "bob", "presenter.week_before")
    assert bob_week.startswith("A week to go: you have the feature presentation at the meeting on")
    assert "Pricing" in bob_week and "Reply with your topic" not in bob_week
    [carol_week] = texts(messenger, "carol", "educator.week_before")
    assert "Reply with your topic: /rapport educator 2026-12-16 -- <topic>." in carol_week
    assert texts(messenger, "bob", "presenter.day_before") == []

    messenger.clear()
    await run_until(core, clock, sast(2026, 12, 15, 18, 0))
    [reminder] = [s.message for s in messenger.posts() if s.message.kind == "reminder.evening"]
    assert "\nFeature presenter: @bob — Pricing\nEducation slot: @carol" in reminder.fallback()
    assert reminder.pings() == () or all(
        u.user_id not in ("bob", "carol") for u in reminder.pings()
    )
    [eve] = texts(messenger, "bob", "presenter.day_before")
    assert eve.startswith("Tomorrow you have the feature presentation:")
    # exactly once
    messenger.clear()
    await run_until(core, clock, sast(2026, 12, 16, 12, 0))
    assert texts(messenger, "bob", "presenter.day_before") == []


async def test_a_week_without_a_presenter_has_a_reminder_as_before(
    meets: Chat, core: Core, clock: FakeClock, messenger: RecordingMessenger
) -> None:
    await run_until(core, clock, sast(2026, 12, 1, 18, 0))
    [reminder] = [s.message for s in messenger.posts() if s.message.kind == "reminder.evening"]
    assert "presenter" not in reminder.fallback().casefold()


async def test_a_skipped_meeting_cancels_the_presenters_dms(
    meets: Chat, core: Core, clock: FakeClock, messenger: RecordingMessenger
) -> None:
    await meets("alice", "/rapport presenter 2026-12-09 @bob")
    await meets("alice", "/rapport meeting skip 2026-12-09")
    messenger.clear()
    await run_until(core, clock, sast(2026, 12, 10, 12, 0))
    assert texts(messenger, "bob", "presenter.day_before") == []


async def test_a_presenter_who_cant_make_it_swaps_and_the_other_accepts_by_button(
    meets: Chat, messenger: RecordingMessenger
) -> None:
    await meets("alice", "/rapport presenter 2026-12-09 @bob -- Pricing")
    reply = await meets("bob", "/rapport presenter swap 2026-12-09 @carol")
    assert reply == (
        "I've asked @carol to take your feature presentation on 2026-12-09."
        " It stays yours until they accept."
    )
    [ask] = [
        s.message for s in messenger.dms_to("carol") if s.message.kind == "presenter.swap_request"
    ]
    assert "@bob asks you to take their feature presentation" in ask.fallback()
    assert [(a.label, a.action_id, a.command.plain()) for a in ask.actions] == [
        ("Accept", "swap:presenter:2026-12-09:accept", "/rapport presenter accept 2026-12-09"),
        ("Decline", "swap:presenter:2026-12-09:decline", "/rapport presenter decline 2026-12-09"),
    ]
    # still bob's until carol answers; dave was not asked
    assert "2026-12-09: @bob" in await meets("alice", "/rapport presenters")
    assert "Nobody asked you" in await meets("dave", "/rapport presenter accept 2026-12-09")

    messenger.clear()
    answer = await meets.click("carol", "swap:presenter:2026-12-09:accept")
    assert answer == "The feature presentation on 2026-12-09 is yours now; @bob has been told."
    [told] = [s.message.fallback() for s in messenger.dms_to("bob")]
    assert told == "@carol took your feature presentation on 2026-12-09. It's theirs now."
    assert "2026-12-09: @carol\n" in await meets("alice", "/rapport presenters")
    # the swap is settled: a second click does nothing
    assert "Nobody asked you" in await meets.click("carol", "swap:presenter:2026-12-09:accept")


async def test_a_declined_swap_leaves_the_slot_and_tells_the_holder(
    meets: Chat, messenger: RecordingMessenger
) -> None:
    await meets("alice", "/rapport educator 2026-12-09 @bob")
    await meets("bob", "/rapport educator swap 2026-12-09 @dave")
    messenger.clear()
    reply = await meets("dave", "/rapport educator decline 2026-12-09")
    assert reply == "Declined: the education slot on 2026-12-09 stays with who has it."
    [told] = [s.message.fallback() for s in messenger.dms_to("bob")]
    assert "@dave can't take your education slot on 2026-12-09; it's still yours." in told
    assert "2026-12-09: @bob" in await meets("alice", "/rapport educators")


async def test_only_the_holder_swaps_and_not_to_a_member_on_leave(meets: Chat) -> None:
    await meets("alice", "/rapport presenter 2026-12-09 @bob")
    reply = await meets("carol", "/rapport presenter swap 2026-12-09 @dave")
    assert reply.startswith("You don't have the feature presentation on 2026-12-09.")
    await meets("alice", "/rapport member @dave leave 2026-12-08 2026-12-10")
    reply = await meets("bob", "/rapport presenter swap 2026-12-09 @dave")
    assert reply == "@dave is on leave on 2026-12-09, so they can't have the feature presentation."
    reply = await meets("alice", "/rapport presenter 2026-12-09 @dave")
    assert "is on leave" in reply


async def test_the_gap_is_a_group_setting_the_fill_respects(meets: Chat) -> None:
    assert "Only the group's admins and the vice president" in await meets(
        "bob", "/rapport presenters gap 2"
    )
    reply = await meets("alice", "/rapport presenters gap 2")
    assert reply == (
        "Saved: /rapport presenters fill skips whoever had the feature presentation in the"
        " last 2 weeks."
    )
    assert "Give the weeks as 0 to 52" in await meets("alice", "/rapport presenters gap many")
    listed = await meets("alice", "/rapport presenters fill")
    # four members, two weeks apart at least: the rotation comes round again
    assert listed.splitlines()[1:6] == [
        "2026-12-02: @alice",
        "2026-12-09: @bob",
        "2026-12-16: @carol",
        "2026-12-23: @dave",
        "2026-12-30: @alice",
    ]
    assert "in the last 2 weeks" in listed
