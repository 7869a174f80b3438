"""The calendar's commands: `/rapport meeting ics` and `/rapport meeting feed on|off`."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class MeetingCalendar:
    """The weekly meeting as an iCalendar file, for the person who asked."""


@dataclass(frozen=True)
class MeetingFeed:
    """The admin turns the group's private calendar subscription on (a new URL) or off."""

    on: bool
