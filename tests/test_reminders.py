"""The group's week, told by the clock: the evening-before reminder, the hour-before one, the
private accountability nudges and the weekly recap, planned as rows of due work and run as
time moves.

Time comes from FakeClock only. `Timeline.run_until` steps the clock through every instant
`core.next_due()` names, runs what is due there, and notes the instant each message went
out, the way the console's `:at` does. Assertions are about what people see (the text, who
got it, when) or what the database holds."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.config import Settings
from bot.due import meeting_key
from bot.model import ChannelRef, UserRef
from bot.out import OutMessage
from bot.service import Core
from bot.text import When
from storage.sqlite import SqliteRepository
from tests.conftest import Chat
from tests.fakes import FakeClock, FakeResolver, RecordingMessenger, channel, user

BACKENDS = ("sqlite", "postgresql")  # the storage contract: each test on both databases

JNB = ZoneInfo("Africa/Johannesburg")
NY = ZoneInfo("America/New_York")

EVENING = "reminder.evening"
SOON = "reminder.soon"  # the hour-before reminder
RECAP = "recap.weekly"
NUDGE = "nudge.accountability"
BEFORE_ROW = "reminder.before"  # the hour-before reminder's kind of due work
MEETING_WORK = (EVENING, SOON, RECAP, NUDGE)
GENERAL = channel()


def utc(y: int, mo: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=UTC)


def sast(y: int, mo: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    """A moment on the group's clock (Africa/Johannesburg, UTC+2 all year), as UTC."""
    return datetime(y, mo, d, h, mi, tzinfo=JNB).astimezone(UTC)


async def done(chat: Chat, who: str, line: str) -> str:
    """A step of the week that must go through: its one reply, not refused (its wording is
    the golden transcripts' to keep); returns the reply's kind."""
    [reply] = await chat.messages(who, line)
    assert not reply.refused, (line, reply.fallback())
    return reply.kind


# --- the clock, moved like the console moves it ---------------------------------------------
@dataclass(frozen=True)
class Out:
    """A message the platform took, and the instant it went out."""

    at: datetime
    to: UserRef | ChannelRef
    message: OutMessage

    @property
    def text(self) -> str:
        return self.message.fallback()

    @property
    def kind(self) -> str:
        return self.message.kind

    @property
    def is_post(self) -> bool:
        return isinstance(self.to, ChannelRef)


class Timeline:
    def __init__(self, core: Core, clock: FakeClock, messenger: RecordingMessenger) -> None:
        self.core = core
        self.clock = clock
        self.messenger = messenger
        self.log: list[Out] = []

    async def run_until(self, target: datetime) -> list[Out]:
        """Move the clock to `target` through every instant something is due, running it
        there; returns what went out on the way, each with its instant."""
        assert target >= self.clock.now(), "the clock only moves forward"
        start = len(self.log)
        seen = len(self.messenger.sent)  # what commands already delivered is not ours

        def take() -> None:
            nonlocal seen
            for s in self.messenger.sent[seen:]:
                self.log.append(Out(self.clock.now(), s.to, s.message))
            seen = len(self.messenger.sent)

        for _ in range(5000):
            due = await self.core.next_due()
            if due is None or due > target:
                break
            if due > self.clock.now():
                self.clock.set(due)
            await self.core.run_due(self.clock.now())
            take()
            after = await self.core.next_due()
            assert after is None or after > self.clock.now(), (
                f"work due at {after} was still waiting after running at {self.clock.now()}"
            )
        else:
            raise AssertionError("the clock never got to the target")
        self.clock.set(target)
        await self.core.run_due(target)
        take()
        return self.log[start:]


def meeting_work(outs: list[Out]) -> list[Out]:
    return [o for o in outs if o.kind in MEETING_WORK]


def schedule(outs: list[Out], tz: ZoneInfo = JNB) -> list[tuple[str, str]]:
    """(local time, kind) of the reminders, nudges and recaps that went out."""
    return [(o.at.astimezone(tz).strftime("%a %Y-%m-%d %H:%M"), o.kind) for o in meeting_work(outs)]


def when_of(message: OutMessage) -> When:
    [w] = [p for p in message.text.parts if isinstance(p, When)]
    return w


@pytest.fixture
def timeline(core: Core, clock: FakeClock, messenger: RecordingMessenger) -> Timeline:
    return Timeline(core, clock, messenger)


# --- looking into the database ----------------------------------------------------------------
def meeting(y: int, mo: int, d: int, h: int = 7, mi: int = 0) -> str:
    """The key a meeting's work is planned under: its instant (UTC), from the group's clock."""
    return meeting_key(sast(y, mo, d, h, mi))


async def due_rows(core: Core, occurrence: str | None = None) -> list[dict[str, object]]:
    async with core.repo.transaction() as tx:
        rows = await tx._all(
            "SELECT kind, occurrence, state, due_at FROM due_work"
            " WHERE kind IN ('reminder.evening', 'reminder.before', 'recap.weekly',"
            " 'nudge.accountability') ORDER BY due_at, kind"
        )
    return [dict(r) for r in rows if occurrence is None or r["occurrence"] == occurrence]


def states(rows: list[dict[str, object]]) -> dict[str, object]:
    return {str(r["kind"]): r["state"] for r in rows}


async def meets_wednesdays(group: Chat, extra: str = "") -> None:
    await done(group, "alice", f"/rapport meeting set wed 07:00{extra}")


# --- daylight saving: a New York group ------------------------------------------------------
DST_WEEKS = {
    # 14 March 2027: New York moves from EST (UTC-5) to EDT (UTC-4)
    "spring-2027-03-14": (
        utc(2027, 3, 8, 12),
        utc(2027, 3, 20),
        [
            (utc(2027, 3, 9, 23), EVENING, utc(2027, 3, 10, 12)),
            (utc(2027, 3, 10, 11), SOON, utc(2027, 3, 10, 12)),
            (utc(2027, 3, 10, 14), RECAP, None),
            (utc(2027, 3, 16, 22), EVENING, utc(2027, 3, 17, 11)),
            (utc(2027, 3, 17, 10), SOON, utc(2027, 3, 17, 11)),
            (utc(2027, 3, 17, 13), RECAP, None),
        ],
    ),
    # 7 November 2027: back from EDT (UTC-4) to EST (UTC-5)
    "autumn-2027-11-07": (
        utc(2027, 11, 1, 12),
        utc(2027, 11, 13),
        [
            (utc(2027, 11, 2, 22), EVENING, utc(2027, 11, 3, 11)),
            (utc(2027, 11, 3, 10), SOON, utc(2027, 11, 3, 11)),
            (utc(2027, 11, 3, 13), RECAP, None),
            (utc(2027, 11, 9, 23), EVENING, utc(2027, 11, 10, 12)),
            (utc(2027, 11, 10, 11), SOON, utc(2027, 11, 10, 12)),
            (utc(2027, 11, 10, 14), RECAP, None),
        ],
    ),
}


@pytest.mark.parametrize("start, end, expected", DST_WEEKS.values(), ids=DST_WEEKS.keys())
async def test_a_new_york_meeting_keeps_0700_local_the_week_before_and_after_a_dst_change(
    group: Chat,
    clock: FakeClock,
    timeline: Timeline,
    start: datetime,
    end: datetime,
    expected: list[tuple[datetime, str, datetime | None]],
) -> None:
    clock.set(start)
    await group("alice", "/rapport meeting set wed 07:00 America/New_York")

    outs = meeting_work(await timeline.run_until(end))

    assert [(o.at, o.kind) for o in outs] == [(at, kind) for at, kind, _ in expected]
    assert all(o.to == GENERAL for o in outs)
    for o, (_, _, meeting) in zip(outs, expected, strict=True):
        local = o.at.astimezone(NY)
        if o.kind == EVENING:
            assert (local.strftime("%a"), local.strftime("%H:%M")) == ("Tue", "18:00")
        elif o.kind == SOON:
            assert (local.strftime("%a"), local.strftime("%H:%M")) == ("Wed", "06:00")
        else:
            assert (local.strftime("%a"), local.strftime("%H:%M")) == ("Wed", "09:00")
        if meeting is not None:
            w = when_of(o.message)
            assert w.at == meeting
            assert w.local().strftime("%A %H:%M") == "Wednesday 07:00"
            assert f"meets {w.local():%a %-d %b} 07:00." in o.text


async def test_a_new_york_meeting_is_at_0700_local_every_week_of_2027(
    group: Chat, clock: FakeClock, timeline: Timeline
) -> None:
    clock.set(utc(2027, 1, 1, 12))  # a Friday
    await group("alice", "/rapport meeting set wed 07:00 America/New_York")

    outs = meeting_work(await timeline.run_until(utc(2028, 1, 1)))

    by_kind = {k: [o for o in outs if o.kind == k] for k in (EVENING, SOON, RECAP)}
    wednesdays = [
        d
        for d in (datetime(2027, 1, 1) + timedelta(days=i) for i in range(365))
        if d.weekday() == 2
    ]
    assert len(wednesdays) == 52
    for kind, local_time, day_offset in (
        (EVENING, "18:00", -1),
        (SOON, "06:00", 0),
        (RECAP, "09:00", 0),
    ):
        got = [o.at.astimezone(NY).strftime("%Y-%m-%d %H:%M") for o in by_kind[kind]]
        assert got == [
            f"{(d + timedelta(days=day_offset)):%Y-%m-%d} {local_time}" for d in wednesdays
        ], kind
    for o in by_kind[EVENING] + by_kind[SOON]:
        assert when_of(o.message).local().strftime("%a %H:%M") == "Wed 07:00"


async def test_a_sunday_meeting_on_the_morning_the_clocks_go_forward(
    group: Chat, clock: FakeClock, timeline: Timeline
) -> None:
    """Saturday's evening reminder is in EST, Sunday's hour-before one already in EDT."""
    clock.set(utc(2027, 3, 8, 12))
    await group("alice", "/rapport meeting set sun 09:00 America/New_York")

    outs = meeting_work(await timeline.run_until(utc(2027, 3, 15)))

    assert [(o.at, o.kind) for o in outs] == [
        (utc(2027, 3, 13, 23), EVENING),  # Sat 18:00 EST
        (utc(2027, 3, 14, 12), SOON),  # Sun 08:00 EDT
        (utc(2027, 3, 14, 15), RECAP),  # Sun 11:00 EDT
    ]
    assert {when_of(o.message).at for o in outs[:2]} == {utc(2027, 3, 14, 13)}
    assert "meets Sun 14 Mar 09:00." in outs[0].text


# --- what the reminders say -------------------------------------------------------------------
async def test_the_reminders_say_when_and_where_with_asks_open_seats_and_last_weeks_numbers(
    group: Chat, clock: FakeClock, timeline: Timeline
) -> None:
    # Monday 30 November, 08:00 in Cape Town: the group meets on Wednesdays
    assert clock.now() == sast(2026, 11, 30, 8)
    await meets_wednesdays(group, " -- The Oaks, Main Road")
    await group("bob", "/rapport profile ask homeowners renovating a bathroom")
    await group("carol", "/rapport profile ask estate agents whose sellers need a roof report")
    await done(group, "alice", "/rapport settings seat add Electrician")
    # Roofing is carol's seat: listing it wants nobody new
    await done(group, "alice", "/rapport settings seat add roofing")
    # the week so far: a referral that became business, a lead, a 1-2-1
    await done(group, "alice", "/referral @bob Jane Roe jane@roe.example -- geyser")
    await done(group, "carol", "/lead @bob Acme Builders -- new offices")
    await done(group, "bob", "/referrals update 1 won 1500")
    await done(group, "carol", "/onetoone @alice")

    outs = meeting_work(await timeline.run_until(sast(2026, 12, 2, 6, 30)))

    body = (
        "Breakfast Club meets Wed 2 Dec 07:00 at The Oaks, Main Road.\n"
        "This week's asks:\n"
        "• @bob wants: homeowners renovating a bathroom\n"
        "• @carol wants: estate agents whose sellers need a roof report\n"
        "Open seats: Electrician. Know someone? Bring them as a visitor.\n"
        "The last 7 days: 1 referral, 1 lead, R1\u00a0500,00 closed business, 1 1-2-1."
    )
    assert [(o.at, o.to, o.kind) for o in outs] == [
        (sast(2026, 12, 1, 18), GENERAL, EVENING),
        (sast(2026, 12, 2, 6), GENERAL, SOON),
    ]
    # (whatever the reminder offers after these lines, like a way to answer, may follow)
    assert outs[0].text.startswith("📅 Reminder: " + body)
    assert outs[1].text.startswith("⏰ Starting soon: " + body)
    for o in outs:
        assert when_of(o.message).at == sast(2026, 12, 2, 7)
        # the asks name bob and carol without pinging them
        assert set(o.message.mentions()) == {user("bob"), user("carol")}
        assert o.message.pings() == ()


async def test_an_ask_or_seat_changed_after_the_evening_reminder_shows_in_the_next_one(
    group: Chat, clock: FakeClock, timeline: Timeline
) -> None:
    await meets_wednesdays(group)
    await group("bob", "/rapport profile ask homeowners renovating a bathroom")
    [evening] = meeting_work(await timeline.run_until(sast(2026, 12, 1, 20)))
    assert "• @bob wants: homeowners renovating a bathroom" in evening.text
    assert "Open seats" not in evening.text

    await group("bob", "/rapport profile ask new housing estates")
    await group("alice", "/rapport settings seat add Electrician")
    await group("dave", "/rapport join Electrician")  # the seat fills at once
    await group("alice", "/rapport settings seat add Web design")
    [soon] = meeting_work(await timeline.run_until(sast(2026, 12, 2, 6, 30)))

    assert "• @bob wants: new housing estates" in soon.text
    assert "bathroom" not in soon.text
    assert "Open seats: Web design." in soon.text
    assert "Electrician" not in soon.text


# --- the weekly recap -------------------------------------------------------------------------
async def test_the_recap_two_hours_after_the_meeting_gives_the_weeks_totals_givers_and_thanks(
    group: Chat, clock: FakeClock, timeline: Timeline
) -> None:
    await meets_wednesdays(group)
    # Tuesday: two referrals and a lead; two of them become business, one thank-you
    clock.set(sast(2026, 12, 1, 9))
    await group("alice", "/referral @bob Jane Roe jane@roe.example -- geyser")
    await group("carol", "/referral @alice Mandla Dube 021 555 0199 -- bakery cover")
    await group("carol", "/lead @bob Acme Builders -- new offices")
    await group("bob", "/referrals update 1 won 1000")
    await group("alice", "/referrals update 2 won 500")
    await done(group, "bob", "/thanks @alice 1 -- lovely client")
    await group("carol", "/onetoone @bob")

    outs = [o for o in await timeline.run_until(sast(2026, 12, 2, 12)) if o.kind == RECAP]

    assert [(o.at, o.to) for o in outs] == [(sast(2026, 12, 2, 9), GENERAL)]
    assert outs[0].text == (
        "📊 This week at Breakfast Club: 2 referrals, 1 lead, R1\u00a0500,00 closed business,"
        " 1 1-2-1.\n"
        "Given by: @carol (1 referral, 1 lead), @alice (1 referral). Thank you!\n"
        "Thanks: @bob thanked @alice."
    )
    # closed business is the group's total: no member's own amount
    assert "R1,000.00" not in outs[0].text
    assert "R500.00" not in outs[0].text


async def test_a_quiet_week_is_recapped_as_quiet(group: Chat, timeline: Timeline) -> None:
    await meets_wednesdays(group)

    outs = [o for o in await timeline.run_until(sast(2026, 12, 2, 12)) if o.kind == RECAP]

    assert [(o.at, o.text) for o in outs] == [
        (
            sast(2026, 12, 2, 9),
            "📊 This week at Breakfast Club: 0 referrals, 0 leads, R0,00 closed business,"
            " 0 1-2-1s.\nNo referrals or leads this week. Who will open next week's account?",
        )
    ]


async def test_a_lead_given_after_the_recap_counts_in_next_weeks_recap_only(
    group: Chat, clock: FakeClock, timeline: Timeline
) -> None:
    await meets_wednesdays(group)
    clock.set(sast(2026, 12, 2, 8))
    await group("bob", "/lead @carol Acme -- at the meeting")
    first = [o for o in await timeline.run_until(sast(2026, 12, 2, 10)) if o.kind == RECAP]
    await group("carol", "/lead @alice Harbour View -- after the recap")

    second = [o for o in await timeline.run_until(sast(2026, 12, 9, 10)) if o.kind == RECAP]

    assert [o.text.splitlines()[1] for o in first + second] == [
        "Given by: @bob (1 lead). Thank you!",
        "Given by: @carol (1 lead). Thank you!",
    ]


# --- week after week --------------------------------------------------------------------------
async def test_three_weeks_in_a_row_each_get_one_evening_one_hour_before_and_one_recap(
    group: Chat, timeline: Timeline
) -> None:
    await meets_wednesdays(group)

    outs = await timeline.run_until(sast(2026, 12, 19))

    assert schedule(outs) == [
        ("Tue 2026-12-01 18:00", EVENING),
        ("Wed 2026-12-02 06:00", SOON),
        ("Wed 2026-12-02 09:00", RECAP),
        ("Tue 2026-12-08 18:00", EVENING),
        ("Wed 2026-12-09 06:00", SOON),
        ("Wed 2026-12-09 09:00", RECAP),
        ("Tue 2026-12-15 18:00", EVENING),
        ("Wed 2026-12-16 06:00", SOON),
        ("Wed 2026-12-16 09:00", RECAP),
    ]
    assert all(o.is_post and o.to == GENERAL for o in meeting_work(outs))
    # and the fourth week is already planned
    assert [
        (r["occurrence"], r["state"]) for r in await due_rows(timeline.core, meeting(2026, 12, 23))
    ] == [("2026-12-23T05:00:00Z", "pending")] * 4


async def test_a_skipped_meeting_gets_no_reminders_or_recap_and_the_next_week_resumes(
    group: Chat, clock: FakeClock, timeline: Timeline
) -> None:
    await meets_wednesdays(group)
    await timeline.run_until(sast(2026, 12, 3, 9))
    reply = await group("alice", "/rapport meeting skip 2026-12-09")
    assert reply == "Skipped 2026-12-09; I've told the channel."

    outs = await timeline.run_until(sast(2026, 12, 19))

    assert schedule(outs) == [
        ("Tue 2026-12-15 18:00", EVENING),
        ("Wed 2026-12-16 06:00", SOON),
        ("Wed 2026-12-16 09:00", RECAP),
    ]
    assert {r["state"] for r in await due_rows(timeline.core, meeting(2026, 12, 9))} == {
        "cancelled"
    }


async def test_skipping_this_weeks_meeting_on_the_evening_before_stops_the_rest_of_its_work(
    group: Chat, clock: FakeClock, timeline: Timeline
) -> None:
    await meets_wednesdays(group)
    before = await timeline.run_until(sast(2026, 12, 1, 20))
    assert schedule(before) == [("Tue 2026-12-01 18:00", EVENING)]
    await done(group, "alice", "/rapport meeting skip 2026-12-02")

    outs = await timeline.run_until(sast(2026, 12, 12))

    assert schedule(outs) == [
        ("Tue 2026-12-08 18:00", EVENING),
        ("Wed 2026-12-09 06:00", SOON),
        ("Wed 2026-12-09 09:00", RECAP),
    ]
    assert states(await due_rows(timeline.core, meeting(2026, 12, 2))) == {
        EVENING: "done",
        NUDGE: "done",
        BEFORE_ROW: "cancelled",
        RECAP: "cancelled",
    }


async def test_moving_the_meeting_replans_its_reminders_for_the_new_time(
    group: Chat, clock: FakeClock, timeline: Timeline
) -> None:
    await meets_wednesdays(group)
    clock.set(sast(2026, 11, 30, 10))
    await done(group, "alice", "/rapport meeting set thu 12:30 -- Rio Cafe")

    outs = await timeline.run_until(sast(2026, 12, 5))

    assert schedule(outs) == [
        ("Wed 2026-12-02 18:00", EVENING),
        ("Thu 2026-12-03 11:30", SOON),
        ("Thu 2026-12-03 14:30", RECAP),
    ]
    assert "meets Thu 3 Dec 12:30 at Rio Cafe." in meeting_work(outs)[0].text
    assert {r["state"] for r in await due_rows(timeline.core, meeting(2026, 12, 2))} == {
        "cancelled"
    }


async def test_skipping_next_week_right_after_the_meeting_keeps_todays_recap(
    group: Chat, clock: FakeClock, timeline: Timeline
) -> None:
    """At the meeting, the admin announces next week's break and skips it there and then."""
    await meets_wednesdays(group)
    await timeline.run_until(sast(2026, 12, 2, 7, 30))
    await done(group, "alice", "/rapport meeting skip 2026-12-09")

    outs = await timeline.run_until(sast(2026, 12, 19))

    assert schedule(outs) == [
        ("Wed 2026-12-02 09:00", RECAP),
        ("Tue 2026-12-15 18:00", EVENING),
        ("Wed 2026-12-16 06:00", SOON),
        ("Wed 2026-12-16 09:00", RECAP),
    ]


# --- the admin's settings ---------------------------------------------------------------------
async def test_a_setting_changed_between_the_meeting_and_its_recap_still_gets_todays_recap(
    group: Chat, clock: FakeClock, timeline: Timeline
) -> None:
    await meets_wednesdays(group)
    await timeline.run_until(sast(2026, 12, 2, 8))
    await done(group, "alice", "/rapport settings recap 3")

    outs = await timeline.run_until(sast(2026, 12, 3))

    # at the new time (three hours after the start) or at the one already planned, but once
    assert schedule(outs) in (
        [("Wed 2026-12-02 10:00", RECAP)],
        [("Wed 2026-12-02 09:00", RECAP)],
    )


async def test_an_early_reminder_before_the_meeting_does_not_cancel_the_evening_one(
    group: Chat, timeline: Timeline
) -> None:
    """Fourteen hours before a 07:00 meeting is 17:00 the day before: both reminders still
    go out, each on time."""
    await meets_wednesdays(group)
    await done(group, "alice", "/rapport settings reminder before 14")

    outs = await timeline.run_until(sast(2026, 12, 3))

    assert schedule(outs) == [
        ("Tue 2026-12-01 17:00", SOON),
        ("Tue 2026-12-01 18:00", EVENING),
        ("Wed 2026-12-02 09:00", RECAP),
    ]


async def test_the_admins_settings_change_which_reminders_go_out_and_when(
    group: Chat, timeline: Timeline
) -> None:
    await meets_wednesdays(group)
    assert await group("alice", "/rapport settings reminder evening off") == (
        "Saved: no evening-before reminder. Upcoming reminders follow the new setting."
    )
    assert await group("alice", "/rapport settings reminder before 2") == (
        "Saved: a reminder 2 hours before the meeting. Upcoming reminders follow the new setting."
    )
    assert await group("alice", "/rapport settings recap 3") == (
        "Saved: the weekly recap 3 hours after the meeting starts. Upcoming reminders follow"
        " the new setting."
    )

    outs = await timeline.run_until(sast(2026, 12, 12))

    assert schedule(outs) == [
        ("Wed 2026-12-02 05:00", SOON),
        ("Wed 2026-12-02 10:00", RECAP),
        ("Wed 2026-12-09 05:00", SOON),
        ("Wed 2026-12-09 10:00", RECAP),
    ]


async def test_an_evening_reminder_at_another_time_and_the_default_again(
    group: Chat, clock: FakeClock, timeline: Timeline
) -> None:
    await meets_wednesdays(group)
    await group("alice", "/rapport settings reminder evening 19:30")
    first = await timeline.run_until(sast(2026, 12, 3))
    await group("alice", "/rapport settings reminder evening default")
    second = await timeline.run_until(sast(2026, 12, 10))

    assert [s for s in schedule(first + second) if s[1] == EVENING] == [
        ("Tue 2026-12-01 19:30", EVENING),
        ("Tue 2026-12-08 18:00", EVENING),
    ]


async def test_the_settings_view_shows_the_groups_settings(group: Chat) -> None:
    before = await group("alice", "/rapport settings")
    assert "Evening-before reminder: 18:00" in before
    assert "Reminder before the meeting: 1 h before" in before
    assert "Weekly recap: 2 h after the meeting starts" in before
    assert "Accountability nudges: on" in before
    assert "Open seats wanted: none listed" in before

    for line in ("reminder evening off", "reminder before 2", "recap 3", "accountability off"):
        assert (await group("alice", f"/rapport settings {line}")).startswith("Saved: ")
    await done(group, "alice", "/rapport settings seat add Electrician")
    after = await group("bob", "/rapport settings")  # any member may look

    assert after.splitlines()[1:] == [
        "Evening-before reminder: off",
        "Reminder before the meeting: 2 h before",
        "Weekly recap: 3 h after the meeting starts",
        "Accountability nudges: off",
        "Currency: ZAR",
        "Amounts written: the en_ZA way, like R1\u00a0500,00 (the time zone's way)",
        "Open seats wanted: Electrician",
        "Absence rule: 3 in 6 months (counting absences; medical absences and substitutes"
        " don't count)",
        "Closed business per member: private to each member (the leadership sees totals)",
    ]


async def test_only_the_admin_changes_settings_and_a_refusal_changes_nothing(
    group: Chat, timeline: Timeline
) -> None:
    await meets_wednesdays(group)
    refusals = [
        await group("bob", "/rapport settings recap 3"),
        await group("bob", "/rapport settings reminder evening off"),
        await group("carol", "/rapport settings accountability off"),
        await group("bob", "/rapport settings seat add Electrician"),
    ]

    assert refusals[:3] == ["Only the group's admins can change the group's settings."] * 3
    assert refusals[3] == "Only the group's admins can list the open seats."
    view = await group("alice", "/rapport settings")
    assert "Weekly recap: 2 h after the meeting starts" in view
    assert "Open seats wanted: none listed" in view
    outs = await timeline.run_until(sast(2026, 12, 3))
    assert schedule(outs) == [
        ("Tue 2026-12-01 18:00", EVENING),
        ("Wed 2026-12-02 06:00", SOON),
        ("Wed 2026-12-02 09:00", RECAP),
    ]


# --- accountability: a private word with members who have gone quiet -------------------------
ASKS = {
    "alice": "owners of growing businesses",
    "bob": "homeowners renovating a bathroom",
    "carol": "estate agents with sellers",
    "dave": "families outgrowing their home",
    "erin": "owner-run businesses doing their own books",
}


@pytest.fixture
async def chapter(group: Chat, clock: FakeClock) -> Chat:
    """The group five weeks on: erin joined with the others on 30 November, dave only on
    28 December; carol last gave on 1 December, bob on 20 December; everyone has an ask.
    The next meeting is Wednesday 6 January 2027, 07:00."""
    await group("erin", "/rapport join Bookkeeping")
    for handle in ("alice", "bob", "carol", "erin"):
        await group(handle, f"/rapport profile ask {ASKS[handle]}")
    clock.set(sast(2026, 12, 1, 10))
    await group("carol", "/lead @alice Harbour View -- roof leaks")
    clock.set(sast(2026, 12, 20, 10))
    await group("bob", "/lead @carol Acme Builders -- new offices")
    clock.set(sast(2026, 12, 28, 10))
    await group("dave", "/rapport join Residential property")
    await group("dave", f"/rapport profile ask {ASKS['dave']}")
    clock.set(sast(2027, 1, 4, 8))
    await meets_wednesdays(group)
    return group


def listed(text: str) -> list[str]:
    return [line.split(" wants:")[0].removeprefix("• @") for line in text.splitlines()[1:-1]]


async def test_members_who_gave_nothing_in_four_weeks_get_a_private_nudge_with_others_asks(
    chapter: Chat, timeline: Timeline
) -> None:
    outs = await timeline.run_until(sast(2027, 1, 6, 12))

    nudges = [o for o in outs if o.kind == NUDGE]
    # alice never gave; carol's lead is five weeks old. bob gave recently; dave is new
    assert sorted(o.to.user_id for o in nudges) == ["alice", "carol", "erin"]
    assert {o.at for o in nudges} == {sast(2027, 1, 5, 18)}
    assert all(not o.is_post for o in nudges)
    assert not [o for o in outs if o.is_post and "haven't passed" in o.text]
    for o in nudges:
        me = o.to.user_id
        assert o.text.startswith(
            "You haven't passed a referral or lead in 4 weeks. The next meeting is"
            " Wed 6 Jan 07:00: maybe someone you know fits one of these asks?\n"
        )
        assert o.text.endswith("\nA lead counts too: /lead @member <business> -- what you heard.")
        names = listed(o.text)
        assert 2 <= len(names) <= 3
        assert me not in names
        assert len(set(names)) == len(names)
        for name in names:
            assert f"• @{name} wants: {ASKS[name]}" in o.text
        assert o.message.pings() == ()
        assert {u.user_id for u in o.message.mentions()} == set(names)


async def test_a_member_who_turned_dms_off_gets_no_nudge(chapter: Chat, timeline: Timeline) -> None:
    assert "off" in await chapter("erin", "/rapport profile dm off")

    outs = await timeline.run_until(sast(2027, 1, 6, 12))

    assert sorted(o.to.user_id for o in outs if o.kind == NUDGE) == ["alice", "carol"]
    assert timeline.messenger.dms_to("erin") == []


async def test_no_nudges_when_the_admin_turns_accountability_off(
    chapter: Chat, timeline: Timeline
) -> None:
    await done(chapter, "alice", "/rapport settings accountability off")

    outs = await timeline.run_until(sast(2027, 1, 6, 12))

    assert [o for o in outs if o.kind == NUDGE] == []
    assert [o.kind for o in meeting_work(outs)] == [EVENING, SOON, RECAP]
    assert states(await due_rows(timeline.core, meeting(2027, 1, 6))) == {
        EVENING: "done",
        NUDGE: "cancelled",
        BEFORE_ROW: "done",
        RECAP: "done",
    }


async def test_a_nudge_waits_out_quiet_hours_unless_it_would_come_after_the_meeting(
    chapter: Chat, timeline: Timeline
) -> None:
    await chapter("alice", "/rapport profile quiet 17:00-19:30")
    await chapter("carol", "/rapport profile quiet 17:00-08:00")

    outs = await timeline.run_until(sast(2027, 1, 6, 12))

    assert [(o.at, o.to.user_id) for o in outs if o.kind == NUDGE] == [
        (sast(2027, 1, 5, 18), "erin"),
        (sast(2027, 1, 5, 19, 30), "alice"),
    ]


async def test_without_an_evening_reminder_the_nudges_come_a_day_before_the_meeting(
    chapter: Chat, timeline: Timeline
) -> None:
    await chapter("alice", "/rapport settings reminder evening off")

    outs = await timeline.run_until(sast(2027, 1, 6, 12))

    assert {(o.at, o.to.user_id) for o in outs if o.kind == NUDGE} == {
        (sast(2027, 1, 5, 7), "alice"),
        (sast(2027, 1, 5, 7), "carol"),
        (sast(2027, 1, 5, 7), "erin"),
    }


async def test_a_member_who_left_is_neither_nudged_nor_listed(
    chapter: Chat, timeline: Timeline
) -> None:
    assert "You have left" in await chapter("erin", "/rapport leave")

    outs = await timeline.run_until(sast(2027, 1, 6, 12))

    nudges = [o for o in outs if o.kind == NUDGE]
    assert sorted(o.to.user_id for o in nudges) == ["alice", "carol"]
    for o in nudges:
        assert "erin" not in listed(o.text)
    [evening] = [o for o in outs if o.kind == EVENING]
    assert "@erin" not in evening.text
    assert "• @dave wants: families outgrowing their home" in evening.text


# --- a change made after work fell due, before the tick that runs it -------------------------
CHANGES_THAT_KEEP_THIS_WEEK = {
    "recap-later": "/rapport settings recap 3",
    "same-meeting-new-place": "/rapport meeting set wed 07:00 -- The Oaks, room 2",
    "skip-next-week": "/rapport meeting skip 2027-01-13",
}


@pytest.mark.parametrize(
    "change", CHANGES_THAT_KEEP_THIS_WEEK.values(), ids=CHANGES_THAT_KEEP_THIS_WEEK.keys()
)
async def test_a_change_seconds_after_the_evening_reminder_fell_due_keeps_it_and_the_nudges(
    chapter: Chat, clock: FakeClock, timeline: Timeline, change: str
) -> None:
    """Tuesday 18:00:10, before the tick that would send the evening reminder and the nudges,
    the admin changes something that leaves their instant alone: they still go, at once."""
    await timeline.run_until(sast(2027, 1, 5, 17, 59))
    late = sast(2027, 1, 5, 18) + timedelta(seconds=10)
    clock.set(late)
    assert (await chapter("alice", change)).startswith(("Saved", "Skipped"))

    outs = await timeline.run_until(sast(2027, 1, 6, 12))

    assert [(o.at, o.kind) for o in outs if o.kind in (EVENING, NUDGE)] == [
        (late, EVENING),
        (late, NUDGE),
        (late, NUDGE),
        (late, NUDGE),
    ]
    assert [o.kind for o in meeting_work(outs)][-2:] == [SOON, RECAP]


async def test_an_evening_reminder_moved_earlier_than_now_goes_at_once_and_only_once(
    chapter: Chat, clock: FakeClock, timeline: Timeline
) -> None:
    """At 17:30, the admin moves the evening reminder from 18:00 to 17:00: it has not gone
    yet and the meeting is still to come, so it goes at once rather than not at all."""
    clock.set(sast(2027, 1, 5, 17, 30))
    await done(chapter, "alice", "/rapport settings reminder evening 17:00")

    outs = await timeline.run_until(sast(2027, 1, 6, 12))

    assert [(o.at, o.kind) for o in meeting_work(outs) if o.kind != NUDGE] == [
        (sast(2027, 1, 5, 17, 30), EVENING),
        (sast(2027, 1, 6, 6), SOON),
        (sast(2027, 1, 6, 9), RECAP),
    ]


async def test_the_meeting_moved_after_its_evening_reminder_went_gets_no_second_one(
    chapter: Chat, clock: FakeClock, timeline: Timeline
) -> None:
    """The evening reminder went at 18:00 for 07:00; at 20:00 the meeting moves to 07:30.
    Only the hour-before reminder says the new time: the evening one is not sent again."""
    await timeline.run_until(sast(2027, 1, 5, 20))
    await done(chapter, "alice", "/rapport meeting set wed 07:30")

    outs = await timeline.run_until(sast(2027, 1, 6, 12))

    assert schedule(outs) == [("Wed 2027-01-06 06:30", SOON), ("Wed 2027-01-06 09:30", RECAP)]


async def test_a_meeting_moved_while_its_evening_reminder_was_due_gets_it_for_the_new_time(
    chapter: Chat, clock: FakeClock, timeline: Timeline
) -> None:
    """18:00:10: the evening reminder for 07:00 fell due but has not gone; the meeting moves
    to 07:30. The reminder that had not gone goes now, saying 07:30; nothing says 07:00."""
    await timeline.run_until(sast(2027, 1, 5, 17, 59))
    late = sast(2027, 1, 5, 18) + timedelta(seconds=10)
    clock.set(late)
    await done(chapter, "alice", "/rapport meeting set wed 07:30")

    outs = await timeline.run_until(sast(2027, 1, 6, 12))

    evening = [o for o in outs if o.kind == EVENING]
    assert [(o.at, when_of(o.message).at) for o in evening] == [(late, sast(2027, 1, 6, 7, 30))]
    assert schedule(outs)[-2:] == [("Wed 2027-01-06 06:30", SOON), ("Wed 2027-01-06 09:30", RECAP)]


# --- downtime ---------------------------------------------------------------------------------
async def test_after_three_days_down_stale_reminders_are_dropped_and_the_recap_still_comes_once(
    group: Chat, clock: FakeClock, timeline: Timeline, core: Core, messenger: RecordingMessenger
) -> None:
    await meets_wednesdays(group)
    await group("bob", "/lead @carol Acme Builders -- new offices")
    messenger.clear()

    # the process is down from Monday morning to Thursday noon
    clock.set(sast(2026, 12, 3, 12))
    await core.run_due(clock.now())

    assert [(s.to, s.text.splitlines()[0]) for s in messenger.sent] == [
        (
            GENERAL,
            "📊 This week at Breakfast Club: 0 referrals, 1 lead, R0,00 closed business, 0 1-2-1s.",
        )
    ]
    assert states(await due_rows(core, meeting(2026, 12, 2))) == {
        EVENING: "dropped",
        NUDGE: "dropped",
        BEFORE_ROW: "dropped",
        RECAP: "done",
    }
    assert await core.run_due(clock.now()) == 0
    assert len(messenger.sent) == 1

    outs = await timeline.run_until(sast(2026, 12, 10))
    assert schedule(outs) == [
        ("Tue 2026-12-08 18:00", EVENING),
        ("Wed 2026-12-09 06:00", SOON),
        ("Wed 2026-12-09 09:00", RECAP),
    ]


async def test_back_after_the_hour_before_reminder_was_due_only_that_one_goes_out(
    group: Chat, clock: FakeClock, core: Core, messenger: RecordingMessenger
) -> None:
    await meets_wednesdays(group)
    messenger.clear()
    clock.set(sast(2026, 12, 2, 6, 10))  # down since Monday; back ten past six on Wednesday

    await core.run_due(clock.now())

    assert [s.message.kind for s in messenger.sent] == [SOON]
    assert states(await due_rows(core, meeting(2026, 12, 2)))[EVENING] == "dropped"


async def test_back_overnight_the_evening_reminder_still_goes_out_before_the_hour_before(
    group: Chat, clock: FakeClock, core: Core, messenger: RecordingMessenger
) -> None:
    await meets_wednesdays(group)
    messenger.clear()
    clock.set(sast(2026, 12, 2, 5, 30))  # down since Monday; back at half past five

    await core.run_due(clock.now())

    assert [s.message.kind for s in messenger.sent] == [EVENING]
    assert states(await due_rows(core, meeting(2026, 12, 2)))[EVENING] == "done"


async def test_with_no_hour_before_reminder_a_late_evening_one_goes_out_until_the_meeting(
    group: Chat, clock: FakeClock, core: Core, messenger: RecordingMessenger
) -> None:
    await meets_wednesdays(group)
    await done(group, "alice", "/rapport settings reminder before off")
    messenger.clear()
    clock.set(sast(2026, 12, 2, 6, 50))  # down since Monday; back ten minutes before the meeting

    await core.run_due(clock.now())

    assert [s.message.kind for s in messenger.sent] == [EVENING]
    assert states(await due_rows(core, meeting(2026, 12, 2)))[BEFORE_ROW] == "cancelled"


async def test_a_recap_more_than_six_days_late_is_dropped(
    group: Chat, clock: FakeClock, core: Core, messenger: RecordingMessenger
) -> None:
    await meets_wednesdays(group)
    messenger.clear()
    clock.set(sast(2026, 12, 8, 9, 1))  # the recap was due Wednesday 2 December 09:00

    await core.run_due(clock.now())

    assert [s.message.kind for s in messenger.sent if s.message.kind == RECAP] == []
    assert states(await due_rows(core, meeting(2026, 12, 2)))[RECAP] == "dropped"


async def test_after_ten_days_down_the_weekly_chain_still_continues(
    group: Chat, clock: FakeClock, timeline: Timeline, core: Core
) -> None:
    await meets_wednesdays(group)
    # down from Monday 30 November to Thursday 10 December: two meetings passed
    clock.set(sast(2026, 12, 10, 12))
    await core.run_due(clock.now())

    outs = await timeline.run_until(sast(2026, 12, 19))

    assert schedule(outs) == [
        ("Tue 2026-12-15 18:00", EVENING),
        ("Wed 2026-12-16 06:00", SOON),
        ("Wed 2026-12-16 09:00", RECAP),
    ]


# --- crashes and a second process -------------------------------------------------------------
@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "rapport.db"


@pytest.fixture
async def repo(db_path: Path) -> AsyncIterator[SqliteRepository]:
    """The conftest's repository, on a file a second connection can open."""
    r = await SqliteRepository.open(str(db_path))
    yield r
    await r.close()


def execute(path: Path, sql: str, args: tuple[object, ...] = ()) -> None:
    with closing(sqlite3.connect(path)) as db:
        db.execute(sql, args)
        db.commit()


async def test_two_dispatchers_on_one_database_send_each_of_200_reminders_exactly_once(
    db_path: Path, repo: SqliteRepository, clock: FakeClock, settings: Settings
) -> None:
    setup_messenger = RecordingMessenger()
    setup_core = Core(repo, setup_messenger, clock, FakeResolver(), settings)
    rooms = [channel(f"room{i}") for i in range(200)]
    for i, room in enumerate(rooms):
        chat = Chat(setup_core, room)
        await chat("alice", f"/rapport setup Chapter {i}")
        await done(chat, "alice", "/rapport meeting set wed 07:00")
    clock.set(sast(2026, 12, 1, 18))

    other_repo = await SqliteRepository.open(str(db_path))
    try:
        one, two = RecordingMessenger(), RecordingMessenger()
        core_one = Core(repo, one, clock, FakeResolver(), settings)
        core_two = Core(other_repo, two, clock, FakeResolver(), settings)
        counts = await asyncio.gather(core_one.run_due(clock.now()), core_two.run_due(clock.now()))
        again = await asyncio.gather(core_one.run_due(clock.now()), core_two.run_due(clock.now()))
    finally:
        await other_repo.close()

    sent = one.sent + two.sent
    assert sorted(s.to.channel_id for s in sent) == sorted(r.channel_id for r in rooms)
    assert {s.message.kind for s in sent} == {EVENING}
    for s in sent:
        number = s.to.channel_id.removeprefix("room")
        assert s.text.startswith(f"📅 Reminder: Chapter {number} meets Wed 2 Dec 07:00.")
    assert sum(counts) == 200
    assert list(again) == [0, 0]
    with closing(sqlite3.connect(db_path)) as db:
        got = dict(
            db.execute(
                "SELECT state, COUNT(*) FROM due_work WHERE occurrence = '2026-12-02T05:00:00Z'"
                " AND kind IN ('reminder.evening', 'nudge.accountability') GROUP BY state"
            ).fetchall()
        )
        outbox = db.execute("SELECT state, COUNT(*) FROM outbox GROUP BY state").fetchall()
    assert got == {"done": 400}
    assert dict(outbox) == {"sent": 200 + 200 + 200}  # setup, meeting set, reminder


async def test_a_row_left_running_by_a_crashed_process_is_reclaimed_after_five_minutes(
    chapter: Chat, db_path: Path, clock: FakeClock, core: Core, messenger: RecordingMessenger
) -> None:
    clock.set(sast(2027, 1, 1, 9, 30))  # the first of the month's recap and suggestions
    await core.run_due(clock.now())
    clock.set(sast(2027, 1, 5, 18))
    now = int(clock.now().timestamp())
    messenger.clear()
    # a process that died an hour ago holds the evening reminder; a live one claimed the
    # accountability nudges a minute ago
    execute(
        db_path,
        "UPDATE due_work SET state = 'running', claimed_at = ? WHERE kind = 'reminder.evening'",
        (now - 3600,),
    )
    execute(
        db_path,
        "UPDATE due_work SET state = 'running', claimed_at = ? WHERE kind = 'nudge.accountability'",
        (now - 60,),
    )

    assert await core.run_due(clock.now()) == 1
    assert [(s.to, s.message.kind) for s in messenger.sent] == [(GENERAL, EVENING)]

    clock.advance(minutes=3, seconds=59)
    assert await core.run_due(clock.now()) == 0
    clock.advance(seconds=2)  # the live claim is now more than five minutes old
    assert await core.run_due(clock.now()) == 3
    clock.advance(minutes=10)
    assert await core.run_due(clock.now()) == 0

    assert [s.message.kind for s in messenger.sent].count(EVENING) == 1
    assert sorted(s.to.user_id for s in messenger.sent if s.message.kind == NUDGE) == [
        "alice",
        "carol",
        "erin",
    ]
    rows = await due_rows(core, meeting(2027, 1, 6))
    assert states(rows)[EVENING] == "done"
    assert states(rows)[NUDGE] == "done"


async def test_a_process_that_lost_its_claim_sends_nothing_for_it(
    group: Chat, clock: FakeClock, core: Core, repo: SqliteRepository, messenger: RecordingMessenger
) -> None:
    await meets_wednesdays(group)
    messenger.clear()
    clock.set(sast(2026, 12, 1, 18))
    # a slow process claims the evening reminder and stalls for six minutes
    ts = int(clock.now().timestamp())
    async with repo.transaction() as tx:
        claimed = await tx.due.claim(ts, 10, ts - 300)
    [evening] = [i for i in claimed if i.kind == EVENING]
    clock.advance(minutes=6)
    assert await core.run_due(clock.now()) == 1  # this process takes the claims over
    assert [s.message.kind for s in messenger.sent] == [EVENING]

    # the slow process wakes up and finishes its copy: it must not send a second reminder
    await core._run_item(evening, clock.now())
    await core.deliver()

    assert [s.message.kind for s in messenger.sent] == [EVENING]
    assert states(await due_rows(core, meeting(2026, 12, 2)))[EVENING] == "done"
