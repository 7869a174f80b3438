"""The visitor pipeline: a visitor is invited, confirms, attends, applies and joins (or
declines); the visitor host hears the evening before who is expected and, 3 days after a
visit with no news, to follow up; a visitor's contact details are seen only by the inviter,
the visitor host and the admins, never in the channel, and are erased after 180 days unless
they join; a visitor who joins is seated as the member named in one step.

The group meets on Wednesdays at 07:00 in Johannesburg; the clock starts on Monday 30 Nov
2026 at 08:00 there (no meeting that day, so a visitor recorded then is invited).
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.service import Core
from storage.sqlite import SqliteRepository
from tests.conftest import Chat
from tests.fakes import FakeClock, RecordingMessenger
from tests.week.helpers import run_until, sast

BACKENDS = ("sqlite", "postgresql")

ANN = "/rapport visitor Ann Lee ann@lee.example 082 555 0134 -- Bookkeeping invited by @bob"


@pytest.fixture
async def meets(group: Chat, messenger: RecordingMessenger) -> Chat:
    """alice (admin), bob and carol; dave is the visitor host."""
    assert "Saved" in await group("alice", "/rapport meeting set wed 07:00 Africa/Johannesburg")
    assert "Welcome" in await group("dave", "/rapport join Electrician")
    assert "visitor host" in await group("alice", "/rapport role @dave visitor-host")
    messenger.clear()
    return group


async def rows(repo: SqliteRepository) -> list[tuple[object, ...]]:
    cur = await repo._db.execute(
        "SELECT name, status, email, phone, classification, member_id FROM visitors ORDER BY id"
    )
    return [tuple(r) for r in await cur.fetchall()]


def dm_texts(messenger: RecordingMessenger, handle: str, kind: str) -> list[str]:
    return [s.message.fallback() for s in messenger.dms_to(handle) if s.message.kind == kind]


async def test_a_visitor_recorded_with_contacts_is_invited_and_their_details_kept(
    meets: Chat, repo: SqliteRepository, messenger: RecordingMessenger
) -> None:
    reply = await meets("alice", ANN)
    assert reply == (
        "Visitor Ann Lee recorded, invited by @bob. They are #1, invited; when they confirm:"
        " /rapport visitor 1 confirmed. Their contact details are kept 180 days, for the"
        " inviter, the visitor host and the admins only."
    )
    assert await rows(repo) == [
        ("Ann Lee", "invited", "ann@lee.example", "082 555 0134", "Bookkeeping", None)
    ]
    assert messenger.posts() == []  # nothing about a visitor goes to the channel here


async def test_contacts_show_only_to_the_inviter_the_host_and_the_admins(meets: Chat) -> None:
    await meets("alice", ANN)
    for handle in ("alice", "bob", "dave"):
        listed = await meets(handle, "/rapport visitors")
        assert (
            "#1 Ann Lee — invited (Bookkeeping), invited by @bob · ann@lee.example · 082 555 0134"
            in listed
        ), handle
    listed = await meets("carol", "/rapport visitors")
    assert "#1 Ann Lee — invited (Bookkeeping), invited by @bob" in listed
    assert "ann@lee.example" not in listed and "0134" not in listed


async def test_a_bad_email_is_refused_and_nothing_is_stored(
    meets: Chat, repo: SqliteRepository
) -> None:
    reply = await meets("alice", "/rapport visitor Ann Lee ann@lee")
    assert "“ann@lee” looks like an email address but isn't one" in reply
    assert await rows(repo) == []


async def test_from_invited_to_joined_the_new_member_is_seated_and_the_inviter_thanked(
    meets: Chat, repo: SqliteRepository, messenger: RecordingMessenger
) -> None:
    await meets("bob", ANN)
    assert await meets("bob", "/rapport visitor 1 confirmed") == "Ann Lee is now confirmed."
    assert (
        await meets("dave", "/rapport visitor 1 attended -- keen")
        == "Ann Lee is now attended. The recap will welcome them."
    )
    assert await meets("alice", "/rapport visitor 1 applied") == "Ann Lee is now applied."
    messenger.clear()
    reply = await meets("dave", "/rapport visitor 1 joined @ann")
    assert reply == "Ann Lee is now joined: @ann is a member, and the invitation is credited."
    # seated in the classification recorded for the visitor, announced like any join
    assert "@ann" in await meets("alice", "/rapport roster")
    assert "Bookkeeping" in await meets("ann", "/rapport profile")
    assert [s.message.kind for s in messenger.posts()] == ["join.post"]
    assert dm_texts(messenger, "bob", "visitor.joined") == [
        "Ann Lee, whom you invited, joined the group as @ann. Thank you for bringing them!"
    ]
    [row] = await rows(repo)
    assert row[1] == "joined" and row[5] is not None
    # the end of the pipeline
    assert "already joined" in await meets("dave", "/rapport visitor 1 declined")


async def test_moves_go_forward_by_whoever_may_move_them(
    meets: Chat, repo: SqliteRepository
) -> None:
    await meets("bob", ANN)
    reply = await meets("carol", "/rapport visitor 1 confirmed")
    assert reply == "Only the visitor host, the admins or whoever invited them move a visitor."
    await meets("bob", "/rapport visitor 1 attended")
    reply = await meets("bob", "/rapport visitor 1 confirmed")
    assert reply.startswith("Ann Lee is attended already; the pipeline goes forward")
    assert "There is no visitor #9" in await meets("bob", "/rapport visitor 9 applied")
    assert "Say where visitor 1 is now" in await meets("bob", "/rapport visitor 1 maybe")
    assert "Name a member only when the visitor joined" in await meets(
        "bob", "/rapport visitor 1 applied @ann"
    )
    assert await meets("bob", "/rapport visitor 1 declined -- moved away") == (
        "Ann Lee is now declined."
    )
    assert [r[1] for r in await rows(repo)] == ["declined"]


async def test_joining_needs_a_seat_or_a_member_already_seated(
    meets: Chat, repo: SqliteRepository
) -> None:
    await meets("bob", "/rapport visitor Tom Ray")
    reply = await meets("bob", "/rapport visitor 1 joined @tom")
    assert "I don't know Tom Ray's classification, so I can't seat them." in reply
    assert [r[1] for r in await rows(repo)] == ["invited"]
    # a visitor whose seat is taken can't be seated in it
    await meets("bob", "/rapport visitor Pat Roe -- Roofing")
    assert "The Roofing seat is taken by @carol" in await meets(
        "bob", "/rapport visitor 2 joined @pat"
    )
    # one who joined by themselves is linked
    await meets("tom", "/rapport join Signage")
    assert "@tom is a member" in await meets("bob", "/rapport visitor 1 joined @tom")


async def test_a_visitor_in_a_taken_seat_is_told_to_the_host(
    meets: Chat, messenger: RecordingMessenger
) -> None:
    reply = await meets("bob", "/rapport visitor Pat Roe -- Roofing")
    assert reply.endswith("Note: the Roofing seat is taken by @carol.")
    [told] = dm_texts(messenger, "dave", "visitor.seat_taken")
    assert told.startswith("Visitor Pat Roe (#1) is in Roofing, and that seat is taken by @carol")


async def test_the_host_hears_the_evening_before_who_is_expected(
    meets: Chat, core: Core, clock: FakeClock, messenger: RecordingMessenger
) -> None:
    await meets("bob", ANN)
    await meets("carol", "/rapport visitor Tom Ray")
    await meets("carol", "/rapport visitor 2 confirmed")
    await run_until(core, clock, sast(2026, 12, 1, 18, 0))
    [dm] = dm_texts(messenger, "dave", "visitors.expected")
    assert dm.splitlines()[:3] == [
        "Visitors expected at tomorrow's meeting (2026-12-02):",
        "#1 Ann Lee (invited), invited by @bob · ann@lee.example · 082 555 0134",
        "#2 Tom Ray (confirmed), invited by @carol",
    ]
    assert dm_texts(messenger, "alice", "visitors.expected") == []  # there is a host
    assert all("ann@lee.example" not in s.message.fallback() for s in messenger.posts())


async def test_no_host_means_the_admins_hear_and_no_visitors_means_no_dm(
    group: Chat, core: Core, clock: FakeClock, messenger: RecordingMessenger
) -> None:
    await group("alice", "/rapport meeting set wed 07:00 Africa/Johannesburg")
    await run_until(core, clock, sast(2026, 12, 1, 18, 0))
    assert [s for s in messenger.sent if s.message.kind == "visitors.expected"] == []
    await group("bob", "/rapport visitor Tom Ray")
    await run_until(core, clock, sast(2026, 12, 8, 18, 0))
    assert len(dm_texts(messenger, "alice", "visitors.expected")) == 1


async def test_a_visitor_who_attended_and_has_not_moved_on_in_3_days_is_followed_up(
    meets: Chat, core: Core, clock: FakeClock, messenger: RecordingMessenger
) -> None:
    clock.set(sast(2026, 12, 2, 7, 30))  # at the meeting: recorded as attended
    reply = await meets("bob", "/rapport visitor Ann Lee ann@lee.example")
    assert "The recap will welcome them. They came to the meeting (#1)" in reply
    await meets("bob", "/rapport visitor Tom Ray")
    await meets("bob", "/rapport visitor 2 attended")
    await meets("bob", "/rapport visitor 2 applied")  # Tom moved on
    await run_until(core, clock, sast(2026, 12, 5, 7, 29))
    assert dm_texts(messenger, "dave", "visitors.follow_up") == []
    await run_until(core, clock, sast(2026, 12, 5, 9, 0))
    assert dm_texts(messenger, "dave", "visitors.follow_up") == [
        "Follow up with Ann Lee (#1), who came to the meeting 3 days ago: applied?"
        " /rapport visitor 1 applied, or declined -- why. · ann@lee.example"
    ]
    await run_until(core, clock, sast(2026, 12, 12, 9, 0))
    assert len(dm_texts(messenger, "dave", "visitors.follow_up")) == 1  # once


async def test_contacts_are_erased_after_180_days_unless_they_joined(
    meets: Chat, core: Core, clock: FakeClock, repo: SqliteRepository
) -> None:
    await meets("bob", ANN)
    await meets("bob", "/rapport visitor Jo Kim jo@kim.example -- Signage")
    await meets("bob", "/rapport visitor 2 joined @jo")
    await run_until(core, clock, clock.now() + timedelta(days=179))
    assert [r[2] for r in await rows(repo)] == ["ann@lee.example", "jo@kim.example"]
    await run_until(core, clock, clock.now() + timedelta(days=2))
    assert [(r[0], r[2], r[3]) for r in await rows(repo)] == [
        ("Ann Lee", None, None),
        ("Jo Kim", "jo@kim.example", None),
    ]


async def test_the_recap_welcomes_only_visitors_who_came(
    meets: Chat, core: Core, clock: FakeClock, messenger: RecordingMessenger
) -> None:
    await meets("bob", "/rapport visitor Ann Lee")  # invited, Monday
    await meets("bob", "/rapport visitor Tom Ray")
    await run_until(core, clock, sast(2026, 12, 2, 7, 45))
    await meets("dave", "/rapport visitor 2 attended")
    await run_until(core, clock, sast(2026, 12, 2, 9, 30))
    [recap] = [s.message.fallback() for s in messenger.posts() if s.message.kind == "recap.weekly"]
    assert "Welcome to our visitors: Tom Ray (invited by @bob)" in recap
    assert "Ann Lee" not in recap
