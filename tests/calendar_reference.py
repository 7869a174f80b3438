"""An independent calendar for Rapport's schedule, written from the README's rules on
`dateutil.rrule` and `dateutil.tz` (its own reading of the tz database), sharing no code with
`bot/`.

Local times become instants as RFC 5545 reads them: a time that occurs twice (the clocks go
back) is its first occurrence, a time that does not occur (they go forward) is read with the
offset from before the gap. A weekly meeting is an rrule, one occurrence a date; the admin's
skips are its exdates. Everything is UTC out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache

from dateutil import rrule
from dateutil import tz as dtz

EVENING = "reminder.evening"
BEFORE = "reminder.before"
RECAP = "recap.weekly"
ACCOUNTABILITY = "nudge.accountability"
# the leadership team's week: the presenter a week before and the evening before (at the
# evening reminder's time, 18:00 when it is off), the visitor host the evening before
PRESENTER_WEEK = "presenter.week_before"
PRESENTER_EVE = "presenter.day_before"
VISITORS_EXPECTED = "visitors.expected"
MONTHLY = "recap.monthly"
SUGGEST = "suggest.one_to_one"


@cache
def zone(name: str) -> dtz.tzfile:
    z = dtz.gettz(name)
    assert z is not None, f"dateutil does not know {name}"
    return z


def instant(local: datetime, name: str) -> datetime:
    """A naive local time in zone `name` as an instant (RFC 5545)."""
    aware = local.replace(tzinfo=zone(name), fold=0)  # fold=0: the first of a repeated time
    if not dtz.datetime_exists(aware):
        aware = dtz.resolve_imaginary(aware)  # moved forward by the gap: the earlier offset
    return aware.astimezone(UTC)


def local(at: datetime, name: str) -> datetime:
    """An instant as a naive local time in zone `name`."""
    return at.astimezone(zone(name)).replace(tzinfo=None)


def hm(value: str) -> tuple[int, int]:
    h, m = value.split(":")
    return int(h), int(m)


@dataclass(frozen=True)
class SetUp:
    """A group's week as the admin set it, and the group's reminder settings."""

    zone: str
    weekday: int  # 0 = Monday
    at: str  # "HH:MM"
    evening: str = "18:00"  # "" = off
    hours_before: int = 1  # 0 = off
    recap_hours: int = 2
    skips: tuple[date, ...] = ()


def meetings(s: SetUp, after: datetime, until: datetime) -> list[tuple[date, datetime]]:
    """The meetings held in (after, until], skipped dates left out: each one's date and
    instant."""
    h, m = hm(s.at)
    start = datetime.combine(local(after, s.zone).date() - timedelta(days=2), time(0))
    rules = rrule.rruleset()
    rules.rrule(
        rrule.rrule(
            rrule.WEEKLY,
            dtstart=start,
            byweekday=s.weekday,
            byhour=h,
            byminute=m,
            bysecond=0,
            until=local(until, s.zone) + timedelta(days=2),
        )
    )
    for day in s.skips:
        rules.exdate(datetime.combine(day, time(h, m)))
    held = ((occurrence.date(), instant(occurrence, s.zone)) for occurrence in rules)
    return [(day, at) for day, at in held if after < at <= until]


def meeting_work(s: SetUp, day: date, meeting: datetime) -> dict[str, datetime]:
    """When each piece of the work of the meeting held on `day` at `meeting` is due."""
    out: dict[str, datetime] = {}
    if s.evening:
        h, m = hm(s.evening)
        eve = day - timedelta(days=1)
        out[EVENING] = instant(datetime.combine(eve, time(h, m)), s.zone)
    if s.hours_before:
        out[BEFORE] = meeting - timedelta(hours=s.hours_before)
    out[RECAP] = meeting + timedelta(hours=s.recap_hours)
    out[ACCOUNTABILITY] = out.get(EVENING, meeting - timedelta(hours=24))
    h, m = hm(s.evening or "18:00")
    out[PRESENTER_WEEK] = instant(datetime.combine(day - timedelta(days=7), time(h, m)), s.zone)
    out[PRESENTER_EVE] = instant(datetime.combine(day - timedelta(days=1), time(h, m)), s.zone)
    out[VISITORS_EXPECTED] = out[PRESENTER_EVE]
    return out


def weekly_plan(s: SetUp, set_at: datetime, until: datetime) -> list[tuple[str, datetime]]:
    """Every piece of meeting work from a meeting set at `set_at`, due by `until`: work
    already due when the meeting was set is not done."""
    out = []
    for day, meeting in meetings(s, set_at, until + timedelta(days=8)):  # (a week ahead)
        for kind, due in meeting_work(s, day, meeting).items():
            if set_at <= due <= until:
                out.append((kind, due))
    return sorted(out, key=lambda x: (x[1], x[0]))


def monthly_plan(
    setup_at: datetime, setup_zone: str, name: str, until: datetime, grace: timedelta
) -> list[datetime]:
    """The monthly work of a group set up at `setup_at` in `setup_zone` (its first month
    chosen there, after the grace), then moved to zone `name`: 09:00 on each first, there."""
    firsts = rrule.rrule(
        rrule.MONTHLY,
        dtstart=datetime.combine(local(setup_at, setup_zone).date().replace(day=1), time(9)),
        bymonthday=1,
        byhour=9,
        byminute=0,
        bysecond=0,
    )
    first = next(m for m in firsts if instant(m, setup_zone) > setup_at + grace)
    every = rrule.rrule(rrule.MONTHLY, dtstart=first, bymonthday=1, byhour=9, byminute=0)
    last = local(until, name) + timedelta(days=1)
    held = (instant(m, name) for m in every.between(first, last, inc=True))
    return [at for at in held if at <= until]


# --- quiet hours -------------------------------------------------------------------------------
def quiet_end(window: str, name: str, at: datetime) -> datetime | None:
    """The end of the quiet hours containing `at`, if any. A night's quiet hours run from
    its start time to its end time that day, or the next day when the end is the earlier
    time of day (21:00-07:00); a night whose end comes no later than its start (the hour the
    clocks skip) has none."""
    (sh, sm), (eh, em) = (hm(x) for x in window.split("-"))
    overnight = (eh, em) <= (sh, sm)
    first = datetime.combine(local(at, name).date() - timedelta(days=2), time(sh, sm))
    for night in rrule.rrule(rrule.DAILY, dtstart=first, count=4):
        begins = instant(night, name)
        ends = datetime.combine(night.date() + timedelta(days=overnight), time(eh, em))
        finish = instant(ends, name)
        if begins <= at < finish:
            return finish
    return None


def goes_at(window: str, name: str, due: datetime) -> datetime:
    """When a DM due at `due` reaches someone with these quiet hours."""
    return quiet_end(window, name, due) or due


@cache
def transitions(name: str, year: int) -> tuple[datetime, ...]:
    """The instants in `year` when the zone's offset changes, to the minute (a day at a
    time, then halving the day it changed in)."""

    def offset(at: datetime) -> timedelta | None:
        return at.astimezone(zone(name)).utcoffset()

    out = []
    day = datetime(year, 1, 1, tzinfo=UTC)
    while day.year == year:
        after = day + timedelta(days=1)
        if offset(day) != offset(after):
            lo, hi = day, after  # offset(lo) is the old one, offset(hi) the new
            while hi - lo > timedelta(minutes=1):
                mid = lo + (hi - lo) / 2
                lo, hi = (mid, hi) if offset(mid) == offset(lo) else (lo, mid)
            out.append(hi.replace(second=0, microsecond=0))
        day = after
    return tuple(out)
