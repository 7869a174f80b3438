"""Several admins and handing over; one seat per trade, through the sphere catalogue; the
roster. As the members see it (replies, DMs, channel posts) and as the database holds it.

The `group` fixture: alice (admin, Commercial insurance), bob (Residential plumbing) and carol
(Roofing) in Breakfast Club, Johannesburg; the fake clock stands at Mon 30 Nov 2026 08:00.
"""

from __future__ import annotations

import pytest

from bot.service import Core
from storage.sqlite import SqliteRepository
from tests.conftest import Chat
from tests.fakes import DM, RecordingMessenger, channel

BACKENDS = ("sqlite", "postgresql")  # the storage contract: each test on both databases

ADMIN_ONLY = "Only the group's admins"


async def admins_in_db(repo: SqliteRepository) -> list[str]:
    async with repo.transaction() as tx:
        rows = await tx._all(
            "SELECT user_id FROM members WHERE is_admin = 1 AND active = 1 ORDER BY id"
        )
    return [r["user_id"] for r in rows]


async def seats_in_db(repo: SqliteRepository) -> dict[str, str | None]:
    async with repo.transaction() as tx:
        rows = await tx._all("SELECT user_id, classification FROM members WHERE active = 1")
    return {r["user_id"]: r["classification"] for r in rows}


# --- several admins ----------------------------------------------------------------------------
async def test_an_admin_makes_a_member_an_admin_and_the_channel_is_told(
    group: Chat, messenger: RecordingMessenger, repo: SqliteRepository
) -> None:
    reply = await group("alice", "/rapport admin add @bob")
    assert reply == (
        "@bob is now an admin too: they can do everything an admin does. Admins: @alice, @bob."
    )
    assert [p.text for p in messenger.posts()] == ["@alice made @bob an admin of Breakfast Club."]
    assert await admins_in_db(repo) == ["alice", "bob"]
    assert await group("carol", "/rapport admins") == (
        "Breakfast Club's admins: @alice, @bob. Any admin can do what only admins may; an admin"
        " makes another member an admin with /rapport admin add @member."
    )


async def test_making_an_admin_twice_or_a_stranger_or_as_a_member_changes_nothing(
    group: Chat, messenger: RecordingMessenger, repo: SqliteRepository
) -> None:
    assert await group("bob", "/rapport admin add @carol") == (
        "Only the group's admins can make someone an admin."
    )
    assert "@dave isn't on Breakfast Club's roster" in await group(
        "alice", "/rapport admin add @dave"
    )
    assert await group("alice", "/rapport admin add @alice") == (
        "@alice is already an admin; nothing changed."
    )
    assert "Usage: /rapport admin add @member" in await group("alice", "/rapport admin add bob")
    assert messenger.sent == []
    assert await admins_in_db(repo) == ["alice"]


ADMIN_COMMANDS = [
    "/rapport meeting set wed 07:00",
    "/rapport settings reminder before 2",
    "/rapport settings seat add Electrician",
    "/rapport lights all",
    "/rapport export",
    "/rapport remove @carol",
    "/rapport forget @carol",
    "/rapport admin add @carol",
    "/rapport seat allow @dave",
]


@pytest.mark.parametrize("line", ADMIN_COMMANDS)
async def test_every_admin_only_command_accepts_any_admin(group: Chat, line: str) -> None:
    assert ADMIN_ONLY in await group("bob", line)  # bob is not an admin yet
    await group("alice", "/rapport admin add @bob")
    assert ADMIN_ONLY not in await group("bob", line)


async def test_the_second_admin_records_attendance_and_skips_a_meeting(group: Chat) -> None:
    await group("alice", "/rapport meeting set wed 07:00")
    await group("alice", "/rapport admin add @bob")
    assert "Skipped 2026-12-09" in await group("bob", "/rapport meeting skip 2026-12-09")
    # the meeting of 2 Dec has not happened yet; the one of 25 Nov has
    assert (await group("bob", "/rapport attendance 2026-11-25 present @carol")).startswith(
        "Attendance saved for 2026-11-25."
    )


async def test_an_admin_takes_another_off_the_admins(
    group: Chat, messenger: RecordingMessenger, repo: SqliteRepository
) -> None:
    await group("alice", "/rapport admin add @bob")
    messenger.clear()
    assert await group("alice", "/rapport admin remove @bob") == (
        "@bob is no longer an admin. Admins: @alice."
    )
    assert [p.text for p in messenger.posts()] == ["@alice took @bob off the admins."]
    assert ADMIN_ONLY in await group("bob", "/rapport export")
    assert await group("alice", "/rapport admin remove @carol") == (
        "@carol isn't an admin; nothing changed."
    )
    assert await admins_in_db(repo) == ["alice"]


async def test_an_admin_steps_down_only_when_another_admin_stays(
    group: Chat, messenger: RecordingMessenger, repo: SqliteRepository
) -> None:
    refused = await group("alice", "/rapport admin remove @alice")
    assert refused == (
        "You are the group's only admin, and a group with members always keeps one. Make"
        " another member an admin first with /rapport admin add @member."
    )
    await group("alice", "/rapport admin add @carol")
    messenger.clear()
    assert await group("alice", "/rapport admin remove @alice") == (
        "You are no longer an admin. Admins: @carol."
    )
    assert [p.text for p in messenger.posts()] == ["@alice stepped down as an admin."]
    assert await admins_in_db(repo) == ["carol"]


HAND_OVER = "Hand over first with /rapport admin add @member"


async def test_the_last_admin_hands_over_then_leaves(
    group: Chat, messenger: RecordingMessenger, repo: SqliteRepository
) -> None:
    refused = await group("alice", "/rapport leave")
    assert refused == (
        "You are the group's only admin, so you can't go yet: a group with members always"
        f" keeps an admin. {HAND_OVER}, then /rapport leave."
    )
    assert await seats_in_db(repo) == {
        "alice": "Commercial insurance",
        "bob": "Residential plumbing",
        "carol": "Roofing",
    }
    await group("alice", "/rapport admin add @bob")
    assert (await group("alice", "/rapport leave")).startswith("You have left Breakfast Club")
    assert await admins_in_db(repo) == ["bob"]
    assert "Breakfast Club's admins: @bob." in await group("carol", "/rapport admins")
    # coming back, alice is a member again, not an admin
    assert "Welcome" in await group("alice", "/rapport join Commercial insurance")
    assert await admins_in_db(repo) == ["bob"]
    assert ADMIN_ONLY in await group("alice", "/rapport export")


async def test_the_last_admin_hands_over_then_is_forgotten(
    group: Chat, repo: SqliteRepository
) -> None:
    refused = await group("alice", "/rapport forget-me confirm")
    assert f"{HAND_OVER}, then /rapport forget-me." in refused
    await group("alice", "/rapport admin add @carol")
    assert (await group("alice", "/rapport forget-me confirm")).startswith("Done")
    assert await admins_in_db(repo) == ["carol"]


async def test_the_last_member_may_leave_and_the_next_to_join_becomes_the_admin(
    chat: Chat, repo: SqliteRepository
) -> None:
    await chat("alice", "/rapport setup Breakfast Club")
    await chat("alice", "/rapport join Commercial insurance")
    # alone in the group, the admin may go: no member is left without an admin
    assert (await chat("alice", "/rapport leave")).startswith("You have left Breakfast Club")
    assert await admins_in_db(repo) == []
    reply = await chat("bob", "/rapport join Roofing")
    assert reply.endswith(
        "The group had no admin, so you are its admin now: /rapport help admin shows how to"
        " hand over."
    )
    assert await admins_in_db(repo) == ["bob"]
    # later members are members
    assert "no admin" not in await chat("carol", "/rapport join Bookkeeping")
    assert await admins_in_db(repo) == ["bob"]


# --- one seat per trade ------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("held", "asked", "trade"),
    [
        ("Solicitor", "Lawyer", "attorney"),
        ("Financial Advisor", "Independent Financial Adviser", "financial planner"),
        ("Electrician", "Electrical contractor", "electrician"),
        ("Residential plumbing", "Plumber", "plumber"),
    ],
)
async def test_a_join_in_a_seated_members_trade_is_held_back_naming_the_holder(
    group: Chat,
    messenger: RecordingMessenger,
    repo: SqliteRepository,
    held: str,
    asked: str,
    trade: str,
) -> None:
    if held != "Residential plumbing":
        assert "Welcome" in await group("dave", f"/rapport join {held}")
        holder = "dave"
    else:
        holder = "bob"
    messenger.clear()
    reply = await group("erin", f"/rapport join {asked}")
    assert reply == (
        f"{asked} is the same trade as @{holder}'s {held} seat ({trade}): the group keeps one"
        " seat per trade, so I held your seat back and told the admins. If the group wants"
        " you both, an admin allows it with /rapport seat allow @erin. Or pick a different"
        " classification."
    )
    assert "erin" not in await seats_in_db(repo)
    assert messenger.posts() == []  # the channel hears of no one joining
    [dm] = messenger.dms_to("alice")
    assert dm.text == (
        f"@erin asked to join Breakfast Club as {asked}, the same trade as @{holder}'s {held}"
        f" seat ({trade}). I held it back: the group keeps one seat per trade. If the group"
        " wants them both, allow it."
    )
    [button] = dm.message.actions
    assert button.label == "Allow the seat"
    assert button.command.plain() == "/rapport seat allow @erin"


async def test_an_admin_allows_the_seat_and_the_member_and_channel_are_told(
    group: Chat, messenger: RecordingMessenger, repo: SqliteRepository
) -> None:
    await group("erin", "/rapport join Plumber")
    messenger.clear()
    assert await group("alice", "/rapport seat allow @erin") == (
        "@erin now holds the Plumber seat, beside @bob's Residential plumbing seat. I've told"
        " them and the channel."
    )
    assert (await seats_in_db(repo))["erin"] == "Plumber"
    assert [p.text for p in messenger.posts()] == [
        "Please welcome @erin, who takes the Plumber seat!"
    ]
    [dm] = messenger.dms_to("erin")
    assert dm.text.startswith("@alice allowed your Plumber seat in Breakfast Club: welcome!")
    # allowed once: nothing waits any more
    assert await group("alice", "/rapport seat allow @erin") == (
        "@erin has no seat waiting to be allowed. When a join is held back because it is the"
        " same trade as another member's seat, the admins get a message and can allow it."
    )


async def test_the_allow_button_in_the_admins_dm_seats_the_member(
    group: Chat, messenger: RecordingMessenger, repo: SqliteRepository
) -> None:
    await group("alice", "/rapport admin add @carol")
    await group("erin", "/rapport join Plumber")
    [dm] = messenger.dms_to("carol")  # every admin is told
    assert len(messenger.dms_to("alice")) == 1
    [button] = dm.message.actions
    reply = await group.click("carol", button.action_id, where=DM)
    assert reply.startswith("@erin now holds the Plumber seat")
    assert (await seats_in_db(repo))["erin"] == "Plumber"
    # the other admin's button no longer applies
    assert "That button no longer applies" in await group.click("alice", button.action_id, where=DM)


async def test_admins_hear_once_of_a_seat_asked_again_even_with_dms_off(
    group: Chat, messenger: RecordingMessenger
) -> None:
    await group("alice", "/rapport profile dm off")
    messenger.clear()
    await group("erin", "/rapport join Plumber")
    second = await group("erin", "/rapport join plumber")
    assert second.startswith("plumber is the same trade as @bob's Residential plumbing seat")
    [dm] = messenger.dms_to("alice")  # a decision only an admin can take: it still comes
    assert dm.message.kind == "seat.near_match"
    await group("erin", "/rapport join Plumbing and gas fitting")  # a new request: told again
    assert len(messenger.dms_to("alice")) == 2


async def test_only_an_admin_allows_a_seat_and_only_one_that_was_asked_for(
    group: Chat, messenger: RecordingMessenger, repo: SqliteRepository
) -> None:
    await group("erin", "/rapport join Plumber")
    messenger.clear()
    assert await group("bob", "/rapport seat allow @erin") == (
        "Only the group's admins can allow a seat."
    )
    assert "no seat waiting" in await group("alice", "/rapport seat allow @carol")
    assert "erin" not in await seats_in_db(repo)
    assert messenger.sent == []
    assert "Usage: /rapport seat allow @member" in await group("alice", "/rapport seat erin")


async def test_a_member_moving_seats_is_checked_against_the_others_not_themself(
    group: Chat, repo: SqliteRepository
) -> None:
    assert "You moved from Residential plumbing to the Plumber seat" in await group(
        "bob", "/rapport join Plumber"
    )
    assert "same trade as @bob's Plumber seat" in await group(
        "carol", "/rapport join Plumbing services"
    )
    assert (await seats_in_db(repo))["carol"] == "Roofing"  # carol keeps her seat


async def test_a_forged_or_stale_button_with_a_huge_number_gets_the_friendly_answer(
    group: Chat, core: Core
) -> None:
    stale = "That button no longer applies; type the command instead (/rapport help lists them)."
    for action in (
        "ref:99999999999999999999:won",
        "ref:99999999999999999999:snooze:1d",
        "thank:99999999999999999999",
        "121:99999999999999999999",
        "seat:allow:99999999999999999999",
        "seat:allow:7",
    ):
        assert await group.click("bob", action) == stale, action
    # typed, the same number is a friendly refusal too
    assert "is not a referral id" in await group(
        "bob", "/referrals update 99999999999999999999 won"
    )


# --- the roster ------------------------------------------------------------------------------
async def test_the_roster_lists_every_member_their_seat_join_date_and_role_and_open_seats(
    group: Chat, clock
) -> None:
    clock.advance(days=3)
    await group("dave", "/rapport join Bookkeeping")
    await group("alice", "/rapport admin add @carol")
    await group("alice", "/rapport settings seat add Electrician")
    await group("alice", "/rapport settings seat add Roofing")  # taken: not open
    await group("alice", "/rapport settings seat add Plumber")  # bob's trade: not open
    assert await group("bob", "/rapport roster") == (
        "Breakfast Club's roster: 4 members.\n"
        "• @alice — Commercial insurance, joined 30 Nov 2026, admin\n"
        "• @bob — Residential plumbing, joined 30 Nov 2026\n"
        "• @carol — Roofing, joined 30 Nov 2026, admin\n"
        "• @dave — Bookkeeping, joined 3 Dec 2026\n"
        "Open seats: Electrician. Know someone? Bring them as a visitor."
    )


async def test_the_roster_names_without_pinging_and_says_how_to_list_open_seats(
    group: Chat,
) -> None:
    [roster] = await group.messages("carol", "/rapport roster")
    assert roster.pings() == ()
    assert roster.fallback().endswith(
        "Open seats: none listed (an admin lists them with /rapport settings seat add"
        " <classification>; /rapport gaps shows the trades missing from your sphere)."
    )
    assert "not on Breakfast Club's roster" in await group(
        "zed", "/rapport roster", where=channel()
    )
