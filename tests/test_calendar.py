"""The weekly meeting in people's calendars: `/rapport meeting ics` writes an iCalendar file
that calendar software reads back as one weekly event in the group's time zone, with the
skipped dates left out, and 07:00 kept across a daylight-saving change."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
from dateutil.rrule import rrulestr

from bot.model import ChannelRef, UserRef
from bot.work import Context

BACKENDS = ("sqlite", "postgresql")


def occurrences(cal: icalendar.Calendar, first: date, last: date) -> list[datetime]:
    """The meeting's occurrences from `first` to `last`, expanded the way RFC 5545 reads the
    file: its RRULE from DTSTART's wall-clock time, in DTSTART's TZID, less its EXDATEs."""
    [event] = cal.walk("VEVENT")
    start = event["DTSTART"]
    zone = ZoneInfo(start.params["TZID"])
    rule = rrulestr(event["RRULE"].to_ical().decode(), dtstart=start.dt.replace(tzinfo=None))
    exdates = event.get("EXDATE", [])
    skipped = {
        d.dt.replace(tzinfo=None)
        for ex in (exdates if isinstance(exdates, list) else [exdates])
        for d in ex.dts
    }
    found = rule.between(datetime.combine(first, time()), datetime.combine(last, time(23, 59)))
    return [d.replace(tzinfo=zone) for d in found if d not in skipped]


def read_ics(reply) -> icalendar.Calendar:
    [path] = reply.attachments
    assert path.endswith(".ics")
    return icalendar.Calendar.from_ical(Path(path).read_bytes())


async def test_the_meeting_as_a_calendar_file_with_a_skip_and_a_dst_change(group, clock):
    await group(
        "alice", "/rapport meeting set wednesday 07:00 Europe/London -- The Oaks, Main Road"
    )
    await group("alice", "/rapport meeting skip 2026-12-09")
    [reply] = await group.messages("bob", "/rapport meeting ics")
    assert "calendar file" in reply.fallback()
    assert "1 skipped date is left out" in reply.fallback()
    cal = read_ics(reply)

    [event] = cal.walk("VEVENT")
    assert str(event["SUMMARY"]) == "Breakfast Club weekly meeting"
    assert str(event["LOCATION"]) == "The Oaks, Main Road"
    assert event["RRULE"]["FREQ"] == ["WEEKLY"] and event["RRULE"]["BYDAY"] == ["WE"]
    assert event["DTSTART"].params["TZID"] == "Europe/London"
    assert event["DTSTART"].dt.hour == 7
    [tz] = cal.walk("VTIMEZONE")
    assert str(tz["TZID"]) == "Europe/London"
    assert event["DTSTAMP"].dt == clock.now()
    exdate = event["EXDATE"]
    assert exdate.params["TZID"] == "Europe/London"
    assert [d.dt for d in exdate.dts] == [
        datetime(2026, 12, 9, 7, 0, tzinfo=exdate.dts[0].dt.tzinfo)
    ]

    # the skipped Wednesday is gone; the others are there
    december = occurrences(cal, date(2026, 12, 1), date(2026, 12, 24))
    assert [d.date() for d in december] == [
        date(2026, 12, 2),
        date(2026, 12, 16),
        date(2026, 12, 23),
    ]
    # the clocks go forward on 28 March 2027: 07:00 local stays 07:00 (06:00 UTC after)
    local = occurrences(cal, date(2027, 3, 20), date(2027, 4, 5))
    assert [d.strftime("%Y-%m-%d %H:%M") for d in local] == ["2027-03-24 07:00", "2027-03-31 07:00"]
    assert [d.astimezone(UTC).hour for d in local] == [7, 6]


async def test_importing_again_updates_the_same_event(group, clock):
    await group("alice", "/rapport meeting set thursday 07:30 Africa/Johannesburg")
    [first] = await group.messages("bob", "/rapport meeting ics")
    clock.advance(days=2)
    await group("alice", "/rapport meeting set friday 08:00 -- Upstairs")
    [second] = await group.messages("carol", "/rapport meeting ics")
    a, b = (next(iter(read_ics(r).walk("VEVENT"))) for r in (first, second))
    assert str(a["UID"]) == str(b["UID"])
    assert b["RRULE"]["BYDAY"] == ["FR"] and b["DTSTART"].dt.strftime("%H:%M") == "08:00"
    assert first.attachments != second.attachments


async def test_no_meeting_yet_and_not_a_member(group):
    reply = await group("bob", "/rapport meeting ics")
    assert "no weekly meeting yet" in reply and "meeting set" in reply
    assert "/rapport join" in await group("zed", "/rapport meeting ics")


async def test_setup_and_meeting_set_offer_the_calendar(chat):
    assert "/rapport meeting ics" in await chat("alice", "/rapport setup Breakfast Club")
    await chat("alice", "/rapport join Insurance")
    assert "/rapport meeting ics" in await chat("alice", "/rapport meeting set tue 07:00")


async def test_the_feed_is_for_admins_and_needs_a_public_address(group):
    assert "admin" in await group("bob", "/rapport meeting feed on")
    assert "feed on or" in await group("alice", "/rapport meeting feed maybe")
    # a console group has no Slack web server to serve it
    assert "for groups on Slack" in await group("alice", "/rapport meeting feed on")
    assert "was not on" in await group("alice", "/rapport meeting feed off")


def slack(handle: str) -> Context:
    return Context(
        UserRef("slack", "T1", handle, handle), ChannelRef("slack", "T1", "C1", "#general")
    )


async def test_a_slack_admin_gets_a_private_feed_url_and_can_revoke_it(core, settings, messenger):
    from dataclasses import replace

    from bot.config import SlackSettings
    from bot.features.meetings.calendar import feed_calendar

    core.settings = replace(settings, slack=SlackSettings(public_url="https://rapport.example"))
    await core.handle(slack("alice"), "/rapport setup Breakfast Club")
    await core.handle(slack("alice"), "/rapport join Insurance")
    await core.handle(slack("alice"), "/rapport meeting set wed 07:00 Europe/London")
    [on] = await core.handle(slack("alice"), "/rapport meeting feed on")
    assert on.ephemeral
    url = on.fallback().splitlines()[-1]
    assert url.startswith("https://rapport.example/calendar/") and url.endswith(".ics")
    token = url.removeprefix("https://rapport.example/calendar/").removesuffix(".ics")
    assert len(token) >= 43  # 32 random bytes
    await core.settle()
    assert all(token not in s.text for s in messenger.sent)  # never to the channel
    ics = await core.repo.read(lambda tx: feed_calendar(tx, token, core.clock.now()))
    assert ics is not None and b"RRULE:FREQ=WEEKLY;BYDAY=WE" in ics
    assert await core.repo.read(lambda tx: feed_calendar(tx, token + "x", core.clock.now())) is None
    [off] = await core.handle(slack("alice"), "/rapport meeting feed off")
    assert "off" in off.fallback()
    assert await core.repo.read(lambda tx: feed_calendar(tx, token, core.clock.now())) is None
