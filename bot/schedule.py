"""When things happen: meeting times, week and quarter boundaries, quiet hours. Pure functions.

A local time becomes an instant by the rule RFC 5545 gives calendars, which is also what
`zoneinfo` does with `fold=0` (PEP 495): a time that occurs twice (the hour the clocks go
back) is its first occurrence; a time that does not occur (the hour they go forward) is read
with the offset from before the gap, so 02:30 on a spring-forward night is 03:30 new time.
A 07:00 meeting thus stays at 07:00 local across daylight-saving changes, and a weekly
meeting happens once on its date, whatever hour the clocks change in.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.localtime import LocalTime
from bot.model import Meeting

SKIPS_LOOKED_PAST = 60  # weeks of skipped meetings looked past: more than any group skips


def is_timezone(name: object) -> bool:
    """An IANA Area/City zone (or UTC) that this machine's tz database knows."""
    if not isinstance(name, str) or ("/" not in name and name != "UTC"):
        return False
    try:
        ZoneInfo(name)
    except (
        ZoneInfoNotFoundError,
        ValueError,
        OSError,
    ):  # OSError: a folder like "America/Argentina"
        return False
    return True


def local_instant(day: date, at: time, tz: str) -> datetime:
    """The instant (UTC) of a wall-clock time on a local date: the first of a repeated time,
    and a skipped time read with the offset from before the gap."""
    return datetime.combine(day, at.replace(fold=0), ZoneInfo(tz)).astimezone(UTC)


def hhmm(value: str) -> time:
    """A stored "HH:MM" (a meeting's, a reminder's) as a time of day."""
    return LocalTime.parse(value).time()


def meeting_on(meeting: Meeting, day: date) -> datetime:
    """The instant of the meeting held on local date `day` (UTC)."""
    return local_instant(day, hhmm(meeting.time), meeting.tz)


def next_meeting(
    meeting: Meeting,
    after: datetime,
    skips: set[str] = frozenset(),  # type: ignore[assignment]
    inclusive: bool = False,
) -> datetime | None:
    """The first meeting strictly after `after` (or at it, when inclusive), skipping the
    dates the admin skipped. UTC. One meeting a date: APScheduler's CronTrigger fires twice
    on the date a repeated hour holds the meeting's time, so dates are walked here instead."""
    # the meeting on `after`'s local date the day before can still be ahead of it: a skipped
    # time read with the earlier offset lands a little later than its date suggests
    day = local_date(after, meeting.tz) - timedelta(days=1)
    day += timedelta(days=(meeting.weekday - day.weekday()) % 7)
    for _ in range(SKIPS_LOOKED_PAST):
        at = meeting_on(meeting, day)
        if (at > after or (inclusive and at == after)) and day.isoformat() not in skips:
            return at
        day += timedelta(days=7)
    return None


def meeting_date(meeting: Meeting, at: datetime) -> date:
    """The local date a meeting at instant `at` is held on: its own date even when a gap
    read with the earlier offset carries the instant past midnight (America/Nuuk's clocks
    go forward at 23:00)."""
    day = local_date(at, meeting.tz)
    for held in (day, day - timedelta(days=1)):
        if held.weekday() == meeting.weekday and meeting_on(meeting, held) == at:
            return held
    return day


def is_meeting(meeting: Meeting, at: datetime, skips: set[str] = frozenset()) -> bool:  # type: ignore[assignment]
    """Whether the group meets at instant `at`: its weekday and time, not skipped."""
    day = meeting_date(meeting, at)
    return (
        day.weekday() == meeting.weekday
        and meeting_on(meeting, day) == at
        and day.isoformat() not in skips
    )


def local_date(at: datetime, tz: str) -> date:
    return at.astimezone(ZoneInfo(tz)).date()


def local_midnight(day: date, tz: str) -> datetime:
    return local_instant(day, time(0), tz)


def week_bounds(now: datetime, tz: str) -> tuple[datetime, datetime]:
    """Monday 00:00 to the next Monday 00:00, in the group's time zone."""
    today = local_date(now, tz)
    monday = today - timedelta(days=today.weekday())
    return local_midnight(monday, tz), local_midnight(monday + timedelta(days=7), tz)


def quarter_bounds(now: datetime, tz: str) -> tuple[datetime, datetime]:
    today = local_date(now, tz)
    first_month = 3 * ((today.month - 1) // 3) + 1
    start = date(today.year, first_month, 1)
    end = date(today.year + (first_month == 10), (first_month + 2) % 12 + 1, 1)
    return local_midnight(start, tz), local_midnight(end, tz)


def meetings_between(
    meeting: Meeting,
    since: datetime,
    until: datetime,
    skips: set[str] = frozenset(),  # type: ignore[assignment]
) -> list[datetime]:
    """Every meeting held in [since, until), skipped dates left out. UTC."""
    out: list[datetime] = []
    at = next_meeting(meeting, since, skips, inclusive=True)
    while at is not None and at < until:
        out.append(at)
        at = next_meeting(meeting, at, skips)
    return out


def last_meeting(meeting: Meeting, now: datetime, skips: set[str] = frozenset()) -> datetime | None:  # type: ignore[assignment]
    """The latest meeting that has started by `now`, within the last five weeks."""
    held = meetings_between(meeting, now - timedelta(weeks=5), now + timedelta(seconds=1), skips)
    return held[-1] if held else None
