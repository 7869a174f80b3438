"""The weekly meeting as iCalendar (RFC 5545), built with the `icalendar` library.

One recurring event: DTSTART in the group's time zone (TZID, with its VTIMEZONE from the
zoneinfo database), RRULE weekly on the meeting's day, EXDATE for each skipped date, and a
UID derived from the group, so importing the file again updates the event instead of adding
a second one. A calendar app expands the rule in the zone, so 07:00 stays 07:00 across a
daylight-saving change.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar

from bot.model import Group, Meeting
from bot.schedule import hhmm, local_date

PRODID = "-//Rapport//Rapport weekly meeting//EN"
MEETING_LENGTH = timedelta(minutes=90)  # a breakfast meeting; calendars need an end
BYDAY = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def uid(group: Group) -> str:
    """The event's UID: from where the group lives (platform, workspace, channel) and its
    number, never from a feed's token, so it is the same in every file and in the feed."""
    key = f"{group.platform}:{group.workspace}:{group.channel_id}:{group.id}"
    return f"meeting-{hashlib.sha256(key.encode()).hexdigest()[:32]}@rapport"


def first_meeting(meeting: Meeting, since: date) -> date:
    """The first date on or after `since` that falls on the meeting's weekday."""
    return since + timedelta(days=(meeting.weekday - since.weekday()) % 7)


def meeting_calendar(group: Group, skips: Iterable[str], now: datetime) -> bytes:
    """The group's weekly meeting as an .ics file's bytes. `group.meeting` must be set.
    The series starts at the week the group was created in, so past skips still show."""
    meeting = group.meeting
    assert meeting is not None
    tz = ZoneInfo(meeting.tz)
    at = hhmm(meeting.time)
    created = local_date(datetime.fromtimestamp(group.created_at, tz), meeting.tz)
    start_day = first_meeting(meeting, created)
    start = datetime.combine(start_day, at, tz)

    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", f"{group.name} weekly meeting")
    event = icalendar.Event()
    event.add("uid", uid(group))
    event.add("dtstamp", now)
    event.add("summary", f"{group.name} weekly meeting")
    event.add("dtstart", start)
    event.add("dtend", start + MEETING_LENGTH)
    event.add("rrule", {"freq": "weekly", "byday": BYDAY[meeting.weekday]})
    if meeting.where:
        event.add("location", meeting.where)
    skipped = sorted(d for d in (date.fromisoformat(s) for s in skips) if d >= start_day)
    if skipped:
        event.add("exdate", [datetime.combine(d, at, tz) for d in skipped])
    cal.add_component(event)
    cal.add_missing_timezones()
    return bytes(cal.to_ical())
