"""When things happen: meeting times, week and quarter boundaries, quiet hours. Pure functions.

Next fire times come from APScheduler's CronTrigger with zoneinfo, which keeps a 07:00
meeting at 07:00 local across daylight-saving changes.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from apscheduler.triggers.cron import CronTrigger

from bot.model import Meeting

_DOW = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


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


def meeting_trigger(meeting: Meeting) -> CronTrigger:
    hour, minute = (int(x) for x in meeting.time.split(":"))
    return CronTrigger(
        day_of_week=_DOW[meeting.weekday], hour=hour, minute=minute, timezone=ZoneInfo(meeting.tz)
    )


def next_meeting(
    meeting: Meeting,
    after: datetime,
    skips: set[str] = frozenset(),  # type: ignore[assignment]
    inclusive: bool = False,
) -> datetime | None:
    """The first meeting strictly after `after` (or at it, when inclusive), skipping the
    dates the admin skipped. UTC."""
    trigger = meeting_trigger(meeting)
    start = after if inclusive else after + timedelta(microseconds=1)
    at = trigger.get_next_fire_time(None, start)
    for _ in range(60):  # a year of skipped weeks is more than any group skips
        if at is None:
            return None
        if local_date(at, meeting.tz).isoformat() not in skips:
            return at.astimezone(UTC)
        at = trigger.get_next_fire_time(at, at + timedelta(seconds=1))
    return None


def local_date(at: datetime, tz: str) -> date:
    return at.astimezone(ZoneInfo(tz)).date()


def local_midnight(day: date, tz: str) -> datetime:
    return datetime.combine(day, time(0), ZoneInfo(tz)).astimezone(UTC)


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
