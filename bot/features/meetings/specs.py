"""The weekly meeting's command: /rapport meeting."""

from __future__ import annotations

from bot.command_spec import CommandSpec, reads
from bot.features.meetings import calendar, handlers
from bot.features.meetings import commands as c

SPECS: tuple[CommandSpec, ...] = (
    CommandSpec(
        "meeting",
        c.parse_meeting,
        {
            c.ShowMeeting: handlers.show_meeting,
            c.SetMeeting: handlers.set_meeting,
            c.SkipMeeting: handlers.skip_meeting,
            c.MeetingCalendar: calendar.meeting_ics,
            c.MeetingFeed: calendar.meeting_feed,
        },
        reads=reads(c.ShowMeeting, c.MeetingCalendar),
    ),
)
