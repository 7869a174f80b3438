"""Rapport's schedule, instant by instant, against an independent calendar.

`tests/calendar_reference.py` reads the README's rules with `dateutil.rrule` and
`dateutil.tz`: a weekly meeting happens once on its date (the first occurrence of a repeated
local time; a skipped one read with the offset from before the gap), its reminders, recap
and accountability nudges hang off it, the month's work is at 09:00 on the first, and a DM
due in someone's quiet hours waits for the end of the night it falls in.

Zones are a seeded sample of `zoneinfo.available_timezones()` with the ones that broke the
chain before (a repeated hour in New York, London, Lord Howe's half hour, Chatham, Casablanca's
Ramadan change) always in. The planning functions are compared over three years for many
drawn set-ups; the whole chain, through the real core on SQLite with the clock stepped to
every due instant, for the named set-ups and a few drawn ones."""

from __future__ import annotations

import random
import sys
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import available_timezones

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from bot import due
from bot.config import PrivacySettings, Settings
from bot.model import Group, Meeting, Member, UserRef
from bot.schedule import is_timezone, meeting_date, next_meeting
from bot.service import Core
from storage.sqlite import SqliteRepository
from tests import calendar_reference as ref
from tests.calendar_reference import SetUp
from tests.conftest import Chat
from tests.fakes import FakeClock, FakeResolver, RecordingMessenger, channel

NAMED = (
    "Africa/Casablanca",
    "America/Los_Angeles",
    "America/New_York",
    "America/Sao_Paulo",
    "Asia/Kolkata",
    "Australia/Lord_Howe",
    "Australia/Sydney",
    "Europe/London",
    "Pacific/Chatham",
)
OTHERS = sorted(z for z in available_timezones() if is_timezone(z) and z not in NAMED)
ZONES = sorted((*NAMED, *random.Random(20270101).sample(OTHERS, 24)))
THREE_YEARS = timedelta(days=3 * 365 + 1)
NEW_GROUP_GRACE = timedelta(days=28)  # the README: monthly work from a group's second month

CHECKED = settings(
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

WEEKDAYS = st.integers(0, 6)
# the hours the clocks change in, and any other
HOURS = st.one_of(st.integers(0, 3), st.integers(0, 23))
MINUTES = st.sampled_from([0, 15, 30, 45, 59])
LOCAL_TIMES = st.builds(lambda h, m: f"{h:02d}:{m:02d}", HOURS, MINUTES)
STARTS = st.datetimes(
    min_value=datetime(2026, 12, 1), max_value=datetime(2027, 12, 31), timezones=st.just(UTC)
).map(lambda at: at.replace(second=0, microsecond=0))
EVENINGS = st.sampled_from(["18:00", "", "01:30", "02:30", "23:45"])


def set_up_with_skips(s: SetUp, start: datetime, picks: list[int]) -> SetUp:
    """The set-up with the meetings the admin skipped: picked among those to come."""
    held = ref.meetings(s, start, start + THREE_YEARS)
    return replace(s, skips=tuple(sorted({held[i % len(held)][0] for i in picks})))


# --- the planning functions, over three years ----------------------------------------------------
@settings(CHECKED, max_examples=120)
@given(
    zone=st.sampled_from(ZONES),
    weekday=WEEKDAYS,
    at=LOCAL_TIMES,
    start=STARTS,
    picks=st.lists(st.integers(0, 200), max_size=3),
    evening=EVENINGS,
    hours_before=st.sampled_from([0, 1, 3]),
    recap_hours=st.sampled_from([0, 2, 5]),
)
def test_every_meeting_and_its_work_for_three_years_is_where_the_calendar_puts_it(
    zone: str,
    weekday: int,
    at: str,
    start: datetime,
    picks: list[int],
    evening: str,
    hours_before: int,
    recap_hours: int,
) -> None:
    s = set_up_with_skips(
        SetUp(zone, weekday, at, evening, hours_before, recap_hours), start, picks
    )
    until = start + THREE_YEARS
    expected = [(day, m, ref.meeting_work(s, day, m)) for day, m in ref.meetings(s, start, until)]

    meeting = Meeting(weekday, at, zone)
    sched = due.GroupSchedule(evening, hours_before, recap_hours, accountability=True)
    skips = {d.isoformat() for d in s.skips}
    got = []
    after = start
    while (held := next_meeting(meeting, after, skips)) is not None and held <= until:
        day = meeting_date(meeting, held)
        got.append((day, held, due.meeting_times(sched, held, zone, day)))
        after = held

    assert got == expected
    assert len(got) >= 150  # three years of weeks, less a few skips: the chain never ended


@settings(CHECKED, max_examples=60)
@given(zone=st.sampled_from(ZONES), year=st.integers(2027, 2030))
def test_the_months_work_is_at_0900_on_the_first_where_the_calendar_puts_it(
    zone: str, year: int
) -> None:
    for month in range(1, 13):
        first = date(year, month, 1)
        assert due.month_at(first, zone) == ref.instant(datetime(year, month, 1, 9), zone)


# --- quiet hours across the nights the clocks change -----------------------------------------
WINDOWS = st.builds(
    lambda a, b: f"{a}-{b}",
    st.sampled_from(["21:00", "22:30", "00:00", "01:00", "01:30", "02:00", "02:30", "12:00"]),
    st.sampled_from(["07:00", "01:30", "01:15", "02:15", "03:00", "00:30", "14:00"]),
).filter(lambda w: w.split("-")[0] != w.split("-")[1])


def near_a_change(zone: str, year: int, pick: int, minutes: int) -> datetime:
    """An instant within a day and a half of one of the zone's offset changes (or any day of
    the year in a zone without any)."""
    changes = ref.transitions(zone, year)
    if not changes:
        return datetime(year, 1, 1, tzinfo=UTC) + timedelta(days=pick % 365, minutes=minutes)
    return changes[pick % len(changes)] + timedelta(minutes=minutes - 36 * 60)


def member(window: str, zone: str) -> tuple[Member, Group]:
    who = UserRef("test", "w1", "bob", "bob")
    group = Group(1, "test", "w1", "general", "#general", "G", "UTC", "USD", None, 0)
    return Member(1, 1, who, None, None, None, zone, window, True, False, True, 0), group


@settings(CHECKED, max_examples=300)
@given(
    zone=st.sampled_from(ZONES),
    window=WINDOWS,
    year=st.integers(2027, 2030),
    pick=st.integers(0, 400),
    minutes=st.integers(0, 72 * 60).map(lambda m: m - m % 5),
)
@example(  # the issue's case: the second pass of 01:15 on Los Angeles' fall-back night
    zone="America/Los_Angeles", window="21:00-01:30", year=2027, pick=1, minutes=36 * 60 + 15
)
@example(  # Morocco's Ramadan change (03:00 → 02:00, "negative DST"), which dateutil 2.x misread
    zone="Africa/Casablanca", window="21:00-03:00", year=2027, pick=0, minutes=1740
)
def test_a_dm_in_quiet_hours_waits_for_the_end_of_the_night_it_falls_in(
    zone: str, window: str, year: int, pick: int, minutes: int
) -> None:
    at = near_a_change(zone, year, pick, minutes)
    m, group = member(window, zone)

    end = due.quiet_until(m, group, "21:00-07:00", at)

    assert end == ref.quiet_end(window, zone, at)
    assert end is None or end > at  # never deferred to a moment already past


def test_the_issues_case_is_in_the_second_pass_of_the_hour() -> None:
    """(So the example above is the case the issue names: 01:15 PST, 09:15Z, goes at once.)"""
    [_, fall_back] = ref.transitions("America/Los_Angeles", 2027)
    at = near_a_change("America/Los_Angeles", 2027, 1, 36 * 60 + 15)
    assert fall_back == datetime(2027, 11, 7, 9, 0, tzinfo=UTC)
    assert at == datetime(2027, 11, 7, 9, 15, tzinfo=UTC)
    m, group = member("21:00-01:30", "America/Los_Angeles")
    assert due.quiet_until(m, group, "21:00-07:00", at) is None
    first_pass = at - timedelta(hours=1)
    assert due.quiet_until(m, group, "21:00-07:00", first_pass) == datetime(
        2027, 11, 7, 8, 30, tzinfo=UTC
    )


# --- the whole chain, through the core ----------------------------------------------------------
class Week:
    """A core on SQLite with a clock stepped to every instant something is due, the way the
    console's :at moves it; notes when each message went out."""

    def __init__(self, core: Core, clock: FakeClock, messenger: RecordingMessenger) -> None:
        self.core, self.clock, self.messenger = core, clock, messenger
        self.out: list[tuple[str, datetime, str]] = []  # (kind, instant, to)

    async def run_until(self, until: datetime) -> None:
        seen = len(self.messenger.sent)
        while (at := await self.core.next_due()) is not None and at <= until:
            self.clock.set(max(at, self.clock.now()))
            await self.core.run_due(self.clock.now())
            for s in self.messenger.sent[seen:]:
                self.out.append((s.message.kind, self.clock.now(), getattr(s.to, "user_id", "#")))
            seen = len(self.messenger.sent)
            assert (after := await self.core.next_due()) is None or after > self.clock.now()


async def open_core(tmp_path: Path, start: datetime) -> tuple[Core, Week, SqliteRepository]:
    repo = await SqliteRepository.open(":memory:")
    clock = FakeClock(start)
    messenger = RecordingMessenger()
    privacy = PrivacySettings(files_dir=str(tmp_path / "files"))
    core = Core(repo, messenger, clock, FakeResolver(), Settings(privacy=privacy))
    return core, Week(core, clock, messenger), repo


async def group_work(core: Core, kinds: tuple[str, ...]) -> list[tuple[str, int, str]]:
    async with core.repo.transaction() as tx:
        rows = await tx._all(  # type: ignore[attr-defined]
            f"SELECT kind, due_at, state FROM due_work WHERE kind IN ({', '.join('?' * len(kinds))})"
            " ORDER BY due_at, kind",
            kinds,
        )
    return [(r["kind"], r["due_at"], r["state"]) for r in rows]


def setting_lines(s: SetUp) -> list[str]:
    return [
        f"/rapport settings reminder evening {s.evening or 'off'}",
        f"/rapport settings reminder before {s.hours_before or 'off'}",
        f"/rapport settings recap {s.recap_hours}",
    ]


DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
POSTED = {ref.EVENING: "reminder.evening", ref.BEFORE: "reminder.soon", ref.RECAP: "recap.weekly"}
NAMED_SETUPS = {
    # a meeting in the hour the clocks go back (01:30 occurs twice on 2027-11-07, ...)
    "new-york-sun-0130": (SetUp("America/New_York", 6, "01:30"), datetime(2027, 10, 1)),
    "london-sun-0130": (SetUp("Europe/London", 6, "01:30", evening="01:30"), datetime(2027, 3, 1)),
    "lord-howe-sun-0145": (SetUp("Australia/Lord_Howe", 6, "01:45"), datetime(2027, 3, 20)),
    "chatham-sun-0300": (SetUp("Pacific/Chatham", 6, "03:00", recap_hours=0), datetime(2027, 3, 1)),
    "casablanca-sun-0230": (SetUp("Africa/Casablanca", 6, "02:30"), datetime(2027, 1, 10)),
    # and in the hour they go forward (02:30 does not occur on 2027-03-14, ...)
    "new-york-sun-0230": (
        SetUp("America/New_York", 6, "02:30", hours_before=3),
        datetime(2027, 3, 1),
    ),
    "sydney-sun-0230": (
        SetUp("Australia/Sydney", 6, "02:30", evening="02:15"),
        datetime(2027, 9, 1),
    ),
}


async def play_chain(tmp_path: Path, s: SetUp, start: datetime, picks: list[int]) -> None:
    """Set a group up at `start` (in UTC, the config's default zone), set its settings and
    meeting, skip some meetings, and run three years: every planned instant and every
    reminder and recap posted are the calendar's."""
    start = start.replace(tzinfo=UTC)
    s = set_up_with_skips(s, start, picks)
    until = start + THREE_YEARS
    core, week, repo = await open_core(tmp_path, start)
    try:
        chat = Chat(core, channel())
        assert "set up" in await chat("alice", "/rapport setup Calendar Club")
        for line in setting_lines(s):
            assert "Saved" in await chat("alice", line), line
        meeting = f"/rapport meeting set {DAYS[s.weekday]} {s.at} {s.zone}"
        assert "Saved" in await chat("alice", meeting)
        for day in s.skips:
            assert "Skipped" in await chat("alice", f"/rapport meeting skip {day}")

        await week.run_until(until)

        weekly = ref.weekly_plan(s, start, until)
        months = ref.monthly_plan(start, "UTC", s.zone, until, NEW_GROUP_GRACE)
        expected = sorted(
            [(kind, int(at.timestamp()), "done") for kind, at in weekly]
            + [(k, int(at.timestamp()), "done") for at in months for k in due.MONTHLY_KINDS]
        )
        got = await group_work(core, (*due.MEETING_KINDS, *due.MONTHLY_KINDS))
        assert sorted(r for r in got if r[1] <= int(until.timestamp())) == expected
        assert [(k, at) for k, at, to in week.out if k in POSTED.values()] == [
            (POSTED[kind], at) for kind, at in weekly if kind in POSTED
        ]
        assert [at for k, at, _ in week.out if k == "recap.monthly"] == months
        # and the chain goes on: the next meeting's work is planned
        assert any(state == "pending" for k, _, state in got if k in due.MEETING_KINDS)
    finally:
        await repo.close()


@pytest.mark.parametrize("s, start", NAMED_SETUPS.values(), ids=NAMED_SETUPS.keys())
async def test_three_years_of_a_meeting_in_the_hour_the_clocks_change(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, s: SetUp, start: datetime
) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # the recap as text: no charts drawn
    await play_chain(tmp_path, s, start, [3, 60, 61])


@settings(CHECKED, max_examples=2)
@given(
    zone=st.sampled_from(ZONES),
    weekday=WEEKDAYS,
    at=LOCAL_TIMES,
    start=STARTS,
    picks=st.lists(st.integers(0, 200), max_size=3),
)
async def test_three_years_of_a_drawn_meeting_through_the_core(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    zone: str,
    weekday: int,
    at: str,
    start: datetime,
    picks: list[int],
) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    await play_chain(tmp_path, SetUp(zone, weekday, at), start.replace(tzinfo=None), picks)


# --- follow-ups across the nights the clocks change ----------------------------------------------
@settings(CHECKED, max_examples=20)
@given(
    zone=st.sampled_from(ZONES),
    window=WINDOWS,
    heat=st.integers(1, 5),
    year=st.integers(2027, 2030),
    pick=st.integers(0, 400),
    minutes=st.integers(0, 72 * 60).map(lambda m: m - m % 5),
)
async def test_follow_ups_wait_out_quiet_hours_where_the_calendar_says(
    tmp_path: Path, zone: str, window: str, heat: int, year: int, pick: int, minutes: int
) -> None:
    """A referral logged near a change of the clocks: each follow-up is due a delay after
    the last one went, and goes when the receiver's quiet hours that night end; after the
    last, the giver is told, after their own quiet hours."""
    start = near_a_change(zone, year, pick, minutes)
    nudges = Settings().nudges
    expected = []
    goes = ref.goes_at(window, zone, start + timedelta(hours=nudges.follow_up_hours[heat]))
    for _ in range(nudges.max_follow_ups):
        expected.append(("nudge.follow_up", goes, "bob"))
        goes = ref.goes_at(window, zone, goes + timedelta(hours=nudges.repeat_hours))
    expected.append(("nudge.not_contacted", goes, "alice"))

    core, week, repo = await open_core(tmp_path, start - timedelta(minutes=1))
    try:
        chat = Chat(core, channel())
        await chat("alice", "/rapport setup Calendar Club")
        await chat("alice", "/rapport join Insurance")
        await chat("bob", "/rapport join Plumbing")
        for who in ("alice", "bob"):
            assert "Saved" in await chat(who, f"/rapport profile tz {zone}")
            assert "Saved" in await chat(who, f"/rapport profile quiet {window}")
        week.clock.set(start)
        logged = await chat("alice", f"/referral @bob Jane Roe jane@roe.example heat:{heat}")
        assert "is logged" in logged

        await week.run_until(expected[-1][1] + timedelta(days=1))

        nudged = [o for o in week.out if o[0] in ("nudge.follow_up", "nudge.not_contacted")]
        assert nudged == expected
    finally:
        await repo.close()
