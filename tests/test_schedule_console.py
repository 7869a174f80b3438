"""Issue 12's cases, each played on the console and read off its transcript: a meeting in
the hour the clocks go back, today's meeting moved, the group's zone moved west, quiet hours
that end inside a repeated hour, and a wall clock that jumps (`:jump`, as NTP sets it).

A transcript says when things went out with its `-- now` lines; `sent()` pairs every channel
post and DM with the `-- now` line above it."""

from __future__ import annotations

import io
import sys
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from adapters.console.clock import ConsoleClock
from adapters.console.runner import Console, ConsoleMessenger, ConsoleResolver, main
from bot.app import build
from bot.config import Settings
from bot.model import UserRef
from bot.out import OutMessage
from bot.ports import DeliveryError

EVENING = "📅 Reminder"
SOON = "⏰ Starting soon"
RECAP = "📊 This week"
MONTHLY = "📈 "
MEETING_WORK = (EVENING, SOON, RECAP)

SETUP = """\
alice> /rapport setup Breakfast Club
alice> /rapport join Commercial insurance
bob> /rapport join Residential plumbing
"""


async def play(settings: Settings, tmp_path: Path, script: str, *, now: str, tz: str) -> str:
    path = tmp_path / "script.txt"
    path.write_text(script, encoding="utf-8")
    out = io.StringIO()
    db = str(tmp_path / "x.db")
    assert await main(settings, db=db, script=str(path), now=now, tz=tz, out=out) == 0
    return out.getvalue()


def sent(transcript: str, *starts: str) -> list[tuple[str, str]]:
    """(the `-- now` moment above it, whom and how it starts) for every post and DM whose
    text starts with one of `starts`: ("Tue 2027-01-12 18:00", "#general 📅 Reminder")."""
    out = []
    moment = "(before the clock moved)"
    for line in transcript.splitlines():
        if line.startswith("-- now "):
            moment = line.removeprefix("-- now ").rsplit(" (", 1)[0]
        elif line.startswith(("[#general] ", "[DM @")):
            where, _, text = line[1:].partition("] ")
            for start in starts:
                if text.startswith(start):
                    out.append((moment, f"{where} {start}"))
    return out


def meeting_posts(transcript: str) -> list[tuple[str, str]]:
    return [(at, what.removeprefix("#general ")) for at, what in sent(transcript, *MEETING_WORK)]


# --- 1. a meeting in the hour the clocks go back ------------------------------------------------
FALL_BACK = {
    # zone, the Sunday its clocks go back (2027), the meeting's time: it occurs twice that day
    "new-york": ("America/New_York", "2027-11-07", "01:30"),
    "london": ("Europe/London", "2027-10-31", "01:30"),
    "lord-howe": ("Australia/Lord_Howe", "2027-04-04", "01:45"),
    "chatham": ("Pacific/Chatham", "2027-04-04", "03:00"),
    "casablanca": ("Africa/Casablanca", "2027-02-07", "02:30"),
}


@pytest.mark.parametrize("zone, sunday, at", FALL_BACK.values(), ids=FALL_BACK.keys())
async def test_after_a_meeting_in_a_repeated_hour_the_reminders_and_recaps_go_on(
    settings: Settings, tmp_path: Path, zone: str, sunday: str, at: str
) -> None:
    day = date.fromisoformat(sunday)
    sundays = [day + timedelta(weeks=w) for w in (-1, 0, 1, 2)]
    script = SETUP + (
        f"alice> /rapport meeting set sun {at} {zone}\n"
        f":at {sundays[-1] + timedelta(days=1)} 12:00\n"
        "alice> /rapport meeting\n"
    )

    transcript = await play(
        settings, tmp_path, script, now=f"{sundays[0] - timedelta(days=3)} 12:00", tz=zone
    )

    posts = meeting_posts(transcript)
    # every Sunday: the evening reminder the day before, the hour-before one, and one recap
    assert [what for _, what in posts] == [EVENING, SOON, RECAP] * 4
    for n, sunday_n in enumerate(sundays):
        evening, _, recap = posts[3 * n : 3 * n + 3]
        assert evening[0] == f"{sunday_n - timedelta(days=1):%a %Y-%m-%d} 18:00"
        assert recap[0].startswith(f"{sunday_n:%a %Y-%m-%d}")
    reminders = [line for line in transcript.splitlines() if line.startswith("[#general] 📅")]
    assert [r.split(" meets ")[1] for r in reminders] == [
        f"{s:%a} {s.day} {s:%b} {at}." for s in sundays
    ]
    following = sundays[-1] + timedelta(weeks=1)
    assert transcript.rstrip().endswith(
        f"Next meeting: {following:%a} {following.day} {following:%b} {at}."
    )


# --- 2. moving today's meeting ------------------------------------------------------------------
LONDON_WEDNESDAY = SETUP + "alice> /rapport meeting set wed 07:00 Europe/London\n"
MOVES = {
    # at 06:30 (the hour-before reminder went at 06:00) to 19:00 the same day
    "to-19:00-at-06:30": (
        ":at 2027-01-13 06:30\nalice> /rapport meeting set wed 19:00\n",
        [
            ("Tue 2027-01-12 18:00", EVENING),
            ("Wed 2027-01-13 06:00", SOON),
            ("Wed 2027-01-13 18:00", SOON),
            ("Wed 2027-01-13 21:00", RECAP),
        ],
    ),
    "to-19:00-at-05:00": (
        ":at 2027-01-13 05:00\nalice> /rapport meeting set wed 19:00\n",
        [
            ("Tue 2027-01-12 18:00", EVENING),
            ("Wed 2027-01-13 18:00", SOON),
            ("Wed 2027-01-13 21:00", RECAP),
        ],
    ),
    "to-06:30-at-05:30": (
        ":at 2027-01-13 05:30\nalice> /rapport meeting set wed 06:30\n",
        [
            ("Tue 2027-01-12 18:00", EVENING),
            ("Wed 2027-01-13 05:30", SOON),
            ("Wed 2027-01-13 08:30", RECAP),
        ],
    ),
    # the meeting at 07:00 was held; the group's zone moves to Los Angeles, 07:00 there
    "to-los-angeles-at-08:00": (
        ":at 2027-01-13 08:00\nalice> /rapport meeting set wed 07:00 America/Los_Angeles\n",
        [
            ("Tue 2027-01-12 18:00", EVENING),
            ("Wed 2027-01-13 06:00", SOON),
            ("Wed 2027-01-13 09:00", RECAP),  # the London meeting's
            ("Wed 2027-01-13 14:00", SOON),  # 06:00 in Los Angeles
            ("Wed 2027-01-13 17:00", RECAP),  # 09:00 in Los Angeles
        ],
    ),
}


@pytest.mark.parametrize("move, expected", MOVES.values(), ids=MOVES.keys())
async def test_moving_todays_meeting_moves_its_reminder_and_recap_with_it(
    settings: Settings, tmp_path: Path, move: str, expected: list[tuple[str, str]]
) -> None:
    script = LONDON_WEDNESDAY + move + ":at 2027-01-14 12:00\n"

    transcript = await play(settings, tmp_path, script, now="2027-01-11 12:00", tz="Europe/London")

    assert meeting_posts(transcript) == expected


# --- 3. monthly work after the group's zone moves west ------------------------------------------
WEST = {
    "utc-to-new-york": (
        "UTC",
        "America/New_York",
        [
            "Mon 2027-02-01 14:00",
            "Mon 2027-03-01 14:00",
            "Thu 2027-04-01 13:00",
            "Sat 2027-05-01 13:00",
        ],
    ),
    "london-to-los-angeles": (
        "Europe/London",
        "America/Los_Angeles",
        [
            "Mon 2027-02-01 17:00",
            "Mon 2027-03-01 17:00",
            "Thu 2027-04-01 17:00",
            "Sat 2027-05-01 17:00",
        ],
    ),
}


@pytest.mark.parametrize("home, west, expected", WEST.values(), ids=WEST.keys())
async def test_after_the_zone_moves_west_every_month_gets_its_recap_at_0900_there(
    settings: Settings,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    home: str,
    west: str,
    expected: list[str],
) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # the recap as text: no chart drawn
    script = SETUP + f"alice> /rapport meeting set wed 07:00 {west}\n:at 2027-05-02 00:00\n"

    transcript = await play(settings, tmp_path, script, now="2027-01-02 12:00", tz=home)

    assert sent(transcript, MONTHLY) == [(at, f"#general {MONTHLY}") for at in expected]


# --- 4. quiet hours that end inside the repeated hour -------------------------------------------
async def test_a_follow_up_due_in_the_second_pass_of_a_repeated_hour_goes_at_once(
    settings: Settings, tmp_path: Path
) -> None:
    """bob's quiet hours are 21:00-01:30 in Los Angeles. On 7 November 2027, 01:00-02:00
    comes twice: the night's quiet hours end at the first 01:30 (08:30Z). A follow-up due at
    the first 01:15 waits for it; one due at the second 01:15 (09:15Z) is after that night's
    quiet hours, and goes at once."""
    script = SETUP + (
        "bob> /rapport profile quiet 21:00-01:30\n"
        ":at 2027-11-06 21:15\n"
        "alice> /referral @bob Jane Roe jane@roe.example -- a new roof heat:5\n"
        ":at 2027-11-06 22:15\n"
        "alice> /referral @bob John Doe john@doe.example -- a geyser heat:5\n"
        ":at 2027-11-07 03:00\n"
    )

    transcript = await play(
        settings, tmp_path, script, now="2027-11-06 12:00", tz="America/Los_Angeles"
    )

    assert sent(transcript, "Follow up now") == [
        ("Sun 2027-11-07 01:30", "DM @bob Follow up now"),  # 08:30Z, the end of the night
        ("Sun 2027-11-07 01:15", "DM @bob Follow up now"),  # 09:15Z: due then, sent then
    ]
    nudges = [line for line in transcript.splitlines() if line.startswith("[DM @bob] Follow")]
    assert "Jane Roe (#1)" in nudges[0] and "John Doe (#2)" in nudges[1]


# --- 5. a wall clock that jumps ------------------------------------------------------------------
class FlakyConsoleMessenger(ConsoleMessenger):
    """The console's messenger, whose platform refuses the next `failures` DMs."""

    def __init__(self, failures: int) -> None:
        super().__init__()
        self.failures = failures

    async def send_dm(self, to: UserRef, message: OutMessage, **kw: Any) -> None:
        if self.failures:
            self.failures -= 1
            raise DeliveryError("platform unavailable")
        await super().send_dm(to, message, **kw)


async def play_flaky(settings: Settings, tmp_path: Path, lines: str, *, now: str, tz: str) -> str:
    """`play`, with the first DM refused by the platform."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    clock = ConsoleClock(datetime.strptime(now, "%Y-%m-%d %H:%M").replace(tzinfo=ZoneInfo(tz)))
    messenger = FlakyConsoleMessenger(failures=1)
    app = await build(
        settings,
        messenger=messenger,
        resolver=ConsoleResolver(),
        clock=clock,
        database=str(tmp_path / "x.db"),
    )
    out = io.StringIO()
    try:
        await Console(app, messenger, clock, tz, out).run(lines.splitlines())
    finally:
        await app.close()
    return out.getvalue()


async def test_a_retry_waits_its_delay_even_when_the_clock_is_set_back_an_hour(
    settings: Settings, tmp_path: Path
) -> None:
    """bob's DM fails at 10:00 and is to be tried again 30 s later. The clock is set back an
    hour: it still goes about half a minute later, not when the clock shows 10:00:30 again."""
    script = SETUP + (
        "alice> /referral @bob Jane Roe jane@roe.example -- a new roof\n"
        ":jump -1h\n"
        ":advance 1m\n"
        ":advance 2h\n"
    )

    transcript = await play_flaky(
        settings, tmp_path, script, now="2027-01-12 10:00", tz="Europe/London"
    )

    assert sent(transcript, "@alice passed you") == [
        ("Tue 2027-01-12 09:00", "DM @bob @alice passed you")
    ]
    lines = transcript.splitlines()
    assert (
        lines.index("-- now Tue 2027-01-12 09:00 (Europe/London)")
        < next(n for n, line in enumerate(lines) if line.startswith("[DM @bob]"))
        < lines.index("-- now Tue 2027-01-12 09:01 (Europe/London)")
    )


async def test_newest_first_is_the_order_referrals_were_logged_whatever_the_clock_said(
    settings: Settings, tmp_path: Path
) -> None:
    """The same, played on the console, whose `:jump` sets the clock back between the two
    referrals: listed by the time they were logged, #1 would come first (checked: it fails
    with `ORDER BY created_at DESC`). tests/test_referral_loop.py checks each list in the core."""
    script = SETUP + (
        "alice> /referral @bob Jane Roe jane@roe.example -- a new roof\n"
        ":jump -1h\n"
        "alice> /referral @bob John Doe john@doe.example -- a geyser\n"
        "alice> /referrals\n"
        "bob> /referrals received\n"
    )

    transcript = await play(settings, tmp_path, script, now="2027-01-12 10:00", tz="Europe/London")

    listed = [line.strip() for line in transcript.splitlines() if line.strip().startswith("#")]
    assert [line.split()[0] for line in listed] == ["#2", "#1", "#2", "#1"]


async def test_a_day_forward_then_corrected_the_real_meeting_still_gets_its_reminders_and_recap(
    settings: Settings, tmp_path: Path
) -> None:
    """Tuesday 10:00, the clock jumps a day: the Wednesday meeting looks over, its reminders
    are dropped as late and its recap goes out (nothing can tell, then). The clock is put
    right: the meeting is still to come, so its reminders go at their times after all, and a
    recap after it really ended."""
    script = LONDON_WEDNESDAY + ":jump +1d\n:jump -1d\n:at 2027-01-14 12:00\n"

    transcript = await play(settings, tmp_path, script, now="2027-01-12 10:00", tz="Europe/London")

    assert meeting_posts(transcript) == [
        ("Wed 2027-01-13 10:00", RECAP),  # by the clock that had jumped
        ("Tue 2027-01-12 18:00", EVENING),
        ("Wed 2027-01-13 06:00", SOON),
        ("Wed 2027-01-13 09:00", RECAP),
        # and the week after goes on as planned
    ]


async def test_reminders_dropped_as_late_stay_dropped_when_the_meeting_really_passed(
    settings: Settings, tmp_path: Path
) -> None:
    script = LONDON_WEDNESDAY + ":jump +1d\n:jump -2h\n:at 2027-01-20 12:00\n"

    transcript = await play(settings, tmp_path, script, now="2027-01-12 10:00", tz="Europe/London")

    reminders = [(at, what) for at, what in meeting_posts(transcript) if what != RECAP]
    assert reminders == [("Tue 2027-01-19 18:00", EVENING), ("Wed 2027-01-20 06:00", SOON)]


async def test_a_meeting_moved_while_the_clock_was_ahead_gets_no_reminders_for_its_old_time(
    settings: Settings, tmp_path: Path
) -> None:
    script = LONDON_WEDNESDAY + (
        ":jump +1d\n"
        "alice> /rapport meeting set thu 07:00\n"
        ":jump -1d\n"
        ":at 2027-01-15 12:00\n"
    )

    transcript = await play(settings, tmp_path, script, now="2027-01-12 10:00", tz="Europe/London")

    assert meeting_posts(transcript) == [
        ("Wed 2027-01-13 10:00", RECAP),  # by the clock that had jumped
        ("Wed 2027-01-13 18:00", EVENING),
        ("Thu 2027-01-14 06:00", SOON),
        ("Thu 2027-01-14 09:00", RECAP),
    ]
