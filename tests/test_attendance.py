"""Who comes to the meeting: RSVPs (typed, or a button on the meeting reminder), the admin's
confirmed attendance, and visitors with the member who invited them.

The group meets on Wednesdays at 07:00 in Johannesburg; the fixture clock starts on Monday
30 Nov 2026 at 08:00 there, so the next meeting is Wed 2 Dec and the latest one was Wed 25
Nov. Time moves only through `run_until`, which steps the fake clock through each instant
`core.next_due()` names and runs what is due there (as the console's `:at` does). Every
assertion is about what people see or what the database holds.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.model import UserRef
from bot.out import OutMessage
from bot.service import Core
from bot.text import Mention, UserText
from storage.sqlite import SqliteRepository
from tests.conftest import Chat
from tests.fakes import FakeClock, RecordingMessenger, channel, user

BACKENDS = ("sqlite", "postgresql")  # the storage contract: each test on both databases

JNB = ZoneInfo("Africa/Johannesburg")
GENERAL = channel()
NEXT = "2026-12-02"  # the next meeting, a Wednesday
LAST = "2026-11-25"  # the latest meeting held


def sast(y: int, mo: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=JNB).astimezone(UTC)


async def run_until(core: Core, clock: FakeClock, target: datetime) -> None:
    """Move the clock to `target`, running every piece of due work at its instant."""
    assert target >= clock.now()
    for _ in range(1000):
        due = await core.next_due()
        if due is None or due > target:
            break
        if due > clock.now():
            clock.set(due)
        await core.run_due(clock.now())
        after = await core.next_due()
        assert after is None or after > clock.now(), "due work did not run"
    else:
        raise AssertionError("the clock never reached the target")
    clock.set(target)
    await core.run_due(target)


@pytest.fixture
async def meets(group: Chat, messenger: RecordingMessenger) -> Chat:
    """The fixture group, meeting on Wednesdays at 07:00 at The Oaks."""
    reply = await group("alice", "/rapport meeting set wed 07:00 Africa/Johannesburg -- The Oaks")
    assert "Saved" in reply
    messenger.clear()
    return group


async def group_id(repo: SqliteRepository, where=GENERAL) -> int:
    async with repo.transaction() as tx:
        g = await tx.groups.by_channel(where)
    assert g is not None
    return g.id


async def member_id(repo: SqliteRepository, handle: str, where=GENERAL) -> int:
    gid = await group_id(repo, where)
    async with repo.transaction() as tx:
        m = await tx.members.get(gid, handle)
    assert m is not None
    return m.id


async def records(repo: SqliteRepository, day: str) -> dict[str, tuple[str | None, str | None]]:
    """handle → (rsvp, confirmed status) the database holds for one meeting."""
    gid = await group_id(repo)
    async with repo.transaction() as tx:
        rows = await tx.attendance.on_day(gid, day)
        members = {m.id: m.user.user_id for m in await tx.members.of_group(gid)}
    return {members[mid]: v for mid, v in rows.items()}


async def all_attendance_rows(repo: SqliteRepository) -> list[tuple[int, int, str]]:
    cur = await repo._db.execute(
        "SELECT group_id, member_id, day FROM attendance ORDER BY group_id, member_id, day"
    )
    return [tuple(r) for r in await cur.fetchall()]


async def visitor_rows(repo: SqliteRepository) -> list[tuple[str, str | None]]:
    """(visitor name, inviter's handle) in the order recorded."""
    cur = await repo._db.execute(
        "SELECT v.name, m.user_id FROM visitors v LEFT JOIN members m ON m.id = v.invited_by"
        " ORDER BY v.id"
    )
    return [tuple(r) for r in await cur.fetchall()]


def field_lines(text: str) -> dict[str, str]:
    """The 'Present: …', 'Not confirmed: …' lines of an attendance view."""
    out = {}
    for line in text.splitlines()[1:]:
        name, _, value = line.partition(": ")
        out[name] = value
    return out


# --- RSVPs ----------------------------------------------------------------------------------
async def test_the_evening_reminder_carries_three_rsvp_buttons_for_its_own_date(
    meets: Chat, core: Core, clock: FakeClock, messenger: RecordingMessenger
) -> None:
    await run_until(core, clock, sast(2026, 12, 1, 18, 0))
    reminders = [s for s in messenger.posts() if s.message.kind == "reminder.evening"]
    assert len(reminders) == 1
    actions = reminders[0].message.actions
    assert [(a.label, a.action_id) for a in actions] == [
        ("Attending", f"rsvp:{NEXT}:attending"),
        ("Sending a substitute", f"rsvp:{NEXT}:substitute"),
        ("Can't make it", f"rsvp:{NEXT}:absent"),
    ]
    assert [a.command.plain() for a in actions] == [
        f"/rapport rsvp attending {NEXT}",
        f"/rapport rsvp substitute {NEXT}",
        f"/rapport rsvp absent {NEXT}",
    ]
    assert reminders[0].text.endswith("Coming? Let the group know:")


async def test_the_hour_before_reminder_of_the_following_week_asks_about_that_weeks_date(
    meets: Chat, core: Core, clock: FakeClock, messenger: RecordingMessenger
) -> None:
    await run_until(core, clock, sast(2026, 12, 9, 6, 30))
    soon = [s.message for s in messenger.posts() if s.message.kind == "reminder.soon"]
    assert [[a.action_id for a in m.actions] for m in soon] == [
        [f"rsvp:{d}:attending", f"rsvp:{d}:substitute", f"rsvp:{d}:absent"]
        for d in (NEXT, "2026-12-09")
    ]


async def test_rsvp_buttons_from_the_reminder_save_and_change_the_answer(
    meets: Chat, core: Core, clock: FakeClock, messenger: RecordingMessenger, repo
) -> None:
    await run_until(core, clock, sast(2026, 12, 1, 18, 0))
    reminder = next(s.message for s in messenger.posts() if s.message.kind == "reminder.evening")
    attending, substitute, absent = (a.action_id for a in reminder.actions)

    assert await meets.click("bob", attending) == (
        f"Thanks: you're down as attending on {NEXT}. See you there!"
    )
    assert await meets.click("carol", substitute) == (
        f"Thanks: you're sending a substitute on {NEXT}."
    )
    assert (
        await meets.click("alice", absent)
        == f"Thanks for letting us know: you can't make it on {NEXT}. We'll miss you."
    )
    assert await records(repo, NEXT) == {
        "bob": ("attending", None),
        "carol": ("substitute", None),
        "alice": ("absent", None),
    }
    # changing one's mind replaces the answer
    assert "can't make it" in await meets.click("bob", absent)
    assert (await records(repo, NEXT))["bob"] == ("absent", None)


async def test_a_typed_rsvp_without_a_date_is_for_the_next_meeting(meets: Chat, repo) -> None:
    assert await meets("bob", "/rapport rsvp substitute") == (
        f"Thanks: you're sending a substitute on {NEXT}."
    )
    assert await meets("carol", "/rapport rsvp no 2026-12-09") == (
        "Thanks for letting us know: you can't make it on 2026-12-09. We'll miss you."
    )
    assert await records(repo, NEXT) == {"bob": ("substitute", None)}
    assert await records(repo, "2026-12-09") == {"carol": ("absent", None)}


async def test_on_the_meeting_morning_a_typed_rsvp_is_for_that_days_meeting(
    meets: Chat, clock: FakeClock, repo
) -> None:
    clock.set(sast(2026, 12, 2, 6, 30))
    assert await meets("bob", "/rapport rsvp yes") == (
        f"Thanks: you're down as attending on {NEXT}. See you there!"
    )
    assert await records(repo, NEXT) == {"bob": ("attending", None)}


async def test_an_rsvp_for_a_past_meeting_is_refused_typed_or_clicked(meets: Chat, repo) -> None:
    refusal = f"The meeting on {LAST} is over; RSVPs are for upcoming meetings."
    assert refusal in await meets("bob", f"/rapport rsvp attending {LAST}")
    assert refusal in await meets.click("bob", f"rsvp:{LAST}:attending")
    assert await all_attendance_rows(repo) == []


async def test_an_rsvp_for_a_day_the_group_does_not_meet_is_refused(meets: Chat, repo) -> None:
    reply = await meets("bob", "/rapport rsvp attending 2026-12-03")
    assert "2026-12-03 is not a meeting day" in reply
    assert "Wednesdays at 07:00" in reply
    reply = await meets.click("bob", "rsvp:2026-12-05:absent")
    assert "2026-12-05 is not a meeting day" in reply
    assert await all_attendance_rows(repo) == []


async def test_an_rsvp_for_a_skipped_meeting_is_refused(meets: Chat, repo) -> None:
    assert "Skipped 2026-12-09" in await meets("alice", "/rapport meeting skip 2026-12-09")
    reply = await meets("bob", "/rapport rsvp attending 2026-12-09")
    assert "Thanks" not in reply
    assert "2026-12-09" in reply
    assert await all_attendance_rows(repo) == []


async def test_attendance_for_a_skipped_meeting_is_refused(
    meets: Chat, clock: FakeClock, repo
) -> None:
    """A skipped date is not a meeting: marking someone absent from it would count against
    them, and the default view already passes over it."""
    assert "Skipped" in await meets("alice", f"/rapport meeting skip {NEXT}")
    clock.set(sast(2026, 12, 2, 9, 0))
    assert (await meets("alice", "/rapport attendance")).startswith(f"Attendance on {LAST}:")
    reply = await meets("alice", f"/rapport attendance {NEXT} absent @bob")
    assert "saved" not in reply
    assert NEXT in reply
    assert await all_attendance_rows(repo) == []


async def test_rsvps_need_a_weekly_meeting(group: Chat, repo) -> None:
    assert "No weekly meeting is set yet" in await group("bob", "/rapport rsvp attending")
    assert await all_attendance_rows(repo) == []


async def test_a_broken_rsvp_button_is_not_an_rsvp(meets: Chat, repo) -> None:
    reply = await meets.click("bob", "rsvp:2026-13-40:attending")
    assert "That button no longer applies" in reply
    reply = await meets.click("bob", f"rsvp:{NEXT}:maybe")
    assert "That button no longer applies" in reply
    assert await all_attendance_rows(repo) == []


# --- attendance -----------------------------------------------------------------------------
async def test_rsvps_show_as_not_confirmed_until_the_admin_confirms(meets: Chat) -> None:
    await meets("bob", "/rapport rsvp attending")
    await meets("carol", "/rapport rsvp substitute")
    text = await meets("carol", f"/rapport attendance {NEXT}")
    assert text.splitlines()[0] == (
        f"Attendance on {NEXT}: Not confirmed counts as unknown, never absent."
    )
    assert field_lines(text) == {
        "Not confirmed": "@alice, @bob (said attending), @carol (said sending a substitute)"
    }


async def test_attendance_without_a_date_shows_the_latest_meeting(meets: Chat) -> None:
    text = await meets("bob", "/rapport attendance")
    assert text.splitlines()[0].startswith(f"Attendance on {LAST}:")
    assert field_lines(text) == {"Not confirmed": "@alice, @bob, @carol"}


async def test_confirm_turns_each_rsvp_into_attendance_and_leaves_the_silent_unknown(
    group: Chat, meets: Chat, chat: Chat, clock: FakeClock, repo
) -> None:
    assert "Welcome" in await chat("dave", "/rapport join Accounting")
    await meets("bob", "/rapport rsvp attending")
    await meets("carol", "/rapport rsvp substitute")
    await meets("dave", "/rapport rsvp absent")
    clock.set(sast(2026, 12, 2, 8, 30))  # after the meeting
    text = await meets("alice", "/rapport attendance confirm")
    assert text.splitlines()[0] == (
        f"Attendance saved for {NEXT}. Not confirmed counts as unknown, never absent."
    )
    assert field_lines(text) == {
        "Present": "@bob",
        "Substitute": "@carol",
        "Absent": "@dave",
        "Not confirmed": "@alice",
    }
    assert await records(repo, NEXT) == {
        "bob": ("attending", "present"),
        "carol": ("substitute", "substitute"),
        "dave": ("absent", "absent"),
    }
    # anyone may look; the view now shows what was confirmed
    assert field_lines(await meets("carol", "/rapport attendance")) == field_lines(text)


async def test_marks_after_confirm_correct_what_the_rsvps_said(
    meets: Chat, clock: FakeClock, repo
) -> None:
    await meets("bob", "/rapport rsvp attending")
    await meets("carol", "/rapport rsvp absent")
    clock.set(sast(2026, 12, 2, 8, 30))
    text = await meets("alice", "/rapport attendance confirm late @bob present @carol @alice")
    assert text.splitlines()[0] == f"Attendance saved for {NEXT}."
    assert field_lines(text) == {"Present": "@alice, @carol", "Late": "@bob"}
    assert await records(repo, NEXT) == {
        "bob": ("attending", "late"),
        "carol": ("absent", "present"),
        "alice": (None, "present"),
    }
    # a later correction replaces a confirmed status, and confirming again keeps it
    await meets("alice", f"/rapport attendance {NEXT} absent @bob")
    await meets("alice", f"/rapport attendance {NEXT} confirm")
    assert (await records(repo, NEXT))["bob"] == ("attending", "absent")


async def test_the_admin_records_a_past_meeting_by_date(meets: Chat, repo) -> None:
    text = await meets("alice", f"/rapport attendance {LAST} present @bob substitute @carol")
    assert field_lines(text) == {
        "Present": "@bob",
        "Substitute": "@carol",
        "Not confirmed": "@alice",
    }
    assert await records(repo, LAST) == {
        "bob": (None, "present"),
        "carol": (None, "substitute"),
    }


async def test_only_the_admin_records_attendance(meets: Chat, clock: FakeClock, repo) -> None:
    await meets("carol", "/rapport rsvp attending")
    clock.set(sast(2026, 12, 2, 8, 30))
    refusal = "Only the group's admins can record attendance."
    assert refusal in await meets("bob", "/rapport attendance present @bob")
    assert refusal in await meets("bob", "/rapport attendance confirm")
    assert await records(repo, NEXT) == {"carol": ("attending", None)}


async def test_attendance_for_a_meeting_still_to_come_is_refused(meets: Chat, repo) -> None:
    reply = await meets("alice", f"/rapport attendance {NEXT} present @bob")
    assert f"{NEXT} hasn't happened yet; record attendance after the meeting." in reply
    assert await all_attendance_rows(repo) == []


async def test_attendance_on_a_day_the_group_does_not_meet_is_refused(meets: Chat, repo) -> None:
    reply = await meets("alice", "/rapport attendance 2026-11-26 present @bob")
    assert "2026-11-26 is not a meeting day" in reply
    assert await all_attendance_rows(repo) == []


async def test_a_member_of_another_group_cannot_be_marked(meets: Chat, chat: Chat, repo) -> None:
    other = channel("sunrise")
    assert "set up" in await chat("dave", "/rapport setup Sunrise Club", where=other)
    assert "Welcome" in await chat("dave", "/rapport join Accounting", where=other)
    reply = await meets("alice", f"/rapport attendance {LAST} present @bob @dave")
    assert "@dave isn't on Breakfast Club's roster" in reply
    # the whole command is refused: bob's mark in the same line is not saved either
    assert await all_attendance_rows(repo) == []


async def test_someone_who_never_joined_cannot_be_marked(meets: Chat, repo) -> None:
    reply = await meets("alice", f"/rapport attendance {LAST} present @zed")
    assert "@zed isn't on Breakfast Club's roster" in reply
    reply = await meets("alice", f"/rapport attendance {LAST} present @")
    assert reply.startswith("I don't know “@” in /rapport attendance.")
    assert await all_attendance_rows(repo) == []


# --- visitors -------------------------------------------------------------------------------
async def test_a_visitor_invited_by_a_member_credits_that_member(meets: Chat, repo) -> None:
    reply = await meets("alice", "/rapport visitor Jane Smith invited by @bob")
    # (recorded on a day without a meeting: invited, the first step of the pipeline)
    assert reply.startswith("Visitor Jane Smith recorded, invited by @bob. They are #1, invited;")
    assert await visitor_rows(repo) == [("Jane Smith", "bob")]


@pytest.mark.parametrize(
    "line",
    [
        "/rapport visitor Ann O'Connor (invited by @bob)",
        "/rapport visitor Ann O'Connor [invited by @bob]",
        "/rapport visitor Ann O'Connor, invited by @bob",
        "/rapport visitor Ann O'Connor (Invited by: @bob)",
    ],
)
async def test_invited_by_in_brackets_or_after_a_comma_credits_that_member(
    meets: Chat, repo, line: str
) -> None:
    reply = await meets("alice", line)
    assert reply.startswith("Visitor Ann O'Connor recorded, invited by @bob.")
    assert await visitor_rows(repo) == [("Ann O'Connor", "bob")]


async def test_a_visitor_without_invited_by_credits_whoever_recorded_them(
    meets: Chat, repo
) -> None:
    reply = await meets("carol", "/rapport visitor Tom Lee")
    assert reply.startswith("Visitor Tom Lee recorded, invited by @carol.")
    assert await visitor_rows(repo) == [("Tom Lee", "carol")]


async def test_a_visitor_invited_by_someone_not_in_the_group_is_refused(meets: Chat, repo) -> None:
    reply = await meets("alice", "/rapport visitor Jane Smith invited by @zed")
    assert "@zed isn't on Breakfast Club's roster" in reply
    reply = await meets("alice", "/rapport visitor Jane Smith invited by Bob from Rotary")
    assert "Write who invited them as a mention" in reply
    assert await visitor_rows(repo) == []


async def test_only_members_record_visitors(meets: Chat, repo) -> None:
    reply = await meets("zed", "/rapport visitor Jane Smith")
    assert reply.startswith("You're not on Breakfast Club's roster yet.")
    assert await visitor_rows(repo) == []


async def test_the_recap_after_the_meeting_welcomes_that_weeks_visitors_with_their_inviters(
    meets: Chat, core: Core, clock: FakeClock, messenger: RecordingMessenger
) -> None:
    clock.set(sast(2026, 12, 2, 7, 30))  # at the meeting
    await meets("alice", "/rapport visitor Jane Smith invited by @bob")
    await meets("carol", "/rapport visitor Tom Lee")
    await run_until(core, clock, sast(2026, 12, 2, 9, 0))
    recaps = [s.text for s in messenger.posts() if s.message.kind == "recap.weekly"]
    assert len(recaps) == 1
    assert (
        "👋 Welcome to our visitors: Jane Smith (invited by @bob), Tom Lee (invited by @carol)."
        " Come again!"
    ) in recaps[0]

    # one who comes after the recap is next week's visitor, and this week's are not repeated
    clock.set(sast(2026, 12, 2, 10, 0))
    await meets("bob", "/rapport visitor Ann Ray")
    messenger.clear()
    await run_until(core, clock, sast(2026, 12, 9, 9, 0))
    recaps = [s.text for s in messenger.posts() if s.message.kind == "recap.weekly"]
    assert len(recaps) == 1
    assert "👋 Welcome to our visitors: Ann Ray (invited by @bob). Come again!" in recaps[0]
    assert "Jane Smith" not in recaps[0]


async def test_a_week_without_visitors_has_no_welcome_line(
    meets: Chat, core: Core, clock: FakeClock, messenger: RecordingMessenger
) -> None:
    await run_until(core, clock, sast(2026, 12, 2, 9, 0))
    recaps = [s.text for s in messenger.posts() if s.message.kind == "recap.weekly"]
    assert len(recaps) == 1
    assert "visitor" not in recaps[0].casefold()


def user_text(message: OutMessage) -> list[str]:
    return [p.text for p in message.body().leaves() if isinstance(p, UserText)]


def bot_text(message: OutMessage) -> str:
    return "".join(p for p in message.body().leaves() if isinstance(p, str))


@pytest.mark.parametrize("name", ["@everyone Smith", "<!channel> Jones", "@here"])
async def test_a_visitor_name_that_looks_like_a_broadcast_stays_user_text(
    name: str,
    meets: Chat,
    core: Core,
    clock: FakeClock,
    messenger: RecordingMessenger,
    repo,
) -> None:
    clock.set(sast(2026, 12, 2, 7, 30))
    replies = await meets.messages("alice", f"/rapport visitor {name} invited by @bob")
    assert len(replies) == 1
    reply = replies[0]
    assert reply.fallback().startswith(
        f"Visitor {name} recorded, invited by @bob. The recap will welcome them."
    )
    assert name in user_text(reply)
    assert name not in bot_text(reply)
    assert reply.pings() == ()
    assert await visitor_rows(repo) == [(name, "bob")]

    await run_until(core, clock, sast(2026, 12, 2, 9, 0))
    recap = next(s.message for s in messenger.posts() if s.message.kind == "recap.weekly")
    assert f"{name} (invited by @bob)" in recap.fallback()
    assert name in user_text(recap)
    assert name.split()[0] not in bot_text(recap)
    # only a member can be notified, never a broadcast: the only mention is bob
    mentioned = [p.user for p in recap.body().leaves() if isinstance(p, Mention)]
    assert set(mentioned) == {user("bob")}
    assert all(isinstance(u, UserRef) and u.user_id == "bob" for u in recap.pings())


# --- a visitor counts in the inviter's light ------------------------------------------------
@pytest.fixture
async def seasoned(chat: Chat, clock: FakeClock, messenger: RecordingMessenger) -> Chat:
    """The same three members, but they joined on Mon 26 Oct: by Mon 30 Nov they have lights
    over the 5 meetings of 28 Oct and 4, 11, 18 and 25 Nov."""
    clock.set(sast(2026, 10, 26, 8, 0))
    assert "set up" in await chat("alice", "/rapport setup Breakfast Club")
    for handle, seat in (("alice", "Insurance"), ("bob", "Plumbing"), ("carol", "Roofing")):
        assert "Welcome" in await chat(handle, f"/rapport join {seat}")
    assert "Saved" in await chat("alice", "/rapport meeting set wed 07:00 Africa/Johannesburg")
    clock.set(sast(2026, 11, 30, 8, 0))
    messenger.clear()
    return chat


def visitors_line(light: str) -> str:
    return next(x for x in light.splitlines() if x.startswith("• visitors invited"))


async def test_a_visitor_counts_in_the_light_of_the_member_who_invited_them(
    seasoned: Chat, clock: FakeClock
) -> None:
    none = "• visitors invited: 0.00 per meeting (0 in all; green from 0.1) 🔴"
    assert visitors_line(await seasoned("bob", "/rapport lights")) == none
    clock.set(sast(2026, 11, 25, 7, 30))
    await seasoned("alice", "/rapport visitor Jane Smith invited by @bob")
    await seasoned("carol", "/rapport visitor Tom Lee")
    clock.set(sast(2026, 11, 30, 8, 0))
    # 1 visitor over 5 meetings = 0.20, green from 0.1
    one = "• visitors invited: 0.20 per meeting (1 in all; green from 0.1) 🟢"
    assert visitors_line(await seasoned("bob", "/rapport lights")) == one
    assert visitors_line(await seasoned("carol", "/rapport lights")) == one
    # alice typed Jane's visit but did not invite her
    assert visitors_line(await seasoned("alice", "/rapport lights")) == none
