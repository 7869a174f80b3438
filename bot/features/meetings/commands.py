"""The weekly meeting as typed: /rapport meeting (show, set, skip), and the Command types it makes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.grammar import (
    MAX_NAME,
    TIME,
    WEEKDAYS,
    ParseError,
    limit,
    split_note,
    valid_tz,
)
from bot.messages import DAY_SOON, slash


@dataclass(frozen=True)
class ShowMeeting:
    """The next meeting."""


@dataclass(frozen=True)
class SetMeeting:
    weekday: int  # 0 = Monday
    time: str  # HH:MM
    tz: str | None = None
    where: str | None = None


@dataclass(frozen=True)
class SkipMeeting:
    day: date


@dataclass(frozen=True)
class MeetingCalendar:
    """`/rapport meeting ics`: the weekly meeting as an iCalendar file, for whoever asked."""


@dataclass(frozen=True)
class MeetingFeed:
    """`/rapport meeting feed on|off`: the admin turns the group's private calendar
    subscription on (a new URL) or off."""

    on: bool


def parse_meeting(rest: str) -> MeetingCommand:
    body, where = split_note(rest)
    words = body.split()
    if not words:
        if where:
            raise ParseError(
                "meeting", f"A place (after --) only goes with {slash('meeting')} set."
            )
        return ShowMeeting()
    sub = words[0].casefold()
    if sub == "set":
        if len(words) < 3 or len(words) > 4:
            raise ParseError(
                "meeting",
                f"Give the weekday and time, e.g. {slash('meeting')} set wednesday 07:00.",
            )
        day = words[1].casefold()
        matches = [i for i, d in enumerate(WEEKDAYS) if len(day) >= 3 and d.startswith(day)]
        if len(matches) != 1:
            raise ParseError(
                "meeting", f"“{words[1][:20]}” is not a weekday; write e.g. wednesday or wed."
            )
        tm = TIME.fullmatch(words[2])
        if not tm:
            raise ParseError(
                "meeting", f"“{words[2][:20]}” is not a time; write it as HH:MM, e.g. 07:00."
            )
        tz = valid_tz(words[3], "meeting") if len(words) == 4 else None
        if where:
            limit(where, MAX_NAME * 2, "The place", "meeting")
        return SetMeeting(matches[0], f"{int(tm.group(1)):02d}:{tm.group(2)}", tz, where)
    if sub == "skip":
        if len(words) != 2:
            raise ParseError(
                "meeting", f"Give the date to skip, e.g. {slash('meeting')} skip {DAY_SOON}."
            )
        try:
            skipped = date.fromisoformat(words[1])
        except ValueError:
            raise ParseError(
                "meeting", f"“{words[1][:20]}” is not a date; write it as YYYY-MM-DD."
            ) from None
        return SkipMeeting(skipped)
    if sub == "ics" and len(words) == 1:
        return MeetingCalendar()
    if sub == "feed":
        if len(words) == 2 and words[1].casefold() in ("on", "off"):
            return MeetingFeed(words[1].casefold() == "on")
        raise ParseError(
            "meeting", f"Write {slash('meeting')} feed on or {slash('meeting')} feed off."
        )
    raise ParseError("meeting", f"I don't know “{sub[:30]}” in {slash('meeting')}.")


# every Command this slice's parsers make
MeetingCommand = ShowMeeting | SetMeeting | SkipMeeting | MeetingCalendar | MeetingFeed
